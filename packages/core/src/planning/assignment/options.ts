import * as z from "zod";
import type { School, SchoolClass, Teacher } from "../../domain/organisation.js";
import type { Assignment, Mentorship, Obligation, Term } from "../../domain/planning.js";
import type { Student } from "../../domain/student.js";
import type { ErrorCode } from "../../shared/errors/catalog.js";
import { withOptionLabels } from "../../shared/field-labels.js";
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
  universal: z.number().min(0).max(100).default(1),
  new_student: z.number().min(0).max(100).default(1.2),
  priority: z.number().min(0).max(100).default(1.5),
  crisis: z.number().min(0).max(100).default(2),
  mentor_contact: z.number().min(0).max(100).default(0.5),
});
/** The load weight of each visit kind. */
export type VisitKindWeights = z.infer<typeof visitKindWeightsSchema>;

/** Options of {@link assignVisitors} and {@link reassignCaseload}; every field has a default. */
export const assignmentOptionsSchema = z.strictObject({
  /** Visits (lead or companion) a teacher may carry in a term when `teacher.termCapacity` is unset. */
  defaultTermCapacity: z.int().min(0).max(500).default(40),
  /** Load of one visit by kind. */
  kindWeights: visitKindWeightsSchema.prefault({}),
  /** Extra load per hour of round-trip travel (`address.travelMinutes` × 2). */
  travelWeightPerHour: z.number().min(0).max(20).default(1),
  /** A companion's load as a share of the lead's. */
  companionShare: z.number().min(0).max(1).default(0.6),
  /** Load of being a student's mentor for the term, on top of the mentor contacts. */
  menteeWeight: z.number().min(0).max(20).default(1),
  /** The most mentees one teacher takes. */
  mentorCapacity: z.int().min(1).max(200).default(6),
  /**
   * Who gets a mentor: students in a priority category (the support plans of R4.5), or also
   * every new student. New students are priority students under R3, but a mentor for a whole
   * entry grade overloads a school, so it is opt-in.
   */
  mentorFor: withOptionLabels(z.enum(["categories", "categories_and_new_students"]), {
    categories: { "zh-CN": "重点类别学生", en: "Students in a priority category" },
    categories_and_new_students: { "zh-CN": "重点类别学生和新生", en: "Priority-category and new students" },
  }).default("categories"),
  /** Whether a visit to a remote home (`address.remote`) always needs a companion. */
  companionForRemote: z.boolean().default(true),
  /** The principal's fair share of the load relative to another teacher (R6: the principal visits too). */
  principalShare: z.number().min(0.1).max(1).default(0.5),
  /**
   * How far above the fair share a preferred teacher (last term's, the class teacher, a teacher
   * of the class) may be loaded before the visit goes to the least-loaded teacher instead.
   */
  preferredLoadTolerance: z.number().min(0).max(2).default(0.1),
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
