import { HomevisitError, isHomevisitError } from "@homevisit/core";
import type { Db, SqlStorageDriver } from "@homevisit/storage-sql";
import type BetterSqlite3 from "better-sqlite3";
import { Kysely, type SqliteDatabase, SqliteDialect } from "kysely";
import { translateSqliteError } from "./sqlite-errors.js";
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

/** Whether a driver error is SQLite refusing a row whose key (or other unique column) exists. */
function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === "SQLITE_CONSTRAINT_PRIMARYKEY" || code === "SQLITE_CONSTRAINT_UNIQUE";
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Taken when the module loads, so that a host's test with fake timers (which replace the global
 * `setImmediate` later) cannot stall the transaction queue.
 */
const schedule: (callback: () => void) => void = globalThis.setImmediate;

/** Most transactions that share one COMMIT: bounds the wait of the last one in a group. */
const maxGroupSize = 64;

/** A transaction waiting for the connection. */
interface PendingTransaction {
  fn: (conn: Db) => Promise<unknown>;
  readOnly: boolean;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
  /** Whether it already ran once in a group that SQLite rolled back as a whole. */
  retried: boolean;
}

/** A transaction of a group that committed, and its result. */
interface Committed {
  item: PendingTransaction;
  value: unknown;
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

  /**
   * Transaction control as statements prepared once and run directly: through Kysely each
   * would build and compile a query and take an async hop, several times per transaction. They
   * run only inside `runBatch`, which holds Kysely's one connection, so nothing else runs on it
   * meanwhile.
   */
  const control = (text: string) => {
    const statement = database.prepare(text);
    return async () => {
      statement.run();
    };
  };
  const begin = { deferred: control("BEGIN"), immediate: control("BEGIN IMMEDIATE") };
  const commit = control("COMMIT");
  const rollback = control("ROLLBACK");
  const savepoint = control("SAVEPOINT hv_group_item");
  const release = control("RELEASE hv_group_item");
  const rollbackToSavepoint = control("ROLLBACK TO hv_group_item");

  /** Transactions waiting for the connection, in arrival order. */
  const queue: PendingTransaction[] = [];
  let pumping = false;

  /**
   * Group commit: the transactions queued while the connection was busy run as savepoints of one
   * SQLite transaction, and one COMMIT (one WAL sync) acknowledges them all. Each is still atomic
   * on its own — a failing one is rolled back to its savepoint and only it is rejected — and
   * none is acknowledged before the COMMIT that makes it durable. Returns the items that
   * committed, with their values, for the caller to acknowledge.
   */
  async function runBatch(conn: Db, batch: PendingTransaction[], readOnly: boolean): Promise<Committed[]> {
    await withBusyRetry(readOnly ? begin.deferred : begin.immediate);
    const single = batch.length === 1;
    const done: Committed[] = [];
    for (let i = 0; i < batch.length; i++) {
      const item = batch[i] as PendingTransaction;
      if (!single) await savepoint();
      try {
        const value = await item.fn(conn);
        if (!single) await release();
        done.push({ item, value });
      } catch (error) {
        item.reject(isSqliteBusy(error) ? new HomevisitError("storage_busy", { cause: error }) : error);
        if (!database.inTransaction) {
          // SQLite rolled the whole transaction back itself (I/O error, disk full…): the items
          // already run are undone too, so run them again in a new transaction.
          requeue([...done.map((d) => d.item), ...batch.slice(i + 1)], error);
          return [];
        }
        if (single) await rollback();
        else {
          await rollbackToSavepoint();
          await release();
        }
      }
    }
    if (!database.inTransaction) return [];
    try {
      await withBusyRetry(commit);
    } catch (error) {
      if (database.inTransaction) await rollback();
      for (const { item } of done) item.reject(error);
      return [];
    }
    return done;
  }

  /**
   * Puts items back at the head of the queue, once: a second failure rejects them, with what
   * rolled them back when that says more than "busy" (a full disk stays `storage_full`).
   */
  function requeue(items: PendingTransaction[], cause: unknown): void {
    const again: PendingTransaction[] = [];
    const typed = translateSqliteError(cause);
    const busy = (error: unknown) =>
      isHomevisitError(error) && error.code !== "conflict" && error.code !== "storage_constraint"
        ? error
        : new HomevisitError("storage_busy");
    for (const item of items) {
      if (item.retried) item.reject(busy(typed));
      else again.push({ ...item, retried: true });
    }
    queue.unshift(...again);
  }

  async function pump(): Promise<void> {
    try {
      while (queue.length > 0) {
        // A read-only head takes the read-only items behind it (a deferred BEGIN, no write
        // lock); a writer takes every queued item, readers included.
        const readOnly = (queue[0] as PendingTransaction).readOnly;
        let size = 0;
        while (size < queue.length && size < maxGroupSize && (!readOnly || queue[size]?.readOnly)) size++;
        const batch = queue.splice(0, size);
        try {
          const committed = await db.connection().execute((conn) => runBatch(conn, batch, readOnly));
          // The next group waits for this sync too, so no transaction of this process ever
          // reads a commit that is not yet durable.
          if (!readOnly && committed.length > 0 && commitSync) await commitSync.sync();
          for (const { item, value } of committed) item.resolve(value);
        } catch (error) {
          // A statement of the group's own failed (BEGIN busy past maxBusyWaitMs, a closed
          // database, a failed RELEASE…): nothing of the group is committed. Leave no
          // transaction open behind it, or every later BEGIN would fail. (Or the sync after
          // COMMIT failed: the disk refused, so no commit of the group is acknowledged.)
          if (database.open && database.inTransaction) database.exec("ROLLBACK");
          for (const item of batch) item.reject(error);
        }
      }
    } finally {
      pumping = false;
    }
  }

  return {
    dialect: "sqlite",
    db,
    lockRows: false,
    transaction<T>(fn: (conn: Db) => Promise<T>, { readOnly }: { readOnly: boolean }): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        // Every failure leaves as a typed error (SQLITE_FULL → storage_full …), never a driver's.
        const rejectTyped = (error: unknown) => reject(translateSqliteError(error));
        queue.push({ fn, readOnly, resolve: resolve as (value: unknown) => void, reject: rejectTyped, retried: false });
        if (!pumping) {
          pumping = true;
          // One macrotask of delay lets the requests already read from the sockets queue their
          // transactions behind this one, so that they share its COMMIT.
          schedule(() => void pump());
        }
      });
    },
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
    isUniqueViolation,
    async close() {
      await db.destroy();
      await commitSync?.close();
    },
  };
}
