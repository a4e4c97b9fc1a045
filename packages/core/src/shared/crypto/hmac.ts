import { nativeCrypto } from "./native-crypto.js";
import { portableSha256Hex } from "./sha256.js";

const encoder = new TextEncoder();
const blockSize = 64;

function hexToBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/**
 * HMAC-SHA256 (RFC 2104) of a text under a key, as 64 lowercase hex digits. The audit log keeps
 * sensitive before/after values only in this form: equal values give equal digests, so an
 * auditor holding the key can check a suspected value, but the log alone reveals nothing.
 * Synchronous: native `node:crypto` where the runtime offers it, core's portable SHA-256
 * elsewhere (the same digests). The message is text (hashed as UTF-8) or bytes as they are.
 *
 * @example
 * ```ts
 * hmacSha256Hex("key", "The quick brown fox jumps over the lazy dog");
 * // "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8"
 * ```
 */
export function hmacSha256Hex(key: string, message: string | Uint8Array): string {
  // Node's own HMAC: on Node 20 a fresh `createHmac` per message costs less than copying hash
  // states prepared per key, and the audit trail computes one per changed field.
  if (!nativeCrypto) return portableHmacSha256Hex(key, message);
  return nativeCrypto.createHmac("sha256", key).update(message).digest("hex");
}

/**
 * RFC 2104's two padded key blocks, `K ⊕ ipad` and `K ⊕ opad`: the key as UTF-8, hashed first
 * when longer than a block, zero-padded to 64 bytes. `sha256` is the native or portable digest.
 */
function keyBlocks(key: string, sha256: (bytes: Uint8Array) => Uint8Array): { inner: Uint8Array; outer: Uint8Array } {
  let k: Uint8Array = encoder.encode(key);
  if (k.length > blockSize) k = sha256(k);
  const inner = new Uint8Array(blockSize);
  const outer = new Uint8Array(blockSize);
  for (let i = 0; i < blockSize; i++) {
    inner[i] = (k[i] ?? 0) ^ 0x36;
    outer[i] = (k[i] ?? 0) ^ 0x5c;
  }
  return { inner, outer };
}

/**
 * The portable HMAC-SHA256 behind {@link hmacSha256Hex}, on core's own SHA-256: what browsers run.
 *
 * @example
 * ```ts
 * portableHmacSha256Hex("key", "The quick brown fox jumps over the lazy dog");
 * // "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8"
 * ```
 */
export function portableHmacSha256Hex(key: string, message: string | Uint8Array): string {
  const { inner, outer } = keyBlocks(key, (bytes) => hexToBytes(portableSha256Hex(bytes)));
  const innerHash = hexToBytes(
    portableSha256Hex(concat(inner, typeof message === "string" ? encoder.encode(message) : message)),
  );
  return portableSha256Hex(concat(outer, innerHash));
}
