/**
 * # The id generator port
 *
 * Ids of records the engine creates (category flags, consents, events, tombstones) come from an
 * `IdGenerator`, so tests can make them predictable.
 *
 * ## Implementing this port
 *
 * A generator MUST:
 * - return a new id on every call, never one it returned before (ids are primary keys);
 * - return ids of 1–64 characters from `[A-Za-z0-9_.:-]` (the `idSchema` of core).
 *
 * A generator MUST NOT:
 * - derive ids from personal data (names, phone numbers, identity card numbers): ids appear in
 *   events, audit rows and URLs.
 */

/** Makes a fresh id for a record the engine creates. */
export type IdGenerator = () => string;

/**
 * Random UUIDs (v4) from Web Crypto's `crypto.randomUUID()`, present in Node ≥ 19 and every
 * modern browser. The engine's default.
 *
 * @example
 * ```ts
 * randomIds(); // "3b241101-e2bb-4255-8caf-4136c566a962"
 * ```
 */
export const randomIds: IdGenerator = () => {
  const crypto = (globalThis as { crypto?: { randomUUID?: () => string } }).crypto;
  if (typeof crypto?.randomUUID !== "function") {
    throw new TypeError("crypto.randomUUID is not available: pass an IdGenerator to createEngine");
  }
  return crypto.randomUUID();
};

/**
 * Ids `prefix-1`, `prefix-2`, … for tests.
 *
 * @example
 * ```ts
 * const ids = sequentialIds("id");
 * ids(); // "id-1"
 * ids(); // "id-2"
 * ```
 */
export function sequentialIds(prefix = "id"): IdGenerator {
  let n = 0;
  return () => `${prefix}-${++n}`;
}
