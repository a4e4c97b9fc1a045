import type * as z from "zod";
import {
  checkInDueAt,
  checkInProblems,
  isCheckInOverdue,
  postVisitCheckInSchema,
  summariseSafetyPeriod,
} from "../../../domain/safety.js";
import { shanghaiDate } from "../../../shared/dates.js";
import { HomevisitError } from "../../../shared/errors/homevisit-error.js";
import { tenantPolicy } from "../../targets.js";
import { implementUseCase } from "../../use-case.js";
import { loadAll } from "../../util.js";
import { listTarget, ownSchoolTarget, rowAllowed } from "../area-kit.js";
import { type overdueItemSchema, safetyContracts } from "./contract.js";

/** The safety area's use cases. */
export const safetyUseCases = {
  list: implementUseCase(safetyContracts.list, {
    resolveTarget: (ctx) => listTarget(ctx, "safetyReports"),
    async run(ctx, input) {
      const schoolId = ctx.target.data.schoolId;
      if (schoolId === undefined) return { items: [] };
      const rows = await loadAll((cursor) =>
        ctx.tx.safetyReports.list({
          where: { schoolId, ...(input.teacherId === undefined ? {} : { teacherId: input.teacherId }) },
          cursor,
          limit: 1000,
        }),
      );
      const visible = rows.filter(({ record: r, tenant }) => {
        const day = shanghaiDate(r.plannedStart);
        if (input.from !== undefined && day < input.from) return false;
        if (input.to !== undefined && day > input.to) return false;
        if (input.cursor !== undefined && r.id <= input.cursor) return false;
        const own = r.teacherId === ctx.actor.id;
        return rowAllowed(ctx.actor, "safety.read", ctx.target.policy, { schoolId: tenant.schoolId, own });
      });
      const page = visible.slice(0, input.limit);
      const states = await ctx.tx.safetyCheckIns.getMany(page.map((r) => r.record.id));
      const stateOf = new Map(states.map((s) => [s.record.id, s]));
      const items = page.map(({ record: report, version }) => {
        const state = stateOf.get(report.id);
        return {
          report,
          ...(state?.record.checkIn === undefined ? {} : { checkIn: state.record.checkIn }),
          ...(state?.record.overdueRaisedAt === undefined ? {} : { overdueRaisedAt: state.record.overdueRaisedAt }),
          version: state?.version ?? version,
        };
      });
      const last = page.at(-1);
      return visible.length > input.limit && last ? { items, nextCursor: last.record.id } : { items };
    },
  }),

  zeroReports: implementUseCase(safetyContracts.zeroReports, {
    resolveTarget: (ctx) => listTarget(ctx, "zeroReports"),
    async run(ctx, input) {
      const schoolId = ctx.target.data.schoolId;
      if (schoolId === undefined) return { items: [] };
      const rows = await loadAll((cursor) => ctx.tx.zeroReports.list({ where: { schoolId }, cursor, limit: 1000 }));
      const visible = rows
        .filter(({ record: r, tenant }) => {
          if (input.from !== undefined && r.period.to < input.from) return false;
          if (input.to !== undefined && r.period.from > input.to) return false;
          const own = r.submittedBy === ctx.actor.id;
          return rowAllowed(ctx.actor, "safety.read", ctx.target.policy, { schoolId: tenant.schoolId, own });
        })
        .sort(
          (a, b) => a.record.period.from.localeCompare(b.record.period.from) || a.record.id.localeCompare(b.record.id),
        );
      const start = input.cursor === undefined ? 0 : visible.findIndex((r) => r.record.id === input.cursor) + 1;
      const page = visible.slice(start, start + input.limit);
      const items = page.map(({ record, version }) => ({ zeroReport: record, version }));
      const last = page.at(-1);
      return start + input.limit < visible.length && last ? { items, nextCursor: last.record.id } : { items };
    },
  }),

  fileReport: implementUseCase(safetyContracts.fileReport, {
    async resolveTarget(ctx) {
      const target = await ownSchoolTarget(ctx, "safetyReports");
      return { ...target, policy: { ...target.policy, own: true } };
    },
    async run(ctx, input) {
      const schoolId = ctx.target.data.schoolId;
      const students = await ctx.tx.students.getMany(input.studentIds);
      if (
        schoolId === undefined ||
        students.length !== new Set(input.studentIds).size ||
        students.some((s) => s.record.schoolId !== schoolId)
      ) {
        throw new HomevisitError("not_found", { params: { entity: "student" }, path: ["studentIds"] });
      }
      // Every reference is resolved in the actor's school (promise 10): another school's
      // appointment and a missing one get the same answer, and neither is stored.
      const appointmentIds = [...new Set(input.appointmentIds ?? [])];
      const appointments = await ctx.tx.appointments.getMany(appointmentIds);
      if (appointments.length !== appointmentIds.length || appointments.some((a) => a.tenant.schoolId !== schoolId)) {
        throw new HomevisitError("not_found", { params: { entity: "appointment" }, path: ["appointmentIds"] });
      }
      const companionIds = [...new Set(input.companionIds ?? [])];
      const companions = await ctx.tx.teachers.getMany(companionIds);
      if (companions.length !== companionIds.length || companions.some((t) => t.record.schoolId !== schoolId)) {
        throw new HomevisitError("not_found", { params: { entity: "teacher" }, path: ["companionIds"] });
      }
      const stored = await ctx.tx.safetyReports.create({
        ...input,
        id: ctx.newId(),
        schoolId,
        teacherId: ctx.actor.id,
        reportedAt: ctx.now,
      });
      await ctx.tx.safetyCheckIns.create({ id: stored.record.id, schoolId, teacherId: ctx.actor.id });
      ctx.recordChange({ entity: "safetyReports", before: undefined, after: stored.record });
      ctx.emit("safety.reported", {
        reportId: stored.record.id,
        teacherId: ctx.actor.id,
        students: input.studentIds.length,
      });
      return { report: stored.record, version: stored.version };
    },
  }),

  checkIn: implementUseCase(safetyContracts.checkIn, {
    async resolveTarget(ctx, input) {
      const report = await ctx.tx.safetyReports.get(input.reportId);
      if (!report) return undefined;
      const own = report.record.teacherId === ctx.actor.id && report.tenant.schoolId === ctx.actor.schoolId;
      return {
        policy: { ...tenantPolicy(report.tenant), own },
        entity: "safetyReports",
        entityId: report.record.id,
        data: report,
      };
    },
    async run(ctx, input) {
      const report = ctx.target.data.record;
      const state = await ctx.tx.safetyCheckIns.get(report.id);
      if (state?.record.checkIn !== undefined) throw new HomevisitError("safety_already_checked_in");
      const checkIn = postVisitCheckInSchema.parse({
        reportId: report.id,
        teacherId: ctx.actor.id,
        returnedSafelyAt: input.returnedSafelyAt ?? ctx.now,
        ...(input.note === undefined ? {} : { note: input.note }),
        incident: input.incident,
        needsHelp: input.needsHelp,
      });
      const problems = checkInProblems(report, checkIn);
      if (problems.length > 0) throw new HomevisitError("validation_failed", { issues: problems });
      const next = { id: report.id, schoolId: report.schoolId, teacherId: report.teacherId, ...state?.record, checkIn };
      const stored = state
        ? await ctx.tx.safetyCheckIns.update(report.id, next, { expectedVersion: state.version })
        : await ctx.tx.safetyCheckIns.create(next);
      ctx.recordChange({ entity: "safetyCheckIns", before: state?.record, after: stored.record });
      ctx.emit("safety.checked_in", {
        reportId: report.id,
        teacherId: report.teacherId,
        incident: checkIn.incident,
        needsHelp: checkIn.needsHelp,
      });
      return { checkIn, version: stored.version };
    },
  }),

  overdue: implementUseCase(safetyContracts.overdue, {
    resolveTarget: (ctx) => ownSchoolTarget(ctx, "safetyReports"),
    async run(ctx) {
      const schoolId = ctx.target.data.schoolId;
      if (schoolId === undefined) return { items: [] };
      const grace = ctx.config.safety.checkInGraceMinutes;
      const open = await loadAll((cursor) =>
        ctx.tx.safetyCheckIns.list({ where: { schoolId, checkedIn: 0 }, cursor, limit: 1000 }),
      );
      const reports = await ctx.tx.safetyReports.getMany(open.map((s) => s.record.id));
      const stateOf = new Map(open.map((s) => [s.record.id, s]));
      const overdue = reports
        .map((r) => r.record)
        .filter((r) => isCheckInOverdue(r, undefined, ctx.now, grace))
        .sort(
          (a, b) => Date.parse(checkInDueAt(a, grace)) - Date.parse(checkInDueAt(b, grace)) || a.id.localeCompare(b.id),
        );
      const items: z.infer<typeof overdueItemSchema>[] = [];
      for (const report of overdue) {
        const state = stateOf.get(report.id);
        if (!state) continue;
        const dueAt = checkInDueAt(report, grace);
        const raisedNow = state.record.overdueRaisedAt === undefined;
        if (raisedNow) {
          await ctx.tx.safetyCheckIns.update(
            report.id,
            { ...state.record, overdueRaisedAt: ctx.now },
            { expectedVersion: state.version },
          );
          ctx.emit("safety.overdue", { reportId: report.id, teacherId: report.teacherId, dueAt });
        }
        items.push({ reportId: report.id, teacherId: report.teacherId, dueAt, raisedNow });
      }
      ctx.auditDetail("overdue", items.length);
      return { items };
    },
  }),

  zeroReport: implementUseCase(safetyContracts.zeroReport, {
    resolveTarget: (ctx) => ownSchoolTarget(ctx, "zeroReports"),
    async run(ctx, input) {
      const schoolId = ctx.target.data.schoolId;
      if (schoolId === undefined) throw new HomevisitError("forbidden");
      const reports = await loadAll((cursor) =>
        ctx.tx.safetyReports.list({ where: { schoolId }, cursor, limit: 1000 }),
      );
      const inPeriod = reports
        .map((r) => r.record)
        .filter((r) => {
          const day = shanghaiDate(r.plannedStart);
          return day >= input.period.from && day <= input.period.to;
        });
      const states = await ctx.tx.safetyCheckIns.getMany(inPeriod.map((r) => r.id));
      const summary = summariseSafetyPeriod(
        inPeriod,
        states.flatMap((s) => (s.record.checkIn === undefined ? [] : [s.record.checkIn])),
        input.period,
      );
      if (input.nothingHappened && !summary.nothingHappened) {
        throw new HomevisitError("zero_report_inconsistent", { path: ["nothingHappened"] });
      }
      const stored = await ctx.tx.zeroReports.create({
        id: ctx.newId(),
        schoolId,
        period: input.period,
        visitCount: summary.reportCount,
        nothingHappened: input.nothingHappened,
        incidents: input.incidents,
        submittedBy: ctx.actor.id,
        submittedAt: ctx.now,
      });
      ctx.recordChange({ entity: "zeroReports", before: undefined, after: stored.record });
      ctx.emit("safety.zero_reported", { zeroReportId: stored.record.id, incidents: stored.record.incidents.length });
      return { zeroReport: stored.record, version: stored.version };
    },
  }),
};
