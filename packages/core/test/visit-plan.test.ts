import {
  builtInVisitPlanTriggers,
  type CategoryFlag,
  defaultVisitPlanTable,
  derivePersonalisedPlan,
  extendVisitPlanTable,
  outreachGoalIds,
  type PastVisitSummary,
  type PersonalisedPlanInput,
  type PriorityCategory,
  personalisedPlanSchema,
  priorityCategories,
  type StudentInput,
  visitPlanTableSchema,
  visitTaskIds,
  visitTaskLabels,
} from "@homevisit/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { errorOf } from "./fixtures/errors.js";

const date = "2026-10-15";

const school = {
  id: "sch-1",
  cityId: "lishui",
  countyId: "liandu",
  name: "碧湖中学",
  kind: "junior",
  setting: "town",
} as const;

/** Grade 8, joined grade 7 last year, 14 years old, lives with both parents: a plain student. */
function student(overrides: Partial<StudentInput> = {}): StudentInput {
  return {
    id: "stu-1",
    schoolId: "sch-1",
    name: "李明",
    dateOfBirth: "2012-03-02",
    enrolments: [
      {
        schoolId: "sch-1",
        classId: "c-7-3",
        grade: 7,
        from: "2025-09-01",
        to: "2026-08-31",
        startReason: "entry",
        endReason: "promotion",
      },
      { schoolId: "sch-1", classId: "c-8-3", grade: 8, from: "2026-09-01", startReason: "promotion" },
    ],
    guardians: [{ id: "g-1", name: "李华", relation: "father", livesWithStudent: true, primary: true }],
    address: { county: "莲都区", town: "碧湖镇", village: "下南山村" },
    livingSituation: { livesWith: "both_parents" },
    ...overrides,
  };
}

function flag(category: PriorityCategory, extra: Partial<CategoryFlag> = {}): CategoryFlag {
  return {
    id: `f-${category}`,
    studentId: "stu-1",
    category,
    validFrom: "2026-01-10",
    evidence: "班主任核实",
    flaggedBy: "t-1",
    flaggedAt: "2026-01-10T09:00:00+08:00",
    ...extra,
  };
}

/** A recent in-home visit with nothing left open. */
function visit(extra: Partial<PastVisitSummary> = {}): PastVisitSummary {
  return { date: "2026-05-20", channel: "in_home", openFollowUps: 0, categoriesAtVisit: [], ...extra };
}

/** Input whose plan fires `every_visit` only. */
function baseInput(overrides: Partial<PersonalisedPlanInput> = {}): PersonalisedPlanInput {
  return {
    student: student(),
    school,
    flags: [],
    history: [visit()],
    mentorships: [],
    date,
    ...overrides,
  };
}

const keys = (input: PersonalisedPlanInput, table = defaultVisitPlanTable) =>
  derivePersonalisedPlan(input, table).triggers.map((t) => t.key);

describe("defaultVisitPlanTable", () => {
  it("has a valid entry for every built-in trigger and nothing else", () => {
    expect(Object.keys(defaultVisitPlanTable).sort()).toEqual([...builtInVisitPlanTriggers].sort());
    expect(visitPlanTableSchema.safeParse(defaultVisitPlanTable).success).toBe(true);
  });

  it("gives every category entry goals, talking points and the support task", () => {
    for (const category of priorityCategories) {
      const entry = defaultVisitPlanTable[category];
      expect(entry?.goals.length, category).toBeGreaterThan(0);
      expect(entry?.talkingPoints.length, category).toBeGreaterThan(0);
      expect(entry?.tasks, category).toContain("support_priority_student");
    }
  });

  it("brings the financial-aid leaflet for economic hardship and warns about neighbours for disability", () => {
    expect(defaultVisitPlanTable.economic_hardship?.prepare.map((p) => p["zh-CN"]).join()).toContain("资助政策宣传单");
    expect(defaultVisitPlanTable.disability?.cautions.map((c) => c["zh-CN"]).join()).toContain(
      "不在邻居或其他人面前谈论孩子的残疾诊断",
    );
    expect(defaultVisitPlanTable.every_visit?.cautions.map((c) => c["zh-CN"]).join()).toContain("六个不得");
  });

  it("numbers the six tasks as R4 does", () => {
    expect(visitTaskIds.map((id) => visitTaskLabels[id].number)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it("is frozen, so a host cannot change it for everyone by accident", () => {
    expect(Object.isFrozen(defaultVisitPlanTable)).toBe(true);
    expect(Object.isFrozen(defaultVisitPlanTable.economic_hardship?.goals)).toBe(true);
  });
});

describe("derivePersonalisedPlan: triggers", () => {
  it("fires only every_visit for a plain student with a recent in-home visit", () => {
    const plan = derivePersonalisedPlan(baseInput());
    expect(plan.triggers.map((t) => t.key)).toEqual(["every_visit"]);
    expect(plan.mentorNeeded).toBe(false);
    expect(plan.studentId).toBe("stu-1");
    expect(plan.date).toBe(date);
    expect(plan.tasks).toEqual([
      "learn_family_situation",
      "report_school_performance",
      "explain_school_policy",
      "guide_healthy_growth",
      "collect_feedback",
    ]);
    expect(plan.outreachGoals).toEqual(["care", "policy", "guidance"]);
  });

  it.each(priorityCategories)("fires the category %s with its start date in the reason", (category) => {
    const plan = derivePersonalisedPlan(
      baseInput({
        flags: [flag(category)],
        history: [visit({ categoriesAtVisit: [category] })],
        mentorships: [{ studentId: "stu-1", mentorId: "t-9", since: "2026-02-01" }],
      }),
    );
    expect(plan.triggers.map((t) => t.key)).toEqual([category, "every_visit"]);
    expect(plan.triggers[0]?.category).toBe(category);
    expect(plan.triggers[0]?.why["zh-CN"]).toContain("2026-01-10");
    expect(plan.triggers[0]?.why.en).toContain("2026-01-10");
    expect(plan.tasks).toContain("support_priority_student");
    expect(plan.mentorNeeded).toBe(false);
  });

  it("fires new_student in the first school year, with the date joined", () => {
    const plan = derivePersonalisedPlan(
      baseInput({
        student: student({
          enrolments: [{ schoolId: "sch-1", classId: "c-7-1", grade: 7, from: "2026-09-01", startReason: "entry" }],
        }),
        history: [],
      }),
    );
    expect(plan.triggers.map((t) => t.key)).toEqual(["new_student", "no_previous_visit", "every_visit"]);
    expect(plan.triggers[0]?.why).toEqual({
      "zh-CN": "本校第一学年的新生（2026-09-01 入学）",
      en: "A new student in the first school year here (joined 2026-09-01)",
    });
  });

  it("fires under_14 with the age, until the 14th birthday", () => {
    const young = derivePersonalisedPlan(baseInput({ student: student({ dateOfBirth: "2012-10-16" }) }));
    expect(young.triggers.map((t) => t.key)).toEqual(["under_14", "every_visit"]);
    expect(young.triggers[0]?.why.en).toBe("The student is under 14 (13)");
    expect(young.cautions.some((c) => c.text["zh-CN"].includes("监护人同意"))).toBe(true);
    expect(keys(baseInput({ student: student({ dateOfBirth: "2012-10-15" }) }))).toEqual(["every_visit"]);
  });

  it("fires mentor_needed for a priority student without a mentor on the date", () => {
    const input = baseInput({
      flags: [flag("learning_difficulty")],
      history: [visit({ categoriesAtVisit: ["learning_difficulty"] })],
    });
    const plan = derivePersonalisedPlan(input);
    expect(plan.triggers.map((t) => t.key)).toEqual(["mentor_needed", "learning_difficulty", "every_visit"]);
    expect(plan.mentorNeeded).toBe(true);
    // A mentor of another student, or one appointed after the date, does not count.
    expect(
      derivePersonalisedPlan({
        ...input,
        mentorships: [
          { studentId: "stu-2", mentorId: "t-9", since: "2026-02-01" },
          { studentId: "stu-1", mentorId: "t-9", since: "2026-10-16" },
        ],
      }).mentorNeeded,
    ).toBe(true);
    expect(
      derivePersonalisedPlan({ ...input, mentorships: [{ studentId: "stu-1", mentorId: "t-9", since: date }] })
        .mentorNeeded,
    ).toBe(false);
  });

  it("never asks for a mentor for a student in no category", () => {
    expect(derivePersonalisedPlan(baseInput()).mentorNeeded).toBe(false);
  });

  it("fires parents_away from the living situation or from a guardian working away", () => {
    expect(
      keys(baseInput({ student: student({ livingSituation: { livesWith: "mother", parentsAway: "one" } }) })),
    ).toEqual(["parents_away", "every_visit"]);
    expect(
      keys(
        baseInput({
          student: student({
            guardians: [
              { id: "g-1", name: "李华", relation: "father", livesWithStudent: false, worksAway: true },
              { id: "g-2", name: "王芳", relation: "mother", livesWithStudent: true, primary: true },
            ],
          }),
        }),
      ),
    ).toEqual(["parents_away", "every_visit"]);
    // A parent who works away but lives at home is not away.
    expect(
      keys(
        baseInput({
          student: student({
            guardians: [{ id: "g-1", name: "李华", relation: "father", livesWithStudent: true, worksAway: true }],
          }),
        }),
      ),
    ).toEqual(["every_visit"]);
  });

  it("fires parents_away and lives_with_grandparents for a left-behind child, with the Spring Festival advice", () => {
    const plan = derivePersonalisedPlan(
      baseInput({ student: student({ livingSituation: { livesWith: "grandparents", parentsAway: "both" } }) }),
    );
    expect(plan.triggers.map((t) => t.key)).toEqual(["parents_away", "lives_with_grandparents", "every_visit"]);
    expect(plan.prepare.some((p) => p.text["zh-CN"].includes("春节"))).toBe(true);
    expect(keys(baseInput({ student: student({ livingSituation: { livesWith: "other_relatives" } }) }))).toEqual([
      "lives_with_grandparents",
      "every_visit",
    ]);
  });

  it("fires no_previous_visit when there is no earlier visit; later visits do not count", () => {
    expect(keys(baseInput({ history: [] }))).toEqual(["no_previous_visit", "every_visit"]);
    expect(keys(baseInput({ history: [visit({ date }), visit({ date: "2026-11-01" })] }))).toEqual([
      "no_previous_visit",
      "every_visit",
    ]);
  });

  it("fires no_in_home_visit when every earlier visit was by another channel", () => {
    const plan = derivePersonalisedPlan(
      baseInput({ history: [visit({ channel: "phone" }), visit({ date: "2026-03-01", channel: "at_school" })] }),
    );
    expect(plan.triggers.map((t) => t.key)).toEqual(["no_in_home_visit", "every_visit"]);
    expect(plan.triggers[0]?.why["zh-CN"]).toBe("以往 2 次家访均未进家入户");
    expect(keys(baseInput({ history: [visit({ channel: "phone" }), visit({ date: "2026-03-01" })] }))).toEqual([
      "every_visit",
    ]);
  });

  it("fires open_follow_ups from the last visit only", () => {
    const plan = derivePersonalisedPlan(
      baseInput({ history: [visit({ openFollowUps: 2 }), visit({ date: "2026-01-05", openFollowUps: 5 })] }),
    );
    expect(plan.triggers.map((t) => t.key)).toEqual(["open_follow_ups", "every_visit"]);
    expect(plan.triggers[0]?.why).toEqual({
      "zh-CN": "上次家访（2026-05-20）商定的跟进事项还有 2 项未完成",
      en: "2 follow-up action(s) agreed at the last visit (2026-05-20) are still open",
    });
    expect(
      keys(baseInput({ history: [visit({ openFollowUps: 0 }), visit({ date: "2026-01-05", openFollowUps: 5 })] })),
    ).toEqual(["every_visit"]);
  });

  it("fires long_since_last_visit after more than 365 days", () => {
    expect(keys(baseInput({ history: [visit({ date: "2025-10-15" })] }))).toEqual(["every_visit"]);
    const plan = derivePersonalisedPlan(baseInput({ history: [visit({ date: "2025-10-14" })] }));
    expect(plan.triggers.map((t) => t.key)).toEqual(["long_since_last_visit", "every_visit"]);
    expect(plan.triggers[0]?.why.en).toBe("366 days since the last visit (2025-10-14)");
  });

  it("fires newly_flagged_category for categories the last visit did not have, named in each language", () => {
    const plan = derivePersonalisedPlan(
      baseInput({
        flags: [flag("disability"), flag("economic_hardship")],
        history: [visit({ categoriesAtVisit: ["disability"] })],
        mentorships: [{ studentId: "stu-1", mentorId: "t-9", since: "2026-01-01" }],
      }),
    );
    expect(plan.triggers.map((t) => t.key)).toEqual([
      "newly_flagged_category",
      "disability",
      "economic_hardship",
      "every_visit",
    ]);
    expect(plan.triggers[0]?.why).toEqual({
      "zh-CN": "上次家访（2026-05-20）之后新列入：经济困难家庭学生",
      en: "Flagged since the last visit (2026-05-20): Family in economic difficulty",
    });
  });

  it("fires category_no_longer_applies for categories that ended since the last visit", () => {
    const plan = derivePersonalisedPlan(
      baseInput({
        flags: [
          flag("family_crisis", { validTo: "2026-08-31" }),
          flag("learning_difficulty", { revokedOn: "2026-09-01", revokedBy: "t-1" }),
        ],
        history: [visit({ categoriesAtVisit: ["learning_difficulty", "family_crisis"] })],
      }),
    );
    expect(plan.triggers.map((t) => t.key)).toEqual(["category_no_longer_applies", "every_visit"]);
    expect(plan.triggers[0]?.why["zh-CN"]).toBe(
      "上次家访（2026-05-20）时的类别已不再适用：学习困难学生、突发重大变故家庭学生",
    );
    expect(plan.triggers[0]?.why.en).toBe(
      "Categories that applied at the last visit (2026-05-20) no longer do: Learning difficulties, Family hit by a sudden major event",
    );
  });

  it("fires category_review_overdue when a category's review date has passed", () => {
    const input = baseInput({
      flags: [flag("migrant_worker_child", { reviewOn: "2026-09-30" })],
      history: [visit({ categoriesAtVisit: ["migrant_worker_child"] })],
      mentorships: [{ studentId: "stu-1", mentorId: "t-9", since: "2026-01-01" }],
    });
    const plan = derivePersonalisedPlan(input);
    expect(plan.triggers.map((t) => t.key)).toEqual(["category_review_overdue", "migrant_worker_child", "every_visit"]);
    expect(plan.triggers[0]?.why.en).toBe("The review of these categories is overdue: Child of migrant workers");
    expect(keys({ ...input, flags: [flag("migrant_worker_child", { reviewOn: date })] })).toEqual([
      "migrant_worker_child",
      "every_visit",
    ]);
  });

  it("ignores flags of other students and flags not in force on the date", () => {
    expect(
      keys(
        baseInput({
          flags: [
            flag("disability", { studentId: "stu-2" }),
            flag("economic_hardship", { validFrom: "2026-10-16" }),
            flag("major_change", { validTo: "2026-10-14" }),
          ],
        }),
      ),
    ).toEqual(["every_visit"]);
  });
});

describe("derivePersonalisedPlan: several categories, ordering and dedupe", () => {
  const crowded = baseInput({
    student: student({
      dateOfBirth: "2013-01-01",
      livingSituation: { livesWith: "grandparents", parentsAway: "both" },
    }),
    flags: [flag("economic_hardship"), flag("left_behind_or_single_parent"), flag("family_crisis"), flag("disability")],
    history: [visit({ channel: "phone", openFollowUps: 1, categoriesAtVisit: ["economic_hardship"] })],
  });

  it("lists every trigger by rank, most urgent first", () => {
    expect(keys(crowded)).toEqual([
      "family_crisis",
      "mentor_needed",
      "open_follow_ups",
      "newly_flagged_category",
      "disability",
      "economic_hardship",
      "left_behind_or_single_parent",
      "parents_away",
      "lives_with_grandparents",
      "no_in_home_visit",
      "under_14",
      "every_visit",
    ]);
  });

  it("names each newly flagged category once, in the guidance's order", () => {
    const why = derivePersonalisedPlan(crowded).triggers.find((t) => t.key === "newly_flagged_category")?.why;
    expect(why?.["zh-CN"]).toBe(
      "上次家访（2026-05-20）之后新列入：留守儿童或单亲家庭学生、残疾学生、突发重大变故家庭学生",
    );
  });

  it("shows a shared item once, crediting every trigger that asked for it", () => {
    const plan = derivePersonalisedPlan(crowded);
    const leaflet = plan.prepare.filter((p) => p.text["zh-CN"].startsWith("学生资助政策宣传单"));
    expect(leaflet).toHaveLength(1);
    expect(leaflet[0]?.triggers).toEqual(["family_crisis", "economic_hardship"]);
    const safety = plan.talkingPoints.filter((p) => p.text["zh-CN"].includes("防溺水、交通安全、用电用火"));
    expect(safety).toHaveLength(1);
    expect(safety[0]?.triggers).toEqual(["left_behind_or_single_parent", "lives_with_grandparents"]);
    const neighbours = plan.cautions.filter((c) => c.text.en.startsWith("Never discuss the student's category"));
    expect(neighbours[0]?.triggers).toEqual(["family_crisis", "economic_hardship", "left_behind_or_single_parent"]);
  });

  it("orders items by their triggers' order", () => {
    const plan = derivePersonalisedPlan(crowded);
    expect(plan.goals[0]?.triggers).toEqual(["family_crisis"]);
    expect(plan.goals.at(-1)?.triggers).toEqual(["every_visit"]);
    const firstIndex = (key: string) => plan.goals.findIndex((g) => g.triggers.includes(key));
    expect(firstIndex("family_crisis")).toBeLessThan(firstIndex("disability"));
    expect(firstIndex("disability")).toBeLessThan(firstIndex("economic_hardship"));
  });

  it("joins tasks and outreach goals in R4's and R8's order", () => {
    const plan = derivePersonalisedPlan(crowded);
    expect(plan.tasks).toEqual([...visitTaskIds]);
    expect(plan.outreachGoals).toEqual([...outreachGoalIds]);
  });

  it("produces a plan that its own schema accepts", () => {
    expect(personalisedPlanSchema.safeParse(derivePersonalisedPlan(crowded)).success).toBe(true);
  });

  it("does not depend on the order of flags, history or mentorships (property)", () => {
    const history = [
      visit({ date: "2025-12-01", channel: "phone", openFollowUps: 3 }),
      visit({ channel: "video", openFollowUps: 1, categoriesAtVisit: ["economic_hardship"] }),
      visit({ date: "2026-02-01", channel: "at_school" }),
    ];
    const flags = [flag("economic_hardship"), flag("disability"), flag("family_crisis", { reviewOn: "2026-09-01" })];
    const expected = derivePersonalisedPlan({ ...crowded, flags, history });
    fc.assert(
      fc.property(
        fc.shuffledSubarray(flags, { minLength: 3 }),
        fc.shuffledSubarray(history, { minLength: 3 }),
        (f, h) => {
          expect(derivePersonalisedPlan({ ...crowded, flags: f, history: h })).toEqual(expected);
        },
      ),
      { numRuns: 50 },
    );
  });

  it("never repeats a text within a list, whatever the categories (property)", () => {
    fc.assert(
      fc.property(
        fc.subarray([...priorityCategories]),
        fc.subarray([...priorityCategories]),
        fc.constantFrom("both_parents", "grandparents", "mother"),
        (now, then, livesWith) => {
          const plan = derivePersonalisedPlan(
            baseInput({
              student: student({ livingSituation: { livesWith } }),
              flags: now.map((c) => flag(c)),
              history: [visit({ categoriesAtVisit: then })],
            }),
          );
          for (const list of [plan.goals, plan.talkingPoints, plan.prepare, plan.cautions]) {
            const texts = list.map((i) => `${i.text["zh-CN"]}|${i.text.en}`);
            expect(new Set(texts).size).toBe(texts.length);
          }
          const categoryKeys = plan.triggers.filter((t) => t.category !== undefined).map((t) => t.category);
          expect(categoryKeys.sort()).toEqual([...now].sort());
          expect(plan.mentorNeeded).toBe(now.length > 0);
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe("derivePersonalisedPlan: bad input", () => {
  it("rejects an invalid date with its path", () => {
    const error = errorOf(() => derivePersonalisedPlan(baseInput({ date: "2026-13-01" })));
    expect(error.code).toBe("validation_failed");
    expect(error.issues.map((i) => i.path)).toEqual([["date"]]);
  });

  it("rejects a bad history entry with its path", () => {
    const error = errorOf(() =>
      derivePersonalisedPlan(baseInput({ history: [visit(), visit({ channel: "carrier_pigeon" as "phone" })] })),
    );
    expect(error.issues.map((i) => i.path)).toEqual([["history", 1, "channel"]]);
  });

  it("rejects a student of another school", () => {
    const error = errorOf(() => derivePersonalisedPlan(baseInput({ student: student({ schoolId: "sch-2" }) })));
    expect(error.code).toBe("visit_plan_school_mismatch");
    expect(error.status).toBe(422);
    expect(error.messageIn("en")).toBe("The student does not belong to the given school, so no visit plan can be made");
  });
});

describe("extendVisitPlanTable", () => {
  it("overrides the given fields of an entry and keeps the rest", () => {
    const extra = { "zh-CN": "本县爱心助学基金申请表", en: "The county's charity bursary form" };
    const table = extendVisitPlanTable(defaultVisitPlanTable, {
      economic_hardship: { prepare: [...(defaultVisitPlanTable.economic_hardship?.prepare ?? []), extra], rank: 50 },
    });
    expect(table.economic_hardship?.prepare.at(-1)).toEqual(extra);
    expect(table.economic_hardship?.goals).toEqual(defaultVisitPlanTable.economic_hardship?.goals);
    expect(table.economic_hardship?.rank).toBe(50);
    // The base stays as it was.
    expect(defaultVisitPlanTable.economic_hardship?.rank).toBe(300);
    expect(defaultVisitPlanTable.economic_hardship?.prepare).toHaveLength(2);

    const plan = derivePersonalisedPlan(
      baseInput({ flags: [flag("economic_hardship"), flag("family_crisis")], mentorships: [] }),
      table,
    );
    expect(plan.triggers[0]?.key).toBe("economic_hardship");
    expect(plan.prepare.some((p) => p.text.en === extra.en)).toBe(true);
  });

  it("switches an entry off", () => {
    const table = extendVisitPlanTable(defaultVisitPlanTable, { every_visit: { enabled: false } });
    expect(keys(baseInput(), table)).toEqual([]);
    const plan = derivePersonalisedPlan(baseInput(), table);
    expect(plan.goals).toEqual([]);
    expect(plan.tasks).toEqual([]);
  });

  it("leaves out a built-in trigger that a table lacks", () => {
    const { under_14: _dropped, ...rest } = defaultVisitPlanTable;
    expect(keys(baseInput({ student: student({ dateOfBirth: "2013-01-01" }) }), rest)).toEqual(["every_visit"]);
  });

  const rural = {
    label: { "zh-CN": "农村留守儿童", en: "Rural left-behind child" },
    why: { "zh-CN": "农村学校的留守儿童", en: "A left-behind child at a rural school" },
    goals: [{ "zh-CN": "春节前后与返乡父母面谈", en: "Meet the parents while they are home for the Spring Festival" }],
    tasks: ["learn_family_situation" as const],
    outreachGoals: ["support" as const],
    rank: 10,
    when: { triggers: ["parents_away"], schoolSettings: ["rural" as const] },
  };

  it("adds a school's own entry that fires when its condition holds", () => {
    const table = extendVisitPlanTable(defaultVisitPlanTable, { rural_left_behind: rural });
    expect(table.rural_left_behind?.cautions).toEqual([]);
    expect(table.rural_left_behind?.enabled).toBe(true);
    const away = student({ livingSituation: { livesWith: "grandparents", parentsAway: "both" } });
    const ruralSchool = { ...school, setting: "rural" as const };
    const plan = derivePersonalisedPlan(baseInput({ student: away, school: ruralSchool }), table);
    expect(plan.triggers[0]).toEqual({ key: "rural_left_behind", label: rural.label, why: rural.why });
    expect(plan.goals[0]).toEqual({ text: rural.goals[0], triggers: ["rural_left_behind"] });
    expect(plan.outreachGoals).toContain("support");
    // Town school: no; rural school but parents at home: no.
    expect(keys(baseInput({ student: away }), table)).not.toContain("rural_left_behind");
    expect(keys(baseInput({ school: ruralSchool }), table)).not.toContain("rural_left_behind");
  });

  it.each([
    [{ categories: ["disability"] }, { flags: [flag("disability")] }],
    [{ livesWith: ["boarding_school"] }, { student: student({ livingSituation: { livesWith: "boarding_school" } }) }],
    [{ grades: [8] }, {}],
    [
      { remoteHome: true },
      { student: student({ address: { county: "莲都区", town: "峰源乡", village: "高山村", remote: true } }) },
    ],
    [
      { newStudent: true },
      {
        student: student({
          enrolments: [
            { schoolId: "sch-1", classId: "c-8-1", grade: 8, from: "2026-09-01", startReason: "transfer_in" },
          ],
        }),
      },
    ],
    [{ under14: true }, { student: student({ dateOfBirth: "2013-06-01" }) }],
  ] as const)("judges the condition %j", (when, matching) => {
    const table = extendVisitPlanTable(defaultVisitPlanTable, {
      custom: { label: rural.label, why: rural.why, when: when as never },
    });
    expect(keys(baseInput(matching as Partial<PersonalisedPlanInput>), table)).toContain("custom");
    const nonMatching =
      "grades" in when
        ? {
            student: student({
              enrolments: [{ schoolId: "sch-1", classId: "c-9-1", grade: 9, from: "2025-09-01", startReason: "entry" }],
            }),
          }
        : {};
    expect(keys(baseInput(nonMatching), table)).not.toContain("custom");
  });

  it("replaces a school's entry when extended again", () => {
    const once = extendVisitPlanTable(defaultVisitPlanTable, { rural_left_behind: rural });
    const twice = extendVisitPlanTable(once, { rural_left_behind: { when: { schoolSettings: ["town"] } } });
    expect(twice.rural_left_behind?.label).toEqual(rural.label);
    expect(keys(baseInput(), twice)).toContain("rural_left_behind");
  });

  const invalid: [string, unknown, (string | number)[], string][] = [
    [
      "a new entry without when",
      { boarding: { label: rural.label, why: rural.why } },
      ["boarding", "when"],
      "visit_plan_condition_required",
    ],
    [
      "when on a built-in entry",
      { disability: { when: { grades: [7] } } },
      ["disability", "when"],
      "visit_plan_condition_not_allowed",
    ],
    [
      "an empty condition",
      { boarding: { label: rural.label, why: rural.why, when: {} } },
      ["boarding", "when"],
      "visit_plan_condition_empty",
    ],
    [
      "an unknown trigger in a condition",
      { boarding: { ...rural, when: { triggers: ["rural_left_behind"] } } },
      ["boarding", "when", "triggers", 0],
      "visit_plan_unknown_trigger",
    ],
    [
      "a text without English",
      { disability: { goals: [{ "zh-CN": "了解情况" }] } },
      ["disability", "goals", 0, "en"],
      "invalid_type",
    ],
    [
      "an empty text",
      { disability: { cautions: [{ "zh-CN": " ", en: "x" }] } },
      ["disability", "cautions", 0, "zh-CN"],
      "too_small",
    ],
    [
      "a new entry without a label",
      { boarding: { why: rural.why, when: rural.when } },
      ["boarding", "label"],
      "invalid_type",
    ],
    ["an unknown field", { disability: { colour: "red" } }, ["disability"], "unrecognized_keys"],
    ["an unknown task", { disability: { tasks: ["make_tea"] } }, ["disability", "tasks", 0], "invalid_value"],
    [
      "a reserved key",
      { constructor: { label: rural.label, why: rural.why, when: rural.when } },
      ["constructor"],
      "reserved_key",
    ],
    [
      "a key that is not snake_case",
      { "Rural-Kids": { label: rural.label, why: rural.why, when: rural.when } },
      ["Rural-Kids"],
      "visit_plan_key_invalid",
    ],
  ];

  it.each(invalid)("rejects %s with the path of the problem", (_name, extension, path, code) => {
    const error = errorOf(() => extendVisitPlanTable(defaultVisitPlanTable, extension as never));
    expect(error.code).toBe("validation_failed");
    expect(error.issues.map((i) => ({ path: i.path, code: i.code }))).toContainEqual({ path, code });
    for (const issue of error.issues) {
      expect(issue.message["zh-CN"]).not.toBe("");
      expect(issue.message.en).not.toBe("");
    }
  });

  it("explains a catalog-coded problem in both languages", () => {
    const error = errorOf(() =>
      extendVisitPlanTable(defaultVisitPlanTable, { boarding: { label: rural.label, why: rural.why } }),
    );
    expect(error.issues[0]?.message).toEqual({
      "zh-CN": "自定义条目“boarding”必须用 when 写明触发条件",
      en: 'The custom entry "boarding" needs a "when" condition',
    });
  });

  it("rejects a __proto__ key from parsed JSON without touching any prototype", () => {
    const extension = JSON.parse(`{"__proto__": {"label": {"zh-CN": "x", "en": "x"}}}`);
    const error = errorOf(() => extendVisitPlanTable(defaultVisitPlanTable, extension));
    expect(error.issues.map((i) => ({ path: i.path, code: i.code }))).toEqual([
      { path: ["__proto__"], code: "reserved_key" },
    ]);
    expect(({} as Record<string, unknown>).label).toBeUndefined();
  });
});
