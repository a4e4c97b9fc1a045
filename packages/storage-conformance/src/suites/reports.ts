import {
  type CoverageQuery,
  computeCoverage,
  coverageGroupings,
  enrolmentFacts,
  flagFact,
  visitFact,
} from "@homevisit/core/storage";
import { expect, it } from "vitest";
import { makers, makeStudent } from "../fixtures.js";
import type { ConformanceHarness } from "../harness.js";
import { all, expectCode } from "./helpers.js";

/**
 * The `reports` suite. Reports: coverage computed by the store equals core's definition.
 */
export function reportsSuite(h: () => ConformanceHarness): void {
  it("computes coverage like core's definition, for every grouping and scope", async () => {
    const { storage } = h();
    const students = Array.from({ length: 24 }, (_, i) => makeStudent(i));
    // A class change in the period: counts in both classes, once in the school.
    students[5] = makeStudent(5, {
      enrolments: [
        {
          schoolId: "sch-2",
          classId: "sch-2-c8-1",
          grade: 8,
          from: "2026-09-01",
          to: "2026-10-31",
          startReason: "entry",
          endReason: "class_change",
        },
        { schoolId: "sch-2", classId: "sch-2-c8-2", grade: 8, from: "2026-11-01", startReason: "class_change" },
      ],
    });
    await storage.students.createMany(students);
    await storage.categoryFlags.createMany(Array.from({ length: 9 }, (_, i) => makers.categoryFlags(i)));
    const visits = Array.from({ length: 40 }, (_, i) => makers.visitRecords(i));
    await storage.visitRecords.createMany(visits);

    const enrolments = [];
    for (const s of await all(storage, "students")) enrolments.push(...enrolmentFacts(s.record, s.tenant));
    const flags = (await all(storage, "categoryFlags")).map((f) => flagFact(f.record));
    const visitFacts = (await all(storage, "visitRecords")).flatMap((v) => visitFact(v.record, v.tenant) ?? []);

    const scopes: CoverageQuery["scope"][] = [
      { cityId: "city-1" },
      { countyId: "k-1" },
      { schoolId: "sch-2" },
      { cityId: "city-2" },
    ];
    for (const scope of scopes) {
      for (const groupBy of coverageGroupings) {
        const query: CoverageQuery = { scope, from: "2026-09-01", to: "2026-10-20", groupBy };
        const expected = computeCoverage(query, { enrolments, flags, visits: visitFacts });
        expect(await storage.reports.coverage(query), `${JSON.stringify(scope)} by ${groupBy}`).toEqual(expected);
      }
    }
    const bySchool = await storage.reports.coverage({
      scope: { cityId: "city-1" },
      from: "2026-09-01",
      to: "2027-01-31",
      groupBy: "school",
    });
    expect(bySchool.map((r) => r.key)).toEqual(["sch-1", "sch-2", "sch-3"]);
    expect(bySchool.every((r) => (r.enrolled ?? 0) >= r.visited)).toBe(true);
    await expectCode(
      storage.reports.coverage({
        scope: { cityId: "city-1" },
        from: "2027-01-31",
        to: "2026-09-01",
        groupBy: "school",
      }),
      "validation_failed",
    );
  });
}
