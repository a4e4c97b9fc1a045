import type { ProposedSlot } from "../../domain/planning.js";
import type { IsoDate } from "../../shared/primitives.js";

/** A visit (or an occurrence of a contact) as two plans place it. */
export interface ReplanMove {
  obligationId: string;
  studentId: string;
  occurrence?: IsoDate;
  before: Pick<ProposedSlot, "teacherId" | "date" | "start" | "end">;
  after: Pick<ProposedSlot, "teacherId" | "date" | "start" | "end">;
}

/** What changed between a plan and its re-plan (e.g. on the official holiday notice). */
export interface ReplanDiff {
  /** Same teacher, day and time. */
  kept: number;
  /** Placed in both, at another day, time or teacher. */
  moved: ReplanMove[];
  /** Placed before, not any more: each needs the principal's attention. */
  newlyUnplaced: { obligationId: string; studentId: string; occurrence?: IsoDate; before: ProposedSlot }[];
  /** Not placed before, placed now. */
  newlyPlaced: ProposedSlot[];
}

function keyOf(slot: Pick<ProposedSlot, "obligationId" | "occurrence">): string {
  return slot.occurrence === undefined ? slot.obligationId : `${slot.obligationId}@${slot.occurrence}`;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Compares a plan with its re-plan, visit by visit (an obligation, or an occurrence of a
 * recurring contact): kept in place, moved, newly unplaceable, newly placed. Typical use: a
 * spring term planned on the provisional calendar, planned again once the State Council's
 * notice is known; the teachers are told about the moved visits, the principal about the
 * newly unplaceable ones. Sorted by obligation id and occurrence.
 *
 * @example
 * ```ts
 * const before = scheduleVisits({ ...input, calendar: planningCalendar() });
 * const after = scheduleVisits({ ...input, calendar: planningCalendar({ holidays: withNotice2027 }) });
 * replanDiff(before.slots, after.slots);
 * // → { kept: 1480, moved: [{ obligationId: "…", before: { date: "2027-02-13", … }, after: { date: "2027-02-15", … } }],
 * //     newlyUnplaced: [], newlyPlaced: [] }
 * ```
 */
export function replanDiff(before: readonly ProposedSlot[], after: readonly ProposedSlot[]): ReplanDiff {
  const old = new Map<string, ProposedSlot>();
  for (const s of before) if (!old.has(keyOf(s))) old.set(keyOf(s), s);
  const now = new Map<string, ProposedSlot>();
  for (const s of after) if (!now.has(keyOf(s))) now.set(keyOf(s), s);
  const diff: ReplanDiff = { kept: 0, moved: [], newlyUnplaced: [], newlyPlaced: [] };
  const pick = (s: ProposedSlot) => ({ teacherId: s.teacherId, date: s.date, start: s.start, end: s.end });
  for (const key of [...old.keys()].sort(cmp)) {
    const a = old.get(key) as ProposedSlot;
    const b = now.get(key);
    const occurrence = a.occurrence === undefined ? {} : { occurrence: a.occurrence };
    if (!b) {
      diff.newlyUnplaced.push({ obligationId: a.obligationId, studentId: a.studentId, ...occurrence, before: a });
    } else if (a.teacherId === b.teacherId && a.date === b.date && a.start === b.start) {
      diff.kept++;
    } else {
      diff.moved.push({
        obligationId: a.obligationId,
        studentId: a.studentId,
        ...occurrence,
        before: pick(a),
        after: pick(b),
      });
    }
  }
  for (const key of [...now.keys()].sort(cmp)) if (!old.has(key)) diff.newlyPlaced.push(now.get(key) as ProposedSlot);
  return diff;
}
