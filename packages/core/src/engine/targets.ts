import type { Appointment } from "../domain/appointment/index.js";
import type { Student } from "../domain/student.js";
import { schoolEnrolment } from "../ports/entities.js";
import type { Page, StorageTx, Stored } from "../ports/storage.js";
import type { Actor } from "./policy/actor.js";
import type { PolicyTarget } from "./policy/policy.js";
import type { ResolveContext, UseCaseTarget } from "./use-case.js";

/**
 * Target resolution shared by use cases: tenant keys from the stored rows and the actor's
 * relations to a student — assigned (lead or companion of an appointment), class teacher of the
 * student's current class, mentor in an active mentorship. Relations are only looked up inside
 * the actor's own school: across schools no relation counts.
 */

/** The actor's relations to one student. */
export interface StudentRelations {
  assigned: boolean;
  classTeacher: boolean;
  mentor: boolean;
}

/**
 * Rows {@link studentRelations} read on the way, kept for a caller that needs the same rows in
 * the same transaction (the archive lists the student's appointments too): the first page of
 * the student's appointments, when the actor is of the student's school.
 */
export interface RelationReads {
  appointments?: Page<Appointment>;
}

/**
 * Works out how an actor relates to a student. With `reads`, the rows read on the way are
 * left there for the caller.
 *
 * @example
 * ```ts
 * await studentRelations(tx, actor, stored.record, "2026-10-08");
 * // { assigned: true, classTeacher: false, mentor: false }
 * ```
 */
export async function studentRelations(
  tx: StorageTx,
  actor: Actor,
  student: Student,
  today: string,
  reads?: RelationReads,
): Promise<StudentRelations> {
  const none = { assigned: false, classTeacher: false, mentor: false };
  if (actor.schoolId === undefined || actor.schoolId !== student.schoolId) return none;
  const [appointments, classRow, mentorships] = await Promise.all([
    tx.appointments.list({ where: { studentId: student.id }, limit: 1000 }),
    (async () => {
      const classId = schoolEnrolment(student)?.classId;
      return classId === undefined ? undefined : tx.classes.get(classId);
    })(),
    tx.mentorships.list({ where: { studentId: student.id, mentorId: actor.id }, limit: 1000 }),
  ]);
  if (reads) reads.appointments = appointments;
  return {
    assigned: appointments.items.some(
      (a) => a.record.teacherId === actor.id || a.record.companionIds.includes(actor.id),
    ),
    classTeacher: classRow?.record.classTeacherId === actor.id,
    mentor: mentorships.items.some((m) => m.record.until === undefined || m.record.until >= today),
  };
}

/**
 * The policy target of a stored student: its tenant keys and the actor's relations.
 *
 * @example
 * ```ts
 * const target = await studentTarget(ctx, "s-001");
 * target?.policy; // { cityId: "lishui", countyId: "liandu", schoolId: "sch-1", assigned: true, … }
 * ```
 */
export async function studentTarget(
  ctx: ResolveContext,
  studentId: string,
  reads?: RelationReads,
): Promise<UseCaseTarget<Stored<Student>> | undefined> {
  const stored = await ctx.tx.students.get(studentId);
  if (!stored) return undefined;
  const relations = await studentRelations(ctx.tx, ctx.actor, stored.record, ctx.today, reads);
  return {
    policy: { ...tenantPolicy(stored.tenant), ...relations },
    entity: "students",
    entityId: studentId,
    data: stored,
  };
}

/**
 * Tenant keys of a stored row as a policy target.
 *
 * @example
 * ```ts
 * tenantPolicy({ cityId: "lishui", countyId: "liandu", schoolId: "sch-1" });
 * // { cityId: "lishui", countyId: "liandu", schoolId: "sch-1" }
 * ```
 */
export function tenantPolicy(tenant: {
  cityId: string;
  countyId: string | null;
  schoolId: string | null;
}): PolicyTarget {
  return {
    cityId: tenant.cityId,
    ...(tenant.countyId === null ? {} : { countyId: tenant.countyId }),
    ...(tenant.schoolId === null ? {} : { schoolId: tenant.schoolId }),
  };
}

/**
 * The target of an action on the actor's own school as a whole (imports, purges, the audit
 * log): the school must exist; the actor's roles decide.
 *
 * @example
 * ```ts
 * await schoolTarget(ctx); // { policy: { cityId, countyId, schoolId }, entity: "schools", entityId: "sch-1", data: stored }
 * ```
 */
export async function schoolTarget(ctx: ResolveContext) {
  const schoolId = ctx.actor.schoolId;
  const stored = schoolId === undefined ? undefined : await ctx.tx.schools.get(schoolId);
  // An actor without a school (bureau staff) still gets a target, so the policy answers 403.
  const policy: PolicyTarget = stored ? tenantPolicy(stored.tenant) : { cityId: ctx.actor.cityId };
  return { policy, entity: "schools", ...(schoolId === undefined ? {} : { entityId: schoolId }), data: stored };
}

/**
 * The audit chain a target's rows join: its school, else its county, else its city.
 *
 * @example
 * ```ts
 * chainOf({ cityId: "lishui", countyId: "liandu", schoolId: "sch-1" }); // "sch-1"
 * chainOf({ cityId: "lishui" }); // "lishui"
 * ```
 */
export function chainOf(target: PolicyTarget): string {
  return target.schoolId ?? target.countyId ?? target.cityId;
}

/**
 * The audit chain of an actor's own tenant, for denials.
 *
 * @example
 * ```ts
 * actorChain({ id: "b-1", roles: ["county_bureau"], cityId: "lishui", countyId: "liandu" }); // "liandu"
 * ```
 */
export function actorChain(actor: Actor): string {
  return actor.schoolId ?? actor.countyId ?? actor.cityId;
}
