import * as z from "zod";
import { dateWindowSchema } from "../../../domain/planning.js";
import {
  checkPreVisitSafetyReport,
  postVisitCheckInSchema,
  preVisitSafetyReportFields,
  preVisitSafetyReportSchema,
  safetyIncidentSchema,
  safetyZeroReportSchema,
} from "../../../domain/safety.js";
import { withLabel } from "../../../shared/field-labels.js";
import { idSchema, instantSchema, isoDateSchema, noteSchema } from "../../../shared/primitives.js";
import { withSensitivity } from "../../../shared/sensitivity.js";
import { defineContract } from "../../contract.js";
import { pageInput } from "../contract-kit.js";

/**
 * The safety area (R14): the pre-visit report (whom, where, how long, no unlicensed vehicle, a
 * reachable phone), the check-in after the visit, the overdue scan that raises `safety.overdue`
 * once per report, and the school's zero report (安全零报告).
 */

export const overdueItemSchema = z.strictObject({
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

/** A safety report with its state: the check-in once the teacher is back, and when it was raised overdue. */
export const safetyReportStateSchema = z
  .strictObject({
    report: preVisitSafetyReportSchema,
    checkIn: postVisitCheckInSchema.optional(),
    /** When the missing check-in was raised as overdue. */
    overdueRaisedAt: instantSchema.optional(),
    /** The version of the report's state (filed: 1, checked in: 2). */
    version: z.int(),
  })
  .meta({ id: "SafetyReportState", description: "A pre-visit safety report with its check-in" });

/** The safety area's use cases. */
export const safetyContracts = {
  /**
   * Lists safety reports and their check-ins, by planned day: a teacher their own trips,
   * principals and school admins the whole school (the safety board). Filters by teacher and by
   * the planned day (`from`, `to`, inclusive); ordered by id; 50 per page by default.
   *
   * @example
   * ```ts
   * await engine.safety.list(principal, { from: "2026-10-05", to: "2026-10-11" });
   * // { items: [{ report: { id: "sr-1", teacherId: "t-1", plannedStart: "…", … }, checkIn: { returnedSafelyAt: "…", … }, version: 2 }] }
   * ```
   */
  list: defineContract({
    action: "safety.read",
    entity: "safetyReports",
    description: { "zh-CN": "查看家访安全报告与报平安情况", en: "List safety reports and check-ins" },
    input: z.strictObject({
      teacherId: idSchema.optional(),
      from: withLabel(isoDateSchema.optional(), { "zh-CN": "起始日期", en: "From" }),
      to: withLabel(isoDateSchema.optional(), { "zh-CN": "截止日期", en: "To" }),
      ...pageInput,
    }),
    output: z.strictObject({ items: z.array(safetyReportStateSchema), nextCursor: z.string().optional() }),
    targetKind: "collection",
    http: { method: "GET", path: "/safety-reports" },
  }),

  /**
   * The school's zero reports (安全零报告) whose period overlaps `from`–`to` (default: all),
   * oldest first: the principal checks which periods were reported. Principals and school
   * admins see the school's; a teacher the ones they filed.
   *
   * @example
   * ```ts
   * await engine.safety.zeroReports(principal, { from: "2026-10-01", to: "2026-10-31" });
   * // { items: [{ zeroReport: { period: { from: "2026-10-05", to: "2026-10-11" }, nothingHappened: true, … }, version: 1 }] }
   * ```
   */
  zeroReports: defineContract({
    action: "safety.read",
    entity: "zeroReports",
    description: { "zh-CN": "查看安全零报告", en: "List safety zero reports" },
    input: z.strictObject({
      from: withLabel(isoDateSchema.optional(), { "zh-CN": "起始日期", en: "From" }),
      to: withLabel(isoDateSchema.optional(), { "zh-CN": "截止日期", en: "To" }),
      ...pageInput,
    }),
    output: z.strictObject({
      items: z.array(z.strictObject({ zeroReport: safetyZeroReportSchema, version: z.int() })),
      nextCursor: z.string().optional(),
    }),
    targetKind: "collection",
    http: { method: "GET", path: "/safety-zero-reports" },
  }),

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
  fileReport: defineContract({
    action: "safety.report",
    entity: "safetyReports",
    description: { "zh-CN": "提交家访安全报告", en: "File a pre-visit safety report" },
    input: fileReportInput,
    output: z.strictObject({ report: preVisitSafetyReportSchema, version: z.int() }),
    targetKind: "collection",
    idempotent: true,
    errors: ["not_found"],
    http: { method: "POST", path: "/safety-reports" },
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
  checkIn: defineContract({
    action: "safety.report",
    entity: "safetyReports",
    description: { "zh-CN": "家访结束报平安", en: "Check in after a visit" },
    input: z.strictObject({
      reportId: idSchema,
      returnedSafelyAt: withLabel(instantSchema.optional(), { "zh-CN": "安全返回时间", en: "Returned safely at" }),
      note: withLabel(withSensitivity(noteSchema.optional(), "sensitive"), { "zh-CN": "情况说明", en: "Note" }),
      incident: withLabel(z.boolean().default(false), { "zh-CN": "发生意外", en: "An incident happened" }),
      needsHelp: withLabel(z.boolean().default(false), { "zh-CN": "需要帮助", en: "Needs help" }),
    }),
    output: z.strictObject({ checkIn: postVisitCheckInSchema, version: z.int() }),
    targetKind: "record",
    errors: ["safety_already_checked_in"],
    preconditions: [
      {
        "zh-CN":
          "只能为本人的报告报平安，且只报一次（409 safety_already_checked_in）；报平安时间不得早于计划出发时间（422 validation_failed，issue check_in_before_start）",
        en: "Only the caller's own report, once (409 safety_already_checked_in); the check-in may not be earlier than the planned start (422 validation_failed with issue check_in_before_start)",
      },
    ],
    http: { method: "POST", path: "/safety-reports/{reportId}/check-in" },
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
  overdue: defineContract({
    action: "safety.overdue",
    entity: "safetyReports",
    description: { "zh-CN": "查看并上报逾期未报平安的家访", en: "Find and raise overdue check-ins" },
    input: z.strictObject({}),
    output: z.strictObject({ items: z.array(overdueItemSchema) }),
    targetKind: "collection",
    http: { method: "POST", path: "/safety-reports/overdue-scan" },
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
  zeroReport: defineContract({
    action: "safety.zero_report",
    entity: "zeroReports",
    description: { "zh-CN": "提交安全零报告", en: "File a safety zero report" },
    input: z.strictObject({
      period: dateWindowSchema,
      nothingHappened: withLabel(z.boolean(), { "zh-CN": "未发生安全事件", en: "Nothing happened" }),
      incidents: withLabel(z.array(safetyIncidentSchema).max(500).default([]), {
        "zh-CN": "安全事件",
        en: "Incidents",
      }),
    }),
    output: z.strictObject({ zeroReport: safetyZeroReportSchema, version: z.int() }),
    targetKind: "collection",
    idempotent: true,
    errors: ["zero_report_inconsistent"],
    preconditions: [
      {
        "zh-CN": "期间内每次出行都已报平安，才能报“无事”（422 zero_report_inconsistent）",
        en: '"Nothing happened" only when every trip of the period has checked in (422 zero_report_inconsistent)',
      },
    ],
    http: { method: "POST", path: "/safety-zero-reports" },
  }),
};
