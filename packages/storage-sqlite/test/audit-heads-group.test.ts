import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { auditHeadMac } from "@homevisit/core/storage";
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

  it("signs a group's head once it is read or written, and keeps the last MAC over unkeyed rows", async () => {
    const macOf = (head: { chainId: string; count: number; hash: string }) => auditHeadMac(key.secret, head);
    await storage.transaction(async (tx) => {
      for (let i = 0; i < 3; i++) await tx.audit.append(auditEntry("sch-1", i), { key });
      // Read inside the transaction: signed now, although the group writes it only at COMMIT.
      const head = await tx.audit.head("sch-1");
      expect(head).toMatchObject({ count: 3, keyId: key.id });
      expect(head.mac).toBe(macOf(head));
      const signed = { ...head };
      // An unkeyed row moves the head without a new MAC: the keyed head's MAC stays, as in the table.
      await tx.audit.append(auditEntry("sch-1", 3));
      expect(await tx.audit.head("sch-1")).toEqual({ ...signed, count: 4, hash: expect.any(String) });
    });
    const stored = await storage.audit.head("sch-1");
    expect(stored.count).toBe(4);
    expect(stored.mac).toBe(
      macOf({ chainId: "sch-1", count: 3, hash: (await storage.audit.read("sch-1"))[2]?.hash ?? "" }),
    );
    // So a verifier with the key reports the downgrade (an unkeyed row after keyed ones).
    const report = await storage.audit.verify("sch-1", { keys: [key] });
    expect(report.ok).toBe(false);
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
