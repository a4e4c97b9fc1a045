import type { VisitKind } from "@homevisit/core";

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

const shanghaiDay = (instant: string) => new Date(Date.parse(instant) + 8 * 3_600_000).toISOString().slice(0, 10);

/**
 * The caller's obligations in the order a teacher should work through them: open ones first
 * (those already late, then by kind — crisis, new student, priority, universal round, mentor
 * contact — then by the day they are due), met ones last. An obligation is met when completed
 * appointments of the same student and kind within its window cover its slots (one for a single
 * visit, each occurrence of a recurring contact).
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
      const completed = done.filter(
        (a) => a.studentId === o.studentId && a.kind === o.kind && a.day >= o.window.from && a.day <= o.window.to,
      ).length;
      const met = completed >= Math.max(1, o.slots.length);
      return { ...o, met, late: !met && o.window.to < today, dueBy: o.window.to };
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
