import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type SqliteStorage, sqliteStorage } from "@homevisit/storage-sqlite";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

// Transactions that share one COMMIT (group commit) read an audit chain's head once and move it
// once, before the COMMIT. What must hold: the statements really are saved, and a group whose
// head cannot be moved commits nothing at all.
const auditEntry = (chainId: string, i: number) => ({
  chainId,
  at: new Date(Date.UTC(2026, 8, 1, 8, 0, i)).toISOString(),
  actorId: "t-1",
  action: "students.archive",
  entity: "students",
  entityId: `s${i}`,
  schoolId: chainId,
  result: "ok" as const,
});

describe("sqlite audit heads in a group commit", () => {
  const key = { id: "k-group", secret: "group-commit-chain-key-0001" };
  let dir: string;
  let storage: SqliteStorage;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), "hv-audit-group-"));
    storage = sqliteStorage({ filename: join(dir, "audit.db") });
    await storage.migrations.migrate();
    // Counts the head's writes on this connection (a TEMP table and triggers are this connection's own).
    storage.database.exec(`
      CREATE TEMP TABLE head_writes (n INTEGER NOT NULL);
      INSERT INTO head_writes VALUES (0);
      CREATE TEMP TRIGGER count_head_updates AFTER UPDATE ON main.hv_audit_heads BEGIN UPDATE head_writes SET n = n + 1; END;
    `);
  });

  afterEach(async () => {
    await storage.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const headWrites = () => (storage.database.prepare("SELECT n FROM temp.head_writes").get() as { n: number }).n;

  it("moves a chain's head once for the transactions that share a COMMIT", async () => {
    await storage.audit.append(auditEntry("sch-1", 0), { key }); // the chain's first row, alone
    const alone = headWrites();
    expect(alone).toBe(1);
    await Promise.all(Array.from({ length: 20 }, (_, i) => storage.audit.append(auditEntry("sch-1", i + 1), { key })));
    // Twenty appends queued together: one group, one head write (not twenty).
    expect(headWrites() - alone).toBe(1);
    expect(await storage.audit.verify("sch-1", { keys: [key] })).toMatchObject({ ok: true, count: 21 });
  });

  it("commits nothing of a group whose head cannot be moved, and goes on once it can", async () => {
    await storage.audit.append(auditEntry("sch-1", 0), { key });
    const before = await storage.audit.head("sch-1");
    storage.database.exec(`
      CREATE TEMP TRIGGER refuse_head BEFORE UPDATE ON main.hv_audit_heads
      BEGIN SELECT RAISE(ABORT, 'head refused'); END;
    `);
    const outcomes = await Promise.allSettled(
      Array.from({ length: 6 }, (_, i) => storage.audit.append(auditEntry("sch-1", i + 1), { key })),
    );
    expect(outcomes.every((o) => o.status === "rejected")).toBe(true);
    expect(await storage.audit.head("sch-1")).toEqual(before);
    expect((await storage.audit.read("sch-1")).map((r) => r.seq)).toEqual([1]);

    storage.database.exec("DROP TRIGGER temp.refuse_head");
    await Promise.all(Array.from({ length: 3 }, (_, i) => storage.audit.append(auditEntry("sch-1", i + 7), { key })));
    expect(await storage.audit.verify("sch-1", { keys: [key] })).toMatchObject({ ok: true, count: 4 });
  });
});
