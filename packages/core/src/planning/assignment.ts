import * as z from "zod";
import { nextDay } from "../shared/dates.js";
import type { ErrorCode } from "../shared/errors/catalog.js";
import { errorCatalog } from "../shared/errors/catalog.js";
import { HomevisitError } from "../shared/errors/homevisit-error.js";
import { parseInput } from "../shared/errors/parse.js";
import { type LocalizedText, localizeAll } from "../shared/i18n.js";
import type { School, SchoolClass, Teacher } from "../domain/organisation.js";
import type { IsoDate } from "../shared/primitives.js";
import type { Student } from "../domain/student.js";
import { childMap } from "./maps.js";
import { expandRecurrence } from "./rrule.js";
import type { Assignment, Mentorship, Obligation, Term } from "../domain/planning.js";

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
  mentorFor: z.enum(["categories", "categories_and_new_students"]).default("categories"),
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
  /** Mentor appointments in force; kept while the mentor is in post. */
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

const text = {
  continuity: { "zh-CN": "连续性：上学期由该教师家访", en: "Continuity: visited this student last term" },
  classTeacher: { "zh-CN": "班主任", en: "Class teacher of the student's class" },
  teachesClass: { "zh-CN": "任教该生所在班级", en: "Teaches the student's class" },
  leastLoaded: {
    "zh-CN": "全员参与：分给当前负担最轻的教师（负担 {load}）",
    en: "All take part: given to the least-loaded teacher (load {load})",
  },
  allTakePart: {
    "zh-CN": "全员参与：每位教师至少承担一次家访",
    en: "All take part: every teacher carries at least one visit",
  },
  mentor: { "zh-CN": "该生的德育导师", en: "The student's mentor (德育导师)" },
  mentorKept: { "zh-CN": "连续性：继续担任德育导师", en: "Continuity: stays the student's mentor" },
  mentorNew: {
    "zh-CN": "新任德育导师（负担 {load}，导师名额 {mentees}/{capacity}）",
    en: "New mentor (load {load}, mentees {mentees}/{capacity})",
  },
  companion: {
    "zh-CN": "两人同行：偏远地区或首次重点家访",
    en: "Two adults: remote home or first priority visit",
  },
  replaces: {
    "zh-CN": "接替离岗教师 {teacherId}（最后在岗日 {leftOn}）",
    en: "Takes over from teacher {teacherId}, who left on {leftOn}",
  },
} satisfies Record<string, LocalizedText>;

/**
 * Assigns a lead visitor to every obligation, a companion where two adults must go, and a
 * mentor to every priority student.
 *
 * How a lead is chosen, per student, heaviest students first: one teacher carries all of a
 * student's visits (continuity for the family); the first of last term's lead, the class
 * teacher and the class's other teachers (least loaded first) whose load stays within the fair
 * share (+ `preferredLoadTolerance`) and capacity; otherwise the least-loaded teacher of the
 * school. Load is weighted by visit kind (`kindWeights`) and travel time; the principal's fair
 * share is `principalShare` (default ½). Mentor contacts go to the mentor. Afterwards every
 * teacher still without a visit takes one from the most loaded teacher (全员参与). Teachers
 * who left before the term starts get nothing. Every assignment lists its reasons.
 *
 * @example
 * ```ts
 * const plan = assignVisitors({
 *   school: { id: "sch1" },
 *   term: { start: "2026-09-01", end: "2027-01-22" },
 *   teachers: [t1, t2, principal], // t1 is class teacher of c1, t2 teaches c1
 *   classes: [{ id: "c1", schoolId: "sch1", grade: 7, name: "七(1)班", schoolYear: 2026, classTeacherId: "t1" }],
 *   students: [s1, s2, s3, s4],    // all in c1; s4 is in a priority category
 *   obligations,                   // one universal visit each, plus a priority visit for s4
 * });
 * // → {
 * //   assignments: [
 * //     { obligationId: "priority:s4:…", studentId: "s4", leadTeacherId: "t1", reasons: [class teacher] },
 * //     { obligationId: "universal_yearly:s1:…", studentId: "s1", leadTeacherId: "t2", reasons: [teaches class] },
 * //     { obligationId: "universal_yearly:s3:…", studentId: "s3", leadTeacherId: "principal", reasons: [least loaded] },
 * //     …
 * //   ],
 * //   mentorships: [{ studentId: "s4", mentorId: "t2", since: "2026-09-01" }],
 * //   uncovered: [], missingCompanions: [],
 * // }
 * ```
 */
export function assignVisitors(input: AssignVisitorsInput): AssignmentPlan {
  const options = parseInput(assignmentOptionsSchema, input.options ?? {}, { path: ["options"] });
  const context = buildContext(input, options, undefined);
  const { pool } = context;

  const previousLead = mostFrequentLead(input.previousAssignments ?? []);
  const existingMentors = new Map<string, Mentorship>();
  for (const m of [...(input.mentorships ?? [])].sort((a, b) => cmp(a.since, b.since))) {
    existingMentors.set(m.studentId, m);
  }

  const assignments: Assignment[] = [];
  const uncovered: UncoveredObligation[] = [];
  const missingCompanions: UncoveredObligation[] = [];
  const mentorships = new Map<string, Mentorship>();
  // Mentorships of students outside this plan stay as they are while their mentor is in post.
  for (const m of existingMentors.values()) {
    if (pool.has(m.mentorId) && !context.byStudent.has(m.studentId)) mentorships.set(m.studentId, m);
  }

  for (const entry of context.order) {
    const { studentId, student, obligations } = entry;
    if (!student) {
      for (const o of obligations) uncovered.push(uncoveredOf(o, "assignment_student_missing"));
      continue;
    }
    let mentorId: string | undefined;
    if (needsMentor(obligations, options)) {
      const kept = existingMentors.get(studentId);
      if (kept && pool.has(kept.mentorId)) {
        mentorId = kept.mentorId;
        pool.addMentee(mentorId);
        mentorships.set(studentId, kept);
      } else {
        mentorId = pool.chooseMentor(entry.classId);
        if (mentorId !== undefined) {
          pool.addMentee(mentorId);
          mentorships.set(studentId, { studentId, mentorId, since: input.term.start });
        }
      }
    }
    placeStudent(
      context,
      entry,
      { previousLead: previousLead.get(studentId), mentorId, extraReason: undefined },
      {
        assignments,
        uncovered,
        missingCompanions,
      },
    );
  }

  ensureEveryoneTakesPart(context, assignments);
  return finish(assignments, mentorships, uncovered, missingCompanions);
}

/**
 * Moves a leaving teacher's open caseload to colleagues and says what moved. Obligations whose
 * window ends before `leftOn`, and those listed as completed, stay (they are history); every
 * other lead role goes, per student, to the class teacher or a teacher of the class within the
 * fair share, else the least-loaded teacher; companion roles and mentor appointments move the
 * same way. Loads of the rest of the plan count, so the new owners are the ones with room.
 *
 * @example
 * ```ts
 * const { plan: next, moved } = reassignCaseload(plan, {
 *   school, term, teachers, classes, students, obligations,
 *   teacherId: "t2", leftOn: "2026-11-15",
 * });
 * // moved → [
 * //   { obligationId: "universal_yearly:s1:…", studentId: "s1", role: "lead", from: "t2", to: "t1",
 * //     reason: { "zh-CN": "接替离岗教师 t2（最后在岗日 2026-11-15）", en: "Takes over from teacher t2, who left on 2026-11-15" } },
 * //   { studentId: "s4", role: "mentor", from: "t2", to: "principal", reason: … },
 * // ]
 * // next.assignments no longer name t2 for any open obligation.
 * ```
 */
export function reassignCaseload(plan: AssignmentPlan, input: ReassignCaseloadInput): CaseloadReassignment {
  const options = parseInput(assignmentOptionsSchema, input.options ?? {}, { path: ["options"] });
  const leaving = input.teacherId;
  if (!input.teachers.some((t) => t.id === leaving)) {
    throw new HomevisitError("assignment_teacher_not_found", { params: { teacherId: leaving } });
  }
  const context = buildContext(input, options, leaving);
  const { pool } = context;
  const obligationById = new Map(input.obligations.map((o) => [o.id, o]));
  const completed = new Set(input.completedObligationIds ?? []);
  const replaces = localizeAll(text.replaces, { teacherId: leaving, leftOn: input.leftOn });
  const stillOpen = (obligationId: string): boolean => {
    const o = obligationById.get(obligationId);
    return !completed.has(obligationId) && (o === undefined || o.window.to >= input.leftOn);
  };

  const moved: CaseloadMove[] = [];
  const kept: Assignment[] = [];
  const toMove = new Map<string, Assignment[]>();
  for (const a of [...plan.assignments].sort((x, y) => cmp(x.obligationId, y.obligationId))) {
    const leadMoves = a.leadTeacherId === leaving && stillOpen(a.obligationId);
    const companionMoves = a.companionTeacherId === leaving && stillOpen(a.obligationId);
    if (leadMoves || companionMoves) {
      const list = toMove.get(a.studentId) ?? [];
      list.push(a);
      toMove.set(a.studentId, list);
    } else {
      kept.push(a);
    }
  }
  // The rest of the plan is what the colleagues already carry.
  for (const a of kept) {
    const o = obligationById.get(a.obligationId);
    const w = o ? context.weightOf(o) : { load: 1, visits: 1 };
    pool.addLoad(a.leadTeacherId, w.load, w.visits);
    if (a.companionTeacherId) pool.addLoad(a.companionTeacherId, w.load * options.companionShare, w.visits);
  }
  const mentorships = new Map<string, Mentorship>();
  const newMentors: { studentId: string; entry: StudentEntry | undefined }[] = [];
  for (const m of plan.mentorships) {
    if (m.mentorId === leaving) newMentors.push({ studentId: m.studentId, entry: context.byStudent.get(m.studentId) });
    else {
      mentorships.set(m.studentId, m);
      if (pool.has(m.mentorId)) pool.addMentee(m.mentorId);
    }
  }
  const since = nextDay(input.leftOn);
  for (const { studentId, entry } of newMentors.sort((a, b) => cmp(a.studentId, b.studentId))) {
    const to = pool.chooseMentor(entry?.classId);
    if (to !== undefined) {
      pool.addMentee(to);
      mentorships.set(studentId, { studentId, mentorId: to, since });
    }
    moved.push({ studentId, role: "mentor", from: leaving, ...(to === undefined ? {} : { to }), reason: replaces });
  }

  const assignments = [...kept];
  const uncovered = plan.uncovered.filter((u) => !toMove.has(u.studentId));
  const missingCompanions = plan.missingCompanions.filter((u) => !toMove.has(u.studentId));
  for (const [studentId, list] of [...toMove].sort((a, b) => cmp(a[0], b[0]))) {
    const entry = context.byStudent.get(studentId);
    const leadMoving = list.filter((a) => a.leadTeacherId === leaving);
    const companionMoving = list.filter((a) => a.leadTeacherId !== leaving);
    // Lead roles: re-place the student's open obligations as one caseload.
    if (leadMoving.length > 0) {
      const obligations = leadMoving.map((a) => obligationById.get(a.obligationId)).filter(isDefined);
      const sub: StudentEntry = {
        studentId,
        student: entry?.student,
        classId: entry?.classId,
        obligations,
        weight: 0,
      };
      const mentorId = mentorships.get(studentId)?.mentorId;
      const before = assignments.length;
      const uncoveredBefore = uncovered.length;
      placeStudent(
        context,
        sub,
        { previousLead: undefined, mentorId, extraReason: replaces },
        {
          assignments,
          uncovered,
          missingCompanions,
        },
      );
      for (const a of assignments.slice(before)) {
        moved.push({
          obligationId: a.obligationId,
          studentId,
          role: "lead",
          from: leaving,
          to: a.leadTeacherId,
          reason: replaces,
        });
      }
      for (const u of uncovered.slice(uncoveredBefore)) {
        moved.push({ obligationId: u.obligationId, studentId, role: "lead", from: leaving, reason: u.reason });
      }
    }
    for (const a of companionMoving) {
      const o = obligationById.get(a.obligationId);
      const w = o ? context.weightOf(o) : { load: 1, visits: 1 };
      const to = pool.chooseCompanion(entry?.classId, a.leadTeacherId, w.load * options.companionShare, w.visits);
      if (to === undefined) {
        const { companionTeacherId: _dropped, ...rest } = a;
        assignments.push(rest);
        missingCompanions.push(uncoveredOf(o ?? { id: a.obligationId, studentId }, "assignment_no_companion"));
        moved.push({ obligationId: a.obligationId, studentId, role: "companion", from: leaving, reason: replaces });
      } else {
        pool.addLoad(to, w.load * options.companionShare, w.visits);
        assignments.push({ ...a, companionTeacherId: to, reasons: [...a.reasons, replaces] });
        moved.push({ obligationId: a.obligationId, studentId, role: "companion", from: leaving, to, reason: replaces });
      }
    }
  }
  return {
    plan: finish(assignments, mentorships, uncovered, missingCompanions),
    moved: moved.sort(
      (a, b) => cmp(a.studentId, b.studentId) || cmp(a.role, b.role) || cmp(a.obligationId ?? "", b.obligationId ?? ""),
    ),
  };
}

/**
 * The load one obligation puts on its lead and the visits it counts against capacity:
 * the kind's weight plus round-trip travel hours × `travelWeightPerHour`, times the number of
 * occurrences for a recurring contact. Pass a `Map` as `occurrenceCache` to expand each
 * recurring rule text and window once across many calls.
 *
 * @example
 * ```ts
 * const options = assignmentOptionsSchema.parse({});
 * obligationLoad({ kind: "crisis", window, preferred: [] }, { travelMinutes: 30 }, options);
 * // → { load: 3, visits: 1 }   (crisis 2 + one hour round trip × 1)
 * ```
 */
export function obligationLoad(
  obligation: Pick<Obligation, "kind" | "window" | "rrule">,
  address: { travelMinutes?: number | undefined } | undefined,
  options: AssignmentOptions,
  occurrenceCache?: Map<string, number>,
): { load: number; visits: number } {
  let visits = 1;
  if (obligation.rrule !== undefined) {
    // Many students share one rule text and window: expand each combination once.
    const key = occurrenceKey(obligation.window.from, obligation.window.to, obligation.rrule);
    const cached = occurrenceCache?.get(key);
    if (cached !== undefined) visits = cached;
    else {
      try {
        visits = Math.max(1, expandRecurrence(obligation.rrule, obligation.window).length);
      } catch {
        visits = 1;
      }
      occurrenceCache?.set(key, visits);
    }
  }
  const travelHours = ((address?.travelMinutes ?? 0) * 2) / 60;
  const perVisit = options.kindWeights[obligation.kind] + travelHours * options.travelWeightPerHour;
  return { load: perVisit * visits, visits };
}

/**
 * The key of a rule text and window in an occurrence cache: `from|to|rrule`. Students share
 * rule texts (one object per school) and windows, so the text of each combination is kept and
 * looked up through nested maps rather than built again per obligation.
 */
function occurrenceKey(from: string, to: string, rrule: string): string {
  // Bounded: rule texts are few per process, but a long-running host plans many terms.
  if (occurrenceKeys.size >= 1024 && !occurrenceKeys.has(rrule)) occurrenceKeys.clear();
  const byTo = childMap(childMap(occurrenceKeys, rrule), from);
  let key = byTo.get(to);
  if (key === undefined) {
    key = `${from}|${to}|${rrule}`;
    byTo.set(to, key);
  }
  return key;
}

const occurrenceKeys = new Map<string, Map<string, Map<string, string>>>();

/**
 * Whether a teacher is in post during a term: joined by its end and not gone before its start.
 *
 * @example
 * ```ts
 * isTeacherInPost({ leftOn: "2026-08-31" }, { start: "2026-09-01", end: "2027-01-22" }); // → false
 * isTeacherInPost({}, { start: "2026-09-01", end: "2027-01-22" }); // → true
 * ```
 */
export function isTeacherInPost(
  teacher: Pick<Teacher, "joinedOn" | "leftOn">,
  term: Pick<Term, "start" | "end">,
): boolean {
  return (
    (teacher.leftOn === undefined || teacher.leftOn >= term.start) &&
    (teacher.joinedOn === undefined || teacher.joinedOn <= term.end)
  );
}

// ——— internals ———

/** Occurrences per recurring rule and window, shared by every call (bounded; see buildContext). */
const sharedOccurrences = new Map<string, number>();

interface StudentEntry {
  studentId: string;
  student: AssignmentStudent | undefined;
  classId: string | undefined;
  obligations: Obligation[];
  weight: number;
}

interface Context {
  pool: Pool;
  options: AssignmentOptions;
  order: StudentEntry[];
  byStudent: Map<string, StudentEntry>;
  classTeacher: Map<string, string>;
  weightOf: (o: Obligation) => { load: number; visits: number };
  needsCompanion: (o: Obligation) => boolean;
}

interface Sinks {
  assignments: Assignment[];
  uncovered: UncoveredObligation[];
  missingCompanions: UncoveredObligation[];
}

function buildContext(input: AssignVisitorsInput, options: AssignmentOptions, excluded: string | undefined): Context {
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
  // Heaviest first (longest-processing-time order) balances best; ids break ties.
  order.sort((a, b) => b.weight - a.weight || cmp(a.studentId, b.studentId));
  const mentees = order.filter((e) => needsMentor(e.obligations, options)).length;
  total += mentees * options.menteeWeight;

  const pool = new Pool(eligible, classTeacher, options, total);
  return { pool, options, order, byStudent, classTeacher, weightOf, needsCompanion };
}

function placeStudent(
  context: Context,
  entry: StudentEntry,
  hints: { previousLead: string | undefined; mentorId: string | undefined; extraReason: LocalizedText | undefined },
  sinks: Sinks,
): void {
  const { pool, options } = context;
  const extra = hints.extraReason;
  let visitCount = 0;

  for (const o of entry.obligations) {
    if (o.kind !== "mentor_contact") {
      visitCount++;
      continue;
    }
    if (hints.mentorId === undefined) {
      sinks.uncovered.push(
        uncoveredOf(o, pool.size === 0 ? "assignment_no_eligible_teacher" : "assignment_capacity_exhausted", pool.size),
      );
      continue;
    }
    const w = context.weightOf(o);
    pool.addLoad(hints.mentorId, w.load, w.visits);
    sinks.assignments.push({
      obligationId: o.id,
      studentId: entry.studentId,
      leadTeacherId: hints.mentorId,
      reasons: extra ? [text.mentor, extra] : [text.mentor],
    });
  }
  if (visitCount === 0) return;
  const visits =
    visitCount === entry.obligations.length
      ? entry.obligations
      : entry.obligations.filter((o) => o.kind !== "mentor_contact");

  let load = 0;
  let count = 0;
  let companionCount = 0;
  for (const o of visits) {
    const w = context.weightOf(o);
    load += w.load;
    count += w.visits;
    if (companionNeeded(o, entry.student, options)) companionCount++;
  }
  const lead = pool.chooseLead(entry.classId, hints.previousLead, load, count);
  if (!lead) {
    for (const o of visits) {
      sinks.uncovered.push(
        uncoveredOf(o, pool.size === 0 ? "assignment_no_eligible_teacher" : "assignment_capacity_exhausted", pool.size),
      );
    }
    return;
  }
  pool.addLoad(lead.teacherId, load, count);
  pool.ledBy(lead.teacherId, entry.studentId);

  let companionId: string | undefined;
  if (companionCount > 0) {
    let cLoad = 0;
    let cCount = 0;
    for (const o of visits) {
      if (!companionNeeded(o, entry.student, options)) continue;
      const w = context.weightOf(o);
      cLoad += w.load * options.companionShare;
      cCount += w.visits;
    }
    companionId = pool.chooseCompanion(entry.classId, lead.teacherId, cLoad, cCount);
    if (companionId !== undefined) pool.addLoad(companionId, cLoad, cCount);
  }
  for (const o of visits) {
    const needs = companionNeeded(o, entry.student, options);
    const obligationId = o.id;
    const studentId = entry.studentId;
    const leadTeacherId = lead.teacherId;
    // One literal per shape (the companion last, as before): no field added afterwards.
    if (needs && companionId !== undefined) {
      sinks.assignments.push({
        obligationId,
        studentId,
        leadTeacherId,
        reasons: extra ? [lead.reason, extra, text.companion] : [lead.reason, text.companion],
        companionTeacherId: companionId,
      });
      continue;
    }
    if (needs) sinks.missingCompanions.push(uncoveredOf(o, "assignment_no_companion"));
    sinks.assignments.push({
      obligationId,
      studentId,
      leadTeacherId,
      reasons: extra ? [lead.reason, extra] : [lead.reason],
    });
  }
}

/** 全员参与: a teacher in post with no visit takes one student from the most loaded teacher. */
function ensureEveryoneTakesPart(context: Context, assignments: Assignment[]): void {
  const { pool } = context;
  const idle = pool.idleTeachers();
  if (idle.length === 0) return;
  const byStudent = new Map<string, Assignment[]>();
  for (const a of assignments) {
    const list = byStudent.get(a.studentId) ?? [];
    list.push(a);
    byStudent.set(a.studentId, list);
  }
  for (const receiver of idle) {
    // The most loaded teacher that can give gives its lightest student, so the receiver is not
    // overloaded at once.
    let best: { studentId: string; load: number; visits: number } | undefined;
    let donor = "";
    for (const candidate of pool.donors(receiver)) {
      donor = candidate;
      best = lightestMovable(context, pool, byStudent, donor, receiver);
      if (best) break;
    }
    if (!best) continue;
    pool.addLoad(donor, -best.load, -best.visits);
    pool.addLoad(receiver, best.load, best.visits);
    pool.moveLed(donor, receiver, best.studentId);
    for (const a of byStudent.get(best.studentId) ?? []) {
      if (a.leadTeacherId === donor && !isContact(context, a)) {
        a.leadTeacherId = receiver;
        a.reasons = [text.allTakePart];
      }
    }
  }
}

function lightestMovable(
  context: Context,
  pool: Pool,
  byStudent: Map<string, Assignment[]>,
  donor: string,
  receiver: string,
): { studentId: string; load: number; visits: number } | undefined {
  let best: { studentId: string; load: number; visits: number } | undefined;
  for (const studentId of pool.studentsLedBy(donor)) {
    const list = byStudent.get(studentId) ?? [];
    const movable = list.filter((a) => a.leadTeacherId === donor && !isContact(context, a));
    if (movable.length === 0 || list.some((a) => a.companionTeacherId === receiver)) continue;
    let load = 0;
    let visits = 0;
    for (const a of movable) {
      const o = context.byStudent.get(studentId)?.obligations.find((x) => x.id === a.obligationId);
      const w = o ? context.weightOf(o) : { load: 1, visits: 1 };
      load += w.load;
      visits += w.visits;
    }
    if (!pool.fits(receiver, visits)) continue;
    if (!best || load < best.load || (load === best.load && studentId < best.studentId)) {
      best = { studentId, load, visits };
    }
  }
  return best;
}

function isContact(context: Context, a: Assignment): boolean {
  return (
    context.byStudent.get(a.studentId)?.obligations.find((o) => o.id === a.obligationId)?.kind === "mentor_contact"
  );
}

function finish(
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
function companionNeeded(o: Obligation, student: AssignmentStudent | undefined, options: AssignmentOptions): boolean {
  return (
    o.kind !== "mentor_contact" &&
    (o.needsCompanion || (options.companionForRemote && student?.address.remote === true))
  );
}

function needsMentor(obligations: readonly Obligation[], options: AssignmentOptions): boolean {
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
function classOf(student: AssignmentStudent, schoolId: string, term: Pick<Term, "start" | "end">): string | undefined {
  let best: { from: string; classId: string } | undefined;
  for (const e of student.enrolments) {
    if (e.schoolId !== schoolId || e.from > term.end || (e.to !== undefined && e.to < term.start)) continue;
    if (!best || e.from > best.from) best = { from: e.from, classId: e.classId };
  }
  return best?.classId;
}

function mostFrequentLead(previous: readonly Assignment[]): Map<string, string> {
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

function uncoveredOf(o: Pick<Obligation, "id" | "studentId">, code: ErrorCode, teachers?: number): UncoveredObligation {
  return {
    obligationId: o.id,
    studentId: o.studentId,
    code,
    reason: localizeAll(errorCatalog[code].message, teachers === undefined ? {} : { teachers }),
  };
}

function insertionSortById(list: Obligation[]): void {
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

function isDefined<T>(value: T | undefined): value is T {
  return value !== undefined;
}

function cmp(a: string, b: string): number {
  // Equal texts first: unequal ones of known hashes answer at once, so most calls compare
  // their code units once rather than twice.
  return a === b ? 0 : a < b ? -1 : 1;
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

/**
 * The teachers in post with their running load. The least-loaded teacher comes from a heap
 * with lazy deletion, so a pick costs O(log teachers), not a scan of the staff: a big school has
 * 3,000 students and 300 teachers.
 */
class Pool {
  private readonly ids: string[];
  private readonly index = new Map<string, number>();
  private readonly load: Float64Array;
  private readonly visits: Int32Array;
  private readonly mentees: Int32Array;
  private readonly capacity: Int32Array;
  private readonly share: Float64Array;
  private readonly roleMentor: Uint8Array;
  private readonly byClass = new Map<string, number[]>();
  private readonly led: Set<string>[];
  private readonly fair: number;
  private heap: { key: number; i: number }[] = [];
  /** The least-loaded reason per load shown: students often see the same rounded load. */
  private readonly leastLoadedReasons = new Map<number, LocalizedText>();

  constructor(
    teachers: readonly Teacher[],
    private readonly classTeacher: Map<string, string>,
    private readonly options: AssignmentOptions,
    totalLoad: number,
  ) {
    const n = teachers.length;
    this.ids = teachers.map((t) => t.id);
    this.load = new Float64Array(n);
    this.visits = new Int32Array(n);
    this.mentees = new Int32Array(n);
    this.capacity = new Int32Array(n);
    this.share = new Float64Array(n);
    this.roleMentor = new Uint8Array(n);
    this.led = teachers.map(() => new Set<string>());
    let shares = 0;
    teachers.forEach((t, i) => {
      this.index.set(t.id, i);
      this.capacity[i] = t.termCapacity ?? options.defaultTermCapacity;
      const share = t.roles.includes("principal") ? options.principalShare : 1;
      this.share[i] = share;
      shares += share;
      this.roleMentor[i] = t.roles.includes("mentor") ? 1 : 0;
      for (const c of t.classIds) {
        const list = this.byClass.get(c) ?? [];
        list.push(i);
        this.byClass.set(c, list);
      }
      this.heap.push({ key: 0, i });
    });
    this.fair = shares > 0 ? totalLoad / shares : 0;
    this.heap.sort((a, b) => a.key - b.key || a.i - b.i);
  }

  get size(): number {
    return this.ids.length;
  }

  has(teacherId: string): boolean {
    return this.index.has(teacherId);
  }

  fits(teacherId: string, visits: number): boolean {
    const i = this.index.get(teacherId);
    return i !== undefined && this.fitsAt(i, visits);
  }

  addLoad(teacherId: string, load: number, visits: number): void {
    const i = this.index.get(teacherId);
    if (i === undefined) return;
    this.load[i] = (this.load[i] ?? 0) + load;
    this.visits[i] = (this.visits[i] ?? 0) + visits;
    this.push(i);
  }

  addMentee(teacherId: string): void {
    const i = this.index.get(teacherId);
    if (i === undefined) return;
    this.mentees[i] = (this.mentees[i] ?? 0) + 1;
    this.addLoad(teacherId, this.options.menteeWeight, 0);
  }

  ledBy(teacherId: string, studentId: string): void {
    const i = this.index.get(teacherId);
    if (i !== undefined) this.led[i]?.add(studentId);
  }

  studentsLedBy(teacherId: string): string[] {
    const i = this.index.get(teacherId);
    return i === undefined ? [] : [...(this.led[i] ?? [])].sort(cmp);
  }

  moveLed(from: string, to: string, studentId: string): void {
    const i = this.index.get(from);
    if (i !== undefined) this.led[i]?.delete(studentId);
    this.ledBy(to, studentId);
  }

  idleTeachers(): string[] {
    return this.ids.filter((_, i) => (this.visits[i] ?? 0) === 0 && (this.capacity[i] ?? 0) > 0);
  }

  /** Teachers who lead at least two students, most loaded first: those who can give one away. */
  donors(except: string): string[] {
    const list: number[] = [];
    for (let i = 0; i < this.ids.length; i++) {
      if (this.ids[i] !== except && (this.led[i]?.size ?? 0) >= 2) list.push(i);
    }
    return list.sort((a, b) => this.key(b) - this.key(a) || a - b).map((i) => this.ids[i] as string);
  }

  chooseLead(
    classId: string | undefined,
    previousLead: string | undefined,
    load: number,
    visits: number,
  ): { teacherId: string; reason: LocalizedText } | undefined {
    // Preferred in turn: last term's lead, the class teacher, the class's other teachers least
    // loaded first. Each is a scan, not a sorted copy of the class's staff per student.
    const previous = previousLead === undefined ? undefined : this.index.get(previousLead);
    if (previous !== undefined && this.fitsAt(previous, visits) && this.withinFairShare(previous, load)) {
      return { teacherId: this.ids[previous] as string, reason: text.continuity };
    }
    const classLeadIndex = this.classLeadOf(classId);
    if (classLeadIndex >= 0 && this.fitsAt(classLeadIndex, visits) && this.withinFairShare(classLeadIndex, load)) {
      return { teacherId: this.ids[classLeadIndex] as string, reason: text.classTeacher };
    }
    const other = this.leastLoadedFitting(classId, classLeadIndex, visits, load);
    if (other >= 0) return { teacherId: this.ids[other] as string, reason: text.teachesClass };
    const i = this.leastLoaded((j) => this.fitsAt(j, visits));
    if (i === undefined) return undefined;
    const shown = round(this.load[i] ?? 0);
    let reason = this.leastLoadedReasons.get(shown);
    if (reason === undefined) {
      reason = localizeAll(text.leastLoaded, { load: shown });
      this.leastLoadedReasons.set(shown, reason);
    }
    return { teacherId: this.ids[i] as string, reason };
  }

  chooseCompanion(classId: string | undefined, leadId: string, load: number, visits: number): string | undefined {
    const lead = this.index.get(leadId);
    const ofClass = this.leastLoadedFitting(classId, lead ?? -1, visits, load);
    if (ofClass >= 0) return this.ids[ofClass];
    const i = this.leastLoaded((j) => j !== lead && this.fitsAt(j, visits));
    return i === undefined ? undefined : this.ids[i];
  }

  chooseMentor(classId: string | undefined): string | undefined {
    const cap = this.options.mentorCapacity;
    const hasRoom = (i: number) => (this.mentees[i] ?? 0) < cap;
    const weight = this.options.menteeWeight;
    // Teachers appointed as mentors and teaching the class first, then any teacher of the class.
    const appointed = this.leastLoadedOfClass(
      classId,
      (i) => this.roleMentor[i] === 1 && hasRoom(i) && this.withinFairShare(i, weight),
    );
    if (appointed >= 0) return this.ids[appointed];
    const any = this.leastLoadedOfClass(classId, (i) => hasRoom(i) && this.withinFairShare(i, weight));
    if (any >= 0) return this.ids[any];
    const i = this.leastLoaded(hasRoom);
    return i === undefined ? undefined : this.ids[i];
  }

  /** The class teacher's index, or -1. */
  private classLeadOf(classId: string | undefined): number {
    if (classId === undefined) return -1;
    const lead = this.classTeacher.get(classId);
    return (lead === undefined ? undefined : this.index.get(lead)) ?? -1;
  }

  /**
   * {@link leastLoadedOfClass} for a lead or companion: a teacher other than `except` with room
   * for `visits` within the fair share after `load`. Its own loop, not a predicate: it runs for
   * every student, and the closures were a share of the assignment's garbage.
   */
  private leastLoadedFitting(classId: string | undefined, except: number, visits: number, load: number): number {
    if (classId === undefined) return -1;
    const list = this.byClass.get(classId) ?? noIndices;
    const lead = this.classLeadOf(classId);
    let best = -1;
    let bestKey = 0;
    // The class's teachers, then the class teacher, as leastLoadedOfClass considers them.
    for (let k = 0; k <= list.length; k++) {
      const i = k < list.length ? (list[k] as number) : lead;
      if (i < 0) continue;
      const key = this.key(i);
      if (
        (best < 0 || key < bestKey || (key === bestKey && i < best)) &&
        i !== except &&
        this.fitsAt(i, visits) &&
        this.withinFairShare(i, load)
      ) {
        best = i;
        bestKey = key;
      }
    }
    return best;
  }

  /**
   * The least-loaded teacher of a class (class teacher included; ties by index) that `accept`
   * takes, or -1: the first such teacher in least-loaded order.
   */
  private leastLoadedOfClass(classId: string | undefined, accept: (i: number) => boolean): number {
    if (classId === undefined) return -1;
    let best = -1;
    let bestKey = 0;
    const consider = (i: number): void => {
      const key = this.key(i);
      if ((best < 0 || key < bestKey || (key === bestKey && i < best)) && accept(i)) {
        best = i;
        bestKey = key;
      }
    };
    for (const i of this.byClass.get(classId) ?? noIndices) consider(i);
    const lead = this.classLeadOf(classId);
    if (lead >= 0) consider(lead);
    return best;
  }

  private fitsAt(i: number, visits: number): boolean {
    return (this.visits[i] ?? 0) + visits <= (this.capacity[i] ?? 0);
  }

  private withinFairShare(i: number, load: number): boolean {
    const share = this.share[i] ?? 1;
    return ((this.load[i] ?? 0) + load) / share <= this.fair * (1 + this.options.preferredLoadTolerance) + 1e-9;
  }

  private key(i: number): number {
    return (this.load[i] ?? 0) / (this.share[i] ?? 1);
  }

  private leastLoaded(accept: (i: number) => boolean): number | undefined {
    const aside: number[] = [];
    let found: number | undefined;
    while (this.heap.length > 0) {
      const top = this.pop();
      if (!top || top.key !== this.key(top.i)) continue; // stale entry
      if (accept(top.i)) {
        found = top.i;
        break;
      }
      aside.push(top.i);
    }
    for (const i of aside) this.push(i);
    if (found !== undefined) this.push(found);
    return found;
  }

  private push(i: number): void {
    const heap = this.heap;
    heap.push({ key: this.key(i), i });
    let k = heap.length - 1;
    while (k > 0) {
      const parent = (k - 1) >> 1;
      if (!this.less(heap[k], heap[parent])) break;
      swap(heap, k, parent);
      k = parent;
    }
    // Stale entries pile up as loads change; rebuild when the heap grows far past the staff.
    if (heap.length > 8 * this.ids.length + 64) this.rebuild();
  }

  private pop(): { key: number; i: number } | undefined {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (heap.length > 0 && last) {
      heap[0] = last;
      let k = 0;
      for (;;) {
        const l = 2 * k + 1;
        const r = l + 1;
        let m = k;
        if (l < heap.length && this.less(heap[l], heap[m])) m = l;
        if (r < heap.length && this.less(heap[r], heap[m])) m = r;
        if (m === k) break;
        swap(heap, k, m);
        k = m;
      }
    }
    return top;
  }

  private less(a: { key: number; i: number } | undefined, b: { key: number; i: number } | undefined): boolean {
    if (!a || !b) return false;
    return a.key < b.key || (a.key === b.key && a.i < b.i);
  }

  private rebuild(): void {
    this.heap = this.ids.map((_, i) => ({ key: this.key(i), i })).sort((a, b) => a.key - b.key || a.i - b.i);
  }
}

const noIndices: readonly number[] = [];

function swap<T>(array: T[], a: number, b: number): void {
  const x = array[a] as T;
  array[a] = array[b] as T;
  array[b] = x;
}
