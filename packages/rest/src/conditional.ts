// Conditional GETs (RFC 9110 §13.1.2): entity tags of representations and `If-None-Match`.
//
// Why a GET's tag is not just the record's version: the body of a read is more than the record.
// `students.read` answers the categories in force *today* and the category flags, which are
// records of their own — flagging a student changes the read without changing the student's
// version. A tag of the version alone would answer 304 to a client holding yesterday's
// categories. So a GET's tag is `"<version>.<digest>"`: the version first (what `If-Match`
// needs), then a keyed digest of the exact bytes sent, so equal tags mean equal bodies.

import { hmacSha256Hex } from "@homevisit/core";

/** A parsed entity tag: its opaque text (between the quotes) and whether it was weak (`W/`). */
export interface EntityTag {
  readonly weak: boolean;
  readonly opaque: string;
}

// An entity-tag is [W/] DQUOTE *etagc DQUOTE, etagc = %x21 / %x23-7E / obs-text (no quote,
// no control characters, no space); list elements are separated by commas.
const entityTagElement = /^(W\/)?"([\x21\x23-\x7e\x80-\xff]*)"[ \t]*(?:,|$)/;

/**
 * The entity tags of an `If-None-Match` (or `If-Match`) value: `"*"` for the wildcard, a list
 * of tags, or `undefined` when the value is not a valid field value (a recipient then ignores
 * the condition). Empty list elements (`"1", , "2"`) are allowed, as RFC 9110 §5.6.1 says.
 *
 * @example
 * ```ts
 * parseEntityTags('W/"3.abc", "4.def"'); // [{ weak: true, opaque: "3.abc" }, { weak: false, opaque: "4.def" }]
 * parseEntityTags(" * "); // "*"
 * parseEntityTags("3"); // undefined (not quoted)
 * ```
 */
export function parseEntityTags(value: string): "*" | EntityTag[] | undefined {
  if (value.trim() === "*") return "*";
  const tags: EntityTag[] = [];
  let rest = value;
  for (;;) {
    rest = rest.replace(/^[ \t,]+/, "");
    if (rest === "") return tags;
    const match = entityTagElement.exec(rest);
    if (match === null) return undefined;
    tags.push({ weak: match[1] !== undefined, opaque: match[2] ?? "" });
    rest = rest.slice(match[0].length);
  }
}

/**
 * Whether an `If-None-Match` value matches the current representation's tag, by the weak
 * comparison RFC 9110 §13.1.2 prescribes for it (`W/"1.x"` matches `"1.x"`): `*` matches any
 * current representation; a list matches when one of its tags does. An absent or malformed
 * value never matches (the condition is ignored and the GET answers 200).
 *
 * @example
 * ```ts
 * ifNoneMatchMatches('"7.Ab", W/"8.Cd"', '"8.Cd"'); // true
 * ifNoneMatchMatches("*", '"8.Cd"'); // true
 * ifNoneMatchMatches(null, '"8.Cd"'); // false
 * ```
 */
export function ifNoneMatchMatches(header: string | null, currentTag: string): boolean {
  if (header === null) return false;
  const tags = parseEntityTags(header);
  if (tags === undefined) return false;
  if (tags === "*") return true;
  const current = parseEntityTags(currentTag);
  if (current === undefined || current === "*" || current.length !== 1) return false;
  const opaque = current[0]?.opaque;
  return tags.some((t) => t.opaque === opaque);
}

/**
 * Makes a GET representation's tag from its version and its exact body: bytes, or text (whose
 * UTF-8 bytes are what is sent, and what is hashed).
 */
export type RepresentationTagger = (version: number | undefined, body: Uint8Array | string) => Promise<string>;

function base64url(bytes: Uint8Array): string {
  let text = "";
  for (const byte of bytes) text += String.fromCharCode(byte);
  return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** The first 16 bytes of a hex digest, in base64url (22 characters). */
function digestPrefix(hex: string): string {
  const bytes = new Uint8Array(16);
  for (let i = 0; i < 16; i++) bytes[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return base64url(bytes);
}

/**
 * Makes the tagger of GET representations: `"<version>.<digest>"` for a record with a
 * version, `"<digest>"` otherwise, where the digest is the first 128 bits of an HMAC-SHA-256
 * of the exact body bytes (base64url). Keyed, so that a tag seen in a log says nothing about
 * a body nobody can read (an empty consent list has a well-known hash; it has no well-known
 * HMAC). `key` is the host's secret shared by its instances, so that every instance tags a
 * body alike; without one, a random key per handler (instances then disagree, and a client
 * that moves between them gets a 200 where a 304 would have done). Computed synchronously with
 * core's `hmacSha256Hex` (native `node:crypto` where the runtime has it): Web Crypto's
 * `subtle.sign` sent every GET through the thread pool and two promises, which showed in
 * profiles of the archive read. The tags are the same as before for the same key.
 *
 * @example
 * ```ts
 * const tag = representationTagger("shared-secret");
 * await tag(3, new TextEncoder().encode('{"version":3}')); // '"3.q2Vb…"' (22 digest characters)
 * await tag(undefined, bytes); // '"Zk1x…"'
 * ```
 */
export function representationTagger(key?: string): RepresentationTagger {
  if (key === "") throw new TypeError("etagKey must not be empty");
  // A random key is kept as hex text: HMAC takes the key's UTF-8 bytes, 64 characters here.
  const secret = key ?? randomHexKey();
  return async (version, body) => {
    const digest = digestPrefix(hmacSha256Hex(secret, body));
    return version === undefined ? `"${digest}"` : `"${version}.${digest}"`;
  };
}

function randomHexKey(): string {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(32));
  let hex = "";
  for (const byte of bytes) hex += byte.toString(16).padStart(2, "0");
  return hex;
}
