import { HomevisitError } from "@homevisit/core";

/**
 * Limits on what a request may carry. They are enforced while the body streams in: a body is
 * refused on its `Content-Length` before a byte is read, and again as soon as the bytes counted
 * pass the limit, so an oversized or endless body never sits whole in memory.
 */
export interface RestLimits {
  /** Largest JSON body in bytes. Default 1 MiB (1,048,576). */
  bodyBytes: number;
  /** Largest upload body in bytes (photos, roster files). Default 10 MB (10,000,000). */
  uploadBytes: number;
  /** Deepest nesting of JSON arrays and objects. Default 32. */
  depth: number;
  /** Most elements of one JSON array and most keys of one object. Default 10,000. */
  arrayLength: number;
  /** Longest JSON string (keys included), in UTF-16 code units. Default 100,000. */
  stringLength: number;
  /** Largest page a list may ask for with `?limit=`. Default 1,000. */
  pageSize: number;
}

/** The default {@link RestLimits}. */
export const defaultRestLimits: Readonly<RestLimits> = Object.freeze({
  bodyBytes: 1_048_576,
  uploadBytes: 10_000_000,
  depth: 32,
  arrayLength: 10_000,
  stringLength: 100_000,
  pageSize: 1_000,
});

/** Keys that reach an object's prototype when a careless consumer copies the value. */
const forbiddenKeys = new Set(["__proto__", "constructor", "prototype"]);

/**
 * Reads a request body as bytes, refusing it (`rest_body_too_large`, 413) when the declared
 * `Content-Length` or the bytes actually received pass `limit`. The stream is cancelled on
 * refusal, so the rest of the body is never buffered.
 *
 * @example
 * ```ts
 * const bytes = await readBodyLimited(new Request("http://x/", { method: "POST", body: "{}" }), 1024);
 * bytes.byteLength; // 2
 * await readBodyLimited(new Request("http://x/", { method: "POST", body: "x".repeat(2048) }), 1024);
 * // throws HomevisitError("rest_body_too_large")
 * ```
 */
export async function readBodyLimited(request: Request, limit: number): Promise<Uint8Array> {
  const tooLarge = () => new HomevisitError("rest_body_too_large", { params: { limit } });
  const declared = request.headers.get("content-length");
  if (declared !== null) {
    if (!/^\d{1,16}$/.test(declared.trim())) {
      throw new HomevisitError("rest_malformed_header", { params: { header: "Content-Length" } });
    }
    if (Number(declared.trim()) > limit) {
      await request.body?.cancel().catch(() => undefined);
      throw tooLarge();
    }
    // A declared length within the limit frames an unencoded body: the server's HTTP parser
    // hands over exactly that many bytes (a longer body is a protocol error there), so reading
    // it whole is bounded by the check above. `arrayBuffer()` lets an adapter read the socket
    // directly — @hono/node-server's requests otherwise build a web stream over the socket for
    // every POST, which showed in profiles of the draft. A body with a Content-Encoding may be
    // inflated on the way (its length then says nothing), so it is read as a stream below; the
    // size is checked again for a Request a host built itself with a wrong header.
    if (request.headers.get("content-encoding") === null) {
      const bytes = new Uint8Array(await request.arrayBuffer());
      if (bytes.byteLength > limit) throw tooLarge();
      return bytes;
    }
  }
  if (request.body === null) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

/**
 * Parses a JSON body under the limits: checks the nesting depth on the raw text before parsing
 * (so a million `[` never reach the parser), then walks the value for array, object and string
 * sizes and for `__proto__`, `constructor` and `prototype` keys (`reserved_key`, 422).
 * Invalid UTF-8 or JSON answers `rest_malformed_body` (400); an exceeded limit
 * `rest_body_too_complex` (413).
 *
 * @example
 * ```ts
 * parseJsonLimited(new TextEncoder().encode('{"a":[1,2]}'), defaultRestLimits); // { a: [1, 2] }
 * parseJsonLimited(new TextEncoder().encode('{"__proto__":{}}'), defaultRestLimits); // throws reserved_key
 * ```
 */
export function parseJsonLimited(
  bytes: Uint8Array,
  limits: Pick<RestLimits, "depth" | "arrayLength" | "stringLength">,
): unknown {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new HomevisitError("rest_malformed_body");
  }
  checkDepth(text, limits.depth);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new HomevisitError("rest_malformed_body");
  }
  checkValue(value, limits, []);
  return value;
}

function checkDepth(text: string, maxDepth: number): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 91 /* [ */ || c === 123 /* { */) {
      if (++depth > maxDepth) {
        throw new HomevisitError("rest_body_too_complex", { params: { what: "depth", limit: maxDepth } });
      }
    } else if (c === 93 /* ] */ || c === 125 /* } */) depth--;
  }
}

function checkValue(
  value: unknown,
  limits: Pick<RestLimits, "arrayLength" | "stringLength">,
  path: (string | number)[],
): void {
  if (typeof value === "string") {
    if (value.length > limits.stringLength) {
      throw new HomevisitError("rest_body_too_complex", {
        params: { what: "string length", limit: limits.stringLength },
        path,
      });
    }
    return;
  }
  if (value === null || typeof value !== "object") return;
  if (Array.isArray(value)) {
    if (value.length > limits.arrayLength) {
      throw new HomevisitError("rest_body_too_complex", {
        params: { what: "array length", limit: limits.arrayLength },
        path,
      });
    }
    for (let i = 0; i < value.length; i++) checkValue(value[i], limits, [...path, i]);
    return;
  }
  const keys = Object.keys(value);
  if (keys.length > limits.arrayLength) {
    throw new HomevisitError("rest_body_too_complex", {
      params: { what: "object keys", limit: limits.arrayLength },
      path,
    });
  }
  for (const key of keys) {
    if (forbiddenKeys.has(key)) throw new HomevisitError("reserved_key", { params: { key }, path: [...path, key] });
    if (key.length > limits.stringLength) {
      throw new HomevisitError("rest_body_too_complex", {
        params: { what: "string length", limit: limits.stringLength },
        path,
      });
    }
    checkValue((value as Record<string, unknown>)[key], limits, [...path, key]);
  }
}
