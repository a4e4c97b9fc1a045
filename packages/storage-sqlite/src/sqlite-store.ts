import {
  createSqlStorage,
  type SchemaMode,
  type SqlBlobStore,
  type SqlStorage,
  sqlBlobStore,
} from "@homevisit/storage-sql";
import Database from "better-sqlite3";
import { type SqliteDriverOptions, sqliteDriver } from "./sqlite-driver.js";
import { type WalCheckpointer, walCheckpointer } from "./wal-checkpoint.js";
import { type WalSyncer, walSyncer } from "./wal-sync.js";

/** Options of {@link sqliteStorage}. */
export interface SqliteStorageOptions extends SqliteDriverOptions {
  /** A database file, or `:memory:` (the default). */
  filename?: string;
  /** An open better-sqlite3 database instead of a file name (the store then owns it). */
  database?: Database.Database;
  /**
   * `full` (the default): an acknowledged commit survives a power cut. For a database file in
   * WAL mode the WAL is synced after each group commit on libuv's thread pool rather than by
   * SQLite inside COMMIT on the main thread, so other requests run while the disk flushes; no
   * transaction of this store starts, and none is acknowledged, before that sync. Checkpoints
   * run on a worker thread too (see {@link walCheckpointer}). `normal` survives a crash of the
   * process but may lose the last commits on power loss; SQLite then checkpoints by itself.
   */
  synchronous?: "full" | "normal";
  /**
   * The page cache of the connection, in MiB; default 64. SQLite's own default (2 MiB) makes
   * a city-sized import re-read index pages from the file for every row; the cache only
   * grows as far as the database does.
   */
  cacheSizeMb?: number;
  /**
   * Where SQLite keeps its temporary data (PRAGMA temp_store): the sub-journal of each
   * savepoint — every part of a group commit runs in one, and the first change to a page in it
   * copies the page there first, so the part can roll back alone — and the sorts and temporary
   * tables of large reports. `memory` (the default) keeps them in memory: in a temporary file
   * (`file`, SQLite's own default) the copies cost a write system call each, and a visit-record
   * draft, which changes a page in each of its ten b-trees, cost about three times as much
   * (figures: docs/benchmarks.md). Choose `file` where reports sort more rows than memory holds.
   */
  tempStore?: "memory" | "file";
  /**
   * `migrate` (default): `migrations.migrate()` creates and alters tables. `check`: the store
   * never runs DDL (a read-only copy of the file, a host that migrates with the reviewed
   * script) and every call fails with `storage_schema_outdated` (or `storage_schema_too_new`)
   * unless the schema is exactly at this library's version.
   */
  schemaMode?: SchemaMode;
}

/** A SQLite store: the storage port, its blob store and its raw read-back. */
export interface SqliteStorage extends SqlStorage {
  /** Photos and other blobs in the same database file. */
  readonly blobs: SqlBlobStore;
  /** The underlying database, for backups (`database.backup(...)`) and diagnostics. */
  readonly database: Database.Database;
}

/**
 * The embedded default store: SQLite through better-sqlite3, in WAL mode, writers with
 * `BEGIN IMMEDIATE`, busy waits handled inside (no `SQLITE_BUSY` reaches a caller). Call
 * `migrations.migrate()` once before use (or review `migrations.sql()` first).
 *
 * @example
 * ```ts
 * const storage = sqliteStorage({ filename: "homevisit.db" });
 * await storage.migrations.migrate(); // [1, 2] the first time, [] afterwards
 * await storage.roster.upsert({ schoolId: "sch-1", asOf: "2026-09-01", classes, teachers, students });
 * ```
 */
export function sqliteStorage(options: SqliteStorageOptions = {}): SqliteStorage {
  const database = options.database ?? new Database(options.filename ?? ":memory:");
  // A read-only connection cannot switch the journal mode (the file keeps the one it has).
  if (database.name !== ":memory:" && database.name !== "" && !database.readonly) database.pragma("journal_mode = WAL");
  const full = options.synchronous !== "normal";
  // Full durability with the WAL sync moved off the main thread (see walSyncer): SQLite
  // itself then runs at NORMAL, which still syncs the WAL before every checkpoint.
  const syncer =
    full && database.pragma("journal_mode", { simple: true }) === "wal" ? walSyncer(database.name) : undefined;
  database.pragma(`synchronous = ${full && syncer === undefined ? "FULL" : "NORMAL"}`);
  database.pragma("foreign_keys = ON");
  database.pragma(`temp_store = ${options.tempStore === "file" ? "FILE" : "MEMORY"}`);
  // Negative: a size in KiB rather than in pages.
  database.pragma(`cache_size = -${Math.max(1, Math.floor((options.cacheSizeMb ?? 64) * 1024))}`);
  // Checkpoints on a worker thread instead of inside a COMMIT on the main thread (see
  // walCheckpointer); SQLite's automatic ones come back if the worker fails.
  const checkpoints = syncer ? offThreadCheckpoints(database) : undefined;
  const commitSync = syncer && checkpoints ? withCheckpoints(syncer, checkpoints) : syncer;
  const driver = sqliteDriver(database, { ...options, ...(commitSync ? { commitSync } : {}) });
  const storage = createSqlStorage(driver, { schemaMode: options.schemaMode ?? "migrate" });
  return Object.assign(storage, { blobs: sqlBlobStore(driver), database });
}

/** SQLite's default threshold of automatic checkpoints, in WAL pages. */
const defaultAutoCheckpointPages = 1000;

function offThreadCheckpoints(database: Database.Database): WalCheckpointer {
  database.pragma("wal_autocheckpoint = 0");
  return walCheckpointer(database.name, {
    onFailure: () => {
      if (database.open) database.pragma(`wal_autocheckpoint = ${defaultAutoCheckpointPages}`);
    },
  });
}

/** The WAL sync of each write group, then a note to the checkpointer; both closed together. */
function withCheckpoints(syncer: WalSyncer, checkpoints: WalCheckpointer): WalSyncer {
  return {
    async sync() {
      await syncer.sync();
      checkpoints.written();
    },
    async close() {
      await checkpoints.close();
      await syncer.close();
    },
  };
}
