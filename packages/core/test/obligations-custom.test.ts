import {
  type CustomObligationRule,
  defaultObligationRules,
  deriveObligations,
  type Obligation,
  type ObligationRules,
  type ObligationStudent,
  resolveObligationRules,
  type School,
  type StoredCategoryFlag,
  type Term,
} from "@homevisit/core";
import { describe, expect, it } from "vitest";
import { errorOf } from "./fixtures/errors.js";

const autumn: Term = {
  id: "2026-2027-1",
  schoolYear: 2026,
  index: 1,
  start: "2026-09-01",
  end: "2027-01-22",
  campaigns: [],
};
const urban: Pick<School, "id" | "kind" | "entryGrades" | "setting"> = { id: "sch1", kind: "junior", setting: "urban" };

function continuing(id: string, grade = 8): ObligationStudent {
  return {
    id,
    enrolments: [{ schoolId: "sch1", classId: `c${grade}-1`, grade, from: "2025-09-01", startReason: "entry" }],
  };
}

function flag(studentId: string, category: string, validFrom: string, validTo?: string): StoredCategoryFlag {
  return {
    id: `f-${studentId}-${category}-${validFrom}`,
    studentId,
    category,
    validFrom,
    ...(validTo === undefined ? {} : { validTo }),
    evidence: "记录在案",
    flaggedBy: "t1",
    flaggedAt: `${validFrom}T09:00:00+08:00`,
  };
}

const boarding: CustomObligationRule = {
  id: "boarding_per_term",
  label: { "zh-CN": "寄宿留守儿童每学期家访", en: "Boarding left-behind children, every term" },
  categories: ["boarding_left_behind"],
  frequency: { per: "term", visits: 2 },
};

/** Only the custom rules: the built-in ones switched off, so each test sees what it adds. */
function onlyCustom(custom: CustomObligationRule[]): ObligationRules {
  return resolveObligationRules({
    school: {
      universal: { enabled: false },
      newStudent: { enabled: false },
      priority: { enabled: false },
      mentorContact: { enabled: false },
      crisis: { enabled: false },
      custom,
    },
  });
}

const labels = { boarding_left_behind: { "zh-CN": "寄宿留守儿童", en: "Boarding left-behind child" } };

describe("custom obligation rules (data)", () => {
  it("asks for visits per term to students in a plugin category, with id, category, window and reason", () => {
    const obligations = deriveObligations({
      term: autumn,
      school: urban,
      students: [continuing("s1"), continuing("s2")],
      flags: [flag("s1", "boarding_left_behind", "2026-03-01")],
      rules: onlyCustom([boarding]),
      categoryLabels: labels,
    });
    expect(obligations).toEqual([
      expect.objectContaining({
        id: "boarding_per_term:s1:2026-09-01",
        ruleId: "boarding_per_term",
        ruleIds: ["boarding_per_term"],
        studentId: "s1",
        kind: "priority",
        channel: "in_home",
        category: "boarding_left_behind",
        window: { from: "2026-09-01", to: "2026-11-11" },
        urgency: 40,
        why: {
          "zh-CN": "寄宿留守儿童每学期家访（寄宿留守儿童）：本学期第1/2次入户家访（2026-09-01至2026-11-11）",
          en: "Boarding left-behind children, every term (Boarding left-behind child): in-home visit 1 of 2 this term (2026-09-01 to 2026-11-11)",
        },
      }),
      expect.objectContaining({
        id: "boarding_per_term:s1:2026-11-12",
        window: { from: "2026-11-12", to: "2027-01-22" },
      }),
    ]);
  });

  it("follows grades, settings, enabled and the school year; a past visit satisfies the yearly rule", () => {
    const graders: CustomObligationRule = {
      id: "grade9_yearly",
      label: { "zh-CN": "毕业年级家访", en: "Final-year visit" },
      grades: [9],
      frequency: { per: "school_year" },
    };
    const rural: CustomObligationRule = { ...graders, id: "rural_only", settings: ["rural"] };
    const off: CustomObligationRule = { ...graders, id: "switched_off", enabled: false };
    const students = [continuing("s8", 8), continuing("s9", 9), continuing("s9b", 9)];
    const obligations = deriveObligations({
      term: autumn,
      school: urban,
      students,
      rules: onlyCustom([graders, rural, off]),
      previousVisits: [{ studentId: "s9b", date: "2026-09-05", inHome: true }],
    });
    expect(obligations.map((o) => [o.ruleId, o.studentId, o.kind, o.window, o.why.en])).toEqual([
      [
        "grade9_yearly",
        "s9",
        "universal",
        { from: "2026-09-01", to: "2027-01-22" },
        "Final-year visit: at least one in-home visit this school year (by 2027-01-22)",
      ],
    ]);
  });

  it("counts days from each flag for a per-flag rule, even in the vacation before the term", () => {
    const rule: CustomObligationRule = {
      id: "boarding_after_flag",
      label: { "zh-CN": "新登记寄宿生家访", en: "Newly flagged boarder" },
      kind: "crisis",
      categories: ["boarding_left_behind"],
      frequency: { per: "flag", withinDays: 14 },
    };
    const obligations = deriveObligations({
      term: autumn,
      school: urban,
      students: [continuing("s1")],
      flags: [flag("s1", "boarding_left_behind", "2026-08-25"), flag("s1", "boarding_left_behind", "2026-10-10")],
      rules: onlyCustom([rule]),
      vacationStart: "2026-07-10",
      categoryLabels: labels,
    });
    expect(obligations.map((o) => [o.id, o.window, o.urgency, o.needsCompanion, o.why["zh-CN"]])).toEqual([
      [
        "boarding_after_flag:s1:2026-08-25",
        { from: "2026-08-25", to: "2026-09-08" },
        100,
        true,
        "新登记寄宿生家访（寄宿留守儿童）：2026-08-25登记，须在14天内（2026-09-08前）完成入户家访",
      ],
      [
        "boarding_after_flag:s1:2026-10-10",
        { from: "2026-10-10", to: "2026-10-24" },
        100,
        true,
        "新登记寄宿生家访（寄宿留守儿童）：2026-10-10登记，须在14天内（2026-10-24前）完成入户家访",
      ],
    ]);
  });

  it("merges with the built-in rules: one visit satisfies the universal round and the custom rule", () => {
    const rule: CustomObligationRule = { ...boarding, frequency: { per: "term", visits: 1 } };
    const obligations = deriveObligations({
      term: autumn,
      school: urban,
      students: [continuing("s1")],
      flags: [flag("s1", "boarding_left_behind", "2026-03-01")],
      rules: resolveObligationRules({ school: { custom: [rule] } }),
      categoryLabels: labels,
    });
    const visits = obligations.filter((o: Obligation) => o.channel === "in_home");
    expect(visits).toHaveLength(1);
    expect(visits[0]).toMatchObject({
      ruleId: "boarding_per_term",
      ruleIds: ["boarding_per_term", "universal_yearly"],
      category: "boarding_left_behind",
    });
    // A plugin category is not one of the seven: no mentor contact follows from it.
    expect(obligations.some((o) => o.kind === "mentor_contact")).toBe(false);
  });

  it("merges levels by id: a later level replaces or switches off a rule, new ids are added", () => {
    const extra: CustomObligationRule = { ...boarding, id: "extra_rule", frequency: { per: "school_year" } };
    const rules = resolveObligationRules({
      city: { custom: [boarding, extra] },
      county: { custom: [{ ...boarding, frequency: { per: "term", visits: 3 } }] },
      school: { custom: [{ ...extra, enabled: false }] },
    });
    expect(rules.custom?.map((r) => [r.id, r.enabled, r.frequency])).toEqual([
      ["boarding_per_term", undefined, { per: "term", visits: 3 }],
      ["extra_rule", false, { per: "school_year" }],
    ]);
    expect(defaultObligationRules.custom).toBeUndefined();
  });

  it("refuses reserved and duplicate ids, a per-flag rule without categories and malformed keys", () => {
    const error = errorOf(() =>
      resolveObligationRules({
        school: {
          custom: [
            { ...boarding, id: "new_student" },
            boarding,
            boarding,
            { ...boarding, id: "no_categories", categories: undefined, frequency: { per: "flag", withinDays: 7 } },
            { ...boarding, id: "bad_key", categories: ["Boarding"] },
          ] as CustomObligationRule[],
        },
      }),
    );
    expect(error.code).toBe("validation_failed");
    // Every problem at once: the malformed key, the reserved and repeated ids, the missing categories.
    expect(error.issues.map((i) => [i.path.join("."), i.code])).toEqual([
      ["school.custom.4.categories.0", "invalid_format"],
      ["school.custom.0.id", "rules_id_reserved"],
      ["school.custom.2.id", "rules_duplicate_id"],
      ["school.custom.3.categories", "rules_flag_rule_needs_categories"],
    ]);
    expect(error.issues[1]?.message["zh-CN"]).toContain("内置规则");
  });
});
