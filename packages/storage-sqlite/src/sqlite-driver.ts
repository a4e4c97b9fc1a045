import type { SqlStorageDriver } from "@homevisit/storage-sql";
import type BetterSqlite3 from "better-sqlite3";
import { type CompiledQuery, Kysely, type QueryResult, type SqliteDatabase, SqliteDialect } from "kysely";
import { groupCommitQueue } from "./sqlite-group-commit.js";

export { isSqliteBusy } from "./sqlite-errors.js";

import type { WalSyncer } from "./wal-sync.js";

/** Options of the SQLite driver. */
export interface SqliteDriverOptions {
  /**
   * How long one attempt waits on a lock held by another process before SQLite answers busy
   * (PRAGMA busy_timeout); default 5000 ms.
   */
  busyTimeoutMs?: number;
  /** How long a transaction keeps retrying busy answers in all; default 60,000 ms. */
  maxBusyWaitMs?: number;
  /**
   * Makes a committed group durable before it is acknowledged, off the event loop: its `sync()`
   * is awaited after each COMMIT of a writing group, and no transaction starts until it
   * settles; a rejection rejects the whole group. Closed with the driver. For a database in
   * WAL mode with `synchronous = NORMAL`, a {@link walSyncer} turns the WAL sync that `FULL`
   * does inside COMMIT (on the main thread) into one done on another thread; `sqliteStorage`
   * sets this up by itself.
   */
  commitSync?: WalSyncer;
}

/** Whether a driver error is SQLite refusing a row whose key (or other unique column) exists. */
function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === "SQLITE_CONSTRAINT_PRIMARYKEY" || code === "SQLITE_CONSTRAINT_UNIQUE";
}

/** Most prepared statements kept per database: the shared layer's queries fit many times over. */
const statementCacheSize = 500;

/**
 * The database as Kysely's SQLite dialect sees it, with prepared statements kept by SQL text:
 * Kysely prepares every query anew, and preparing costs more than running the small queries a
 * request makes. Kysely never iterates (streams) here, so a cached statement is never busy when
 * it is reused.
 */
function cachingStatements(database: BetterSqlite3.Database): SqliteDatabase {
  const statements = new Map<string, BetterSqlite3.Statement>();
  return {
    close: () => database.close(),
    prepare(source) {
      let statement = statements.get(source);
      if (statement === undefined) {
        statement = database.prepare(source);
        if (statements.size >= statementCacheSize) {
          // Oldest first: a Map keeps insertion order.
          statements.delete(statements.keys().next().value as string);
        }
        statements.set(source, statement);
      }
      return statement;
    },
  };
}

/**
 * The SQLite side of the shared SQL layer. One connection per database file: Kysely's SQLite
 * driver hands it to one transaction at a time, so writers in this process are serial; writers
 * in other processes are kept out by `BEGIN IMMEDIATE` (the write lock is taken at the start,
 * so a transaction never fails half-way on a lock) and waited for with `busy_timeout` plus a
 * retry loop, so `SQLITE_BUSY` never reaches a caller — after `maxBusyWaitMs` it becomes
 * `storage_busy`.
 *
 * Transactions that queue up while the connection is busy share one COMMIT (group commit, each
 * in its own savepoint), so concurrent requests pay for one WAL sync instead of one each.
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
  const commitSync = options.commitSync;
  database.pragma(`busy_timeout = ${Math.max(0, Math.floor(busyTimeoutMs))}`);
  const cached = cachingStatements(database);
  // biome-ignore lint/suspicious/noExplicitAny: dynamic schema
  const db = new Kysely<any>({ dialect: new SqliteDialect({ database: cached }) });

  const queue = groupCommitQueue({ database, db, maxBusyWaitMs, commitSync });

  return {
    dialect: "sqlite",
    db,
    lockRows: false,
    transaction: (fn, options) => queue.transaction(fn, options),
    // SQLite inserts row by row: small chunks keep a bulk import's rows young (see the port).
    insertChunkRows: 64,
    async insertRows(_conn, table, columns, rows, options = {}) {
      // The fastest way into SQLite (measured in bench/storage).
      // The row array is bound as it is (better-sqlite3 binds undefined as NULL).
      // Prepared once per table and column list (the statement cache keeps it), run per row.
      const statement = cached.prepare(
        `INSERT INTO ${table} (${columns.join(", ")}) VALUES (${columns.map(() => "?").join(", ")})`,
      );
      if (options.skipExisting !== true) {
        for (const row of rows) statement.run(row);
        return [];
      }
      // A plain INSERT, not ON CONFLICT DO NOTHING: the upsert form checks the keys before
      // inserting and costs ~5% more per row of a bulk import. A row whose key exists fails
      // alone — SQLite undoes just that statement, the transaction goes on — and is reported
      // as skipped, exactly as DO NOTHING would have skipped it.
      const skipped: unknown[] = [];
      for (const row of rows) {
        try {
          statement.run(row);
        } catch (error) {
          if (!isUniqueViolation(error)) throw error;
          skipped.push(row[0]);
        }
      }
      return skipped;
    },
    // Kysely's SQLite driver does the same (prepare, then `all` for a reader or `run`), behind
    // several async steps per query. Safe here: a transaction holds the one connection for its
    // whole length (the group-commit queue), and the shared layer calls this only inside one.
    runQuery<R>(query: CompiledQuery): QueryResult<R> {
      const statement = cached.prepare(query.sql) as BetterSqlite3.Statement;
      if (statement.reader) return { rows: statement.all(query.parameters) as R[] };
      const { changes, lastInsertRowid } = statement.run(query.parameters);
      return { rows: [], numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid) };
    },
    isUniqueViolation,
    async close() {
      await db.destroy();
      await commitSync?.close();
    },
  };
}
