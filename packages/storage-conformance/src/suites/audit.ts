import { expect, it } from "vitest";
import type { ConformanceHarness } from "../harness.js";
import { auditEntry, expectCode } from "./helpers.js";

/**
 * The `audit` suite. The audit chain: appends, forks, tampering, keys, forged rows and damaged heads.
 */
export function auditSuite(h: () => ConformanceHarness): void {
  it("appends a verifiable chain per tenant, with the head in step", async () => {
    const { storage, raw } = h();
    for (let i = 0; i < 10; i++) await storage.audit.append(auditEntry(i % 2 ? "sch-1" : "sch-2", i));
    const rows = await storage.audit.read("sch-1");
    expect(rows.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(rows[1]?.prevHash).toBe(rows[0]?.hash);
    expect(await raw.auditRows("sch-1")).toEqual(JSON.parse(JSON.stringify(rows)));
    expect(await storage.audit.head("sch-1")).toEqual({ chainId: "sch-1", count: 5, hash: rows[4]?.hash });
    expect(await storage.audit.verify("sch-1")).toEqual({ ok: true, mode: "unkeyed", count: 5, head: rows[4]?.hash });
    expect(await storage.audit.verify("sch-2")).toMatchObject({ ok: true, count: 5 });
    expect(await storage.audit.verify("nobody")).toMatchObject({ ok: true, count: 0 });
    expect((await storage.audit.read("sch-1", { fromSeq: 4, limit: 1 })).map((r) => r.seq)).toEqual([4]);
    await expectCode(storage.audit.append({ ...auditEntry("sch-1", 1), action: "Bad Action" }), "validation_failed");
  });

  it("does not fork under concurrent appends and drops rolled-back rows", async () => {
    const { storage } = h();
    await Promise.all(Array.from({ length: 25 }, (_, i) => storage.audit.append(auditEntry("sch-3", i))));
    await expect(
      storage.transaction(async (tx) => {
        await tx.audit.append(auditEntry("sch-3", 99));
        throw new Error("rollback");
      }),
    ).rejects.toThrow("rollback");
    expect(await storage.audit.verify("sch-3")).toMatchObject({ ok: true, count: 25 });
  });

  it("keeps the chain and its signed head in step when concurrent appends fail after appending", async () => {
    const { storage, raw } = h();
    const key = { id: "k-test", secret: "conformance-chain-key-0001" };
    // Every third transaction appends and then fails: its row must go, and the others' must
    // link up around it.
    const seen: number[] = [];
    const outcomes = await Promise.allSettled(
      Array.from({ length: 24 }, (_, i) =>
        storage.transaction(async (tx) => {
          const record = await tx.audit.append(auditEntry("sch-4", i), { key });
          // Read back inside the same transaction: the head is where this append left it.
          expect(await tx.audit.head("sch-4")).toMatchObject({ count: record.seq, hash: record.hash });
          if (i % 3 === 2) throw new Error(`rollback ${i}`);
          seen.push(record.seq);
        }),
      ),
    );
    expect(outcomes.filter((o) => o.status === "rejected")).toHaveLength(8);
    const rows = await storage.audit.read("sch-4");
    expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: 16 }, (_, i) => i + 1));
    expect(seen.sort((a, b) => a - b)).toEqual(rows.map((r) => r.seq));
    const head = await storage.audit.head("sch-4");
    expect(head).toMatchObject({ count: 16, hash: rows[15]?.hash, keyId: "k-test" });
    expect(await raw.auditHead("sch-4")).toEqual(head);
    expect(await storage.audit.verify("sch-4", { keys: [key] })).toEqual({
      ok: true,
      mode: "keyed",
      count: 16,
      head: rows[15]?.hash,
    });
  });

  it("detects tampering with stored rows", async () => {
    const { storage, raw } = h();
    for (let i = 0; i < 6; i++) await storage.audit.append(auditEntry("sch-1", i));
    await raw.tamperAudit("sch-1", 3, { actorId: "intruder" });
    expect(await storage.audit.verify("sch-1")).toMatchObject({ ok: false, seq: 3, problem: "hash_mismatch" });
  });

  it("keys rows and signs the head with the caller's key; keeps unkeyed rows verifiable", async () => {
    const { storage, raw } = h();
    const key = { id: "k-test", secret: "conformance-chain-key-0001" };
    for (let i = 0; i < 3; i++) await storage.audit.append(auditEntry("sch-1", i)); // v1, as before keys
    for (let i = 3; i < 6; i++) await storage.audit.append(auditEntry("sch-1", i), { key });
    const rows = await storage.audit.read("sch-1");
    expect(rows.map((r) => r.v ?? 1)).toEqual([1, 1, 1, 2, 2, 2]);
    expect(rows[3]).toMatchObject({ v: 2, keyId: "k-test", seq: 4, prevHash: rows[2]?.hash });
    const head = await storage.audit.head("sch-1");
    expect(head).toMatchObject({ count: 6, hash: rows[5]?.hash, keyId: "k-test" });
    expect(head.mac).toMatch(/^[0-9a-f]{64}$/);
    expect(await raw.auditHead("sch-1")).toEqual(head);
    expect(await storage.audit.verify("sch-1", { keys: [key] })).toEqual({
      ok: true,
      mode: "keyed",
      count: 6,
      head: rows[5]?.hash,
    });
    // Without the key, keyed rows cannot be trusted: reported, never thrown.
    expect(await storage.audit.verify("sch-1")).toMatchObject({ ok: false, seq: 4, problem: "unknown_key" });
  });

  it("goes on after a forged row takes the next place: a new segment, the break reported", async () => {
    const { storage, raw } = h();
    const key = { id: "k-test", secret: "conformance-chain-key-0001" };
    for (let i = 0; i < 4; i++) await storage.audit.append(auditEntry("sch-1", i), { key });
    const rows = (await raw.auditRows("sch-1")) as Record<string, unknown>[];
    const forged = { ...rows[3], seq: 5, prevHash: rows[3]?.hash, actorId: "intruder" };
    await raw.writeAuditRows("sch-1", [...rows, forged]);
    const record = await storage.audit.append(auditEntry("sch-1", 9), { key });
    expect(record).toMatchObject({ seq: 6, resumedAfter: 4, prevHash: rows[3]?.hash });
    const second = await storage.audit.append(auditEntry("sch-1", 10), { key });
    expect(second).toMatchObject({ seq: 7, prevHash: record.hash });
    expect(second.resumedAfter).toBeUndefined();
    const result = await storage.audit.verify("sch-1", { keys: [key] });
    expect(result).toMatchObject({ ok: false, seq: 5, problem: "hash_mismatch" });
    expect(result.ok === false && result.breaks).toEqual([
      { problem: "hash_mismatch", seq: 5, lastSeq: 5 },
      { problem: "segment_restart", seq: 5, lastSeq: 5 },
    ]);
  });

  it("reports a lost head and damaged rows as breaks, never as a thrown error", async () => {
    const { storage, raw } = h();
    const key = { id: "k-test", secret: "conformance-chain-key-0001" };
    for (let i = 0; i < 3; i++) await storage.audit.append(auditEntry("sch-1", i), { key });
    await raw.writeAuditHead("sch-1", undefined);
    const record = await storage.audit.append(auditEntry("sch-1", 5), { key });
    expect(record).toMatchObject({ seq: 4, resumedAfter: 0 });
    const rows = await raw.auditRows("sch-1");
    await raw.writeAuditRows("sch-1", [rows[0], "not json {", { seq: 3 }, rows[3]]);
    const result = await storage.audit.verify("sch-1", { keys: [key] });
    expect(result.ok).toBe(false);
    expect(result.ok === false && result.breaks?.map((b) => b.problem)).toContain("invalid_row");
  });
}
