// Golden outputs of the whole planner on seeded demo data. The planner's speed-ups must not
// change a single decision: every obligation, assignment, reason, mentorship, slot and
// unscheduled entry goes into these hashes. They were taken anew, on purpose, when issue 15
// changed what the planner decides (provisional calendar, family alternatives, contacts as
// contacts, crisis past caps, load balance, realistic family hours in the demo data).
import { createHash } from "node:crypto";
import {
  type Assignment,
  assignVisitors,
  type BusySlot,
  deriveObligations,
  planQuality,
  reassignCaseload,
  type ScheduleOptionsInput,
  scheduleConflicts,
  scheduleVisits,
  type Term,
} from "@homevisit/core";
import { type DemoDataset, generateCounty, generateSchool } from "@homevisit/demo-data";
import { describe, expect, it } from "vitest";
import { campaignTerm } from "./fixtures/planning.js";

/** Lessons on weekdays for teachers with classes, a Wednesday evening meeting for every third. */
function lessons(data: DemoDataset): BusySlot[] {
  const slots: BusySlot[] = [];
  data.teachers.forEach((t, i) => {
    for (
      let d = new Date("2026-09-01T00:00:00Z");
      d <= new Date("2027-01-22T00:00:00Z");
      d.setUTCDate(d.getUTCDate() + 1)
    ) {
      const day = d.getUTCDay();
      const date = d.toISOString().slice(0, 10);
      if (day === 0 || day === 6) continue;
      if (t.classIds.length > 0) slots.push({ teacherId: t.id, date, from: "08:00", to: "16:40", reason: "lessons" });
      if (i % 3 === 0 && day === 3)
        slots.push({ teacherId: t.id, date, from: "17:30", to: "18:30", reason: "meeting" });
    }
  });
  return slots;
}

interface Variant {
  busy: boolean;
  options?: ScheduleOptionsInput;
  previous: boolean;
}

/** Plans every school of a data set; returns the digest of everything the planner produced. */
function planDigest(
  data: DemoDataset,
  variant: Variant,
  term: Term = campaignTerm,
): { hash: string; slots: number; unscheduled: number } {
  const hash = createHash("sha256");
  let slots = 0;
  let unscheduled = 0;
  const busyAll = variant.busy ? lessons(data) : [];
  for (const school of data.schools) {
    const students = data.students.filter((s) => s.schoolId === school.id);
    const ids = new Set(students.map((s) => s.id));
    const teachers = data.teachers.filter((t) => t.schoolId === school.id);
    const teacherIds = new Set(teachers.map((t) => t.id));
    const classes = data.classes.filter((c) => c.schoolId === school.id);
    const flags = data.categoryFlags.filter((f) => ids.has(f.studentId));
    const mentorships = data.mentorships.filter((m) => ids.has(m.studentId));
    const obligations = deriveObligations({ term, school, students, flags, mentorships });
    let previousAssignments: Assignment[] | undefined;
    if (variant.previous) {
      previousAssignments = assignVisitors({ school, term, teachers, classes, students, obligations }).assignments;
    }
    const plan = assignVisitors({
      school,
      term,
      teachers,
      classes,
      students,
      obligations,
      mentorships,
      ...(previousAssignments ? { previousAssignments } : {}),
    });
    const busySlots = busyAll.filter((b) => teacherIds.has(b.teacherId));
    const schedule = scheduleVisits({
      term,
      assignments: plan.assignments,
      obligations,
      students,
      busySlots,
      ...(variant.options ? { options: variant.options } : {}),
    });
    // The plan must stay sound, whatever it is.
    expect(scheduleConflicts(schedule.slots, busySlots)).toEqual([]);
    const quality = planQuality(plan, {
      term,
      teachers,
      obligations,
      students,
      ...(previousAssignments ? { previousAssignments } : {}),
    });
    const leaving = teachers.find((t) => !t.roles.includes("principal"));
    const reassigned = leaving
      ? reassignCaseload(plan, {
          school,
          term,
          teachers,
          classes,
          students,
          obligations,
          teacherId: leaving.id,
          leftOn: "2026-11-15",
          completedObligationIds: plan.assignments.slice(0, 5).map((a) => a.obligationId),
        })
      : undefined;
    hash.update(JSON.stringify({ school: school.id, obligations, plan, schedule, quality, reassigned }));
    slots += schedule.slots.length;
    unscheduled += schedule.unscheduled.length;
  }
  return { hash: hash.digest("hex"), slots, unscheduled };
}

describe("planner golden outputs (optimisations change no decision)", () => {
  const school = generateSchool({ seed: 1 });
  const bigSchool = generateSchool({ seed: 3, students: 3000, kind: "junior", county: "莲都区" });

  it("plans the seeded demo school as pinned", () => {
    expect(planDigest(school, { busy: false, previous: false })).toEqual({
      hash: "0ead7a2d991aa63ea5535635a1b93fe070d31c81d885adc3b206859f8bf53f75",
      slots: 2539,
      unscheduled: 0,
    });
  });

  it("plans the demo school with lessons, unknown days allowed and holiday visits in preferred windows", () => {
    expect(
      planDigest(school, {
        busy: true,
        previous: true,
        options: { allowUnknownDays: true, holidayVisits: "preferred_windows" },
      }),
    ).toEqual({
      hash: "6740c56b83ef40fa4a964aa0bd21c7faf6b16b3a753f969ee6bf9f0a41b1bccd",
      slots: 2539,
      unscheduled: 0,
    });
  });

  it("plans a 3,000-student school with lessons as pinned", () => {
    expect(planDigest(bigSchool, { busy: true, previous: false, options: { allowUnknownDays: true } })).toEqual({
      hash: "022c456caa8214b23a823e9c0264a14caced1ba3fd06d40086913723e455b389",
      slots: 8026,
      unscheduled: 2,
    });
  });

  it("plans the demo school's spring term on the provisional calendar as pinned", () => {
    const spring: Term = {
      ...campaignTerm,
      id: "2026-2027-2",
      index: 2,
      start: "2027-02-22",
      end: "2027-07-09",
      campaigns: [],
    };
    expect(planDigest(school, { busy: false, previous: false }, spring)).toEqual({
      hash: "900a6911559259f2c7ab304b9f2deba383690860ccd698c398589b51e52e8e2b",
      slots: 2511,
      unscheduled: 0,
    });
  });

  it("plans a small county slice as pinned", () => {
    const county = generateCounty({ seed: 2, county: "遂昌县", scale: 0.15 });
    expect(county.schools.length).toBeGreaterThan(3);
    expect(planDigest(county, { busy: false, previous: false })).toEqual({
      hash: "282b3d783f77088a160b1ea88a14b91c7c099a9dcd3e8f2761eb9c157542e4a1",
      slots: 13168,
      unscheduled: 0,
    });
  });
});
