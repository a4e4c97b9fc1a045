import type { Actor } from "./policy/actor.js";
import { type Action, authorize, type PolicyTarget } from "./policy/policy.js";

/**
 * When a denial may say "forbidden" (RELIABILITY.md promises 1 and 10). A record the caller may
 * see but not act on answers 403 `forbidden`: its existence is no secret to them (a teacher who
 * visits a student recording that student's guardian consent, which the class teacher does).
 * A record the caller may not see answers 404 `not_found`, exactly like a missing one, so ids of
 * another scope cannot be probed. "May see" is the entity's read action in the matrix, decided on
 * the same policy target as the denied call.
 */

/** The read action whose reach makes a record of each stored entity visible to the caller. */
export const visibleThrough: Readonly<Record<string, Action>> = {
  students: "students.list",
  categoryFlags: "students.list",
  mentorships: "students.list",
  consents: "consent.read",
  appointments: "appointments.read",
  visitRecords: "records.read",
  supportPlans: "support.read",
  safetyReports: "safety.read",
  zeroReports: "safety.read",
  termPlans: "plans.read",
  conductReports: "conduct.reports",
  feedbackItems: "feedback.read",
};

/**
 * Whether a denied target is visible to the actor: its entity's read action reaches it.
 * Entities without a read action are never visible, so their denials stay 404.
 *
 * @example
 * ```ts
 * const teacher = { id: "t-1", roles: ["teacher"], cityId: "c", countyId: "k", schoolId: "s" };
 * isVisible(teacher, "students", { cityId: "c", countyId: "k", schoolId: "s", assigned: true }); // true → 403
 * isVisible(teacher, "students", { cityId: "c", countyId: "k", schoolId: "s" }); // false → 404
 * ```
 */
export function isVisible(actor: Actor, entity: string, target: PolicyTarget): boolean {
  const action = Object.hasOwn(visibleThrough, entity) ? visibleThrough[entity] : undefined;
  return action !== undefined && authorize(actor, action, target).allowed;
}
