import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import {
  type Assignment,
  type BusySlot,
  defaultHolidayCalendar,
  expandRecurrence,
  extendHolidayCalendar,
  formatRecurrence,
  isHomevisitError,
  planningCalendar,
  recurrenceProblem,
  replanDiff,
  scheduleConflicts,
  scheduleVisits,
  staticTimetable,
} from "@homevisit/core";
import { describe, expect, it } from "vitest";
import { lessonsEveryWeekday, obligation, student, term } from "./fixtures/planning.js";

const lead = (obligationId: string, studentId: string, teacherId = "t1", companion?: string): Assignment => ({
  obligationId,
  studentId,
  leadTeacherId: teacherId,
  reasons: [],
  ...(companion === undefined ? {} : { companionTeacherId: companion }),
});

describe("scheduleVisits", () => {
  it("places visits after lessons with travel, back to back in one village as one trip", () => {
    const o1 = obligation("s1", { from: "2026-09-14", to: "2026-09-30" });
    const o2 = obligation("s2", { from: "2026-09-14", to: "2026-09-30" });
    const plan = scheduleVisits({
      term,
      assignments: [lead(o1.id, "s1"), lead(o2.id, "s2")],
      obligations: [o1, o2],
      students: [
        student("s1", { village: "下洋村", travelMinutes: 20 }),
        student("s2", { village: "下洋村", travelMinutes: 20 }),
      ],
      busySlots: [{ teacherId: "t1", date: "2026-09-14", from: "16:00", to: "17:30" }],
    });
    expect(plan).toEqual({
      slots: [
        {
          obligationId: o1.id,
          studentId: "s1",
          teacherId: "t1",
          date: "2026-09-14",
          start: "18:00",
          end: "18:45",
          tripId: "t1/2026-09-14/1800",
        },
        {
          obligationId: o2.id,
          studentId: "s2",
          teacherId: "t1",
          date: "2026-09-14",
          start: "18:55",
          end: "19:40",
          tripId: "t1/2026-09-14/1800",
        },
      ],
      unscheduled: [],
    });
  });

  it("puts different villages on separate trips and respects the daily cap", () => {
    const students = [
      student("a1", { village: "A" }),
      student("a2", { village: "A" }),
      student("b1", { village: "B" }),
      student("b2", { village: "B" }),
    ];
    const obligations = students.map((s) => obligation(s.id, { from: "2026-09-14", to: "2026-09-18" }));
    const plan = scheduleVisits({
      term,
      assignments: obligations.map((o) => lead(o.id, o.studentId)),
      obligations,
      students,
      busySlots: [],
      options: { maxPerDay: 2 },
    });
    expect(plan.unscheduled).toEqual([]);
    const trips = new Map<string, string[]>();
    for (const s of plan.slots) trips.set(s.tripId, [...(trips.get(s.tripId) ?? []), s.studentId]);
    expect([...trips.values()].map((v) => v.sort())).toEqual([
      ["a1", "a2"],
      ["b1", "b2"],
    ]);
    expect(new Set(plan.slots.map((s) => s.date)).size).toBe(2);
  });

  it("never schedules on an official holiday; skips years without holiday data unless allowed", () => {
    const holiday = obligation("s1", { from: "2026-10-01", to: "2026-10-07" });
    const future = obligation("s2", { from: "2027-03-01", to: "2027-03-12" });
    const input = {
      term,
      assignments: [lead(holiday.id, "s1"), lead(future.id, "s2")],
      obligations: [holiday, future],
      students: [student("s1"), student("s2")],
      busySlots: [],
    };
    const plan = scheduleVisits({ ...input, options: { provisionalCalendar: false } });
    expect(plan.slots).toEqual([]);
    expect(plan.unscheduled.map((u) => [u.studentId, u.code])).toEqual([
      ["s1", "schedule_no_allowed_day"],
      ["s2", "schedule_unknown_calendar"],
    ]);
    expect(plan.unscheduled[1]?.reason.en).toContain("2027-03-01");
    const allowed = scheduleVisits({ ...input, options: { allowUnknownDays: true, provisionalCalendar: false } });
    expect(allowed.slots.map((s) => [s.studentId, s.date, s.start])).toEqual([["s2", "2027-03-01", "16:30"]]);
  });

  it("plans a year without official data on the provisional calendar, and says so on every slot", () => {
    // 2027: no notice in the shipped data. The Spring Festival (6 Feb) break runs 5–12 Feb by rule.
    const o = obligation("s1", { from: "2027-02-05", to: "2027-02-16" });
    const plan = scheduleVisits({
      term,
      assignments: [lead(o.id, "s1")],
      obligations: [o],
      students: [student("s1")],
      busySlots: [],
    });
    expect(plan.slots).toMatchObject([{ date: "2027-02-13", start: "09:00", provisional: true }]);
    // With the official notice (here: a host's made-up one), the same visit is no longer provisional.
    const notice = extendHolidayCalendar(defaultHolidayCalendar, {
      version: "test",
      years: {
        "2027": { holidays: [{ name: "spring_festival", from: "2027-02-05", to: "2027-02-13" }], makeUpWorkdays: [] },
      },
    });
    const official = scheduleVisits({
      term,
      assignments: [lead(o.id, "s1")],
      obligations: [o],
      students: [student("s1")],
      busySlots: [],
      calendar: planningCalendar({ holidays: notice }),
    });
    expect(official.slots).toEqual([expect.objectContaining({ date: "2027-02-14", start: "09:00" })]);
    expect(official.slots[0]?.provisional).toBeUndefined();
    const diff = replanDiff(plan.slots, official.slots);
    expect(diff).toMatchObject({ kept: 0, newlyUnplaced: [], newlyPlaced: [] });
    expect(diff.moved).toMatchObject([
      { obligationId: o.id, before: { date: "2027-02-13" }, after: { date: "2027-02-14" } },
    ]);
  });

  it("uses the school calendar: vacation weekdays by day, never an exam week", () => {
    const o = obligation("s1", { from: "2027-01-18", to: "2027-01-27" });
    const calendar = planningCalendar({
      school: {
        vacations: [{ from: "2027-01-23", to: "2027-02-21" }],
        examWeeks: [{ from: "2027-01-18", to: "2027-01-22" }],
      },
    });
    const plan = scheduleVisits({
      term,
      assignments: [lead(o.id, "s1")],
      obligations: [o],
      students: [student("s1", { availability: [{ weekdays: [1, 2, 3, 4, 5], from: "14:00", to: "17:00" }] })],
      busySlots: [],
      calendar,
    });
    // Monday 25 January: a vacation weekday, daytime hours meet the grandparents' afternoon.
    expect(plan.slots).toMatchObject([{ date: "2027-01-25", start: "14:00" }]);
    expect(plan.slots[0]?.alternative).toBeUndefined();
  });

  it("uses weekend daytime hours, or refuses weekends when told", () => {
    const o = obligation("s1", { from: "2026-09-12", to: "2026-09-13" }); // Saturday, Sunday
    const input = { term, assignments: [lead(o.id, "s1")], obligations: [o], students: [student("s1")], busySlots: [] };
    expect(scheduleVisits(input).slots[0]).toMatchObject({ date: "2026-09-12", start: "09:00", end: "09:45" });
    expect(scheduleVisits({ ...input, options: { allowWeekends: false } }).unscheduled[0]?.code).toBe(
      "schedule_no_allowed_day",
    );
  });

  it("treats a make-up Sunday as a school day (evening only)", () => {
    const o = obligation("s1", { from: "2026-09-20", to: "2026-09-20" });
    const plan = scheduleVisits({
      term,
      assignments: [lead(o.id, "s1")],
      obligations: [o],
      students: [student("s1")],
      busySlots: [],
    });
    expect(plan.slots[0]).toMatchObject({ date: "2026-09-20", start: "16:30" });
  });

  it("keeps to the family's stated availability", () => {
    const o = obligation("s1", { from: "2026-09-14", to: "2026-09-27" });
    const plan = scheduleVisits({
      term,
      assignments: [lead(o.id, "s1")],
      obligations: [o],
      students: [student("s1", { availability: [{ weekdays: [6], from: "14:00", to: "15:30" }] })],
      busySlots: [],
    });
    expect(plan.slots[0]).toMatchObject({ date: "2026-09-19", start: "14:00", end: "14:45" });
    const never = scheduleVisits({
      term,
      assignments: [lead(o.id, "s1")],
      obligations: [o],
      students: [student("s1", { availability: [{ weekdays: [1], from: "07:00", to: "08:00" }] })],
      busySlots: [],
    });
    expect(never.unscheduled).toEqual([]);
    // The nearest allowed time, said to be an alternative to confirm with the family (R12).
    expect(never.slots[0]).toMatchObject({
      date: "2026-09-14",
      start: "16:30",
      alternative: { kind: "outside_stated_hours" },
    });
    const strict = scheduleVisits({
      term,
      assignments: [lead(o.id, "s1")],
      obligations: [o],
      students: [student("s1", { availability: [{ weekdays: [1], from: "07:00", to: "08:00" }] })],
      busySlots: [],
      options: { familyAlternatives: false },
    });
    expect(strict.unscheduled[0]?.code).toBe("schedule_family_unavailable");
  });

  it("places a crisis visit past the weekly cap, or escalates it to the principal with the reason", () => {
    const visits = ["a", "b"].map((id) => obligation(id, { from: "2026-09-14", to: "2026-09-14" }));
    const crisis = obligation("z", { from: "2026-09-14", to: "2026-09-14", kind: "crisis", urgency: 0 });
    const input = {
      term,
      assignments: [...visits, crisis].map((o) => lead(o.id, o.studentId)),
      obligations: [...visits, crisis],
      students: ["a", "b", "z"].map((id) => student(id)),
      busySlots: [],
      options: { maxPerDay: 2 },
    };
    const plan = scheduleVisits(input);
    expect(plan.unscheduled).toEqual([]);
    expect(plan.slots.filter((s) => s.date === "2026-09-14")).toHaveLength(3);
    expect(scheduleVisits({ ...input, options: { maxPerDay: 2, crisisPastCaps: false } }).unscheduled).toMatchObject([
      { studentId: "z", code: "schedule_teacher_full" },
    ]);
    // On a holiday the whole window long: escalated, with the first reason kept.
    const holiday = obligation("h", { from: "2026-10-01", to: "2026-10-07", kind: "crisis" });
    const escalated = scheduleVisits({
      term,
      assignments: [lead(holiday.id, "h")],
      obligations: [holiday],
      students: [student("h")],
      busySlots: [],
    });
    expect(escalated.unscheduled).toMatchObject([{ code: "schedule_crisis_escalated" }]);
    expect(escalated.unscheduled[0]?.reason.en).toContain("2026-10-07");
  });

  it("places a mentor's contacts as contacts: no travel, no family slot, no cap", () => {
    const contact = {
      ...obligation("s1", { from: "2026-09-14", to: "2026-09-20", kind: "mentor_contact" }),
      channel: "any" as const,
    };
    const plan = scheduleVisits({
      term,
      assignments: [lead(contact.id, "s1")],
      obligations: [contact],
      students: [student("s1", { availability: [{ weekdays: [1], from: "07:00", to: "08:00" }] })],
      busySlots: [],
      options: { maxPerDay: 1 },
    });
    expect(plan.slots).toMatchObject([{ date: "2026-09-14", start: "16:30", end: "16:45", contact: true }]);
    expect(plan.slots[0]?.alternative).toBeUndefined();
  });

  it("avoids the companion's lessons as well as the lead's", () => {
    const o = obligation("s1", { from: "2026-09-14", to: "2026-09-14", needsCompanion: true });
    const busy: BusySlot[] = [{ teacherId: "t2", date: "2026-09-14", from: "16:00", to: "18:00" }];
    const plan = scheduleVisits({
      term,
      assignments: [lead(o.id, "s1", "t1", "t2")],
      obligations: [o],
      students: [student("s1", { travelMinutes: 0 })],
      busySlots: busy,
    });
    expect(plan.slots[0]).toMatchObject({ teacherId: "t1", companionId: "t2", start: "18:10" });
    expect(scheduleConflicts(plan.slots, busy)).toEqual([]);
  });

  it("reports a full teacher and a teacher with no free slot", () => {
    const students = ["s1", "s2", "s3"].map((id) => student(id));
    const obligations = students.map((s) => obligation(s.id, { from: "2026-09-14", to: "2026-09-14" }));
    const plan = scheduleVisits({
      term,
      assignments: obligations.map((o) => lead(o.id, o.studentId)),
      obligations,
      students,
      busySlots: [],
      options: { maxPerDay: 1 },
    });
    expect(plan.slots).toHaveLength(1);
    expect(plan.unscheduled.map((u) => u.code)).toEqual(["schedule_teacher_full", "schedule_teacher_full"]);
    const busy = scheduleVisits({
      term,
      assignments: [lead(obligations[0]?.id ?? "", "s1")],
      obligations: obligations.slice(0, 1),
      students,
      busySlots: [{ teacherId: "t1", date: "2026-09-14", from: "15:00", to: "21:00" }],
    });
    expect(busy.unscheduled[0]?.code).toBe("schedule_no_free_slot");
  });

  it("respects the weekly cap", () => {
    const students = Array.from({ length: 5 }, (_, i) => student(`s${i}`, { village: `v${i}` }));
    const obligations = students.map((s) => obligation(s.id, { from: "2026-09-14", to: "2026-09-20" }));
    const plan = scheduleVisits({
      term,
      assignments: obligations.map((o) => lead(o.id, o.studentId)),
      obligations,
      students,
      busySlots: [],
      options: { maxPerWeek: 3 },
    });
    expect(plan.slots).toHaveLength(3);
    expect(plan.unscheduled).toHaveLength(2);
  });

  it("prefers the obligation's preferred window", () => {
    const o = obligation("s1", {
      from: "2026-09-07",
      to: "2026-12-31",
      preferred: [{ from: "2026-11-02", to: "2026-11-06", reason: { "zh-CN": "农闲", en: "Farming off-season" } }],
    });
    const plan = scheduleVisits({
      term,
      assignments: [lead(o.id, "s1")],
      obligations: [o],
      students: [student("s1")],
      busySlots: [],
    });
    expect(plan.slots[0]?.date).toBe("2026-11-02");
  });

  it("places urgent obligations first", () => {
    const calm = obligation("s1", { from: "2026-09-14", to: "2026-09-14" });
    const crisis = obligation("s2", { kind: "crisis", from: "2026-09-14", to: "2026-09-14" });
    const plan = scheduleVisits({
      term,
      assignments: [lead(calm.id, "s1"), lead(crisis.id, "s2")],
      obligations: [calm, crisis],
      students: [student("s1", { village: "A" }), student("s2", { village: "B" })],
      busySlots: [],
      options: { maxPerDay: 1 },
    });
    expect(plan.slots.map((s) => s.studentId)).toEqual(["s2"]);
  });

  it("lists unassigned obligations, missing students and bad rules", () => {
    const unassigned = obligation("s1");
    const ghost = obligation("ghost");
    const bad = obligation("s2", {
      kind: "mentor_contact",
      rrule: "DTSTART;TZID=Asia/Shanghai:20260901T090000\nRRULE:FREQ=WEEKLY",
    });
    const plan = scheduleVisits({
      term,
      assignments: [lead(ghost.id, "ghost"), lead(bad.id, "s2")],
      obligations: [unassigned, ghost, bad],
      students: [student("s1"), student("s2")],
      busySlots: [],
    });
    expect(plan.unscheduled.map((u) => u.code).sort()).toEqual([
      "schedule_not_assigned",
      "schedule_rrule_invalid",
      "schedule_student_missing",
    ]);
    expect(plan.unscheduled.find((u) => u.code === "schedule_rrule_invalid")?.reason.en).toContain("TZID");
  });

  it("gives a recurring mentor contact one slot per occurrence, on or after its date", () => {
    const contact = obligation("s1", {
      kind: "mentor_contact",
      from: "2026-09-01",
      to: "2026-12-31",
      rrule: formatRecurrence({ freq: "monthly", dtstart: "2026-09-15", count: 4 }),
    });
    const plan = scheduleVisits({
      term,
      assignments: [lead(contact.id, "s1")],
      obligations: [contact],
      students: [student("s1")],
      // Lessons every weekday in October: the October contact moves to the weekend.
      busySlots: [...lessonsEveryWeekday("t1", "2026-10-12", "2026-10-16").map((s) => ({ ...s, to: "21:00" }))],
    });
    expect(plan.slots.map((s) => [s.occurrence, s.date])).toEqual([
      ["2026-09-15", "2026-09-15"],
      ["2026-10-15", "2026-10-17"],
      ["2026-11-15", "2026-11-15"],
      ["2026-12-15", "2026-12-15"],
    ]);
  });

  it("uses isSchoolDay when no dayType is given", () => {
    const o = obligation("s1", { from: "2026-09-14", to: "2026-09-16" });
    const plan = scheduleVisits({
      term,
      assignments: [lead(o.id, "s1")],
      obligations: [o],
      students: [student("s1")],
      busySlots: [],
      isSchoolDay: (date) => (date === "2026-09-14" ? "unknown" : date !== "2026-09-15"),
    });
    expect(plan.slots[0]?.date).toBe("2026-09-16");
  });

  it("rejects bad options", () => {
    try {
      scheduleVisits({
        term,
        assignments: [],
        obligations: [],
        students: [],
        busySlots: [],
        options: { maxPerDay: 0 },
      });
      expect.unreachable();
    } catch (error) {
      expect(isHomevisitError(error) && error.issues[0]?.path).toEqual(["options", "maxPerDay"]);
    }
  });
});

describe("scheduleConflicts", () => {
  it("finds double bookings, busy-slot clashes and a companion who is the lead", () => {
    const base = { studentId: "s1", tripId: "x", date: "2026-09-14" };
    const conflicts = scheduleConflicts(
      [
        { ...base, obligationId: "o1", teacherId: "t1", start: "17:00", end: "17:45" },
        { ...base, obligationId: "o2", teacherId: "t2", companionId: "t1", start: "17:30", end: "18:15" },
        { ...base, obligationId: "o3", teacherId: "t3", companionId: "t3", start: "19:00", end: "19:45" },
      ],
      [{ teacherId: "t2", date: "2026-09-14", from: "18:00", to: "18:30" }],
    );
    expect(conflicts.map((c) => c.kind).sort()).toEqual([
      "busy_slot",
      "companion_is_lead",
      "double_booked",
      "double_booked",
    ]);
  });
});

describe("timetable port and recurrence", () => {
  it("staticTimetable filters by teacher and date and validates slots", () => {
    const timetable = staticTimetable([
      { teacherId: "t2", date: "2026-09-14", from: "16:40", to: "17:30" },
      { teacherId: "t1", date: "2026-09-14", from: "08:00", to: "08:45", reason: "七(1)班 语文" },
      { teacherId: "t1", date: "2026-09-21", from: "08:00", to: "08:45" },
    ]);
    expect(timetable.busySlots({ schoolId: "sch1", teacherIds: ["t1"], from: "2026-09-14", to: "2026-09-20" })).toEqual(
      [{ teacherId: "t1", date: "2026-09-14", from: "08:00", to: "08:45", reason: "七(1)班 语文" }],
    );
    expect(() => staticTimetable([{ teacherId: "t1", date: "2026-09-14", from: "09:00", to: "08:00" }])).toThrowError(
      expect.objectContaining({ code: "validation_failed" }),
    );
  });

  it("expands floating rules within the window, rejecting TZID and sub-daily rules", () => {
    expect(
      expandRecurrence("RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=WE;COUNT=4", { from: "2026-09-01", to: "2026-10-31" }),
    ).toEqual(["2026-09-02", "2026-09-16", "2026-09-30", "2026-10-14"]);
    // Unbounded rules are bounded by the window.
    expect(expandRecurrence("FREQ=DAILY", { from: "2026-09-01", to: "2026-09-03" })).toEqual([
      "2026-09-01",
      "2026-09-02",
      "2026-09-03",
    ]);
    expect(recurrenceProblem("RRULE:FREQ=HOURLY;COUNT=3")).toContain("sub-daily");
    expect(recurrenceProblem("DTSTART;TZID=Asia/Shanghai:20260901T090000\nRRULE:FREQ=WEEKLY;COUNT=3")).toContain(
      "TZID",
    );
    expect(recurrenceProblem("nonsense")).toBeDefined();
    expect(() => formatRecurrence({ freq: "weekly" })).toThrowError(
      expect.objectContaining({ code: "schedule_rrule_invalid" }),
    );
  });

  it("gives identical results under TZ=UTC and TZ=America/New_York", () => {
    const script = fileURLToPath(new URL("./fixtures/schedule-tz-script.ts", import.meta.url));
    const run = (TZ: string) =>
      execFileSync(process.execPath, ["--import", "tsx", script], { env: { ...process.env, TZ }, encoding: "utf8" });
    const utc = run("UTC");
    const newYork = run("America/New_York");
    const shanghai = run("Asia/Shanghai");
    const parsed = JSON.parse(utc) as { occurrences: string[]; slots: unknown[] };
    expect(parsed.occurrences.length).toBeGreaterThan(5);
    expect(parsed.slots.length).toBeGreaterThan(5);
    expect(newYork).toBe(utc);
    expect(shanghai).toBe(utc);
  });
});
