import * as z from "zod";
import { addCatalogIssue } from "../shared/errors/parse.js";
import { withOptionLabels } from "../shared/field-labels.js";
import type { LocalizedText } from "../shared/i18n.js";
import {
  idSchema,
  instantSchema,
  isoDateSchema,
  localTimeSchema,
  shortTextSchema,
  termIdSchema,
} from "../shared/primitives.js";
import { withSensitivity } from "../shared/sensitivity.js";
import { categoryKeySchema } from "./categories.js";
import { conductReportSchema } from "./conduct.js";
import { mentorshipSchema, proposedSlotSchema, termSchema, visitKindSchema } from "./planning.js";
import { postVisitCheckInSchema, safetyZeroReportSchema } from "./safety.js";
import { followUpStatusSchema } from "./visit-record.js";

/**
 * The records the visit-workflow areas keep: term plan snapshots, conduct reports under review,
 * safety check-ins, zero reports, support plans and parents' feedback. Kept free of storage
 * imports, because the storage port's entity list imports these schemas.
 */

const localizedTextSchema = z.strictObject({ "zh-CN": z.string().max(2000), en: z.string().max(2000) });
/** Planner ids join rule, student and date: longer than an id. */
const obligationIdSchema = z
  .string()
  .min(1)
  .max(300)
  .regex(/^[A-Za-z0-9_.:-]+$/);

/** An obligation as a plan snapshot keeps it: everything the planner derived, as data. */
export const obligationSnapshotSchema = z.strictObject({
  id: obligationIdSchema,
  ruleId: z.string().min(1).max(64),
  ruleIds: z.array(z.string().min(1).max(64)).max(20).optional(),
  schoolId: idSchema,
  studentId: idSchema,
  kind: visitKindSchema,
  channel: z.enum(["in_home", "any"]),
  /** Which category triggered it: sensitive about the child. */
  category: withSensitivity(categoryKeySchema.optional(), "sensitive"),
  window: z.strictObject({ from: isoDateSchema, to: isoDateSchema }),
  preferred: z.array(z.strictObject({ from: isoDateSchema, to: isoDateSchema, reason: localizedTextSchema })).max(20),
  rrule: z.string().max(500).optional(),
  needsCompanion: z.boolean(),
  urgency: z.number(),
  why: withSensitivity(localizedTextSchema, "sensitive"),
});

/** Who goes on a visit, and why: an assignment as a snapshot keeps it. */
export const assignmentSnapshotSchema = z.strictObject({
  obligationId: obligationIdSchema,
  studentId: idSchema,
  leadTeacherId: idSchema,
  companionTeacherId: idSchema.optional(),
  reasons: z.array(localizedTextSchema).max(20),
});

/** An obligation that could not be assigned or scheduled, with the error code that says why. */
export const planGapSchema = z.strictObject({
  obligationId: obligationIdSchema,
  studentId: idSchema,
  occurrence: isoDateSchema.optional(),
  code: z.string().min(1).max(64),
  reason: localizedTextSchema,
});

/** The quality report of a plan (coverage, zero-visit teachers, imbalance, continuity). */
export const planQualitySnapshotSchema = z.strictObject({
  coverage: z.number().min(0).max(1),
  uncoveredStudentIds: z.array(idSchema),
  teachersWithZeroVisits: z.array(idSchema),
  loadImbalance: z.number().min(0),
  continuityRate: z.number().min(0).max(1).nullable(),
  studentsWithoutMentor: z.array(idSchema),
  /**
   * Students the plan hands to a new mentor (theirs is over `mentorCapacity` or left): each
   * changes mentor when the plan is committed. Absent in plans generated before it was counted.
   */
  mentorHandovers: z.int().min(0).optional(),
  loads: z.array(z.strictObject({ teacherId: idSchema, visits: z.int().min(0), load: z.number().min(0) })),
  ok: z.boolean(),
});

/** The life of a term plan: generated as a draft, committed once, superseded by a later commit. */
export const termPlanStatuses = ["draft", "committed", "superseded"] as const;
/** The words for each state of a term plan. */
export const termPlanStatusLabels: Readonly<Record<(typeof termPlanStatuses)[number], LocalizedText>> = {
  draft: { "zh-CN": "草案", en: "Draft" },
  committed: { "zh-CN": "已确认", en: "Committed" },
  superseded: { "zh-CN": "已被替代", en: "Superseded" },
};
/** The state of a term plan, with its words. */
export const termPlanStatusSchema = withOptionLabels(z.enum(termPlanStatuses), termPlanStatusLabels);

/**
 * A term plan snapshot (工作方案 of R6, as data): the obligations derived, who visits whom, the
 * proposed slots, what could not be assigned or placed, and the quality report. Generated as a
 * draft; `plans.commit` turns it into appointments and mentorships.
 */
export const termPlanSchema = z.strictObject({
  id: idSchema,
  schoolId: idSchema,
  termId: termIdSchema,
  term: termSchema,
  status: termPlanStatusSchema,
  /** 1 for the first plan committed for the term, +1 for each later one. */
  planNumber: z.int().min(1),
  obligations: z.array(obligationSnapshotSchema).max(100_000),
  assignments: z.array(assignmentSnapshotSchema).max(100_000),
  mentorships: z.array(mentorshipSchema).max(10_000),
  slots: z.array(proposedSlotSchema).max(100_000),
  unassigned: z.array(planGapSchema).max(100_000),
  unscheduled: z.array(planGapSchema).max(100_000),
  quality: planQualitySnapshotSchema,
  generatedBy: idSchema,
  generatedAt: instantSchema,
  committedBy: idSchema.optional(),
  committedAt: instantSchema.optional(),
  /**
   * The first day visits were placed on, when the plan was made after its term began (the day
   * after it was generated, or the day the principal chose): nothing is planned before it.
   * Absent when the plan starts on the term's first day.
   */
  scheduleFrom: isoDateSchema.optional(),
  /** Appointments created at commit. */
  appointmentIds: z.array(idSchema).max(100_000).default([]),
  /**
   * The allowed visiting hours the plan was scheduled with (`schedule.allowedHours` of
   * `plans.generate`), when the school gave any: ad-hoc appointments in the term keep to them.
   */
  allowedHours: z
    .strictObject({
      schoolDay: z.array(z.strictObject({ from: localTimeSchema, to: localTimeSchema })).max(8),
      restDay: z.array(z.strictObject({ from: localTimeSchema, to: localTimeSchema })).max(8),
    })
    .optional(),
});
/** A term plan snapshot. */
export type TermPlan = z.infer<typeof termPlanSchema>;

/** A conduct report (R10) as stored: the report plus the school's review. */
export const storedConductReportSchema = z.strictObject({
  ...conductReportSchema.shape,
  reviewedBy: idSchema.optional(),
  reviewedAt: instantSchema.optional(),
  /** What the school decided or did: about a teacher's conduct, so sensitive. */
  resolution: withSensitivity(z.string().trim().max(2000).optional(), "sensitive"),
});
/** A stored conduct report. */
export type StoredConductReport = z.infer<typeof storedConductReportSchema>;

/**
 * The state of one pre-visit safety report after filing: the check-in once the teacher is back,
 * and when the missing check-in was raised as overdue (so it is raised once). Its id is the
 * report's id.
 */
export const safetyCheckInRecordSchema = z.strictObject({
  id: idSchema,
  schoolId: idSchema,
  teacherId: idSchema,
  checkIn: postVisitCheckInSchema.optional(),
  overdueRaisedAt: instantSchema.optional(),
});
/** The state of a safety report after filing. */
export type SafetyCheckInRecord = z.infer<typeof safetyCheckInRecordSchema>;

/** A school's safety zero report (安全零报告) as stored. */
export const storedZeroReportSchema = safetyZeroReportSchema;

/** The measures of support for a priority student (R4 task 5). */
export const supportMeasures = [
  "help",
  "psychological_counselling",
  "learning_tutoring",
  "financial_aid",
  "other",
] as const;

/** A follow-up action of a support plan (R2 全程跟踪). */
export const supportFollowUpSchema = z.strictObject({
  id: idSchema,
  action: withSensitivity(z.string().trim().min(1).max(500), "sensitive"),
  ownerId: idSchema,
  dueOn: isoDateSchema,
  status: followUpStatusSchema.default("open"),
  doneOn: isoDateSchema.optional(),
  /** When `followup.due` was raised for it, so it is raised once. */
  dueRaisedAt: instantSchema.optional(),
});
/** A follow-up action. */
export type SupportFollowUp = z.infer<typeof supportFollowUpSchema>;

/** A support plan (帮扶计划) for a priority student: mentor, goals, measures and follow-ups. */
export const supportPlanSchema = z
  .strictObject({
    id: idSchema,
    schoolId: idSchema,
    studentId: idSchema,
    mentorId: idSchema,
    status: z.enum(["active", "closed"]),
    /** What the support aims at, about the child: sensitive. */
    goals: withSensitivity(z.array(z.string().trim().min(1).max(500)).min(1).max(20), "sensitive"),
    measures: withSensitivity(z.array(z.enum(supportMeasures)).min(1).max(supportMeasures.length), "sensitive"),
    followUps: z.array(supportFollowUpSchema).max(100).default([]),
    createdBy: idSchema,
    createdAt: instantSchema,
    updatedAt: instantSchema,
    closedOn: isoDateSchema.optional(),
  })
  .superRefine((p, ctx) => {
    if (new Set(p.measures).size !== p.measures.length) addCatalogIssue(ctx, "conflict", {}, ["measures"]);
    if (new Set(p.followUps.map((f) => f.id)).size !== p.followUps.length)
      addCatalogIssue(ctx, "conflict", {}, ["followUps"]);
  });
/** A support plan. */
export type SupportPlan = z.infer<typeof supportPlanSchema>;

/** The life of a feedback item (R17): raised, analysed, rectified. */
export const feedbackStatuses = ["open", "analysed", "rectified"] as const;
/** The words for each state of a feedback item. */
export const feedbackStatusLabels: Readonly<Record<(typeof feedbackStatuses)[number], LocalizedText>> = {
  open: { "zh-CN": "待处理", en: "Open" },
  analysed: { "zh-CN": "已分析", en: "Analysed" },
  rectified: { "zh-CN": "已整改", en: "Rectified" },
};
/** The state of a feedback item, with its words. */
export const feedbackStatusSchema = withOptionLabels(z.enum(feedbackStatuses), feedbackStatusLabels);

/** A parent's opinion or suggestion raised from a visit record (R4 task 6, R17). */
export const feedbackItemSchema = z.strictObject({
  id: idSchema,
  schoolId: idSchema,
  studentId: idSchema,
  visitId: idSchema,
  kind: z.enum(["opinion", "suggestion"]),
  /** The parents' words: sensitive. */
  text: withSensitivity(z.string().trim().min(1).max(5000), "sensitive"),
  /** A short topic for grouping common problems (食堂, 作业量 …). */
  topic: shortTextSchema.optional(),
  status: feedbackStatusSchema,
  analysis: withSensitivity(z.string().trim().max(2000).optional(), "sensitive"),
  rectification: withSensitivity(z.string().trim().max(2000).optional(), "sensitive"),
  raisedBy: idSchema,
  raisedAt: instantSchema,
  updatedAt: instantSchema,
});
/** A feedback item. */
export type FeedbackItem = z.infer<typeof feedbackItemSchema>;
