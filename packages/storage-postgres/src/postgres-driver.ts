import { HomevisitError } from "@homevisit/core";
import type { SchemaMode, SqlStorageDriver } from "@homevisit/storage-sql";
import { Kysely, PostgresDialect, sql } from "kysely";
import { poolSource, translatingPool } from "./postgres-connection.js";
import { isPgUniqueViolation } from "./postgres-errors.js";
import { type BulkInsertMode, bulkInserter } from "./postgres-insert.js";
import type { PgPool } from "./postgres-pool.js";
import { quoteSchema, schemaCreator } from "./postgres-schema.js";
import { transactionRunner } from "./postgres-transaction.js";

/** Options of {@link postgresStorage}. */
export interface PostgresStorageOptions {
  /**
   * The host's own pool (`pg.Pool`, or {@link pglitePool}). The adapter borrows connections
   * and never ends it: `close()` leaves it to the host.
   */
  pool?: PgPool;
  /** A connection string, when the adapter should make (and on `close()` end) its own pool. */
  connectionString?: string;
  /** Connections of the adapter's own pool; default 10. Ignored with `pool`. */
  max?: number;
  /**
   * The PostgreSQL schema that holds homevisit's tables; default `homevisit`. Lower-case
   * letters, digits and underscores. Created on first use when missing.
   */
  schema?: string;
  /** How many times a transaction is run again after a deadlock or serialisation failure; default 8. */
  retries?: number;
  /**
   * How `createMany` sends rows: multi-row `VALUES` (default; fastest for JSON documents, which
   * `unnest` would have to escape into array literals) or `unnest` of one array per column
   * (one plan for any row count).
   */
  bulkInsert?: BulkInsertMode;
  /**
   * `migrate` (default): `migrations.migrate()` creates and alters tables (and the schema when
   * missing). `check`: the adapter never runs DDL — for a read replica or a role without DDL
   * rights — and every call fails with `storage_schema_outdated` (or `storage_schema_too_new`)
   * unless the schema is exactly at this library's version.
   */
  schemaMode?: SchemaMode;
}

/**
 * The PostgreSQL driver of the shared SQL layer: transactions on one borrowed connection
 * (`BEGIN`, the schema as `SET LOCAL search_path`, `COMMIT`), transparent re-runs after
 * deadlocks and serialisation failures, row locks (`FOR UPDATE`, `SKIP LOCKED`) and bulk
 * inserts through `unnest`. It only wires the pool (the host's, or one made from a connection
 * string), the schema's creation, the transaction runner and the bulk insert together.
 *
 * @example
 * ```ts
 * const storage = createSqlStorage(postgresDriver({ pool, schema: "homevisit" }));
 * ```
 */
export function postgresDriver(options: PostgresStorageOptions = {}): SqlStorageDriver {
  const schema = options.schema ?? "homevisit";
  const quoted = quoteSchema(schema);
  if (options.pool === undefined && options.connectionString === undefined) {
    throw new HomevisitError("validation_failed", { path: ["connectionString"] });
  }
  const source = poolSource(options);
  // For the raw read-back and one-off statements: the schema on the session, reset on release.
  // biome-ignore lint/suspicious/noExplicitAny: the shared layer's schema is dynamic
  const db = new Kysely<any>({ dialect: new PostgresDialect({ pool: translatingPool(source.pool, quoted) }) });
  // For transactions: the schema set with SET LOCAL, which COMMIT and ROLLBACK undo themselves.
  // biome-ignore lint/suspicious/noExplicitAny: the shared layer's schema is dynamic
  const txDb = new Kysely<any>({ dialect: new PostgresDialect({ pool: translatingPool(source.pool) }) });
  const transaction = transactionRunner({
    db: txDb,
    quotedSchema: quoted,
    retries: Math.max(0, options.retries ?? 8),
    before: schemaCreator(txDb, schema, options.schemaMode),
  });
  return {
    dialect: "postgres",
    db,
    lockRows: true,
    async lockMigrations(conn) {
      // A transaction-scoped advisory lock per schema: concurrent migrators queue here and
      // each then sees the version the one before it reached.
      await sql`SELECT pg_advisory_xact_lock(hashtext(${`homevisit.migrate:${schema}`}))`.execute(conn);
    },
    transaction,
    ...bulkInserter(options.bulkInsert ?? "values", quoted),
    isUniqueViolation: isPgUniqueViolation,
    close: () => source.end(),
  };
}
