import * as z from "zod";
import { HomevisitError } from "../../shared/errors/homevisit-error.js";
import { idSchema, shortTextSchema } from "../../shared/primitives.js";
import { withSensitivity } from "../../shared/sensitivity.js";
import { decodeCursor, encodeCursor } from "../../ports/paging.js";
import { tenantPolicy } from "../targets.js";
import { defineUseCase } from "../use-case.js";
import { loadAll } from "../util.js";
import { feedbackItemSchema, feedbackStatuses } from "../../domain/workflow-records.js";
import { checkVersion, expectedVersionSchema, ownSchoolTarget, pageInput } from "./shared.js";

/**
 * The feedback area (R17): parents' opinions and suggestions, raised as feedback items when a
 * visit record is submitted, analysed by the school and marked rectified when fixed.
 */

const order = { open: 0, analysed: 1, rectified: 2 } as const;

/** The feedback area's use cases. */
export const feedbackUseCases = {
  /**
   * The school's feedback items, by status (default all), ordered by id; principals and school
   * admins. Topics let the school see common problems (R17).
   *
   * @example
   * ```ts
   * await engine.feedback.list(principal, { status: "open" });
   * // { items: [{ item: { kind: "suggestion", text: "…", status: "open", … }, version: 1 }] }
   * ```
   */
  list: defineUseCase({
    action: "feedback.read",
    entity: "feedbackItems",
    description: { "zh-CN": "查看家长意见", en: "List parents' feedback" },
    input: z.strictObject({ status: z.enum(feedbackStatuses).optional(), ...pageInput }),
    output: z.strictObject({
      items: z.array(z.strictObject({ item: feedbackItemSchema, version: z.int() })),
      nextCursor: z.string().optional(),
    }),
    targetKind: "collection",
    http: { method: "GET", path: "/feedback" },
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

  /**
   * Moves a feedback item on: open → analysed (with the analysis and a topic) → rectified (with
   * what was done). Never backwards (`feedback_transition_invalid`). Emits `feedback.updated`.
   *
   * @example
   * ```ts
   * await engine.feedback.update(principal, { feedbackId: "fb-1", to: "analysed", analysis: "多位家长反映作业量大", topic: "作业量", expectedVersion: 1 });
   * // { item: { status: "analysed", topic: "作业量", … }, version: 2 }
   * ```
   */
  update: defineUseCase({
    action: "feedback.write",
    entity: "feedbackItems",
    description: { "zh-CN": "分析或整改家长意见", en: "Analyse or rectify feedback" },
    input: z.strictObject({
      feedbackId: idSchema,
      to: z.enum(["analysed", "rectified"]),
      analysis: withSensitivity(z.string().trim().min(1).max(2000).optional(), "sensitive"),
      rectification: withSensitivity(z.string().trim().min(1).max(2000).optional(), "sensitive"),
      topic: shortTextSchema.optional(),
      expectedVersion: expectedVersionSchema,
    }),
    output: z.strictObject({ item: feedbackItemSchema, version: z.int() }),
    targetKind: "record",
    http: { method: "POST", path: "/feedback/{feedbackId}" },
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
