import type { ProposedSlot } from "../../domain/planning.js";
import type { BusySlot } from "../../ports/timetable.js";
import type { IsoDate } from "../../shared/primitives.js";
import { minutes } from "./text.js";

/**
 * Checks a plan against the hard rules and lists every breach: a teacher in two places at once,
 * a visit over a busy slot of its lead or companion, a companion who is also the lead. Empty
 * when the plan is sound; for tests and for hosts that edit proposed slots by hand.
 *
 * @example
 * ```ts
 * scheduleConflicts(plan.slots, busySlots); // → []
 * scheduleConflicts(
 *   [{ obligationId: "o1", studentId: "s1", teacherId: "t1", date: "2026-09-14", start: "16:00", end: "16:45", tripId: "x" }],
 *   [{ teacherId: "t1", date: "2026-09-14", from: "15:50", to: "16:35" }],
 * );
 * // → [{ kind: "busy_slot", teacherId: "t1", date: "2026-09-14", obligationIds: ["o1"] }]
 * ```
 */
export function scheduleConflicts(
  slots: readonly ProposedSlot[],
  busySlots: readonly BusySlot[],
): {
  kind: "double_booked" | "busy_slot" | "companion_is_lead";
  teacherId: string;
  date: IsoDate;
  obligationIds: string[];
}[] {
  const conflicts: ReturnType<typeof scheduleConflicts> = [];
  const byTeacherDay = new Map<string, { a: number; b: number; id: string }[]>();
  for (const s of slots) {
    if (s.companionId === s.teacherId) {
      conflicts.push({
        kind: "companion_is_lead",
        teacherId: s.teacherId,
        date: s.date,
        obligationIds: [s.obligationId],
      });
    }
    for (const teacherId of s.companionId === undefined ? [s.teacherId] : [s.teacherId, s.companionId]) {
      const key = `${teacherId}|${s.date}`;
      const list = byTeacherDay.get(key) ?? [];
      list.push({ a: minutes(s.start), b: minutes(s.end), id: s.obligationId });
      byTeacherDay.set(key, list);
    }
  }
  for (const [key, list] of byTeacherDay) {
    const [teacherId = "", date = ""] = key.split("|");
    list.sort((x, y) => x.a - y.a || x.b - y.b);
    for (let i = 1; i < list.length; i++) {
      const prev = list[i - 1];
      const cur = list[i];
      if (prev && cur && cur.a < prev.b) {
        conflicts.push({ kind: "double_booked", teacherId, date, obligationIds: [prev.id, cur.id] });
      }
    }
  }
  for (const busy of busySlots) {
    for (const v of byTeacherDay.get(`${busy.teacherId}|${busy.date}`) ?? []) {
      if (v.a < minutes(busy.to) && minutes(busy.from) < v.b) {
        conflicts.push({ kind: "busy_slot", teacherId: busy.teacherId, date: busy.date, obligationIds: [v.id] });
      }
    }
  }
  return conflicts;
}
