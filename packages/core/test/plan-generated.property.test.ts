// Issue 15: over generated schools (the demo generator at random seeds, sizes and kinds), with
// random lessons, meetings, exam weeks and either term, no placed visit clashes with a lesson,
// falls on a day the school's calendar forbids (an official or provisional holiday, an exam
// week), overlaps another visit of its teacher, or leaves its window; a crisis is placed within
// its deadline or escalated; nothing is dropped silently.
import {
  assignVisitors,
  type BusySlot,
  deriveObligations,
  planningCalendar,
  scheduleConflicts,
  scheduleVisits,
  type Term,
} from "@homevisit/core";
import { generateSchool } from "@homevisit/demo-data";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

const terms: Term[] = [
  { id: "2026-2027-1", schoolYear: 2026, index: 1, start: "2026-09-01", end: "2027-01-22", campaigns: [] },
  { id: "2026-2027-2", schoolYear: 2026, index: 2, start: "2027-02-22", end: "2027-07-09", campaigns: [] },
];

function days(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = new Date(`${from}T00:00:00Z`); d <= new Date(`${to}T00:00:00Z`); d.setUTCDate(d.getUTCDate() + 1)) {
    out.push(d.toISOString().slice(0, 10));
  }
  return out;
}

const pad = (n: number) => String(n).padStart(2, "0");
const clock = (m: number) => `${pad(Math.floor(m / 60))}:${pad(m % 60)}`;

const scenario = fc.record({
  seed: fc.integer({ min: 1, max: 10_000 }),
  students: fc.integer({ min: 40, max: 160 }),
  kind: fc.constantFrom("primary" as const, "junior" as const, "nine_year" as const),
  county: fc.constantFrom("遂昌县", "莲都区", "景宁畲族自治县"),
  term: fc.constantFrom(0, 1),
  lessonsEnd: fc.integer({ min: 15 * 60, max: 17 * 60 + 30 }),
  meetingEvery: fc.integer({ min: 2, max: 5 }),
  examWeekStart: fc.integer({ min: 60, max: 120 }),
  maxPerWeek: fc.integer({ min: 3, max: 10 }),
});

describe("plans for generated schools (property-based)", () => {
  it("never places a visit over a lesson, on a forbidden day, over another visit, or outside its window", () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const term = terms[s.term] as Term;
        const data = generateSchool({ seed: s.seed, students: s.students, kind: s.kind, county: s.county });
        const school = data.schools[0];
        if (!school) return;
        const examFrom = days(term.start, term.end)[s.examWeekStart] as string;
        const examTo = days(examFrom, term.end)[4] ?? term.end;
        const calendar = planningCalendar({ school: { examWeeks: [{ from: examFrom, to: examTo }] } });
        const busySlots: BusySlot[] = [];
        data.teachers.forEach((t, i) => {
          for (const date of days(term.start, term.end)) {
            const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
            if (weekday === 0 || weekday === 6) continue;
            busySlots.push({ teacherId: t.id, date, from: "08:00", to: clock(s.lessonsEnd) });
            if (i % s.meetingEvery === 0 && weekday === 3) {
              busySlots.push({ teacherId: t.id, date, from: "17:30", to: "18:30" });
            }
          }
        });
        const obligations = deriveObligations({
          term,
          school,
          students: data.students,
          flags: data.categoryFlags,
          mentorships: data.mentorships,
        });
        const plan = assignVisitors({
          school,
          term,
          teachers: data.teachers,
          classes: data.classes,
          students: data.students,
          obligations,
          mentorships: data.mentorships,
        });
        const schedule = scheduleVisits({
          term,
          assignments: plan.assignments,
          obligations,
          students: data.students,
          busySlots,
          calendar,
          options: { maxPerWeek: s.maxPerWeek },
        });
        // No lesson clash, no teacher in two places at once, no companion who is the lead.
        expect(scheduleConflicts(schedule.slots, busySlots)).toEqual([]);
        const byId = new Map(obligations.map((o) => [o.id, o]));
        for (const slot of schedule.slots) {
          const day = calendar.day(slot.date);
          expect(day.type).not.toBe("holiday");
          expect(day.exam).toBe(false);
          expect(day.provisional === true).toBe(slot.provisional === true);
          const o = byId.get(slot.obligationId);
          expect(o && o.window.from <= slot.date && slot.date <= o.window.to).toBe(true);
        }
        // Nothing dropped silently: every one-off obligation is placed or listed with a reason.
        const placed = new Set(schedule.slots.map((x) => x.obligationId));
        const listed = new Set(schedule.unscheduled.map((x) => x.obligationId));
        for (const o of obligations) {
          if (o.rrule === undefined) expect(placed.has(o.id) || listed.has(o.id)).toBe(true);
          if (o.kind === "crisis" && !placed.has(o.id)) {
            expect(schedule.unscheduled.find((u) => u.obligationId === o.id)?.code).toBe("schedule_crisis_escalated");
          }
        }
      }),
      { numRuns: 8, seed: 15 },
    );
  });
});
