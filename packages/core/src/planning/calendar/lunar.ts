/**
 * Lunar dates and solar terms from a generated table (`lunar-table.ts`, 1900–2100), computed
 * once from tyme4ts, the astronomical calendar library, which stays the oracle in tests and is
 * not loaded at run time (70 kB for two functions). `Intl`'s chinese calendar is deliberately
 * not used: on Node 20 it puts the Spring Festival of 2027 and 2030 a day off.
 */
import { addDays } from "../../shared/dates.js";
import { lunarTableFirstYear, lunarTableLastYear, lunarYears, solarTermDays } from "./lunar-table.js";

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
  return isoOf(year, Math.floor(entry(year).mmdd / 100), entry(year).mmdd % 100);
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
  const { mmdd, leap, lengths } = entry(year);
  // Months in order: 1 … 12, the leap month right after the month it repeats.
  const position = month - 1 + (leap !== 0 && leap < month ? 1 : 0);
  let offset = day - 1;
  for (let i = 0; i < position; i++) offset += lengths[i] ?? 29;
  return addDays(isoOf(year, Math.floor(mmdd / 100), mmdd % 100), offset);
}

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
  const row =
    year >= lunarTableFirstYear && year <= lunarTableLastYear ? solarTermDays[year - lunarTableFirstYear] : undefined;
  if (row === undefined || !Number.isInteger(index) || index < 0 || index > 24) {
    throw new RangeError("solar term outside the calendar table (years 1900–2100, terms 0–24)");
  }
  const day = Number.parseInt(row.charAt(index), 36);
  return index === 0 ? isoOf(year - 1, 12, day) : isoOf(year, Math.ceil(index / 2), day);
}

interface LunarYearEntry {
  /** The new year's month × 100 + day. */
  mmdd: number;
  /** The leap month, 0 for none. */
  leap: number;
  /** Days in each month, in order (the leap month after the one it repeats). */
  lengths: readonly number[];
}

const entries = new Map<number, LunarYearEntry>();

/** The table's entry of a lunar year, decoded once. */
function entry(year: number): LunarYearEntry {
  let found = entries.get(year);
  if (found === undefined) {
    const text =
      year >= lunarTableFirstYear && year <= lunarTableLastYear ? lunarYears[year - lunarTableFirstYear] : undefined;
    if (text === undefined) throw new RangeError("lunar year outside the calendar table (1900–2100)");
    const [mmdd = "", leap = "", bits = ""] = text.split(".");
    const leapMonth = Number.parseInt(leap, 36);
    const count = leapMonth === 0 ? 12 : 13;
    const mask = Number.parseInt(bits, 36);
    const lengths = Array.from({ length: count }, (_, i) => ((mask >> (count - 1 - i)) & 1 ? 30 : 29));
    found = { mmdd: Number.parseInt(mmdd, 36), leap: leapMonth, lengths };
    entries.set(year, found);
  }
  return found;
}
