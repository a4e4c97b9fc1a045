import * as z from "zod";
import { termSchema } from "../../../domain/planning.js";
import { personalisedPlanSchema } from "../../../domain/visit-plan/derive.js";
import { termPlanSchema, termPlanStatusSchema } from "../../../domain/workflow-records.js";
import { assignmentOptionsSchema } from "../../../planning/assignment.js";
import { scheduleOptionsSchema } from "../../../planning/schedule.js";
import { addCatalogIssue } from "../../../shared/errors/parse.js";
import { withLabel, withOwnLabel } from "../../../shared/field-labels.js";
import { idSchema, isoDateSchema, termIdSchema } from "../../../shared/primitives.js";
import { defineContract } from "../../contract.js";
import { expectedVersionSchema, pageInput } from "../contract-kit.js";
import { planQualityReportSchema, planSummarySchema } from "./schemas.js";

/**
 * The plans area (R2, R6): generate a term plan (obligations → assignment → schedule, busy slots
 * from the host's timetable port), review it, commit it (proposed appointments and mentorships
 * in one transaction), and move a leaving teacher's caseload.
 */

/** Every answer holding a plan: a page of its visits, the whole plan's summary, the next page's cursor. */
const planOutput = z.strictObject({
  plan: termPlanSchema,
  summary: planSummarySchema,
  version: z.int(),
  nextCursor: z.string().optional(),
});

/** The first page's size of an answer that holds a plan (`plans.get` pages on with its cursor). */
const firstPage = { limit: pageInput.limit };

const pagedAnswer = {
  "zh-CN":
    "应答只含计划的第一页任务（limit 条，默认 50）与全计划的摘要；其余用 GET /plans/{planId} 与 nextCursor 分页读取",
  en: "The answer holds the plan's first page of obligations (limit, default 50) and the whole plan's summary; read the rest with GET /plans/{planId} and nextCursor",
};

const teacherPart = {
  "zh-CN": "校长与学校管理员看到全校计划；教师只看到本人主访或陪访的任务、时段与所带学生",
  en: "Principals and school admins see the whole school's plan; a teacher sees only the visits they lead or accompany and their mentees",
};

/** The plans area's contracts: generate, list, read (paged), measure, commit and reassign a term plan; a visit's personalised plan. */
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
   * // { plan: { status: "draft", obligations: [/* first 50 *\/], slots: [...], quality: { coverage: 1, ok: true, … } }, summary: { counts: { obligations: 612, … }, … }, version: 1, nextCursor: "…" }
   * ```
   */
  generate: defineContract({
    action: "plans.generate",
    entity: "termPlans",
    description: { "zh-CN": "生成学期家访计划", en: "Generate a term plan" },
    input: z
      .strictObject({
        term: termSchema,
        /**
         * The first day visits may be placed on. Default: the day after today, or the term's first
         * day when that is later. A plan made after the term began places nothing on a day gone;
         * a visit whose window has ended is placed at the first free day, marked `overdue`.
         */
        scheduleFrom: withLabel(isoDateSchema.optional(), { "zh-CN": "排期起始日", en: "Schedule from" }),
        assignment: withLabel(assignmentOptionsSchema.optional(), { "zh-CN": "分配选项", en: "Assignment options" }),
        schedule: withLabel(scheduleOptionsSchema.optional(), { "zh-CN": "排期选项", en: "Scheduling options" }),
        ...firstPage,
      })
      .superRefine((input, ctx) => {
        const from = input.scheduleFrom;
        if (from !== undefined && (from < input.term.start || from > input.term.end))
          addCatalogIssue(ctx, "plan_start_outside_term", {}, ["scheduleFrom"]);
      }),
    output: planOutput,
    targetKind: "collection",
    idempotent: true,
    errors: ["schedule_busy_slot_invalid"],
    preconditions: [
      {
        "zh-CN":
          "学期开始后生成的计划从次日（或 scheduleFrom）起排期，不安排已过去的日子；窗口已过的家访仍须完成，排在最早的空闲日并标记 overdue",
        en: "A plan made after the term began is scheduled from the next day (or scheduleFrom), never on a day gone; a visit whose window has ended is still owed, placed at the first free day and marked overdue",
      },
      {
        "zh-CN":
          "本学期尚未结束的预约（已确认计划的与临时预约）视为已约定：对应任务沿用该预约（slot.appointmentId），不再重复安排，并占用教师的时间与次数上限",
        en: "The term's open appointments (a committed plan's and ad-hoc ones) count as arranged: the obligation each serves keeps it (slot.appointmentId) and is not placed again, and they hold their teachers' time and caps",
      },
      {
        "zh-CN": "计划依据库中本校的教师、班级、在读学生与重点类别生成；确认（commit）之前不改变任何数据",
        en: "The plan is made from the school's stored teachers, classes, enrolled students and categories; nothing changes until it is committed",
      },
      {
        "zh-CN": "宿主课表端口返回的忙碌时段须有效（结束晚于开始），否则 422 schedule_busy_slot_invalid",
        en: "The host's timetable port must return valid busy slots (end after start), else 422 schedule_busy_slot_invalid",
      },
      pagedAnswer,
    ],
    http: { method: "POST", path: "/plans" },
  }),

  /**
   * A term plan, a page of its visits at a time: the plan's fields and its summary (counts of
   * the whole plan as the caller sees it) on every page, and the obligations of the page in the plan's
   * order with their assignments, slots, gaps and appointment ids; `nextCursor` continues.
   * Principals and school admins see the whole plan; a teacher only their own assignments,
   * slots and mentees (the rest of the school's plan is not theirs to read).
   *
   * @example
   * ```ts
   * await engine.plans.get(principal, { planId: "plan-1", limit: 100 });
   * // { plan: { obligations: [/* 100 *\/], slots: [/* theirs *\/], … }, summary: { counts: { obligations: 612, … }, … }, version: 2, nextCursor: "…" }
   * ```
   */
  get: defineContract({
    action: "plans.read",
    entity: "termPlans",
    description: { "zh-CN": "查看学期家访计划（分页）", en: "Read a term plan (paged)" },
    input: z.strictObject({ planId: idSchema, ...pageInput }),
    output: planOutput,
    targetKind: "record",
    errors: ["storage_invalid_cursor"],
    preconditions: [
      teacherPart,
      {
        "zh-CN": "按任务（obligation）分页：每页含这些任务及其分派、时段、未能安排项与预约编号；用 nextCursor 取下一页",
        en: "Paged by obligation: each page holds those obligations with their assignments, slots, gaps and appointment ids; pass nextCursor for the next page",
      },
    ],
    http: { method: "GET", path: "/plans/{planId}" },
  }),

  /**
   * The actor's school's term plans, newest term first (then the latest generated first), as
   * summaries with counts; filter by term and status. Every role that may read plans may list
   * them; a teacher's counts are of their own part.
   *
   * @example
   * ```ts
   * await engine.plans.list(principal, { termId: "2026-2027-1" });
   * // { items: [{ id: "plan-2", status: "committed", planNumber: 1, counts: { obligations: 612, … }, … }] }
   * ```
   */
  list: defineContract({
    action: "plans.read",
    entity: "termPlans",
    description: { "zh-CN": "列出本校学期家访计划", en: "List the school's term plans" },
    input: z.strictObject({
      termId: termIdSchema.optional(),
      status: withLabel(termPlanStatusSchema.optional(), {
        "zh-CN": "计划状态",
        en: "Plan status",
      }),
      ...pageInput,
    }),
    output: z.strictObject({ items: z.array(planSummarySchema), nextCursor: z.string().optional() }),
    targetKind: "collection",
    errors: ["storage_invalid_cursor"],
    preconditions: [teacherPart],
    http: { method: "GET", path: "/plans" },
  }),

  /**
   * A plan's quality figures (issue 15), computed from the stored plan and today's roster:
   * coverage, the share placed by kind of visit, crisis visits placed within their deadline or
   * escalated, idle teachers, the load spread (busiest over median), slots on provisional
   * calendar days and outside the family's stated hours, and every unplaced item with the
   * scheduler's reason and what the principal can do about it.
   *
   * @example
   * ```ts
   * await engine.plans.quality(principal, { planId: "plan-1" });
   * // { placement: { inHome: { due: 600, placed: 598, share: 0.997 }, crisis: { due: 3, withinDeadline: 3, escalated: 0 },
   * //   unplaced: [{ code: "schedule_family_unavailable", action: { en: "Phone the family (R12) …" }, … }], … }, loadSpread: { ratio: 1.6, … }, … }
   * ```
   */
  quality: defineContract({
    action: "plans.read",
    entity: "termPlans",
    description: { "zh-CN": "查看学期家访计划的质量指标", en: "Read a term plan's quality figures" },
    input: z.strictObject({ planId: idSchema }),
    output: planQualityReportSchema,
    targetKind: "record",
    preconditions: [
      {
        "zh-CN": "全校指标：仅校长与学校管理员；能看到计划的教师得到 403 forbidden",
        en: "Whole-school figures: principals and school admins only; a teacher who may see the plan gets 403 forbidden",
      },
      {
        "zh-CN": "负荷按默认权重计算；教师名单与学生为当前花名册",
        en: "Loads use the default weights; teachers and students are today's roster",
      },
    ],
    http: { method: "GET", path: "/plans/{planId}/quality" },
  }),

  /**
   * The personalised plan for a visit to a student (个性化家访方案, R7): goals, talking points,
   * what to prepare and cautions from the student's categories on `date` (default today), new-
   * student status, age, living situation, mentor and earlier visits, with the school's visit-
   * plan table (the default table). It names the student's categories, so it is read like a
   * student's full record: the same reach, a stated purpose, audited.
   *
   * @example
   * ```ts
   * await engine.plans.visitPlan(teacher, { studentId: "stu-1", date: "2026-10-15" }, { purpose: "家访准备" });
   * // { plan: { triggers: [{ key: "economic_hardship", … }], goals: [...], mentorNeeded: true, … } }
   * ```
   */
  visitPlan: defineContract({
    action: "students.read",
    entity: "students",
    description: { "zh-CN": "个性化家访方案", en: "Personalised visit plan" },
    input: z.strictObject({
      studentId: idSchema,
      date: withLabel(isoDateSchema.optional(), { "zh-CN": "日期", en: "Date" }),
    }),
    output: z.strictObject({ plan: personalisedPlanSchema }),
    targetKind: "record",
    preconditions: [
      {
        "zh-CN": "方案会显示学生的重点类别：与查看学生完整信息相同的范围，须说明用途（Homevisit-Purpose），并记入审计",
        en: "The plan shows the student's categories: the same reach as a student's full record, a stated purpose (Homevisit-Purpose), audited",
      },
    ],
    http: { method: "GET", path: "/students/{studentId}/visit-plan" },
  }),

  /**
   * Commits a draft plan in one transaction: a proposed appointment per scheduled slot (the
   * family is phoned next, R12), the new mentor appointments, the term's previous committed
   * plan marked superseded, the plan marked committed. A student has one mentor at a time: a new
   * mentor begins on the plan's first day (or today, for a draft committed later), the mentor
   * they replace ends the day before, and the student's open contacts from then on pass to the
   * new mentor (as the plan already showed them). A failure at any step leaves the store as it
   * was. Emits `plan.committed`, `mentorship.assigned` per new mentorship, `mentorship.ended` per
   * mentorship it ends, and `appointments.arranged` per part of at most 500 of the new
   * appointments' ids.
   *
   * @example
   * ```ts
   * await engine.plans.commit(principal, { planId: "plan-1", expectedVersion: 1 });
   * // { plan: { status: "committed", appointmentIds: ["…", …], … }, summary: { counts: { appointments: 1180, … }, … }, version: 2, nextCursor: "…" }
   * ```
   */
  commit: defineContract({
    action: "plans.commit",
    entity: "termPlans",
    description: { "zh-CN": "确认学期家访计划", en: "Commit a term plan" },
    input: z.strictObject({ planId: idSchema, expectedVersion: expectedVersionSchema }),
    output: planOutput,
    targetKind: "record",
    errors: ["plan_not_draft"],
    preconditions: [
      {
        "zh-CN": "只能确认草稿计划（否则 409 plan_not_draft）；expectedVersion 须为读到的版本",
        en: "Only a draft plan can be committed (else 409 plan_not_draft); expectedVersion must be the version read",
      },
      pagedAnswer,
    ],
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
    input: z.strictObject({
      termId: termIdSchema,
      teacherId: idSchema,
      leftOn: withOwnLabel(isoDateSchema, { "zh-CN": "离开日期", en: "Left on" }),
    }),
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
    errors: ["plan_not_committed", "assignment_teacher_not_found"],
    preconditions: [
      {
        "zh-CN":
          "该学期须有已确认的计划（否则 409 plan_not_committed）；离岗教师须在本校名单中（否则 404 assignment_teacher_not_found）",
        en: "The term needs a committed plan (else 409 plan_not_committed); the leaving teacher must be on the school's roster (else 404 assignment_teacher_not_found)",
      },
    ],
    http: { method: "POST", path: "/plans/reassign" },
  }),
};
