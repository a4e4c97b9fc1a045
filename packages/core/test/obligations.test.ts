import {
  type CategoryFlag,
  type DeriveObligationsInput,
  defaultObligationRules,
  deriveObligations,
  expandRecurrence,
  type Mentorship,
  type Obligation,
  type ObligationRules,
  type ObligationStudent,
  type PriorityCategory,
  resolveObligationRules,
  type School,
  type Term,
} from "@homevisit/core";
import fc from "fast-check";
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
const spring: Term = {
  id: "2026-2027-2",
  schoolYear: 2026,
  index: 2,
  start: "2027-02-22",
  end: "2027-07-02",
  campaigns: [],
};
const urban: Pick<School, "id" | "kind" | "entryGrades" | "setting"> = { id: "sch1", kind: "junior", setting: "urban" };
const rural = { ...urban, setting: "rural" as const };
const town = { ...urban, setting: "town" as const };

/** A grade-8 student who has been at the school since 2025. */
function continuing(id: string, extra: Partial<ObligationStudent> = {}): ObligationStudent {
  return {
    id,
    enrolments: [{ schoolId: "sch1", classId: "c8-1", grade: 8, from: "2025-09-01", startReason: "entry" }],
    ...extra,
  };
}

/** A grade-7 student joining the junior school on a date. */
function newcomer(id: string, from = "2026-09-01"): ObligationStudent {
  return { id, enrolments: [{ schoolId: "sch1", classId: "c7-1", grade: 7, from, startReason: "entry" }] };
}

function flag(studentId: string, category: PriorityCategory, validFrom: string, extra: Partial<CategoryFlag> = {}) {
  return {
    id: `f-${studentId}-${category}-${validFrom}`,
    studentId,
    category,
    validFrom,
    evidence: "记录在案",
    flaggedBy: "t1",
    flaggedAt: `${validFrom}T09:00:00+08:00`,
    ...extra,
  } satisfies CategoryFlag;
}

const away = {
  livingSituation: { livesWith: "grandparents" as const, parentsAway: "both" as const },
};

function derive(input: Partial<DeriveObligationsInput> & Pick<DeriveObligationsInput, "students">): Obligation[] {
  return deriveObligations({ term: autumn, school: urban, ...input });
}

/** The in-home obligations (mentor contacts left out). */
function visitsOf(obligations: Obligation[]): Obligation[] {
  return obligations.filter((o) => o.channel === "in_home");
}

describe("default rules", () => {
  it("follow the guidance", () => {
    const r = defaultObligationRules;
    expect(r.universal.enabled).toBe(true);
    expect(r.newStudent.weeks).toBe(6);
    expect(r.priority.inHomeVisitsPerTerm).toBe(1);
    expect(r.priority.categories).toHaveLength(7);
    expect(r.mentorContact.cadence).toBe("FREQ=MONTHLY");
    expect(r.crisis.days).toBe(7);
    expect(r.rural.springFestival).toEqual({ enabled: true, daysBefore: 10, daysAfter: 15 });
    expect(r.rural.settings).toEqual(["rural", "town"]);
    expect(r.rural.farmingSeasons.map((s) => [s.id, s.from.term, s.to.term])).toEqual([
      ["summer_busy", "mangzhong", "mangzhong"],
      ["autumn_harvest", "hanlu", "hanlu"],
    ]);
    expect(r.rural.placement).toBe("preferred");
    expect(r.campaigns.windows).toEqual([]);
    expect(r.teacher.minimumVisitsPerTerm).toBe(1);
    expect(r.teacher.carryingRoles).toEqual(["teacher", "class_teacher", "mentor", "principal"]);
    expect(resolveObligationRules()).toEqual(defaultObligationRules);
  });
});

describe("universal_yearly (R2)", () => {
  it("asks every enrolled student for one in-home visit in the term", () => {
    const [o, ...rest] = derive({ students: [continuing("s1")] });
    expect(rest).toEqual([]);
    expect(o).toEqual({
      id: "universal_yearly:s1:2026-09-01",
      ruleId: "universal_yearly",
      ruleIds: ["universal_yearly"],
      schoolId: "sch1",
      studentId: "s1",
      kind: "universal",
      channel: "in_home",
      window: { from: "2026-09-01", to: "2027-01-22" },
      preferred: [],
      needsCompanion: false,
      urgency: 10,
      why: {
        "zh-CN": "全员普访：本学年须至少完成1次入户家访（2027-01-22前）",
        en: "Universal round: at least one in-home visit this school year (by 2027-01-22)",
      },
    });
  });

  it("is asked again in the spring term only until an in-home visit of the year is known", () => {
    expect(deriveObligations({ term: spring, school: urban, students: [continuing("s1")] })).toHaveLength(1);
    const inHome = [{ studentId: "s1", date: "2026-11-05", inHome: true }];
    expect(
      deriveObligations({ term: spring, school: urban, students: [continuing("s1")], previousVisits: inHome }),
    ).toEqual([]);
    // A phone call is not an in-home visit; last school year's visit does not count.
    const notEnough = [
      { studentId: "s1", date: "2026-11-05", inHome: false },
      { studentId: "s1", date: "2026-05-05", inHome: true },
      { studentId: "s2", date: "2026-11-05", inHome: true },
    ];
    expect(
      deriveObligations({ term: spring, school: urban, students: [continuing("s1")], previousVisits: notEnough }),
    ).toHaveLength(1);
  });

  it("skips students not at the school in the term and clips to the enrolment", () => {
    const period = (to: string): ObligationStudent["enrolments"][number] => ({
      schoolId: "sch1",
      classId: "c8-1",
      grade: 8,
      from: "2025-09-01",
      to,
      startReason: "entry",
      endReason: "transfer_out",
    });
    const left: ObligationStudent = { id: "gone", enrolments: [period("2026-11-30")] };
    const before: ObligationStudent = { id: "before", enrolments: [period("2026-07-10")] };
    const elsewhere: ObligationStudent = {
      id: "other",
      enrolments: [{ schoolId: "sch2", classId: "c7-1", grade: 7, from: "2026-09-01", startReason: "entry" }],
    };
    const out = derive({ students: [left, elsewhere, before] });
    expect(out.map((o) => [o.studentId, o.window])).toEqual([["gone", { from: "2026-09-01", to: "2026-11-30" }]]);
  });

  it("sends two adults to a remote home unless the rules say otherwise", () => {
    const remote = continuing("r1", {
      address: { county: "遂昌县", town: "湖山乡", village: "某村", remote: true },
    });
    expect(derive({ students: [remote] })[0]?.needsCompanion).toBe(true);
    expect(derive({ students: [continuing("s1")] })[0]?.needsCompanion).toBe(false);
    const rules = resolveObligationRules({ school: { companion: { remoteHomes: false } } });
    expect(derive({ students: [remote], rules })[0]?.needsCompanion).toBe(false);
  });

  it("can be switched off", () => {
    const rules = resolveObligationRules({ school: { universal: { enabled: false } } });
    expect(derive({ students: [continuing("s1")], rules })).toEqual([]);
  });
});

describe("new_student", () => {
  it("asks for an in-home visit within 6 weeks, merged with the universal visit", () => {
    const [o, ...rest] = derive({ students: [newcomer("n1")] });
    expect(rest).toEqual([]);
    expect(o?.id).toBe("new_student:n1:2026-09-01");
    expect(o?.kind).toBe("new_student");
    expect(o?.ruleIds).toEqual(["new_student", "universal_yearly"]);
    expect(o?.window).toEqual({ from: "2026-09-01", to: "2026-10-13" });
    expect(o?.urgency).toBe(60);
    expect(o?.why["zh-CN"]).toBe(
      "新生，须在入学后6周内（2026-10-13前）完成入户家访；全员普访：本学年须至少完成1次入户家访（2027-01-22前）",
    );
    expect(o?.why.en).toBe(
      "New student: an in-home visit within 6 weeks of enrolment (by 2026-10-13); Universal round: at least one in-home visit this school year (by 2027-01-22)",
    );
  });

  it("counts the weeks from a mid-term transfer and follows the configured weeks", () => {
    const transfer = {
      id: "t1",
      enrolments: [
        { schoolId: "sch1", classId: "c8-2", grade: 8, from: "2026-11-02", startReason: "transfer_in" as const },
      ],
    };
    expect(derive({ students: [transfer] })[0]?.window).toEqual({ from: "2026-11-02", to: "2026-12-14" });
    const rules = resolveObligationRules({ county: { newStudent: { weeks: 4 } } });
    expect(derive({ students: [newcomer("n1")], rules })[0]?.window).toEqual({ from: "2026-09-01", to: "2026-09-29" });
  });

  it("is not asked again in the spring term, nor once its visit happened", () => {
    expect(
      deriveObligations({ term: spring, school: urban, students: [newcomer("n1")] }).map((o) => o.ruleIds),
    ).toEqual([["universal_yearly"]]);
    const visited = [{ studentId: "n1", date: "2026-09-20", inHome: true }];
    expect(derive({ students: [newcomer("n1")], previousVisits: visited })).toEqual([]);
    // A visit after the 6 weeks satisfies the universal round, not the new-student visit.
    const late = [{ studentId: "n1", date: "2026-10-20", inHome: true }];
    const [o] = derive({ students: [newcomer("n1")], previousVisits: late });
    expect(o?.ruleIds).toEqual(["new_student"]);
  });
});

describe("priority_per_term", () => {
  it("asks for one in-home visit while the category is active, and a monthly mentor contact", () => {
    const out = derive({
      students: [continuing("p1")],
      flags: [flag("p1", "learning_difficulty", "2026-10-01")],
      mentorships: [{ studentId: "p1", mentorId: "t9", since: "2026-10-15" }],
    });
    expect(out.map((o) => o.id)).toEqual(["priority_per_term:p1:2026-10-01", "mentor_contact:p1:2026-10-15"]);
    const [visit, contact] = out;
    expect(visit?.ruleIds).toEqual(["priority_per_term", "universal_yearly"]);
    expect(visit?.window).toEqual({ from: "2026-10-01", to: "2027-01-22" });
    expect(visit?.category).toBe("learning_difficulty");
    expect(visit?.urgency).toBe(40);
    expect(visit?.why["zh-CN"]).toContain("重点学生（学习困难学生），本学期须至少完成1次入户家访（2027-01-22前）");
    expect(visit?.why.en).toContain("Priority student (Learning difficulties): at least one in-home visit this term");
    expect(contact).toEqual({
      id: "mentor_contact:p1:2026-10-15",
      ruleId: "mentor_contact",
      ruleIds: ["mentor_contact"],
      schoolId: "sch1",
      studentId: "p1",
      kind: "mentor_contact",
      channel: "any",
      category: "learning_difficulty",
      window: { from: "2026-10-15", to: "2027-01-22" },
      preferred: [],
      rrule: "DTSTART:20261015T000000\nRRULE:FREQ=MONTHLY;UNTIL=20270122T235959",
      needsCompanion: false,
      urgency: 20,
      why: {
        "zh-CN": "重点学生（学习困难学生），德育导师须每月联系一次（2026-10-15至2027-01-22）",
        en: "Priority student (Learning difficulties): the mentor keeps in contact monthly (2026-10-15 to 2027-01-22)",
      },
    });
  });

  it("bounds mentor contacts to the active category and says when no mentor is appointed", () => {
    const out = derive({
      students: [continuing("p1")],
      flags: [flag("p1", "economic_hardship", "2026-09-10", { validTo: "2026-12-31" })],
    });
    const contact = out.find((o) => o.kind === "mentor_contact");
    expect(contact?.rrule).toBe("DTSTART:20260910T000000\nRRULE:FREQ=MONTHLY;UNTIL=20261231T235959");
    expect(contact?.why["zh-CN"]).toContain("（尚未指定德育导师）");
    expect(contact?.why.en).toContain("(no mentor appointed yet)");
    // Every contact rule is floating and bounded.
    expect(contact?.rrule).toMatch(/^DTSTART:\d{8}T000000\nRRULE:FREQ=MONTHLY;UNTIL=\d{8}T235959$/);
    expect(contact?.rrule).not.toMatch(/TZID/);
  });

  it("writes a contact rule the scheduler expands inside the window", () => {
    const out = derive({
      students: [continuing("p1")],
      flags: [flag("p1", "learning_difficulty", "2026-10-01")],
      mentorships: [{ studentId: "p1", mentorId: "t9", since: "2026-10-15" }],
    });
    const contact = out.find((o) => o.kind === "mentor_contact");
    expect(expandRecurrence(contact?.rrule ?? "", { from: autumn.start, to: "2027-06-30" })).toEqual([
      "2026-10-15",
      "2026-11-15",
      "2026-12-15",
      "2027-01-15",
    ]);
  });

  it("follows a configured cadence", () => {
    const rules = resolveObligationRules({ school: { mentorContact: { cadence: "FREQ=WEEKLY;INTERVAL=2" } } });
    const out = derive({ students: [continuing("p1")], flags: [flag("p1", "disability", "2026-09-01")], rules });
    const contact = out.find((o) => o.kind === "mentor_contact");
    expect(contact?.rrule).toBe("DTSTART:20260901T000000\nRRULE:FREQ=WEEKLY;INTERVAL=2;UNTIL=20270122T235959");
    expect(contact?.why["zh-CN"]).toContain("每2周联系一次");
    expect(contact?.why.en).toContain("every 2 weeks");
  });

  it("splits the term into disjoint windows when more visits are asked", () => {
    const rules = resolveObligationRules({ city: { priority: { inHomeVisitsPerTerm: 2 } } });
    const out = derive({ students: [continuing("p1")], flags: [flag("p1", "disability", "2026-09-01")], rules });
    const visits = out.filter((o) => o.channel === "in_home");
    expect(visits.map((o) => o.window)).toEqual([
      { from: "2026-09-01", to: "2026-11-11" },
      { from: "2026-11-12", to: "2027-01-22" },
    ]);
    expect(visits.map((o) => o.ruleIds)).toEqual([["priority_per_term", "universal_yearly"], ["priority_per_term"]]);
    expect(visits[1]?.why.en).toContain("in-home visit 2 of 2 this term (2026-11-12 to 2027-01-22)");
  });

  it("merges with the new-student visit: one visit satisfies both", () => {
    const out = derive({ students: [newcomer("n1")], flags: [flag("n1", "migrant_worker_child", "2026-09-01")] });
    const visits = out.filter((o) => o.channel === "in_home");
    expect(visits).toHaveLength(1);
    expect(visits[0]?.ruleIds).toEqual(["new_student", "priority_per_term", "universal_yearly"]);
    expect(visits[0]?.window).toEqual({ from: "2026-09-01", to: "2026-10-13" });
    expect(visits[0]?.category).toBe("migrant_worker_child");
  });

  it("only counts the categories the rules name, and flags known on the planning date", () => {
    const rules = resolveObligationRules({ county: { priority: { categories: ["disability"] } } });
    const flags = [flag("p1", "learning_difficulty", "2026-10-01")];
    expect(derive({ students: [continuing("p1")], flags, rules }).map((o) => o.kind)).toEqual(["universal"]);
    expect(derive({ students: [continuing("p1")], flags, date: "2026-09-15" }).map((o) => o.kind)).toEqual([
      "universal",
    ]);
  });
});

describe("family_crisis", () => {
  it("asks for an in-home visit within 7 days of the flag, with two adults", () => {
    const out = derive({ students: [continuing("c1")], flags: [flag("c1", "family_crisis", "2026-11-10")] });
    const visits = out.filter((o) => o.channel === "in_home");
    expect(visits).toHaveLength(1);
    expect(visits[0]).toMatchObject({
      id: "family_crisis:c1:2026-11-10",
      kind: "crisis",
      category: "family_crisis",
      ruleIds: ["family_crisis", "priority_per_term", "universal_yearly"],
      window: { from: "2026-11-10", to: "2026-11-17" },
      needsCompanion: true,
      urgency: 100,
      preferred: [],
    });
    expect(visits[0]?.why["zh-CN"]).toMatch(
      /^家庭突发重大变故（2026-11-10登记），须在7天内（2026-11-17前）完成入户家访；/,
    );
    expect(visits[0]?.why.en).toMatch(
      /^Family crisis flagged on 2026-11-10: an in-home visit within 7 days \(by 2026-11-17\); /,
    );
  });

  it("keeps a late crisis apart from an earlier new-student window", () => {
    const out = derive({ students: [newcomer("n1")], flags: [flag("n1", "family_crisis", "2026-11-10")] });
    expect(out.filter((o) => o.channel === "in_home").map((o) => [o.id, o.ruleIds])).toEqual([
      ["new_student:n1:2026-09-01", ["new_student", "universal_yearly"]],
      ["family_crisis:n1:2026-11-10", ["family_crisis", "priority_per_term"]],
    ]);
  });

  it("runs past the term's end and follows the configured days", () => {
    const flags = [flag("c1", "family_crisis", "2027-01-20")];
    const [late] = derive({ students: [continuing("c1")], flags }).filter((o) => o.kind === "crisis");
    expect(late?.window).toEqual({ from: "2027-01-20", to: "2027-01-27" });
    const rules = resolveObligationRules({ city: { crisis: { days: 3 } } });
    const [short] = derive({ students: [continuing("c1")], flags: [flag("c1", "family_crisis", "2026-11-10")], rules });
    expect(short?.window).toEqual({ from: "2026-11-10", to: "2026-11-13" });
  });

  it("owns a crisis of the vacation before the term when told where the vacation starts", () => {
    const flags = [flag("c1", "family_crisis", "2027-02-01")];
    const input = { term: spring, school: urban, students: [continuing("c1")], flags };
    expect(deriveObligations(input).some((o) => o.kind === "crisis")).toBe(false);
    const owned = deriveObligations({ ...input, vacationStart: "2027-01-23" }).filter((o) => o.kind === "crisis");
    expect(owned.map((o) => [o.id, o.window, o.ruleIds])).toEqual([
      ["family_crisis:c1:2027-02-01", { from: "2027-02-01", to: "2027-02-08" }, ["family_crisis"]],
    ]);
  });

  it("ignores a crisis flagged before the term (that term owned it) and is dropped once visited", () => {
    const flags = [flag("c1", "family_crisis", "2026-08-20")];
    expect(derive({ students: [continuing("c1")], flags }).some((o) => o.kind === "crisis")).toBe(false);
    const visited = derive({
      students: [continuing("c1")],
      flags: [flag("c1", "family_crisis", "2026-11-10")],
      previousVisits: [{ studentId: "c1", date: "2026-11-12", inHome: true }],
    });
    expect(visited.filter((o) => o.channel === "in_home")).toEqual([]);
  });
});

describe("R13: left-behind children in rural schools", () => {
  const students = [continuing("l1", away)];
  const flags = [flag("l1", "left_behind_or_single_parent", "2026-09-01")];

  it("prefers the farming season in term and reaches into the Spring Festival of the winter vacation", () => {
    const [visit] = visitsOf(derive({ school: rural, students, flags }));
    expect(visit?.ruleIds).toEqual(["priority_per_term", "universal_yearly"]);
    // 2027's Spring Festival is 02-06: −10 … +15 days.
    expect(visit?.window).toEqual({ from: "2026-09-01", to: "2027-02-21" });
    expect(visit?.preferred.map((p) => [p.from, p.to])).toEqual([
      ["2026-10-01", "2026-10-15"], // 寒露 2026-10-08 ± 7
      ["2027-01-27", "2027-02-21"],
    ]);
    expect(visit?.preferred[1]?.reason).toEqual({
      "zh-CN": "春节前后父母返乡：2027-01-27至2027-02-21",
      en: "Parents home for the Spring Festival: 2027-01-27 to 2027-02-21",
    });
    expect(visit?.why["zh-CN"]).toContain("留守儿童，宜在父母返乡时（春节、农忙）入户家访");
  });

  it("prefers 芒种 in the spring term, and a Spring Festival window that reaches into the term", () => {
    const [visit] = visitsOf(deriveObligations({ term: spring, school: rural, students, flags }));
    expect(visit?.window).toEqual({ from: "2027-02-22", to: "2027-07-02" });
    expect(visit?.preferred.map((p) => [p.from, p.to])).toEqual([["2027-05-30", "2027-06-13"]]); // 芒种 2027-06-06
    const spring2026: Term = { ...spring, id: "2025-2026-2", schoolYear: 2025, start: "2026-03-02", end: "2026-07-03" };
    const since2025 = [flag("l1", "left_behind_or_single_parent", "2025-09-01")];
    const [earlier] = visitsOf(deriveObligations({ term: spring2026, school: rural, students, flags: since2025 }));
    expect(earlier?.preferred.map((p) => [p.from, p.to])).toEqual([
      ["2026-03-02", "2026-03-04"], // 2026-02-17 + 15
      ["2026-05-29", "2026-06-12"], // 芒种 2026-06-05
    ]);
  });

  it("applies in town schools by default, never in urban ones, and follows the configured settings", () => {
    expect(visitsOf(derive({ school: town, students, flags }))[0]?.preferred).toHaveLength(2);
    const [urbanVisit] = visitsOf(derive({ school: urban, students, flags }));
    expect(urbanVisit?.preferred).toEqual([]);
    expect(urbanVisit?.window).toEqual({ from: "2026-09-01", to: "2027-01-22" });
    const ruralOnly = resolveObligationRules({ city: { rural: { settings: ["rural"] } } });
    expect(visitsOf(derive({ school: town, students, flags, rules: ruralOnly }))[0]?.preferred).toEqual([]);
    expect(visitsOf(derive({ school: rural, students, flags, rules: ruralOnly }))[0]?.preferred).toHaveLength(2);
  });

  it("does not apply when the record shows both parents at home (a single-parent family)", () => {
    const home = continuing("l2", {
      livingSituation: { livesWith: "mother", parentsAway: "none" },
      guardians: [],
    });
    const [visit] = visitsOf(
      derive({ school: rural, students: [home], flags: [flag("l2", "left_behind_or_single_parent", "2026-09-01")] }),
    );
    expect(visit?.preferred).toEqual([]);
    expect(visit?.window.to).toBe("2027-01-22");
  });

  it("puts the visit inside a parents-home window when placement is required", () => {
    const rules = resolveObligationRules({ county: { rural: { placement: "required" } } });
    const [visit] = visitsOf(derive({ school: rural, students, flags, rules }));
    expect(visit?.window).toEqual({ from: "2026-10-01", to: "2026-10-15" });
    expect(visit?.ruleIds).toEqual(["priority_per_term", "universal_yearly"]);
  });

  it("uses a county's own farming seasons and Spring Festival window", () => {
    const rules = resolveObligationRules({
      county: {
        rural: {
          springFestival: { daysBefore: 5, daysAfter: 5 },
          farmingSeasons: [
            {
              id: "tea_picking",
              label: { "zh-CN": "采茶季", en: "Tea picking" },
              from: { term: "qingming", offsetDays: -10 },
              to: { term: "guyu", offsetDays: 0 },
            },
          ],
        },
      },
    });
    const [visit] = visitsOf(deriveObligations({ term: spring, school: rural, students, flags, rules }));
    expect(visit?.preferred.map((p) => [p.from, p.to, p.reason["zh-CN"]])).toEqual([
      ["2027-03-26", "2027-04-20", "农忙时节父母返乡（采茶季）：2027-03-26至2027-04-20"],
    ]);
    const [autumnVisit] = visitsOf(derive({ school: rural, students, flags, rules }));
    expect(autumnVisit?.window.to).toBe("2027-02-11"); // 02-06 + 5
  });
});

describe("campaign periods", () => {
  it("are preferred windows of routine visits, from the term and from the rules", () => {
    const term: Term = { ...autumn, campaigns: [{ from: "2026-10-08", to: "2026-10-31", name: "秋季集中家访" }] };
    const rules = resolveObligationRules({
      city: {
        campaigns: {
          windows: [
            { termIndex: 1, from: "12-01", to: "12-20" },
            { termIndex: 2, from: "03-01", to: "03-31" },
          ],
        },
      },
    });
    const [visit] = deriveObligations({ term, school: urban, students: [continuing("s1")], rules });
    expect(visit?.preferred).toEqual([
      {
        from: "2026-10-08",
        to: "2026-10-31",
        reason: {
          "zh-CN": "集中性家访期（秋季集中家访）：2026-10-08至2026-10-31",
          en: "Campaign period (秋季集中家访): 2026-10-08 to 2026-10-31",
        },
      },
      {
        from: "2026-12-01",
        to: "2026-12-20",
        reason: { "zh-CN": "集中性家访期：2026-12-01至2026-12-20", en: "Campaign period: 2026-12-01 to 2026-12-20" },
      },
    ]);
    const [springVisit] = deriveObligations({ term: spring, school: urban, students: [continuing("s1")], rules });
    expect(springVisit?.preferred.map((p) => [p.from, p.to])).toEqual([["2027-03-01", "2027-03-31"]]);
    // A new student's window keeps only the part of a campaign inside it.
    const [fresh] = deriveObligations({ term, school: urban, students: [newcomer("n1")] });
    expect(fresh?.preferred.map((p) => [p.from, p.to])).toEqual([["2026-10-08", "2026-10-13"]]);
  });
});

describe("determinism", () => {
  const students = [
    newcomer("n1"),
    continuing("s1"),
    continuing("l1", away),
    continuing("c1"),
    newcomer("n2", "2026-11-16"),
  ];
  const flags = [
    flag("l1", "left_behind_or_single_parent", "2026-09-01"),
    flag("c1", "family_crisis", "2026-10-20"),
    flag("c1", "economic_hardship", "2026-09-01"),
    flag("n2", "disability", "2026-11-16"),
  ];
  const mentorships: Mentorship[] = [{ studentId: "c1", mentorId: "t3", since: "2026-09-05" }];

  it("gives the same obligations, ids and order whatever the input order", () => {
    const base = deriveObligations({ term: autumn, school: rural, students, flags, mentorships });
    expect(new Set(base.map((o) => o.id)).size).toBe(base.length);
    fc.assert(
      fc.property(
        fc.shuffledSubarray(students, { minLength: students.length }),
        fc.shuffledSubarray(flags, { minLength: flags.length }),
        (s, f) => {
          expect(deriveObligations({ term: autumn, school: rural, students: s, flags: f, mentorships })).toEqual(base);
        },
      ),
      { numRuns: 50 },
    );
  });

  it("keeps every window inside the student's reach and every merged window inside each rule's", () => {
    const out = deriveObligations({ term: autumn, school: rural, students, flags, mentorships });
    for (const o of out) {
      expect(o.window.from <= o.window.to).toBe(true);
      expect(o.window.from >= autumn.start).toBe(true);
      expect(o.ruleIds?.[0]).toBe(o.ruleId);
      for (const p of o.preferred) expect(p.from >= o.window.from && p.to <= o.window.to).toBe(true);
    }
  });

  it("does not depend on the host time zone", () => {
    const original = process.env.TZ;
    const base = deriveObligations({ term: autumn, school: rural, students, flags, mentorships });
    try {
      for (const tz of ["America/New_York", "Pacific/Kiritimati", "UTC"]) {
        process.env.TZ = tz;
        expect(deriveObligations({ term: autumn, school: rural, students, flags, mentorships })).toEqual(base);
      }
    } finally {
      if (original === undefined) delete process.env.TZ;
      else process.env.TZ = original;
    }
  });
});

describe("input errors", () => {
  it("refuse an inverted term and bad rules", () => {
    expect(errorOf(() => derive({ term: { ...autumn, end: "2026-08-01" }, students: [] })).code).toBe(
      "obligations_term_inverted",
    );
    const bad = { ...defaultObligationRules, crisis: { enabled: true, days: 0 } } as ObligationRules;
    const error = errorOf(() => derive({ students: [], rules: bad }));
    expect(error.code).toBe("validation_failed");
    expect(error.issues[0]?.path).toEqual(["rules", "crisis", "days"]);
  });
});

describe("merging (property)", () => {
  const categories: PriorityCategory[] = [
    "economic_hardship",
    "learning_difficulty",
    "left_behind_or_single_parent",
    "family_crisis",
  ];
  const dayInTerm = fc.integer({ min: 0, max: 143 }).map((n) => addDaysIso(autumn.start, n));
  const scenario = fc.record({
    joined: fc.option(dayInTerm, { nil: undefined }),
    flags: fc.array(fc.record({ category: fc.constantFrom(...categories), from: dayInTerm }), { maxLength: 4 }),
    setting: fc.constantFrom("urban" as const, "rural" as const),
    required: fc.boolean(),
    perTerm: fc.integer({ min: 1, max: 3 }),
    pick: fc.nat(),
  });

  it("any in-home visit inside an obligation's window satisfies every rule it lists", () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const student = s.joined ? newcomer("x", s.joined) : continuing("x", away);
        const flags = s.flags.map((f, i) => ({ ...flag("x", f.category, f.from), id: `f${i}` }));
        const rules = resolveObligationRules({
          school: {
            priority: { inHomeVisitsPerTerm: s.perTerm },
            rural: { placement: s.required ? "required" : "preferred" },
          },
        });
        const input = { term: autumn, school: { ...urban, setting: s.setting }, students: [student], flags, rules };
        const before = visitsOf(deriveObligations(input));
        const ruleCount = (list: Obligation[]) => list.reduce((n, o) => n + (o.ruleIds?.length ?? 0), 0);
        for (const o of before) {
          expect(o.window.from <= o.window.to).toBe(true);
          expect(o.ruleIds?.[0]).toBe(o.ruleId);
        }
        const target = before[s.pick % Math.max(1, before.length)];
        if (!target) return;
        const span = daysBetweenIso(target.window.from, target.window.to);
        const date = addDaysIso(target.window.from, s.pick % (span + 1));
        const after = visitsOf(
          deriveObligations({ ...input, previousVisits: [{ studentId: "x", date, inHome: true }] }),
        );
        expect(after.some((o) => o.id === target.id)).toBe(false);
        expect(ruleCount(after)).toBeLessThanOrEqual(ruleCount(before) - (target.ruleIds?.length ?? 1));
      }),
      { numRuns: 150 },
    );
  });
});

function addDaysIso(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

function daysBetweenIso(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}
