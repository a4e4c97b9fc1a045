import * as z from "zod";
import { HomevisitError } from "../../shared/errors/homevisit-error.js";
import { idSchema, isoDateSchema } from "../../shared/primitives.js";
import { upsertRoster } from "../../ports/roster.js";
import { isErased } from "./data-rights.js";
import { storedMentorshipSchema } from "../../domain/consent.js";
import { schoolTarget, studentRelations, studentTarget, tenantPolicy } from "../targets.js";
import { defineUseCase } from "../use-case.js";

const counts = z.strictObject({ classes: z.int(), teachers: z.int(), students: z.int() });
const mentorshipOutput = z.strictObject({ mentorship: storedMentorshipSchema, version: z.int() });

/**
 * The roster area: the host's classes, teachers, students and guardians come in by import (the
 * host owns them), and the school appoints mentors (德育导师, R4.5).
 */
export const rosterUseCases = {
  /**
   * Imports or syncs the actor's school roster in one transaction: new rows are added, changed
   * rows updated, people absent from the roster marked as departed (never deleted). Every row
   * must belong to the actor's school (`roster_wrong_school`); students erased before are
   * skipped, so a nightly sync never brings an erased child back. Emits `roster.imported`.
   *
   * @example
   * ```ts
   * await engine.roster.importRoster(schoolAdmin, { asOf: "2026-09-01", classes, teachers, students });
   * // { added: { classes: 30, teachers: 80, students: 1200 }, updated: {…}, unchanged: {…}, departed: {…}, skippedErased: 0 }
   * ```
   */
  importRoster: defineUseCase({
    action: "roster.import",
    entity: "schools",
    description: { "zh-CN": "导入或同步花名册", en: "Import or sync the roster" },
    input: z.strictObject({
      asOf: isoDateSchema,
      classes: z.array(z.unknown()).max(2_000).default([]),
      teachers: z.array(z.unknown()).max(5_000).default([]),
      students: z.array(z.unknown()).max(50_000).default([]),
    }),
    output: z.strictObject({
      added: counts,
      updated: counts,
      unchanged: counts,
      departed: z.strictObject({ teachers: z.int(), students: z.int() }),
      skippedErased: z.int(),
    }),
    targetKind: "collection",
    http: { method: "POST", path: "/roster" },
    resolveTarget: (ctx) => schoolTarget(ctx),
    async run(ctx, input) {
      const schoolId = ctx.target.policy.schoolId;
      if (schoolId === undefined) throw new HomevisitError("forbidden");
      const students: unknown[] = [];
      let skippedErased = 0;
      for (const row of input.students) {
        const id = (row as { id?: unknown } | null)?.id;
        if (typeof id === "string" && (await isErased(ctx.tx, ctx.hmac, id))) skippedErased++;
        else students.push(row);
      }
      const result = await upsertRoster(ctx.tx, { ...input, schoolId, students });
      for (const key of ["added", "updated", "unchanged"] as const) {
        for (const kind of ["classes", "teachers", "students"] as const)
          ctx.auditDetail(`${key}.${kind}`, result[key][kind]);
      }
      ctx.auditDetail("departed.students", result.departed.students);
      ctx.auditDetail("skippedErased", skippedErased);
      ctx.emit("roster.imported", {
        schoolId,
        added: result.added,
        updated: result.updated,
        departed: result.departed,
      });
      return { ...result, skippedErased };
    },
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
  assignMentor: defineUseCase({
    action: "mentorships.write",
    entity: "students",
    description: { "zh-CN": "指定德育导师", en: "Appoint a mentor" },
    input: z.strictObject({ studentId: idSchema, mentorId: idSchema, since: isoDateSchema.optional() }),
    output: mentorshipOutput,
    targetKind: "record",
    idempotent: true,
    http: { method: "POST", path: "/students/{studentId}/mentorships" },
    resolveTarget: (ctx, input) => studentTarget(ctx, input.studentId),
    async run(ctx, input) {
      const student = ctx.target.data.record;
      const mentor = await ctx.tx.teachers.get(input.mentorId);
      if (!mentor || mentor.record.schoolId !== student.schoolId || mentor.record.leftOn !== undefined) {
        throw new HomevisitError("not_found", { params: { entity: "teacher" }, path: ["mentorId"] });
      }
      const stored = await ctx.tx.mentorships.create({
        id: ctx.newId(),
        schoolId: student.schoolId,
        studentId: student.id,
        mentorId: input.mentorId,
        since: input.since ?? ctx.today,
      });
      ctx.recordChange({ entity: "mentorships", before: undefined, after: stored.record });
      ctx.emit("mentorship.assigned", {
        mentorshipId: stored.record.id,
        studentId: student.id,
        mentorId: input.mentorId,
      });
      return { mentorship: stored.record, version: stored.version };
    },
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
  endMentorship: defineUseCase({
    action: "mentorships.write",
    entity: "mentorships",
    description: { "zh-CN": "结束德育导师关系", en: "End a mentorship" },
    input: z.strictObject({ mentorshipId: idSchema, until: isoDateSchema.optional(), expectedVersion: z.int().min(1) }),
    output: mentorshipOutput,
    targetKind: "record",
    http: { method: "POST", path: "/mentorships/{mentorshipId}/end" },
    async resolveTarget(ctx, input) {
      const mentorship = await ctx.tx.mentorships.get(input.mentorshipId);
      if (!mentorship) return undefined;
      const student = await ctx.tx.students.get(mentorship.record.studentId);
      if (!student) return undefined;
      const relations = await studentRelations(ctx.tx, ctx.actor, student.record, ctx.today);
      return {
        policy: { ...tenantPolicy(mentorship.tenant), ...relations },
        entity: "mentorships",
        entityId: mentorship.record.id,
        data: mentorship,
      };
    },
    async run(ctx, input) {
      const before = ctx.target.data.record;
      const until = input.until ?? ctx.today;
      const stored = await ctx.tx.mentorships.update(
        before.id,
        { ...before, until },
        {
          expectedVersion: input.expectedVersion,
        },
      );
      ctx.recordChange({ entity: "mentorships", before, after: stored.record });
      ctx.emit("mentorship.ended", { mentorshipId: before.id, studentId: before.studentId, mentorId: before.mentorId });
      return { mentorship: stored.record, version: stored.version };
    },
  }),
};
