import type { BlobStore } from "@homevisit/core/storage";
import { createSqlStorage, type SqlStorage } from "@homevisit/storage-sql";
import Database from "better-sqlite3";
import { sqliteBlobStore } from "./sqlite-blobs.js";
import { type SqliteDriverOptions, sqliteDriver } from "./sqlite-driver.js";

/** Options of {@link sqliteStorage}. */
export interface SqliteStorageOptions extends SqliteDriverOptions {
  /** A database file, or `:memory:` (the default). */
  filename?: string;
  /** An open better-sqlite3 database instead of a file name (the store then owns it). */
  database?: Database.Database;
  /**
   * `full` (the default) syncs the WAL on every commit: an acknowledged commit survives a power
   * cut. `normal` survives a crash of the process but may lose the last commits on power loss.
   */
  synchronous?: "full" | "normal";
}

/** A SQLite store: the storage port, its blob store and its raw read-back. */
export interface SqliteStorage extends SqlStorage {
  /** Photos and other blobs in the same database file. */
  readonly blobs: BlobStore & { raw(id: string): Promise<Uint8Array | undefined> };
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
  if (database.name !== ":memory:" && database.name !== "") database.pragma("journal_mode = WAL");
  database.pragma(`synchronous = ${options.synchronous === "normal" ? "NORMAL" : "FULL"}`);
  database.pragma("foreign_keys = ON");
  const driver = sqliteDriver(database, options);
  const storage = createSqlStorage(driver);
  return Object.assign(storage, { blobs: sqliteBlobStore(driver), database });
}
