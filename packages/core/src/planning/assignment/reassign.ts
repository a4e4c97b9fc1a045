import type { Assignment, Mentorship } from "../../domain/planning.js";
import { nextDay } from "../../shared/dates.js";
import { HomevisitError } from "../../shared/errors/homevisit-error.js";
import { localizeAll } from "../../shared/i18n.js";
import { parsedOptions } from "../options-once.js";
import { buildContext, cmp, finish, isDefined, type StudentEntry, uncoveredOf } from "./context.js";
import {
  type AssignmentPlan,
  assignmentOptionsSchema,
  type CaseloadMove,
  type CaseloadReassignment,
  type ReassignCaseloadInput,
} from "./options.js";
import { placeStudent } from "./place.js";
import { text } from "./text.js";

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
  const options = parsedOptions(assignmentOptionsSchema, input.options, ["options"]);
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
