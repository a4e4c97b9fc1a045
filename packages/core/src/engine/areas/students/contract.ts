import * as z from "zod";
import { appointmentSchema } from "../../../domain/appointment/index.js";
import { categoryFlagSchema, priorityCategorySchema } from "../../../domain/categories.js";
import { gradeSchema } from "../../../domain/organisation.js";
import { guardianRelations, studentSchema } from "../../../domain/student.js";
import { visitRecordDraftSchema } from "../../../domain/visit-record.js";
import { withLabel, withOwnLabel } from "../../../shared/field-labels.js";
import { idSchema, isoDateSchema, noteSchema, shortTextSchema } from "../../../shared/primitives.js";
import { withSensitivity } from "../../../shared/sensitivity.js";
import { defineContract } from "../../contract.js";
import { pageInput } from "../contract-kit.js";

/** What a list shows of a student (RELIABILITY.md promise 3): masked contacts, no categories. */
export const studentSummarySchema = z.strictObject({
  id: idSchema,
  schoolId: idSchema,
  name: withSensitivity(z.string(), "personal"),
  classId: idSchema.optional(),
  grade: gradeSchema.optional(),
  address: z.strictObject({ county: z.string(), town: z.string(), village: z.string() }),
  guardians: z.array(
    z.strictObject({ relation: z.enum(guardianRelations), phone: z.string().optional(), primary: z.boolean() }),
  ),
  priority: z.boolean(),
});
/** A masked student, as lists show it. */
export type StudentSummaryOutput = z.infer<typeof studentSummarySchema>;

const listInput = z.strictObject({
  classId: idSchema.optional(),
  grade: withLabel(gradeSchema.optional(), { "zh-CN": "年级", en: "Grade" }),
  /** Page size: default 50, at most 200. */
  ...pageInput,
});

const studentInput = z.strictObject({ studentId: idSchema });

/**
 * The output of `students.read` with an engine's flag schema (its plugins' categories included).
 *
 * @example
 * ```ts
 * readOutputFor(categoryFlagSchema).shape.categories; // z.array(categoryFlagSchema)
 * ```
 */
export const readOutputFor = <F extends z.ZodType>(flag: F) =>
  z.strictObject({ student: studentSchema, version: z.int(), categories: z.array(flag) });
/**
 * The output of `students.archive` with an engine's flag schema.
 *
 * @example
 * ```ts
 * Object.keys(archiveOutputFor(categoryFlagSchema).shape); // ["studentId", "visits", "appointments", "flags"]
 * ```
 */
export const archiveOutputFor = <F extends z.ZodType>(flag: F) =>
  z.strictObject({
    studentId: idSchema,
    visits: z.array(visitRecordDraftSchema),
    appointments: z.array(appointmentSchema),
    flags: z.array(flag),
  });

/**
 * The output of the flag use cases with an engine's flag schema.
 *
 * @example
 * ```ts
 * flagOutputFor(categoryFlagSchema).parse({ flag, version: 1 }); // { flag, version: 1 }
 * ```
 */
export const flagOutputFor = <F extends z.ZodType>(flag: F) => z.strictObject({ flag, version: z.int() });
const flagOutput = flagOutputFor(categoryFlagSchema);

/**
 * The input of `students.flagCategory`, with the category schema the engine accepts.
 *
 * @example
 * ```ts
 * flagCategoryInput(z.enum(["disability", "boarding_left_behind"])).safeParse({ studentId: "s-1", category: "disability", evidence: "残疾证" }).success; // true
 * ```
 */
export function flagCategoryInput<C extends z.ZodType<string, string>>(category: C) {
  return z.strictObject({
    studentId: idSchema,
    // The engine's own category schema (its plugins' categories too), built for this input.
    category: withOwnLabel(category, { "zh-CN": "重点类别", en: "Category" }),
    validFrom: withLabel(isoDateSchema.optional(), { "zh-CN": "生效日期", en: "Valid from" }),
    validTo: withLabel(isoDateSchema.optional(), { "zh-CN": "失效日期", en: "Valid to" }),
    evidence: withLabel(noteSchema.pipe(z.string().min(1)), { "zh-CN": "认定依据", en: "Evidence" }),
    reviewOn: withLabel(isoDateSchema.optional(), { "zh-CN": "复核日期", en: "Review on" }),
  });
}
const flagCategoryInputSchema = flagCategoryInput(priorityCategorySchema);

/**
 * The students area: masked lists, full reads with a purpose, the visit archive (R9), and
 * flagging and unflagging priority categories (R3) with evidence, behind the consent gate.
 */
export const studentContracts = {
  /**
   * Lists the students the actor reaches, masked: phones as `138****5678`, addresses to the
   * village, only "priority or not". Principals and school admins see their school; teachers
   * their assigned students and mentees; class teachers also their class. Ordered by id;
   * 50 per page by default.
   *
   * @example
   * ```ts
   * await engine.students.list(classTeacher, { classId: "sch-1-c7-1" });
   * // { items: [{ id: "stu-0001", name: "李同学1", guardians: [{ phone: "138****0001", … }], priority: false, … }], nextCursor: undefined }
   * ```
   */
  list: defineContract({
    action: "students.list",
    entity: "students",
    description: { "zh-CN": "查看学生列表（脱敏）", en: "List students (masked)" },
    input: listInput,
    output: z.strictObject({ items: z.array(studentSummarySchema), nextCursor: z.string().optional() }),
    targetKind: "collection",
    http: { method: "GET", path: "/students" },
  }),

  /**
   * A student's full record with the categories in force today: needs a stated purpose and is
   * audited (who, when, why).
   *
   * @example
   * ```ts
   * await engine.students.read(classTeacher, { studentId: "stu-0001" }, { purpose: "准备家访" });
   * // { student: { id: "stu-0001", guardians: [{ phone: "13810000001", … }], … }, version: 1, categories: [] }
   * await engine.students.read(classTeacher, { studentId: "stu-0001" }); // throws purpose_required
   * ```
   */
  read: defineContract({
    action: "students.read",
    entity: "students",
    description: { "zh-CN": "查看学生完整信息", en: "Read a student's full record" },
    input: studentInput,
    output: readOutputFor(categoryFlagSchema),
    targetKind: "record",
    http: { method: "GET", path: "/students/{studentId}" },
  }),

  /**
   * A student's visit archive (家访档案, R9): every visit record that left draft, the
   * appointments, and the full history of category flags, oldest first. Needs a purpose; audited.
   *
   * @example
   * ```ts
   * await engine.students.archive(principal, { studentId: "stu-0001" }, { purpose: "学期总结" });
   * // { studentId: "stu-0001", visits: [...], appointments: [...], flags: [...] }
   * ```
   */
  archive: defineContract({
    action: "archive.read",
    entity: "students",
    description: { "zh-CN": "查看学生家访档案", en: "Read a student's visit archive" },
    input: studentInput,
    output: archiveOutputFor(categoryFlagSchema),
    targetKind: "record",
    http: { method: "GET", path: "/students/{studentId}/archive" },
  }),

  /**
   * Flags a student in a priority category (R3) with the evidence, from `validFrom` (default
   * today). The category is one of the seven or one a plugin of the engine adds; any other key
   * answers `validation_failed` (the engine's input schema lists exactly its categories). Refused with
   * `consent_required` for a child under 14 without a guardian consent on record,
   * `consent_withdrawn` after a withdrawal. Emits `category.flagged` (ids only).
   *
   * @example
   * ```ts
   * await engine.students.flagCategory(classTeacher, {
   *   studentId: "stu-0001", category: "family_crisis", evidence: "父亲重病住院",
   * }, { idempotencyKey: "flag-7f3a" });
   * // { flag: { id: "…", category: "family_crisis", validFrom: "2026-10-08", flaggedBy: "t-0001", … }, version: 1 }
   * ```
   */
  flagCategory: defineContract({
    action: "categories.flag",
    entity: "students",
    description: { "zh-CN": "标记重点类别", en: "Flag a priority category" },
    input: flagCategoryInputSchema,
    output: flagOutput,
    targetKind: "record",
    idempotent: true,
    errors: ["consent_required", "consent_withdrawn", "conflict"],
    preconditions: [
      {
        "zh-CN":
          "未满 14 周岁（宿主可配置）的学生须先有监护人同意记录，否则 403 consent_required；同意已撤回则 409 consent_withdrawn",
        en: "A child under 14 (the host may change the age) needs a guardian consent on record first, else 403 consent_required; after a withdrawal, 409 consent_withdrawn",
      },
    ],
    http: { method: "POST", path: "/students/{studentId}/categories" },
  }),

  /**
   * Withdraws a category flag from `revokedOn` (default today); the flag stays in the history.
   * Needs the version read (`expectedVersion`): a stale one answers `version_conflict`. Emits
   * `category.unflagged`.
   *
   * @example
   * ```ts
   * await engine.students.unflagCategory(classTeacher, { flagId: "f-1", expectedVersion: 1, reason: "家庭情况好转" });
   * // { flag: { …, revokedOn: "2026-12-01", revokedBy: "t-0001" }, version: 2 }
   * ```
   */
  unflagCategory: defineContract({
    action: "categories.flag",
    entity: "categoryFlags",
    description: { "zh-CN": "撤销重点类别", en: "Unflag a priority category" },
    input: z.strictObject({
      flagId: idSchema,
      revokedOn: withLabel(isoDateSchema.optional(), { "zh-CN": "撤销日期", en: "Revoked on" }),
      reason: withLabel(withSensitivity(shortTextSchema.min(1).optional(), "sensitive"), {
        "zh-CN": "撤销原因",
        en: "Reason",
      }),
      expectedVersion: z.int().min(1),
    }),
    output: flagOutput,
    targetKind: "record",
    errors: ["conflict"],
    http: { method: "POST", path: "/category-flags/{flagId}/revoke" },
  }),
};
