import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";

/** Checkpoints a WAL database off the main thread; see {@link walCheckpointer}. */
export interface WalCheckpointer {
  /** Notes that a write committed: a checkpoint follows within the interval. */
  written(): void;
  /** Stops the worker thread and closes its connection. */
  close(): Promise<void>;
}

/** Options of {@link walCheckpointer}. */
export interface WalCheckpointerOptions {
  /** How long after a write the checkpoint runs, in ms; default 100. */
  intervalMs?: number;
  /**
   * Called once if the worker cannot start or stops on its own: the caller turns SQLite's own
   * automatic checkpoints back on (the WAL must not grow without bound).
   */
  onFailure?: (error: unknown) => void;
}

// The worker: its own connection to the file, which runs `wal_checkpoint(PASSIVE)` when asked.
// Run with `eval`, so that it needs no file of its own in the published package; written with
// dynamic imports only, so that it runs whether the host's eval input is CommonJS or ESM.
// better-sqlite3 is loaded by the path this package resolved it to.
const workerSource = `
(async () => {
  const { parentPort, workerData } = await import("node:worker_threads");
  const { createRequire } = await import("node:module");
  const Database = createRequire(workerData.driver)(workerData.driver);
  const db = new Database(workerData.file, { fileMustExist: true });
  db.pragma("busy_timeout = 1000");
  // A checkpoint syncs the WAL before it copies pages back, and the database file after.
  db.pragma("synchronous = NORMAL");
  parentPort.on("message", (message) => {
    if (message === "checkpoint") {
      try {
        db.pragma("wal_checkpoint(PASSIVE)");
      } catch {
        // Busy or locked: the next write asks again.
      }
      parentPort.postMessage("done");
    } else if (message === "close") {
      db.close();
      parentPort.close();
    }
  });
})(); // a failure rejects unhandled: the worker stops and reports it as an error
`;

/**
 * Checkpoints a WAL-mode database from a worker thread, so that the main thread never does.
 *
 * Why: SQLite checkpoints automatically inside the COMMIT that takes the WAL past 1,000 pages,
 * on the thread that commits. better-sqlite3 runs on the main thread, so every such commit
 * copied about 4 MiB back into the database file and synced both files while no request of
 * the process could run: at 500 visit-record drafts per second that was a stall of several
 * milliseconds a dozen times a second, and it showed as the REST API's p99. Here the store
 * turns automatic checkpoints off (`wal_autocheckpoint = 0`) and this worker, with its own
 * connection, runs `wal_checkpoint(PASSIVE)` shortly after writes: it never blocks the
 * writer or readers, and the writer starts the WAL from its beginning again once a checkpoint
 * has copied everything. If the worker cannot start or stops, `onFailure` turns automatic
 * checkpoints back on.
 *
 * @example
 * ```ts
 * database.pragma("wal_autocheckpoint = 0");
 * const checkpoints = walCheckpointer("/var/lib/homevisit/homevisit.db", {
 *   onFailure: () => database.pragma("wal_autocheckpoint = 1000"),
 * });
 * database.exec("INSERT …");
 * checkpoints.written(); // a checkpoint runs within 100 ms, on the worker
 * await checkpoints.close();
 * ```
 */
export function walCheckpointer(databaseFile: string, options: WalCheckpointerOptions = {}): WalCheckpointer {
  const intervalMs = options.intervalMs ?? 100;
  let worker: Worker | undefined;
  let failed = false;
  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  /** A checkpoint is running on the worker. */
  let running = false;
  /** Writes committed since the running checkpoint started. */
  let dirty = false;

  const fail = (error: unknown) => {
    if (failed || closed) return;
    failed = true;
    if (timer) clearTimeout(timer);
    void worker?.terminate();
    worker = undefined;
    options.onFailure?.(error);
  };

  const start = (): Worker | undefined => {
    if (worker || failed || closed) return worker;
    try {
      const driver = createRequire(import.meta.url).resolve("better-sqlite3");
      // No inherited flags: the host's loaders and input type are not the worker's business.
      worker = new Worker(workerSource, { eval: true, execArgv: [], workerData: { file: databaseFile, driver } });
    } catch (error) {
      fail(error);
      return undefined;
    }
    // The worker must not keep a host's process alive, nor outlive it.
    worker.unref();
    worker.on("message", () => {
      running = false;
      if (dirty) schedule();
    });
    worker.on("error", fail);
    worker.on("exit", (code) => {
      if (!closed) fail(new Error(`the checkpoint worker stopped (exit code ${code})`));
    });
    return worker;
  };

  const run = () => {
    timer = undefined;
    const w = start();
    if (!w) return;
    running = true;
    dirty = false;
    w.postMessage("checkpoint");
  };

  const schedule = () => {
    if (timer || failed || closed) return;
    timer = setTimeout(run, intervalMs);
    timer.unref();
  };

  return {
    written() {
      if (running) dirty = true;
      else schedule();
    },
    async close() {
      if (closed) return;
      closed = true;
      if (timer) clearTimeout(timer);
      const w = worker;
      worker = undefined;
      if (!w) return;
      const exited = new Promise<void>((resolve) => w.once("exit", () => resolve()));
      // Referenced again while it closes: a script whose last step is `await storage.close()`
      // must not end before the worker has let go of the file.
      w.ref();
      w.postMessage("close");
      const timeout = new Promise<"timeout">((resolve) => setTimeout(() => resolve("timeout"), 5_000).unref());
      if ((await Promise.race([exited, timeout])) === "timeout") await w.terminate();
    },
  };
}
