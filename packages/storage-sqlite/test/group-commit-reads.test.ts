import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isHomevisitError } from "@homevisit/core";
import { sqliteDriver, type WalSyncer } from "@homevisit/storage-sqlite";
import Database from "better-sqlite3";
import fc from "fast-check";
import { sql } from "kysely";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

// RELIABILITY.md promise 6 ("a fault is typed and contained"): a read queued in the same group
// commit as writes that fail — a full disk at the statement, at COMMIT or at the WAL sync — is
// answered from what is committed; only the writes are refused. In the soak's disk-full window,
// reads were refused with the writers' `storage_full` before this held.

type Fault = "statement" | "commit" | "sync";

/**
 * A database whose writing transactions (`BEGIN IMMEDIATE`) fail at COMMIT with SQLITE_FULL while
 * `full()` holds, as a full disk makes them; a read's COMMIT writes nothing and goes through.
 */
function failingCommit(database: Database.Database, full: () => boolean): Database.Database {
  let writing = false;
  return new Proxy(database, {
    get(target, name) {
      if (name === "prepare") {
        return (text: string) => {
          const statement = target.prepare(text);
          if (text !== "COMMIT" && !text.startsWith("BEGIN")) return statement;
          return {
            run: () => {
              if (text.startsWith("BEGIN")) writing = text === "BEGIN IMMEDIATE";
              else if (full() && writing) throw new Database.SqliteError("database or disk is full", "SQLITE_FULL");
              return statement.run();
            },
          };
        };
      }
      const value = Reflect.get(target, name, target) as unknown;
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

/** A WAL sync that fails with ENOSPC while `full()` holds. */
function failingSync(full: () => boolean): WalSyncer {
  return {
    sync: async () => {
      if (full()) throw Object.assign(new Error("ENOSPC: no space left on device, fdatasync"), { code: "ENOSPC" });
    },
    close: async () => undefined,
  };
}

describe("sqlite group commit: reads do not share a failing write group's fate", () => {
  let dir: string;
  let runs = 0;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "hv-group-reads-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function run(fault: Fault, ops: ("read" | "write")[]) {
    // A new file each run: no free pages left behind for a write to reuse.
    const database = new Database(join(dir, `reads-${++runs}.db`));
    database.pragma("journal_mode = WAL");
    database.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, note TEXT NOT NULL)");
    database.exec("INSERT INTO t (id, note) VALUES (1, 'kept')");
    let full = false;
    const driver = sqliteDriver(fault === "commit" ? failingCommit(database, () => full) : database, {
      ...(fault === "sync" ? { commitSync: failingSync(() => full) } : {}),
    });
    if (fault === "statement") {
      // The file may not grow: every insert of a page-sized note fails with SQLITE_FULL.
      const pages = database.pragma("page_count", { simple: true }) as number;
      database.pragma(`max_page_count = ${pages}`);
    }
    full = true;
    const big = "x".repeat(9000);
    // The first call is a write, so the whole batch (readers included) joins its group.
    const calls = (["write", ...ops] as const).map((op, i) =>
      op === "write"
        ? driver
            .transaction((conn) => sql`INSERT INTO t (id, note) VALUES (${100 + i}, ${big})`.execute(conn), {
              readOnly: false,
            })
            .then(
              () => ({ op, outcome: "ok" }),
              (error: unknown) => ({ op, outcome: isHomevisitError(error) ? error.code : String(error) }),
            )
        : driver
            .transaction(
              async (conn) => (await sql<{ n: number }>`SELECT count(*) AS n FROM t`.execute(conn)).rows[0]?.n,
              { readOnly: true },
            )
            .then(
              (n) => ({ op, outcome: `read ${n}` }),
              (error: unknown) => ({ op, outcome: isHomevisitError(error) ? error.code : String(error) }),
            ),
    );
    const results = await Promise.all(calls);
    full = false;
    await driver.close();
    if (database.open) database.close();
    return results;
  }

  it("answers every read of a write group that fails on a full disk, from what is committed", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<Fault>("statement", "commit", "sync"),
        fc.array(fc.constantFrom<"read" | "write">("read", "write"), { minLength: 1, maxLength: 12 }),
        async (fault, ops) => {
          const results = await run(fault, ops);
          // A failed sync follows a COMMIT: the rows are in the database, unacknowledged (the
          // writer's outcome is unknown to it), and a read sees them as any later read would.
          const writes = results.filter((r) => r.op === "write").length;
          const committed = fault === "sync" ? 1 + writes : 1;
          for (const result of results) {
            if (result.op === "read") expect(result.outcome).toBe(`read ${committed}`);
            else expect(result.outcome).not.toBe("ok");
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it("refuses the writes with storage_full and reads the committed row", async () => {
    const results = await run("commit", ["read", "write", "read"]);
    expect(results).toEqual([
      { op: "write", outcome: "storage_full" },
      { op: "read", outcome: "read 1" },
      { op: "write", outcome: "storage_full" },
      { op: "read", outcome: "read 1" },
    ]);
  });
});
