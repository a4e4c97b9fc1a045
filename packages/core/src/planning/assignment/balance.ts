import type { Assignment } from "../../domain/planning.js";
import type { Context } from "./context.js";
import { isContact } from "./place.js";
import { text } from "./text.js";

/**
 * The busiest teacher's weighted load over the school's median, at most (issue 15 wants ≤ 2;
 * a little under, so that the last move never lands just past it).
 */
const targetRatio = 1.9;

/**
 * Load balancing after the leads are chosen: while the busiest teacher carries more than
 * {@link targetRatio} × the median weighted load, the busiest gives the heaviest of its students
 * that the least-loaded teacher can take without becoming the busiest to that teacher. Moves a
 * student's visits whole (one teacher per family), never a mentor's contacts. Stops when no
 * move helps; deterministic (ties by id).
 */
export function balanceLoads(context: Context, assignments: Assignment[]): void {
  const { pool } = context;
  if (pool.size < 3) return;
  const byStudent = new Map<string, Assignment[]>();
  for (const a of assignments) {
    const list = byStudent.get(a.studentId);
    if (list) list.push(a);
    else byStudent.set(a.studentId, [a]);
  }
  for (let round = 0; round < 4 * pool.size; round++) {
    const median = pool.medianLoad();
    const busiest = pool.busiest();
    const receiver = pool.leastLoadedInPost();
    if (busiest === undefined || receiver === undefined || busiest === receiver) return;
    const gap = pool.loadOf(busiest) - pool.loadOf(receiver);
    if (pool.loadOf(busiest) <= targetRatio * median) return;
    const move = heaviestMovable(context, byStudent, busiest, receiver, gap);
    if (!move) return;
    pool.addLoad(busiest, -move.load, -move.visits);
    pool.addLoad(receiver, move.load, move.visits);
    pool.moveLed(busiest, receiver, move.studentId);
    for (const a of byStudent.get(move.studentId) ?? []) {
      if (a.leadTeacherId === busiest && !isContact(context, a)) {
        a.leadTeacherId = receiver;
        a.reasons = [text.balanced];
      }
    }
  }
}

/** The heaviest student led by `donor` whose visits `receiver` can take, lighter than `gap`. */
function heaviestMovable(
  context: Context,
  byStudent: Map<string, Assignment[]>,
  donor: string,
  receiver: string,
  gap: number,
): { studentId: string; load: number; visits: number } | undefined {
  const { pool } = context;
  let best: { studentId: string; load: number; visits: number } | undefined;
  for (const studentId of pool.studentsLedBy(donor)) {
    const list = byStudent.get(studentId) ?? [];
    if (list.some((a) => a.companionTeacherId === receiver)) continue;
    let load = 0;
    let visits = 0;
    const entry = context.byStudent.get(studentId);
    for (const a of list) {
      if (a.leadTeacherId !== donor || isContact(context, a)) continue;
      const o = entry?.obligations.find((x) => x.id === a.obligationId);
      const w = o ? context.weightOf(o) : { load: 1, visits: 1 };
      load += w.load;
      visits += w.visits;
    }
    // Moving more than the gap would make the receiver the busiest.
    if (visits === 0 || load >= gap || !pool.fits(receiver, visits)) continue;
    if (!best || load > best.load || (load === best.load && studentId < best.studentId)) {
      best = { studentId, load, visits };
    }
  }
  return best;
}
