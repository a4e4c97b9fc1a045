import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { seedTenants } from "@homevisit/storage-conformance";
import { sqliteStorage, walCheckpointer } from "@homevisit/storage-sqlite";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

// Checkpoints run on a worker thread with its own connection, never inside a COMMIT on the main
// thread: what the main connection committed reaches the database file without it, and a
// worker that cannot run hands checkpoints back to SQLite.
const until = async (condition: () => boolean, ms = 5_000) => {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > ms) throw new Error("timed out");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

describe("sqlite WAL checkpoints off the main thread", () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "hv-checkpoint-"));
    file = join(dir, "checkpoint.db");
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("copies committed pages into the database file from the worker", async () => {
    const database = new Database(file);
    database.pragma("journal_mode = WAL");
    database.pragma("wal_autocheckpoint = 0");
    database.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, note TEXT NOT NULL)");
    const insert = database.prepare("INSERT INTO t (note) VALUES (?)");
    database.transaction(() => {
      for (let i = 0; i < 2_000; i++) insert.run("家访记录".repeat(100));
    })();
    // Everything is in the WAL: the database file holds the first pages only.
    const before = statSync(file).size;
    expect(before).toBeLessThan(64 * 1024);
    const checkpoints = walCheckpointer(file, { intervalMs: 10 });
    checkpoints.written();
    await until(() => statSync(file).size > 2 * 1024 * 1024);
    // The main connection still reads and writes as before; nothing was lost.
    insert.run("after");
    expect(database.prepare("SELECT count(*) AS n FROM t").get()).toEqual({ n: 2_001 });
    await checkpoints.close();
    await checkpoints.close();
    database.close();
    const reopened = new Database(file, { readonly: true });
    expect(reopened.prepare("SELECT count(*) AS n FROM t").get()).toEqual({ n: 2_001 });
    reopened.close();
  });

  it("hands checkpoints back when the worker cannot open the database", async () => {
    const failures: unknown[] = [];
    const checkpoints = walCheckpointer(join(dir, "missing.db"), {
      intervalMs: 1,
      onFailure: (error) => failures.push(error),
    });
    checkpoints.written();
    await until(() => failures.length > 0);
    expect(failures).toHaveLength(1);
    checkpoints.written(); // ignored from now on
    await checkpoints.close();
  });

  it("is how a file store checkpoints: SQLite's automatic ones off, the file filled by the worker", async () => {
    const storage = sqliteStorage({ filename: file });
    expect(storage.database.pragma("wal_autocheckpoint", { simple: true })).toBe(0);
    await storage.migrations.migrate();
    await seedTenants(storage);
    // The schema and the rows reach the database file although the main connection never
    // checkpoints (only the worker's connection does).
    await until(() => statSync(file).size > 100 * 1024);
    await storage.close();
    // `normal` durability and memory databases keep SQLite's own checkpoints.
    const normal = sqliteStorage({ filename: join(dir, "normal.db"), synchronous: "normal" });
    expect(normal.database.pragma("wal_autocheckpoint", { simple: true })).toBe(1000);
    await normal.close();
  });

  it("keeps a script alive until close has stopped the worker, in an ESM script with nothing else to do", () => {
    const root = fileURLToPath(new URL("../../..", import.meta.url));
    const source = join(root, "packages/storage-sqlite/src/index.ts");
    const script = [
      `import { sqliteStorage } from ${JSON.stringify(source)};`,
      `const storage = sqliteStorage({ filename: ${JSON.stringify(file)} });`,
      "await storage.migrations.migrate();",
      "await new Promise((resolve) => setTimeout(resolve, 300));",
      "await storage.close();",
      "console.log('closed');",
    ].join("\n");
    const child = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
      cwd: root,
      env: { ...process.env, TSX_TSCONFIG_PATH: join(root, "tsconfig.json") },
      encoding: "utf8",
      timeout: 60_000,
    });
    // Exit code 13 would mean the process ended with the close still pending.
    expect([child.status, child.stdout.trim()], child.stderr).toEqual([0, "closed"]);
  });
});
