import { createEngine, fixedClock, isHomevisitError, sequentialIds, suppressSmallGroups } from "@homevisit/core";
import { memoryBlobStore, memoryStorage } from "@homevisit/storage-memory";
import { sqliteStorage } from "@homevisit/storage-sqlite";
import { describe, expect, it } from "vitest";
import { actors, type RoleName, seedWorld } from "./engine-suite.js";

const as = (role: RoleName) => ({ ...actors[role], roles: [...actors[role].roles] });

const period = { from: "2026-09-01", to: "2027-01-22" };

describe("suppressSmallGroups", () => {
  it("hides counts of groups under five and computes rates for the rest", () => {
    expect(
      suppressSmallGroups([
        { key: "a", enrolled: 4, visited: 4, visits: 9 },
        { key: "b", enrolled: 5, visited: 2, visits: 3 },
        { key: "t-1", enrolled: null, visited: 3, visits: 3 },
        { key: "t-2", enrolled: null, visited: 6, visits: 7 },
      ]),
    ).toEqual([
      { key: "a", enrolled: null, visited: null, visits: null, rate: null, suppressed: true },
      { key: "b", enrolled: 5, visited: 2, visits: 3, rate: 0.4, suppressed: false },
      { key: "t-1", enrolled: null, visited: null, visits: null, rate: null, suppressed: true },
      { key: "t-2", enrolled: null, visited: 6, visits: 7, rate: null, suppressed: false },
    ]);
  });
});

for (const [name, make] of [
  ["memory", () => ({ storage: memoryStorage(), blobs: memoryBlobStore() })],
  [
    "sqlite",
    () => {
      const s = sqliteStorage({ filename: ":memory:" });
      return { storage: s, blobs: s.blobs };
    },
  ],
] as const) {
  describe(`reports.coverage on ${name}`, () => {
    async function engineWithWorld() {
      const { storage, blobs } = make();
      await storage.migrations.migrate();
      await seedWorld(storage);
      const engine = createEngine({
        storage,
        blobs,
        clock: fixedClock("2026-10-08T09:00:00+08:00"),
        ids: sequentialIds("r"),
        config: { audit: { hmacKey: "test-audit-key-0123456789" } },
      });
      return { engine, storage };
    }

    it("gives bureaus aggregates of their county, small groups suppressed, and audits the call", async () => {
      const { engine, storage } = await engineWithWorld();
      const report = await engine.reports.coverage(as("county_bureau"), { ...period, groupBy: "school" });
      expect(report.scope).toEqual({ countyId: "k-1" });
      expect(report.rows.map((r) => r.key)).toEqual(["sch-1", "sch-2"]);
      // One student per school: far under five, so no counts are shown.
      expect(report.rows.every((r) => r.suppressed && r.enrolled === null)).toBe(true);
      const audit = await storage.audit.read("k-1");
      expect(audit.at(-1)).toMatchObject({ action: "reports.coverage", result: "ok", actorId: "b-county" });
      await storage.close();
    });

    it("lets a principal see their own school, never another", async () => {
      const { engine, storage } = await engineWithWorld();
      const own = await engine.reports.coverage(as("principal"), { ...period, groupBy: "class" });
      expect(own.scope).toEqual({ schoolId: "sch-1" });
      const error = await engine.reports
        .coverage(as("principal"), { ...period, groupBy: "class", schoolId: "sch-2" })
        .catch((e: unknown) => e);
      expect(isHomevisitError(error) && error.code).toBe("forbidden");
      await storage.close();
    });

    it("refuses teachers and unknown places", async () => {
      const { engine, storage } = await engineWithWorld();
      const teacher = await engine.reports.coverage(as("teacher"), { ...period, groupBy: "school" }).catch((e) => e);
      expect(isHomevisitError(teacher) && teacher.code).toBe("forbidden");
      const missing = await engine.reports
        .coverage(as("city_bureau"), { ...period, groupBy: "school", countyId: "k-404" })
        .catch((e) => e);
      expect(isHomevisitError(missing) && missing.status).toBe(403);
      await storage.close();
    });
  });
}
