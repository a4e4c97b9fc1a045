import type { Student } from "../../domain/student.js";
import type { StorageTx, Stored } from "../../ports/storage.js";
import { HomevisitError } from "../../shared/errors/homevisit-error.js";
import type { Actor } from "../policy/actor.js";
import { type Action, authorize, type PolicyTarget } from "../policy/policy.js";
import { studentRelations, tenantPolicy } from "../targets.js";
import type { ResolveContext, UseCaseTarget } from "../use-case.js";

/**
 * Target resolution shared by the visit-workflow areas: a record that belongs to a student (an
 * appointment, a visit record, a support plan) is reached through the actor's relations to that
 * student, plus `own` when the actor is the record's teacher.
 */

/**
 * The policy target of a record about a student: the record's tenant keys, the actor's relations
 * to the student, and `own` when the actor is the record's lead teacher or a companion.
 *
 * @example
 * ```ts
 * await studentRecordTarget(ctx, "appointments", stored, stored.record.studentId, [stored.record.teacherId]);
 * // { policy: { cityId, countyId, schoolId, assigned: true, classTeacher: false, mentor: false, own: true }, … }
 * ```
 */
export async function studentRecordTarget<T extends { id: string }>(
  ctx: ResolveContext,
  entity: string,
  stored: Stored<T>,
  studentId: string,
  ownerIds: readonly string[],
): Promise<UseCaseTarget<{ stored: Stored<T>; student: Stored<Student> | undefined }>> {
  const student = await ctx.tx.students.get(studentId);
  const relations = student
    ? await studentRelations(ctx.tx, ctx.actor, student.record, ctx.today)
    : { assigned: false, classTeacher: false, mentor: false };
  const own =
    ctx.actor.schoolId !== undefined &&
    stored.tenant.schoolId === ctx.actor.schoolId &&
    ownerIds.includes(ctx.actor.id);
  return {
    policy: { ...tenantPolicy(stored.tenant), ...relations, assigned: relations.assigned || own, own },
    entity,
    entityId: stored.record.id,
    data: { stored, student },
  };
}

/**
 * The target of a list: the actor's school with every relation granted, so the call passes the
 * matrix when the role has any entry; each row is then checked with {@link rowAllowed}.
 *
 * @example
 * ```ts
 * await listTarget(ctx, "appointments"); // { policy: { …school, assigned: true, own: true, … }, entity: "appointments" }
 * ```
 */
export async function listTarget(ctx: ResolveContext, entity: string): Promise<UseCaseTarget<PolicyTarget>> {
  const schoolId = ctx.actor.schoolId;
  const school = schoolId === undefined ? undefined : await ctx.tx.schools.get(schoolId);
  const tenant: PolicyTarget = school ? tenantPolicy(school.tenant) : { cityId: ctx.actor.cityId };
  return {
    policy: { ...tenant, assigned: true, classTeacher: true, mentor: true, own: true },
    entity,
    data: tenant,
  };
}

/**
 * The target of an action on the actor's school as a whole (a plan, a zero report): the
 * school must exist.
 *
 * @example
 * ```ts
 * await ownSchoolTarget(ctx, "termPlans"); // { policy: { cityId, countyId, schoolId }, entity: "termPlans", … }
 * ```
 */
export async function ownSchoolTarget(ctx: ResolveContext, entity: string): Promise<UseCaseTarget<PolicyTarget>> {
  const schoolId = ctx.actor.schoolId;
  const school = schoolId === undefined ? undefined : await ctx.tx.schools.get(schoolId);
  const policy: PolicyTarget = school ? tenantPolicy(school.tenant) : { cityId: ctx.actor.cityId };
  return { policy, entity, data: policy };
}

/** The relations used to check one row of a list. */
export interface RowRelations {
  schoolId: string | null;
  assigned?: boolean;
  classTeacher?: boolean;
  mentor?: boolean;
  own?: boolean;
}

/**
 * Whether one row of a list is visible to the actor under an action: the same matrix as single
 * reads, applied row by row.
 *
 * @example
 * ```ts
 * rowAllowed(actor, "appointments.read", school, { schoolId: "sch-1", own: true }); // true for the teacher's own
 * ```
 */
export function rowAllowed(actor: Actor, action: Action, tenant: PolicyTarget, row: RowRelations): boolean {
  if (row.schoolId === null) return false;
  return authorize(actor, action, {
    ...tenant,
    schoolId: row.schoolId,
    assigned: row.assigned ?? false,
    classTeacher: row.classTeacher ?? false,
    mentor: row.mentor ?? false,
    own: row.own ?? false,
  }).allowed;
}

/**
 * The students the actor relates to in a school: assigned (any appointment as lead or
 * companion), in a class the actor leads, mentees.
 *
 * @example
 * ```ts
 * const rel = await actorStudentRelations(tx, actor, "sch-1", "2026-10-08");
 * rel.assigned.has("stu-1"); // true
 * ```
 */
export async function actorStudentRelations(
  tx: StorageTx,
  actor: Actor,
  schoolId: string,
  today: string,
): Promise<{ assigned: Set<string>; classTeacher: Set<string>; mentor: Set<string> }> {
  const all = async <T>(list: (cursor: string | undefined) => Promise<{ items: Stored<T>[]; nextCursor?: string }>) => {
    const out: Stored<T>[] = [];
    let cursor: string | undefined;
    do {
      const page = await list(cursor);
      out.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor !== undefined);
    return out;
  };
  const [appointments, classes, mentorships] = await Promise.all([
    all((cursor) => tx.appointments.list({ where: { schoolId }, cursor, limit: 1000 })),
    all((cursor) => tx.classes.list({ where: { schoolId, classTeacherId: actor.id }, cursor, limit: 1000 })),
    all((cursor) => tx.mentorships.list({ where: { schoolId, mentorId: actor.id }, cursor, limit: 1000 })),
  ]);
  const classIds = classes.map((c) => c.record.id);
  const inClasses =
    classIds.length === 0
      ? []
      : await all((cursor) => tx.students.list({ where: { schoolId, classId: classIds }, cursor, limit: 1000 }));
  return {
    assigned: new Set(
      appointments
        .filter((a) => a.record.teacherId === actor.id || a.record.companionIds.includes(actor.id))
        .map((a) => a.record.studentId),
    ),
    classTeacher: new Set(inClasses.map((s) => s.record.id)),
    mentor: new Set(
      mentorships.filter((m) => m.record.until === undefined || m.record.until >= today).map((m) => m.record.studentId),
    ),
  };
}

/**
 * Refuses a stale write before any domain rule runs: a caller holding an old version learns
 * that first (`version_conflict`), not an error about a state it never saw.
 *
 * @example
 * ```ts
 * checkVersion(stored, 3); // throws version_conflict when stored.version is 4
 * ```
 */
export function checkVersion(stored: { version: number }, expectedVersion: number): void {
  if (stored.version !== expectedVersion) throw new HomevisitError("version_conflict");
}
