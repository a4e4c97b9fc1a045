import type { SupportPlan } from "../../../domain/workflow-records.js";
import { HomevisitError } from "../../../shared/errors/homevisit-error.js";
import { requireConsent } from "../../consent-gate.js";
import { studentTarget } from "../../targets.js";
import { implementUseCase } from "../../use-case.js";
import { loadAll } from "../../util.js";
import { checkVersion, ownSchoolTarget, studentRecordTarget } from "../area-kit.js";
import { supportContracts } from "./contract.js";

async function planTarget(ctx: Parameters<typeof ownSchoolTarget>[0], supportPlanId: string) {
  const stored = await ctx.tx.supportPlans.get(supportPlanId);
  if (!stored) return undefined;
  return studentRecordTarget<SupportPlan>(ctx, "supportPlans", stored, stored.record.studentId, [
    stored.record.mentorId,
  ]);
}

/** The support area's use cases. */
export const supportUseCases = {
  create: implementUseCase(supportContracts.create, {
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

  get: implementUseCase(supportContracts.get, {
    resolveTarget: (ctx, input) => planTarget(ctx, input.supportPlanId),
    run: async (ctx) => ({ plan: ctx.target.data.stored.record, version: ctx.target.data.stored.version }),
  }),

  followUp: implementUseCase(supportContracts.followUp, {
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

  dueFollowUps: implementUseCase(supportContracts.dueFollowUps, {
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
