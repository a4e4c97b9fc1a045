import { expect, it } from "vitest";
import type { ConformanceHarness } from "../harness.js";
import { at, expectCode } from "./helpers.js";

/**
 * The `outbox` suite. The outbox: leases, at-least-once delivery, acknowledgement, rollback.
 */
export function outboxSuite(h: () => ConformanceHarness): void {
  it("hands events out oldest first under a lease, again after the lease, never after ack", async () => {
    const { storage, raw } = h();
    for (let i = 1; i <= 5; i++) {
      await storage.outbox.append({
        id: `evt-${i}`,
        topic: "visit.completed",
        schoolId: "sch-1",
        at: at(i),
        payload: { visitId: `v${i}` },
      });
    }
    await expectCode(
      storage.outbox.append({ id: "evt-1", topic: "visit.completed", at: at(0), payload: {} }),
      "conflict",
    );
    const t0 = "2026-10-08T10:00:00Z";
    const first = await storage.outbox.claim({ consumer: "a", now: t0, leaseSeconds: 60, limit: 3 });
    expect(first.map((c) => c.event.id)).toEqual(["evt-1", "evt-2", "evt-3"]);
    expect(first.map((c) => c.attempts)).toEqual([1, 1, 1]);
    expect(first[0]?.event).toEqual({
      id: "evt-1",
      topic: "visit.completed",
      schoolId: "sch-1",
      at: at(1),
      payload: { visitId: "v1" },
    });
    const second = await storage.outbox.claim({ consumer: "b", now: t0, leaseSeconds: 60, limit: 10 });
    expect(second.map((c) => c.event.id)).toEqual(["evt-4", "evt-5"]);
    expect(await storage.outbox.claim({ consumer: "c", now: t0, leaseSeconds: 60, limit: 10 })).toEqual([]);
    expect(await storage.outbox.ack(["evt-1", "evt-2", "evt-4"])).toBe(3);
    expect(await raw.outbox("evt-1")).toEqual({ acked: true, attempts: 1 });
    expect(await storage.outbox.pending()).toBe(2);
    const later = "2026-10-08T10:01:01Z";
    const again = await storage.outbox.claim({ consumer: "c", now: later, leaseSeconds: 60, limit: 10 });
    expect(again.map((c) => [c.event.id, c.attempts])).toEqual([
      ["evt-3", 2],
      ["evt-5", 2],
    ]);
    expect(await storage.outbox.ack(["evt-3", "evt-5", "evt-1"])).toBe(2);
    expect(
      await storage.outbox.claim({ consumer: "d", now: "2027-01-01T00:00:00Z", leaseSeconds: 1, limit: 10 }),
    ).toEqual([]);
  });

  it("gives concurrent consumers disjoint batches and keeps nothing of a rolled-back append", async () => {
    const { storage, raw } = h();
    await expect(
      storage.transaction(async (tx) => {
        await tx.outbox.append({ id: "evt-rb", topic: "x.y", at: at(0), payload: {} });
        throw new Error("rollback");
      }),
    ).rejects.toThrow("rollback");
    expect(await raw.outbox("evt-rb")).toBeUndefined();
    for (let i = 0; i < 30; i++)
      await storage.outbox.append({ id: `e${100 + i}`, topic: "x.y", at: at(i), payload: {} });
    const now = "2026-10-08T10:00:00Z";
    const batches = await Promise.all(
      ["a", "b", "c", "d"].map((consumer) => storage.outbox.claim({ consumer, now, leaseSeconds: 30, limit: 10 })),
    );
    const ids = batches.flat().map((c) => c.event.id);
    expect(ids.length).toBe(30);
    expect(new Set(ids).size).toBe(30);
  });
}
