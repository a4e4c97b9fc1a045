import { proposeAppointment } from "../../../domain/appointment/index.js";
import type { TermPlan } from "../../../domain/workflow-records.js";
import { assignVisitors, reassignCaseload } from "../../../planning/assignment.js";
import { deriveObligations } from "../../../planning/obligations.js";
import { planQuality } from "../../../planning/quality.js";
import { defaultObligationRules, resolveObligationRules } from "../../../planning/rules.js";
import { scheduleVisits } from "../../../planning/schedule.js";
import { visitDate } from "../../../ports/entities.js";
import type { Stored } from "../../../ports/storage.js";
import type { TimetableSource } from "../../../ports/timetable.js";
import { HomevisitError } from "../../../shared/errors/homevisit-error.js";
import { studentTarget, tenantPolicy } from "../../targets.js";
import { implementUseCase, type ResolveContext, type UseCaseContext, type UseCaseTarget } from "../../use-case.js";
import { loadAll } from "../../util.js";
import { checkVersion, ownSchoolTarget } from "../area-kit.js";
import { planContracts } from "./contract.js";
import { listPlans, planPage, planSummary, qualityOfPlan, readsWholePlan, visiblePlan } from "./read.js";
import { personalisedPlanOf } from "./visit-plan.js";

/** What the plans area needs from the engine besides storage. */
export interface PlanDeps {
  /** The host's timetable: lessons and duties become busy slots. Without it nobody is busy. */
  timetable?: TimetableSource | undefined;
}

async function loadSchoolWorld(ctx: UseCaseContext, schoolId: string) {
  const where = { schoolId };
  const [school, teachers, classes, students, mentorships] = await Promise.all([
    ctx.tx.schools.get(schoolId),
    loadAll((cursor) => ctx.tx.teachers.list({ where, cursor, limit: 1000 })),
    loadAll((cursor) => ctx.tx.classes.list({ where, cursor, limit: 1000 })),
    loadAll((cursor) => ctx.tx.students.list({ where: { schoolId, leftOn: null }, cursor, limit: 1000 })),
    loadAll((cursor) => ctx.tx.mentorships.list({ where, cursor, limit: 1000 })),
  ]);
  if (!school) throw new HomevisitError("not_found", { params: { entity: "school" } });
  return {
    school: school.record,
    teachers: teachers.map((t) => t.record),
    classes: classes.map((c) => c.record),
    students: students.map((s) => s.record),
    // The planner's shape only: a kept mentorship is copied into the plan snapshot, whose
    // strict schema refuses the stored row's id and schoolId.
    mentorships: mentorships
      .map((m) => m.record)
      .filter((m) => m.until === undefined || m.until >= ctx.today)
      .map((m) => ({ studentId: m.studentId, mentorId: m.mentorId, since: m.since })),
  };
}

async function planTarget(ctx: ResolveContext, planId: string): Promise<UseCaseTarget<Stored<TermPlan>> | undefined> {
  const stored = await ctx.tx.termPlans.get(planId);
  if (!stored) return undefined;
  // "own": the plan of the actor's school, which a teacher reads filtered to their own part.
  const own = ctx.actor.schoolId !== undefined && stored.tenant.schoolId === ctx.actor.schoolId;
  return { policy: { ...tenantPolicy(stored.tenant), own }, entity: "termPlans", entityId: planId, data: stored };
}

function localStart(date: string, time: string): string {
  return `${date}T${time}:00+08:00`;
}

function minutesBetween(from: string, to: string): number {
  const m = (t: string) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3, 5));
  return m(to) - m(from);
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
        const world = await loadSchoolWorld(ctx, schoolId);
        const studentIds = world.students.map((s) => s.id);
        const [flags, visits, plans] = await Promise.all([
          studentIds.length === 0
            ? []
            : loadAll((cursor) => ctx.tx.categoryFlags.list({ where: { studentId: studentIds }, cursor, limit: 1000 })),
          loadAll((cursor) => ctx.tx.visitRecords.list({ where: { schoolId, completed: 1 }, cursor, limit: 1000 })),
          loadAll((cursor) => ctx.tx.termPlans.list({ where: { schoolId }, cursor, limit: 1000 })),
        ]);
        let rules = defaultObligationRules;
        for (const override of ctx.plugins.obligationRules())
          rules = resolveObligationRules({ school: override }, rules);
        const obligations = deriveObligations({
          term: input.term,
          school: world.school,
          students: world.students,
          flags: flags.map((f) => f.record),
          mentorships: world.mentorships,
          rules,
          categoryLabels: ctx.plugins.pluginCategoryLabels(),
          date: ctx.today,
          previousVisits: visits.flatMap((v) => {
            const date = visitDate(v.record);
            return date === null
              ? []
              : [{ studentId: v.record.studentId, date, inHome: v.record.channel === "in_home" }];
          }),
        });
        const previous = plans
          .map((p) => p.record)
          .filter((p) => p.status === "committed" && p.termId !== input.term.id)
          .sort((a, b) => a.term.start.localeCompare(b.term.start))
          .at(-1);
        const assigned = assignVisitors({
          school: world.school,
          term: input.term,
          teachers: world.teachers,
          classes: world.classes,
          students: world.students,
          obligations,
          mentorships: world.mentorships,
          ...(previous ? { previousAssignments: previous.assignments } : {}),
          ...(input.assignment ? { options: input.assignment } : {}),
        });
        const busySlots =
          deps.timetable === undefined
            ? []
            : await deps.timetable.busySlots({
                schoolId,
                teacherIds: world.teachers.map((t) => t.id),
                from: input.term.start,
                to: input.term.end,
              });
        const schedule = scheduleVisits({
          term: input.term,
          assignments: assigned.assignments,
          obligations,
          students: world.students,
          busySlots,
          ...(input.schedule ? { options: input.schedule } : {}),
        });
        const quality = planQuality(assigned, {
          term: input.term,
          teachers: world.teachers,
          obligations,
          students: world.students,
          ...(previous ? { previousAssignments: previous.assignments } : {}),
          ...(input.assignment ? { options: input.assignment } : {}),
        });
        const committedBefore = plans.filter(
          (p) => p.record.termId === input.term.id && p.record.status !== "draft",
        ).length;
        const stored = await ctx.tx.termPlans.create({
          id: ctx.newId(),
          schoolId,
          termId: input.term.id,
          term: input.term,
          status: "draft",
          planNumber: committedBefore + 1,
          obligations: JSON.parse(JSON.stringify(obligations)),
          assignments: assigned.assignments,
          mentorships: assigned.mentorships,
          slots: schedule.slots,
          unassigned: [...assigned.uncovered, ...assigned.missingCompanions].map((u) => ({
            obligationId: u.obligationId,
            studentId: u.studentId,
            code: u.code,
            reason: u.reason,
          })),
          unscheduled: schedule.unscheduled.map((u) => ({
            obligationId: u.obligationId,
            studentId: u.studentId,
            ...(u.occurrence === undefined ? {} : { occurrence: u.occurrence }),
            code: u.code,
            reason: u.reason,
          })),
          quality: {
            coverage: quality.coverage,
            uncoveredStudentIds: quality.uncovered.map((u) => u.studentId),
            teachersWithZeroVisits: quality.teachersWithZeroVisits,
            loadImbalance: quality.loadImbalance,
            continuityRate: quality.continuityRate,
            studentsWithoutMentor: quality.studentsWithoutMentor,
            loads: quality.loads,
            ok: quality.ok,
          },
          generatedBy: ctx.actor.id,
          generatedAt: ctx.now,
        });
        ctx.auditDetail("obligations", obligations.length);
        ctx.auditDetail("slots", schedule.slots.length);
        ctx.emit("plan.generated", {
          planId: stored.record.id,
          termId: input.term.id,
          obligations: obligations.length,
          unscheduled: schedule.unscheduled.length,
        });
        return { plan: stored.record, version: stored.version };
      },
    }),

    get: implementUseCase(planContracts.get, {
      resolveTarget: (ctx, input) => planTarget(ctx, input.planId),
      async run(ctx, input) {
        const stored = ctx.target.data;
        const plan = visiblePlan(stored.record, ctx.actor.id, readsWholePlan(ctx.actor, ctx.target.policy));
        const page = planPage(plan, input.cursor, input.limit);
        return {
          plan: page.plan,
          summary: planSummary(plan),
          version: stored.version,
          ...(page.nextCursor === undefined ? {} : { nextCursor: page.nextCursor }),
        };
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
        checkVersion(ctx.target.data, input.expectedVersion);
        const plan = ctx.target.data.record;
        if (plan.status !== "draft") throw new HomevisitError("plan_not_draft");
        const others = await loadAll((cursor) =>
          ctx.tx.termPlans.list({
            where: { schoolId: plan.schoolId, termId: plan.termId, status: "committed" },
            cursor,
            limit: 1000,
          }),
        );
        for (const other of others) {
          await ctx.tx.termPlans.update(
            other.record.id,
            { ...other.record, status: "superseded" },
            { expectedVersion: other.version },
          );
        }
        const obligationOf = new Map(plan.obligations.map((o) => [o.id, o]));
        const students = await ctx.tx.students.getMany([...new Set(plan.slots.map((s) => s.studentId))]);
        const addressOf = new Map(students.map((s) => [s.record.id, s.record.address]));
        const appointments = plan.slots.map((slot) => {
          const address = addressOf.get(slot.studentId);
          return proposeAppointment({
            id: ctx.newId(),
            schoolId: plan.schoolId,
            studentId: slot.studentId,
            teacherId: slot.teacherId,
            companionIds: slot.companionId === undefined ? [] : [slot.companionId],
            obligationId: slot.obligationId.slice(0, 200),
            kind: obligationOf.get(slot.obligationId)?.kind ?? "universal",
            start: localStart(slot.date, slot.start),
            durationMinutes: Math.max(5, minutesBetween(slot.start, slot.end)),
            ...(address ? { location: { county: address.county, town: address.town, village: address.village } } : {}),
          });
        });
        if (appointments.length > 0) await ctx.tx.appointments.createMany(appointments);
        const existing = await loadAll((cursor) =>
          ctx.tx.mentorships.list({ where: { schoolId: plan.schoolId }, cursor, limit: 1000 }),
        );
        const active = new Set(
          existing
            .filter((m) => m.record.until === undefined || m.record.until >= ctx.today)
            .map((m) => `${m.record.studentId}/${m.record.mentorId}`),
        );
        let mentorships = 0;
        for (const m of plan.mentorships) {
          if (active.has(`${m.studentId}/${m.mentorId}`)) continue;
          const created = await ctx.tx.mentorships.create({ ...m, id: ctx.newId(), schoolId: plan.schoolId });
          mentorships += 1;
          ctx.emit("mentorship.assigned", {
            mentorshipId: created.record.id,
            studentId: m.studentId,
            mentorId: m.mentorId,
          });
        }
        const next: TermPlan = {
          ...plan,
          status: "committed",
          committedBy: ctx.actor.id,
          committedAt: ctx.now,
          appointmentIds: appointments.map((a) => a.id),
        };
        const stored = await ctx.tx.termPlans.update(plan.id, next, { expectedVersion: input.expectedVersion });
        ctx.recordChange({
          entity: "termPlans",
          before: { status: plan.status, planNumber: plan.planNumber },
          after: { status: next.status, planNumber: next.planNumber },
        });
        ctx.auditDetail("appointments", appointments.length);
        ctx.auditDetail("mentorships", mentorships);
        ctx.emit("plan.committed", {
          planId: plan.id,
          termId: plan.termId,
          planNumber: plan.planNumber,
          appointments: appointments.length,
          mentorships,
        });
        return { plan: stored.record, version: stored.version };
      },
    }),

    reassign: implementUseCase(planContracts.reassign, {
      resolveTarget: (ctx) => ownSchoolTarget(ctx, "termPlans"),
      async run(ctx, input) {
        const schoolId = ctx.target.data.schoolId;
        if (schoolId === undefined) throw new HomevisitError("forbidden");
        const plans = await loadAll((cursor) =>
          ctx.tx.termPlans.list({
            where: { schoolId, termId: input.termId, status: "committed" },
            cursor,
            limit: 1000,
          }),
        );
        const current = plans[0];
        if (!current) throw new HomevisitError("plan_not_committed");
        const plan = current.record;
        const world = await loadSchoolWorld(ctx, schoolId);
        const appointments = await loadAll((cursor) =>
          ctx.tx.appointments.list({ where: { schoolId }, cursor, limit: 1000 }),
        );
        const completed = appointments
          .filter((a) => a.record.status === "completed" && a.record.obligationId !== undefined)
          .map((a) => a.record.obligationId as string);
        const teachers = world.teachers.map((t) =>
          t.id === input.teacherId && (t.leftOn === undefined || t.leftOn > input.leftOn)
            ? { ...t, leftOn: input.leftOn }
            : t,
        );
        const result = reassignCaseload(
          { assignments: plan.assignments, mentorships: plan.mentorships, uncovered: [], missingCompanions: [] },
          {
            school: world.school,
            term: plan.term,
            teachers,
            classes: world.classes,
            students: world.students,
            obligations: plan.obligations,
            teacherId: input.teacherId,
            leftOn: input.leftOn,
            completedObligationIds: completed,
          },
        );
        let appointmentsMoved = 0;
        for (const move of result.moved) {
          if (move.role === "mentor") continue;
          for (const a of appointments) {
            const r = a.record;
            if (
              r.obligationId !== move.obligationId ||
              ["completed", "missed", "cancelled", "refused"].includes(r.status)
            )
              continue;
            let next = r;
            if (
              move.role === "lead" &&
              r.teacherId === move.from &&
              move.to !== undefined &&
              !r.companionIds.includes(move.to)
            ) {
              next = { ...r, teacherId: move.to, version: r.version + 1 };
            } else if (move.role === "companion" && r.companionIds.includes(move.from)) {
              const companionIds = r.companionIds.filter((c) => c !== move.from);
              if (move.to !== undefined && move.to !== r.teacherId) companionIds.push(move.to);
              next = { ...r, companionIds, version: r.version + 1 };
            }
            if (next === r) continue;
            await ctx.tx.appointments.update(r.id, next, { expectedVersion: a.version });
            appointmentsMoved += 1;
          }
        }
        const mentorMoves = result.moved.filter((m) => m.role === "mentor");
        if (mentorMoves.length > 0) {
          const mentorships = await loadAll((cursor) =>
            ctx.tx.mentorships.list({ where: { schoolId, mentorId: input.teacherId }, cursor, limit: 1000 }),
          );
          for (const m of mentorships) {
            if (m.record.until !== undefined && m.record.until < input.leftOn) continue;
            if (!mentorMoves.some((mv) => mv.studentId === m.record.studentId)) continue;
            const until = input.leftOn < m.record.since ? m.record.since : input.leftOn;
            await ctx.tx.mentorships.update(m.record.id, { ...m.record, until }, { expectedVersion: m.version });
            ctx.emit("mentorship.ended", {
              mentorshipId: m.record.id,
              studentId: m.record.studentId,
              mentorId: input.teacherId,
            });
          }
          for (const move of mentorMoves) {
            if (move.to === undefined) continue;
            const created = await ctx.tx.mentorships.create({
              id: ctx.newId(),
              schoolId,
              studentId: move.studentId,
              mentorId: move.to,
              since: input.leftOn,
            });
            ctx.emit("mentorship.assigned", {
              mentorshipId: created.record.id,
              studentId: move.studentId,
              mentorId: move.to,
            });
          }
        }
        const stored = await ctx.tx.termPlans.update(
          plan.id,
          { ...plan, assignments: result.plan.assignments, mentorships: result.plan.mentorships },
          { expectedVersion: current.version },
        );
        const uncovered = result.moved.filter((m) => m.to === undefined).length;
        ctx.auditDetail("moved", result.moved.length);
        ctx.emit("caseload.reassigned", {
          planId: plan.id,
          teacherId: input.teacherId,
          moved: result.moved.length,
          uncovered,
          appointmentsMoved,
        });
        return {
          planId: plan.id,
          version: stored.version,
          moved: result.moved.map((m) => ({
            ...(m.obligationId === undefined ? {} : { obligationId: m.obligationId }),
            studentId: m.studentId,
            role: m.role,
            from: m.from,
            ...(m.to === undefined ? {} : { to: m.to }),
            reason: m.reason,
          })),
          appointmentsMoved,
        };
      },
    }),
  };
}
