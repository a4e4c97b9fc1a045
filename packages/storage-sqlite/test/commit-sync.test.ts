import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { seedTenants } from "@homevisit/storage-conformance";
import { sqliteDriver, sqliteStorage, type WalSyncer, walSyncer } from "@homevisit/storage-sqlite";
import Database from "better-sqlite3";
import { sql } from "kysely";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

// `synchronous: "full"` with the WAL sync moved off the main thread: a commit is acknowledged
// only after the sync, no transaction starts while one is pending (so none reads a commit that
// is not durable yet), and a failed sync acknowledges nothing.

/** A commit sync that the test settles by hand, counting its calls. */
function manualSync() {
  const pending: { resolve: () => void; reject: (error: Error) => void }[] = [];
  let closed = false;
  const syncer: WalSyncer = {
    sync: () => new Promise<void>((resolve, reject) => pending.push({ resolve, reject })),
    close: async () => {
      closed = true;
    },
  };
  return { syncer, pending, isClosed: () => closed };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 20));

describe("sqlite commit sync", () => {
  let dir: string;
  let file: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "hv-sync-"));
    file = join(dir, "sync.db");
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function openTable(): Database.Database {
    const database = new Database(file);
    database.pragma("journal_mode = WAL");
    database.pragma("synchronous = NORMAL");
    database.exec("CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY)");
    return database;
  }

  it("acknowledges a commit only after its sync, and starts nothing while the sync is pending", async () => {
    const database = openTable();
    const { syncer, pending, isClosed } = manualSync();
    const driver = sqliteDriver(database, { commitSync: syncer });
    const log: string[] = [];
    const first = driver
      .transaction(
        async (conn) => {
          await sql`INSERT INTO t (id) VALUES (1)`.execute(conn);
        },
        { readOnly: false },
      )
      .then(() => log.push("first acknowledged"));
    await tick();
    expect(pending).toHaveLength(1);
    expect(log).toEqual([]);
    // Committed (another connection sees it) but not acknowledged: the sync has not settled.
    expect(database.prepare("SELECT count(*) AS n FROM t").get()).toEqual({ n: 1 });

    const second = driver
      .transaction(
        async (conn) => {
          log.push("second started");
          return (await sql<{ n: number }>`SELECT count(*) AS n FROM t`.execute(conn)).rows[0]?.n;
        },
        { readOnly: true },
      )
      .then((n) => log.push(`second read ${n}`));
    await tick();
    expect(log).toEqual([]);

    pending[0]?.resolve();
    await Promise.all([first, second]);
    expect(log).toEqual(["first acknowledged", "second started", "second read 1"]);
    // A read-only group needs no sync.
    expect(pending).toHaveLength(1);
    await driver.close();
    expect(isClosed()).toBe(true);
  });

  it("rejects every transaction of a group whose sync fails, and goes on with the next", async () => {
    const database = openTable();
    const { syncer, pending } = manualSync();
    const driver = sqliteDriver(database, { commitSync: syncer });
    const insert = (id: number) =>
      driver.transaction(
        async (conn) => {
          await sql`INSERT INTO t (id) VALUES (${id})`.execute(conn);
          return id;
        },
        { readOnly: false },
      );
    const group = [insert(1), insert(2)].map((p) => p.then(String, (e: Error) => e.message));
    await tick();
    expect(pending).toHaveLength(1);
    pending[0]?.reject(new Error("EIO: i/o error, fdatasync"));
    expect(await Promise.all(group)).toEqual(["EIO: i/o error, fdatasync", "EIO: i/o error, fdatasync"]);

    const next = insert(3);
    await tick();
    pending[1]?.resolve();
    expect(await next).toBe(3);
    await driver.close();
  });

  it("runs SQLite at NORMAL with the WAL synced by the store when durability is full", async () => {
    const full = sqliteStorage({ filename: file });
    expect(full.database.pragma("synchronous", { simple: true })).toBe(1); // NORMAL
    await full.migrations.migrate();
    // Real writes through the real syncer, acknowledged and there after reopening.
    await seedTenants(full);
    const schools = (await full.schools.list({ limit: 100 })).items.length;
    expect(schools).toBeGreaterThan(0);
    await full.close();
    const reopened = sqliteStorage({ filename: file });
    expect((await reopened.schools.list({ limit: 100 })).items).toHaveLength(schools);
    await reopened.close();

    const normal = sqliteStorage({ filename: join(dir, "normal.db"), synchronous: "normal" });
    expect(normal.database.pragma("synchronous", { simple: true })).toBe(1);
    await normal.close();

    // No WAL, nothing to sync off the main thread: SQLite keeps FULL itself.
    const memory = sqliteStorage();
    expect(memory.database.pragma("synchronous", { simple: true })).toBe(2); // FULL
    await memory.close();
  });

  it("walSyncer flushes the WAL file of a database and releases it on close", async () => {
    const database = openTable();
    database.prepare("INSERT INTO t (id) VALUES (7)").run();
    const syncer = walSyncer(file);
    await syncer.sync();
    await syncer.sync();
    await syncer.close();
    await syncer.close();
    database.close();
    // Without a WAL file the sync fails loudly rather than acknowledging what it cannot flush.
    await expect(walSyncer(join(dir, "missing.db")).sync()).rejects.toMatchObject({ code: "ENOENT" });
  });
});
