import type { Assignment, Mentorship, Obligation, Term } from "../../domain/planning.js";
import type { ErrorCode } from "../../shared/errors/catalog.js";
import { errorCatalog } from "../../shared/errors/catalog.js";
import { localizeAll } from "../../shared/i18n.js";
import type {
  AssignmentOptions,
  AssignmentPlan,
  AssignmentStudent,
  AssignVisitorsInput,
  UncoveredObligation,
} from "./options.js";
import { Pool } from "./pool.js";
import { isTeacherInPost, obligationLoad } from "./weights.js";

/** The assignment's working state: the pool of teachers, the students in order, their weights. */

/** Occurrences per recurring rule and window, shared by every call (bounded; see buildContext). */
const sharedOccurrences = new Map<string, number>();

export interface StudentEntry {
  studentId: string;
  student: AssignmentStudent | undefined;
  classId: string | undefined;
  obligations: Obligation[];
  weight: number;
}

export interface Context {
  pool: Pool;
  options: AssignmentOptions;
  order: StudentEntry[];
  byStudent: Map<string, StudentEntry>;
  classTeacher: Map<string, string>;
  weightOf: (o: Obligation) => { load: number; visits: number };
  needsCompanion: (o: Obligation) => boolean;
}

export interface Sinks {
  assignments: Assignment[];
  uncovered: UncoveredObligation[];
  missingCompanions: UncoveredObligation[];
}

export function buildContext(
  input: AssignVisitorsInput,
  options: AssignmentOptions,
  excluded: string | undefined,
): Context {
  const studentsById = new Map<string, AssignmentStudent>();
  for (const s of input.students) studentsById.set(s.id, s);
  const classTeacher = new Map<string, string>();
  for (const c of input.classes) if (c.classTeacherId !== undefined) classTeacher.set(c.id, c.classTeacherId);
  const eligible = input.teachers
    .filter((t) => t.schoolId === input.school.id && t.id !== excluded && isTeacherInPost(t, input.term))
    .sort((a, b) => cmp(a.id, b.id));

  const loadCache = new Map<string, { load: number; visits: number }>();
  // Occurrence counts depend only on the rule text and window, which repeat across schools.
  if (sharedOccurrences.size >= 4096) sharedOccurrences.clear();
  const occurrenceCache = sharedOccurrences;
  const weightOf = (o: Obligation): { load: number; visits: number } => {
    let w = loadCache.get(o.id);
    if (!w) {
      w = obligationLoad(o, studentsById.get(o.studentId)?.address, options, occurrenceCache);
      loadCache.set(o.id, w);
    }
    return w;
  };
  const needsCompanion = (o: Obligation): boolean => companionNeeded(o, studentsById.get(o.studentId), options);

  const byStudent = new Map<string, StudentEntry>();
  let total = 0;
  for (const o of input.obligations) {
    let entry = byStudent.get(o.studentId);
    if (!entry) {
      const student = studentsById.get(o.studentId);
      entry = {
        studentId: o.studentId,
        student,
        classId: student ? classOf(student, input.school.id, input.term) : undefined,
        obligations: [],
        weight: 0,
      };
      byStudent.set(o.studentId, entry);
    }
    entry.obligations.push(o);
    const w = weightOf(o);
    const share = needsCompanion(o) ? 1 + options.companionShare : 1;
    entry.weight += w.load * share;
    total += w.load * share;
  }
  const order = [...byStudent.values()];
  // A student has a few obligations: sorted in place by insertion (stable, as the sort was).
  for (const e of order) insertionSortById(e.obligations);
  // Heaviest first (longest-processing-time order) balances best; ids break ties. Most
  // students weigh the same, so ties are the rule: when the entries already come in id order
  // (obligations as derived are), the stable sort keeps it, and no ids are compared.
  let byId = true;
  for (let i = 1; i < order.length && byId; i++) {
    byId = cmp((order[i - 1] as StudentEntry).studentId, (order[i] as StudentEntry).studentId) < 0;
  }
  if (byId) order.sort(heaviestFirst);
  else order.sort((a, b) => heaviestFirst(a, b) || cmp(a.studentId, b.studentId));
  const mentees = order.filter((e) => needsMentor(e.obligations, options)).length;
  total += mentees * options.menteeWeight;

  const pool = new Pool(eligible, classTeacher, options, total);
  return { pool, options, order, byStudent, classTeacher, weightOf, needsCompanion };
}

/** Heavier first. A sign, not the difference: a fractional difference is a boxed number per call. */
function heaviestFirst(a: StudentEntry, b: StudentEntry): number {
  return a.weight > b.weight ? -1 : a.weight < b.weight ? 1 : 0;
}

export function finish(
  assignments: Assignment[],
  mentorships: Map<string, Mentorship>,
  uncovered: UncoveredObligation[],
  missingCompanions: UncoveredObligation[],
): AssignmentPlan {
  const byObligation = (a: { obligationId: string }, b: { obligationId: string }) =>
    cmp(a.obligationId, b.obligationId);
  return {
    assignments: assignments.sort(byObligation),
    mentorships: [...mentorships.values()].sort((a, b) => cmp(a.studentId, b.studentId)),
    uncovered: uncovered.sort(byObligation),
    missingCompanions: missingCompanions.sort(byObligation),
  };
}

/**
 * Whether a visit needs a companion: the obligation says so, or the home is remote. The entry's
 * student is the one the obligation names (entries group obligations by student id), so no
 * lookup by id is needed where the entry is at hand.
 */
export function companionNeeded(
  o: Obligation,
  student: AssignmentStudent | undefined,
  options: AssignmentOptions,
): boolean {
  return (
    o.kind !== "mentor_contact" &&
    (o.needsCompanion || (options.companionForRemote && student?.address.remote === true))
  );
}

export function needsMentor(obligations: readonly Obligation[], options: AssignmentOptions): boolean {
  return obligations.some(
    (o) =>
      o.category !== undefined ||
      o.kind === "priority" ||
      o.kind === "crisis" ||
      o.kind === "mentor_contact" ||
      (options.mentorFor === "categories_and_new_students" && o.kind === "new_student"),
  );
}

/** The class of the student's latest enrolment at the school that overlaps the term. */
export function classOf(
  student: AssignmentStudent,
  schoolId: string,
  term: Pick<Term, "start" | "end">,
): string | undefined {
  let best: { from: string; classId: string } | undefined;
  for (const e of student.enrolments) {
    if (e.schoolId !== schoolId || e.from > term.end || (e.to !== undefined && e.to < term.start)) continue;
    if (!best || e.from > best.from) best = { from: e.from, classId: e.classId };
  }
  return best?.classId;
}

export function mostFrequentLead(previous: readonly Assignment[]): Map<string, string> {
  const counts = new Map<string, Map<string, number>>();
  for (const a of previous) {
    const perStudent = counts.get(a.studentId) ?? new Map<string, number>();
    perStudent.set(a.leadTeacherId, (perStudent.get(a.leadTeacherId) ?? 0) + 1);
    counts.set(a.studentId, perStudent);
  }
  const result = new Map<string, string>();
  for (const [studentId, perStudent] of counts) {
    const [teacherId] = [...perStudent].sort((a, b) => b[1] - a[1] || cmp(a[0], b[0]))[0] ?? [];
    if (teacherId !== undefined) result.set(studentId, teacherId);
  }
  return result;
}

export function uncoveredOf(
  o: Pick<Obligation, "id" | "studentId">,
  code: ErrorCode,
  teachers?: number,
): UncoveredObligation {
  return {
    obligationId: o.id,
    studentId: o.studentId,
    code,
    reason: localizeAll(errorCatalog[code].message, teachers === undefined ? {} : { teachers }),
  };
}

export function insertionSortById(list: Obligation[]): void {
  for (let i = 1; i < list.length; i++) {
    const item = list[i] as Obligation;
    let j = i - 1;
    while (j >= 0 && cmp((list[j] as Obligation).id, item.id) > 0) {
      list[j + 1] = list[j] as Obligation;
      j--;
    }
    list[j + 1] = item;
  }
}

export function isDefined<T>(value: T | undefined): value is T {
  return value !== undefined;
}

export function cmp(a: string, b: string): number {
  // Equal texts first: unequal ones of known hashes answer at once, so most calls compare
  // their code units once rather than twice.
  return a === b ? 0 : a < b ? -1 : 1;
}
