import {
  anchorDate,
  cadenceProblem,
  cadenceSchema,
  campaignRuleSchema,
  customObligationRuleSchema,
  defaultObligationRules,
  type FarmingSeason,
  isHomevisitError,
  type ObligationRuleLevels,
  obligationRuleIds,
  obligationRulesOverrideSchema,
  obligationRulesSchema,
  resolveObligationRules,
} from "@homevisit/core";
import { describe, expect, it } from "vitest";

/**
 * The obligation rules (RELIABILITY.md promise 7) checked part by part: the guidance's defaults
 * as written, each cadence refusal with its reason, each rule-set refusal with its code at its
 * path, and how levels merge. Written to kill the mutants of `pnpm run mutation`
 * (docs/quality.md).
 */

const issuesOf = (levels: ObligationRuleLevels, base = defaultObligationRules) => {
  try {
    resolveObligationRules(levels, base);
    return [];
  } catch (error) {
    if (!isHomevisitError(error)) throw error;
    return error.issues.map((i) => `${i.path.join(".")} ${i.code}`);
  }
};

const rule = {
  id: "boarding_per_term",
  label: { "zh-CN": "寄宿生每学期家访", en: "Boarders each term" },
  frequency: { per: "term", visits: 1 },
} as const;

describe("defaultObligationRules: the guidance as written", () => {
  it("holds every value of the guidance", () => {
    expect(defaultObligationRules).toEqual({
      universal: { enabled: true },
      newStudent: { enabled: true, weeks: 6 },
      priority: {
        enabled: true,
        inHomeVisitsPerTerm: 1,
        categories: [
          "economic_hardship",
          "learning_difficulty",
          "major_change",
          "left_behind_or_single_parent",
          "migrant_worker_child",
          "disability",
          "family_crisis",
        ],
      },
      mentorContact: { enabled: true, cadence: "FREQ=MONTHLY" },
      crisis: { enabled: true, days: 7 },
      rural: {
        enabled: true,
        settings: ["rural", "town"],
        springFestival: { enabled: true, daysBefore: 10, daysAfter: 15 },
        farmingSeasons: [
          {
            id: "summer_busy",
            label: { "zh-CN": "夏收夏种（芒种前后）", en: "Summer harvest and planting (around Grain in Ear)" },
            from: { term: "mangzhong", offsetDays: -7 },
            to: { term: "mangzhong", offsetDays: 7 },
          },
          {
            id: "autumn_harvest",
            label: { "zh-CN": "秋收（寒露前后）", en: "Autumn harvest (around Cold Dew)" },
            from: { term: "hanlu", offsetDays: -7 },
            to: { term: "hanlu", offsetDays: 7 },
          },
        ],
        placement: "preferred",
      },
      campaigns: { windows: [] },
      teacher: {
        minimumVisitsPerTerm: 1,
        minimumByRole: {},
        carryingRoles: ["teacher", "class_teacher", "mentor", "principal"],
      },
      companion: { remoteHomes: true, crisis: true },
    });
    expect(obligationRulesSchema.safeParse(defaultObligationRules).success).toBe(true);
    expect(resolveObligationRules()).toEqual(defaultObligationRules);
  });

  it("reserves the built-in rule ids", () => {
    expect([...obligationRuleIds]).toEqual([
      "family_crisis",
      "new_student",
      "priority_per_term",
      "universal_yearly",
      "mentor_contact",
      "teacher_minimum",
      "principal_minimum",
    ]);
  });

  it("puts a solar-term anchor on its day", () => {
    expect(anchorDate(2026, { term: "mangzhong", offsetDays: -7 })).toBe("2026-05-29");
    expect(anchorDate(2026, { term: "mangzhong", offsetDays: 0 })).toBe("2026-06-05");
  });
});

describe("cadenceProblem: each refusal with its reason", () => {
  it.each([
    ["", "the rule is empty or too long"],
    [`FREQ=DAILY;${"INTERVAL=1;".repeat(18)}X`, "the rule is empty or too long"],
    ["FREQ", "a part is not NAME=VALUE"],
    ["FREQ=DAILY=WEEKLY", "a part is not NAME=VALUE"],
    ["FREQ=DAILY;UNTIL=20270101", "UNTIL is added by the planner"],
    ["FREQ=DAILY;COUNT=3", "COUNT is added by the planner"],
    ["DTSTART=20260901;FREQ=DAILY", "DTSTART is added by the planner"],
    ["FREQ=DAILY;TZID=Asia/Shanghai", "TZID is not allowed: contacts use floating time"],
    ["FREQ=DAILY;BYHOUR=9", "a part name is not supported"],
    ["FREQ=DAILY;FREQ=WEEKLY", "FREQ is given twice"],
    ["FREQ=HOURLY", "FREQ must be DAILY, WEEKLY, MONTHLY or YEARLY"],
    ["FREQ=DAILYX", "FREQ must be DAILY, WEEKLY, MONTHLY or YEARLY"],
    ["FREQ=XDAILY", "FREQ must be DAILY, WEEKLY, MONTHLY or YEARLY"],
    ["INTERVAL=2", "FREQ is missing"],
    ["FREQ=WEEKLY;INTERVAL=53", "INTERVAL has a bad value"],
    ["FREQ=WEEKLY;INTERVAL=09", "INTERVAL has a bad value"],
    ["FREQ=WEEKLY;INTERVAL=2x", "INTERVAL has a bad value"],
    ["FREQ=WEEKLY;INTERVAL=x2", "INTERVAL has a bad value"],
    ["FREQ=WEEKLY;INTERVAL=0", "INTERVAL has a bad value"],
    ["FREQ=WEEKLY;BYDAY=+0MO", "BYDAY has a bad value"],
    ["FREQ=WEEKLY;BYDAY=MO,+0TU", "BYDAY has a bad value"],
    ["FREQ=WEEKLY;BYDAY=MO,6TU", "BYDAY has a bad value"],
    ["FREQ=MONTHLY;BYMONTHDAY=1,0", "BYMONTHDAY has a bad value"],
    ["FREQ=YEARLY;BYMONTH=13", "BYMONTH has a bad value"],
    ["FREQ=YEARLY;BYMONTH=1,13", "BYMONTH has a bad value"],
    ["FREQ=MONTHLY;BYSETPOS=6", "BYSETPOS has a bad value"],
    ["FREQ=WEEKLY;BYDAY=6MO", "BYDAY has a bad value"],
    ["FREQ=WEEKLY;BYDAY=MO,", "BYDAY has a bad value"],
    ["FREQ=WEEKLY;BYDAY=XMO", "BYDAY has a bad value"],
    ["FREQ=WEEKLY;BYDAY=MOX", "BYDAY has a bad value"],
    ["FREQ=WEEKLY;BYDAY=MO,TUX", "BYDAY has a bad value"],
    ["FREQ=MONTHLY;BYMONTHDAY=0", "BYMONTHDAY has a bad value"],
    ["FREQ=MONTHLY;BYMONTHDAY=1,32", "BYMONTHDAY has a bad value"],
    ["FREQ=MONTHLY;BYMONTHDAY=x1", "BYMONTHDAY has a bad value"],
    ["FREQ=MONTHLY;BYMONTHDAY=1x", "BYMONTHDAY has a bad value"],
    ["FREQ=YEARLY;BYMONTH=0", "BYMONTH has a bad value"],
    ["FREQ=YEARLY;BYMONTH=x1", "BYMONTH has a bad value"],
    ["FREQ=YEARLY;BYMONTH=1,2x", "BYMONTH has a bad value"],
    ["FREQ=MONTHLY;BYSETPOS=0", "BYSETPOS has a bad value"],
    ["FREQ=MONTHLY;BYSETPOS=x1", "BYSETPOS has a bad value"],
    ["FREQ=MONTHLY;BYSETPOS=1,6", "BYSETPOS has a bad value"],
    ["FREQ=WEEKLY;WKST=XMO", "WKST has a bad value"],
    ["FREQ=WEEKLY;WKST=MOX", "WKST has a bad value"],
  ])("refuses %j: %s", (cadence, reason) => {
    expect(cadenceProblem(cadence)).toBe(reason);
  });

  it.each([
    "FREQ=DAILY",
    "FREQ=WEEKLY",
    "FREQ=MONTHLY",
    "FREQ=YEARLY",
    "FREQ=WEEKLY;INTERVAL=1",
    "FREQ=WEEKLY;INTERVAL=10",
    "FREQ=WEEKLY;INTERVAL=49",
    "FREQ=WEEKLY;INTERVAL=50",
    "FREQ=WEEKLY;BYDAY=MO",
    "FREQ=MONTHLY;BYDAY=+1MO,-5SU,2WE",
    "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR,SA,SU",
    "FREQ=MONTHLY;BYMONTHDAY=1,-1,15,20,29,30,31",
    "FREQ=YEARLY;BYMONTH=1,9,10,11,12",
    "FREQ=MONTHLY;BYSETPOS=-5,1,5",
    "FREQ=WEEKLY;WKST=SU",
    `FREQ=DAILY;${"X".repeat(0)}INTERVAL=1`,
    // Each alternative of each value, first in its list and after a comma, signed and not.
    "FREQ=WEEKLY;INTERVAL=9",
    "FREQ=WEEKLY;INTERVAL=52",
    "FREQ=MONTHLY;BYDAY=MO,+1TU,-1WE,5TH",
    "FREQ=MONTHLY;BYDAY=-1FR",
    "FREQ=MONTHLY;BYMONTHDAY=9",
    "FREQ=MONTHLY;BYMONTHDAY=19",
    "FREQ=MONTHLY;BYMONTHDAY=31",
    "FREQ=MONTHLY;BYMONTHDAY=-31,9,-9",
    "FREQ=YEARLY;BYMONTH=9",
    "FREQ=YEARLY;BYMONTH=10",
    "FREQ=YEARLY;BYMONTH=12,1",
    "FREQ=MONTHLY;BYSETPOS=1,-1",
  ])("accepts %j", (cadence) => {
    expect(cadenceProblem(cadence)).toBeUndefined();
  });

  it("accepts a rule of exactly 200 characters", () => {
    const long = `FREQ=WEEKLY;BYMONTHDAY=${"1,".repeat(88)}1`;
    expect(long.length).toBeGreaterThan(190);
    const exact = long + ",1".repeat((200 - long.length) / 2);
    expect(exact.length).toBe(200);
    expect(cadenceProblem(exact)).toBeUndefined();
    expect(cadenceProblem(`${exact.slice(0, -1)}11`)).toBe("the rule is empty or too long");
  });

  it("cadenceSchema reports rules_rrule_invalid", () => {
    const result = cadenceSchema.safeParse("FREQ=HOURLY");
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]).toMatchObject({ code: "custom", params: { code: "rules_rrule_invalid" } });
    expect(cadenceSchema.safeParse("FREQ=DAILY").success).toBe(true);
  });
});

describe("rule sets: each refusal with its code, at its path", () => {
  it("campaign dates: month and day that exist", () => {
    const ok = (from: string) => campaignRuleSchema.safeParse({ termIndex: 1, from, to: "12-31" }).success;
    for (const good of ["01-01", "02-29", "04-30", "12-31", "09-10"]) expect([good, ok(good)]).toEqual([good, true]);
    for (const bad of ["02-30", "04-31", "13-01", "00-10", "01-00", "1-01", "x01-01", "01-01x", "01-32"])
      expect([bad, ok(bad)]).toEqual([bad, false]);
    const result = campaignRuleSchema.safeParse({ termIndex: 2, from: "02-30", to: "03-01" });
    expect(result.error?.issues[0]).toMatchObject({ path: ["from"], params: { code: "rules_campaign_date_invalid" } });
    expect(campaignRuleSchema.safeParse({ termIndex: 3, from: "03-01", to: "03-02" }).success).toBe(false);
  });

  it("custom rules: a reserved id, a duplicate id, a flag rule without categories", () => {
    expect(
      issuesOf({
        city: {
          custom: [
            { ...rule, id: "family_crisis" },
            rule,
            { ...rule, label: { "zh-CN": "二", en: "two" } },
            { ...rule, id: "on_flag", frequency: { per: "flag", withinDays: 3 } },
          ],
        },
      }),
    ).toEqual([
      "city.custom.0.id rules_id_reserved",
      "city.custom.2.id rules_duplicate_id",
      "city.custom.3.categories rules_flag_rule_needs_categories",
    ]);
    expect(
      issuesOf({
        city: { custom: [{ ...rule, frequency: { per: "flag", withinDays: 3 }, categories: ["disability"] }] },
      }),
    ).toEqual([]);
  });

  it("farming seasons: a duplicate id, a window that ends before it begins", () => {
    const season = {
      id: "tea_picking",
      label: { "zh-CN": "采茶", en: "Tea picking" },
      from: { term: "qingming", offsetDays: 0 },
      to: { term: "guyu", offsetDays: 0 },
    } satisfies FarmingSeason;
    const inverted: FarmingSeason = {
      ...season,
      id: "late",
      from: { term: "guyu", offsetDays: 0 },
      to: { term: "qingming", offsetDays: 0 },
    };
    expect(issuesOf({ county: { rural: { farmingSeasons: [season, season, inverted] } } })).toEqual([
      "county.rural.farmingSeasons.1 rules_duplicate_id",
      "county.rural.farmingSeasons.2.to rules_window_inverted",
    ]);
    // A window of one day (from and to on the same anchor) is not inverted.
    const sameDay: FarmingSeason = {
      ...season,
      id: "one_day",
      from: { term: "guyu", offsetDays: 0 },
      to: { term: "guyu", offsetDays: 0 },
    };
    expect(issuesOf({ county: { rural: { farmingSeasons: [sameDay] } } })).toEqual([]);
    expect(obligationRulesOverrideSchema.safeParse({ rural: { farmingSeasons: [season, season] } }).success).toBe(
      false,
    );
    expect(
      obligationRulesSchema.safeParse({
        ...defaultObligationRules,
        rural: { ...defaultObligationRules.rural, farmingSeasons: [season, inverted] },
      }).success,
    ).toBe(false);
  });

  it("custom rule fields: id shape, frequency bounds, list limits", () => {
    const ok = (extra: Record<string, unknown>) => customObligationRuleSchema.safeParse({ ...rule, ...extra }).success;
    expect(ok({})).toBe(true);
    for (const id of ["B", "b", "boarding-x", "1abc", `b${"x".repeat(48)}`, " boarding"])
      expect([id, ok({ id })]).toEqual([id, false]);
    for (const id of ["bx", `b${"x".repeat(47)}`, "b_2"]) expect([id, ok({ id })]).toEqual([id, true]);
    expect(ok({ frequency: { per: "term", visits: 0 } })).toBe(false);
    expect(ok({ frequency: { per: "term", visits: 10 } })).toBe(true);
    expect(ok({ frequency: { per: "term", visits: 11 } })).toBe(false);
    expect(ok({ frequency: { per: "school_year" } })).toBe(true);
    expect(ok({ frequency: { per: "flag", withinDays: 60 } })).toBe(true);
    expect(ok({ frequency: { per: "flag", withinDays: 61 } })).toBe(false);
    expect(ok({ frequency: { per: "week" } })).toBe(false);
    expect(ok({ kind: "crisis", enabled: false })).toBe(true);
    expect(ok({ kind: "other" })).toBe(false);
    expect(ok({ label: { "zh-CN": "", en: "x" } })).toBe(false);
    expect(ok({ label: { "zh-CN": "x", en: "" } })).toBe(false);
    expect(ok({ settings: ["rural", "town", "urban"] })).toBe(true);
    // Every kind; lists of one or more, never empty.
    for (const kind of ["universal", "new_student", "priority", "crisis"])
      expect([kind, ok({ kind })]).toEqual([kind, true]);
    expect(ok({ categories: ["disability", "boarding_left_behind"] })).toBe(true);
    expect(ok({ categories: [] })).toBe(false);
    expect(ok({ grades: [7, 8] })).toBe(true);
    expect(ok({ grades: [] })).toBe(false);
    expect(ok({ settings: [] })).toBe(false);
  });

  it("campaign names, inline mentor contacts and required placement", () => {
    const campaign = { termIndex: 1, from: "09-01", to: "09-30" } as const;
    expect(campaignRuleSchema.safeParse({ ...campaign, name: "秋季家访月" }).success).toBe(true);
    expect(campaignRuleSchema.safeParse({ ...campaign, name: "x".repeat(101) }).success).toBe(false);
    expect(
      resolveObligationRules({ school: { mentorContact: { inHome: true }, rural: { placement: "required" } } }),
    ).toMatchObject({ mentorContact: { inHome: true }, rural: { placement: "required" } });
    expect(issuesOf({ school: { rural: { placement: "always" as never } } })).toEqual([
      "school.rural.placement invalid_value",
    ]);
  });

  it("a bad level is reported under its own name, every level at once, and stops the merge", () => {
    expect(
      issuesOf({
        city: { crisis: { days: 0 } },
        county: { newStudent: { weeks: 27 } },
        school: { mentorContact: { cadence: "FREQ=HOURLY" } },
      }),
    ).toEqual([
      "city.crisis.days too_small",
      "county.newStudent.weeks too_big",
      "school.mentorContact.cadence rules_rrule_invalid",
    ]);
    expect(issuesOf({ school: { unknown: {} } as never })).toEqual(["school unrecognized_keys"]);
  });
});

describe("resolveObligationRules: how levels merge", () => {
  it("objects merge field by field, school over county over city; lists replace", () => {
    const rules = resolveObligationRules({
      city: { newStudent: { weeks: 8 }, rural: { settings: ["rural"] }, priority: { categories: ["disability"] } },
      county: { crisis: { days: 5 }, rural: { springFestival: { daysAfter: 20 } } },
      school: { newStudent: { weeks: 4 }, crisis: { enabled: false } },
    });
    expect(rules.newStudent).toEqual({ enabled: true, weeks: 4 });
    expect(rules.crisis).toEqual({ enabled: false, days: 5 });
    expect(rules.rural.springFestival).toEqual({ enabled: true, daysBefore: 10, daysAfter: 20 });
    expect(rules.rural.settings).toEqual(["rural"]);
    expect(rules.rural.farmingSeasons).toEqual(defaultObligationRules.rural.farmingSeasons);
    expect(rules.priority).toEqual({ enabled: true, inHomeVisitsPerTerm: 1, categories: ["disability"] });
    expect(rules.universal).toEqual({ enabled: true });
    expect(defaultObligationRules.newStudent.weeks).toBe(6);
  });

  it("a field given as undefined leaves the level above", () => {
    const rules = resolveObligationRules({ city: { crisis: { days: undefined, enabled: false } } });
    expect(rules.crisis).toEqual({ enabled: false, days: 7 });
    expect(resolveObligationRules({ city: { crisis: undefined } }).crisis).toEqual({ enabled: true, days: 7 });
  });

  it("custom rules merge by id: a new id is added, a known id replaced whole, in place", () => {
    const other = { ...rule, id: "night_school", frequency: { per: "school_year" } } as const;
    const off = { ...rule, enabled: false, label: { "zh-CN": "关", en: "off" } };
    const rules = resolveObligationRules({ city: { custom: [rule, other] }, county: { custom: [off] } });
    expect(rules.custom).toEqual([off, other]);
    expect(resolveObligationRules({ city: { custom: [rule] }, school: { custom: [other] } }).custom).toEqual([
      rule,
      other,
    ]);
    expect(resolveObligationRules({}).custom).toBeUndefined();
  });

  it("an invalid merge (a custom list past its limit) is reported under merged", () => {
    const many = (prefix: string) =>
      Array.from({ length: 30 }, (_, i) => ({ ...rule, id: `${prefix}_${String.fromCharCode(97 + (i % 26))}${i}` }));
    expect(issuesOf({ city: { custom: many("city") }, county: { custom: many("county") } })).toEqual([
      "merged.custom too_big",
    ]);
  });

  it("a valid base replaces the defaults", () => {
    const base = { ...defaultObligationRules, crisis: { enabled: true, days: 3 } };
    expect(resolveObligationRules({}, base).crisis).toEqual({ enabled: true, days: 3 });
    expect(issuesOf({ city: { crisis: { days: 0 } } }, { ...base, crisis: { enabled: true, days: 0 } })).toEqual([
      "base.crisis.days too_small",
      "city.crisis.days too_small",
    ]);
  });
});
