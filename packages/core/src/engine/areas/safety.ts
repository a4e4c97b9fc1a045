import * as z from "zod";
import { HomevisitError } from "../../shared/errors/homevisit-error.js";
import { dateWindowSchema } from "../../domain/planning.js";
import { idSchema, instantSchema, noteSchema } from "../../shared/primitives.js";
import {
  checkInDueAt,
  checkInProblems,
  checkPreVisitSafetyReport,
  isCheckInOverdue,
  postVisitCheckInSchema,
  preVisitSafetyReportFields,
  preVisitSafetyReportSchema,
  safetyIncidentSchema,
  safetyZeroReportSchema,
  summariseSafetyPeriod,
} from "../../domain/safety.js";
import { withSensitivity } from "../../shared/sensitivity.js";
import { shanghaiDate } from "../../ports/entities.js";
import { tenantPolicy } from "../targets.js";
import { defineUseCase } from "../use-case.js";
import { loadAll } from "../util.js";
import { ownSchoolTarget } from "./shared.js";

/**
 * The safety area (R14): the pre-visit report (whom, where, how long, no unlicensed vehicle, a
 * reachable phone), the check-in after the visit, the overdue scan that raises `safety.overdue`
 * once per report, and the school's zero report (安全零报告).
 */

const overdueItemSchema = z.strictObject({
  reportId: idSchema,
  teacherId: idSchema,
  dueAt: z.string(),
  /** True when this call raised the event; false when an earlier scan did. */
  raisedNow: z.boolean(),
});

/** What a teacher writes in a pre-visit report: the stored fields but those the engine sets. */
const fileReportInput = preVisitSafetyReportFields
  .omit({ id: true, schoolId: true, teacherId: true, reportedAt: true })
  .superRefine(checkPreVisitSafetyReport);

/** The safety area's use cases. */
export const safetyUseCases = {
  /**
   * Files the pre-visit safety report for the actor's own trip: the students (of the actor's
   * school), the destination to the village, the planned start and duration, the transport and
   * the explicit "no unlicensed vehicle" declaration, and a phone on which the teacher stays
   * reachable. Emits `safety.reported`.
   *
   * @example
   * ```ts
   * await engine.safety.fileReport(teacher, {
   *   studentIds: ["stu-1"], destination: { county: "莲都区", town: "碧湖镇", village: "大港头村" },
   *   plannedStart: "2026-10-12T18:30:00+08:00", expectedDurationMinutes: 90,
   *   transportMode: "e_bike", noUnlicensedVehicle: true, reachablePhone: "13800001111",
   * }, { idempotencyKey: "sr-1" });
   * // { report: { id: "…", teacherId: "t-1", reportedAt: "2026-10-12T04:00:00.000Z", … }, version: 1 }
   * ```
   */
  fileReport: defineUseCase({
    action: "safety.report",
    entity: "safetyReports",
    description: { "zh-CN": "提交家访安全报告", en: "File a pre-visit safety report" },
    input: fileReportInput,
    output: z.strictObject({ report: preVisitSafetyReportSchema, version: z.int() }),
    targetKind: "collection",
    idempotent: true,
    http: { method: "POST", path: "/safety-reports" },
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

  /**
   * Checks in after the visit (报平安): the actor's own report only, once. `returnedSafelyAt`
   * defaults to the engine's clock. `needsHelp` and `incident` alert the school through the
   * `safety.checked_in` event.
   *
   * @example
   * ```ts
   * await engine.safety.checkIn(teacher, { reportId: "sr-1" });
   * // { checkIn: { reportId: "sr-1", teacherId: "t-1", returnedSafelyAt: "…", incident: false, needsHelp: false }, version: 2 }
   * ```
   */
  checkIn: defineUseCase({
    action: "safety.report",
    entity: "safetyReports",
    description: { "zh-CN": "家访结束报平安", en: "Check in after a visit" },
    input: z.strictObject({
      reportId: idSchema,
      returnedSafelyAt: instantSchema.optional(),
      note: withSensitivity(noteSchema.optional(), "sensitive"),
      incident: z.boolean().default(false),
      needsHelp: z.boolean().default(false),
    }),
    output: z.strictObject({ checkIn: postVisitCheckInSchema, version: z.int() }),
    targetKind: "record",
    http: { method: "POST", path: "/safety-reports/{reportId}/check-in" },
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

  /**
   * The trips of the actor's school whose expected end plus the grace period
   * (`config.safety.checkInGraceMinutes`, default 30) has passed without a check-in, longest
   * overdue first. Raises `safety.overdue` once per report: a later scan lists it again with
   * `raisedNow: false` and raises nothing.
   *
   * @example
   * ```ts
   * await engine.safety.overdue(principal, {});
   * // { items: [{ reportId: "sr-7", teacherId: "t-3", dueAt: "2026-10-12T20:30:00+08:00", raisedNow: true }] }
   * ```
   */
  overdue: defineUseCase({
    action: "safety.overdue",
    entity: "safetyReports",
    description: { "zh-CN": "查看并上报逾期未报平安的家访", en: "Find and raise overdue check-ins" },
    input: z.strictObject({}),
    output: z.strictObject({ items: z.array(overdueItemSchema) }),
    targetKind: "collection",
    http: { method: "POST", path: "/safety-reports/overdue-scan" },
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

  /**
   * Files the school's zero report (安全零报告) for a period: sent every period, even when nothing
   * happened. The visit count is the school's pre-visit reports planned in the period; a period
   * with a trip not yet checked in cannot be reported as "nothing happened"
   * (`zero_report_inconsistent`). Emits `safety.zero_reported`.
   *
   * @example
   * ```ts
   * await engine.safety.zeroReport(principal, { period: { from: "2026-10-05", to: "2026-10-11" }, nothingHappened: true });
   * // { zeroReport: { visitCount: 37, nothingHappened: true, incidents: [], … }, version: 1 }
   * ```
   */
  zeroReport: defineUseCase({
    action: "safety.zero_report",
    entity: "zeroReports",
    description: { "zh-CN": "提交安全零报告", en: "File a safety zero report" },
    input: z.strictObject({
      period: dateWindowSchema,
      nothingHappened: z.boolean(),
      incidents: z.array(safetyIncidentSchema).max(500).default([]),
    }),
    output: z.strictObject({ zeroReport: safetyZeroReportSchema, version: z.int() }),
    targetKind: "collection",
    idempotent: true,
    http: { method: "POST", path: "/safety-zero-reports" },
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
