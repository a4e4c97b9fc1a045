import { HomevisitError, isHomevisitError } from "@homevisit/core";
import {
  createSqlStorage,
  latestSchemaVersion,
  type SchemaMode,
  type SqlStorage,
  type SqlStorageDriver,
} from "@homevisit/storage-sql";
import { CompiledQuery, Kysely, type Kysely as KyselyType, PostgresDialect, type PostgresPool, sql } from "kysely";
import { type PostgresBlobStore, postgresBlobStore } from "./postgres-blobs.js";
import { isRetryable, type PgPool, type PgPoolClient, translatePgError } from "./postgres-pool.js";

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
  bulkInsert?: "values" | "unnest";
  /**
   * `migrate` (default): `migrations.migrate()` creates and alters tables (and the schema when
   * missing). `check`: the adapter never runs DDL — for a read replica or a role without DDL
   * rights — and every call fails with `storage_schema_outdated` (or `storage_schema_too_new`)
   * unless the schema is exactly at this library's version.
   */
  schemaMode?: SchemaMode;
}

/** What {@link postgresStorage} returns: the storage port, its blob store, and raw read-back for tests. */
export type PostgresStorage = SqlStorage & { readonly blobs: PostgresBlobStore };

/**
 * Quotes a schema name for SQL after checking it is a plain identifier (lower-case letters,
 * digits, underscores; at most 63 characters), so that no option can inject SQL.
 *
 * @example
 * ```ts
 * quoteSchema("homevisit"); // '"homevisit"'
 * quoteSchema("x; drop"); // throws HomevisitError("validation_failed")
 * ```
 */
export function quoteSchema(schema: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new HomevisitError("validation_failed", { path: ["schema"] });
  return `"${schema}"`;
}

/**
 * Wraps a pool so that every error of a query or of a connection attempt reaches the shared
 * layer (and the caller) as a `HomevisitError`, never as a driver error. With `searchPath`,
 * each borrowed connection sees only homevisit's schema until it goes back to the pool — the
 * host's connections leave with the search path they came with.
 */
function translatingPool(pool: () => Promise<PgPool>, searchPath?: string): PostgresPool {
  return {
    async connect() {
      let client: PgPoolClient;
      try {
        client = await (await pool()).connect();
      } catch (error) {
        throw translatePgError(error);
      }
      if (searchPath !== undefined) {
        try {
          await client.query(`SET search_path TO ${searchPath}`);
        } catch (error) {
          client.release(true);
          throw translatePgError(error);
        }
      }
      let released = false;
      const wrapped = {
        async query(text: string, values?: readonly unknown[]) {
          try {
            return await client.query(text, values === undefined ? undefined : [...values]);
          } catch (error) {
            throw translatePgError(error);
          }
        },
        release(destroy?: boolean) {
          if (released) return;
          released = true;
          if (searchPath === undefined || destroy) {
            client.release(destroy);
            return;
          }
          client.query("RESET search_path").then(
            () => client.release(),
            (error: unknown) => client.release(error instanceof Error ? error : true),
          );
        },
      };
      return wrapped as unknown as Awaited<ReturnType<PostgresPool["connect"]>>;
    },
    async end() {
      // Never ends the underlying pool: the storage decides that on close().
    },
  };
}

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

// Multi-row inserts as one `INSERT … SELECT * FROM unnest($1::text[], …)`: one parameter per
// column whatever the row count, one plan, no 65,535-parameter ceiling.
const unnestBatch = 2_000;
const valuesBatch = 1_000;

/**
 * The PostgreSQL driver of the shared SQL layer: transactions on one borrowed connection
 * (`BEGIN`, the schema as `SET LOCAL search_path`, `COMMIT`), transparent re-runs after
 * deadlocks and serialisation failures, row locks (`FOR UPDATE`, `SKIP LOCKED`) and bulk
 * inserts through `unnest`.
 *
 * @example
 * ```ts
 * const storage = createSqlStorage(postgresDriver({ pool, schema: "homevisit" }));
 * ```
 */
export function postgresDriver(options: PostgresStorageOptions = {}): SqlStorageDriver {
  const schema = options.schema ?? "homevisit";
  const quoted = quoteSchema(schema);
  const retries = Math.max(0, options.retries ?? 8);
  const bulkMode = options.bulkInsert ?? "values";
  if (options.pool === undefined && options.connectionString === undefined) {
    throw new HomevisitError("validation_failed", { path: ["connectionString"] });
  }
  const owned = options.pool === undefined;
  let ownPool: Promise<PgPool> | undefined;
  // pg is loaded only when the adapter makes its own pool, so hosts that pass a pool (or
  // PGlite in a browser) never load it.
  const pool = (): Promise<PgPool> => {
    if (options.pool) return Promise.resolve(options.pool);
    ownPool ??= import("pg").then((pg) => {
      const Pool = (pg.default ?? pg).Pool;
      return new Pool({ connectionString: options.connectionString, max: options.max ?? 10 }) as unknown as PgPool;
    });
    return ownPool;
  };

  // For the raw read-back and one-off statements: the schema on the session, reset on release.
  // biome-ignore lint/suspicious/noExplicitAny: the shared layer's schema is dynamic
  const db = new Kysely<any>({ dialect: new PostgresDialect({ pool: translatingPool(pool, quoted) }) });
  // For transactions: the schema set with SET LOCAL, which COMMIT and ROLLBACK undo themselves.
  // biome-ignore lint/suspicious/noExplicitAny: the shared layer's schema is dynamic
  const txDb = new Kysely<any>({ dialect: new PostgresDialect({ pool: translatingPool(pool) }) });

  let schemaReady: Promise<void> | undefined;
  const ensureSchema = () => {
    // A check-only store runs no DDL: a missing schema shows up as version 0 (outdated).
    if (options.schemaMode === "check") return Promise.resolve();
    schemaReady ??= (async () => {
      const exists = async () =>
        (await sql`SELECT 1 AS one FROM pg_namespace WHERE nspname = ${schema}`.execute(txDb)).rows.length > 0;
      // CREATE SCHEMA needs a privilege a running application may lack: only when missing.
      if (!(await exists())) {
        try {
          await sql.raw(`CREATE SCHEMA IF NOT EXISTS ${quoted}`).execute(txDb);
        } catch (error) {
          // Two processes creating it at once: IF NOT EXISTS does not stop the loser's
          // duplicate catalog row. If the schema is there now, that is all that was asked.
          if (!(await exists())) throw error;
        }
      }
    })().catch((error: unknown) => {
      schemaReady = undefined;
      throw error;
    });
    return schemaReady;
  };

  const columnTypes = new Map<string, Promise<Map<string, string>>>();
  const valuesTexts = new Map<string, string>();
  // biome-ignore lint/suspicious/noExplicitAny: the shared layer's schema is dynamic
  const typesOf = (conn: KyselyType<any>, table: string) => {
    let types = columnTypes.get(table);
    if (!types) {
      types = sql<{ name: string; type: string }>`
        SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type
        FROM pg_attribute a
        WHERE a.attrelid = to_regclass(${`${quoted}."${table}"`}) AND a.attnum > 0 AND NOT a.attisdropped`
        .execute(conn)
        .then((r) => new Map(r.rows.map((row) => [row.name, row.type])));
      types.catch(() => columnTypes.delete(table));
      columnTypes.set(table, types);
    }
    return types;
  };

  return {
    dialect: "postgres",
    db,
    lockRows: true,
    async lockMigrations(conn) {
      // A transaction-scoped advisory lock per schema: concurrent migrators queue here and
      // each then sees the version the one before it reached.
      await sql`SELECT pg_advisory_xact_lock(hashtext(${`homevisit.migrate:${schema}`}))`.execute(conn);
    },
    async transaction(fn, { readOnly }) {
      await ensureSchema();
      for (let attempt = 0; ; attempt++) {
        try {
          return await txDb.connection().execute(async (conn) => {
            // A read-only transaction sees one snapshot (REPEATABLE READ), so that a verify reading
            // the audit head and then its rows never sees an append in between.
            const begin = readOnly ? "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY" : "BEGIN";
            await sql.raw(`${begin}; SET LOCAL search_path TO ${quoted}`).execute(conn);
            let result: Awaited<ReturnType<typeof fn>>;
            try {
              result = await fn(conn);
            } catch (error) {
              await sql
                .raw("ROLLBACK")
                .execute(conn)
                .catch(() => undefined);
              throw error;
            }
            try {
              await sql.raw("COMMIT").execute(conn);
            } catch (error) {
              await sql
                .raw("ROLLBACK")
                .execute(conn)
                .catch(() => undefined);
              throw error;
            }
            return result;
          });
        } catch (error) {
          const translated = translatePgError(error);
          if (!isRetryable(translated) || attempt >= retries) throw translated;
          // Jittered backoff, so the writers that collided do not collide again in step.
          await delay(Math.min(200, 2 ** attempt * 5) * (0.5 + Math.random()));
        }
      }
    },
    // One chunk of createMany per multi-row statement (fewer when a table has many columns).
    insertChunkRows: bulkMode === "unnest" ? unnestBatch : valuesBatch,
    async insertRows(conn, table, columns, rows, options = {}) {
      const list = columns.map((c) => `"${c}"`).join(", ");
      // With skipExisting, rows whose key exists are skipped and the others' keys come back,
      // so the shared layer learns of a clash without aborting the transaction.
      const skip = options.skipExisting === true;
      const suffix = skip ? ` ON CONFLICT DO NOTHING RETURNING "${columns[0]}" AS k` : "";
      const skipped: unknown[] = [];
      const collect = (batch: readonly unknown[][], result: { rows: Record<string, unknown>[] }) => {
        if (!skip || result.rows.length === batch.length) return;
        const fresh = new Set(result.rows.map((r) => r.k));
        for (const row of batch) if (!fresh.has(row[0])) skipped.push(row[0]);
      };
      if (bulkMode === "unnest") {
        // Read on the transaction's own connection: PGlite has only one.
        const types = await typesOf(conn, table);
        const casts = columns.map((c) => {
          const type = types.get(c);
          if (type === undefined) {
            throw new HomevisitError("storage_schema_outdated", {
              params: { found: "?", supported: latestSchemaVersion },
            });
          }
          return type;
        });
        const unnest = casts.map((type, i) => `$${i + 1}::${type}[]`).join(", ");
        const text = `INSERT INTO "${table}" (${list}) SELECT * FROM unnest(${unnest})${suffix}`;
        for (let start = 0; start < rows.length; start += unnestBatch) {
          const batch = rows.slice(start, start + unnestBatch);
          const params = columns.map((_, j) => batch.map((row) => row[j] ?? null));
          collect(batch, await conn.executeQuery(CompiledQuery.raw(text, params)));
        }
        return skipped;
      }
      // Multi-row VALUES, as many rows per statement as the 65,535-parameter limit allows. The
      // statement text depends only on the table, the columns and the row count, so a full
      // batch's text is built once and reused.
      const perStatement = Math.max(1, Math.min(valuesBatch, Math.floor(65_535 / columns.length)));
      for (let start = 0; start < rows.length; start += perStatement) {
        const batch = rows.slice(start, start + perStatement);
        const textKey = `${table}(${list})${suffix}×${batch.length}`;
        let text = valuesTexts.get(textKey);
        if (text === undefined) {
          const tuples = batch.map(
            (_, i) => `(${columns.map((__, j) => `$${i * columns.length + j + 1}`).join(", ")})`,
          );
          text = `INSERT INTO "${table}" (${list}) VALUES ${tuples.join(", ")}${suffix}`;
          if (valuesTexts.size > 200) valuesTexts.clear();
          valuesTexts.set(textKey, text);
        }
        const params: unknown[] = new Array(batch.length * columns.length);
        let p = 0;
        for (const row of batch) for (let j = 0; j < columns.length; j++) params[p++] = row[j] ?? null;
        const result = await conn.executeQuery<Record<string, unknown>>(CompiledQuery.raw(text, params));
        collect(batch, result);
      }
      return skipped;
    },
    isUniqueViolation(error) {
      if (isHomevisitError(error)) return error.code === "conflict";
      return (error as { code?: unknown } | null)?.code === "23505";
    },
    async close() {
      if (owned && ownPool !== undefined) {
        const p = await ownPool;
        ownPool = undefined;
        await p.end();
      }
    },
  };
}

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
    blobs: postgresBlobStore(driver),
    migrations: {
      latest: shared.latest,
      current: () => shared.current(),
      pending: () => shared.pending(),
      migrate: (o) => shared.migrate(o),
      sql: sqlScript,
    },
  };
}
