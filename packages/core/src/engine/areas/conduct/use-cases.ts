import { decodeCursor, encodeCursor } from "../../../ports/paging.js";
import { HomevisitError } from "../../../shared/errors/homevisit-error.js";
import { tenantPolicy } from "../../targets.js";
import { implementUseCase } from "../../use-case.js";
import { loadAll } from "../../util.js";
import { checkVersion, ownSchoolTarget } from "../area-kit.js";
import { conductContracts } from "./contract.js";

/**
 * The conduct area (R10 六个不得): the exception reports that submitted visit records declared,
 * for the principal and school admins to read (always audited) and review.
 */
export const conductUseCases = {
  list: implementUseCase(conductContracts.list, {
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

  resolve: implementUseCase(conductContracts.resolve, {
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
