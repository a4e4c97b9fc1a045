import type { CompiledQuery, Kysely, QueryResult } from "kysely";
import type { SqlDialectName } from "./schema.js";
import type { TransactionGroup } from "./transaction-group.js";

/** The Kysely instance a driver hands to the shared SQL layer (untyped tables: the layer builds names from entity definitions). */
// biome-ignore lint/suspicious/noExplicitAny: the schema is dynamic (one table per entity); rows are checked by zod.
export type Db = Kysely<any>;

/** What a dialect adapter gives the shared SQL layer. */
export interface SqlStorageDriver {
  dialect: SqlDialectName;
  /** The Kysely instance, used for migrations and raw read-back. */
  db: Db;
  /**
   * Runs `fn` in one transaction on one connection: `BEGIN IMMEDIATE` on SQLite, `BEGIN` on
   * PostgreSQL. Retries on busy and serialization failures are the driver's job; the function
   * it retries must be re-runnable (the shared layer's are).
   *
   * A driver that runs several transactions as parts of one database transaction (group commit)
   * passes each part the {@link TransactionGroup} they share, undoing a failed part's share with
   * its savepoint; the layer then keeps an audit chain's head there and moves it once per group.
   * Without one, every transaction reads and moves its heads itself.
   */
  transaction<T>(fn: (conn: Db, group?: TransactionGroup) => Promise<T>, options: { readOnly: boolean }): Promise<T>;
  /**
   * Inserts rows on the open transaction's connection: a dialect's fast path (prepared
   * statements on SQLite, multi-row INSERT or COPY on PostgreSQL). Absent: Kysely multi-row
   * inserts. With `skipExisting`, a row whose key exists is skipped (`ON CONFLICT DO NOTHING`)
   * instead of failing, and its key (the first column) is returned, so that the caller can
   * undo the call without a SELECT before every batch; without it, a clash throws.
   */
  insertRows?(
    conn: Db,
    table: string,
    columns: readonly string[],
    rows: readonly unknown[][],
    options?: { skipExisting?: boolean },
  ): Promise<readonly unknown[]>;
  /**
   * Rows per `insertRows` call of a bulk `createMany`: the shared layer builds each chunk's
   * rows (JSON text included) just before inserting them, so that they die young. SQLite
   * wants small chunks (it inserts row by row anyway); PostgreSQL one chunk per multi-row
   * statement. Default 400.
   */
  insertChunkRows?: number;
  /**
   * Runs a compiled query on the open transaction's connection directly, without Kysely's
   * executor (a chain of async steps per query, which costs more than a small query runs on
   * SQLite). Only for a driver whose transaction holds its one connection for its whole
   * length, so that the query cannot land anywhere else. Absent: `conn.executeQuery`.
   */
  runQuery?<R>(query: CompiledQuery): QueryResult<R>;
  /** Whether a driver error is a unique-key violation. */
  isUniqueViolation(error: unknown): boolean;
  /** `FOR UPDATE` where the dialect locks rows (PostgreSQL); empty on SQLite, whose writers are serial. */
  lockRows: boolean;
  /**
   * Makes migrations of one schema take turns, inside a migration's transaction (until it
   * ends). Without it, processes that migrate at once run the same DDL at once, and the
   * database answers with deadlocks and duplicate catalog rows instead of waiting. Not needed
   * where writers are serial anyway (SQLite's `BEGIN IMMEDIATE`).
   */
  lockMigrations?(conn: Db): Promise<void>;
  close(): Promise<void>;
}

/**
 * Runs a compiled query of the shared layer on a transaction's connection: the driver's direct
 * path where it has one, else Kysely's executor.
 *
 * @example
 * ```ts
 * const { rows } = await runQuery(driver, conn, selectById(driver.dialect, entityTables.students, "s-1"));
 * ```
 */
export function runQuery<R>(
  driver: SqlStorageDriver,
  conn: Db,
  query: CompiledQuery,
): QueryResult<R> | Promise<QueryResult<R>> {
  return driver.runQuery === undefined ? conn.executeQuery<R>(query) : driver.runQuery<R>(query);
}
