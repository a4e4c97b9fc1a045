import type { Appointment } from "../../../domain/appointment/index.js";
import type { VisitKind } from "../../../domain/planning.js";
import { type PlanningCalendar, planningCalendar } from "../../../planning/calendar/planning-calendar.js";
import { scheduleOptionsSchema, type TimeRange } from "../../../planning/schedule/options.js";
import type { BusySlot } from "../../../ports/timetable.js";
import { isoWeekday, shanghaiDate } from "../../../shared/dates.js";
import { HomevisitError } from "../../../shared/errors/homevisit-error.js";
import type { AllowedHours } from "./school-hours.js";

/**
 * The checks an appointment arranged outside the plan passes, the same the planner applies to
 * planned visits: a day visits may happen on (official holidays, exam weeks and closed days
 * only for a crisis visit), within the school's allowed hours of that day's kind (those its
 * plan for the term was scheduled with, else the planner's defaults), over none of the teacher's lessons or duties (the host's timetable), and no
 * overlap with another open or completed appointment of the teacher.
 */

const defaults = scheduleOptionsSchema.parse({}).allowedHours;
let calendar: PlanningCalendar | undefined;

/** Statuses whose time no longer holds the teacher: the visit will not take place then. */
const released = new Set(["refused", "missed", "cancelled"]);

function minuteOfDay(instant: string): number {
  // Instants are `+08:00` (appointmentInstantSchema): the wall clock is in the text.
  return Number(instant.slice(11, 13)) * 60 + Number(instant.slice(14, 16));
}

function minutesOf(time: string): number {
  return Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));
}

function rangesText(ranges: readonly TimeRange[]): string {
  return ranges.map((r) => `${r.from}–${r.to}`).join(", ");
}

/**
 * Throws the typed error of the first rule the candidate breaks: `appointment_on_holiday`,
 * `appointment_outside_allowed_hours` (against `hours`, the school's allowed hours; params:
 * the allowed ranges of that day's kind, never the time asked for), `appointment_lesson_clash`
 * (against `busy`, the teacher's busy slots), then `appointment_teacher_clash` (against
 * `others`, the teacher's appointments as lead or companion).
 *
 * @example
 * ```ts
 * checkAdHocAppointment({ kind: "universal", start: "2026-10-01T10:00:00+08:00", durationMinutes: 45, teacherId: "t-1" }, []);
 * // throws HomevisitError { code: "appointment_on_holiday", params: { date: "2026-10-01" } }
 * ```
 */
export function checkAdHocAppointment(
  candidate: { kind: VisitKind; start: string; durationMinutes: number; teacherId: string },
  others: readonly Pick<Appointment, "id" | "status" | "start" | "durationMinutes">[],
  busy: readonly BusySlot[] = [],
  hours: AllowedHours = defaults,
): void {
  const date = shanghaiDate(candidate.start);
  calendar ??= planningCalendar();
  const day = calendar.day(date);
  const closed = day.exam || day.type === "holiday";
  if (closed && candidate.kind !== "crisis") throw new HomevisitError("appointment_on_holiday", { params: { date } });
  const workday = day.type === "workday" || day.type === "makeup_workday";
  // A year without any calendar data: a weekday is taken as a school day, the stricter hours.
  const schoolDay = (workday && !day.vacation && !day.exam) || (day.type === "unknown" && isoWeekday(date) < 6);
  const ranges = schoolDay ? hours.schoolDay : hours.restDay;
  const from = minuteOfDay(candidate.start);
  const to = from + candidate.durationMinutes;
  if (!ranges.some((r) => minutesOf(r.from) <= from && to <= minutesOf(r.to))) {
    throw new HomevisitError("appointment_outside_allowed_hours", {
      params: { hours: rangesText(ranges) },
      path: ["start"],
    });
  }
  for (const slot of busy) {
    if (slot.teacherId !== candidate.teacherId || slot.date !== date) continue;
    if (minutesOf(slot.from) < to && from < minutesOf(slot.to)) {
      throw new HomevisitError("appointment_lesson_clash", {
        params: { teacherId: candidate.teacherId, date, from: slot.from, to: slot.to },
        path: ["start"],
      });
    }
  }
  const a = Date.parse(candidate.start);
  const b = a + candidate.durationMinutes * 60_000;
  for (const other of others) {
    if (released.has(other.status)) continue;
    const oa = Date.parse(other.start);
    const ob = oa + other.durationMinutes * 60_000;
    if (oa < b && a < ob) {
      throw new HomevisitError("appointment_teacher_clash", {
        params: { teacherId: candidate.teacherId, start: other.start },
        path: ["start"],
      });
    }
  }
}
