/**
 * The one place that talks to tyme4ts, the astronomical calendar library behind lunar dates and
 * solar terms. Keeping it behind two functions lets the library be swapped (or checked against
 * another) without touching the planner. `Intl`'s chinese calendar is deliberately not used: on
 * Node 20 it puts the Spring Festival of 2027 and 2030 a day off.
 *
 * tyme4ts ships an `exports` map with both `import` and `require` conditions, so the named
 * import below resolves in the ESM build, in the CJS build (tsup leaves it external) and in
 * bundlers alike.
 */
import { LunarDay, SolarTerm } from "tyme4ts";

/** The range of Gregorian years the calendar answers for; outside it the algorithms are untested. */
export const calendarYearRange = { min: 1901, max: 2099 } as const;

function isoOf(year: number, month: number, day: number): string {
  return `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
}

/**
 * The Gregorian date of the first day of the first lunar month (正月初一) of the lunar year that
 * begins in a Gregorian year. Dates are China Standard Time, as the lunar calendar is defined.
 * The caller checks the year range.
 *
 * @example
 * ```ts
 * lunarNewYearDate(2027); // "2027-02-06"
 * ```
 */
export function lunarNewYearDate(year: number): string {
  let date = newYearCache.get(year);
  if (date === undefined) {
    const day = LunarDay.fromYmd(year, 1, 1).getSolarDay();
    date = isoOf(day.getYear(), day.getMonth(), day.getDay());
    newYearCache.set(year, date);
  }
  return date;
}

/**
 * The Gregorian date of a day of the lunar calendar (a month of the lunar year that begins in
 * `year`; never a leap month): 端午 is month 5 day 5, 中秋 month 8 day 15. The caller checks the
 * year range.
 *
 * @example
 * ```ts
 * lunarDate(2027, 8, 15); // "2027-09-15"
 * ```
 */
export function lunarDate(year: number, month: number, day: number): string {
  const key = (year * 16 + month) * 32 + day;
  let date = lunarDayCache.get(key);
  if (date === undefined) {
    const solar = LunarDay.fromYmd(year, month, day).getSolarDay();
    date = isoOf(solar.getYear(), solar.getMonth(), solar.getDay());
    lunarDayCache.set(key, date);
  }
  return date;
}

const lunarDayCache = new Map<number, string>();

// The astronomy behind a date is costly and every school of a city asks for the same few years:
// each answer is computed once per process. Both caches hold at most 199 years × 25 texts.
const newYearCache = new Map<number, string>();
const solarTermCache = new Map<number, string>();

/**
 * The Gregorian date (China Standard Time) on which a solar term begins. `index` counts from
 * 冬至 (0) of the previous Gregorian year, as tyme4ts does: 1 小寒 … 23 大雪 fall in `year`, and
 * 冬至 of `year` itself is index 24. The caller checks the year range.
 *
 * @example
 * ```ts
 * solarTermStartDate(2026, 7); // "2026-04-05" (清明)
 * ```
 */
export function solarTermStartDate(year: number, index: number): string {
  // Integral indexes 0–24 of a supported year are cached; anything else is computed as asked.
  const cacheable = Number.isInteger(year) && Number.isInteger(index) && index >= 0 && index <= 24;
  const key = year * 32 + index;
  let date = cacheable ? solarTermCache.get(key) : undefined;
  if (date === undefined) {
    const day = SolarTerm.fromIndex(year, index).getJulianDay().getSolarDay();
    date = isoOf(day.getYear(), day.getMonth(), day.getDay());
    if (cacheable) solarTermCache.set(key, date);
  }
  return date;
}
