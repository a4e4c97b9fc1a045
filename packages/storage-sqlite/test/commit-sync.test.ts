import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { seedTenants } from "@homevisit/storage-conformance";
import { sqliteDriver, sqliteStorage, type WalSyncer, walSyncer } from "@homevisit/storage-sqlite";
import Database from "better-sqlite3";
import { sql } from "kysely";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

// `synchronous: "full"` with the WAL sync moved off the main thread: a commit is acknowledged
// only after a sync that started after it; the next group runs meanwhile, but nothing it read
// is answered before that sync settles; groups committed during one sync share the next; and a
// failed sync acknowledges nothing of the groups it covered.

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

/** Inserts row `id` into `t` in a write transaction of its own; resolves with `id`. */
function inserter(driver: ReturnType<typeof sqliteDriver>) {
  return (id: number) =>
    driver.transaction(
      async (conn) => {
        await sql`INSERT INTO t (id) VALUES (${id})`.execute(conn);
        return id;
      },
      { readOnly: false },
    );
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

  it("acknowledges a commit only after its sync, and answers a read that ran meanwhile only after it too", async () => {
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
    // The read ran (the connection does not wait for the disk) but is not answered: it read a
    // commit whose sync is still under way.
    expect(log).toEqual(["second started"]);

    pending[0]?.resolve();
    await Promise.all([first, second]);
    expect(log).toEqual(["second started", "first acknowledged", "second read 1"]);
    // A read-only group needs no sync of its own.
    expect(pending).toHaveLength(1);
    await driver.close();
    expect(isClosed()).toBe(true);
  });

  it("shares one sync among the groups that committed while the previous sync ran, in order", async () => {
    const database = openTable();
    const { syncer, pending } = manualSync();
    const driver = sqliteDriver(database, { commitSync: syncer });
    const acknowledged: number[] = [];
    const insert = (id: number) => inserter(driver)(id).then((n) => acknowledged.push(n));
    const first = insert(1);
    await tick();
    expect(pending).toHaveLength(1);
    // Two more groups commit while the first sync runs: both wait for one sync that starts
    // after the first settles.
    const second = insert(2);
    await tick();
    const third = insert(3);
    await tick();
    expect(database.prepare("SELECT count(*) AS n FROM t").get()).toEqual({ n: 3 });
    expect(pending).toHaveLength(1);
    expect(acknowledged).toEqual([]);
    pending[0]?.resolve();
    await first;
    await tick();
    expect(acknowledged).toEqual([1]);
    expect(pending).toHaveLength(2);
    pending[1]?.resolve();
    await Promise.all([second, third]);
    expect(acknowledged).toEqual([1, 2, 3]);
    await driver.close();
  });

  it("rejects the groups a failed sync covered, and acknowledges the ones a later sync covers", async () => {
    const database = openTable();
    const { syncer, pending } = manualSync();
    const driver = sqliteDriver(database, { commitSync: syncer });
    const insert = (id: number) => inserter(driver)(id).then(String, (e: Error) => e.message);
    const first = insert(1);
    await tick();
    const second = insert(2);
    await tick();
    // The first sync fails: only its group is refused; the second group's own sync follows.
    pending[0]?.reject(new Error("EIO: i/o error, fdatasync"));
    expect(await first).toBe("EIO: i/o error, fdatasync");
    await tick();
    expect(pending).toHaveLength(2);
    pending[1]?.resolve();
    expect(await second).toBe("2");
    await driver.close();
  });

  it("waits for a sync under way before it lets the WAL file go on close", async () => {
    const database = openTable();
    const { syncer, pending, isClosed } = manualSync();
    const driver = sqliteDriver(database, { commitSync: syncer });
    const write = driver.transaction(
      async (conn) => {
        await sql`INSERT INTO t (id) VALUES (1)`.execute(conn);
      },
      { readOnly: false },
    );
    await tick();
    const closing = driver.close();
    await tick();
    expect(isClosed()).toBe(false);
    pending[0]?.resolve();
    await Promise.all([write, closing]);
    expect(isClosed()).toBe(true);
  });

  it("rejects every transaction of a group whose sync fails, and goes on with the next", async () => {
    const database = openTable();
    const { syncer, pending } = manualSync();
    const driver = sqliteDriver(database, { commitSync: syncer });
    const insert = inserter(driver);
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
