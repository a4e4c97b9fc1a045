import {
  addDays,
  type CategoryFlag,
  categoriesAt,
  categoryFlagSchema,
  daysBetween,
  flagEnd,
  isoWeekday,
  isPriorityStudent,
  newStudentStatus,
  nextDay,
  type PriorityCategory,
  previousDay,
  priorityCategories,
  priorityCategoryLabels,
  type Student,
  safeParseInput,
} from "@homevisit/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

function flag(category: PriorityCategory, validFrom: string, extra: Partial<CategoryFlag> = {}): CategoryFlag {
  return {
    id: `f-${category}-${validFrom}`,
    studentId: "s1",
    category,
    validFrom,
    evidence: "班主任家访核实",
    flaggedBy: "t1",
    flaggedAt: `${validFrom}T09:00:00+08:00`,
    ...extra,
  };
}

function issuesOf(input: unknown): { path: readonly (string | number)[]; code: string }[] {
  const result = safeParseInput(categoryFlagSchema, input);
  return result.success ? [] : result.error.issues.map((i) => ({ path: i.path, code: i.code }));
}

describe("priority categories", () => {
  it("are the guidance's seven, in its order, each with both labels", () => {
    expect(priorityCategories).toEqual([
      "economic_hardship",
      "learning_difficulty",
      "major_change",
      "left_behind_or_single_parent",
      "migrant_worker_child",
      "disability",
      "family_crisis",
    ]);
    for (const c of priorityCategories) {
      expect(priorityCategoryLabels[c]["zh-CN"]).toMatch(/[\u4e00-\u9fff]/);
      expect(priorityCategoryLabels[c].en).toMatch(/^[A-Z]/);
    }
    expect(priorityCategoryLabels.left_behind_or_single_parent["zh-CN"]).toBe("留守儿童或单亲家庭学生");
  });
});

describe("categoryFlagSchema", () => {
  it("accepts a valid flag and a revoked one", () => {
    expect(issuesOf(flag("disability", "2026-09-01"))).toEqual([]);
    expect(
      issuesOf(
        flag("disability", "2026-09-01", {
          validTo: "2027-01-31",
          reviewOn: "2026-12-01",
          revokedOn: "2026-10-01",
          revokedBy: "t2",
          revokeReason: "误录",
        }),
      ),
    ).toEqual([]);
  });

  it.each([
    ["an end before the start", { validTo: "2026-08-31" }, ["validTo"], "date_range_inverted"],
    ["a revocation without who revoked", { revokedOn: "2026-10-01" }, ["revokedBy"], "invalid_type"],
    ["empty evidence", { evidence: "" }, ["evidence"], "too_small"],
    ["an unknown category", { category: "orphan" }, ["category"], "invalid_value"],
    ["an instant without offset", { flaggedAt: "2026-09-01T09:00:00" }, ["flaggedAt"], "invalid_format"],
    ["a bad date", { validFrom: "2026-02-30" }, ["validFrom"], "invalid_format"],
    ["an unknown key", { note: "x" }, [], "unrecognized_keys"],
  ])("rejects %s", (_name, change, path, code) => {
    expect(issuesOf({ ...flag("disability", "2026-09-01"), ...change })).toContainEqual({ path, code });
  });
});

describe("flagEnd", () => {
  const f = flag("family_crisis", "2026-09-01");
  it("is open without validTo or revocation", () => expect(flagEnd(f)).toBeUndefined());
  it("is validTo when not revoked", () => expect(flagEnd({ ...f, validTo: "2027-01-31" })).toBe("2027-01-31"));
  it("is the day before revocation", () =>
    expect(flagEnd({ ...f, revokedOn: "2026-12-01", revokedBy: "t1" })).toBe("2026-11-30"));
  it("is the earlier of both", () => {
    expect(flagEnd({ ...f, validTo: "2027-01-31", revokedOn: "2026-12-01", revokedBy: "t1" })).toBe("2026-11-30");
    expect(flagEnd({ ...f, validTo: "2026-10-31", revokedOn: "2026-12-01", revokedBy: "t1" })).toBe("2026-10-31");
  });
});

describe("categoriesAt", () => {
  it("applies a flag from validFrom to validTo, both included", () => {
    const flags = [flag("economic_hardship", "2026-09-01", { validTo: "2026-12-31" })];
    expect(categoriesAt(flags, "2026-08-31")).toEqual([]);
    expect(categoriesAt(flags, "2026-09-01").map((a) => a.category)).toEqual(["economic_hardship"]);
    expect(categoriesAt(flags, "2026-12-31")[0]).toMatchObject({ since: "2026-09-01", until: "2026-12-31" });
    expect(categoriesAt(flags, "2027-01-01")).toEqual([]);
  });

  it("stops applying on the day of revocation", () => {
    const flags = [flag("major_change", "2026-09-01", { revokedOn: "2026-10-10", revokedBy: "t2" })];
    expect(categoriesAt(flags, "2026-10-09")[0]).toMatchObject({ since: "2026-09-01", until: "2026-10-09" });
    expect(categoriesAt(flags, "2026-10-10")).toEqual([]);
  });

  it("ignores a flag revoked before it began", () => {
    const flags = [flag("major_change", "2026-09-01", { revokedOn: "2026-09-01", revokedBy: "t2" })];
    expect(categoriesAt(flags, "2026-09-01")).toEqual([]);
    expect(categoriesAt(flags, "2026-12-01")).toEqual([]);
  });

  it("merges overlapping flags of a category into one period, with the latest flag in force", () => {
    const first = flag("disability", "2026-03-01", { validTo: "2026-10-31" });
    const second = flag("disability", "2026-09-01", { validTo: "2027-06-30", reviewOn: "2027-03-01" });
    const [active] = categoriesAt([second, first], "2026-10-15");
    expect(active).toEqual({
      category: "disability",
      since: "2026-03-01",
      until: "2027-06-30",
      flag: second,
      reviewOverdue: false,
    });
    expect(categoriesAt([first, second], "2026-05-01")[0]).toMatchObject({
      since: "2026-03-01",
      until: "2027-06-30",
      flag: first,
    });
  });

  it("merges adjacent flags, and a correction that revokes one flag and adds another", () => {
    const a = flag("economic_hardship", "2026-01-01", { validTo: "2026-06-30" });
    const b = flag("economic_hardship", "2026-07-01", { validTo: "2026-12-31" });
    expect(categoriesAt([a, b], "2026-03-01")[0]).toMatchObject({ since: "2026-01-01", until: "2026-12-31" });
    const wrong = flag("learning_difficulty", "2026-01-01", { revokedOn: "2026-04-01", revokedBy: "t2" });
    const fixed = flag("learning_difficulty", "2026-04-01");
    expect(categoriesAt([wrong, fixed], "2026-05-01")[0]).toMatchObject({
      since: "2026-01-01",
      until: undefined,
      flag: fixed,
    });
  });

  it("keeps periods separated by a gap apart", () => {
    const a = flag("family_crisis", "2026-01-01", { validTo: "2026-03-31" });
    const b = flag("family_crisis", "2026-04-02", { validTo: "2026-06-30" });
    expect(categoriesAt([a, b], "2026-03-31")[0]).toMatchObject({ since: "2026-01-01", until: "2026-03-31" });
    expect(categoriesAt([a, b], "2026-04-01")).toEqual([]);
    expect(categoriesAt([a, b], "2026-05-01")[0]).toMatchObject({ since: "2026-04-02", until: "2026-06-30" });
  });

  it("chains several flags in both directions", () => {
    const flags = [
      flag("migrant_worker_child", "2025-09-01", { validTo: "2025-12-31" }),
      flag("migrant_worker_child", "2026-01-01", { validTo: "2026-03-31" }),
      flag("migrant_worker_child", "2026-03-15", { validTo: "2026-08-31" }),
      flag("migrant_worker_child", "2026-09-01", { validTo: "2026-09-30" }),
    ];
    expect(categoriesAt(flags, "2026-02-01")[0]).toMatchObject({ since: "2025-09-01", until: "2026-09-30" });
  });

  it("is open-ended when any flag of the period is", () => {
    const flags = [flag("disability", "2026-01-01", { validTo: "2026-06-30" }), flag("disability", "2026-05-01")];
    expect(categoriesAt(flags, "2026-02-01")[0]?.until).toBeUndefined();
  });

  it("reports a review as overdue only after its date", () => {
    const flags = [flag("left_behind_or_single_parent", "2026-01-01", { reviewOn: "2026-06-30" })];
    expect(categoriesAt(flags, "2026-06-30")[0]?.reviewOverdue).toBe(false);
    expect(categoriesAt(flags, "2026-07-01")[0]?.reviewOverdue).toBe(true);
  });

  it("lists several categories in the guidance's order, over a full history", () => {
    const flags = [
      flag("family_crisis", "2026-10-08", { reviewOn: "2027-01-08" }),
      flag("economic_hardship", "2025-09-01", { validTo: "2026-08-31" }),
      flag("economic_hardship", "2026-10-08"),
      flag("left_behind_or_single_parent", "2024-09-01", { revokedOn: "2026-02-01", revokedBy: "t1" }),
    ];
    const at = (date: string) => categoriesAt(flags, date).map((a) => `${a.category}@${a.since}`);
    expect(at("2024-08-31")).toEqual([]);
    expect(at("2025-10-01")).toEqual(["economic_hardship@2025-09-01", "left_behind_or_single_parent@2024-09-01"]);
    expect(at("2026-03-01")).toEqual(["economic_hardship@2025-09-01"]);
    expect(at("2026-09-15")).toEqual([]);
    expect(at("2026-11-01")).toEqual(["economic_hardship@2026-10-08", "family_crisis@2026-10-08"]);
    expect(isPriorityStudent(flags, "2026-09-15")).toBe(false);
    expect(isPriorityStudent(flags, "2026-11-01")).toBe(true);
  });

  // Random flags within a 90-day window, checked day by day against a brute-force model.
  const base = "2026-01-01";
  const flagArb = fc
    .record({
      category: fc.constantFrom<PriorityCategory>("economic_hardship", "disability", "family_crisis"),
      from: fc.integer({ min: 0, max: 80 }),
      length: fc.option(fc.integer({ min: 0, max: 40 }), { nil: undefined }),
      revokeAfter: fc.option(fc.integer({ min: 0, max: 40 }), { nil: undefined }),
      review: fc.option(fc.integer({ min: 0, max: 90 }), { nil: undefined }),
    })
    .map(({ category, from, length, revokeAfter, review }) => {
      const validFrom = addDays(base, from);
      return flag(category, validFrom, {
        id: `f${from}-${length}-${revokeAfter}`,
        ...(length === undefined ? {} : { validTo: addDays(validFrom, length) }),
        ...(revokeAfter === undefined ? {} : { revokedOn: addDays(validFrom, revokeAfter), revokedBy: "t9" }),
        ...(review === undefined ? {} : { reviewOn: addDays(base, review) }),
      });
    });
  const appliesOn = (flags: CategoryFlag[], category: PriorityCategory, date: string) =>
    flags.some((f) => {
      const end = flagEnd(f);
      return f.category === category && f.validFrom <= date && (end === undefined || date <= end);
    });

  it("never returns a category on a date outside every flag of it, and finds every one inside (property)", () => {
    fc.assert(
      fc.property(fc.array(flagArb, { maxLength: 8 }), fc.integer({ min: -5, max: 130 }), (flags, offset) => {
        const date = addDays(base, offset);
        const active = categoriesAt(flags, date);
        for (const category of priorityCategories) {
          const found = active.find((a) => a.category === category);
          expect(found !== undefined).toBe(appliesOn(flags, category, date));
        }
        for (const a of active) {
          expect(a.flag.category).toBe(a.category);
          expect(appliesOn([a.flag], a.category, date)).toBe(true);
          expect(a.reviewOverdue).toBe(a.flag.reviewOn !== undefined && a.flag.reviewOn < date);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("gives the maximal unbroken period around the date (property)", () => {
    fc.assert(
      fc.property(fc.array(flagArb, { maxLength: 8 }), fc.integer({ min: 0, max: 120 }), (flags, offset) => {
        const date = addDays(base, offset);
        for (const a of categoriesAt(flags, date)) {
          expect(a.since <= date).toBe(true);
          for (let d = a.since; d <= date; d = nextDay(d)) expect(appliesOn(flags, a.category, d)).toBe(true);
          expect(appliesOn(flags, a.category, previousDay(a.since))).toBe(false);
          if (a.until === undefined) {
            // Open-ended: it holds on every later day (checked to well past the last flag's start).
            for (let d = date; d <= addDays(base, 130); d = nextDay(d))
              expect(appliesOn(flags, a.category, d)).toBe(true);
          } else {
            expect(date <= a.until).toBe(true);
            for (let d = date; d <= a.until; d = nextDay(d)) expect(appliesOn(flags, a.category, d)).toBe(true);
            expect(appliesOn(flags, a.category, nextDay(a.until))).toBe(false);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});

type Enrolments = Student["enrolments"];
const junior = { id: "sch-j", kind: "junior" as const };

function enrolment(e: Partial<Enrolments[number]> & Pick<Enrolments[number], "from" | "grade">): Enrolments[number] {
  return { schoolId: "sch-j", classId: `c-${e.grade}`, startReason: "entry", ...e };
}

describe("newStudentStatus", () => {
  it("is new in the first school year after joining at the entry grade", () => {
    const student = { enrolments: [enrolment({ grade: 7, from: "2026-09-01" })] };
    expect(newStudentStatus(student, junior, "2026-10-15")).toEqual({
      isNew: true,
      reason: "entry_grade",
      since: "2026-09-01",
      schoolYear: 2026,
    });
    expect(newStudentStatus(student, junior, "2027-08-31")).toMatchObject({ isNew: true });
  });

  it("is not new before joining, nor in the second school year", () => {
    const student = {
      enrolments: [
        enrolment({ grade: 7, from: "2026-09-01", to: "2027-08-31", endReason: "promotion" }),
        enrolment({ grade: 8, from: "2027-09-01", startReason: "promotion" }),
      ],
    };
    expect(newStudentStatus(student, junior, "2026-08-31")).toEqual({ isNew: false });
    expect(newStudentStatus(student, junior, "2027-09-10")).toEqual({ isNew: false });
  });

  it("counts a transfer in at another grade, or marked as a transfer, as transfer_in", () => {
    expect(
      newStudentStatus(
        { enrolments: [enrolment({ grade: 8, from: "2026-11-02", startReason: "transfer_in" })] },
        junior,
        "2026-12-01",
      ),
    ).toEqual({ isNew: true, reason: "transfer_in", since: "2026-11-02", schoolYear: 2026 });
    expect(
      newStudentStatus(
        { enrolments: [enrolment({ grade: 7, from: "2026-11-02", startReason: "transfer_in" })] },
        junior,
        "2026-12-01",
      ),
    ).toMatchObject({ reason: "transfer_in" });
    expect(
      newStudentStatus({ enrolments: [enrolment({ grade: 9, from: "2026-09-01" })] }, junior, "2026-09-01"),
    ).toMatchObject({ reason: "transfer_in" });
  });

  it("uses a school's own entry grades", () => {
    const nineYear = { id: "sch-j", kind: "nine_year" as const, entryGrades: [1, 7] };
    const student = { enrolments: [enrolment({ grade: 7, from: "2026-09-01" })] };
    expect(newStudentStatus(student, nineYear, "2026-09-30")).toMatchObject({ reason: "entry_grade" });
    expect(newStudentStatus(student, { id: "sch-j", kind: "nine_year" }, "2026-09-30")).toMatchObject({
      reason: "transfer_in",
    });
    const kindergarten = { id: "sch-j", kind: "kindergarten" as const };
    expect(
      newStudentStatus({ enrolments: [enrolment({ grade: -2, from: "2026-09-01" })] }, kindergarten, "2026-09-30"),
    ).toMatchObject({ reason: "entry_grade" });
  });

  it("keeps the first-year status across class changes", () => {
    const student = {
      enrolments: [
        enrolment({ grade: 7, classId: "c-7-1", from: "2026-09-01", to: "2026-11-30", endReason: "class_change" }),
        enrolment({ grade: 7, classId: "c-7-4", from: "2026-12-01", startReason: "class_change" }),
      ],
    };
    expect(newStudentStatus(student, junior, "2027-03-01")).toEqual({
      isNew: true,
      reason: "entry_grade",
      since: "2026-09-01",
      schoolYear: 2026,
    });
  });

  it("is not new after leaving the school, and new at the school transferred to", () => {
    const student = {
      enrolments: [
        enrolment({ grade: 7, from: "2026-09-01", to: "2026-12-31", endReason: "transfer_out" }),
        enrolment({ schoolId: "sch-k", grade: 7, from: "2027-01-04", startReason: "transfer_in" }),
      ],
    };
    expect(newStudentStatus(student, junior, "2027-01-10")).toEqual({ isNew: false });
    expect(newStudentStatus(student, { id: "sch-k", kind: "junior" }, "2027-01-10")).toEqual({
      isNew: true,
      reason: "transfer_in",
      since: "2027-01-04",
      schoolYear: 2026,
    });
  });

  it("starts a new stay after a gap", () => {
    const student = {
      enrolments: [
        enrolment({ grade: 7, from: "2025-09-01", to: "2026-01-20", endReason: "transfer_out" }),
        enrolment({ grade: 8, from: "2026-09-01", startReason: "return" }),
      ],
    };
    expect(newStudentStatus(student, junior, "2026-10-01")).toMatchObject({ isNew: true, since: "2026-09-01" });
  });
});

describe("dates", () => {
  it("adds days across months, years and leap days", () => {
    expect(addDays("2027-02-06", -10)).toBe("2027-01-27");
    expect(addDays("2028-02-28", 1)).toBe("2028-02-29");
    expect(addDays("2027-02-28", 1)).toBe("2027-03-01");
    expect(nextDay("2026-12-31")).toBe("2027-01-01");
    expect(previousDay("2028-03-01")).toBe("2028-02-29");
    expect(daysBetween("2026-09-01", "2026-10-13")).toBe(42);
    expect(daysBetween("2026-10-13", "2026-09-01")).toBe(-42);
    expect(isoWeekday("2026-11-28")).toBe(6);
    expect(isoWeekday("2026-11-29")).toBe(7);
    expect(isoWeekday("2026-11-30")).toBe(1);
  });

  const dateArb = fc
    .date({ min: new Date("1990-01-01T00:00:00Z"), max: new Date("2100-12-31T00:00:00Z"), noInvalidDate: true })
    .map((d) => d.toISOString().slice(0, 10));

  it("round-trips addDays and daysBetween (property)", () => {
    fc.assert(
      fc.property(dateArb, fc.integer({ min: -20_000, max: 20_000 }), (date, days) => {
        const later = addDays(date, days);
        expect(later).toMatch(/^\d{4}-\d{2}-\d{2}$/);
        expect(daysBetween(date, later)).toBe(days);
        expect(addDays(later, -days)).toBe(date);
        expect(previousDay(nextDay(date))).toBe(date);
        expect(isoWeekday(addDays(date, 7))).toBe(isoWeekday(date));
      }),
      { numRuns: 500 },
    );
  });
});
