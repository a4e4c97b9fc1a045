/**
 * `@homevisit/storage-postgres`: the homevisit storage port on PostgreSQL, for a county or city
 * bureau. Built on the shared SQL layer (`@homevisit/storage-sql`) with PostgreSQL's own
 * strengths where they matter: row locks for versioned writes and the outbox, `unnest` bulk
 * inserts, transparent re-runs after deadlocks, a configurable schema, and the host's own
 * `pg.Pool` accepted as it is.
 *
 * @packageDocumentation
 */
export { type PostgresStorageOptions, postgresDriver } from "./postgres-driver.js";
export { isRetryable, translatePgError } from "./postgres-errors.js";
export type { BulkInsertMode } from "./postgres-insert.js";
export * from "./postgres-pool.js";
export { quoteSchema } from "./postgres-schema.js";
export * from "./postgres-store.js";
