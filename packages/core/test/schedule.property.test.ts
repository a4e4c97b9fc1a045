import {
  type ArrangedVisit,
  addDays,
  assignVisitors,
  type BusySlot,
  dayType,
  type Obligation,
  planningCalendar,
  planQuality,
  scheduleConflicts,
  scheduleVisits,
} from "@homevisit/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { obligation, school, schoolClass, student, teacher, term } from "./fixtures/planning.js";

/** A random small school: teachers, classes, students in a few villages, obligations, lessons. */
const schoolArbitrary = fc
  .record({
    teachers: fc.array(
      fc.record({
        classIndex: fc.option(fc.nat(2), { nil: undefined }),
        principal: fc.boolean(),
        leftEarly: fc.boolean(),
        capacity: fc.option(fc.integer({ min: 0, max: 6 }), { nil: undefined }),
      }),
      { minLength: 1, maxLength: 7 },
    ),
    students: fc.array(
      fc.record({
        classIndex: fc.nat(2),
        village: fc.constantFrom("A", "B", "C", "D"),
        travel: fc.option(fc.integer({ min: 0, max: 90 }), { nil: undefined }),
        remote: fc.boolean(),
        saturdayOnly: fc.boolean(),
        extra: fc.constantFrom("none", "priority", "crisis", "contact"),
        start: fc.integer({ min: 0, max: 80 }),
        length: fc.integer({ min: 0, max: 40 }),
      }),
      { minLength: 1, maxLength: 18 },
    ),
    busy: fc.array(
      fc.record({
        teacherIndex: fc.nat(6),
        day: fc.integer({ min: 0, max: 120 }),
        from: fc.integer({ min: 8 * 60, max: 20 * 60 }),
        length: fc.integer({ min: 15, max: 240 }),
      }),
      { maxLength: 40 },
    ),
    maxPerDay: fc.integer({ min: 1, max: 4 }),
  })
  .map((raw) => {
    const teachers = raw.teachers.map((t, i) =>
      teacher(`t${i}`, {
        roles: t.principal ? ["principal"] : ["teacher"],
        classIds: t.classIndex === undefined ? [] : [`c${t.classIndex}`],
        ...(t.leftEarly && i > 0 ? { leftOn: "2026-08-15" } : {}),
        ...(t.capacity === undefined ? {} : { termCapacity: t.capacity }),
      }),
    );
    const classes = [0, 1, 2].map((c) => schoolClass(`c${c}`, `t${c}`));
    const students = raw.students.map((s, i) =>
      student(`s${i}`, {
        classId: `c${s.classIndex}`,
        village: s.village,
        remote: s.remote,
        ...(s.travel === undefined ? {} : { travelMinutes: s.travel }),
        ...(s.saturdayOnly ? { availability: [{ weekdays: [6], from: "09:00", to: "12:00" }] } : {}),
      }),
    );
    const obligations: Obligation[] = [];
    raw.students.forEach((s, i) => {
      const from = addDays("2026-09-07", s.start);
      const to = addDays(from, s.length);
      obligations.push(obligation(`s${i}`, { from, to }));
      if (s.extra === "priority") {
        obligations.push(
          obligation(`s${i}`, { kind: "priority", category: "learning_difficulty", from, to, needsCompanion: true }),
        );
      } else if (s.extra === "crisis") {
        obligations.push(
          obligation(`s${i}`, { kind: "crisis", category: "family_crisis", from, to: addDays(from, 14) }),
        );
      } else if (s.extra === "contact") {
        obligations.push(
          obligation(`s${i}`, {
            kind: "mentor_contact",
            category: "left_behind_or_single_parent",
            from: "2026-09-07",
            to: "2026-12-31",
            rrule: "RRULE:FREQ=MONTHLY;COUNT=3",
          }),
        );
      }
    });
    const busySlots: BusySlot[] = raw.busy.map((b) => ({
      teacherId: `t${b.teacherIndex}`,
      date: addDays("2026-09-07", b.day),
      from: clock(b.from),
      to: clock(Math.min(b.from + b.length, 23 * 60 + 59)),
    }));
    return { teachers, classes, students, obligations, busySlots, maxPerDay: raw.maxPerDay };
  });

function clock(total: number): string {
  return `${String(Math.floor(total / 60)).padStart(2, "0")}:${String(total % 60).padStart(2, "0")}`;
}

const runs = { numRuns: 150 };

describe("plans for random schools (property-based)", () => {
  it("covers every obligation or says why; companions differ from leads; deterministic", () => {
    fc.assert(
      fc.property(schoolArbitrary, ({ teachers, classes, students, obligations }) => {
        const input = { school, term, teachers, classes, students, obligations };
        const plan = assignVisitors(input);
        const assigned = new Set(plan.assignments.map((a) => a.obligationId));
        const uncovered = new Set(plan.uncovered.map((u) => u.obligationId));
        for (const o of obligations) {
          expect(assigned.has(o.id) !== uncovered.has(o.id)).toBe(true);
        }
        for (const u of plan.uncovered) expect(u.reason.en.length).toBeGreaterThan(0);
        for (const a of plan.assignments) {
          expect(a.companionTeacherId).not.toBe(a.leadTeacherId);
          expect(teachers.find((t) => t.id === a.leadTeacherId)?.leftOn).toBeUndefined();
          expect(a.reasons.length).toBeGreaterThan(0);
        }
        const quality = planQuality(plan, { term, teachers, obligations, students });
        const uncoveredStudents = new Set(plan.uncovered.map((u) => u.studentId));
        expect(quality.uncovered.map((u) => u.studentId)).toEqual([...uncoveredStudents].sort());
        expect(assignVisitors(input)).toEqual(plan);
      }),
      runs,
    );
  });

  it("leaves no teacher without a visit when there are at least as many students as teachers", () => {
    fc.assert(
      fc.property(schoolArbitrary, ({ teachers, classes, students, obligations }) => {
        const roomy = teachers.map(({ termCapacity: _ignored, ...t }) => t);
        const inPost = roomy.filter((t) => t.leftOn === undefined);
        fc.pre(students.length >= inPost.length);
        const options = { defaultTermCapacity: 500, mentorCapacity: 200 };
        const plan = assignVisitors({ school, term, teachers: roomy, classes, students, obligations, options });
        const quality = planQuality(plan, { term, teachers: roomy, obligations, students, options });
        expect(quality.teachersWithZeroVisits).toEqual([]);
        expect(quality.coverage).toBe(1);
      }),
      runs,
    );
  });

  it("schedules every assigned obligation or says why, never double-books nor clashes with a lesson", () => {
    fc.assert(
      fc.property(schoolArbitrary, ({ teachers, classes, students, obligations, busySlots, maxPerDay }) => {
        const plan = assignVisitors({ school, term, teachers, classes, students, obligations });
        const input = {
          term,
          assignments: plan.assignments,
          obligations,
          students,
          busySlots,
          options: { maxPerDay },
        };
        const schedule = scheduleVisits(input);
        expect(scheduleConflicts(schedule.slots, busySlots)).toEqual([]);

        const byObligation = new Map(obligations.map((o) => [o.id, o]));
        const scheduled = new Set(schedule.slots.map((s) => s.obligationId));
        const unscheduled = new Set(schedule.unscheduled.map((u) => u.obligationId));
        for (const o of obligations) {
          if (o.rrule === undefined) expect(scheduled.has(o.id) !== unscheduled.has(o.id)).toBe(true);
          else expect(scheduled.has(o.id) || unscheduled.has(o.id)).toBe(true);
        }
        const perDay = new Map<string, number>();
        for (const s of schedule.slots) {
          const o = byObligation.get(s.obligationId);
          expect(o && o.window.from <= s.date && s.date <= o.window.to).toBe(true);
          if (s.provisional) expect(planningCalendar().day(s.date).type).not.toBe("holiday");
          else expect(["holiday", "unknown"]).not.toContain(dayType(s.date));
          expect(s.companionId).not.toBe(s.teacherId);
          // Contacts count against no cap; a crisis visit may go past it.
          for (const t of [s.teacherId, s.companionId]) {
            if (t === undefined || s.contact || o?.kind === "crisis") continue;
            const key = `${t}|${s.date}`;
            perDay.set(key, (perDay.get(key) ?? 0) + 1);
          }
          const st = students.find((x) => x.id === s.studentId);
          if (st && st.availability.length > 0 && !s.contact && s.alternative === undefined) {
            expect(s.start >= "09:00" && s.end <= "12:00").toBe(true);
          }
        }
        for (const n of perDay.values()) expect(n).toBeLessThanOrEqual(maxPerDay);
        for (const u of schedule.unscheduled) expect(u.reason["zh-CN"].length).toBeGreaterThan(0);
        expect(scheduleVisits(input)).toEqual(schedule);
      }),
      runs,
    );
  });
  it("made after the term began: nothing before its first day, overdue exactly when the window had ended", () => {
    fc.assert(
      fc.property(schoolArbitrary, fc.integer({ min: 0, max: 137 }), (world, offset) => {
        const { teachers, classes, students, obligations, busySlots, maxPerDay } = world;
        // Up to the term's last day (2027-01-22): after it, the term has no day left at all.
        const notBefore = addDays("2026-09-07", offset);
        const plan = assignVisitors({ school, term, teachers, classes, students, obligations });
        const input = { term, assignments: plan.assignments, obligations, students, busySlots, notBefore };
        const schedule = scheduleVisits({ ...input, options: { maxPerDay } });
        expect(scheduleConflicts(schedule.slots, busySlots)).toEqual([]);
        const byObligation = new Map(obligations.map((o) => [o.id, o]));
        for (const s of schedule.slots) {
          const o = byObligation.get(s.obligationId);
          expect(s.date >= notBefore && s.date <= term.end).toBe(true);
          expect(s.overdue === true).toBe(o !== undefined && o.rrule === undefined && o.window.to < notBefore);
          if (!s.overdue) expect(o && s.date <= o.window.to).toBe(true);
        }
        // Every assigned one-off visit is placed or said why: a window gone is no excuse.
        const placed = new Set(schedule.slots.map((s) => s.obligationId));
        const listed = new Set(schedule.unscheduled.map((u) => u.obligationId));
        for (const o of obligations)
          if (o.rrule === undefined) expect(placed.has(o.id) !== listed.has(o.id)).toBe(true);
        expect(schedule.unscheduled.some((u) => u.code === "schedule_window_passed")).toBe(false);
      }),
      runs,
    );
  });

  it("mid-term with contacts made: a contact whose month began before the first day is booked only when none was made in it", () => {
    // Across the runs, some such contacts are booked (else the property says nothing).
    let caughtUp = 0;
    fc.assert(
      fc.property(schoolArbitrary, fc.integer({ min: 1, max: 120 }), fc.nat(), (world, offset, pick) => {
        const { teachers, classes, students, obligations, busySlots } = world;
        const notBefore = addDays("2026-09-07", offset);
        // Every other child with a recurring contact had one made some days before the first day.
        const made = obligations
          .filter((o) => o.rrule !== undefined)
          .filter((_, i) => (i + pick) % 2 === 0)
          .map((o, i) => ({ studentId: o.studentId, date: addDays(notBefore, -1 - ((i + pick) % 25)) }));
        const plan = assignVisitors({ school, term, teachers, classes, students, obligations });
        const input = { term, assignments: plan.assignments, obligations, students, busySlots, notBefore };
        const schedule = scheduleVisits({ ...input, contactsMade: made });
        const seen = new Set<string>();
        for (const s of schedule.slots) {
          expect(s.date >= notBefore).toBe(true);
          if (s.occurrence === undefined) continue;
          // One slot per occurrence, never before the occurrence's own day.
          const key = `${s.obligationId}@${s.occurrence}`;
          expect(seen.has(key)).toBe(false);
          seen.add(key);
          expect(s.date >= s.occurrence).toBe(true);
          if (s.occurrence < notBefore) {
            caughtUp++;
            expect(made.some((m) => m.studentId === s.studentId && m.date >= (s.occurrence as string))).toBe(false);
          }
        }
      }),
      runs,
    );
    expect(caughtUp).toBeGreaterThan(0);
  });

  it("planned again with visits arranged: each kept once, no obligation booked twice, no new visit over an arranged one", () => {
    fc.assert(
      fc.property(schoolArbitrary, fc.integer({ min: 0, max: 120 }), fc.nat(), (world, offset, pick) => {
        const { teachers, classes, students, obligations, busySlots } = world;
        const plan = assignVisitors({ school, term, teachers, classes, students, obligations });
        const base = { term, assignments: plan.assignments, obligations, students, busySlots };
        const first = scheduleVisits(base);
        // Some of the first plan's visits became appointments; the others were never arranged.
        const kindOf = new Map(obligations.map((o) => [o.id, o.kind]));
        const arranged: ArrangedVisit[] = first.slots
          .filter((_, i) => (i + pick) % 3 !== 0)
          .map((s, i) => ({
            appointmentId: `apt-${i}`,
            ...((i + pick) % 4 === 0 ? {} : { obligationId: s.obligationId }),
            studentId: s.studentId,
            kind: kindOf.get(s.obligationId) ?? "universal",
            teacherId: s.teacherId,
            ...(s.companionId === undefined ? {} : { companionIds: [s.companionId] }),
            date: s.date,
            start: s.start,
            end: s.end,
          }));
        const again = scheduleVisits({ ...base, notBefore: addDays("2026-09-07", offset), arranged });
        const kept = again.slots.filter((s) => s.appointmentId !== undefined);
        expect(new Set(kept.map((s) => s.appointmentId)).size).toBe(kept.length);
        const recurring = new Set(obligations.filter((o) => o.rrule !== undefined).map((o) => o.id));
        const perOneOff = new Map<string, number>();
        for (const s of again.slots)
          if (!recurring.has(s.obligationId)) perOneOff.set(s.obligationId, (perOneOff.get(s.obligationId) ?? 0) + 1);
        for (const n of perOneOff.values()) expect(n).toBe(1);
        // The arranged visits are busy time for the new ones (of every teacher in them).
        const held: BusySlot[] = arranged.flatMap((a) =>
          [a.teacherId, ...(a.companionIds ?? [])].map((teacherId) => ({
            teacherId,
            date: a.date,
            from: a.start,
            to: a.end,
          })),
        );
        const fresh = again.slots.filter((s) => s.appointmentId === undefined);
        expect(scheduleConflicts(fresh, [...busySlots, ...held])).toEqual([]);
      }),
      runs,
    );
  });
});
