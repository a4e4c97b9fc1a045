import type { Obligation, ProposedSlot } from "../../domain/planning.js";
import type { IsoDate } from "../../shared/primitives.js";
import type { ArrangedVisit } from "./options.js";
import { cmp } from "./text.js";

/**
 * Visits arranged before the plan (open appointments), matched to the obligations they serve:
 * a plan made mid-term keeps what the families were already told instead of booking them twice.
 */

const key = (studentId: string, kind: string) => `${studentId}\u0000${kind}`;

function push(map: Map<string, ArrangedVisit[]>, k: string, visit: ArrangedVisit): void {
  const list = map.get(k);
  if (list) list.push(visit);
  else map.set(k, [visit]);
}

/** The days an occurrence of a recurring obligation may be served on. */
export interface OccurrenceSpan {
  occurrence: IsoDate;
  from: IsoDate;
  to: IsoDate;
}

/**
 * The arranged visits of one scheduling run. Each serves at most one obligation or occurrence:
 * the one it was made for, else one of the same student and kind; earliest first, so the same
 * input always keeps the same visits.
 *
 * @example
 * ```ts
 * const arranged = new ArrangedVisits(input.arranged, new Set(obligations.map((o) => o.id)));
 * if (arranged.take(obligation)) continue; // kept: arranged.slots holds its slot
 * ```
 */
export class ArrangedVisits {
  private readonly byObligation = new Map<string, ArrangedVisit[]>();
  private readonly byStudentKind = new Map<string, ArrangedVisit[]>();
  private readonly used = new Set<ArrangedVisit>();
  /** The slots of the obligations kept, in the order they were taken. */
  readonly slots: ProposedSlot[] = [];

  constructor(arranged: readonly ArrangedVisit[], obligationIds: ReadonlySet<string>) {
    const sorted = [...arranged].sort(
      (a, b) => cmp(a.date, b.date) || cmp(a.start, b.start) || cmp(a.appointmentId, b.appointmentId),
    );
    for (const visit of sorted) {
      // Made for an obligation of this run: that one's. Else (ad hoc, or an obligation this
      // run no longer has): any of the same student and kind.
      if (visit.obligationId !== undefined && obligationIds.has(visit.obligationId))
        push(this.byObligation, visit.obligationId, visit);
      else push(this.byStudentKind, key(visit.studentId, visit.kind), visit);
    }
  }

  /** Keeps an arranged visit for the obligation (or the occurrence), if one serves it. */
  take(obligation: Obligation, span?: OccurrenceSpan): boolean {
    const visit =
      this.pick(this.byObligation.get(obligation.id), span) ??
      this.pick(this.byStudentKind.get(key(obligation.studentId, obligation.kind)), span);
    if (visit === undefined) return false;
    this.used.add(visit);
    this.slots.push(slotOf(obligation, visit, span?.occurrence));
    return true;
  }

  private pick(
    list: readonly ArrangedVisit[] | undefined,
    span: OccurrenceSpan | undefined,
  ): ArrangedVisit | undefined {
    if (list === undefined) return undefined;
    for (const visit of list) {
      if (this.used.has(visit)) continue;
      if (span === undefined || (visit.date >= span.from && visit.date <= span.to)) return visit;
    }
    return undefined;
  }
}

function slotOf(obligation: Obligation, visit: ArrangedVisit, occurrence: IsoDate | undefined): ProposedSlot {
  const companionId = visit.companionIds?.[0];
  const contact = obligation.kind === "mentor_contact" && obligation.channel === "any";
  return {
    obligationId: obligation.id,
    studentId: obligation.studentId,
    teacherId: visit.teacherId,
    ...(companionId === undefined ? {} : { companionId }),
    date: visit.date,
    start: visit.start,
    end: visit.end,
    tripId: `${visit.teacherId}/${visit.date}/${visit.start.replace(":", "")}`,
    ...(occurrence === undefined ? {} : { occurrence }),
    ...(contact ? { contact: true as const } : {}),
    appointmentId: visit.appointmentId,
  };
}

/**
 * The slots of a run in the plan's order (date, start, teacher, obligation), the kept ones
 * among the placed.
 *
 * @example
 * ```ts
 * withArranged(out.sorted(), arranged.slots);
 * ```
 */
export function withArranged(placed: ProposedSlot[], kept: readonly ProposedSlot[]): ProposedSlot[] {
  if (kept.length === 0) return placed;
  return [...placed, ...kept].sort(
    (a, b) =>
      cmp(a.date, b.date) ||
      cmp(a.start, b.start) ||
      cmp(a.teacherId, b.teacherId) ||
      cmp(a.obligationId, b.obligationId),
  );
}
