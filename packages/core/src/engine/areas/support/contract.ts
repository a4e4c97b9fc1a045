import * as z from "zod";
import { followUpStatusSchema } from "../../../domain/visit-record.js";
import { visitTopicLabels } from "../../../domain/visit-sections.js";
import { supportMeasures, supportPlanSchema } from "../../../domain/workflow-records.js";
import { withLabel, withOptionLabels, withOwnLabel } from "../../../shared/field-labels.js";
import { idSchema, isoDateSchema } from "../../../shared/primitives.js";
import { withSensitivity } from "../../../shared/sensitivity.js";
import { defineContract } from "../../contract.js";
import { expectedVersionSchema } from "../contract-kit.js";

/**
 * The support area (R4 task 5): a support plan (帮扶计划) for a priority student — the mentor,
 * goals and measures (help, psychological counselling, learning tutoring, financial aid) — and
 * its follow-up actions with owner, due date and status (R2 全程跟踪).
 */

const goalsSchema = withLabel(withSensitivity(z.array(z.string().trim().min(1).max(500)).min(1).max(20), "sensitive"), {
  "zh-CN": "帮扶目标",
  en: "Goals",
});
const measuresSchema = withLabel(
  withSensitivity(
    z
      .array(withOptionLabels(z.enum(supportMeasures), visitTopicLabels))
      .min(1)
      .max(supportMeasures.length),
    "sensitive",
  ),
  { "zh-CN": "帮扶措施", en: "Measures" },
);
const planOutput = z.strictObject({ plan: supportPlanSchema, version: z.int() });

/** The support area's use cases. */
export const supportContracts = {
  /**
   * Opens a support plan for a student: the mentor (default the actor), goals and measures.
   * Mentors of the student, the class teacher and school leaders may; behind the consent gate.
   * Emits `support.planned`.
   *
   * @example
   * ```ts
   * await engine.support.create(mentor, { studentId: "stu-4", goals: ["每周一次学业辅导"], measures: ["learning_tutoring"] });
   * // { plan: { id: "…", status: "active", mentorId: "t-2", followUps: [], … }, version: 1 }
   * ```
   */
  create: defineContract({
    action: "support.write",
    entity: "supportPlans",
    description: { "zh-CN": "制定帮扶计划", en: "Open a support plan" },
    input: z.strictObject({
      studentId: idSchema,
      mentorId: idSchema.optional(),
      goals: goalsSchema,
      measures: measuresSchema,
    }),
    output: planOutput,
    targetKind: "record",
    idempotent: true,
    errors: ["consent_required", "consent_withdrawn"],
    preconditions: [
      {
        "zh-CN":
          "未满 14 周岁（宿主可配置）的学生须先有监护人同意记录，否则 403 consent_required；同意已撤回则 409 consent_withdrawn",
        en: "A child under 14 (the host may change the age) needs a guardian consent on record first, else 403 consent_required; after a withdrawal, 409 consent_withdrawn",
      },
    ],
    http: { method: "POST", path: "/students/{studentId}/support-plans" },
  }),

  /**
   * A support plan in full: needs a stated purpose; audited.
   *
   * @example
   * ```ts
   * await engine.support.get(mentor, { supportPlanId: "sp-1" }, { purpose: "本周帮扶" });
   * ```
   */
  get: defineContract({
    action: "support.read",
    entity: "supportPlans",
    description: { "zh-CN": "查看帮扶计划", en: "Read a support plan" },
    input: z.strictObject({ supportPlanId: idSchema }),
    output: planOutput,
    targetKind: "record",
    http: { method: "GET", path: "/support-plans/{supportPlanId}" },
  }),

  /**
   * Adds a follow-up action (owner, due date) to a plan, or updates one's status (`done` stamps
   * `doneOn`, default today). Closing the plan: `close: true`.
   *
   * @example
   * ```ts
   * await engine.support.followUp(mentor, { supportPlanId: "sp-1", expectedVersion: 1,
   *   add: { action: "联系心理老师", ownerId: "t-2", dueOn: "2026-10-20" } });
   * // { plan: { followUps: [{ id: "…", status: "open", dueOn: "2026-10-20", … }], … }, version: 2 }
   * ```
   */
  followUp: defineContract({
    action: "support.write",
    entity: "supportPlans",
    description: { "zh-CN": "维护帮扶跟进事项", en: "Add or update a follow-up" },
    input: z.strictObject({
      supportPlanId: idSchema,
      expectedVersion: expectedVersionSchema,
      add: withLabel(
        z
          .strictObject({
            action: withLabel(withSensitivity(z.string().trim().min(1).max(500), "sensitive"), {
              "zh-CN": "跟进事项",
              en: "Action",
            }),
            ownerId: idSchema,
            dueOn: withOwnLabel(isoDateSchema, { "zh-CN": "完成期限", en: "Due date" }),
          })
          .optional(),
        { "zh-CN": "新增跟进事项", en: "New follow-up" },
      ),
      update: withLabel(
        z
          .strictObject({
            followUpId: idSchema,
            to: withOwnLabel(followUpStatusSchema, { "zh-CN": "新状态", en: "New status" }),
            doneOn: withLabel(isoDateSchema.optional(), { "zh-CN": "完成日期", en: "Date done" }),
          })
          .optional(),
        { "zh-CN": "更新跟进事项", en: "Follow-up update" },
      ),
      close: withLabel(z.boolean().optional(), { "zh-CN": "结束帮扶", en: "Close the plan" }),
    }),
    output: planOutput,
    targetKind: "record",
    errors: ["follow_up_not_found", "consent_required", "consent_withdrawn"],
    preconditions: [
      {
        "zh-CN":
          "未满 14 周岁（宿主可配置）的学生须先有监护人同意记录，否则 403 consent_required；同意已撤回则 409 consent_withdrawn",
        en: "A child under 14 (the host may change the age) needs a guardian consent on record first, else 403 consent_required; after a withdrawal, 409 consent_withdrawn",
      },
    ],
    http: { method: "POST", path: "/support-plans/{supportPlanId}/follow-ups" },
  }),

  /**
   * Raises `followup.due` once for every open follow-up of the school's active support plans
   * that is due today or earlier; later scans list it again without raising.
   *
   * @example
   * ```ts
   * await engine.support.dueFollowUps(principal, {});
   * // { items: [{ supportPlanId: "sp-1", followUpId: "f-1", ownerId: "t-2", dueOn: "2026-10-20", raisedNow: true }] }
   * ```
   */
  dueFollowUps: defineContract({
    action: "support.write",
    entity: "supportPlans",
    description: { "zh-CN": "提醒到期的帮扶跟进事项", en: "Raise due follow-ups" },
    input: z.strictObject({}),
    output: z.strictObject({
      items: z.array(
        z.strictObject({
          supportPlanId: idSchema,
          followUpId: idSchema,
          ownerId: idSchema,
          dueOn: isoDateSchema,
          raisedNow: z.boolean(),
        }),
      ),
    }),
    targetKind: "collection",
    http: { method: "POST", path: "/support-plans/due-scan" },
  }),
};
