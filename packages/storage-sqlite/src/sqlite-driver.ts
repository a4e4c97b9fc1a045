import { HomevisitError } from "@homevisit/core";
import type { SqlStorageDriver } from "@homevisit/storage-sql";
import type BetterSqlite3 from "better-sqlite3";
import { Kysely, SqliteDialect, sql } from "kysely";

/** Options of the SQLite driver. */
export interface SqliteDriverOptions {
  /**
   * How long one attempt waits on a lock held by another process before SQLite answers busy
   * (PRAGMA busy_timeout); default 5000 ms.
   */
  busyTimeoutMs?: number;
  /** How long a transaction keeps retrying busy answers in all; default 60,000 ms. */
  maxBusyWaitMs?: number;
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

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The SQLite side of the shared SQL layer. One connection per database file: Kysely's SQLite
 * driver hands it to one transaction at a time, so writers in this process are serial; writers
 * in other processes are kept out by `BEGIN IMMEDIATE` (the write lock is taken at the start,
 * so a transaction never fails half-way on a lock) and waited for with `busy_timeout` plus a
 * retry loop, so `SQLITE_BUSY` never reaches a caller — after `maxBusyWaitMs` it becomes
 * `storage_busy`.
 *
 * @example
 * ```ts
 * const driver = sqliteDriver(new Database("homevisit.db"));
 * const storage = createSqlStorage(driver);
 * ```
 */
export function sqliteDriver(database: BetterSqlite3.Database, options: SqliteDriverOptions = {}): SqlStorageDriver {
  const busyTimeoutMs = options.busyTimeoutMs ?? 5000;
  const maxBusyWaitMs = options.maxBusyWaitMs ?? 60_000;
  database.pragma(`busy_timeout = ${Math.max(0, Math.floor(busyTimeoutMs))}`);
  // biome-ignore lint/suspicious/noExplicitAny: dynamic schema
  const db = new Kysely<any>({ dialect: new SqliteDialect({ database }) });
  const statements = new Map<string, BetterSqlite3.Statement>();

  async function withBusyRetry<T>(attempt: () => Promise<T>): Promise<T> {
    const started = performance.now();
    for (let round = 0; ; round++) {
      try {
        return await attempt();
      } catch (error) {
        if (!isSqliteBusy(error)) throw error;
        if (performance.now() - started > maxBusyWaitMs) throw new HomevisitError("storage_busy", { cause: error });
        await sleep(Math.min(200, 5 * 2 ** Math.min(round, 6)) * (0.5 + Math.random()));
      }
    }
  }

  return {
    dialect: "sqlite",
    db,
    lockRows: false,
    transaction(fn, { readOnly }) {
      return db.connection().execute(async (conn) => {
        await withBusyRetry(() => sql.raw(readOnly ? "BEGIN" : "BEGIN IMMEDIATE").execute(conn));
        let result: Awaited<ReturnType<typeof fn>>;
        try {
          result = await fn(conn);
        } catch (error) {
          if (database.inTransaction) await sql.raw("ROLLBACK").execute(conn);
          if (isSqliteBusy(error)) throw new HomevisitError("storage_busy", { cause: error });
          throw error;
        }
        try {
          await withBusyRetry(() => sql.raw("COMMIT").execute(conn));
        } catch (error) {
          if (database.inTransaction) await sql.raw("ROLLBACK").execute(conn);
          throw error;
        }
        return result;
      });
    },
    async insertRows(_conn, table, columns, rows, options = {}) {
      // Prepared once, run per row: the fastest way into SQLite (measured in bench/storage).
      // The row array is bound as it is (better-sqlite3 binds undefined as NULL).
      const skip = options.skipExisting === true;
      const key = `${table}(${columns.join(",")})${skip ? " skip" : ""}`;
      let statement = statements.get(key);
      if (!statement) {
        statement = database.prepare(
          `INSERT INTO ${table} (${columns.join(", ")}) VALUES (${columns.map(() => "?").join(", ")})${skip ? " ON CONFLICT DO NOTHING" : ""}`,
        );
        statements.set(key, statement);
      }
      if (!skip) {
        for (const row of rows) statement.run(row);
        return [];
      }
      const skipped: unknown[] = [];
      for (const row of rows) if (statement.run(row).changes === 0) skipped.push(row[0]);
      return skipped;
    },
    isUniqueViolation(error) {
      const code = (error as { code?: unknown } | null)?.code;
      return code === "SQLITE_CONSTRAINT_PRIMARYKEY" || code === "SQLITE_CONSTRAINT_UNIQUE";
    },
    async close() {
      await db.destroy();
    },
  };
}
