import { expect, it } from "vitest";
import type { ConformanceHarness } from "../harness.js";
import { at } from "./helpers.js";

/**
 * The `idempotency` suite. Idempotency records: replay, reuse, per-actor scope, release, rollback and purge.
 */
export function idempotencySuite(h: () => ConformanceHarness): void {
  const begin = (actorId: string, key: string, requestHash: string) => ({ actorId, key, requestHash, now: at(0) });

  it("records, replays, detects reuse with another body, scopes per actor and releases", async () => {
    const { storage, raw } = h();
    expect(await storage.idempotency.begin(begin("t1", "k1", "h1"))).toEqual({ status: "started" });
    expect(await raw.idempotency("t1", "k1")).toMatchObject({ status: "in_flight", requestHash: "h1" });
    expect(await storage.idempotency.begin(begin("t1", "k1", "h1"))).toEqual({ status: "in_flight" });
    await storage.idempotency.complete({ actorId: "t1", key: "k1", response: { id: "v1", n: [1, 2] } });
    expect(await raw.idempotency("t1", "k1")).toMatchObject({
      status: "completed",
      response: { id: "v1", n: [1, 2] },
    });
    expect(await storage.idempotency.begin(begin("t1", "k1", "h1"))).toEqual({
      status: "completed",
      response: { id: "v1", n: [1, 2] },
    });
    expect(await storage.idempotency.begin(begin("t1", "k1", "h2"))).toEqual({ status: "mismatch" });
    expect(await storage.idempotency.begin(begin("t2", "k1", "h2"))).toEqual({ status: "started" });
    await storage.idempotency.release({ actorId: "t2", key: "k1" });
    expect(await raw.idempotency("t2", "k1")).toBeUndefined();
    expect(await storage.idempotency.begin(begin("t2", "k1", "h3"))).toEqual({ status: "started" });
  });

  it("stores the caller's JSON text of a response as it is, without serialising it again", async () => {
    const { storage, raw } = h();
    await storage.idempotency.begin(begin("t1", "k-text", "h1"));
    // The text wins over the value: the store keeps what the caller serialised once.
    const responseJson = JSON.stringify({ id: "v2", n: [3] });
    await storage.idempotency.complete({ actorId: "t1", key: "k-text", response: { id: "v2" }, responseJson });
    expect(await raw.idempotency("t1", "k-text")).toMatchObject({
      status: "completed",
      response: { id: "v2", n: [3] },
    });
    expect(await storage.idempotency.begin(begin("t1", "k-text", "h1"))).toEqual({
      status: "completed",
      response: { id: "v2", n: [3] },
    });
  });

  it("lets exactly one of concurrent same-key requests start", async () => {
    const { storage } = h();
    const results = await Promise.all(
      Array.from({ length: 12 }, () => storage.idempotency.begin(begin("t1", "same", "h"))),
    );
    expect(results.filter((r) => r.status === "started").length).toBe(1);
    expect(results.filter((r) => r.status === "in_flight").length).toBe(11);
  });

  it("rolls back with the transaction and purges old records", async () => {
    const { storage, raw } = h();
    await expect(
      storage.transaction(async (tx) => {
        await tx.idempotency.begin(begin("t1", "k9", "h"));
        throw new Error("rollback");
      }),
    ).rejects.toThrow("rollback");
    expect(await raw.idempotency("t1", "k9")).toBeUndefined();
    await storage.idempotency.begin({ ...begin("t1", "old", "h"), now: "2026-01-01T00:00:00Z" });
    await storage.idempotency.begin({ ...begin("t1", "new", "h"), now: "2026-12-01T00:00:00Z" });
    expect(await storage.idempotency.purge({ before: "2026-06-01T00:00:00Z" })).toBe(1);
    expect(await raw.idempotency("t1", "old")).toBeUndefined();
    expect(await raw.idempotency("t1", "new")).toBeDefined();
  });
}
