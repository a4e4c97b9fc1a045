import * as z from "zod";
import { HomevisitError } from "../../shared/errors/homevisit-error.js";
import { idSchema, isoDateSchema } from "../../shared/primitives.js";
import { withSensitivity } from "../../shared/sensitivity.js";
import { requireConsent } from "../consent-gate.js";
import { studentTarget } from "../targets.js";
import { defineUseCase } from "../use-case.js";
import { loadAll } from "../util.js";
import { type SupportPlan, supportMeasures, supportPlanSchema } from "../../domain/workflow-records.js";
import { checkVersion, expectedVersionSchema, ownSchoolTarget, studentRecordTarget } from "./shared.js";

/**
 * The support area (R4 task 5): a support plan (帮扶计划) for a priority student — the mentor,
 * goals and measures (help, psychological counselling, learning tutoring, financial aid) — and
 * its follow-up actions with owner, due date and status (R2 全程跟踪).
 */

const goalsSchema = withSensitivity(z.array(z.string().trim().min(1).max(500)).min(1).max(20), "sensitive");
const measuresSchema = withSensitivity(
  z.array(z.enum(supportMeasures)).min(1).max(supportMeasures.length),
  "sensitive",
);
const planOutput = z.strictObject({ plan: supportPlanSchema, version: z.int() });

async function planTarget(ctx: Parameters<typeof ownSchoolTarget>[0], supportPlanId: string) {
  const stored = await ctx.tx.supportPlans.get(supportPlanId);
  if (!stored) return undefined;
  return studentRecordTarget<SupportPlan>(ctx, "supportPlans", stored, stored.record.studentId, [
    stored.record.mentorId,
  ]);
}

/** The support area's use cases. */
export const supportUseCases = {
  /**
   * Opens a support plan for a student: the mentor (default the actor), goals and measures.
   * Mentors of the student, the class teacher and school leaders may; behind the consent gate.
   * Emits `support.planned`.
   *
   * @example
   * ```ts
   * await engine.support.create(mentor, { studentId: "stu-4", goals: ["每周一次学业辅导"], measures: ["learning_tutoring"] });
   * // { plan: { id: "…", status: "active", mentorId: "t-2", followUps: [], … }, version: 1 }
   * ```
   */
  create: defineUseCase({
    action: "support.write",
    entity: "supportPlans",
    description: { "zh-CN": "制定帮扶计划", en: "Open a support plan" },
    input: z.strictObject({
      studentId: idSchema,
      mentorId: idSchema.optional(),
      goals: goalsSchema,
      measures: measuresSchema,
    }),
    output: planOutput,
    targetKind: "record",
    idempotent: true,
    http: { method: "POST", path: "/students/{studentId}/support-plans" },
    resolveTarget: (ctx, input) => studentTarget(ctx, input.studentId),
    async run(ctx, input) {
      const student = ctx.target.data.record;
      await requireConsent(ctx.tx, ctx.config, student, ctx.today);
      const mentorId = input.mentorId ?? ctx.actor.id;
      const mentor = await ctx.tx.teachers.get(mentorId);
      if (!mentor || mentor.record.schoolId !== student.schoolId) {
        throw new HomevisitError("not_found", { params: { entity: "teacher" }, path: ["mentorId"] });
      }
      const stored = await ctx.tx.supportPlans.create({
        id: ctx.newId(),
        schoolId: student.schoolId,
        studentId: student.id,
        mentorId,
        status: "active",
        goals: input.goals,
        measures: input.measures,
        followUps: [],
        createdBy: ctx.actor.id,
        createdAt: ctx.now,
        updatedAt: ctx.now,
      });
      ctx.recordChange({ entity: "supportPlans", before: undefined, after: stored.record });
      ctx.emit("support.planned", { supportPlanId: stored.record.id, studentId: student.id, mentorId });
      return { plan: stored.record, version: stored.version };
    },
  }),

  /**
   * A support plan in full: needs a stated purpose; audited.
   *
   * @example
   * ```ts
   * await engine.support.get(mentor, { supportPlanId: "sp-1" }, { purpose: "本周帮扶" });
   * ```
   */
  get: defineUseCase({
    action: "support.read",
    entity: "supportPlans",
    description: { "zh-CN": "查看帮扶计划", en: "Read a support plan" },
    input: z.strictObject({ supportPlanId: idSchema }),
    output: planOutput,
    targetKind: "record",
    http: { method: "GET", path: "/support-plans/{supportPlanId}" },
    resolveTarget: (ctx, input) => planTarget(ctx, input.supportPlanId),
    run: async (ctx) => ({ plan: ctx.target.data.stored.record, version: ctx.target.data.stored.version }),
  }),

  /**
   * Adds a follow-up action (owner, due date) to a plan, or updates one's status (`done` stamps
   * `doneOn`, default today). Closing the plan: `close: true`.
   *
   * @example
   * ```ts
   * await engine.support.followUp(mentor, { supportPlanId: "sp-1", expectedVersion: 1,
   *   add: { action: "联系心理老师", ownerId: "t-2", dueOn: "2026-10-20" } });
   * // { plan: { followUps: [{ id: "…", status: "open", dueOn: "2026-10-20", … }], … }, version: 2 }
   * ```
   */
  followUp: defineUseCase({
    action: "support.write",
    entity: "supportPlans",
    description: { "zh-CN": "维护帮扶跟进事项", en: "Add or update a follow-up" },
    input: z.strictObject({
      supportPlanId: idSchema,
      expectedVersion: expectedVersionSchema,
      add: z
        .strictObject({
          action: withSensitivity(z.string().trim().min(1).max(500), "sensitive"),
          ownerId: idSchema,
          dueOn: isoDateSchema,
        })
        .optional(),
      update: z
        .strictObject({
          followUpId: idSchema,
          to: z.enum(["open", "done", "cancelled"]),
          doneOn: isoDateSchema.optional(),
        })
        .optional(),
      close: z.boolean().optional(),
    }),
    output: planOutput,
    targetKind: "record",
    http: { method: "POST", path: "/support-plans/{supportPlanId}/follow-ups" },
    resolveTarget: (ctx, input) => planTarget(ctx, input.supportPlanId),
    async run(ctx, input) {
      checkVersion(ctx.target.data.stored, input.expectedVersion);
      const before = ctx.target.data.stored.record;
      const student = ctx.target.data.student;
      if (student) await requireConsent(ctx.tx, ctx.config, student.record, ctx.today);
      let followUps = [...before.followUps];
      if (input.add) followUps.push({ id: ctx.newId(), ...input.add, status: "open" });
      if (input.update) {
        const { followUpId, to, doneOn } = input.update;
        if (!followUps.some((f) => f.id === followUpId))
          throw new HomevisitError("follow_up_not_found", { path: ["update", "followUpId"] });
        followUps = followUps.map((f) => {
          if (f.id !== followUpId) return f;
          const { doneOn: _old, ...rest } = f;
          return to === "done" ? { ...rest, status: to, doneOn: doneOn ?? ctx.today } : { ...rest, status: to };
        });
      }
      const next: SupportPlan = {
        ...before,
        followUps,
        updatedAt: ctx.now,
        ...(input.close ? { status: "closed" as const, closedOn: ctx.today } : {}),
      };
      const stored = await ctx.tx.supportPlans.update(before.id, next, { expectedVersion: input.expectedVersion });
      ctx.recordChange({ entity: "supportPlans", before, after: stored.record });
      return { plan: stored.record, version: stored.version };
    },
  }),

  /**
   * Raises `followup.due` once for every open follow-up of the school's active support plans
   * that is due today or earlier; later scans list it again without raising.
   *
   * @example
   * ```ts
   * await engine.support.dueFollowUps(principal, {});
   * // { items: [{ supportPlanId: "sp-1", followUpId: "f-1", ownerId: "t-2", dueOn: "2026-10-20", raisedNow: true }] }
   * ```
   */
  dueFollowUps: defineUseCase({
    action: "support.write",
    entity: "supportPlans",
    description: { "zh-CN": "提醒到期的帮扶跟进事项", en: "Raise due follow-ups" },
    input: z.strictObject({}),
    output: z.strictObject({
      items: z.array(
        z.strictObject({
          supportPlanId: idSchema,
          followUpId: idSchema,
          ownerId: idSchema,
          dueOn: isoDateSchema,
          raisedNow: z.boolean(),
        }),
      ),
    }),
    targetKind: "collection",
    http: { method: "POST", path: "/support-plans/due-scan" },
    async resolveTarget(ctx) {
      // A school-wide scan: leaders only (the matrix gives them the school reach).
      return ownSchoolTarget(ctx, "supportPlans");
    },
    async run(ctx) {
      const schoolId = ctx.target.data.schoolId;
      if (schoolId === undefined) return { items: [] };
      const plans = await loadAll((cursor) =>
        ctx.tx.supportPlans.list({ where: { schoolId, status: "active" }, cursor, limit: 1000 }),
      );
      const items: { supportPlanId: string; followUpId: string; ownerId: string; dueOn: string; raisedNow: boolean }[] =
        [];
      for (const p of plans) {
        let changed = false;
        const followUps = p.record.followUps.map((f) => {
          if (f.status !== "open" || f.dueOn > ctx.today) return f;
          const raisedNow = f.dueRaisedAt === undefined;
          items.push({ supportPlanId: p.record.id, followUpId: f.id, ownerId: f.ownerId, dueOn: f.dueOn, raisedNow });
          if (!raisedNow) return f;
          changed = true;
          ctx.emit("followup.due", { supportPlanId: p.record.id, followUpId: f.id, ownerId: f.ownerId });
          return { ...f, dueRaisedAt: ctx.now };
        });
        if (changed)
          await ctx.tx.supportPlans.update(p.record.id, { ...p.record, followUps }, { expectedVersion: p.version });
      }
      ctx.auditDetail("due", items.length);
      return { items };
    },
  }),
};
