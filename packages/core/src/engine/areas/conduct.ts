import * as z from "zod";
import { conductRuleIdSchema } from "../../domain/conduct.js";
import { HomevisitError } from "../../shared/errors/homevisit-error.js";
import { idSchema } from "../../shared/primitives.js";
import { withSensitivity } from "../../shared/sensitivity.js";
import { decodeCursor, encodeCursor } from "../../ports/paging.js";
import { tenantPolicy } from "../targets.js";
import { defineUseCase } from "../use-case.js";
import { loadAll } from "../util.js";
import { storedConductReportSchema } from "../../domain/workflow-records.js";
import { checkVersion, expectedVersionSchema, ownSchoolTarget, pageInput } from "./shared.js";

/**
 * The conduct area (R10 六个不得): the exception reports that submitted visit records declared,
 * for the principal and school admins to read (always audited) and review.
 */
export const conductUseCases = {
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
  list: defineUseCase({
    action: "conduct.reports",
    entity: "conductReports",
    description: { "zh-CN": "查看违反“六个不得”的报告", en: "List conduct reports" },
    input: z.strictObject({
      status: z.enum(["open", "reviewed"]).optional(),
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
    resolveTarget: (ctx) => ownSchoolTarget(ctx, "conductReports"),
    async run(ctx, input) {
      const schoolId = ctx.target.data.schoolId;
      if (schoolId === undefined) return { items: [] };
      const rows = await loadAll((cursor) =>
        ctx.tx.conductReports.list({
          where: {
            schoolId,
            status: input.status ?? "open",
            ...(input.teacherId === undefined ? {} : { teacherId: input.teacherId }),
            ...(input.ruleId === undefined ? {} : { ruleId: input.ruleId }),
          },
          cursor,
          limit: 1000,
        }),
      );
      const after = input.cursor === undefined ? undefined : decodeCursor(input.cursor);
      const visible = rows.filter((r) => after === undefined || r.record.id > after);
      const page = visible.slice(0, input.limit);
      ctx.auditDetail("count", page.length);
      const items = page.map((r) => ({ report: r.record, version: r.version }));
      const last = page.at(-1);
      return visible.length > input.limit && last ? { items, nextCursor: encodeCursor(last.record.id) } : { items };
    },
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
  resolve: defineUseCase({
    action: "conduct.resolve",
    entity: "conductReports",
    description: { "zh-CN": "处理违反“六个不得”的报告", en: "Review a conduct report" },
    input: z.strictObject({
      reportId: z.string().min(1).max(140),
      resolution: withSensitivity(z.string().trim().min(1).max(2000), "sensitive"),
      expectedVersion: expectedVersionSchema,
    }),
    output: z.strictObject({ report: storedConductReportSchema, version: z.int() }),
    targetKind: "record",
    http: { method: "POST", path: "/conduct-reports/{reportId}/review" },
    async resolveTarget(ctx, input) {
      const stored = await ctx.tx.conductReports.get(input.reportId);
      if (!stored) return undefined;
      return {
        policy: tenantPolicy(stored.tenant),
        entity: "conductReports",
        entityId: stored.record.visitId,
        data: stored,
      };
    },
    async run(ctx, input) {
      checkVersion(ctx.target.data, input.expectedVersion);
      const before = ctx.target.data.record;
      if (before.status === "reviewed") throw new HomevisitError("conflict", { params: { entity: "conduct report" } });
      const stored = await ctx.tx.conductReports.update(
        before.id,
        { ...before, status: "reviewed", reviewedBy: ctx.actor.id, reviewedAt: ctx.now, resolution: input.resolution },
        { expectedVersion: input.expectedVersion },
      );
      ctx.recordChange({ entity: "conductReports", before, after: stored.record });
      ctx.emit("conduct.reviewed", { visitId: before.visitId, teacherId: before.teacherId, ruleId: before.ruleId });
      return { report: stored.record, version: stored.version };
    },
  }),
};
