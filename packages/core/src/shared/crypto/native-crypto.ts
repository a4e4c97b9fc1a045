// Internal (not re-exported): the runtime's own synchronous hashing, where there is one.

/** The part of `node:crypto` used here. */
interface NativeCrypto {
  createHash(algorithm: "sha256"): NativeHash;
  createHmac(algorithm: "sha256", key: string): NativeHash;
}
interface NativeHash {
  update(data: string | Uint8Array): NativeHash;
  digest(encoding: "hex"): string;
}

/**
 * `node:crypto` where the runtime hands it out synchronously; `undefined` in browsers and
 * bundles for them (no `process`), which then use the portable code.
 */
export const nativeCrypto: NativeCrypto | undefined = (() => {
  const runtime = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  try {
    const crypto = runtime?.getBuiltinModule?.("node:crypto") as NativeCrypto | undefined;
    return typeof crypto?.createHash === "function" && typeof crypto.createHmac === "function" ? crypto : undefined;
  } catch {
    return undefined;
  }
})();
