import * as z from "zod";
import { termSchema, visitKindSchema } from "../../../domain/planning.js";
import { termPlanStatuses } from "../../../domain/workflow-records.js";
import { idSchema, instantSchema, isoDateSchema, termIdSchema } from "../../../shared/primitives.js";
import { defineContract } from "../../contract.js";
import { roleSchema } from "../../policy/actor.js";
import { pageInput } from "../contract-kit.js";

/**
 * The "me" area: what a vendor's app needs to start from without guessing ids — the caller as
 * the host resolved them, their school's terms (with the plans of each), and their own
 * obligations in a term.
 */

/** The caller as the host resolved them (`getActor`), with what the school knows of them. */
export const meSchema = z
  .strictObject({
    id: idSchema,
    roles: z.array(roleSchema),
    cityId: idSchema,
    countyId: idSchema.optional(),
    schoolId: idSchema.optional(),
    /** The caller's name on the school roster, when they are on it. */
    name: z.string().optional(),
    school: z.strictObject({ id: idSchema, name: z.string() }).optional(),
    /** Classes the caller leads as class teacher (班主任). */
    classes: z.array(z.strictObject({ id: idSchema, name: z.string(), grade: z.int(), schoolYear: z.int() })),
    /** Students the caller mentors (德育导师) today: ids only, the student's read needs a purpose. */
    mentees: z.array(
      z.strictObject({
        mentorshipId: idSchema,
        studentId: idSchema,
        since: isoDateSchema,
        until: isoDateSchema.optional(),
      }),
    ),
  })
  .meta({ id: "Me", description: "The caller as the host resolved them" });

/** A term of the caller's school, with the plans made for it. */
export const schoolTermSchema = z
  .strictObject({
    term: termSchema,
    /** Whether today falls in the term. */
    current: z.boolean(),
    /**
     * Where the dates come from: `plan`, the term a plan was generated for (the school's own
     * dates); `calendar`, the national calendar's default for a term not planned yet.
     */
    source: z.enum(["plan", "calendar"]),
    plans: z.array(
      z.strictObject({
        id: idSchema,
        status: z.enum(termPlanStatuses),
        planNumber: z.int(),
        generatedAt: instantSchema,
        committedAt: instantSchema.optional(),
      }),
    ),
  })
  .meta({ id: "SchoolTerm", description: "A term of the caller's school and the plans made for it" });

/** One visit the caller carries in a term's plan, as lead or companion. */
export const myObligationSchema = z
  .strictObject({
    obligationId: z.string(),
    studentId: idSchema,
    kind: visitKindSchema,
    role: z.enum(["lead", "companion"]),
    /** The days the visit is due in. */
    window: z.strictObject({ from: isoDateSchema, to: isoDateSchema }),
    /** The scheduled slots (a recurring contact has several), local date and times. */
    slots: z.array(z.strictObject({ date: isoDateSchema, start: z.string(), end: z.string() })),
  })
  .meta({ id: "MyObligation", description: "A visit the caller carries in a term's plan" });

/** The "me" area's contracts. */
export const meContracts = {
  /**
   * The caller as the host resolved them: id, roles, tenant keys, their name on the roster, the
   * classes they lead and their mentees. Every role may call it; nothing of another person.
   *
   * @example
   * ```ts
   * await engine.me.get(classTeacher, {});
   * // { id: "t-c1", roles: ["teacher", "class_teacher"], schoolId: "sch-1", classes: [{ id: "cls-1", name: "9(1)班", … }], mentees: [] }
   * ```
   */
  get: defineContract({
    action: "me.read",
    entity: "teachers",
    description: { "zh-CN": "我是谁（宿主解析出的身份）", en: "Who am I (the caller as the host resolved them)" },
    input: z.strictObject({}),
    output: meSchema,
    targetKind: "collection",
    http: { method: "GET", path: "/me" },
  }),

  /**
   * The terms of the caller's school, newest first: both terms of every school year the school
   * has classes in, and of the current one, with their plans (ids, status) and whether today
   * falls in each. A term a plan was generated for carries the plan's dates (`source: "plan"`);
   * one not planned yet the national calendar's default (`source: "calendar"`: 1 September to
   * the winter vacation, after the Spring Festival break to early July). Bureau staff, who
   * belong to no school, get the calendar's terms of this school year and the one before.
   *
   * @example
   * ```ts
   * await engine.me.terms(principal, {});
   * // { items: [{ term: { id: "2026-2027-2", start: "2027-02-15", … }, current: false, source: "calendar", plans: [] },
   * //   { term: { id: "2026-2027-1", start: "2026-09-01", end: "2027-01-22", … }, current: true, source: "plan", plans: [{ id: "plan-1", status: "committed", … }] }] }
   * ```
   */
  terms: defineContract({
    action: "me.read",
    entity: "termPlans",
    description: { "zh-CN": "本校学期及其家访计划", en: "My school's terms and their plans" },
    input: z.strictObject({}),
    output: z.strictObject({ items: z.array(schoolTermSchema) }),
    targetKind: "collection",
    http: { method: "GET", path: "/terms" },
  }),

  /**
   * The caller's own obligations in a term: each visit of the term's committed plan they lead
   * or accompany, with its window and scheduled slots. `planId` is `null` until a plan for the
   * term is committed. Paged, 50 by default.
   *
   * @example
   * ```ts
   * await engine.me.obligations(teacher, { termId: "2026-2027-1" });
   * // { planId: "plan-1", items: [{ obligationId: "…", studentId: "stu-1", kind: "universal", role: "lead", slots: [{ date: "2026-10-12", … }] }] }
   * ```
   */
  obligations: defineContract({
    action: "plans.read",
    entity: "termPlans",
    description: { "zh-CN": "我本学期的家访任务", en: "My obligations in a term" },
    input: z.strictObject({
      termId: termIdSchema,
      ...pageInput,
    }),
    output: z.strictObject({
      planId: idSchema.nullable(),
      items: z.array(myObligationSchema),
      nextCursor: z.string().optional(),
    }),
    targetKind: "collection",
    http: { method: "GET", path: "/me/obligations" },
  }),
};
