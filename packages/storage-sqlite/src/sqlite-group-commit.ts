// Group commit for the SQLite driver: transactions queued while the one connection is busy run
// as savepoints of one SQLite transaction and share its COMMIT (one WAL sync for them all).
import { HomevisitError, isHomevisitError } from "@homevisit/core";
import { type Db, type TransactionGroup, type TransactionGroupMark, transactionGroup } from "@homevisit/storage-sql";
import type BetterSqlite3 from "better-sqlite3";
import type { Kysely } from "kysely";
import { isSqliteBusy, translateSqliteError } from "./sqlite-errors.js";
import type { WalSyncer } from "./wal-sync.js";

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
  fn: (conn: Db, group: TransactionGroup) => Promise<unknown>;
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

/** What the queue runs on: the database, Kysely over its one connection, and the sync after COMMIT. */
export interface GroupCommitOptions {
  database: BetterSqlite3.Database;
  // biome-ignore lint/suspicious/noExplicitAny: dynamic schema
  db: Kysely<any>;
  maxBusyWaitMs: number;
  commitSync?: WalSyncer | undefined;
}

/**
 * Runs an attempt again while SQLite answers busy (another process holds the write lock), with
 * a growing, jittered pause; `storage_busy` once `maxBusyWaitMs` have passed.
 */
function busyRetry(maxBusyWaitMs: number): <T>(attempt: () => T | Promise<T>) => Promise<T> {
  return async (attempt) => {
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
  };
}

/**
 * Transaction control as statements prepared once and run directly and synchronously: through
 * Kysely each would build and compile a query and take an async hop, and even an `await` of its
 * own costs a promise and a turn of the microtask queue, twice per part of a group. They run
 * only inside the queue's `runBatch`, which holds Kysely's one connection, so nothing else runs
 * on it meanwhile.
 */
function transactionControl(database: BetterSqlite3.Database) {
  const control = (text: string) => {
    const statement = database.prepare(text);
    return (): void => {
      statement.run();
    };
  };
  return {
    begin: { deferred: control("BEGIN"), immediate: control("BEGIN IMMEDIATE") },
    commit: control("COMMIT"),
    rollback: control("ROLLBACK"),
    savepoint: control("SAVEPOINT hv_group_item"),
    release: control("RELEASE hv_group_item"),
    rollbackToSavepoint: control("ROLLBACK TO hv_group_item"),
  };
}

/**
 * A group that did not commit: its writers are rejected with what failed it. Its readers are
 * not: what they read may hold the group's uncommitted writes, and a read must never fail
 * because someone else's write did (a full disk refuses writes, not reads), so they run again,
 * first, in a read-only group of their own (a deferred BEGIN, which a full disk does not stop).
 */
function failGroup(queue: PendingTransaction[], items: PendingTransaction[], error: unknown, readOnlyGroup: boolean) {
  const readers: PendingTransaction[] = [];
  for (const item of items) {
    if (item.readOnly && !readOnlyGroup) readers.push(item);
    else item.reject(error);
  }
  queue.unshift(...readers);
}

/**
 * Puts items back at the head of the queue, once: a second failure rejects them, with what
 * rolled them back when that says more than "busy" (a full disk stays `storage_full`). The
 * readers of a write group go first, in a read-only group of their own (see `failGroup`).
 */
function requeue(queue: PendingTransaction[], items: PendingTransaction[], cause: unknown, readOnlyGroup: boolean) {
  const readers = readOnlyGroup ? [] : items.filter((item) => item.readOnly);
  if (readers.length > 0) items = items.filter((item) => !item.readOnly);
  const again: PendingTransaction[] = [...readers];
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

/**
 * The transaction queue of one SQLite connection. Writers in other processes are kept out by
 * `BEGIN IMMEDIATE` and waited for with a retry loop (`storage_busy` after `maxBusyWaitMs`);
 * every failure leaves typed.
 *
 * @example
 * ```ts
 * const queue = groupCommitQueue({ database, db, maxBusyWaitMs: 60_000 });
 * await queue.transaction(async (conn) => conn.selectFrom("hv_meta").selectAll().execute(), { readOnly: true });
 * ```
 */
export function groupCommitQueue(options: GroupCommitOptions): {
  transaction<T>(fn: (conn: Db, group: TransactionGroup) => Promise<T>, mode: { readOnly: boolean }): Promise<T>;
} {
  const { database, db, commitSync } = options;
  const withBusyRetry = busyRetry(options.maxBusyWaitMs);
  const { begin, commit, rollback, savepoint, release, rollbackToSavepoint } = transactionControl(database);

  /** Transactions waiting for the connection, in arrival order. */
  const queue: PendingTransaction[] = [];
  /** Items already answered with their own failure: a failing group does not run them again. */
  const settled = new WeakSet<PendingTransaction>();
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
    const control = transactionGroup();
    for (let i = 0; i < batch.length; i++) {
      const item = batch[i] as PendingTransaction;
      if (!single) savepoint();
      const mark = single ? undefined : control.mark();
      try {
        const value = await item.fn(conn, control.group);
        if (!single) release();
        done.push({ item, value });
      } catch (error) {
        item.reject(isSqliteBusy(error) ? new HomevisitError("storage_busy", { cause: error }) : error);
        settled.add(item);
        if (!database.inTransaction) {
          // SQLite rolled the whole transaction back itself (I/O error, disk full…): the items
          // already run are undone too, so run them again in a new transaction.
          requeue(queue, [...done.map((d) => d.item), ...batch.slice(i + 1)], error, readOnly);
          return [];
        }
        if (single) rollback();
        else {
          rollbackToSavepoint();
          release();
          control.restore(mark as TransactionGroupMark);
        }
      }
    }
    if (!database.inTransaction) return [];
    try {
      // The work the parts left for the end (their audit chains' heads), then one COMMIT.
      await control.finish();
      await withBusyRetry(commit);
    } catch (error) {
      if (database.inTransaction) rollback();
      failGroup(
        queue,
        done.map((d) => d.item),
        error,
        readOnly,
      );
      return [];
    }
    return done;
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
          failGroup(
            queue,
            batch.filter((item) => !settled.has(item)),
            error,
            readOnly,
          );
        }
      }
    } finally {
      pumping = false;
    }
  }

  function transaction<T>(
    fn: (conn: Db, group: TransactionGroup) => Promise<T>,
    { readOnly }: { readOnly: boolean },
  ): Promise<T> {
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
  }

  return { transaction };
}
