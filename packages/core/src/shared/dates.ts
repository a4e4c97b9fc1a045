import { utcDaysBetween, utcIsoWeekday } from "./utc-days.js";

/**
 * Calendar-date arithmetic on `YYYY-MM-DD` strings: thin, typed wrappers over date-fns (in
 * utc-days.ts), with day-number fast paths property-tested against it. Dates in homevisit are
 * school days in China Standard Time with no time of day, so arithmetic on them runs in UTC,
 * exact and independent of the host's time zone.
 */

/**
 * Adds days to a date.
 *
 * @example
 * ```ts
 * addDays("2027-02-06", -10); // "2027-01-27"
 * ```
 */
export function addDays(date: string, days: number): string {
  // The planner adds days for every student: integer arithmetic on the day number avoids a
  // Date object and its ISO text each time (property-tested against date-fns). Anything
  // unusual (a malformed date, a fraction of a day, a year outside 0000–9999) takes what
  // date-fns' addDays does on a UTCDate, written out on a plain Date, so that an app needing
  // only addDays does not load UTCDate.
  const day = Number.isInteger(days) ? dayNumberOf(date) : undefined;
  if (day !== undefined) {
    const text = dateOfDayNumber(day + days);
    if (text !== undefined) return text;
  }
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

const twoDigits = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, "0"));

function digit(text: string, i: number): number {
  const c = text.charCodeAt(i) - 48;
  return c >= 0 && c <= 9 ? c : Number.NaN;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/**
 * Whether a text is a `YYYY-MM-DD` naming a real day of the proleptic Gregorian calendar,
 * years 0000–9999 (0000 is a leap year).
 *
 * @example
 * ```ts
 * isCalendarDate("2028-02-29"); // true
 * isCalendarDate("2027-02-29"); // false
 * ```
 */
export function isCalendarDate(date: string): boolean {
  return dayNumberOf(date) !== undefined;
}

/** Days since 1970-01-01 of a valid `YYYY-MM-DD`, or undefined for any other text. */
function dayNumberOf(date: string): number | undefined {
  if (date.length !== 10 || date.charCodeAt(4) !== 45 || date.charCodeAt(7) !== 45) return undefined;
  const year = digit(date, 0) * 1000 + digit(date, 1) * 100 + digit(date, 2) * 10 + digit(date, 3);
  const month = digit(date, 5) * 10 + digit(date, 6);
  const day = digit(date, 8) * 10 + digit(date, 9);
  if (!(month >= 1 && month <= 12 && day >= 1 && year >= 0) || day > daysInMonth(year, month)) return undefined;
  // Days from civil (proleptic Gregorian), counting March as the first month of a year.
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}

/** The `YYYY-MM-DD` of a day number, or undefined outside the years 0000–9999. */
function dateOfDayNumber(dayNumber: number): string | undefined {
  const z = dayNumber + 719468;
  const era = Math.floor(z / 146097);
  const dayOfEra = z - era * 146097;
  const yearOfEra = Math.floor(
    (dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36524) - Math.floor(dayOfEra / 146096)) / 365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const mp = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  if (year < 0 || year > 9999) return undefined;
  return `${twoDigits[Math.floor(year / 100)]}${twoDigits[year % 100]}-${twoDigits[month]}-${twoDigits[day]}`;
}

/**
 * The day after a date.
 *
 * @example
 * ```ts
 * nextDay("2026-12-31"); // "2027-01-01"
 * ```
 */
export function nextDay(date: string): string {
  return addDays(date, 1);
}

/**
 * The day before a date.
 *
 * @example
 * ```ts
 * previousDay("2028-03-01"); // "2028-02-29"
 * ```
 */
export function previousDay(date: string): string {
  return addDays(date, -1);
}

/**
 * Whole days from `from` to `to` (negative when `to` is earlier).
 *
 * @example
 * ```ts
 * daysBetween("2026-09-01", "2026-10-13"); // 42
 * ```
 */
export function daysBetween(from: string, to: string): number {
  // Hot in the planner: day numbers when both are plain dates, date-fns otherwise.
  const a = dayNumberOf(from);
  const b = dayNumberOf(to);
  return a !== undefined && b !== undefined ? b - a : utcDaysBetween(from, to);
}

/**
 * The ISO weekday of a date: 1 = Monday … 7 = Sunday.
 *
 * @example
 * ```ts
 * isoWeekday("2026-11-28"); // 6 (Saturday)
 * ```
 */
export function isoWeekday(date: string): number {
  const day = dayNumberOf(date);
  // Day 0 (1970-01-01) was a Thursday.
  return day !== undefined ? ((((day + 3) % 7) + 7) % 7) + 1 : utcIsoWeekday(date);
}

/**
 * The calendar date (China Standard Time) of an instant.
 *
 * @example
 * ```ts
 * shanghaiDate("2026-10-08T17:30:00Z"); // "2026-10-09"
 * ```
 */
export function shanghaiDate(instant: string): string {
  return new Date(Date.parse(instant) + 8 * 3_600_000).toISOString().slice(0, 10);
}

/**
 * The wall-clock time (China Standard Time, `HH:mm`) of an instant.
 *
 * @example
 * ```ts
 * shanghaiTime("2026-10-08T10:30:00Z"); // "18:30"
 * ```
 */
export function shanghaiTime(instant: string): string {
  return new Date(Date.parse(instant) + 8 * 3_600_000).toISOString().slice(11, 16);
}
