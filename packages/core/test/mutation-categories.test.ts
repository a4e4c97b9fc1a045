import {
  categoriesAt,
  categoryFlagSchema,
  categoryFlagSchemaFor,
  categoryKeyEnum,
  categoryKeySchema,
  flagEnd,
  isPriorityStudent,
  newStudentStatus,
  priorityCategories,
  priorityCategoryLabels,
  type StoredCategoryFlag,
  type Student,
  sensitivityOf,
  storedCategoryFlagSchema,
} from "@homevisit/core";
import { describe, expect, it } from "vitest";

/**
 * Priority categories and new students (RELIABILITY.md promises 4 and 7: what is recorded is
 * what applies): the seven as the guidance names them, each flag refusal at its field, periods
 * joined across flags, and who counts as new. Written to kill the mutants of
 * `pnpm run mutation` (docs/quality.md).
 */

const base = {
  id: "f1",
  studentId: "s1",
  category: "family_crisis",
  validFrom: "2026-09-01",
  evidence: "父亲重病住院",
  flaggedBy: "t1",
  flaggedAt: "2026-09-01T09:00:00+08:00",
} as const;
const flag = (extra: Partial<StoredCategoryFlag> & { id: string }): StoredCategoryFlag =>
  ({ ...base, ...extra }) as StoredCategoryFlag;

const issues = (result: { success: boolean; error?: { issues: { path: PropertyKey[]; code: string }[] } }) =>
  result.success ? [] : (result.error?.issues ?? []).map((i) => `${i.path.join(".")} ${i.code}`);

describe("the seven categories", () => {
  it("in the guidance's order, with the guidance's names", () => {
    expect([...priorityCategories]).toEqual([
      "economic_hardship",
      "learning_difficulty",
      "major_change",
      "left_behind_or_single_parent",
      "migrant_worker_child",
      "disability",
      "family_crisis",
    ]);
    expect(priorityCategoryLabels).toEqual({
      economic_hardship: { "zh-CN": "经济困难家庭学生", en: "Family in economic difficulty" },
      learning_difficulty: { "zh-CN": "学习困难学生", en: "Learning difficulties" },
      major_change: { "zh-CN": "思想和学业上有重大变化的学生", en: "Major change in thinking or grades" },
      left_behind_or_single_parent: {
        "zh-CN": "留守儿童或单亲家庭学生",
        en: "Left-behind child or single-parent family",
      },
      migrant_worker_child: { "zh-CN": "进城务工随迁子女", en: "Child of migrant workers" },
      disability: { "zh-CN": "残疾学生", en: "Disabled student" },
      family_crisis: { "zh-CN": "突发重大变故家庭学生", en: "Family hit by a sudden major event" },
    });
  });

  it("category keys: snake_case of 2 to 48 characters", () => {
    for (const key of ["ab", "boarding_left_behind", `a${"b".repeat(47)}`, "a1"])
      expect([key, categoryKeySchema.safeParse(key).success]).toEqual([key, true]);
    for (const key of ["a", "Ab", "1a", "a-b", `a${"b".repeat(48)}`, " ab", "ab "])
      expect([key, categoryKeySchema.safeParse(key).success]).toEqual([key, false]);
  });

  it("categoryKeyEnum refuses an empty list and a malformed key", () => {
    expect(() => categoryKeyEnum([])).toThrow("categoryKeyEnum needs at least one key");
    expect(() => categoryKeyEnum(["family_crisis", "Only-Child"])).toThrow("malformed category key: Only-Child");
    const schema = categoryKeyEnum(["family_crisis", "boarding_left_behind"]);
    expect(schema.parse("boarding_left_behind")).toBe("boarding_left_behind");
    expect(schema.safeParse("disability").success).toBe(false);
  });
});

describe("flag schemas: each refusal at its field", () => {
  it("an end before the start is refused at validTo; the same day is allowed", () => {
    expect(issues(categoryFlagSchema.safeParse({ ...base, validTo: "2026-08-31" }))).toEqual(["validTo custom"]);
    expect(issues(categoryFlagSchema.safeParse({ ...base, validTo: "2026-09-01" }))).toEqual([]);
  });

  it("categories and revocation reasons are sensitive, wherever their schema comes from", () => {
    expect(sensitivityOf(categoryKeyEnum(["family_crisis"]))).toBe("sensitive");
    expect(sensitivityOf(categoryFlagSchema.shape.revokeReason)).toBe("sensitive");
    expect(sensitivityOf(categoryFlagSchema.shape.category)).toBe("sensitive");
    expect(sensitivityOf(categoryKeySchema)).toBe("sensitive");
    expect(sensitivityOf(storedCategoryFlagSchema.shape.category)).toBe("sensitive");
  });

  it("zod's own issue for a missing revokedBy says a string was expected", () => {
    expect(categoryFlagSchema.safeParse({ ...base, revokedOn: "2026-10-01" }).error?.issues).toEqual([
      expect.objectContaining({ code: "invalid_type", expected: "string", path: ["revokedBy"] }),
    ]);
  });

  it("a revocation needs who revoked", () => {
    expect(issues(categoryFlagSchema.safeParse({ ...base, revokedOn: "2026-10-01" }))).toEqual([
      "revokedBy invalid_type",
    ]);
    expect(issues(categoryFlagSchema.safeParse({ ...base, revokedOn: "2026-10-01", revokedBy: "p1" }))).toEqual([]);
    expect(issues(categoryFlagSchema.safeParse({ ...base, revokedBy: "p1" }))).toEqual([]);
  });

  it("evidence may not be empty; the seven only, unless stored or registered", () => {
    expect(issues(categoryFlagSchema.safeParse({ ...base, evidence: "" }))).toEqual(["evidence too_small"]);
    expect(categoryFlagSchema.safeParse({ ...base, category: "boarding_left_behind" }).success).toBe(false);
    expect(storedCategoryFlagSchema.safeParse({ ...base, category: "boarding_left_behind" }).success).toBe(true);
    expect(storedCategoryFlagSchema.safeParse({ ...base, category: "Bad-Key" }).success).toBe(false);
    const registered = categoryFlagSchemaFor([...priorityCategories, "boarding_left_behind"]);
    expect(registered.safeParse({ ...base, category: "boarding_left_behind" }).success).toBe(true);
    expect(registered.safeParse({ ...base, category: "only_child" }).success).toBe(false);
    expect(categoryFlagSchema.safeParse({ ...base, extra: 1 }).success).toBe(false);
  });
});

describe("flagEnd and categoriesAt", () => {
  it("a flag ends at the earlier of validTo and the day before revocation", () => {
    expect(flagEnd(flag({ id: "a" }))).toBeUndefined();
    expect(flagEnd(flag({ id: "a", validTo: "2027-01-31" }))).toBe("2027-01-31");
    expect(flagEnd(flag({ id: "a", revokedOn: "2026-12-01", revokedBy: "p" }))).toBe("2026-11-30");
    expect(flagEnd(flag({ id: "a", validTo: "2027-01-31", revokedOn: "2026-12-01", revokedBy: "p" }))).toBe(
      "2026-11-30",
    );
    expect(flagEnd(flag({ id: "a", validTo: "2026-11-15", revokedOn: "2026-12-01", revokedBy: "p" }))).toBe(
      "2026-11-15",
    );
  });

  it("applies from its first day to its last, both included", () => {
    const f = flag({ id: "a", validTo: "2026-09-30" });
    expect(categoriesAt([f], "2026-08-31")).toEqual([]);
    expect(categoriesAt([f], "2026-09-01")).toHaveLength(1);
    expect(categoriesAt([f], "2026-09-30")).toHaveLength(1);
    expect(categoriesAt([f], "2026-10-01")).toEqual([]);
    expect(isPriorityStudent([f], "2026-09-15")).toBe(true);
    expect(isPriorityStudent([f], "2026-10-15")).toBe(false);
  });

  it("the seven first in the guidance's order, then plugin categories by key", () => {
    const flags = [
      flag({ id: "z", category: "zz_plugin" }),
      flag({ id: "f", category: "family_crisis" }),
      flag({ id: "a", category: "aa_plugin" }),
      flag({ id: "e", category: "economic_hardship" }),
    ];
    expect(categoriesAt(flags, "2026-10-01").map((c) => c.category)).toEqual([
      "economic_hardship",
      "family_crisis",
      "aa_plugin",
      "zz_plugin",
    ]);
  });

  it("the flag in force is the latest begun, then the latest written", () => {
    const flags = [
      flag({ id: "old", validFrom: "2026-09-01" }),
      flag({ id: "new", validFrom: "2026-09-10" }),
      flag({ id: "same-day-later", validFrom: "2026-09-10", flaggedAt: "2026-09-10T10:00:00+08:00" }),
      flag({ id: "same-day", validFrom: "2026-09-10", flaggedAt: "2026-09-10T09:00:00+08:00" }),
    ];
    expect(categoriesAt(flags, "2026-10-01")[0]?.flag.id).toBe("same-day-later");
    expect(categoriesAt(flags, "2026-09-05")[0]?.flag.id).toBe("old");
  });

  it("chains flags over as many passes as it takes, whatever their order in the list", () => {
    // Earliest first, the period reaching back from an open-ended flag: each flag comes in the
    // list before the one that brings the period within its reach.
    const back = [
      flag({ id: "a", validFrom: "2026-01-01", validTo: "2026-01-31" }),
      flag({ id: "b", validFrom: "2026-02-01", validTo: "2026-02-28" }),
      flag({ id: "c", validFrom: "2026-03-01" }),
    ];
    expect(categoriesAt(back, "2026-03-15")[0]).toMatchObject({ since: "2026-01-01", until: undefined });
    // Latest first, the period reaching forward.
    const forward = [
      flag({ id: "c", validFrom: "2026-03-01", validTo: "2026-03-31" }),
      flag({ id: "b", validFrom: "2026-02-01", validTo: "2026-02-28" }),
      flag({ id: "a", validFrom: "2026-01-01", validTo: "2026-01-31" }),
    ];
    expect(categoriesAt(forward, "2026-01-15")[0]).toMatchObject({ since: "2026-01-01", until: "2026-03-31" });
  });

  it("joins flags that touch: a gap of one day breaks the period, an adjacent day does not", () => {
    const touching = [
      flag({ id: "a", validFrom: "2026-09-01", validTo: "2026-09-30" }),
      flag({ id: "b", validFrom: "2026-10-01", validTo: "2026-10-31" }),
      flag({ id: "c", validFrom: "2026-11-01" }),
    ];
    expect(categoriesAt(touching, "2026-10-15")[0]).toMatchObject({ since: "2026-09-01", until: undefined });
    expect(categoriesAt(touching, "2026-09-15")[0]).toMatchObject({ since: "2026-09-01", until: undefined });
    const gap = [
      flag({ id: "a", validFrom: "2026-09-01", validTo: "2026-09-29" }),
      flag({ id: "b", validFrom: "2026-10-01", validTo: "2026-10-31" }),
      flag({ id: "c", validFrom: "2026-11-02", validTo: "2026-11-30" }),
    ];
    expect(categoriesAt(gap, "2026-10-15")[0]).toMatchObject({ since: "2026-10-01", until: "2026-10-31" });
    // A flag inside the period does not end it earlier; a revoked flag stops the day before.
    const inside = [
      flag({ id: "a", validFrom: "2026-09-01", validTo: "2026-12-31" }),
      flag({ id: "b", validFrom: "2026-10-01", validTo: "2026-10-10" }),
    ];
    expect(categoriesAt(inside, "2026-10-05")[0]).toMatchObject({ since: "2026-09-01", until: "2026-12-31" });
    const revoked = [
      flag({ id: "a", validFrom: "2026-09-01", revokedOn: "2026-10-01", revokedBy: "p" }),
      flag({ id: "b", validFrom: "2026-10-01", validTo: "2026-10-31" }),
    ];
    expect(categoriesAt(revoked, "2026-10-15")[0]).toMatchObject({ since: "2026-09-01", until: "2026-10-31" });
    expect(categoriesAt(revoked, "2026-09-30")[0]).toMatchObject({ since: "2026-09-01", until: "2026-10-31" });
    expect(categoriesAt(revoked, "2026-11-01")).toEqual([]);
    // A later flag that begins before the period's start does not extend its end.
    const chainBack = [
      flag({ id: "a", validFrom: "2026-08-01", validTo: "2026-08-31" }),
      flag({ id: "b", validFrom: "2026-09-01", validTo: "2026-09-30" }),
    ];
    expect(categoriesAt(chainBack, "2026-09-15")[0]).toMatchObject({ since: "2026-08-01", until: "2026-09-30" });
  });

  it("reviewOverdue only after the review day", () => {
    const f = flag({ id: "a", reviewOn: "2026-10-01" });
    expect(categoriesAt([f], "2026-10-01")[0]?.reviewOverdue).toBe(false);
    expect(categoriesAt([f], "2026-10-02")[0]?.reviewOverdue).toBe(true);
    expect(categoriesAt([flag({ id: "b" })], "2030-01-01")[0]?.reviewOverdue).toBe(false);
  });
});

describe("newStudentStatus", () => {
  const junior = { id: "s-01", kind: "junior" as const };
  type E = Student["enrolments"][number];
  const e = (from: string, grade: number, extra: Partial<E> = {}): E =>
    ({ schoolId: "s-01", classId: `${grade}-1`, grade, from, ...extra }) as E;
  const pupil = (...enrolments: E[]) => ({ enrolments });

  it("joined at the school's entry grade (by kind when the school names none), or transferred in", () => {
    expect(newStudentStatus(pupil(e("2026-09-01", 7)), junior, "2026-10-15")).toEqual({
      isNew: true,
      reason: "entry_grade",
      since: "2026-09-01",
      schoolYear: 2026,
    });
    expect(newStudentStatus(pupil(e("2026-09-01", 8)), junior, "2026-10-15")).toMatchObject({ reason: "transfer_in" });
    expect(newStudentStatus(pupil(e("2026-09-01", 8)), { ...junior, entryGrades: [8] }, "2026-10-15")).toMatchObject({
      reason: "entry_grade",
    });
    expect(
      newStudentStatus(pupil(e("2026-09-01", 7, { startReason: "transfer_in" } as Partial<E>)), junior, "2026-10-15"),
    ).toMatchObject({ reason: "transfer_in" });
  });

  it("not before the first day, not at another school, not after the school year", () => {
    expect(newStudentStatus(pupil(e("2026-09-01", 7)), junior, "2026-08-31")).toEqual({ isNew: false });
    expect(newStudentStatus(pupil(e("2026-09-01", 7)), junior, "2026-09-01")).toMatchObject({ isNew: true });
    expect(newStudentStatus(pupil(e("2026-09-01", 7, { schoolId: "s-02" })), junior, "2026-10-15")).toEqual({
      isNew: false,
    });
    expect(newStudentStatus(pupil(e("2026-09-01", 7)), junior, "2027-08-31")).toMatchObject({ isNew: true });
    expect(newStudentStatus(pupil(e("2026-09-01", 7)), junior, "2027-09-01")).toEqual({ isNew: false });
    // Ended the day asked about still counts.
    expect(newStudentStatus(pupil(e("2026-09-01", 7, { to: "2026-10-15" })), junior, "2026-10-15")).toMatchObject({
      isNew: true,
    });
  });

  it("periods that follow on without a gap are one stay; a gap starts a new one", () => {
    const onward = pupil(e("2025-09-01", 7, { to: "2026-08-31" }), e("2026-09-01", 8));
    expect(newStudentStatus(onward, junior, "2026-10-15")).toEqual({ isNew: false });
    const gap = pupil(e("2025-09-01", 7, { to: "2026-06-30" }), e("2026-09-01", 8));
    expect(newStudentStatus(gap, junior, "2026-10-15")).toMatchObject({ isNew: true, reason: "transfer_in" });
    // Within one school year: the stay began at the first period's start and grade.
    const sameYear = pupil(e("2026-09-01", 7, { to: "2026-09-30" }), e("2026-10-01", 7, { classId: "7-2" }));
    expect(newStudentStatus(sameYear, junior, "2026-10-15")).toEqual({
      isNew: true,
      reason: "entry_grade",
      since: "2026-09-01",
      schoolYear: 2026,
    });
    // A period at another school between two here is skipped, not a break.
    const between = pupil(
      e("2026-09-01", 7, { to: "2026-09-30" }),
      e("2026-09-15", 7, { schoolId: "s-02" }),
      e("2026-10-01", 7),
    );
    expect(newStudentStatus(between, junior, "2026-10-15")).toMatchObject({ since: "2026-09-01" });
  });

  it("between two stays (left, rejoining later) a student is not new", () => {
    const between = pupil(e("2026-09-01", 7, { to: "2026-09-30" }), e("2026-11-01", 7));
    expect(newStudentStatus(between, junior, "2026-10-15")).toEqual({ isNew: false });
  });

  it("enrolments out of date order are sorted first, on a copy: the student's own list is left as it was", () => {
    const unordered = pupil(e("2026-10-01", 8), e("2025-09-01", 7, { to: "2026-09-30" }));
    const before = unordered.enrolments.map((x) => x.from);
    expect(newStudentStatus(unordered, junior, "2026-10-15")).toEqual({ isNew: false });
    expect(unordered.enrolments.map((x) => x.from)).toEqual(before);
    const unorderedNew = pupil(e("2026-10-01", 8), e("2026-09-01", 8, { to: "2026-09-30" }));
    expect(newStudentStatus(unorderedNew, junior, "2026-10-15")).toMatchObject({ isNew: true, since: "2026-09-01" });
    // A future period out of order does not count.
    const future = pupil(e("2027-09-01", 9), e("2026-09-01", 7));
    expect(newStudentStatus(future, junior, "2026-10-15")).toMatchObject({ isNew: true, since: "2026-09-01" });
  });
});
