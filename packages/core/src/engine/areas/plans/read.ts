import type { Obligation } from "../../../domain/planning.js";
import type { TermPlan } from "../../../domain/workflow-records.js";
import type { AssignmentPlan } from "../../../planning/assignment.js";
import { planQuality } from "../../../planning/quality.js";
import { decodeCursor, encodeCursor } from "../../../ports/paging.js";
import { HomevisitError } from "../../../shared/errors/homevisit-error.js";
import type { Actor } from "../../policy/actor.js";
import { authorize, type PolicyTarget } from "../../policy/policy.js";
import type { UseCaseContext } from "../../use-case.js";
import { loadAll } from "../../util.js";
import type { PlanQualityReport, PlanSummary } from "./schemas.js";

/**
 * Reading plans: the part of a plan an actor may see, its summary, a page of its visits (by
 * obligation, so an obligation's assignment, slots and gaps stay together), the school's list
 * and the quality figures recomputed from the stored snapshot.
 */

/**
 * Whether the actor reads a plan whole (principals, school admins) rather than their own part.
 *
 * @example
 * ```ts
 * readsWholePlan(principal, { cityId, countyId, schoolId }); // true
 * ```
 */
export function readsWholePlan(actor: Actor, policy: PolicyTarget): boolean {
  return authorize(actor, "plans.read", { ...policy, own: false }).allowed;
}

/**
 * The part of a plan an actor may read: the whole plan, or a teacher's own assignments, slots
 * and mentees (appointment ids and the school's gaps are not theirs).
 *
 * @example
 * ```ts
 * visiblePlan(plan, "t-1", false).assignments.every((a) => a.leadTeacherId === "t-1" || a.companionTeacherId === "t-1"); // true
 * ```
 */
export function visiblePlan(plan: TermPlan, actorId: string, whole: boolean): TermPlan {
  if (whole) return plan;
  const assignments = plan.assignments.filter((a) => a.leadTeacherId === actorId || a.companionTeacherId === actorId);
  const mine = new Set(assignments.map((a) => a.obligationId));
  return {
    ...plan,
    obligations: plan.obligations.filter((o) => mine.has(o.id)),
    assignments,
    mentorships: plan.mentorships.filter((m) => m.mentorId === actorId),
    slots: plan.slots.filter((s) => s.teacherId === actorId || s.companionId === actorId),
    unassigned: [],
    unscheduled: plan.unscheduled.filter((u) => mine.has(u.obligationId)),
    quality: { ...plan.quality, loads: plan.quality.loads.filter((l) => l.teacherId === actorId) },
    appointmentIds: [],
  };
}

/**
 * A plan's summary: its fields without the visits, and the counts of each part.
 *
 * @example
 * ```ts
 * planSummary(plan).counts; // { obligations: 612, assignments: 610, slots: 640, unassigned: 2, unscheduled: 3, mentorships: 41, appointments: 0, arranged: 0 }
 * ```
 */
export function planSummary(plan: TermPlan): PlanSummary {
  return {
    id: plan.id,
    schoolId: plan.schoolId,
    termId: plan.termId,
    term: plan.term,
    status: plan.status,
    planNumber: plan.planNumber,
    generatedBy: plan.generatedBy,
    generatedAt: plan.generatedAt,
    ...(plan.committedBy === undefined ? {} : { committedBy: plan.committedBy }),
    ...(plan.committedAt === undefined ? {} : { committedAt: plan.committedAt }),
    ...(plan.scheduleFrom === undefined ? {} : { scheduleFrom: plan.scheduleFrom }),
    counts: {
      obligations: plan.obligations.length,
      assignments: plan.assignments.length,
      slots: plan.slots.length,
      unassigned: plan.unassigned.length,
      unscheduled: plan.unscheduled.length,
      mentorships: plan.mentorships.length,
      appointments: plan.appointmentIds.length,
      arranged: countArranged(plan.slots),
    },
    coverage: plan.quality.coverage,
    ok: plan.quality.ok,
  };
}

function countArranged(slots: TermPlan["slots"]): number {
  let n = 0;
  for (const s of slots) if (s.appointmentId !== undefined) n++;
  return n;
}

// Code-point order: the same on every host, whatever its locale.
function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * One page of a plan's visits: the obligations after `cursor` in the plan's own order (the
 * planner's, which the snapshot keeps), up to `limit`, with everything that belongs to them.
 * Appointment ids follow their slots (the commit made one per slot, in slot order). A cursor
 * naming an obligation the plan lacks is `storage_invalid_cursor`.
 *
 * @example
 * ```ts
 * const first = planPage(plan, undefined, 100);
 * const second = planPage(plan, first.nextCursor, 100);
 * ```
 */
export function planPage(
  plan: TermPlan,
  cursor: string | undefined,
  limit: number,
): { plan: TermPlan; nextCursor?: string } {
  let from = 0;
  if (cursor !== undefined) {
    const after = decodeCursor(cursor);
    const at = plan.obligations.findIndex((o) => o.id === after);
    if (at < 0) throw new HomevisitError("storage_invalid_cursor", { path: ["cursor"] });
    from = at + 1;
  }
  const obligations = plan.obligations.slice(from, from + limit);
  const ids = new Set(obligations.map((o) => o.id));
  const slotIndexes: number[] = [];
  plan.slots.forEach((s, i) => {
    if (ids.has(s.obligationId)) slotIndexes.push(i);
  });
  const withAppointments = plan.appointmentIds.length === plan.slots.length;
  const page: TermPlan = {
    ...plan,
    obligations,
    assignments: plan.assignments.filter((a) => ids.has(a.obligationId)),
    slots: slotIndexes.map((i) => plan.slots[i] as TermPlan["slots"][number]),
    unassigned: plan.unassigned.filter((u) => ids.has(u.obligationId)),
    unscheduled: plan.unscheduled.filter((u) => ids.has(u.obligationId)),
    appointmentIds: withAppointments ? slotIndexes.map((i) => plan.appointmentIds[i] as string) : [],
  };
  const last = obligations.at(-1);
  return from + limit < plan.obligations.length && last !== undefined
    ? { plan: page, nextCursor: encodeCursor(last.id) }
    : { plan: page };
}

/** The list order: newest term first, then the latest generated, then id. */
function listKey(plan: TermPlan): string {
  return `${plan.term.start}\u0000${plan.generatedAt}\u0000${plan.id}`;
}

/**
 * A page of a school's plans as summaries, newest term first; a teacher's counts are of their
 * own part.
 *
 * @example
 * ```ts
 * await listPlans(ctx, "sch-1", { limit: 50 });
 * // { items: [{ id: "plan-2", status: "committed", counts: { … }, … }], nextCursor: "…" }
 * ```
 */
export async function listPlans(
  ctx: UseCaseContext<PolicyTarget>,
  schoolId: string,
  input: {
    termId?: string | undefined;
    status?: TermPlan["status"] | undefined;
    cursor?: string | undefined;
    limit: number;
  },
): Promise<{ items: PlanSummary[]; nextCursor?: string }> {
  const rows = await loadAll((cursor) =>
    ctx.tx.termPlans.list({
      where: {
        schoolId,
        ...(input.termId === undefined ? {} : { termId: input.termId }),
        ...(input.status === undefined ? {} : { status: input.status }),
      },
      cursor,
      limit: 1000,
    }),
  );
  const after = input.cursor === undefined ? undefined : decodeCursor(input.cursor);
  const ordered = rows
    .map((r) => r.record)
    .sort((a, b) => cmp(listKey(b), listKey(a)))
    .filter((p) => after === undefined || cmp(listKey(p), after) < 0);
  const whole = readsWholePlan(ctx.actor, ctx.target.policy);
  const page = ordered.slice(0, input.limit);
  const items = page.map((p) => planSummary(visiblePlan(p, ctx.actor.id, whole)));
  const last = page.at(-1);
  return ordered.length > input.limit && last !== undefined
    ? { items, nextCursor: encodeCursor(listKey(last)) }
    : { items };
}

/**
 * The quality figures of a stored plan, recomputed with today's roster and the school's
 * previous committed plan (continuity). Whole-school figures: a reader of their own part only
 * is refused (`forbidden`).
 *
 * @example
 * ```ts
 * (await qualityOfPlan(ctx, stored.record)).placement.crisis; // { due: 3, withinDeadline: 3, escalated: 0 }
 * ```
 */
export async function qualityOfPlan(ctx: UseCaseContext<unknown>, plan: TermPlan): Promise<PlanQualityReport> {
  const where = { schoolId: plan.schoolId };
  const [teachers, students, plans] = await Promise.all([
    loadAll((cursor) => ctx.tx.teachers.list({ where, cursor, limit: 1000 })),
    loadAll((cursor) => ctx.tx.students.list({ where: { ...where, leftOn: null }, cursor, limit: 1000 })),
    loadAll((cursor) => ctx.tx.termPlans.list({ where: { ...where, status: "committed" }, cursor, limit: 1000 })),
  ]);
  const previous = plans
    .map((p) => p.record)
    .filter((p) => p.termId !== plan.termId && p.term.start < plan.term.start)
    .sort((a, b) => cmp(a.term.start, b.term.start))
    .at(-1);
  const obligations = plan.obligations as unknown as Obligation[];
  const assigned: AssignmentPlan = {
    assignments: plan.assignments,
    mentorships: plan.mentorships,
    uncovered: plan.unassigned as unknown as AssignmentPlan["uncovered"],
    missingCompanions: [],
  };
  const q = planQuality(assigned, {
    term: plan.term,
    teachers: teachers.map((t) => t.record),
    obligations,
    students: students.map((s) => s.record),
    ...(previous ? { previousAssignments: previous.assignments } : {}),
    schedule: {
      slots: plan.slots,
      unscheduled: plan.unscheduled as unknown as NonNullable<
        Parameters<typeof planQuality>[1]["schedule"]
      >["unscheduled"],
    },
  });
  const placement = q.placement;
  if (placement === undefined) throw new HomevisitError("internal_error");
  return {
    planId: plan.id,
    termId: plan.termId,
    status: plan.status,
    ...(plan.scheduleFrom === undefined ? {} : { scheduleFrom: plan.scheduleFrom }),
    coverage: q.coverage,
    uncovered: q.uncovered,
    teachersWithZeroVisits: q.teachersWithZeroVisits,
    loadImbalance: q.loadImbalance,
    continuityRate: q.continuityRate,
    studentsWithoutMentor: q.studentsWithoutMentor,
    mentorHandovers: plan.quality.mentorHandovers ?? 0,
    loads: q.loads,
    loadSpread: q.loadSpread,
    placement: {
      byKind: placement.byKind,
      inHome: placement.inHome,
      crisis: placement.crisis,
      idleTeachers: placement.idleTeachers,
      provisionalSlots: placement.provisionalSlots,
      alternativeSlots: placement.alternativeSlots,
      overdueSlots: placement.overdueSlots,
      arrangedSlots: placement.arrangedSlots,
      unplaced: placement.unplaced.map((u) => ({ ...u })),
    },
    ok: q.ok,
  };
}

/**
 * A plan as the plans area answers it: one page of its visits, the summary of the whole plan,
 * the stored version and the cursor of the next page. `plans.get`, `plans.generate` and
 * `plans.commit` all answer this shape, so no answer carries a city school's whole plan.
 *
 * @example
 * ```ts
 * pagedPlan(plan, 3, undefined, 50); // { plan: <first 50 obligations>, summary, version: 3, nextCursor: "…" }
 * ```
 */
export function pagedPlan(
  plan: TermPlan,
  version: number,
  cursor: string | undefined,
  limit: number,
): { plan: TermPlan; summary: PlanSummary; version: number; nextCursor?: string } {
  const page = planPage(plan, cursor, limit);
  return {
    plan: page.plan,
    summary: planSummary(plan),
    version,
    ...(page.nextCursor === undefined ? {} : { nextCursor: page.nextCursor }),
  };
}
