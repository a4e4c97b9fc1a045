/**
 * # The id generator port
 *
 * Ids of records the engine creates (visit records, category flags, consents, events,
 * tombstones) come from an `IdGenerator`, so tests can make them predictable. The default,
 * {@link timeOrderedIds}, makes UUIDs of version 7.
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
 * modern browser. Their order says nothing; {@link timeOrderedIds} (the engine's default) is
 * kinder to a database's indexes.
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

/** Options of {@link timeOrderedIds}. */
export interface TimeOrderedIdsOptions {
  /** Milliseconds since 1970 (default `Date.now`): the first 48 bits of every id. */
  now?: () => number;
}

const hex = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));
/** Random bytes drawn 4 KiB at a time: one Web Crypto call per 512 ids, not one per id. */
const pool = new Uint8Array(4096);
let poolAt = pool.length;

function randomBytes8(): number {
  if (poolAt === pool.length) {
    const crypto = (globalThis as { crypto?: { getRandomValues?: (a: Uint8Array) => Uint8Array } }).crypto;
    if (typeof crypto?.getRandomValues !== "function") {
      throw new TypeError("crypto.getRandomValues is not available: pass an IdGenerator to createEngine");
    }
    crypto.getRandomValues(pool);
    poolAt = 0;
  }
  const at = poolAt;
  poolAt += 8;
  return at;
}

/**
 * UUIDs of version 7 (RFC 9562): 48 bits of Unix time in milliseconds, then a 12-bit counter,
 * then 62 random bits. Ids made later sort after ids made earlier, as text too, so a new record
 * lands at the end of every index keyed by its id instead of on a random page: a draft dirties
 * fewer pages and its COMMIT writes less (figures: docs/benchmarks.md), and lists ordered by id
 * come in creation order. Within one generator ids strictly increase even when the clock
 * stands still or steps back: the counter counts on from the last id, and when it runs out the
 * time moves on by a millisecond.
 *
 * An id shows when its record was created, to the millisecond, to whoever sees the id; the
 * records that carry ids carry their dates anyway. 62 random bits keep ids from being guessed,
 * and nothing relies on that: access is decided by policy, never by an id's secrecy.
 *
 * @example
 * ```ts
 * const ids = timeOrderedIds();
 * const a = ids(); // "019af0c2-7f3a-7000-8c41-5b0e6a7d92f1"
 * const b = ids();
 * a < b; // true
 * ```
 */
export function timeOrderedIds(options: TimeOrderedIdsOptions = {}): IdGenerator {
  const now = options.now ?? Date.now;
  let lastMs = -1;
  let counter = 0;
  return () => {
    // A clock that answers nonsense (NaN, a negative time) counts as standing still.
    const ms = Math.max(0, Math.floor(now()) || 0);
    if (ms > lastMs) {
      lastMs = ms;
      counter = 0;
    } else if (counter < 0xfff) {
      counter++;
    } else {
      lastMs++;
      counter = 0;
    }
    const at = randomBytes8();
    // 48-bit time as 12 hex digits: the high 16 bits and the low 32 bits apart, since
    // JavaScript's bit operators work on 32 bits.
    const high = Math.floor(lastMs / 0x1_0000_0000);
    const low = lastMs >>> 0;
    const time = `${high.toString(16).padStart(4, "0")}${low.toString(16).padStart(8, "0")}`;
    const r = (i: number) => hex[pool[at + i] as number] as string;
    const variant = hex[((pool[at] as number) & 0x3f) | 0x80] as string;
    return `${time.slice(0, 8)}-${time.slice(8)}-7${counter.toString(16).padStart(3, "0")}-${variant}${r(1)}-${r(2)}${r(3)}${r(4)}${r(5)}${r(6)}${r(7)}`;
  };
}

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
