import { UTCDate } from "@date-fns/utc";
import { differenceInCalendarDays, getISODay } from "date-fns";

// date-fns in UTC (`UTCDate`) for the dates the day-number paths of dates.ts do not take. In a
// module of its own because @date-fns/utc patches Date's prototype when loaded, so a bundler
// keeps it wherever it is imported: here, only the functions that need it pay for it.

/** A `YYYY-MM-DD` as a date-fns date at UTC midnight. */
function utcDay(date: string): UTCDate {
  return new UTCDate(`${date}T00:00:00Z`);
}

/**
 * Whole days from `from` to `to` by date-fns in UTC.
 *
 * @example
 * ```ts
 * utcDaysBetween("2026-09-01", "2026-10-13"); // 42
 * ```
 */
export function utcDaysBetween(from: string, to: string): number {
  return differenceInCalendarDays(utcDay(to), utcDay(from));
}

/**
 * The ISO weekday (1 = Monday … 7 = Sunday) of a date by date-fns in UTC.
 *
 * @example
 * ```ts
 * utcIsoWeekday("2026-11-28"); // 6
 * ```
 */
export function utcIsoWeekday(date: string): number {
  return getISODay(utcDay(date));
}
