import * as z from "zod";
import type { CategoryKey, StoredCategoryFlag } from "../../domain/categories.js";
import type { School } from "../../domain/organisation.js";
import type { DateWindow, Mentorship, PreferredWindow, Term, VisitKind } from "../../domain/planning.js";
import type { Student } from "../../domain/student.js";
import type { LocalizedText } from "../../shared/i18n.js";
import { idSchema, isoDateSchema } from "../../shared/primitives.js";
import type { ObligationRules } from "../rules.js";

/**
 * From rules to obligations: what must happen for each student and each teacher in a term.
 *
 * How obligations merge: one in-home visit can satisfy several rules. For each student, the
 * in-home requirements of the term (universal, new student, priority, crisis) are first found
 * one by one. Then, most urgent rule first (crisis > new student > priority > universal), each
 * requirement joins an existing group when its window contains the group's whole window (the
 * group due first, if several), else it starts a group. A merge thus never narrows the window
 * of the more urgent rule: the merged window is the window of its most urgent member, and any
 * visit in it satisfies every member. Each group is one {@link Obligation}: `ruleIds` lists
 * every rule it satisfies (most urgent first), `ruleId`, `kind` and `category` are the most
 * urgent rule's, `why` joins every rule's sentence, `urgency` is the highest. So a new student
 * who is also a priority student from the first day gets one obligation, due within the
 * new-student weeks; a crisis mid-term absorbs the term's priority visit; a crisis in the
 * last days, whose 7 days run past the term, stays apart from the term's visits. Mentor contacts are
 * never merged: they are other-channel and recurring.
 */

/** A visit that already took place, as far as obligations care: who, when, in the home or not. */
export const pastVisitSchema = z.strictObject({
  studentId: idSchema,
  date: isoDateSchema,
  /** Whether it was an in-home visit (进家入户); only those satisfy in-home obligations. */
  inHome: z.boolean(),
});
/** A past visit. */
export type PastVisit = z.infer<typeof pastVisitSchema>;

/** The student fields the obligations read. */
export type ObligationStudent = Pick<Student, "id" | "enrolments"> &
  Partial<Pick<Student, "address" | "livingSituation" | "guardians">>;

/** Input of {@link deriveObligations}. */
export interface DeriveObligationsInput {
  term: Term;
  school: Pick<School, "id" | "kind" | "entryGrades" | "setting">;
  students: readonly ObligationStudent[];
  /** Category flags of the students (others' are ignored): the seven's and plugins'. */
  flags?: readonly StoredCategoryFlag[];
  /**
   * Names of categories beyond the seven (a plugin's), for the reason sentences of custom
   * rules; a category without one is shown by its key.
   */
  categoryLabels?: Readonly<Record<string, LocalizedText>>;
  /** Mentor appointments: a mentor contact starts no earlier than the mentor's appointment. */
  mentorships?: readonly Mentorship[];
  /** The rules in force at the school; {@link defaultObligationRules} by default. */
  rules?: ObligationRules;
  /** Plan as known on this day: flags that begin after it are ignored. Default: all flags. */
  date?: string;
  /** Visits already made: an in-home obligation with an in-home visit in its window is dropped. */
  previousVisits?: readonly PastVisit[];
  /**
   * The first day after the previous term. Crises flagged from then on, in the vacation before
   * this term, belong to this term (their visit is due as flagged, possibly before the term
   * starts). Default: the term's first day, so a vacation crisis is nobody's until it is given.
   */
  vacationStart?: string;
}

const precedence: Record<string, number> = {
  family_crisis: 0,
  new_student: 1,
  priority_per_term: 2,
  universal_yearly: 3,
};
/** A custom rule stands right after the built-in rule of its kind. */
const customPrecedence: Record<VisitKind, number> = {
  crisis: 0.5,
  new_student: 1.5,
  priority: 2.5,
  universal: 3.5,
  mentor_contact: 9,
};

export function precedenceOf(part: Part): number {
  return precedence[part.ruleId] ?? customPrecedence[part.kind];
}

export const r13Why: LocalizedText = {
  "zh-CN": "留守儿童，宜在父母返乡时（春节、农忙）入户家访",
  en: "Left-behind child: visit when the parents are home (Spring Festival, farming seasons)",
};

export const urgencyOf: Record<VisitKind, number> = {
  crisis: 100,
  new_student: 60,
  priority: 40,
  mentor_contact: 20,
  universal: 10,
};

/** One in-home requirement before merging. */
export interface Part {
  /** A built-in rule's id or a custom rule's. */
  ruleId: string;
  kind: VisitKind;
  category: CategoryKey | undefined;
  window: DateWindow;
  /** The window a past visit must fall in to satisfy this requirement (may reach outside the term). */
  satisfiedWithin: DateWindow;
  preferred: PreferredWindow[];
  why: LocalizedText;
}

export const priorityWhyOne: LocalizedText = {
  "zh-CN": "重点学生（{labels}），本学期须至少完成1次入户家访（{to}前）",
  en: "Priority student ({labels}): at least one in-home visit this term (by {to})",
};
export const priorityWhyOfN: LocalizedText = {
  "zh-CN": "重点学生（{labels}），本学期第{i}/{n}次入户家访（{from}至{to}）",
  en: "Priority student ({labels}): in-home visit {i} of {n} this term ({from} to {to})",
};
