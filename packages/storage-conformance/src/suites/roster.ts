import type { EntityInput, RosterInput } from "@homevisit/core/storage";
import { expect, it } from "vitest";
import { makers, makeStudent } from "../fixtures.js";
import type { ConformanceHarness } from "../harness.js";
import { expectCode } from "./helpers.js";

/**
 * The `roster` suite. Roster import: added, updated, unchanged and departed rows; all or nothing.
 */
export function rosterSuite(h: () => ConformanceHarness): void {
  const roster = (n: number, overrides: Partial<RosterInput> = {}): RosterInput => ({
    schoolId: "sch-3",
    asOf: "2026-09-01",
    classes: [7, 8, 9].map((g) => ({
      id: `sch-3-c${g}`,
      schoolId: "sch-3",
      grade: g,
      name: `${g}年级1班`,
      schoolYear: 2026,
    })),
    teachers: Array.from({ length: 4 }, (_, i) => ({ ...makers.teachers(i * 4 + 2), leftOn: undefined })),
    students: Array.from({ length: n }, (_, i) => makeStudent(i * 4 + 2)),
    ...overrides,
  });

  it("adds, then changes nothing on a second import of the same roster", async () => {
    const { storage, raw } = h();
    const before = await raw.count("students");
    const first = await storage.roster.upsert(roster(30));
    expect(first).toEqual({
      added: { classes: 3, teachers: 4, students: 30 },
      updated: { classes: 0, teachers: 0, students: 0 },
      unchanged: { classes: 0, teachers: 0, students: 0 },
      departed: { teachers: 0, students: 1 }, // the fixture base student of sch-3
    });
    expect(await raw.count("students")).toBe(before + 30);
    const versions = await Promise.all(
      roster(30).students?.map((s) => raw.record("students", (s as { id: string }).id)) ?? [],
    );
    const second = await storage.roster.upsert(roster(30), { batchSize: 7 });
    expect(second).toEqual({
      added: { classes: 0, teachers: 0, students: 0 },
      updated: { classes: 0, teachers: 0, students: 0 },
      unchanged: { classes: 3, teachers: 4, students: 30 },
      departed: { teachers: 0, students: 0 },
    });
    const after = await Promise.all(
      roster(30).students?.map((s) => raw.record("students", (s as { id: string }).id)) ?? [],
    );
    expect(after).toEqual(versions);
  });

  it("reports added, updated and departed rows and never deletes", async () => {
    const { storage, raw } = h();
    await storage.roster.upsert(roster(30));
    const next = roster(30);
    const students = [...(next.students ?? [])] as EntityInput<"students">[];
    students.splice(0, 3); // three left
    students[0] = { ...students[0], name: "新名字" } as EntityInput<"students">;
    students[1] = { ...students[1], name: "另一个" } as EntityInput<"students">;
    students.push(makeStudent(1002), makeStudent(1006));
    const result = await storage.roster.upsert({
      ...next,
      asOf: "2027-02-20",
      students,
      teachers: next.teachers?.slice(1),
    });
    expect(result).toEqual({
      added: { classes: 0, teachers: 0, students: 2 },
      updated: { classes: 0, teachers: 0, students: 2 },
      unchanged: { classes: 3, teachers: 3, students: 25 },
      departed: { teachers: 1, students: 3 },
    });
    const gone = await raw.record("students", makeStudent(2).id);
    expect(gone?.version).toBe(2);
    expect(gone?.indexes.leftOn).toBe("2027-02-19");
    const teacher = await raw.record("teachers", makers.teachers(2).id);
    expect((teacher?.data as { leftOn?: string } | undefined)?.leftOn).toBe("2027-02-19");
    expect(await storage.students.count({ schoolId: "sch-3", leftOn: null })).toBe(29);
  });

  it("imports nothing when any row is invalid or of another school", async () => {
    const { storage, raw } = h();
    const before = await raw.count("students");
    const bad = roster(10);
    const rows = [...(bad.students ?? [])];
    rows[7] = { ...(rows[7] as object), guardians: [] };
    await expectCode(storage.roster.upsert({ ...bad, students: rows }), "validation_failed");
    await expectCode(storage.roster.upsert({ ...bad, schoolId: "sch-1" }), "roster_wrong_school");
    expect(await raw.count("students")).toBe(before);
    expect(await raw.count("classes")).toBe(0);
  });
}
