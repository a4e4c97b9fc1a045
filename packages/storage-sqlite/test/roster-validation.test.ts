// A roster import validates each row once: parseRoster checks every row against its schema
// (reporting all bad rows with their paths), and the store then takes those very rows
// without parsing them again. Rows the import itself changes (departures) are validated.
import { studentSchema } from "@homevisit/core";
import { makeStudent, seedTenants } from "@homevisit/storage-conformance";
import { sqliteStorage } from "@homevisit/storage-sqlite";
import { afterEach, describe, expect, it, vi } from "vitest";

afterEach(() => {
  vi.restoreAllMocks();
});

describe("roster import validation", () => {
  it("parses each student once per import, and still validates what the caller passes directly", async () => {
    const storage = sqliteStorage();
    try {
      await storage.migrations.migrate();
      await seedTenants(storage);
      const students = Array.from({ length: 30 }, (_, i) => makeStudent(3 * i)).filter((s) => s.schoolId === "sch-1");
      const roster = { schoolId: "sch-1", asOf: "2026-09-01", classes: [], teachers: [], students };
      const parse = vi.spyOn(studentSchema, "safeParse");
      const first = await storage.roster.upsert(roster);
      expect(first.added.students).toBe(students.length);
      // Every roster row once, plus the students the import itself marked as departed (the
      // seeded base student, absent from this roster).
      expect(first.departed.students).toBe(1);
      expect(parse).toHaveBeenCalledTimes(students.length + first.departed.students);

      parse.mockClear();
      const renamed = students.map((s, i) => (i === 0 ? { ...s, name: `${s.name}改` } : s));
      const second = await storage.roster.upsert({ ...roster, students: renamed.slice(0, -1) });
      expect(second.updated.students).toBe(1);
      expect(second.departed.students).toBe(1);
      expect(parse).toHaveBeenCalledTimes(students.length - 1 + second.departed.students);

      const stored = await storage.students.get(students[0]?.id ?? "");
      expect(stored?.record.name).toBe(`${students[0]?.name}改`);
      let code: unknown;
      await storage.students.create({ ...makeStudent(900), name: "" }).catch((e: { code?: unknown }) => {
        code = e.code;
      });
      expect(code).toBe("validation_failed");
    } finally {
      await storage.close();
    }
  });
});
