import * as z from "zod";
import type { School, SchoolClass, Teacher } from "../../domain/organisation.js";
import type { Assignment, Mentorship, Obligation, Term } from "../../domain/planning.js";
import type { Student } from "../../domain/student.js";
import type { ErrorCode } from "../../shared/errors/catalog.js";
import { withLabel, withOptionLabels } from "../../shared/field-labels.js";
import type { LocalizedText } from "../../shared/i18n.js";
import type { IsoDate } from "../../shared/primitives.js";

/**
 * Who visits whom (R2 全员参与, R4.5 德育导师, R6). Every student gets a lead visitor; visits that
 * need two adults get a companion; every priority student gets a mentor. The planner prefers
 * continuity and the class's own teachers but spreads the weighted load over every teacher in
 * post, the principal included, within each teacher's term capacity. Same input, same plan:
 * all choices break ties by id and never depend on input order.
 */

/** The load one visit of each kind puts on a teacher, in "ordinary visit" units. */
export const visitKindWeightsSchema = z.strictObject({
  universal: withLabel(z.number().min(0).max(100).default(1), {
    "zh-CN": "普访的工作量",
    en: "Load of a universal visit",
  }),
  new_student: withLabel(z.number().min(0).max(100).default(1.2), {
    "zh-CN": "新生家访的工作量",
    en: "Load of a new-student visit",
  }),
  priority: withLabel(z.number().min(0).max(100).default(1.5), {
    "zh-CN": "重点家访的工作量",
    en: "Load of a priority visit",
  }),
  crisis: withLabel(z.number().min(0).max(100).default(2), {
    "zh-CN": "突发变故家访的工作量",
    en: "Load of a crisis visit",
  }),
  mentor_contact: withLabel(z.number().min(0).max(100).default(0.5), {
    "zh-CN": "德育导师联系的工作量",
    en: "Load of a mentor contact",
  }),
});
/** The load weight of each visit kind. */
export type VisitKindWeights = z.infer<typeof visitKindWeightsSchema>;

/** Options of {@link assignVisitors} and {@link reassignCaseload}; every field has a default. */
export const assignmentOptionsSchema = z.strictObject({
  /** Visits (lead or companion) a teacher may carry in a term when `teacher.termCapacity` is unset. */
  defaultTermCapacity: withLabel(z.int().min(0).max(500).default(40), {
    "zh-CN": "教师每学期家访上限",
    en: "Visits per teacher per term",
  }),
  /** Load of one visit by kind. */
  kindWeights: withLabel(visitKindWeightsSchema.prefault({}), {
    "zh-CN": "各类家访的工作量",
    en: "Load by kind of visit",
  }),
  /** Extra load per hour of round-trip travel (`address.travelMinutes` × 2). */
  travelWeightPerHour: withLabel(z.number().min(0).max(20).default(1), {
    "zh-CN": "每小时路程的工作量",
    en: "Load per hour of travel",
  }),
  /** A companion's load as a share of the lead's. */
  companionShare: withLabel(z.number().min(0).max(1).default(0.6), {
    "zh-CN": "同行教师的工作量比例",
    en: "Companion's share of the load",
  }),
  /** Load of being a student's mentor for the term, on top of the mentor contacts. */
  menteeWeight: withLabel(z.number().min(0).max(20).default(1), {
    "zh-CN": "担任德育导师的工作量",
    en: "Load of mentoring a student",
  }),
  /** The most mentees one teacher takes. */
  mentorCapacity: withLabel(z.int().min(1).max(200).default(6), {
    "zh-CN": "每位德育导师的学生上限",
    en: "Mentees per mentor",
  }),
  /**
   * Who gets a mentor: students in a priority category (the support plans of R4.5), or also
   * every new student. New students are priority students under R3, but a mentor for a whole
   * entry grade overloads a school, so it is opt-in.
   */
  mentorFor: withLabel(
    withOptionLabels(z.enum(["categories", "categories_and_new_students"]), {
      categories: { "zh-CN": "重点类别学生", en: "Students in a priority category" },
      categories_and_new_students: { "zh-CN": "重点类别学生和新生", en: "Priority-category and new students" },
    }).default("categories"),
    { "zh-CN": "为哪些学生配备德育导师", en: "Who gets a mentor" },
  ),
  /** Whether a visit to a remote home (`address.remote`) always needs a companion. */
  companionForRemote: withLabel(z.boolean().default(true), {
    "zh-CN": "偏远家庭须两人同行",
    en: "Companion for a remote home",
  }),
  /** The principal's fair share of the load relative to another teacher (R6: the principal visits too). */
  principalShare: withLabel(z.number().min(0.1).max(1).default(0.5), {
    "zh-CN": "校长的工作量比例",
    en: "Principal's share of the load",
  }),
  /**
   * How far above the fair share a preferred teacher (last term's, the class teacher, a teacher
   * of the class) may be loaded before the visit goes to the least-loaded teacher instead.
   */
  preferredLoadTolerance: withLabel(z.number().min(0).max(2).default(0.1), {
    "zh-CN": "优先教师可超出的工作量",
    en: "Load tolerance for a preferred teacher",
  }),
});
/** Options of the assignment, defaults applied. */
export type AssignmentOptions = z.infer<typeof assignmentOptionsSchema>;
/** Options of the assignment as a caller writes them. */
export type AssignmentOptionsInput = z.input<typeof assignmentOptionsSchema>;

/** A student the assignment needs: id, enrolments (for the class) and address (travel, remoteness). */
export type AssignmentStudent = Pick<Student, "id" | "enrolments" | "address">;

/** What {@link assignVisitors} reads. */
export interface AssignVisitorsInput {
  school: Pick<School, "id">;
  /** The term planned: teachers who left before it starts, or join after it ends, get nothing. */
  term: Pick<Term, "start" | "end">;
  teachers: readonly Teacher[];
  classes: readonly SchoolClass[];
  students: readonly AssignmentStudent[];
  obligations: readonly Obligation[];
  /** Mentor appointments in force; kept while the mentor is in post and has room (`mentorCapacity`). */
  mentorships?: readonly Mentorship[];
  /** Last term's assignments, for continuity. */
  previousAssignments?: readonly Assignment[];
  options?: AssignmentOptionsInput;
}

/** An obligation nobody could take, or a companion that could not be found, and why. */
export interface UncoveredObligation {
  obligationId: string;
  studentId: string;
  code: ErrorCode;
  reason: LocalizedText;
}

/** The result of {@link assignVisitors}. */
export interface AssignmentPlan {
  /** One per obligation that has a lead, sorted by obligation id. */
  assignments: Assignment[];
  /** Mentor appointments: those kept and those made now, sorted by student id. */
  mentorships: Mentorship[];
  /** Obligations without a lead, with the reason. */
  uncovered: UncoveredObligation[];
  /** Obligations that have a lead but lack the companion they need. */
  missingCompanions: UncoveredObligation[];
}

/** What {@link reassignCaseload} reads. */
export interface ReassignCaseloadInput extends Omit<AssignVisitorsInput, "mentorships" | "previousAssignments"> {
  /** The teacher who leaves. */
  teacherId: string;
  /** Their last day at the school; obligations whose window ends before it stay with them. */
  leftOn: IsoDate;
  /** Obligations already visited: they stay where they are. */
  completedObligationIds?: readonly string[];
}

/** One obligation (or mentor appointment) that moved from a leaving teacher, and why. */
export interface CaseloadMove {
  /** The obligation moved; absent for a mentor appointment. */
  obligationId?: string;
  studentId: string;
  role: "lead" | "companion" | "mentor";
  from: string;
  /** The new teacher; absent when nobody could take it (the obligation is then uncovered). */
  to?: string;
  reason: LocalizedText;
}

/** The result of {@link reassignCaseload}. */
export interface CaseloadReassignment {
  plan: AssignmentPlan;
  moved: CaseloadMove[];
}
