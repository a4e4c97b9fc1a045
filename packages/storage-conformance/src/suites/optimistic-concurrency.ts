import { isHomevisitError } from "@homevisit/core";
import { expect, it } from "vitest";
import { makers } from "../fixtures.js";
import type { ConformanceHarness, ConformanceOptions } from "../harness.js";
import { expectCode } from "./helpers.js";

/**
 * The `optimistic concurrency` suite. Versions: a stale write changes nothing, concurrent read-modify-write loses no update.
 */
export function optimisticConcurrencySuite(h: () => ConformanceHarness, options: ConformanceOptions): void {
  it("refuses a stale update and changes nothing", async () => {
    const { storage, raw } = h();
    const t = await storage.teachers.create(makers.teachers(1));
    await storage.teachers.update(t.record.id, { ...makers.teachers(1), termCapacity: 5 }, { expectedVersion: 1 });
    await expectCode(
      storage.teachers.update(t.record.id, { ...makers.teachers(1), termCapacity: 9 }, { expectedVersion: 1 }),
      "version_conflict",
    );
    const stored = await raw.record("teachers", t.record.id);
    expect(stored?.version).toBe(2);
    expect((stored?.data as { termCapacity?: number } | undefined)?.termCapacity).toBe(5);
  });

  it("loses no update under concurrent read-modify-write with retry", async () => {
    const { storage } = h();
    const { count, rounds } = options.writers ?? { count: 10, rounds: 10 };
    await storage.teachers.create({ ...makers.teachers(1), termCapacity: 0 });
    let conflicts = 0;
    const writer = async () => {
      for (let round = 0; round < rounds; round++) {
        for (;;) {
          const current = await storage.teachers.get("t-0001");
          if (!current) throw new Error("missing");
          try {
            await storage.teachers.update(
              "t-0001",
              { ...current.record, termCapacity: (current.record.termCapacity ?? 0) + 1 },
              { expectedVersion: current.version },
            );
            break;
          } catch (error) {
            if (!isHomevisitError(error) || error.code !== "version_conflict") throw error;
            conflicts++;
          }
        }
      }
    };
    await Promise.all(Array.from({ length: count }, writer));
    const final = await storage.teachers.get("t-0001");
    expect(final?.record.termCapacity).toBe(Math.min(count * rounds, 500));
    expect(final?.version).toBe(1 + count * rounds);
    expect(conflicts).toBeGreaterThanOrEqual(0);
  });
}
