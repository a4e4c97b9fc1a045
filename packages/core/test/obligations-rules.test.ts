import {
  anchorDate,
  cadenceProblem,
  defaultObligationRules,
  deriveTeacherObligations,
  type ObligationRulesOverride,
  obligationRulesSchema,
  resolveObligationRules,
  type Teacher,
} from "@homevisit/core";
import { describe, expect, it } from "vitest";
import { errorOf } from "./fixtures/errors.js";

describe("resolveObligationRules", () => {
  it("lets the school override the county, the county the city, the city the defaults", () => {
    const rules = resolveObligationRules({
      city: { newStudent: { weeks: 8 }, crisis: { days: 10 }, teacher: { minimumVisitsPerTerm: 3 } },
      county: { crisis: { days: 5 }, rural: { springFestival: { daysAfter: 20 } } },
      school: { newStudent: { weeks: 4 } },
    });
    expect(rules.newStudent).toEqual({ enabled: true, weeks: 4 });
    expect(rules.crisis).toEqual({ enabled: true, days: 5 });
    expect(rules.teacher.minimumVisitsPerTerm).toBe(3);
    expect(rules.rural.springFestival).toEqual({ enabled: true, daysBefore: 10, daysAfter: 20 });
    // Untouched sections keep the defaults.
    expect(rules.priority).toEqual(defaultObligationRules.priority);
    expect(rules.rural.farmingSeasons).toEqual(defaultObligationRules.rural.farmingSeasons);
  });

  it("replaces lists whole rather than appending", () => {
    const rules = resolveObligationRules({
      city: { priority: { categories: ["disability", "family_crisis"] } },
      county: { rural: { farmingSeasons: [] } },
      school: { priority: { categories: ["economic_hardship"] } },
    });
    expect(rules.priority.categories).toEqual(["economic_hardship"]);
    expect(rules.rural.farmingSeasons).toEqual([]);
  });

  it("does not change the defaults it merges over", () => {
    const before = JSON.stringify(defaultObligationRules);
    resolveObligationRules({ school: { rural: { springFestival: { daysBefore: 1 } } } });
    expect(JSON.stringify(defaultObligationRules)).toBe(before);
  });

  it("reports every level's problems at once, with the level in the path", () => {
    const error = errorOf(() =>
      resolveObligationRules({
        city: { newStudent: { weeks: 0 } },
        county: { crisis: { days: 100 } },
        school: { bogus: true } as ObligationRulesOverride,
      }),
    );
    expect(error.code).toBe("validation_failed");
    expect(error.issues.map((i) => [i.path.join("."), i.code])).toEqual([
      ["city.newStudent.weeks", "too_small"],
      ["county.crisis.days", "too_big"],
      ["school", "unrecognized_keys"],
    ]);
    expect(error.issues[0]?.message["zh-CN"]).not.toBe("");
  });

  it("refuses an unusable mentor cadence with the reason", () => {
    const error = errorOf(() => resolveObligationRules({ school: { mentorContact: { cadence: "FREQ=HOURLY" } } }));
    expect(error.issues[0]?.code).toBe("rules_rrule_invalid");
    expect(error.issues[0]?.path).toEqual(["school", "mentorContact", "cadence"]);
    expect(error.issues[0]?.message.en).toBe(
      "The recurrence rule is invalid: FREQ must be DAILY, WEEKLY, MONTHLY or YEARLY",
    );
  });

  it("refuses inverted and duplicate farming seasons and bad campaign dates", () => {
    const season = {
      id: "harvest",
      label: { "zh-CN": "秋收", en: "Harvest" },
      from: { term: "hanlu" as const, offsetDays: 0 },
      to: { term: "qiufen" as const, offsetDays: 0 },
    };
    const inverted = errorOf(() => resolveObligationRules({ county: { rural: { farmingSeasons: [season] } } }));
    expect(inverted.issues.map((i) => [i.path.join("."), i.code])).toEqual([
      ["county.rural.farmingSeasons.0.to", "rules_window_inverted"],
    ]);
    const ok = { ...season, to: { term: "hanlu" as const, offsetDays: 3 } };
    const duplicate = errorOf(() => resolveObligationRules({ county: { rural: { farmingSeasons: [ok, ok] } } }));
    expect(duplicate.issues.map((i) => i.code)).toEqual(["rules_duplicate_id"]);
    const campaign = errorOf(() =>
      resolveObligationRules({ city: { campaigns: { windows: [{ termIndex: 1, from: "09-31", to: "10-15" }] } } }),
    );
    expect(campaign.issues.map((i) => [i.path.join("."), i.code])).toEqual([
      ["city.campaigns.windows.0.from", "rules_campaign_date_invalid"],
    ]);
  });

  it("validates the shipped defaults", () => {
    expect(obligationRulesSchema.safeParse(defaultObligationRules).success).toBe(true);
  });
});

describe("cadenceProblem", () => {
  it("accepts bounded-by-the-planner RRULE bodies and refuses the rest", () => {
    expect(cadenceProblem("FREQ=MONTHLY")).toBeUndefined();
    expect(cadenceProblem("FREQ=WEEKLY;INTERVAL=2;BYDAY=WE")).toBeUndefined();
    expect(cadenceProblem("FREQ=MONTHLY;BYDAY=1MO")).toBeUndefined();
    expect(cadenceProblem("")).toBe("the rule is empty or too long");
    expect(cadenceProblem("INTERVAL=2")).toBe("FREQ is missing");
    expect(cadenceProblem("FREQ=MONTHLY;UNTIL=20270101")).toBe("UNTIL is added by the planner");
    expect(cadenceProblem("FREQ=MONTHLY;COUNT=3")).toBe("COUNT is added by the planner");
    expect(cadenceProblem("FREQ=MONTHLY;TZID=Asia/Shanghai")).toBe("TZID is not allowed: contacts use floating time");
    expect(cadenceProblem("FREQ=MONTHLY;INTERVAL=0")).toBe("INTERVAL has a bad value");
    expect(cadenceProblem("FREQ=MONTHLY;FREQ=WEEKLY")).toBe("FREQ is given twice");
    expect(cadenceProblem("RRULE:FREQ=MONTHLY")).toBe("a part name is not supported");
  });
});

describe("anchorDate", () => {
  it("offsets a solar term's day", () => {
    expect(anchorDate(2026, { term: "mangzhong", offsetDays: -7 })).toBe("2026-05-29");
    expect(anchorDate(2026, { term: "hanlu", offsetDays: 7 })).toBe("2026-10-15");
  });
});

describe("deriveTeacherObligations (R2, R6)", () => {
  const term = { id: "2026-2027-1", start: "2026-09-01", end: "2027-01-22" };
  const school = { id: "sch1" };
  const t = (id: string, roles: Teacher["roles"], extra: Partial<Teacher> = {}) => ({
    id,
    schoolId: "sch1",
    roles,
    ...extra,
  });

  it("gives every teacher, the principal included, the configured minimum", () => {
    const out = deriveTeacherObligations({
      term,
      school,
      teachers: [t("t2", ["teacher"]), t("p1", ["principal", "teacher"]), t("t1", ["class_teacher"])],
    });
    expect(out).toEqual([
      {
        ruleId: "principal_minimum",
        schoolId: "sch1",
        teacherId: "p1",
        minimumVisits: 1,
        why: {
          "zh-CN": "校长是家访第一责任人，须带头家访：本学期（2026-2027-1）至少家访1次",
          en: "The principal is first responsible and leads by example: at least 1 visit(s) this term (2026-2027-1)",
        },
      },
      {
        ruleId: "teacher_minimum",
        schoolId: "sch1",
        teacherId: "t1",
        minimumVisits: 1,
        why: {
          "zh-CN": "全员参与：每位教师本学期（2026-2027-1）至少家访1次",
          en: "Everyone takes part: at least 1 visit(s) this term (2026-2027-1)",
        },
      },
      expect.objectContaining({ teacherId: "t2", ruleId: "teacher_minimum", minimumVisits: 1 }),
    ]);
  });

  it("takes the highest minimum of a teacher's roles", () => {
    const rules = resolveObligationRules({
      county: { teacher: { minimumVisitsPerTerm: 2, minimumByRole: { class_teacher: 10, principal: 4 } } },
    });
    const out = deriveTeacherObligations({
      term,
      school,
      rules,
      teachers: [t("a", ["teacher"]), t("b", ["teacher", "class_teacher"]), t("p", ["principal"])],
    });
    expect(out.map((o) => [o.teacherId, o.minimumVisits])).toEqual([
      ["a", 2],
      ["b", 10],
      ["p", 4],
    ]);
  });

  it("skips staff who carry no visits: other schools, not there in the term, pure admins, minimum 0", () => {
    const out = deriveTeacherObligations({
      term,
      school,
      teachers: [
        t("admin", ["school_admin"]),
        { ...t("other", ["teacher"]), schoolId: "sch2" },
        t("left", ["teacher"], { leftOn: "2026-08-31" }),
        t("later", ["teacher"], { joinedOn: "2027-02-01" }),
        t("midterm", ["teacher"], { joinedOn: "2026-11-01" }),
      ],
    });
    expect(out.map((o) => o.teacherId)).toEqual(["midterm"]);
    const none = resolveObligationRules({ school: { teacher: { minimumVisitsPerTerm: 0 } } });
    expect(deriveTeacherObligations({ term, school, rules: none, teachers: [t("a", ["teacher"])] })).toEqual([]);
  });

  it("refuses an inverted term", () => {
    expect(
      errorOf(() => deriveTeacherObligations({ term: { ...term, end: "2026-01-01" }, school, teachers: [] })).code,
    ).toBe("obligations_term_inverted");
  });
});
