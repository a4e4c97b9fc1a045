import { type FileHandle, open } from "node:fs/promises";
import { dirname, resolve } from "node:path";

/** Makes what SQLite wrote durable, off the event loop; see {@link walSyncer}. */
export interface WalSyncer {
  /** Resolves once everything committed so far is on disk. */
  sync(): Promise<void>;
  /** Releases the file handle (the driver calls it when it closes). */
  close(): Promise<void>;
}

/**
 * Syncs a WAL-mode database's `-wal` file with `fdatasync` on libuv's thread pool.
 *
 * Why: with `synchronous = FULL`, SQLite syncs the WAL inside every COMMIT, and better-sqlite3
 * runs COMMIT on the main thread, so each commit stalls the whole process for the length of a
 * disk flush: no request can be parsed or answered meanwhile, which shows as the REST API's
 * p99 (docs/benchmarks.md). With `synchronous = NORMAL` SQLite leaves the WAL unsynced at COMMIT (and still
 * syncs it before every checkpoint), and this syncer flushes it instead, on another thread,
 * before the commit is acknowledged. `fdatasync` on any descriptor of a file flushes the file's
 * pages, whoever wrote them. The first sync also flushes the directory, so that the WAL file's
 * own entry survives a power cut (SQLite does the same when it creates a journal).
 *
 * @example
 * ```ts
 * const syncer = walSyncer("/var/lib/homevisit/homevisit.db");
 * database.exec("COMMIT");
 * await syncer.sync(); // now the commit survives a power cut
 * ```
 */
export function walSyncer(databaseFile: string): WalSyncer {
  // Resolved now, as SQLite resolved it when it opened the file: a later chdir of the host
  // must not point the sync at another file.
  const file = resolve(databaseFile);
  let wal: Promise<FileHandle> | undefined;

  async function openWal(): Promise<FileHandle> {
    const handle = await open(`${file}-wal`, "r");
    try {
      // The directory entry of the WAL, once: a file's data can be on disk while its name is not.
      const directory = await open(dirname(file), "r");
      try {
        await directory.sync();
      } finally {
        await directory.close();
      }
      return handle;
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  return {
    async sync() {
      wal ??= openWal();
      try {
        await (await wal).datasync();
      } catch (error) {
        // Opened again on the next sync: a failed open must not stick.
        const failed = wal;
        wal = undefined;
        await (await failed.catch(() => undefined))?.close().catch(() => undefined);
        throw error;
      }
    },
    async close() {
      const opened = wal;
      wal = undefined;
      await (await opened?.catch(() => undefined))?.close();
    },
  };
}
