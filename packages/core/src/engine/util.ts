import type { Page, Stored } from "../ports/storage.js";

/**
 * Reads every page of a list.
 *
 * @example
 * ```ts
 * const flags = await loadAll((cursor) => tx.categoryFlags.list({ where: { studentId: "s-1" }, cursor, limit: 1000 }));
 * ```
 */
export async function loadAll<T>(list: (cursor: string | undefined) => Promise<Page<T>>): Promise<Stored<T>[]> {
  const out: Stored<T>[] = [];
  let cursor: string | undefined;
  do {
    const page = await list(cursor);
    out.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return out;
}
