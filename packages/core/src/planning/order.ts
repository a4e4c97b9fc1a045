/**
 * Orders the planner sorts by, kept exactly as they were (the output order depends on them)
 * but cheaper: a collator comparison costs far more than comparing code units, and for the
 * texts below the two orders are provably the same.
 */

/**
 * Compares two `YYYY-MM-DD` dates. Digits and the hyphen order the same under the collator as
 * by code unit (hyphen, then 0–9), and equal-length dates differ first at a digit, so this is
 * `a.localeCompare(b)` without the collator.
 *
 * @example
 * ```ts
 * ["2026-10-01", "2026-09-30"].sort(cmpDate); // → ["2026-09-30", "2026-10-01"]
 * ```
 */
export function cmpDate(a: string, b: string): number {
  // Equal texts first: unequal ones of known hashes answer at once, so most calls compare
  // their code units once rather than twice.
  return a === b ? 0 : a < b ? -1 : 1;
}

/**
 * Lowercase ASCII letters, digits and hyphens: each has its own primary weight under the
 * collator, in code-unit order (hyphen < 0–9 < a–z), and none has a case variant, so two such
 * texts compare under `localeCompare` exactly as their code units do.
 */
const plainId = /^[0-9a-z-]*$/;

/**
 * Whether every id is a plain one (see `plainId`): two different plain ids never compare
 * equal under `localeCompare`, and compare as their code units do.
 *
 * @example
 * ```ts
 * hasPlainIds([{ id: "s-1" }, { id: "s-10" }]); // → true
 * hasPlainIds([{ id: "S-1" }]); // → false
 * ```
 */
export function hasPlainIds(items: readonly { id: string }[]): boolean {
  for (const item of items) if (!plainId.test(item.id)) return false;
  return true;
}

/**
 * A copy of `items` sorted by `id` as `a.id.localeCompare(b.id)` sorts them (stable): by code
 * unit when every id is a plain one (lowercase letters, digits, hyphens: the same order),
 * through the collator otherwise.
 *
 * @example
 * ```ts
 * sortedById([{ id: "s-10" }, { id: "s-2" }, { id: "s-1" }]); // → [{ id: "s-1" }, { id: "s-10" }, { id: "s-2" }]
 * ```
 */
export function sortedById<T extends { id: string }>(items: readonly T[], plain = hasPlainIds(items)): T[] {
  return plain
    ? [...items].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    : [...items].sort((a, b) => a.id.localeCompare(b.id));
}
