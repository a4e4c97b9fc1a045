/**
 * The map kept under `key` in `parent`, made (empty) when there is none yet. The planner
 * remembers values by several keys in turn through nested maps, so that no key text is built
 * per lookup (it looks up sentences and reasons per student and per visit).
 *
 * @example
 * ```ts
 * const byRule = new Map<string, Map<string, string>>();
 * childMap(byRule, "new_student").set("2026-09-01", "…"); // byRule.get("new_student")?.get("2026-09-01") → "…"
 * ```
 */
export function childMap<K, CK, CV>(parent: Map<K, Map<CK, CV>>, key: K): Map<CK, CV> {
  let child = parent.get(key);
  if (child === undefined) {
    child = new Map();
    parent.set(key, child);
  }
  return child;
}
