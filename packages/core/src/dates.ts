/**
 * Calendar-date arithmetic on `YYYY-MM-DD` strings. Dates in homevisit are school days in
 * China Standard Time with no time of day, so plain UTC arithmetic on them is exact and
 * independent of the host's time zone.
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
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
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
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
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
  const day = new Date(`${date}T00:00:00Z`).getUTCDay();
  return day === 0 ? 7 : day;
}
