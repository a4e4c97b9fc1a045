import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isHomevisitError } from "@homevisit/core";
import { makers, seedTenants } from "@homevisit/storage-conformance";
import { sqliteStorage } from "@homevisit/storage-sqlite";
import { describe, expect, it } from "vitest";

describe("sqlite lost-update", () => {
  it("50 writers × 20 read-modify-write rounds with retry: version 1,000 more, 0 lost, no SQLITE_BUSY", async () => {
    const dir = mkdtempSync(join(tmpdir(), "hv-lost-"));
    const file = join(dir, "lost.db");
    // Two connections to one file, as two processes would have: busy handling is exercised.
    const a = sqliteStorage({ filename: file, synchronous: "normal" });
    await a.migrations.migrate();
    await seedTenants(a);
    const b = sqliteStorage({ filename: file, synchronous: "normal" });
    try {
      await a.teachers.create({ ...makers.teachers(1), termCapacity: 0, subjects: [] });
      let conflicts = 0;
      const otherErrors: unknown[] = [];
      const writer = async (w: number) => {
        const storage = w % 2 ? a : b;
        for (let round = 0; round < 20; round++) {
          for (;;) {
            const current = await storage.teachers.get("t-0001");
            if (!current) throw new Error("missing");
            try {
              await storage.teachers.update(
                "t-0001",
                { ...current.record, subjects: [...current.record.subjects.slice(-9), `w${w}r${round}`] },
                { expectedVersion: current.version },
              );
              break;
            } catch (error) {
              if (isHomevisitError(error) && error.code === "version_conflict") conflicts++;
              else {
                otherErrors.push(error);
                throw error;
              }
            }
          }
        }
      };
      await Promise.all(Array.from({ length: 50 }, (_, w) => writer(w)));
      expect(otherErrors).toEqual([]);
      const final = await a.teachers.get("t-0001");
      expect(final?.version).toBe(1 + 50 * 20);
      expect(conflicts).toBeGreaterThan(0);
    } finally {
      await a.close();
      await b.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
