import * as z from "zod";
import { feedbackItemSchema, feedbackStatusLabels, feedbackStatusSchema } from "../../../domain/workflow-records.js";
import { withLabel, withOptionLabels } from "../../../shared/field-labels.js";
import { idSchema, shortTextSchema } from "../../../shared/primitives.js";
import { withSensitivity } from "../../../shared/sensitivity.js";
import { defineContract } from "../../contract.js";
import { expectedVersionSchema, pageInput } from "../contract-kit.js";

/** The feedback area's use cases. */
export const feedbackContracts = {
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
  list: defineContract({
    action: "feedback.read",
    entity: "feedbackItems",
    description: { "zh-CN": "查看家长意见", en: "List parents' feedback" },
    input: z.strictObject({
      status: withLabel(feedbackStatusSchema.optional(), {
        "zh-CN": "处理状态",
        en: "Status",
      }),
      ...pageInput,
    }),
    output: z.strictObject({
      items: z.array(z.strictObject({ item: feedbackItemSchema, version: z.int() })),
      nextCursor: z.string().optional(),
    }),
    targetKind: "collection",
    http: { method: "GET", path: "/feedback" },
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
  update: defineContract({
    action: "feedback.write",
    entity: "feedbackItems",
    description: { "zh-CN": "分析或整改家长意见", en: "Analyse or rectify feedback" },
    input: z.strictObject({
      feedbackId: idSchema,
      to: withLabel(withOptionLabels(z.enum(["analysed", "rectified"]), feedbackStatusLabels), {
        "zh-CN": "处理进展",
        en: "Next step",
      }),
      analysis: withLabel(withSensitivity(z.string().trim().min(1).max(2000).optional(), "sensitive"), {
        "zh-CN": "原因分析",
        en: "Analysis",
      }),
      rectification: withLabel(withSensitivity(z.string().trim().min(1).max(2000).optional(), "sensitive"), {
        "zh-CN": "整改措施",
        en: "Rectification",
      }),
      topic: withLabel(shortTextSchema.optional(), { "zh-CN": "主题", en: "Topic" }),
      expectedVersion: expectedVersionSchema,
    }),
    output: z.strictObject({ item: feedbackItemSchema, version: z.int() }),
    targetKind: "record",
    errors: ["feedback_transition_invalid"],
    http: { method: "POST", path: "/feedback/{feedbackId}" },
  }),
};
