/**
 * `@homevisit/storage-sql`: the dialect-neutral SQL layer that the SQLite and PostgreSQL
 * adapters share — schema and migrations as reviewable SQL text, the storage port's queries
 * through Kysely, and the coverage report as GROUP BY in the database. A dialect adapter
 * supplies a {@link SqlStorageDriver}: its transactions, its bulk insert fast path and its
 * error classification.
 *
 * @packageDocumentation
 */
export * from "./reports.js";
export * from "./schema.js";
export * from "./sql-blobs.js";
export * from "./sql-driver.js";
export * from "./sql-store.js";
export * from "./transaction-group.js";
