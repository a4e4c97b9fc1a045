import type { Assignment } from "../../domain/planning.js";
import type { LocalizedText } from "../../shared/i18n.js";
import { type Context, companionNeeded, type Sinks, type StudentEntry, uncoveredOf } from "./context.js";
import type { Pool } from "./pool.js";
import { text } from "./text.js";

/** Placing one student's obligations with a lead (and companion), and giving idle teachers one. */

export function placeStudent(
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
    // A contact (a talk, a call) is no home visit: it takes none of the term capacity.
    pool.addLoad(hints.mentorId, w.load, o.channel === "any" ? 0 : w.visits);
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
export function ensureEveryoneTakesPart(context: Context, assignments: Assignment[]): void {
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

export function isContact(context: Context, a: Assignment): boolean {
  return (
    context.byStudent.get(a.studentId)?.obligations.find((o) => o.id === a.obligationId)?.kind === "mentor_contact"
  );
}
