import * as z from "zod";
import { addCatalogIssue, parseInput } from "../shared/errors/parse.js";
import { type IsoDate, idSchema, isoDateSchema, localTimeSchema, shortTextSchema } from "../shared/primitives.js";

/**
 * The timetable port: how the planner learns when teachers teach, so that no visit clashes with
 * a lesson (R6: visits never disturb normal teaching).
 *
 * ## Writing a timetable adapter
 *
 * The host owns the timetable (排课); homevisit only reads busy slots from it. An adapter is any
 * object with a `busySlots(query)` method, sync or async:
 *
 * - It MUST return every slot in which one of the `teacherIds` cannot visit, on every date from
 *   `query.from` to `query.to` (both included): lessons, duties, meetings, exams.
 * - It MUST give dates as `YYYY-MM-DD` and times as wall-clock `HH:mm` in China Standard Time,
 *   whatever the server's time zone; `to` is after `from` (a slot never crosses midnight: split it).
 * - It MUST NOT return slots of teachers it was not asked about, nor of another school
 *   (tenant isolation: `schoolId` is always in the query).
 * - It MUST be deterministic for a fixed timetable: the same query gives the same slots.
 * - It MAY return slots in any order and MAY return overlapping slots; the planner merges them.
 * - `reason` is optional free text for the teacher's own view ("初二(3)班 数学"); it MUST NOT hold
 *   personal data about students.
 *
 * The planner itself is pure: the engine calls the port once per school and term and passes the
 * slots to `scheduleVisits` as data. {@link staticTimetable} is the
 * reference adapter.
 */

/** One period in which a teacher cannot visit (a lesson, a duty, a meeting). */
export const busySlotSchema = z
  .strictObject({
    teacherId: idSchema,
    date: isoDateSchema,
    from: localTimeSchema,
    to: localTimeSchema,
    reason: shortTextSchema.optional(),
  })
  .superRefine((slot, ctx) => {
    if (slot.to <= slot.from) addCatalogIssue(ctx, "schedule_busy_slot_invalid", {}, ["to"]);
  });
/** One period in which a teacher cannot visit. */
export type BusySlot = z.infer<typeof busySlotSchema>;

/** What the planner asks a {@link TimetableSource}: some teachers of one school, over some dates. */
export const timetableQuerySchema = z.strictObject({
  schoolId: idSchema,
  teacherIds: z.array(idSchema),
  from: isoDateSchema,
  to: isoDateSchema,
});
/** A query to a {@link TimetableSource}. */
export type TimetableQuery = z.infer<typeof timetableQuerySchema>;

/**
 * The port through which the host's timetable reaches the planner. See the adapter guide at
 * the top of this file for what an implementation must guarantee.
 */
export interface TimetableSource {
  /** Every busy slot of the teachers asked about, on every date of the range (both ends included). */
  busySlots(query: TimetableQuery): Promise<BusySlot[]> | BusySlot[];
}

/**
 * A timetable held in memory: the reference adapter, for tests, demos and hosts that export
 * their timetable as a list. The slots are validated once, up front (a bad slot throws a
 * `HomevisitError` with code `validation_failed`); queries then filter by teacher and date and
 * return slots sorted by teacher, date and start time.
 *
 * @example
 * ```ts
 * const timetable = staticTimetable([
 *   { teacherId: "t1", date: "2026-09-14", from: "08:00", to: "08:45", reason: "七(1)班 语文" },
 *   { teacherId: "t2", date: "2026-09-14", from: "16:40", to: "17:30" },
 * ]);
 * timetable.busySlots({ schoolId: "sch1", teacherIds: ["t1"], from: "2026-09-14", to: "2026-09-20" });
 * // → [{ teacherId: "t1", date: "2026-09-14", from: "08:00", to: "08:45", reason: "七(1)班 语文" }]
 * ```
 */
export function staticTimetable(slots: readonly z.input<typeof busySlotSchema>[]): TimetableSource {
  const sorted = [...parseInput(z.array(busySlotSchema), slots)].sort(
    (a, b) =>
      compare(a.teacherId, b.teacherId) || compare(a.date, b.date) || compare(a.from, b.from) || compare(a.to, b.to),
  );
  return {
    busySlots(query: TimetableQuery): BusySlot[] {
      const wanted = new Set(query.teacherIds);
      return sorted.filter((s) => wanted.has(s.teacherId) && inRange(s.date, query.from, query.to));
    },
  };
}

function inRange(date: IsoDate, from: IsoDate, to: IsoDate): boolean {
  return from <= date && date <= to;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
