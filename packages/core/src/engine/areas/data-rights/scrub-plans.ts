import { type Obligation, type VisitKind, visitKindLabels } from "../../../domain/planning.js";
import type { TermPlan } from "../../../domain/workflow-records.js";
import type { StorageTx } from "../../../ports/storage.js";
import { loadAll } from "../../util.js";

/** How many entries a plan holds that name a student. */
function entries(plan: TermPlan): number {
  return (
    plan.obligations.length +
    plan.assignments.length +
    plan.mentorships.length +
    plan.slots.length +
    plan.unassigned.length +
    plan.unscheduled.length +
    plan.quality.uncoveredStudentIds.length +
    plan.quality.studentsWithoutMentor.length
  );
}

/**
 * A term plan without one student: their obligations (which name their categories), assignments,
 * mentorships, slots with the appointments made for them, gaps and quality lists. `undefined`
 * when the plan never named them.
 *
 * @example
 * ```ts
 * planWithout(plan, "stu-0001")?.obligations.some((o) => o.studentId === "stu-0001"); // false
 * ```
 */
export function planWithout(plan: TermPlan, studentId: string): TermPlan | undefined {
  const other = (row: { studentId: string }) => row.studentId !== studentId;
  const keep = plan.slots.map(other);
  const next: TermPlan = {
    ...plan,
    obligations: plan.obligations.filter(other),
    assignments: plan.assignments.filter(other),
    mentorships: plan.mentorships.filter(other),
    slots: plan.slots.filter((_, i) => keep[i]),
    unassigned: plan.unassigned.filter(other),
    unscheduled: plan.unscheduled.filter(other),
    quality: {
      ...plan.quality,
      uncoveredStudentIds: plan.quality.uncoveredStudentIds.filter((id) => id !== studentId),
      studentsWithoutMentor: plan.quality.studentsWithoutMentor.filter((id) => id !== studentId),
    },
    // One appointment per slot once committed: they go with their slots.
    appointmentIds:
      plan.appointmentIds.length === plan.slots.length
        ? plan.appointmentIds.filter((_, i) => keep[i])
        : plan.appointmentIds,
  };
  return entries(next) < entries(plan) ? next : undefined;
}

/**
 * A term plan narrowed to one student's entries, for their data export; `undefined` when the
 * plan never named them.
 *
 * @example
 * ```ts
 * planPartOf(plan, "stu-0001"); // { planId, termId, status, obligations: [...], slots: [...], … }
 * ```
 */
export function planPartOf(plan: TermPlan, studentId: string) {
  const mine = (row: { studentId: string }) => row.studentId === studentId;
  const part = {
    planId: plan.id,
    termId: plan.termId,
    status: plan.status,
    obligations: plan.obligations.filter(mine),
    assignments: plan.assignments.filter(mine),
    slots: plan.slots.filter(mine),
    unassigned: plan.unassigned.filter(mine),
    unscheduled: plan.unscheduled.filter(mine),
  };
  const any =
    part.obligations.length +
      part.assignments.length +
      part.slots.length +
      part.unassigned.length +
      part.unscheduled.length >
    0;
  return any ? part : undefined;
}

/** Kinds of visit whose reason names the student's categories. */
const categoryKinds: ReadonlySet<VisitKind> = new Set(["priority", "crisis", "mentor_contact"]);

/** Why a visit is owed once its category detail is purged: the kind of visit only. */
function purgedWhy(kind: VisitKind): Obligation["why"] {
  const label = visitKindLabels[kind];
  return {
    "zh-CN": `${label["zh-CN"]}（监护人已撤回同意，类别信息已清除）`,
    en: `${label.en} (the guardian withdrew consent: category details purged)`,
  };
}

/**
 * A term plan without one student's category detail, after their guardian's consent was
 * withdrawn and its purge came due: each of their obligations that a category made keeps its
 * visit (the family was told; the school still owes it) but loses `category`, and its reason
 * says the kind of visit only, not which of the seven categories. `undefined` when the plan
 * held no such detail of them.
 *
 * @example
 * ```ts
 * planWithoutCategories(plan, "stu-0001")?.obligations.find((o) => o.studentId === "stu-0001")?.category; // undefined
 * ```
 */
export function planWithoutCategories(plan: TermPlan, studentId: string): TermPlan | undefined {
  let changed = false;
  const obligations = plan.obligations.map((o) => {
    if (o.studentId !== studentId || (o.category === undefined && !categoryKinds.has(o.kind))) return o;
    const { category: _purged, ...rest } = o;
    const why = purgedWhy(o.kind);
    if (o.category === undefined && o.why["zh-CN"] === why["zh-CN"]) return o;
    changed = true;
    return { ...rest, why };
  });
  return changed ? { ...plan, obligations } : undefined;
}

/**
 * Rewrites every term plan of a school that `scrub` changes. Returns how many changed.
 */
async function rewritePlans(
  tx: StorageTx,
  schoolId: string,
  scrub: (plan: TermPlan) => TermPlan | undefined,
): Promise<number> {
  const plans = await loadAll((cursor) => tx.termPlans.list({ where: { schoolId }, cursor, limit: 1000 }));
  let scrubbed = 0;
  for (const stored of plans) {
    const next = scrub(stored.record);
    if (next === undefined) continue;
    await tx.termPlans.update(next.id, next, { expectedVersion: stored.version });
    scrubbed++;
  }
  return scrubbed;
}

/**
 * Takes an erased student out of every term plan of their school (RELIABILITY.md promise 4:
 * nothing about them stays but the tombstone). Returns how many plans named them.
 *
 * @example
 * ```ts
 * removed.termPlans = await scrubPlans(tx, "sch-1", "stu-0001");
 * ```
 */
export function scrubPlans(tx: StorageTx, schoolId: string, studentId: string): Promise<number> {
  return rewritePlans(tx, schoolId, (plan) => planWithout(plan, studentId));
}

/**
 * Takes a student's category detail out of every term plan of their school, when a withdrawn
 * consent's purge comes due (see {@link planWithoutCategories}). Returns how many plans held it.
 *
 * @example
 * ```ts
 * removed.termPlans = await scrubPlanCategories(tx, "sch-1", "stu-0001");
 * ```
 */
export function scrubPlanCategories(tx: StorageTx, schoolId: string, studentId: string): Promise<number> {
  return rewritePlans(tx, schoolId, (plan) => planWithoutCategories(plan, studentId));
}
