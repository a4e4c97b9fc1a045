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

/**
 * The caller's obligations in the order a teacher should work through them: open ones first
 * (those already late, then by kind — crisis, new student, priority, universal round, mentor
 * contact — then by the day they are due), met ones last. An obligation is met when one of its
 * appointments is completed.
 *
 * @example
 * ```ts
 * const standing = obligationStanding(obligations, appointments, "2026-11-10");
 * standing[0]; // { kind: "crisis", met: false, dueBy: "2026-11-13", … }
 * ```
 */
export function obligationStanding(
  obligations: readonly MyObligation[],
  appointments: readonly { obligationId?: string | undefined; status: string }[],
  today: string,
): ObligationStanding[] {
  const completed = new Set(
    appointments.filter((a) => a.status === "completed" && a.obligationId !== undefined).map((a) => a.obligationId),
  );
  return obligations
    .map((o) => {
      const met = completed.has(o.obligationId);
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
