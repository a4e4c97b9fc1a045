import { expect, it } from "vitest";
import { makers, makeStudent } from "../fixtures.js";
import type { ConformanceHarness } from "../harness.js";
import { at, auditEntry, expectCode } from "./helpers.js";

/**
 * The `transactions` suite. Transactions: all or nothing, isolated, serialised.
 */
export function transactionsSuite(h: () => ConformanceHarness): void {
  it("commits all writes of a transaction together and shows them to later reads", async () => {
    const { storage } = h();
    const result = await storage.transaction(async (tx) => {
      await tx.students.create(makeStudent(1));
      await tx.students.create(makeStudent(2));
      expect((await tx.students.get("stu-0001"))?.version).toBe(1);
      return "done";
    });
    expect(result).toBe("done");
    expect((await storage.students.getMany(["stu-0001", "stu-0002"])).length).toBe(2);
  });

  it("rolls back every write when the function throws, and rethrows the same error", async () => {
    const { storage, raw } = h();
    const before = await raw.count("students");
    const boom = new Error("boom");
    await expect(
      storage.transaction(async (tx) => {
        await tx.students.create(makeStudent(1));
        await tx.students.create(makeStudent(2));
        throw boom;
      }),
    ).rejects.toBe(boom);
    expect(await raw.count("students")).toBe(before);
    await expectCode(
      storage.transaction(async (tx) => {
        await tx.students.create(makeStudent(3));
        await tx.students.create(makeStudent(3)); // conflict half-way
      }),
      "conflict",
    );
    expect(await storage.students.get("stu-0003")).toBeUndefined();
  });

  it("undoes a whole createMany that meets an existing id, and the transaction goes on", async () => {
    const { storage, raw } = h();
    await storage.students.create(makeStudent(7));
    const before = await raw.count("students");
    // The clash is in the middle, so rows before and after it would be written by an adapter
    // that inserted first and checked afterwards without undoing.
    const batch = [makeStudent(5), makeStudent(6), makeStudent(7), makeStudent(8)];
    await storage.transaction(async (tx) => {
      await expectCode(tx.students.createMany(batch), "conflict");
      await tx.students.create(makeStudent(9));
    });
    expect(await raw.count("students")).toBe(before + 1);
    for (const n of [5, 6, 8]) expect(await storage.students.get(makeStudent(n).id)).toBeUndefined();
    expect((await storage.students.get(makeStudent(9).id))?.version).toBe(1);
    const enrolled = await storage.reports.coverage({
      scope: { schoolId: makeStudent(5).schoolId },
      from: "2000-01-01",
      to: "2100-12-31",
      groupBy: "school",
    });
    // Enrolment side rows follow their student: none were left for the undone ones.
    expect(enrolled.reduce((sum, row) => sum + (row.enrolled ?? 0), 0)).toBe(
      (await storage.students.list({ where: { schoolId: makeStudent(5).schoolId }, limit: 1000 })).items.filter((s) =>
        s.record.enrolments.some((e) => e.schoolId === s.record.schoolId),
      ).length,
    );
  });

  it("writes a createMany larger than one insert chunk whole, or undoes it whole on a clash in a late chunk", async () => {
    const { storage, raw } = h();
    // SQL adapters insert a bulk call a chunk at a time (64 rows on SQLite, 1,000 on
    // PostgreSQL): a clash in a later chunk must undo the earlier chunks too.
    const inputs = Array.from({ length: 1_100 }, (_, i) => makeStudent(3_000 + i));
    await storage.students.create(inputs[1_050] as (typeof inputs)[number]);
    const before = await raw.count("students");
    await storage.transaction(async (tx) => {
      await expectCode(tx.students.createMany(inputs), "conflict");
      await tx.students.create(makeStudent(2_999));
    });
    expect(await raw.count("students")).toBe(before + 1);
    for (const i of [0, 63, 64, 999, 1_000, 1_099]) {
      expect(await storage.students.get((inputs[i] as { id: string }).id)).toBeUndefined();
    }
    const fresh = inputs.filter((_, i) => i !== 1_050);
    const created = await storage.students.createMany(fresh);
    expect(created.map((c) => c.record.id)).toEqual(fresh.map((s) => s.id));
    expect(await raw.count("students")).toBe(before + 1 + fresh.length);
    expect((await storage.students.get((fresh[1_000] as { id: string }).id))?.version).toBe(1);
  });

  it("leaves the store as before when a multi-step write fails at any step", async () => {
    const { storage, raw } = h();
    await storage.students.create(makeStudent(1));
    const snapshot = async () => ({
      student: await raw.record("students", "stu-0001"),
      flags: await raw.count("categoryFlags"),
      audit: await storage.audit.head("sch-2"),
      outbox: await storage.outbox.pending(),
    });
    const before = await snapshot();
    for (let failAt = 1; failAt <= 4; failAt++) {
      const fail = (step: number) => {
        if (step === failAt) throw new Error(`fail at ${step}`);
      };
      await expect(
        storage.transaction(async (tx) => {
          const s = await tx.students.get("stu-0001");
          await tx.students.update("stu-0001", { ...(s?.record as object), name: "改名" } as never, {
            expectedVersion: s?.version ?? 0,
          });
          fail(1);
          await tx.categoryFlags.create({ ...makers.categoryFlags(1), id: `flag-fault-${failAt}` });
          fail(2);
          await tx.audit.append(auditEntry("sch-2", failAt));
          fail(3);
          await tx.outbox.append({ id: `evt-fault-${failAt}`, topic: "student.updated", at: at(0), payload: {} });
          fail(4);
        }),
      ).rejects.toThrow(`fail at ${failAt}`);
      expect(await snapshot()).toEqual(before);
    }
  });

  it("runs concurrent transactions without losing any", async () => {
    const { storage } = h();
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        storage.transaction(async (tx) => {
          await tx.students.create(makeStudent(300 + i));
          await tx.outbox.append({ id: `evt-${i}`, topic: "student.created", at: at(i), payload: { i } });
        }),
      ),
    );
    expect(await storage.students.count({ ids: Array.from({ length: 20 }, (_, i) => `stu-0${300 + i}`) })).toBe(20);
    expect(await storage.outbox.pending()).toBe(20);
  });
}
