import * as z from "zod";
import { conductReportStatusSchema, conductRuleIdSchema } from "../../../domain/conduct.js";
import { storedConductReportSchema } from "../../../domain/workflow-records.js";
import { withLabel } from "../../../shared/field-labels.js";
import { idSchema } from "../../../shared/primitives.js";
import { withSensitivity } from "../../../shared/sensitivity.js";
import { defineContract } from "../../contract.js";
import { expectedVersionSchema, pageInput } from "../contract-kit.js";

/**
 * The conduct area (R10 六个不得): the exception reports that submitted visit records declared,
 * for the principal and school admins to read (always audited) and review.
 */
export const conductContracts = {
  /**
   * The school's conduct reports, open ones by default, ordered by id. Principals and school
   * admins only; every call is audited.
   *
   * @example
   * ```ts
   * await engine.conduct.list(principal, {});
   * // { items: [{ report: { visitId: "v-1", ruleId: "no_meals_or_reimbursement", status: "open", … }, version: 1 }] }
   * ```
   */
  list: defineContract({
    action: "conduct.reports",
    entity: "conductReports",
    description: { "zh-CN": "查看违反“六个不得”的报告", en: "List conduct reports" },
    input: z.strictObject({
      status: withLabel(conductReportStatusSchema.optional(), { "zh-CN": "处理状态", en: "Status" }),
      teacherId: idSchema.optional(),
      ruleId: conductRuleIdSchema.optional(),
      ...pageInput,
    }),
    output: z.strictObject({
      items: z.array(z.strictObject({ report: storedConductReportSchema, version: z.int() })),
      nextCursor: z.string().optional(),
    }),
    targetKind: "collection",
    http: { method: "GET", path: "/conduct-reports" },
  }),

  /**
   * Marks a conduct report reviewed with what the school decided (sensitive, audited as a keyed
   * HMAC). Emits `conduct.reviewed`.
   *
   * @example
   * ```ts
   * await engine.conduct.resolve(principal, { reportId: "v-1:no_meals_or_reimbursement", resolution: "已谈话提醒", expectedVersion: 1 });
   * // { report: { status: "reviewed", reviewedBy: "t-principal", … }, version: 2 }
   * ```
   */
  resolve: defineContract({
    action: "conduct.resolve",
    entity: "conductReports",
    description: { "zh-CN": "处理违反“六个不得”的报告", en: "Review a conduct report" },
    input: z.strictObject({
      reportId: z.string().min(1).max(140),
      resolution: withLabel(withSensitivity(z.string().trim().min(1).max(2000), "sensitive"), {
        "zh-CN": "处理结果",
        en: "Resolution",
      }),
      expectedVersion: expectedVersionSchema,
    }),
    output: z.strictObject({ report: storedConductReportSchema, version: z.int() }),
    targetKind: "record",
    errors: ["conflict"],
    http: { method: "POST", path: "/conduct-reports/{reportId}/review" },
  }),
};
