import { HomevisitError } from "../shared/errors/homevisit-error.js";

/** The page size when a list query gives none. */
export const defaultPageSize = 100;
/** The largest page a list query may ask for. */
export const maxPageSize = 1000;

/**
 * The page size of a list query: the default when absent; a `storage_page_size` error
 * outside 1…{@link maxPageSize}.
 *
 * @example
 * ```ts
 * pageSize(undefined); // 100
 * pageSize(5000); // throws HomevisitError("storage_page_size")
 * ```
 */
export function pageSize(limit: number | undefined): number {
  if (limit === undefined) return defaultPageSize;
  if (!Number.isInteger(limit) || limit < 1 || limit > maxPageSize) {
    throw new HomevisitError("storage_page_size", { params: { max: maxPageSize }, path: ["limit"] });
  }
  return limit;
}

/**
 * Makes the opaque cursor that continues a list after a row. Lists order by id, so the last
 * id is all a cursor needs; it is wrapped so callers do not build cursors by hand.
 *
 * @example
 * ```ts
 * decodeCursor(encodeCursor("s-0042")); // "s-0042"
 * ```
 */
export function encodeCursor(afterId: string): string {
  return btoa(JSON.stringify({ v: 1, after: afterId }))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
}

/**
 * The id a cursor continues after; a `storage_invalid_cursor` error for anything that is not
 * a cursor made by {@link encodeCursor}.
 *
 * @example
 * ```ts
 * decodeCursor("not a cursor"); // throws HomevisitError("storage_invalid_cursor")
 * ```
 */
export function decodeCursor(cursor: string): string {
  try {
    const text = atob(cursor.replace(/-/g, "+").replace(/_/g, "/"));
    const parsed = JSON.parse(text) as { v?: unknown; after?: unknown };
    if (parsed.v === 1 && typeof parsed.after === "string" && parsed.after.length > 0) return parsed.after;
  } catch {
    // fall through to the typed error
  }
  throw new HomevisitError("storage_invalid_cursor", { path: ["cursor"] });
}
