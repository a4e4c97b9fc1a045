import type { VisitKind } from "@homevisit/core";
import { shanghaiDay } from "./dates.js";

/** One of the caller's obligations as `GET /me/obligations` answers it. */
export interface MyObligation {
  obligationId: string;
  studentId: string;
  kind: VisitKind;
  role: "lead" | "companion";
  window: { from: string; to: string };
  slots: { date: string; start: string; end: string }[];
}

/** What a teacher needs to see of an obligation: is it met, and how soon is it due. */
export interface ObligationStanding extends MyObligation {
  /** A completed visit stands for it. */
  met: boolean;
  /** Its window closed before today with no completed visit. */
  late: boolean;
  /** The day it is due by (the window's end; a crisis visit's deadline). */
  dueBy: string;
  /** The plan's next day for it, today or later, while it is not met: a late visit's new day. */
  plannedOn?: string;
}

/**
 * Which kinds of visit come first when several are open: a family crisis has a deadline of
 * days (R5), new students are visited at the start of term, priority students before the
 * universal round; mentor contacts recur and are never urgent by themselves.
 */
const kindRank: Readonly<Record<VisitKind, number>> = {
  crisis: 0,
  new_student: 1,
  priority: 2,
  universal: 3,
  mentor_contact: 4,
};

/** What {@link obligationStanding} reads of an appointment (a list's masked summary has no obligation id). */
export interface AppointmentFacts {
  studentId: string;
  kind: VisitKind;
  status: string;
  /** An instant; its China Standard Time day is compared with the window. */
  start: string;
}

/**
 * The caller's obligations in the order a teacher should work through them: open ones first
 * (those already late, then by kind — crisis, new student, priority, universal round, mentor
 * contact — then by the day they are due), met ones last. An obligation is met when completed
 * appointments of the same student and kind from its window's first day on cover its slots (one
 * for a single visit, each occurrence of a recurring contact): a visit made late still counts.
 * One not met says the plan's next day for it (`plannedOn`).
 *
 * @example
 * ```ts
 * const standing = obligationStanding(obligations, appointments, "2026-11-10");
 * standing[0]; // { kind: "crisis", met: false, dueBy: "2026-11-13", … }
 * ```
 */
export function obligationStanding(
  obligations: readonly MyObligation[],
  appointments: readonly AppointmentFacts[],
  today: string,
): ObligationStanding[] {
  const done = appointments
    .filter((a) => a.status === "completed")
    .map((a) => ({ studentId: a.studentId, kind: a.kind, day: shanghaiDay(a.start) }));
  return obligations
    .map((o) => {
      // A visit made after the window still counts: it was owed, and a plan made mid-term
      // places such visits after their window (marked overdue).
      const completed = done.filter(
        (a) => a.studentId === o.studentId && a.kind === o.kind && a.day >= o.window.from,
      ).length;
      const met = completed >= Math.max(1, o.slots.length);
      const plannedOn = met
        ? undefined
        : o.slots
            .map((s) => s.date)
            .filter((d) => d >= today)
            .sort()[0];
      return {
        ...o,
        met,
        late: !met && o.window.to < today,
        dueBy: o.window.to,
        ...(plannedOn === undefined ? {} : { plannedOn }),
      };
    })
    .sort(
      (a, b) =>
        Number(a.met) - Number(b.met) ||
        Number(b.late) - Number(a.late) ||
        kindRank[a.kind] - kindRank[b.kind] ||
        a.dueBy.localeCompare(b.dueBy) ||
        a.obligationId.localeCompare(b.obligationId),
    );
}
