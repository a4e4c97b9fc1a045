// A plan made again mid-term, for the county (遂昌县): the autumn term planned from its first day
// and committed (its slots become the families' appointments); on 2026-11-02 the visits before
// that day were made, but every tenth (missed, nothing recorded), and the school plans again.
// The re-plan must keep every visit still arranged, book no family twice, place nothing on a
// day gone, and still place the missed visits, late (overdue). Baseline: the first plan of the
// same schools in the same runs (derive → assign → schedule; records validated once, untimed).
// `npx tsx --tsconfig tsconfig.json bench/plan/mid-term.ts [runs]` prints the row.
import { performance } from "node:perf_hooks";
import { type ArrangedVisit, type Obligation, type PastVisit, placementQuality, type Term } from "@homevisit/core";
import type { BenchRow } from "../src/harness.ts";
import {
  benchTerm,
  parseSchoolInput,
  planParts,
  rawBySchool,
  rawInput,
  type SchoolInput,
  scopeData,
} from "./plan-input.ts";

/** The day the county plans again. */
export const midTermDay = "2026-11-02";

/** What the first plan left on the re-plan's day: the visits made, and those still arranged. */
function stateOnDay(input: SchoolInput, term: Term) {
  const first = planParts(input, term);
  const kindOf = new Map(first.obligations.map((o) => [o.id, o]));
  const previousVisits: PastVisit[] = [];
  const arranged: ArrangedVisit[] = [];
  first.schedule.slots.forEach((slot, i) => {
    const o = kindOf.get(slot.obligationId) as Obligation;
    if (slot.date < midTermDay) {
      // Every tenth visit before the day was missed: its obligation is still owed.
      if (i % 10 !== 9) previousVisits.push({ studentId: slot.studentId, date: slot.date, inHome: !slot.contact });
      return;
    }
    arranged.push({
      appointmentId: `apt-${i}`,
      obligationId: slot.obligationId,
      studentId: slot.studentId,
      kind: o.kind,
      teacherId: slot.teacherId,
      ...(slot.companionId === undefined ? {} : { companionIds: [slot.companionId] }),
      date: slot.date,
      start: slot.start,
      end: slot.end,
    });
  });
  return { previousVisits, arranged };
}

/** The re-plan's figures over every school. */
interface MidTermFigures {
  inHomeDue: number;
  inHomePlaced: number;
  arrangedGiven: number;
  arrangedKept: number;
  /** Arranged visits whose obligation the re-plan no longer has (met by a visit made since). */
  arrangedOfMet: number;
  overdue: number;
  beforeDay: number;
  bookedTwice: number;
  newSlots: number;
}

function measure(inputs: readonly SchoolInput[], states: ReturnType<typeof stateOnDay>[], term: Term): MidTermFigures {
  const f: MidTermFigures = {
    inHomeDue: 0,
    inHomePlaced: 0,
    arrangedGiven: 0,
    arrangedKept: 0,
    arrangedOfMet: 0,
    overdue: 0,
    beforeDay: 0,
    bookedTwice: 0,
    newSlots: 0,
  };
  inputs.forEach((input, i) => {
    const state = states[i] as ReturnType<typeof stateOnDay>;
    const { obligations, schedule } = planParts(input, term, {
      previousVisits: state.previousVisits,
      schedule: { notBefore: midTermDay, arranged: state.arranged },
    });
    const q = placementQuality(schedule, { obligations, teachers: input.teachers });
    f.inHomeDue += q.inHome.due;
    f.inHomePlaced += q.inHome.placed;
    f.arrangedGiven += state.arranged.length;
    f.arrangedKept += q.arrangedSlots;
    const ids = new Set(obligations.map((o) => o.id));
    for (const a of state.arranged) if (!ids.has(a.obligationId as string)) f.arrangedOfMet++;
    f.overdue += q.overdueSlots;
    const perOneOff = new Map<string, number>();
    const recurring = new Set(obligations.filter((o) => o.rrule !== undefined).map((o) => o.id));
    for (const s of schedule.slots) {
      if (s.date < midTermDay && s.appointmentId === undefined) f.beforeDay++;
      if (s.appointmentId === undefined) f.newSlots++;
      if (!recurring.has(s.obligationId)) perOneOff.set(s.obligationId, (perOneOff.get(s.obligationId) ?? 0) + 1);
    }
    for (const n of perOneOff.values()) if (n > 1) f.bookedTwice++;
  });
  return f;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/**
 * The mid-term re-plan of the county beside its first plan, `runs` times each, alternating.
 *
 * @example
 * ```ts
 * const row = midTermRow(3); // { name: "plan again mid-term (2026-11-02) …", medianMs, baselineMedianMs, notes }
 * ```
 */
export function midTermRow(runs = 3, term: Term = benchTerm): BenchRow {
  const inputs = rawBySchool(rawInput(scopeData("county"))).map(parseSchoolInput);
  const states = inputs.map((input) => stateOnDay(input, term));
  const first: number[] = [];
  const again: number[] = [];
  let figures = measure(inputs, states, term); // warm-up
  for (let i = 0; i < runs; i++) {
    let start = performance.now();
    for (const input of inputs) planParts(input, term);
    first.push(performance.now() - start);
    start = performance.now();
    figures = measure(inputs, states, term);
    again.push(performance.now() - start);
  }
  const students = inputs.reduce((n, s) => n + s.students.length, 0);
  const share = ((100 * figures.inHomePlaced) / Math.max(1, figures.inHomeDue)).toFixed(1);
  return {
    name: `plan again mid-term (${midTermDay}), keeping the visits arranged: county (${inputs.length} schools, ${students.toLocaleString("en")} students)`,
    medianMs: median(again),
    baselineName: "the first plan of the term, same schools",
    baselineMedianMs: median(first),
    notes:
      `arranged visits kept ${figures.arrangedKept} of ${figures.arrangedGiven} (${figures.arrangedOfMet} serve obligations met since, by another in-home visit), families booked twice ${figures.bookedTwice} (0), ` +
      `new slots before ${midTermDay} ${figures.beforeDay} (0), ${figures.newSlots} new slots of which ${figures.overdue} overdue ` +
      `(the missed visits, placed late), universal/new/priority placed ${share} % (≥ 99 %)`,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(midTermRow(Number(process.argv[2] ?? 3)));
}
