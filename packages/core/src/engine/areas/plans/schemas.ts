import * as z from "zod";
import { termSchema, visitKindSchema } from "../../../domain/planning.js";
import { termPlanStatuses } from "../../../domain/workflow-records.js";
import { idSchema, instantSchema, isoDateSchema, termIdSchema } from "../../../shared/primitives.js";

/**
 * The shapes the plans area answers besides the plan snapshot itself: a plan's summary (lists
 * and the paged read) and its quality figures.
 */

const localizedTextSchema = z.strictObject({ "zh-CN": z.string(), en: z.string() });

/** How many of each part a plan holds, as far as the caller may see it. */
export const planCountsSchema = z.strictObject({
  obligations: z.int().min(0),
  assignments: z.int().min(0),
  slots: z.int().min(0),
  unassigned: z.int().min(0),
  unscheduled: z.int().min(0),
  mentorships: z.int().min(0),
  appointments: z.int().min(0),
  /** Slots kept from visits arranged before the plan (their appointments stand; none is created). */
  arranged: z.int().min(0),
});

/** A plan without its visits: what lists show and what the paged read keeps on every page. */
export const planSummarySchema = z
  .strictObject({
    id: idSchema,
    schoolId: idSchema,
    termId: termIdSchema,
    term: termSchema,
    status: z.enum(termPlanStatuses),
    planNumber: z.int().min(1),
    generatedBy: idSchema,
    generatedAt: instantSchema,
    committedBy: idSchema.optional(),
    committedAt: instantSchema.optional(),
    /** The first day visits were placed on, when the plan was made after its term began. */
    scheduleFrom: isoDateSchema.optional(),
    counts: planCountsSchema,
    /** The stored quality headline: coverage and whether every student and teacher is in the plan. */
    coverage: z.number().min(0).max(1),
    ok: z.boolean(),
  })
  .meta({ id: "PlanSummary", description: "A term plan without its visits, with counts" });
/** A plan without its visits. */
export type PlanSummary = z.infer<typeof planSummarySchema>;

const kindPlacementSchema = z.strictObject({
  due: z.int().min(0),
  placed: z.int().min(0),
  share: z.number().min(0).max(1),
});

/** One unplaced obligation (or occurrence) with the scheduler's reason and what to do. */
export const unplacedItemSchema = z.strictObject({
  obligationId: z.string().min(1).max(300),
  studentId: idSchema,
  occurrence: isoDateSchema.optional(),
  kind: visitKindSchema,
  code: z.string().min(1).max(64),
  reason: localizedTextSchema,
  /** What a principal can do so that it gets placed. */
  action: localizedTextSchema,
});

/** A plan's quality figures (issue 15): placement by kind, crisis deadlines, load, idle teachers. */
export const planQualityReportSchema = z
  .strictObject({
    planId: idSchema,
    termId: termIdSchema,
    status: z.enum(termPlanStatuses),
    /** The first day visits were placed on, when the plan was made after its term began. */
    scheduleFrom: isoDateSchema.optional(),
    /** Students whose every obligation has a lead, over all students counted. */
    coverage: z.number().min(0).max(1),
    uncovered: z.array(
      z.strictObject({
        studentId: idSchema,
        obligationIds: z.array(z.string()),
        reasons: z.array(localizedTextSchema),
      }),
    ),
    teachersWithZeroVisits: z.array(idSchema),
    loadImbalance: z.number().min(0),
    continuityRate: z.number().min(0).max(1).nullable(),
    studentsWithoutMentor: z.array(idSchema),
    /** Students the plan hands to a new mentor on commit (their mentor is over capacity or left). */
    mentorHandovers: z.int().min(0),
    loads: z.array(z.strictObject({ teacherId: idSchema, visits: z.number().min(0), load: z.number().min(0) })),
    loadSpread: z.strictObject({
      median: z.number().min(0),
      max: z.number().min(0),
      busiest: idSchema.nullable(),
      /** Busiest over median weighted load (issue 15 wants ≤ 2); null when the median is 0 but someone carries load. */
      ratio: z.number().min(0).nullable(),
    }),
    placement: z.strictObject({
      byKind: z.record(visitKindSchema, kindPlacementSchema),
      /** Universal, new-student and priority visits together. */
      inHome: kindPlacementSchema,
      crisis: z.strictObject({
        due: z.int().min(0),
        withinDeadline: z.int().min(0),
        /** Placed after their last day: it had passed when the plan was made. */
        afterDeadline: z.int().min(0),
        escalated: z.int().min(0),
      }),
      idleTeachers: z.array(idSchema),
      /** Slots on days of a provisional calendar (no official notice yet): they may move. */
      provisionalSlots: z.int().min(0),
      /** Slots outside the family's stated hours or at another place: each needs the family's yes. */
      alternativeSlots: z.int().min(0),
      /** Visits whose window ended before the plan's first day: owed, placed at the first free days. */
      overdueSlots: z.int().min(0),
      /** Visits arranged before the plan (open appointments) that it keeps: no new appointment. */
      arrangedSlots: z.int().min(0),
      unplaced: z.array(unplacedItemSchema),
    }),
    ok: z.boolean(),
  })
  .meta({ id: "PlanQualityReport", description: "A term plan's quality figures and what to do about each gap" });
/** A plan's quality figures. */
export type PlanQualityReport = z.infer<typeof planQualityReportSchema>;
