import { decodeCursor, encodeCursor } from "../../../ports/paging.js";
import { HomevisitError } from "../../../shared/errors/homevisit-error.js";
import { tenantPolicy } from "../../targets.js";
import { implementUseCase } from "../../use-case.js";
import { loadAll } from "../../util.js";
import { checkVersion, ownSchoolTarget } from "../area-kit.js";
import { feedbackContracts } from "./contract.js";

/**
 * The feedback area (R17): parents' opinions and suggestions, raised as feedback items when a
 * visit record is submitted, analysed by the school and marked rectified when fixed.
 */

const order = { open: 0, analysed: 1, rectified: 2 } as const;

/** The feedback area's use cases. */
export const feedbackUseCases = {
  list: implementUseCase(feedbackContracts.list, {
    resolveTarget: (ctx) => ownSchoolTarget(ctx, "feedbackItems"),
    async run(ctx, input) {
      const schoolId = ctx.target.data.schoolId;
      if (schoolId === undefined) return { items: [] };
      const rows = await loadAll((cursor) =>
        ctx.tx.feedbackItems.list({
          where: { schoolId, ...(input.status === undefined ? {} : { status: input.status }) },
          cursor,
          limit: 1000,
        }),
      );
      const after = input.cursor === undefined ? undefined : decodeCursor(input.cursor);
      const visible = rows.filter((r) => after === undefined || r.record.id > after);
      const page = visible.slice(0, input.limit);
      const items = page.map((r) => ({ item: r.record, version: r.version }));
      const last = page.at(-1);
      return visible.length > input.limit && last ? { items, nextCursor: encodeCursor(last.record.id) } : { items };
    },
  }),

  update: implementUseCase(feedbackContracts.update, {
    async resolveTarget(ctx, input) {
      const stored = await ctx.tx.feedbackItems.get(input.feedbackId);
      if (!stored) return undefined;
      // School-level work (R17): the matrix's school reach decides; teachers reach none here.
      return { policy: tenantPolicy(stored.tenant), entity: "feedbackItems", entityId: stored.record.id, data: stored };
    },
    async run(ctx, input) {
      checkVersion(ctx.target.data, input.expectedVersion);
      const before = ctx.target.data.record;
      if (order[input.to] <= order[before.status]) {
        throw new HomevisitError("feedback_transition_invalid", { params: { from: before.status, to: input.to } });
      }
      const stored = await ctx.tx.feedbackItems.update(
        before.id,
        {
          ...before,
          status: input.to,
          ...(input.analysis === undefined ? {} : { analysis: input.analysis }),
          ...(input.rectification === undefined ? {} : { rectification: input.rectification }),
          ...(input.topic === undefined ? {} : { topic: input.topic }),
          updatedAt: ctx.now,
        },
        { expectedVersion: input.expectedVersion },
      );
      ctx.recordChange({ entity: "feedbackItems", before, after: stored.record });
      ctx.emit("feedback.updated", { feedbackId: before.id, status: input.to });
      return { item: stored.record, version: stored.version };
    },
  }),
};
