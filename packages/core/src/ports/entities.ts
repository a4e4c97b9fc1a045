import type * as z from "zod";
import { appointmentSchema } from "../domain/appointment/index.js";
import { type categoryFlagSchema, flagEnd, storedCategoryFlagSchema } from "../domain/categories.js";
import { consentSchema, storedMentorshipSchema, tombstoneSchema } from "../domain/consent.js";
import { storedFormTemplateSchema } from "../domain/custom-fields/inheritance.js";
import { citySchema, countySchema, schoolClassSchema, schoolSchema, teacherSchema } from "../domain/organisation.js";
import { preVisitSafetyReportSchema } from "../domain/safety.js";
import { type Student, studentSchema } from "../domain/student.js";
import { type VisitRecordDraft, visitRecordDraftSchema } from "../domain/visit-record.js";
import {
  feedbackItemSchema,
  safetyCheckInRecordSchema,
  storedConductReportSchema,
  storedZeroReportSchema,
  supportPlanSchema,
  termPlanSchema,
} from "../domain/workflow-records.js";
import { shanghaiDate } from "../shared/dates.js";
import type { EntityName } from "../shared/errors/entity-names.js";

/**
 * The records the storage port keeps, described once so that every adapter stores them the
 * same way: a document (the schema's output, as JSON) plus a few indexed columns — tenant keys
 * for scoping and sharding, and the fields lists filter on and reports group by. Adding an
 * entity is adding one definition here (and, for SQL adapters, one migration creating its
 * table).
 */

/**
 * The tenant keys every stored row carries. A school's query never returns another school's
 * rows; a bureau's reports scope by county or city; PostgreSQL shards by these columns.
 */
export interface TenantKeys {
  cityId: string;
  /** `null` on a city row. */
  countyId: string | null;
  /** `null` on city and county rows. */
  schoolId: string | null;
}

/** A value of an indexed column: text, an integer, or nothing. */
export type IndexValue = string | number | null;

/**
 * Where a record's tenant keys come from: written on the record itself (cities, counties,
 * schools), or inherited from a parent row that must already exist (a student's school, a
 * flag's student).
 */
export type TenantSource = { keys: TenantKeys } | { parent: ParentEntityName; id: string };

/** The entities other records inherit their tenant keys from. */
export type ParentEntityName = "cities" | "counties" | "schools" | "students";

/** How one entity is stored. */
export interface EntityDefinition<S extends z.ZodType = z.ZodType, I extends string = string> {
  /** The entity name, as used in `not_found` errors: one of the shared table's, with its Chinese. */
  readonly name: EntityName;
  readonly schema: S;
  /** Where the record's tenant keys come from. */
  readonly tenant: (record: z.output<S>) => TenantSource;
  /** Indexed values, by column name (camelCase), for filters and reports. */
  readonly indexes: { readonly [K in I]: (record: z.output<S>) => IndexValue };
}

function defineEntity<S extends z.ZodType, I extends string = never>(
  definition: EntityDefinition<S, I>,
): EntityDefinition<S, I> {
  return definition;
}

/**
 * The enrolment of a student at the student's own school that defines the current class:
 * the open one, else the latest. `undefined` when the student never enrolled there.
 *
 * @example
 * ```ts
 * schoolEnrolment(student)?.classId; // "c-7-3"
 * ```
 */
export function schoolEnrolment(student: Pick<Student, "schoolId" | "enrolments">) {
  const atSchool = student.enrolments
    .filter((e) => e.schoolId === student.schoolId)
    .sort((a, b) => a.from.localeCompare(b.from));
  return atSchool.find((e) => e.to === undefined) ?? atSchool[atSchool.length - 1];
}

/**
 * The day a visit took place: the arrival, else the submission, in China Standard Time;
 * `null` for a draft with neither.
 *
 * @example
 * ```ts
 * visitDate({ arrivedAt: "2026-10-12T11:30:00Z" }); // "2026-10-12"
 * visitDate({}); // null
 * ```
 */
export function visitDate(visit: Pick<VisitRecordDraft, "arrivedAt" | "submittedAt">): string | null {
  const at = visit.arrivedAt ?? visit.submittedAt;
  return at === undefined ? null : shanghaiDate(at);
}

/**
 * Every entity the storage port keeps, by the repository name it has on a transaction.
 *
 * @example
 * ```ts
 * storedEntities.students.indexes.grade(student); // 7
 * storedEntities.students.tenant(student); // { parent: "schools", id: "sch-1" }
 * ```
 */
export const storedEntities = {
  cities: defineEntity({
    name: "city",
    schema: citySchema,
    tenant: (c) => ({ keys: { cityId: c.id, countyId: null, schoolId: null } }),
    indexes: {},
  }),
  counties: defineEntity({
    name: "county",
    schema: countySchema,
    tenant: (c) => ({ keys: { cityId: c.cityId, countyId: c.id, schoolId: null } }),
    indexes: {},
  }),
  schools: defineEntity({
    name: "school",
    schema: schoolSchema,
    tenant: (s) => ({ keys: { cityId: s.cityId, countyId: s.countyId, schoolId: s.id } }),
    indexes: { kind: (s) => s.kind, setting: (s) => s.setting },
  }),
  classes: defineEntity({
    name: "class",
    schema: schoolClassSchema,
    tenant: (c) => ({ parent: "schools", id: c.schoolId }),
    indexes: {
      grade: (c) => c.grade,
      schoolYear: (c) => c.schoolYear,
      classTeacherId: (c) => c.classTeacherId ?? null,
    },
  }),
  teachers: defineEntity({
    name: "teacher",
    schema: teacherSchema,
    tenant: (t) => ({ parent: "schools", id: t.schoolId }),
    indexes: { leftOn: (t) => t.leftOn ?? null },
  }),
  students: defineEntity({
    name: "student",
    schema: studentSchema,
    tenant: (s) => ({ parent: "schools", id: s.schoolId }),
    indexes: {
      /** The current (or last) class at the student's school. */
      classId: (s) => schoolEnrolment(s)?.classId ?? null,
      grade: (s) => schoolEnrolment(s)?.grade ?? null,
      /** The last day at the school when the student left, else null. */
      leftOn: (s) => schoolEnrolment(s)?.to ?? null,
    },
  }),
  categoryFlags: defineEntity({
    name: "category flag",
    // Validates any well-formed key, so plugin categories can be stored (the engine checks its
    // registry before writing). Typed as the seven: the planners and reports that read flags
    // know only those and skip categories they do not know; code that must see a plugin's key
    // reads the record as a `StoredCategoryFlag`.
    schema: storedCategoryFlagSchema as unknown as typeof categoryFlagSchema,
    tenant: (f) => ({ parent: "students", id: f.studentId }),
    indexes: {
      studentId: (f) => f.studentId,
      category: (f) => f.category,
      validFrom: (f) => f.validFrom,
      /** The last day the flag applies (validTo or the day before revocation), else null. */
      validUntil: (f) => flagEnd(f) ?? null,
    },
  }),
  appointments: defineEntity({
    name: "appointment",
    schema: appointmentSchema,
    tenant: (a) => ({ parent: "schools", id: a.schoolId }),
    indexes: {
      studentId: (a) => a.studentId,
      teacherId: (a) => a.teacherId,
      status: (a) => a.status,
      channel: (a) => a.channel.type,
      startDate: (a) => shanghaiDate(a.start),
    },
  }),
  visitRecords: defineEntity({
    name: "visit record",
    schema: visitRecordDraftSchema,
    tenant: (v) => ({ parent: "schools", id: v.schoolId }),
    indexes: {
      studentId: (v) => v.studentId,
      teacherId: (v) => v.teacherId,
      term: (v) => v.term,
      kind: (v) => v.kind,
      channel: (v) => v.channel,
      status: (v) => v.status,
      /** 1 once submitted (or amended): the visit took place and counts in coverage. */
      completed: (v) => (v.status === "draft" ? 0 : 1),
      visitedOn: (v) => visitDate(v),
    },
  }),
  safetyReports: defineEntity({
    name: "safety report",
    schema: preVisitSafetyReportSchema,
    tenant: (r) => ({ parent: "schools", id: r.schoolId }),
    indexes: {
      teacherId: (r) => r.teacherId,
      plannedOn: (r) => shanghaiDate(r.plannedStart),
    },
  }),
  consents: defineEntity({
    name: "consent",
    schema: consentSchema,
    tenant: (c) => ({ parent: "students", id: c.studentId }),
    indexes: {
      studentId: (c) => c.studentId,
      status: (c) => c.status,
      /** Set once withdrawn: the day the covered data may be purged. */
      purgeAfter: (c) => (c.purgedAt === undefined ? (c.purgeAfter ?? null) : null),
    },
  }),
  mentorships: defineEntity({
    name: "mentorship",
    schema: storedMentorshipSchema,
    tenant: (m) => ({ parent: "students", id: m.studentId }),
    indexes: {
      studentId: (m) => m.studentId,
      mentorId: (m) => m.mentorId,
      until: (m) => m.until ?? null,
    },
  }),
  tombstones: defineEntity({
    name: "tombstone",
    schema: tombstoneSchema,
    tenant: (t) => ({ parent: "schools", id: t.schoolId }),
    indexes: {
      subjectHash: (t) => t.subjectHash,
      reason: (t) => t.reason,
      /** 1 while blobs remain to delete. */
      blobsPending: (t) => (t.pendingBlobIds.length > 0 ? 1 : 0),
    },
  }),
  termPlans: defineEntity({
    name: "term plan",
    schema: termPlanSchema,
    tenant: (p) => ({ parent: "schools", id: p.schoolId }),
    indexes: { termId: (p) => p.termId, status: (p) => p.status },
  }),
  conductReports: defineEntity({
    name: "conduct report",
    schema: storedConductReportSchema,
    tenant: (r) => ({ parent: "schools", id: r.schoolId }),
    indexes: {
      teacherId: (r) => r.teacherId,
      visitId: (r) => r.visitId,
      ruleId: (r) => r.ruleId,
      status: (r) => r.status,
    },
  }),
  safetyCheckIns: defineEntity({
    name: "safety check-in",
    schema: safetyCheckInRecordSchema,
    tenant: (c) => ({ parent: "schools", id: c.schoolId }),
    indexes: {
      teacherId: (c) => c.teacherId,
      /** 1 once the teacher checked in. */
      checkedIn: (c) => (c.checkIn === undefined ? 0 : 1),
    },
  }),
  zeroReports: defineEntity({
    name: "zero report",
    schema: storedZeroReportSchema,
    tenant: (r) => ({ parent: "schools", id: r.schoolId }),
    indexes: { periodFrom: (r) => r.period.from },
  }),
  supportPlans: defineEntity({
    name: "support plan",
    schema: supportPlanSchema,
    tenant: (p) => ({ parent: "students", id: p.studentId }),
    indexes: { studentId: (p) => p.studentId, mentorId: (p) => p.mentorId, status: (p) => p.status },
  }),
  feedbackItems: defineEntity({
    name: "feedback item",
    schema: feedbackItemSchema,
    tenant: (f) => ({ parent: "schools", id: f.schoolId }),
    indexes: { studentId: (f) => f.studentId, visitId: (f) => f.visitId, status: (f) => f.status },
  }),
  /** Form templates (custom fields), one row per version, owned by a city, county or school. */
  formTemplates: defineEntity({
    name: "form template",
    schema: storedFormTemplateSchema,
    tenant: (t) =>
      t.schoolId !== undefined
        ? { parent: "schools", id: t.schoolId }
        : { parent: t.template.scope.level === "county" ? "counties" : "cities", id: t.template.scope.id },
    indexes: {
      templateId: (t) => t.template.id,
      /** `level:id` of the owning scope. */
      scope: (t) => `${t.template.scope.level}:${t.template.scope.id}`,
      status: (t) => t.template.status,
    },
  }),
} as const;

/** The name of a stored entity, which is also its repository's name on a transaction. */
export type StoredEntityName = keyof typeof storedEntities;

/** The definition type of an entity. */
export type StoredEntity<N extends StoredEntityName> = (typeof storedEntities)[N];

/** A stored entity's record, as its schema outputs it. */
export type EntityRecord<N extends StoredEntityName> = z.output<StoredEntity<N>["schema"]>;

/** A stored entity's record, as a caller writes it (defaults not yet applied). */
export type EntityInput<N extends StoredEntityName> = z.input<StoredEntity<N>["schema"]>;

/** The indexed columns of an entity. */
export type EntityIndexName<N extends StoredEntityName> = keyof StoredEntity<N>["indexes"] & string;

/** The names of all stored entities, in dependency order (parents before children). */
export const storedEntityNames = Object.keys(storedEntities) as StoredEntityName[];

/**
 * The indexed values of a record, by column name.
 *
 * @example
 * ```ts
 * entityIndexes("classes", { id: "c1", schoolId: "sch-1", grade: 7, name: "七(1)班", schoolYear: 2026 });
 * // { grade: 7, schoolYear: 2026, classTeacherId: null }
 * ```
 */
export function entityIndexes<N extends StoredEntityName>(
  entity: N,
  record: EntityRecord<N>,
): Record<string, IndexValue> {
  const indexes = storedEntities[entity].indexes as Record<string, (r: unknown) => IndexValue>;
  const out: Record<string, IndexValue> = {};
  for (const [name, of] of Object.entries(indexes)) out[name] = of(record);
  return out;
}

/**
 * The names of the indexed columns of an entity.
 *
 * @example
 * ```ts
 * entityIndexNames("classes"); // ["grade", "schoolYear", "classTeacherId"]
 * ```
 */
export function entityIndexNames(entity: StoredEntityName): string[] {
  return Object.keys(storedEntities[entity].indexes);
}
