import * as z from "zod";
import { compiledSchema } from "../shared/compiled.js";
import { withLabel, withOptionLabels, withOwnLabel } from "../shared/field-labels.js";
import type { LocalizedText } from "../shared/i18n.js";
import { idSchema, isoDateSchema, localTimeSchema, termIdSchema } from "../shared/primitives.js";
import type { CategoryKey } from "./categories.js";

/**
 * Shared planning vocabulary: terms, windows, obligations and assignments. The planner's
 * stages (obligations → assignment → schedule → appointments) pass these plain objects on.
 */

/** A date window, both ends included. */
export const dateWindowSchema = withLabel(
  z.strictObject({
    from: withOwnLabel(isoDateSchema, { "zh-CN": "起始日期", en: "From" }),
    to: withOwnLabel(isoDateSchema, { "zh-CN": "截止日期", en: "To" }),
  }),
  { "zh-CN": "时间段", en: "Period" },
);
/** A date window, both ends included. */
export type DateWindow = z.infer<typeof dateWindowSchema>;

/** A school term with its dates and its campaign periods (集中性家访). */
export const termSchema = withLabel(
  z.strictObject({
    id: termIdSchema,
    /** The school year by its starting year. */
    schoolYear: withLabel(z.int().min(2000).max(2100), { "zh-CN": "学年", en: "School year" }),
    /** 1 = autumn term, 2 = spring term. */
    index: withLabel(z.literal([1, 2]), {
      "zh-CN": "学期序号（1 秋季，2 春季）",
      en: "Term number (1 autumn, 2 spring)",
    }),
    start: withOwnLabel(isoDateSchema, { "zh-CN": "学期第一天", en: "First day of the term" }),
    end: withOwnLabel(isoDateSchema, { "zh-CN": "学期最后一天", en: "Last day of the term" }),
    /** Campaign periods of this term: concentrated visiting; routine visits fall outside them. */
    campaigns: withLabel(
      z
        .array(
          dateWindowSchema.extend({
            name: withLabel(z.string().max(100).optional(), { "zh-CN": "集中家访时段名称", en: "Campaign name" }),
          }),
        )
        .max(10)
        .default([]),
      { "zh-CN": "集中家访时段", en: "Campaign periods" },
    ),
  }),
  { "zh-CN": "学期", en: "Term" },
);
/** A school term. */
export type Term = z.infer<typeof termSchema>;

/**
 * The kind of visit an obligation asks for, by the guidance's forms (R5):
 * `universal` (普访), `priority` (重点家访), `new_student`, `crisis` (event-triggered),
 * `mentor_contact` (德育导师's recurring contact).
 */
export const visitKinds = ["universal", "new_student", "priority", "crisis", "mentor_contact"] as const;
/** The words for each kind of visit, as the guidance names them. */
export const visitKindLabels: Readonly<Record<(typeof visitKinds)[number], LocalizedText>> = {
  universal: { "zh-CN": "普访", en: "Universal visit" },
  new_student: { "zh-CN": "新生家访", en: "New-student visit" },
  priority: { "zh-CN": "重点家访", en: "Priority visit" },
  crisis: { "zh-CN": "突发变故家访", en: "Crisis visit" },
  mentor_contact: { "zh-CN": "德育导师联系", en: "Mentor contact" },
};
/** The kind of visit. */
export const visitKindSchema = withOptionLabels(
  withLabel(z.enum(visitKinds), { "zh-CN": "家访类型", en: "Kind of visit" }),
  visitKindLabels,
);
/** The kind of visit. */
export type VisitKind = z.infer<typeof visitKindSchema>;

/** A window the visit should fall in when it can, e.g. the Spring Festival for left-behind children. */
export interface PreferredWindow extends DateWindow {
  reason: LocalizedText;
}

/**
 * One thing that must happen for a student: a visit of a kind within a window, and why.
 * Obligations are derived, never stored as the source of truth: the same inputs always give
 * the same obligations with the same ids.
 */
export interface Obligation {
  /** Deterministic: `${ruleId}:${studentId}:${window.from}`. */
  id: string;
  /** The rule that produced it (`universal_yearly`, `new_student`, …, or a custom rule's id). */
  ruleId: string;
  /**
   * Every rule one visit in `window` satisfies, `ruleId` first: obligations of one student
   * whose windows overlap are merged into one (see `deriveObligations`).
   */
  ruleIds?: string[];
  schoolId: string;
  studentId: string;
  kind: VisitKind;
  /** `in_home` where the guidance asks for a home visit; `any` allows other channels. */
  channel: "in_home" | "any";
  /** The category that triggered it, if any: one of the seven, or a plugin's for a custom rule. */
  category?: CategoryKey;
  /** The visit must fall within this window. */
  window: DateWindow;
  /** Within the window, prefer these (parents home, campaign period). */
  preferred: PreferredWindow[];
  /** For recurring contacts: an RRULE in floating time (no TZID), bounded by UNTIL or COUNT. */
  rrule?: string;
  /** Whether two adults should go (remote home, first priority visit …). */
  needsCompanion: boolean;
  /** Higher is more urgent; the scheduler places urgent ones first. */
  urgency: number;
  /** A sentence saying why, in zh-CN and en. */
  why: LocalizedText;
}

/** A teacher-side obligation: every teacher, the principal included, carries visits (R2, R6). */
export interface TeacherObligation {
  ruleId: string;
  schoolId: string;
  teacherId: string;
  minimumVisits: number;
  why: LocalizedText;
}

/** Who goes on a visit, and why that teacher. */
export interface Assignment {
  obligationId: string;
  studentId: string;
  leadTeacherId: string;
  companionTeacherId?: string;
  /** Why this teacher: continuity, class teacher, load balancing … */
  reasons: LocalizedText[];
}

/** A student's mentor (德育导师) appointment. */
export const mentorshipSchema = compiledSchema(
  z.strictObject({
    studentId: idSchema,
    mentorId: idSchema,
    since: isoDateSchema,
  }),
);
/** A student's mentor appointment. */
export type Mentorship = z.infer<typeof mentorshipSchema>;

/** One proposed visit: who, whom, when, and which trip it belongs to. */
export const proposedSlotSchema = z.strictObject({
  obligationId: z.string().min(1).max(300),
  studentId: idSchema,
  teacherId: idSchema,
  companionId: idSchema.optional(),
  date: isoDateSchema,
  start: localTimeSchema,
  end: localTimeSchema,
  /** Visits of one teacher in one village on one day, back to back, share a trip. */
  tripId: z.string().min(1).max(200),
  /** For a recurring contact: the occurrence this slot serves. */
  occurrence: isoDateSchema.optional(),
  /**
   * A mentor's contact (a talk at school, a call, a message), not a home visit: no travel, no
   * family home slot. Absent on visits.
   */
  contact: z.literal(true).optional(),
  /**
   * The day rests on a provisional calendar: its year's official holiday notice was not known
   * when planning, so the day may turn out to be a holiday or a make-up workday.
   */
  provisional: z.literal(true).optional(),
  /**
   * The slot is a lawful alternative to what the family stated (their hours never meet the
   * allowed hours): the teacher confirms it with the family by phone first (R12).
   */
  /**
   * The obligation's window had ended before the plan's first day (the plan was made after the
   * term began): the visit is still owed, so it is placed at the first free day instead.
   */
  overdue: z.literal(true).optional(),
  /**
   * The visit was already arranged before the plan: this open appointment stands, and committing
   * the plan creates none for it.
   */
  appointmentId: idSchema.optional(),
  alternative: z
    .strictObject({
      kind: z.enum(["outside_stated_hours", "meet_elsewhere"]),
      reason: z.strictObject({ "zh-CN": z.string().max(500), en: z.string().max(500) }),
    })
    .optional(),
});
/** One proposed visit. */
export type ProposedSlot = z.infer<typeof proposedSlotSchema>;
