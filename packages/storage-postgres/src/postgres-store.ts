import { createSqlStorage, type SqlBlobStore, type SqlStorage, sqlBlobStore } from "@homevisit/storage-sql";
import { type PostgresStorageOptions, postgresDriver } from "./postgres-driver.js";
import { quoteSchema } from "./postgres-schema.js";

/** What {@link postgresStorage} returns: the storage port, its blob store, and raw read-back for tests. */
export type PostgresStorage = SqlStorage & { readonly blobs: SqlBlobStore };

/**
 * Creates the PostgreSQL storage: the storage port over `pg` (the host's own `Pool`, or one
 * made from a connection string), every table in one schema (default `homevisit`), tenant
 * keys on every row, coverage reports computed by the database. Run
 * `storage.migrations.migrate()` (or review `storage.migrations.sql()` and run it with psql)
 * before use; a database migrated by a newer homevisit is refused with
 * `storage_schema_too_new`. Deadlocks and serialisation failures re-run the transaction (up
 * to `retries` times), so a transaction's function must not have effects outside it.
 *
 * @example
 * ```ts
 * import pg from "pg";
 * const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
 * const storage = postgresStorage({ pool, schema: "homevisit" });
 * await storage.migrations.migrate(); // [1, 2] on an empty database, [] afterwards
 * await storage.cities.create({ id: "lishui", name: "丽水市" });
 * await storage.close(); // the pool stays open: it is the host's
 * ```
 */
export function postgresStorage(options: PostgresStorageOptions = {}): PostgresStorage {
  const quoted = quoteSchema(options.schema ?? "homevisit");
  const driver = postgresDriver(options);
  const storage = createSqlStorage(driver, { schemaMode: options.schemaMode ?? "migrate" });
  const shared = storage.migrations;
  // The shared script names tables without a schema: say which one, so that running the
  // reviewed script with psql builds exactly what migrate() builds.
  const sqlScript = (range: { from?: number; to?: number } = {}) =>
    [
      "-- homevisit PostgreSQL schema",
      ...((range.from ?? 0) === 0 ? [`CREATE SCHEMA IF NOT EXISTS ${quoted};`] : []),
      `SET search_path TO ${quoted};`,
      "",
      shared.sql(range),
    ].join("\n");
  return {
    ...storage,
    blobs: sqlBlobStore(driver),
    migrations: {
      latest: shared.latest,
      current: () => shared.current(),
      pending: () => shared.pending(),
      migrate: (o) => shared.migrate(o),
      sql: sqlScript,
    },
  };
}
