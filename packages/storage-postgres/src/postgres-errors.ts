import { HomevisitError, isHomevisitError } from "@homevisit/core";

/** SQLSTATEs after which the whole transaction is simply run again. */
const retryableCodes = new Set([
  "40001", // serialization_failure
  "40P01", // deadlock_detected
  "55P03", // lock_not_available
]);

/** SQLSTATE classes and socket errors that mean the server cannot be reached. */
const unavailableCodes = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EPIPE",
  "EHOSTUNREACH",
  "57P01", // admin_shutdown
  "57P02", // crash_shutdown
  "57P03", // cannot_connect_now
  "53300", // too_many_connections
]);

// Marks the busy errors made from retryable driver errors, so `transaction` retries them even
// after they passed through a repository.
const retryable = new WeakSet<object>();

/**
 * Whether an error is one after which the transaction should be run again.
 *
 * @example
 * ```ts
 * if (isRetryable(error)) await runAgain(); // serialisation failures, deadlocks, lost races
 * ```
 */
export function isRetryable(error: unknown): boolean {
  return typeof error === "object" && error !== null && retryable.has(error);
}

function driverCode(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === "string" ? code : undefined;
}

function isDriverError(error: unknown): boolean {
  const code = driverCode(error);
  if (code !== undefined && (/^[0-9A-Z]{5}$/.test(code) || unavailableCodes.has(code))) return true;
  return error instanceof Error && driverMessages.test(error.message);
}

// Errors the pg driver throws without a code: a dropped connection, a pool timeout or an ended pool.
const driverMessages =
  /Connection terminated|timeout exceeded when trying to connect|not queryable|Cannot use a pool after calling end|Client was closed/i;

// Unique keys that settle races rather than reject input: two appends to one audit chain, two
// processes applying one migration (the version row, or the catalog rows of a table created
// at once). A violation there means "the other one won", and the re-run sees its result.
const raceTables = new Set(["hv_audit", "hv_audit_heads", "hv_schema", "pg_type", "pg_class", "pg_namespace"]);

/**
 * Translates a driver error into a `HomevisitError`: unique violations into `conflict` (or,
 * for the audit chain's keys, a retryable `storage_busy`), serialisation failures and deadlocks
 * into a retryable `storage_busy`, connection failures into `storage_unavailable`, bad values
 * into `validation_failed`, a full disk (53100) into `storage_full`, other constraint failures
 * into `storage_constraint`, a read-only transaction into `storage_read_only`, damaged data into
 * `storage_corrupt`, any other driver error into `storage_failure` (the driver error kept only
 * as `cause`, for logs). Anything that is not a driver error — a `HomevisitError`, an
 * error thrown by the caller's own code — is returned unchanged.
 *
 * @example
 * ```ts
 * translatePgError(Object.assign(new Error("duplicate key"), { code: "23505" })).code; // "conflict"
 * translatePgError(new Error("boom")); // the same Error("boom")
 * ```
 */
export function translatePgError(error: unknown): unknown {
  if (isHomevisitError(error) || !isDriverError(error)) return error;
  const code = driverCode(error);
  const table = (error as { table?: unknown }).table;
  if (code === "23505" && !(typeof table === "string" && raceTables.has(table))) {
    return new HomevisitError("conflict", { params: { entity: "record" }, cause: error });
  }
  if (code !== undefined && (retryableCodes.has(code) || code === "23505")) {
    const busy = new HomevisitError("storage_busy", { cause: error });
    retryable.add(busy);
    return busy;
  }
  if (code !== undefined && (unavailableCodes.has(code) || code.startsWith("08") || code.startsWith("57"))) {
    return new HomevisitError("storage_unavailable", { cause: error });
  }
  if (code === undefined) {
    const message = error instanceof Error ? error.message : "";
    return /Cannot use a pool after calling end|Client was closed/i.test(message)
      ? new HomevisitError("storage_closed", { cause: error })
      : new HomevisitError("storage_unavailable", { cause: error });
  }
  if (code.startsWith("22")) return new HomevisitError("validation_failed", { cause: error });
  if (code === "53100") return new HomevisitError("storage_full", { cause: error });
  if (code.startsWith("53")) return new HomevisitError("storage_unavailable", { cause: error });
  if (code.startsWith("23")) return new HomevisitError("storage_constraint", { cause: error });
  if (code === "25006") return new HomevisitError("storage_read_only", { cause: error });
  if (code === "XX001" || code === "XX002") return new HomevisitError("storage_corrupt", { cause: error });
  return new HomevisitError("storage_failure", { cause: error });
}

/**
 * Whether a driver error (or its translation) is a unique-key violation: the shared layer asks
 * this to tell "the key exists" apart from other failures.
 *
 * @example
 * ```ts
 * isPgUniqueViolation(Object.assign(new Error("duplicate key"), { code: "23505" })); // true
 * ```
 */
export function isPgUniqueViolation(error: unknown): boolean {
  if (isHomevisitError(error)) return error.code === "conflict";
  return driverCode(error) === "23505";
}
