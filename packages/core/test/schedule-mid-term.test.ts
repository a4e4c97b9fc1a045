import {
  type ArrangedVisit,
  type Assignment,
  formatRecurrence,
  type Obligation,
  placementQuality,
  type ScheduleVisitsInput,
  scheduleVisits,
} from "@homevisit/core";
import { describe, expect, it } from "vitest";
import { obligation, student, term } from "./fixtures/planning.js";

/**
 * A plan made after its term began: nothing on a day gone, what is owed still placed
 * (`notBefore`), and the visits already arranged kept (`arranged`).
 */

const lead = (obligationId: string, studentId: string): Assignment => ({
  obligationId,
  studentId,
  leadTeacherId: "t1",
  reasons: [],
});

/** One obligation of s1, led by t1, scheduled with the extra input given. */
const alone = (o: Obligation, extra: Partial<ScheduleVisitsInput> = {}) =>
  scheduleVisits({
    term,
    assignments: [lead(o.id, "s1")],
    obligations: [o],
    students: [student("s1")],
    busySlots: [],
    ...extra,
  });

/** A mentor's monthly contact with s1 from 15 September, `count` times. */
const monthlyContact = (count: number) =>
  obligation("s1", {
    kind: "mentor_contact",
    from: "2026-09-01",
    to: "2026-12-31",
    rrule: formatRecurrence({ freq: "monthly", dtstart: "2026-09-15", count }),
  });

describe("scheduleVisits with notBefore", () => {
  it("places nothing before the plan's first day, and marks only visits whose window had ended", () => {
    const ended = obligation("s1", { from: "2026-09-01", to: "2026-09-30" });
    const running = obligation("s2", { from: "2026-10-01", to: "2026-11-15" });
    const later = obligation("s3", { from: "2026-11-20", to: "2026-12-10" });
    const input = {
      term,
      assignments: [lead(ended.id, "s1"), lead(running.id, "s2"), lead(later.id, "s3")],
      obligations: [ended, running, later],
      students: [student("s1", { village: "A" }), student("s2", { village: "B" }), student("s3", { village: "C" })],
      busySlots: [],
    };
    const plan = scheduleVisits({ ...input, notBefore: "2026-10-14" });
    expect(plan.unscheduled).toEqual([]);
    const byStudent = new Map(plan.slots.map((s) => [s.studentId, s]));
    expect(plan.slots.every((s) => s.date >= "2026-10-14")).toBe(true);
    expect(byStudent.get("s1")).toMatchObject({ date: "2026-10-14", overdue: true });
    expect(byStudent.get("s2")?.overdue).toBeUndefined();
    expect(byStudent.get("s2")?.date).toBe("2026-10-14");
    expect(byStudent.get("s3")).toMatchObject({ date: "2026-11-20" });
    expect(byStudent.get("s3")?.overdue).toBeUndefined();
    // Without notBefore the plan is what it always was: the ended window's visit in September.
    const before = scheduleVisits(input);
    expect(before.slots.find((s) => s.studentId === "s1")?.date).toBe("2026-09-01");
    expect(before.slots.some((s) => s.overdue)).toBe(false);
  });

  it("gives the longest overdue visit the first free evening (same urgency)", () => {
    // One visit a day: the order of the days is the order of the deadlines.
    const recent = obligation("s1", { from: "2026-09-20", to: "2026-10-10" });
    const oldest = obligation("s2", { from: "2026-09-01", to: "2026-09-15" });
    const running = obligation("s3", { from: "2026-10-01", to: "2026-10-31" });
    const plan = scheduleVisits({
      term,
      assignments: [lead(recent.id, "s1"), lead(oldest.id, "s2"), lead(running.id, "s3")],
      obligations: [recent, oldest, running],
      students: [student("s1", { village: "A" }), student("s2", { village: "B" }), student("s3", { village: "C" })],
      busySlots: [],
      notBefore: "2026-10-14",
      options: { maxPerDay: 1 },
    });
    expect(plan.slots.map((s) => [s.studentId, s.date, s.overdue ?? false])).toEqual([
      ["s2", "2026-10-14", true],
      ["s1", "2026-10-15", true],
      ["s3", "2026-10-16", false],
    ]);
  });

  it("drops preferred windows that have passed and keeps the rest of one that runs on", () => {
    const o = obligation("s1", {
      from: "2026-09-01",
      to: "2026-12-31",
      preferred: [
        { from: "2026-09-01", to: "2026-09-10", reason: { "zh-CN": "开学", en: "Start" } },
        { from: "2026-10-10", to: "2026-10-20", reason: { "zh-CN": "集中", en: "Campaign" } },
      ],
    });
    const plan = alone(o, { notBefore: "2026-10-16" });
    expect(plan.slots).toHaveLength(1);
    expect(plan.slots[0]).toMatchObject({ date: "2026-10-16" });
    expect(plan.slots[0]?.overdue).toBeUndefined();
  });

  it("leaves a recurring contact's occurrences before the first day to the past when the contacts made are not known", () => {
    const contact = monthlyContact(4);
    const plan = alone(contact, { notBefore: "2026-10-20" });
    // October's contact (the 15th) may have been made already: it is not booked again.
    expect(plan.slots.map((s) => [s.occurrence, s.date, s.overdue ?? false])).toEqual([
      ["2026-11-15", "2026-11-15", false],
      ["2026-12-15", "2026-12-15", false],
    ]);
    expect(plan.unscheduled).toEqual([]);
  });

  it("books this month's contact from the first day when none was made in it; a made or ended one stays the past's", () => {
    const contact = monthlyContact(4);
    // Made on 10-16, inside October's span (10-15 to 11-14): nothing more is owed for October.
    const made = alone(contact, { notBefore: "2026-10-20", contactsMade: [{ studentId: "s1", date: "2026-10-16" }] });
    expect(made.slots.map((s) => s.occurrence)).toEqual(["2026-11-15", "2026-12-15"]);
    // None made in October's span (September's and another child's do not count): October's is
    // still owed, on the first day or after, within its span; September's span had ended.
    const owed = alone(contact, {
      notBefore: "2026-10-20",
      contactsMade: [
        { studentId: "s1", date: "2026-09-20" },
        { studentId: "s2", date: "2026-10-16" },
      ],
    });
    expect(owed.slots.map((s) => [s.occurrence, s.date, s.overdue ?? false])).toEqual([
      ["2026-10-15", "2026-10-20", false],
      ["2026-11-15", "2026-11-15", false],
      ["2026-12-15", "2026-12-15", false],
    ]);
    expect(placementQuality(owed, { obligations: [contact], teachers: [{ id: "t1" }] }).byKind.mentor_contact).toEqual({
      due: 3,
      placed: 3,
      share: 1,
    });
    // The first day is the span's last: still owed, on that day.
    const lastDay = alone(contact, { notBefore: "2026-11-14", contactsMade: [] });
    expect(lastDay.slots.map((s) => [s.occurrence, s.date])).toEqual([
      ["2026-10-15", "2026-11-14"],
      ["2026-11-15", "2026-11-15"],
      ["2026-12-15", "2026-12-15"],
    ]);
  });

  it("lists a visit as schedule_window_passed when the term has no day left", () => {
    const o = obligation("s1", { from: "2026-09-01", to: "2026-09-30" });
    const plan = alone(o, { notBefore: "2027-02-01" });
    expect(plan.slots).toEqual([]);
    expect(plan.unscheduled).toEqual([expect.objectContaining({ obligationId: o.id, code: "schedule_window_passed" })]);
    expect(plan.unscheduled[0]?.reason["zh-CN"]).toContain("2026-09-01 至 2026-09-30");
    const quality = placementQuality(plan, { obligations: [o], teachers: [{ id: "t1" }] });
    expect(quality.unplaced[0]?.action.en).toContain("next term");
  });

  it("counts a crisis visit placed after its deadline, which had passed when the plan was made", () => {
    const crisis = obligation("s1", { kind: "crisis", from: "2026-10-01", to: "2026-10-08" });
    const fresh = obligation("s2", { kind: "crisis", from: "2026-10-13", to: "2026-10-20" });
    const plan = scheduleVisits({
      term,
      assignments: [lead(crisis.id, "s1"), lead(fresh.id, "s2")],
      obligations: [crisis, fresh],
      students: [student("s1", { village: "A" }), student("s2", { village: "B" })],
      busySlots: [],
      notBefore: "2026-10-14",
    });
    const quality = placementQuality(plan, { obligations: [crisis, fresh], teachers: [{ id: "t1" }] });
    expect(quality.crisis).toEqual({ due: 2, withinDeadline: 1, afterDeadline: 1, escalated: 0 });
  });

  it("counts overdue slots in the placement figures", () => {
    const ended = obligation("s1", { from: "2026-09-01", to: "2026-09-30" });
    const running = obligation("s2", { from: "2026-10-01", to: "2026-11-15" });
    const plan = scheduleVisits({
      term,
      assignments: [lead(ended.id, "s1"), lead(running.id, "s2")],
      obligations: [ended, running],
      students: [student("s1"), student("s2")],
      busySlots: [],
      notBefore: "2026-10-14",
    });
    const quality = placementQuality(plan, { obligations: [ended, running], teachers: [{ id: "t1" }] });
    expect(quality.overdueSlots).toBe(1);
    expect(quality.crisis).toEqual({ due: 0, withinDeadline: 0, afterDeadline: 0, escalated: 0 });
    expect(quality.inHome).toEqual({ due: 2, placed: 2, share: 1 });
  });
});

describe("scheduleVisits with visits already arranged", () => {
  const visit = (
    extra: Partial<ArrangedVisit> & Pick<ArrangedVisit, "appointmentId" | "studentId">,
  ): ArrangedVisit => ({
    kind: "universal",
    teacherId: "t1",
    date: "2026-09-14",
    start: "16:30",
    end: "17:15",
    ...extra,
  });

  it("keeps the arranged visit of an obligation as its slot, made for it or of the same student and kind", () => {
    const planned = obligation("s1", { from: "2026-09-14", to: "2026-09-30" });
    const adHoc = obligation("s2", { from: "2026-09-14", to: "2026-09-30" });
    const other = obligation("s3", { kind: "priority", from: "2026-09-14", to: "2026-09-30" });
    const plan = scheduleVisits({
      term,
      assignments: [lead(planned.id, "s1"), lead(adHoc.id, "s2"), lead(other.id, "s3")],
      obligations: [planned, adHoc, other],
      students: [student("s1", { village: "A" }), student("s2", { village: "B" }), student("s3", { village: "C" })],
      busySlots: [],
      arranged: [
        visit({
          appointmentId: "a1",
          obligationId: planned.id,
          studentId: "s1",
          date: "2026-09-20",
          start: "10:00",
          end: "10:45",
        }),
        visit({ appointmentId: "a2", studentId: "s2", date: "2026-09-22", start: "18:00", end: "18:45" }),
        // Another kind of visit to s3: it serves no priority visit.
        visit({ appointmentId: "a3", studentId: "s3", date: "2026-09-23", start: "18:00", end: "18:45" }),
      ],
    });
    const of = (id: string) => plan.slots.filter((s) => s.obligationId === id);
    expect(of(planned.id)).toEqual([
      {
        obligationId: planned.id,
        studentId: "s1",
        teacherId: "t1",
        date: "2026-09-20",
        start: "10:00",
        end: "10:45",
        tripId: "t1/2026-09-20/1000",
        appointmentId: "a1",
      },
    ]);
    expect(of(adHoc.id)).toEqual([expect.objectContaining({ appointmentId: "a2", date: "2026-09-22" })]);
    expect(of(other.id)).toHaveLength(1);
    expect(of(other.id)[0]?.appointmentId).toBeUndefined();
    expect(plan.slots.map((s) => s.date)).toEqual([...plan.slots.map((s) => s.date)].sort());
    const quality = placementQuality(plan, { obligations: [planned, adHoc, other], teachers: [{ id: "t1" }] });
    expect(quality.arrangedSlots).toBe(2);
  });

  it("holds the teachers' time around an arranged visit and counts it against the daily cap", () => {
    const o = obligation("s1", { from: "2026-09-14", to: "2026-09-14" });
    const input = {
      term,
      assignments: [lead(o.id, "s1")],
      obligations: [o],
      students: [student("s1", { travelMinutes: 20 })],
      busySlots: [],
      // Another child's visit, 16:30–17:15, 30 minutes' journey each way by default.
      arranged: [visit({ appointmentId: "a9", studentId: "s9" })],
    };
    const plan = scheduleVisits(input);
    expect(plan.slots).toHaveLength(1);
    // Not before 17:15 + 30 (the arranged visit's journey back) + 30 (this one's journey there).
    expect((plan.slots[0]?.start ?? "") >= "18:15").toBe(true);
    const full = scheduleVisits({ ...input, options: { maxPerDay: 1 } });
    expect(full.slots).toEqual([]);
    expect(full.unscheduled).toEqual([expect.objectContaining({ code: "schedule_teacher_full" })]);
  });

  it("keeps an arranged contact for its occurrence and places the others", () => {
    const contact = monthlyContact(3);
    const plan = alone(contact, {
      arranged: [
        visit({
          appointmentId: "c10",
          obligationId: contact.id,
          studentId: "s1",
          kind: "mentor_contact",
          date: "2026-10-19",
          start: "17:00",
          end: "17:15",
        }),
      ],
    });
    expect(plan.slots.map((s) => [s.occurrence, s.date, s.appointmentId])).toEqual([
      ["2026-09-15", "2026-09-15", undefined],
      ["2026-10-15", "2026-10-19", "c10"],
      ["2026-11-15", "2026-11-15", undefined],
    ]);
  });
});
