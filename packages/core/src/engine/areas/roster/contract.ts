import * as z from "zod";
import { storedMentorshipSchema } from "../../../domain/consent.js";
import { withLabel, withOwnLabel } from "../../../shared/field-labels.js";
import { idSchema, isoDateSchema } from "../../../shared/primitives.js";
import { defineContract } from "../../contract.js";

/**
 * A roster row as the import takes it: anything, checked one row at a time against its schema
 * (`SchoolClass`, `Teacher`, `Student`) so that every bad row is reported with its index.
 * Documents show the row's schema (`documentedAs`).
 */
export const rosterClassRowSchema = z.unknown();
/** A teacher row of a roster import, checked against `teacherSchema`. */
export const rosterTeacherRowSchema = z.unknown();
/** A student row of a roster import, checked against `studentSchema`. */
export const rosterStudentRowSchema = z.unknown();

const counts = z.strictObject({ classes: z.int(), teachers: z.int(), students: z.int() });
const mentorshipOutput = z.strictObject({ mentorship: storedMentorshipSchema, version: z.int() });

/**
 * The roster area: the host's classes, teachers, students and guardians come in by import (the
 * host owns them), and the school appoints mentors (德育导师, R4.5).
 */
export const rosterContracts = {
  /**
   * Imports or syncs the actor's school roster in one transaction: new rows are added, changed
   * rows updated, people absent from the roster marked as departed (never deleted). Every row
   * must belong to the actor's school (`roster_wrong_school`); students this school erased
   * before are skipped, so a nightly sync never brings an erased child back. `skippedErased`
   * counts only this school's erasures: another school's never shows. Emits `roster.imported`.
   *
   * @example
   * ```ts
   * await engine.roster.importRoster(schoolAdmin, { asOf: "2026-09-01", classes, teachers, students });
   * // { added: { classes: 30, teachers: 80, students: 1200 }, updated: {…}, unchanged: {…}, departed: {…}, skippedErased: 0 }
   * ```
   */
  importRoster: defineContract({
    action: "roster.import",
    entity: "schools",
    description: { "zh-CN": "导入或同步花名册", en: "Import or sync the roster" },
    input: z.strictObject({
      asOf: withOwnLabel(isoDateSchema, { "zh-CN": "生效日期", en: "As of" }),
      classes: withLabel(z.array(rosterClassRowSchema).max(2_000).default([]), { "zh-CN": "班级", en: "Classes" }),
      teachers: withLabel(z.array(rosterTeacherRowSchema).max(5_000).default([]), { "zh-CN": "教师", en: "Teachers" }),
      students: withLabel(z.array(rosterStudentRowSchema).max(50_000).default([]), { "zh-CN": "学生", en: "Students" }),
    }),
    output: z.strictObject({
      added: counts,
      updated: counts,
      unchanged: counts,
      departed: z.strictObject({ teachers: z.int(), students: z.int() }),
      skippedErased: z.int(),
    }),
    targetKind: "collection",
    errors: ["roster_wrong_school", "roster_duplicate_id"],
    http: { method: "POST", path: "/roster" },
  }),

  /**
   * Appoints a teacher of the school as a student's mentor (德育导师) from `since` (default
   * today). Emits `mentorship.assigned`.
   *
   * @example
   * ```ts
   * await engine.roster.assignMentor(principal, { studentId: "stu-0001", mentorId: "t-0002" });
   * // { mentorship: { id: "…", studentId: "stu-0001", mentorId: "t-0002", since: "2026-10-08", schoolId: "sch-1" }, version: 1 }
   * ```
   */
  assignMentor: defineContract({
    action: "mentorships.write",
    entity: "students",
    description: { "zh-CN": "指定德育导师", en: "Appoint a mentor" },
    input: z.strictObject({
      studentId: idSchema,
      mentorId: idSchema,
      since: withLabel(isoDateSchema.optional(), { "zh-CN": "开始日期", en: "Since" }),
    }),
    output: mentorshipOutput,
    targetKind: "record",
    idempotent: true,
    errors: ["conflict"],
    http: { method: "POST", path: "/students/{studentId}/mentorships" },
  }),

  /**
   * Ends a mentorship on `until` (default today). Emits `mentorship.ended`.
   *
   * @example
   * ```ts
   * await engine.roster.endMentorship(principal, { mentorshipId: "m-1", expectedVersion: 1 });
   * // { mentorship: { …, until: "2026-12-31" }, version: 2 }
   * ```
   */
  endMentorship: defineContract({
    action: "mentorships.write",
    entity: "mentorships",
    description: { "zh-CN": "结束德育导师关系", en: "End a mentorship" },
    input: z.strictObject({
      mentorshipId: idSchema,
      until: withLabel(isoDateSchema.optional(), { "zh-CN": "结束日期", en: "Until" }),
      expectedVersion: z.int().min(1),
    }),
    output: mentorshipOutput,
    targetKind: "record",
    http: { method: "POST", path: "/mentorships/{mentorshipId}/end" },
  }),
};
