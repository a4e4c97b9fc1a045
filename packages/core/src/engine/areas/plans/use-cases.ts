import type { TermPlan } from "../../../domain/workflow-records.js";
import type { Stored } from "../../../ports/storage.js";
import type { TimetableSource } from "../../../ports/timetable.js";
import { HomevisitError } from "../../../shared/errors/homevisit-error.js";
import { studentTarget, tenantPolicy } from "../../targets.js";
import { implementUseCase, type ResolveContext, type UseCaseTarget } from "../../use-case.js";
import { ownSchoolTarget } from "../area-kit.js";
import { commitPlan } from "./commit.js";
import { planContracts } from "./contract.js";
import { generatePlan } from "./generate.js";
import { listPlans, pagedPlan, qualityOfPlan, readsWholePlan, visiblePlan } from "./read.js";
import { reassignPlan } from "./reassign.js";
import { personalisedPlanOf } from "./visit-plan.js";

/** What the plans area needs from the engine besides storage. */
export interface PlanDeps {
  /** The host's timetable: lessons and duties become busy slots. Without it nobody is busy. */
  timetable?: TimetableSource | undefined;
}

async function planTarget(ctx: ResolveContext, planId: string): Promise<UseCaseTarget<Stored<TermPlan>> | undefined> {
  const stored = await ctx.tx.termPlans.get(planId);
  if (!stored) return undefined;
  // "own": the plan of the actor's school, which a teacher reads filtered to their own part.
  const own = ctx.actor.schoolId !== undefined && stored.tenant.schoolId === ctx.actor.schoolId;
  return { policy: { ...tenantPolicy(stored.tenant), own }, entity: "termPlans", entityId: planId, data: stored };
}

/**
 * The plans area's use cases, bound to the host's timetable port.
 *
 * @example
 * ```ts
 * const plans = planUseCases({ timetable: staticTimetable(slots) });
 * ```
 */
export function planUseCases(deps: PlanDeps = {}) {
  return {
    generate: implementUseCase(planContracts.generate, {
      resolveTarget: (ctx) => ownSchoolTarget(ctx, "termPlans"),
      async run(ctx, input) {
        const schoolId = ctx.target.data.schoolId;
        if (schoolId === undefined) throw new HomevisitError("forbidden");
        return generatePlan(ctx, schoolId, input, deps.timetable);
      },
    }),

    get: implementUseCase(planContracts.get, {
      resolveTarget: (ctx, input) => planTarget(ctx, input.planId),
      async run(ctx, input) {
        const stored = ctx.target.data;
        const plan = visiblePlan(stored.record, ctx.actor.id, readsWholePlan(ctx.actor, ctx.target.policy));
        return pagedPlan(plan, stored.version, input.cursor, input.limit);
      },
    }),

    list: implementUseCase(planContracts.list, {
      async resolveTarget(ctx) {
        const target = await ownSchoolTarget(ctx, "termPlans");
        // The school's own plans: "self" lets a teacher list them (their part, as plans.get).
        return { ...target, policy: { ...target.policy, own: true } };
      },
      async run(ctx, input) {
        const schoolId = ctx.target.data.schoolId;
        if (schoolId === undefined) return { items: [] };
        return listPlans(ctx, schoolId, input);
      },
    }),

    quality: implementUseCase(planContracts.quality, {
      resolveTarget: (ctx, input) => planTarget(ctx, input.planId),
      async run(ctx) {
        if (!readsWholePlan(ctx.actor, ctx.target.policy)) throw new HomevisitError("forbidden");
        return qualityOfPlan(ctx, ctx.target.data.record);
      },
    }),

    visitPlan: implementUseCase(planContracts.visitPlan, {
      resolveTarget: (ctx, input) => studentTarget(ctx, input.studentId),
      async run(ctx, input) {
        const plan = await personalisedPlanOf(ctx, ctx.target.data, input.date ?? ctx.today);
        ctx.auditDetail("triggers", plan.triggers.length);
        return { plan };
      },
    }),

    commit: implementUseCase(planContracts.commit, {
      resolveTarget: (ctx, input) => planTarget(ctx, input.planId),
      async run(ctx, input) {
        return commitPlan(ctx, input);
      },
    }),

    reassign: implementUseCase(planContracts.reassign, {
      resolveTarget: (ctx) => ownSchoolTarget(ctx, "termPlans"),
      async run(ctx, input) {
        const schoolId = ctx.target.data.schoolId;
        if (schoolId === undefined) throw new HomevisitError("forbidden");
        return reassignPlan(ctx, schoolId, input);
      },
    }),
  };
}
