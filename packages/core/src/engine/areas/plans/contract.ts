import * as z from "zod";
import { termSchema } from "../../../domain/planning.js";
import { termPlanSchema } from "../../../domain/workflow-records.js";
import { assignmentOptionsSchema } from "../../../planning/assignment.js";
import { scheduleOptionsSchema } from "../../../planning/schedule.js";
import { idSchema, isoDateSchema, termIdSchema } from "../../../shared/primitives.js";
import { defineContract } from "../../contract.js";
import { expectedVersionSchema } from "../contract-kit.js";

/**
 * The plans area (R2, R6): generate a term plan (obligations → assignment → schedule, busy slots
 * from the host's timetable port), review it, commit it (proposed appointments and mentorships
 * in one transaction), and move a leaving teacher's caseload.
 */

const planOutput = z.strictObject({ plan: termPlanSchema, version: z.int() });

/** The plans area's contracts: generate, read, commit and reassign a term plan. */
export const planContracts = {
  /**
   * Generates a term plan for the actor's school as a draft: obligations from the roster,
   * the categories in force (plugins' included) and the rules (defaults, then each plugin's
   * overrides and custom rules, in plugin order), visitors
   * assigned, visits scheduled around the timetable's busy slots, and the quality report
   * (coverage, zero-visit teachers, load imbalance, continuity). Nothing else changes until
   * `plans.commit`. Emits `plan.generated`.
   *
   * @example
   * ```ts
   * await engine.plans.generate(principal, { term: { id: "2026-2027-1", schoolYear: 2026, index: 1, start: "2026-09-01", end: "2026-12-31" } });
   * // { plan: { status: "draft", assignments: [...], slots: [...], unscheduled: [], quality: { coverage: 1, ok: true, … } }, version: 1 }
   * ```
   */
  generate: defineContract({
    action: "plans.generate",
    entity: "termPlans",
    description: { "zh-CN": "生成学期家访计划", en: "Generate a term plan" },
    input: z.strictObject({
      term: termSchema,
      assignment: assignmentOptionsSchema.optional(),
      schedule: scheduleOptionsSchema.optional(),
    }),
    output: planOutput,
    targetKind: "collection",
    idempotent: true,
    http: { method: "POST", path: "/plans" },
  }),

  /**
   * A term plan. Principals and school admins see it whole; a teacher sees only their own
   * assignments, slots and mentees (the rest of the school's plan is not theirs to read).
   *
   * @example
   * ```ts
   * await engine.plans.get(teacher, { planId: "plan-1" });
   * // { plan: { assignments: [/* only this teacher's *\/], … }, version: 2 }
   * ```
   */
  get: defineContract({
    action: "plans.read",
    entity: "termPlans",
    description: { "zh-CN": "查看学期家访计划", en: "Read a term plan" },
    input: z.strictObject({ planId: idSchema }),
    output: planOutput,
    targetKind: "record",
    http: { method: "GET", path: "/plans/{planId}" },
  }),

  /**
   * Commits a draft plan in one transaction: a proposed appointment per scheduled slot (the
   * family is phoned next, R12), the new mentor appointments, the term's previous committed
   * plan marked superseded, the plan marked committed. A failure at any step leaves the store
   * as it was. Emits `plan.committed` and `mentorship.assigned` per new mentorship.
   *
   * @example
   * ```ts
   * await engine.plans.commit(principal, { planId: "plan-1", expectedVersion: 1 });
   * // { plan: { status: "committed", appointmentIds: ["…", …], … }, version: 2 }
   * ```
   */
  commit: defineContract({
    action: "plans.commit",
    entity: "termPlans",
    description: { "zh-CN": "确认学期家访计划", en: "Commit a term plan" },
    input: z.strictObject({ planId: idSchema, expectedVersion: expectedVersionSchema }),
    output: planOutput,
    targetKind: "record",
    http: { method: "POST", path: "/plans/{planId}/commit" },
  }),

  /**
   * Moves a leaving teacher's caseload in the term's committed plan: open obligations go to
   * colleagues (continuity, class, load), their open appointments follow the new lead (or drop
   * the companion), their mentorships end on `leftOn` and the new mentors' begin the day after.
   * Completed visits stay where they are. Answers what moved. Emits `caseload.reassigned`.
   *
   * @example
   * ```ts
   * await engine.plans.reassign(principal, { termId: "2026-2027-1", teacherId: "t-2", leftOn: "2026-11-15" });
   * // { moved: [{ obligationId: "…", studentId: "stu-4", role: "lead", from: "t-2", to: "t-1", reason: { … } }], appointmentsMoved: 3, version: 3 }
   * ```
   */
  reassign: defineContract({
    action: "plans.reassign",
    entity: "termPlans",
    description: { "zh-CN": "调整离岗教师的家访任务", en: "Reassign a leaving teacher's caseload" },
    input: z.strictObject({ termId: termIdSchema, teacherId: idSchema, leftOn: isoDateSchema }),
    output: z.strictObject({
      planId: idSchema,
      version: z.int(),
      moved: z.array(
        z.strictObject({
          obligationId: z.string().optional(),
          studentId: idSchema,
          role: z.enum(["lead", "companion", "mentor"]),
          from: idSchema,
          to: idSchema.optional(),
          reason: z.strictObject({ "zh-CN": z.string(), en: z.string() }),
        }),
      ),
      appointmentsMoved: z.int(),
    }),
    targetKind: "collection",
    http: { method: "POST", path: "/plans/reassign" },
  }),
};
