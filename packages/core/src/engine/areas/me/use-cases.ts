import type { TermPlan } from "../../../domain/workflow-records.js";
import { calendarTerms, planningYearOf } from "../../../planning/calendar/school-terms.js";
import type { StorageTx, Stored } from "../../../ports/storage.js";
import { implementUseCase } from "../../use-case.js";
import { loadAll } from "../../util.js";
import { ownSchoolTarget } from "../area-kit.js";
import { meContracts } from "./contract.js";

/** The caller's own school as a target that is theirs (`self`): bureau staff get their tenant. */
async function selfTarget(ctx: Parameters<typeof ownSchoolTarget>[0], entity: string) {
  const target = await ownSchoolTarget(ctx, entity);
  return { ...target, policy: { ...target.policy, own: true } };
}

async function schoolPlans(ctx: { tx: StorageTx }, schoolId: string | undefined, termId?: string) {
  if (schoolId === undefined) return [] as Stored<TermPlan>[];
  return loadAll((cursor) =>
    ctx.tx.termPlans.list({ where: { schoolId, ...(termId === undefined ? {} : { termId }) }, cursor, limit: 1000 }),
  );
}

/** The "me" area's use cases. */
export const meUseCases = {
  get: implementUseCase(meContracts.get, {
    resolveTarget: (ctx) => selfTarget(ctx, "teachers"),
    async run(ctx) {
      const { actor } = ctx;
      const schoolId = actor.schoolId;
      const [school, teacher, classes, mentorships] =
        schoolId === undefined
          ? [undefined, undefined, [], []]
          : await Promise.all([
              ctx.tx.schools.get(schoolId),
              ctx.tx.teachers.get(actor.id),
              loadAll((cursor) =>
                ctx.tx.classes.list({ where: { schoolId, classTeacherId: actor.id }, cursor, limit: 1000 }),
              ),
              loadAll((cursor) =>
                ctx.tx.mentorships.list({ where: { schoolId, mentorId: actor.id }, cursor, limit: 1000 }),
              ),
            ]);
      const ownTeacher = teacher && teacher.record.schoolId === schoolId ? teacher.record : undefined;
      return {
        id: actor.id,
        roles: [...actor.roles],
        cityId: actor.cityId,
        ...(actor.countyId === undefined ? {} : { countyId: actor.countyId }),
        ...(schoolId === undefined ? {} : { schoolId }),
        ...(ownTeacher === undefined ? {} : { name: ownTeacher.name }),
        ...(school === undefined ? {} : { school: { id: school.record.id, name: school.record.name } }),
        classes: classes.map(({ record: c }) => ({ id: c.id, name: c.name, grade: c.grade, schoolYear: c.schoolYear })),
        mentees: mentorships
          .map((m) => m.record)
          .filter((m) => m.until === undefined || m.until >= ctx.today)
          .map((m) => ({
            mentorshipId: m.id,
            studentId: m.studentId,
            since: m.since,
            ...(m.until === undefined ? {} : { until: m.until }),
          })),
      };
    },
  }),

  terms: implementUseCase(meContracts.terms, {
    resolveTarget: (ctx) => selfTarget(ctx, "termPlans"),
    async run(ctx) {
      const schoolId = ctx.actor.schoolId;
      const thisYear = planningYearOf(ctx.today);
      // Bureau staff belong to no school: the calendar's terms of this school year and the last,
      // the same days their schools are offered until they plan.
      const [plans, classYears] =
        schoolId === undefined
          ? [[], [thisYear - 1]]
          : await Promise.all([
              schoolPlans(ctx, schoolId),
              loadAll((cursor) => ctx.tx.classes.list({ where: { schoolId }, cursor, limit: 1000 })).then((classes) =>
                classes.map((c) => c.record.schoolYear),
              ),
            ]);
      const byTerm = new Map<string, TermPlan[]>();
      for (const { record } of plans) byTerm.set(record.termId, [...(byTerm.get(record.termId) ?? []), record]);
      const planned = [...byTerm.values()].map((list) => {
        const sorted = list.sort((a, b) => b.planNumber - a.planNumber || b.generatedAt.localeCompare(a.generatedAt));
        return { term: (sorted[0] as TermPlan).term, source: "plan" as const, plans: sorted };
      });
      const years = new Set([thisYear, ...classYears]);
      const unplanned = [...years]
        .flatMap((year) => calendarTerms(year))
        .filter((term) => !byTerm.has(term.id))
        .map((term) => ({ term, source: "calendar" as const, plans: [] as TermPlan[] }));
      const items = [...planned, ...unplanned].map(({ term, source, plans: list }) => ({
        term,
        current: term.start <= ctx.today && ctx.today <= term.end,
        source,
        plans: list.map((p) => ({
          id: p.id,
          status: p.status,
          planNumber: p.planNumber,
          generatedAt: p.generatedAt,
          ...(p.committedAt === undefined ? {} : { committedAt: p.committedAt }),
        })),
      }));
      items.sort((a, b) => b.term.start.localeCompare(a.term.start));
      return { items };
    },
  }),

  obligations: implementUseCase(meContracts.obligations, {
    resolveTarget: (ctx) => selfTarget(ctx, "termPlans"),
    async run(ctx, input) {
      const plans = await schoolPlans(ctx, ctx.actor.schoolId, input.termId);
      const plan = plans.map((p) => p.record).find((p) => p.status === "committed");
      if (plan === undefined) return { planId: null, items: [] };
      const me = ctx.actor.id;
      const obligations = new Map(plan.obligations.map((o) => [o.id, o]));
      const mine = plan.assignments
        .filter((a) => a.leadTeacherId === me || a.companionTeacherId === me)
        .sort((a, b) => a.obligationId.localeCompare(b.obligationId))
        .filter((a) => input.cursor === undefined || a.obligationId > input.cursor);
      const page = mine.slice(0, input.limit);
      const items = page.map((a) => {
        const obligation = obligations.get(a.obligationId);
        return {
          obligationId: a.obligationId,
          studentId: a.studentId,
          kind: obligation?.kind ?? "universal",
          role: a.leadTeacherId === me ? ("lead" as const) : ("companion" as const),
          window: obligation?.window ?? { from: plan.term.start, to: plan.term.end },
          slots: plan.slots
            .filter((s) => s.obligationId === a.obligationId)
            .map((s) => ({ date: s.date, start: s.start, end: s.end })),
        };
      });
      const last = page[page.length - 1];
      return {
        planId: plan.id,
        items,
        ...(mine.length > input.limit && last !== undefined ? { nextCursor: last.obligationId } : {}),
      };
    },
  }),
};
