// Issue 14 item 3, RELIABILITY.md promise 10 (existence does not leak): a roster import's
// answer never depends on another school's rows. Before, `skippedErased` counted every
// school's erasures, so a school importing an id that another school had erased learnt that
// the id once existed there. Each run builds two worlds that differ only in what sch-2 did
// with one id (never had it, holds it, erased it) and compares what sch-1's administrator sees:
// the import's result or error (code, status, path), and the audit rows sch-1 can read.
import { createEngine, fixedClock, isHomevisitError, sequentialIds } from "@homevisit/core";
import { sqliteStorage } from "@homevisit/storage-sqlite";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { actors, seedWorld } from "./engine-suite.js";

type Situation = "missing" | "held" | "erased";
type IdModel = "global" | "school";

const purpose = { purpose: "依申请删除" };
const otherPrincipal = {
  id: "t-other",
  roles: ["principal", "teacher"],
  cityId: "city-1",
  countyId: "k-1",
  schoolId: "sch-2",
};

function studentRow(id: string, schoolId: string, classId: string) {
  return {
    id,
    schoolId,
    name: `学生${id}`,
    dateOfBirth: "2014-03-01",
    enrolments: [{ schoolId, classId, grade: 7, from: "2026-09-01", startReason: "entry" }],
    guardians: [
      { id: `g-${id}`, name: "王芳", relation: "mother", phone: "13800000000", primary: true, livesWithStudent: true },
    ],
    address: { county: "莲都区", town: "碧湖镇", village: "沙溪村", detail: "1号" },
    livingSituation: { livesWith: "both_parents" },
  };
}

/** What sch-1's administrator sees of importing `ids` when sch-2 did `situation` with `probe`. */
async function observe(situation: Situation, idModel: IdModel, probe: string, ids: string[]): Promise<unknown> {
  const storage = sqliteStorage({ filename: ":memory:" });
  try {
    await storage.migrations.migrate();
    await seedWorld(storage);
    // A fresh engine per step, so that the ids sch-2's erasure drew leave no trace in sch-1's.
    const engineOf = () =>
      createEngine({
        storage,
        blobs: storage.blobs,
        clock: fixedClock("2026-10-08T09:00:00+08:00"),
        ids: sequentialIds("r"),
        config: { audit: { hmacKey: "roster-tenancy-key-0123456789" }, roster: { ids: idModel } },
      });
    if (situation !== "missing") {
      await storage.transaction((tx) => tx.students.create(studentRow(probe, "sch-2", "c-2") as never));
      if (situation === "erased") {
        await engineOf().dataRights.erase(otherPrincipal as never, { studentId: probe, expectedVersion: 1 }, purpose);
      }
    }
    const engine = engineOf();
    let answer: unknown;
    try {
      answer = await engine.roster.importRoster(actors.school_admin as never, {
        asOf: "2026-10-08",
        students: ids.map((id) => studentRow(id, "sch-1", "c-1")) as never,
      });
    } catch (error) {
      if (!isHomevisitError(error)) throw error;
      answer = { code: error.code, status: error.status, path: error.path };
    }
    // Every row of sch-1's chain the principal can read, the query's own row included.
    const audit = (await engine.audit.query(actors.principal as never, { limit: 1000 })).rows;
    return { answer, audit };
  } finally {
    await storage.close();
  }
}

describe("a roster import's answer does not depend on other schools (promise 10)", () => {
  it("another school's erased id answers as a missing id (global ids) and as a held one too (school ids)", async () => {
    const idArb = fc.oneof(
      fc.stringMatching(/^[a-z][a-z0-9-]{0,10}$/),
      fc.stringMatching(/^[a-z0-9]{1,8}$/).map((s) => `sch-1-${s}`),
    );
    await fc.assert(
      fc.asyncProperty(
        idArb.filter((id) => !["s-own", "s-other"].includes(id)),
        fc.constantFrom<IdModel>("global", "school"),
        fc.uniqueArray(
          fc.stringMatching(/^[a-z0-9]{1,6}$/).map((s) => `sch-1-n${s}`),
          { maxLength: 2 },
        ),
        fc.nat(3),
        async (probe, idModel, others, at) => {
          const ids = [...others];
          ids.splice(Math.min(at, ids.length), 0, probe);
          const erased = await observe("erased", idModel, probe, ids);
          expect(erased).toEqual(await observe("missing", idModel, probe, ids));
          // With school ids an id outside the school's namespace is refused whether another
          // school holds it or not (inside it, only the school's own rows can be, since every
          // school creates ids in its own); with global ids a held id answers `conflict`
          // (documented: the host mints ids nobody can guess), so only erased and missing agree.
          if (idModel === "school" && !probe.startsWith("sch-1-")) {
            expect(await observe("held", idModel, probe, ids)).toEqual(erased);
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it("still skips a student this school erased, and counts it", async () => {
    const storage = sqliteStorage({ filename: ":memory:" });
    try {
      await storage.migrations.migrate();
      await seedWorld(storage);
      const engine = createEngine({
        storage,
        blobs: storage.blobs,
        clock: fixedClock("2026-10-08T09:00:00+08:00"),
        ids: sequentialIds("r"),
        config: { audit: { hmacKey: "roster-tenancy-key-0123456789" } },
      });
      await engine.dataRights.erase(actors.principal as never, { studentId: "s-own", expectedVersion: 1 }, purpose);
      const imported = await engine.roster.importRoster(actors.school_admin as never, {
        asOf: "2026-10-08",
        students: [studentRow("s-own", "sch-1", "c-1")] as never,
      });
      expect(imported.skippedErased).toBe(1);
      expect(await storage.students.get("s-own")).toBeUndefined();
    } finally {
      await storage.close();
    }
  });
});
