import type { Assignment, Mentorship } from "../../domain/planning.js";
import { parsedOptions } from "../options-once.js";
import { balanceLoads } from "./balance.js";
import { buildContext, cmp, finish, mostFrequentLead, needsMentor, uncoveredOf } from "./context.js";
import {
  type AssignmentPlan,
  type AssignVisitorsInput,
  assignmentOptionsSchema,
  type UncoveredObligation,
} from "./options.js";
import { ensureEveryoneTakesPart, placeStudent } from "./place.js";

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
  const options = parsedOptions(assignmentOptionsSchema, input.options, ["options"]);
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
      // Kept while the mentor is in post with room (mentorCapacity); beyond it a new mentor
      // with room, and when nobody has room, the old mentor still (a mentor over capacity is
      // better than none).
      const keep = kept !== undefined && pool.has(kept.mentorId);
      const chosen = keep && pool.hasMenteeRoom(kept.mentorId) ? undefined : pool.chooseMentor(entry.classId, !keep);
      if (keep && chosen === undefined) {
        mentorId = kept.mentorId;
        pool.addMentee(mentorId);
        mentorships.set(studentId, kept);
      } else if (chosen !== undefined) {
        mentorId = chosen;
        pool.addMentee(mentorId);
        mentorships.set(studentId, { studentId, mentorId, since: input.term.start });
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
  balanceLoads(context, assignments);
  return finish(assignments, mentorships, uncovered, missingCompanions);
}
