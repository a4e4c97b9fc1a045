import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sqliteDriver } from "@homevisit/storage-sqlite";
import Database from "better-sqlite3";
import { sql } from "kysely";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

// Group commit: transactions that queue while the connection is busy share one SQLite
// transaction (each in a savepoint) and one COMMIT. What must hold: each is still atomic on its
// own, a failing one takes nothing else down, and none is acknowledged before it is durable.
describe("sqlite group commit", () => {
  let dir: string;
  let file: string;
  let database: Database.Database;
  let observer: Database.Database;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "hv-group-"));
    file = join(dir, "group.db");
    database = new Database(file);
    database.pragma("journal_mode = WAL");
    database.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, note TEXT NOT NULL)");
    // A second connection, as another process would have: it sees only what is committed.
    observer = new Database(file, { readonly: true });
  });

  afterEach(() => {
    observer.close();
    if (database.open) database.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const committedIds = () =>
    (observer.prepare("SELECT id FROM t ORDER BY id").all() as { id: number }[]).map((r) => r.id);

  it("acknowledges each transaction only once another connection can see it", async () => {
    const driver = sqliteDriver(database);
    const seenAtAck: number[][] = [];
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        driver
          .transaction(
            async (conn) => {
              await sql`INSERT INTO t (id, note) VALUES (${i}, ${`n${i}`})`.execute(conn);
              return i;
            },
            { readOnly: false },
          )
          .then((id) => {
            seenAtAck.push(committedIds());
            expect(committedIds()).toContain(id);
          }),
      ),
    );
    expect(seenAtAck).toHaveLength(40);
    expect(committedIds()).toEqual(Array.from({ length: 40 }, (_, i) => i));
    await driver.close();
  });

  it("runs the transactions queued together in one SQLite transaction", async () => {
    const driver = sqliteDriver(database);
    const visibleToObserver: number[] = [];
    const visibleInside: number[] = [];
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        driver.transaction(
          async (conn) => {
            await sql`INSERT INTO t (id, note) VALUES (${i}, 'x')`.execute(conn);
            const inside = await sql<{ n: number }>`SELECT count(*) AS n FROM t`.execute(conn);
            visibleInside.push(inside.rows[0]?.n ?? -1);
            visibleToObserver.push(committedIds().length);
          },
          { readOnly: false },
        ),
      ),
    );
    // Each saw the ones before it in the group, and nothing was committed while the group ran.
    expect(visibleInside).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(visibleToObserver).toEqual(Array(10).fill(0));
    expect(committedIds()).toHaveLength(10);
    await driver.close();
  });

  it("rolls back only the failing transaction of a group, and rejects only it", async () => {
    const driver = sqliteDriver(database);
    const results = await Promise.allSettled(
      Array.from({ length: 12 }, (_, i) =>
        driver.transaction(
          async (conn) => {
            await sql`INSERT INTO t (id, note) VALUES (${100 + i}, 'first')`.execute(conn);
            if (i % 4 === 1) throw new Error(`fails ${i}`);
            await sql`INSERT INTO t (id, note) VALUES (${200 + i}, 'second')`.execute(conn);
            return i;
          },
          { readOnly: false },
        ),
      ),
    );
    const failed = results.flatMap((r, i) => (r.status === "rejected" ? [i] : []));
    expect(failed).toEqual([1, 5, 9]);
    for (const i of failed) {
      expect((results[i] as PromiseRejectedResult).reason).toEqual(new Error(`fails ${i}`));
    }
    const ok = results.flatMap((_, i) => (failed.includes(i) ? [] : [i]));
    expect(committedIds()).toEqual([...ok.map((i) => 100 + i), ...ok.map((i) => 200 + i)]);
    await driver.close();
  });

  it("keeps read-only groups apart from writers and answers reads of committed data", async () => {
    const driver = sqliteDriver(database);
    await driver.transaction((conn) => sql`INSERT INTO t (id, note) VALUES (1, 'a')`.execute(conn), {
      readOnly: false,
    });
    const reads = await Promise.all(
      Array.from({ length: 5 }, () =>
        driver.transaction(
          async (conn) => (await sql<{ note: string }>`SELECT note FROM t WHERE id = 1`.execute(conn)).rows[0]?.note,
          { readOnly: true },
        ),
      ),
    );
    expect(reads).toEqual(["a", "a", "a", "a", "a"]);
    await driver.close();
  });

  it("rejects every queued transaction, and loses nothing committed, when the database closes under it", async () => {
    const driver = sqliteDriver(database);
    await driver.transaction((conn) => sql`INSERT INTO t (id, note) VALUES (1, 'kept')`.execute(conn), {
      readOnly: false,
    });
    database.close();
    const results = await Promise.allSettled(
      Array.from({ length: 3 }, (_, i) =>
        driver.transaction((conn) => sql`INSERT INTO t (id, note) VALUES (${10 + i}, 'lost')`.execute(conn), {
          readOnly: false,
        }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(["rejected", "rejected", "rejected"]);
    expect(committedIds()).toEqual([1]);
  });
});
