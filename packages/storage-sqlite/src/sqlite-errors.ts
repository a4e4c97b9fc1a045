import { HomevisitError, isHomevisitError } from "@homevisit/core";

/**
 * SQLite's result codes (better-sqlite3 puts the extended one in `code`, e.g.
 * `SQLITE_CONSTRAINT_PRIMARYKEY`) and the file-system errors of the WAL sync, by the stable
 * code a caller sees. The primary code is the part before the second underscore.
 */
const byPrimary: Record<
  string,
  | "storage_busy"
  | "storage_full"
  | "storage_constraint"
  | "storage_read_only"
  | "storage_corrupt"
  | "storage_unavailable"
> = {
  SQLITE_BUSY: "storage_busy",
  SQLITE_LOCKED: "storage_busy",
  SQLITE_FULL: "storage_full",
  SQLITE_CONSTRAINT: "storage_constraint",
  SQLITE_READONLY: "storage_read_only",
  SQLITE_CORRUPT: "storage_corrupt",
  SQLITE_NOTADB: "storage_corrupt",
  SQLITE_IOERR: "storage_unavailable",
  SQLITE_CANTOPEN: "storage_unavailable",
  SQLITE_NOMEM: "storage_unavailable",
  SQLITE_PROTOCOL: "storage_busy",
};

const bySystem: Record<string, "storage_full" | "storage_read_only" | "storage_unavailable"> = {
  ENOSPC: "storage_full",
  EDQUOT: "storage_full",
  EFBIG: "storage_full",
  EROFS: "storage_read_only",
  EACCES: "storage_read_only",
  EPERM: "storage_read_only",
  EIO: "storage_unavailable",
  EMFILE: "storage_unavailable",
  ENFILE: "storage_unavailable",
};

/**
 * Translates a SQLite driver error (or a file-system error of the WAL sync) into a
 * `HomevisitError` with a stable code: a full disk or page limit (`SQLITE_FULL`, `ENOSPC`) is
 * `storage_full` (507), a unique key `conflict`, any other constraint `storage_constraint`, busy
 * and locked `storage_busy`, a read-only file `storage_read_only`, a damaged one
 * `storage_corrupt`, I/O errors `storage_unavailable`, a closed connection `storage_closed`, any
 * other SQLite code `storage_failure`. The driver error is kept only as `cause` (for logs).
 * Errors that are not the driver's (a `HomevisitError`, the caller's own) come back unchanged.
 *
 * @example
 * ```ts
 * translateSqliteError(Object.assign(new Error("database or disk is full"), { code: "SQLITE_FULL" })).code;
 * // "storage_full"
 * ```
 */
export function translateSqliteError(error: unknown): unknown {
  if (isHomevisitError(error) || typeof error !== "object" || error === null) return error;
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string" && code.startsWith("SQLITE_")) {
    if (code === "SQLITE_CONSTRAINT_PRIMARYKEY" || code === "SQLITE_CONSTRAINT_UNIQUE") {
      return new HomevisitError("conflict", { params: { entity: "record" }, cause: error });
    }
    const primary = code.split("_").slice(0, 2).join("_");
    return new HomevisitError(byPrimary[primary] ?? "storage_failure", { cause: error });
  }
  if (typeof code === "string" && Object.hasOwn(bySystem, code)) {
    return new HomevisitError(bySystem[code] as "storage_full", { cause: error });
  }
  // better-sqlite3 throws a TypeError when used after close.
  if (error instanceof TypeError && /database connection is not open/i.test(error.message)) {
    return new HomevisitError("storage_closed", { cause: error });
  }
  return error;
}

const busyCodes = new Set(["SQLITE_BUSY", "SQLITE_LOCKED", "SQLITE_BUSY_SNAPSHOT", "SQLITE_BUSY_RECOVERY"]);

/**
 * Whether an error is SQLite saying "busy, try again".
 *
 * @example
 * ```ts
 * isSqliteBusy(Object.assign(new Error("database is locked"), { code: "SQLITE_BUSY" })); // true
 * ```
 */
export function isSqliteBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && busyCodes.has(code);
}
