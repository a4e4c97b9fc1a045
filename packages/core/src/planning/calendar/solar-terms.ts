import * as z from "zod";
import type { DateWindow } from "../../domain/planning.js";
import { addDays } from "../../shared/dates.js";
import { HomevisitError } from "../../shared/errors/homevisit-error.js";
import type { LocalizedText } from "../../shared/i18n.js";
import { calendarYearRange, lunarNewYearDate, solarTermStartDate } from "./lunar.js";

/**
 * The 24 solar terms (二十四节气) by pinyin id, in the order they fall in a Gregorian year:
 * 小寒 in early January first, 冬至 in late December last.
 */
export const solarTermIds = [
  "xiaohan",
  "dahan",
  "lichun",
  "yushui",
  "jingzhe",
  "chunfen",
  "qingming",
  "guyu",
  "lixia",
  "xiaoman",
  "mangzhong",
  "xiazhi",
  "xiaoshu",
  "dashu",
  "liqiu",
  "chushu",
  "bailu",
  "qiufen",
  "hanlu",
  "shuangjiang",
  "lidong",
  "xiaoxue",
  "daxue",
  "dongzhi",
] as const;

/** A solar term id. */
export const solarTermIdSchema = z.enum(solarTermIds);
/** A solar term id, e.g. `qingming` (清明) or `mangzhong` (芒种). */
export type SolarTermId = z.infer<typeof solarTermIdSchema>;

/** The name of each solar term. */
export const solarTermLabels: Readonly<Record<SolarTermId, LocalizedText>> = {
  xiaohan: { "zh-CN": "小寒", en: "Minor Cold" },
  dahan: { "zh-CN": "大寒", en: "Major Cold" },
  lichun: { "zh-CN": "立春", en: "Start of Spring" },
  yushui: { "zh-CN": "雨水", en: "Rain Water" },
  jingzhe: { "zh-CN": "惊蛰", en: "Awakening of Insects" },
  chunfen: { "zh-CN": "春分", en: "Spring Equinox" },
  qingming: { "zh-CN": "清明", en: "Pure Brightness" },
  guyu: { "zh-CN": "谷雨", en: "Grain Rain" },
  lixia: { "zh-CN": "立夏", en: "Start of Summer" },
  xiaoman: { "zh-CN": "小满", en: "Grain Buds" },
  mangzhong: { "zh-CN": "芒种", en: "Grain in Ear" },
  xiazhi: { "zh-CN": "夏至", en: "Summer Solstice" },
  xiaoshu: { "zh-CN": "小暑", en: "Minor Heat" },
  dashu: { "zh-CN": "大暑", en: "Major Heat" },
  liqiu: { "zh-CN": "立秋", en: "Start of Autumn" },
  chushu: { "zh-CN": "处暑", en: "End of Heat" },
  bailu: { "zh-CN": "白露", en: "White Dew" },
  qiufen: { "zh-CN": "秋分", en: "Autumn Equinox" },
  hanlu: { "zh-CN": "寒露", en: "Cold Dew" },
  shuangjiang: { "zh-CN": "霜降", en: "Frost's Descent" },
  lidong: { "zh-CN": "立冬", en: "Start of Winter" },
  xiaoxue: { "zh-CN": "小雪", en: "Minor Snow" },
  daxue: { "zh-CN": "大雪", en: "Major Snow" },
  dongzhi: { "zh-CN": "冬至", en: "Winter Solstice" },
};

/** One solar term of a year and the day it begins. */
export interface SolarTermDay {
  term: SolarTermId;
  /** The day (China Standard Time) on which the term begins. */
  date: string;
  label: LocalizedText;
}

function checkYear(year: number): void {
  if (!Number.isInteger(year) || year < calendarYearRange.min || year > calendarYearRange.max) {
    throw new HomevisitError("calendar_year_unsupported", {
      params: { min: calendarYearRange.min, max: calendarYearRange.max },
    });
  }
}

/**
 * The day of the Spring Festival (春节, 正月初一) in a Gregorian year, computed astronomically
 * (never with `Intl`, which is a day off for 2027 and 2030).
 *
 * Throws `calendar_year_unsupported` outside 1901–2099.
 *
 * @example
 * ```ts
 * springFestival(2026); // "2026-02-17"
 * springFestival(2027); // "2027-02-06"
 * springFestival(2030); // "2030-02-03"
 * ```
 */
export function springFestival(year: number): string {
  checkYear(year);
  return lunarNewYearDate(year);
}

/**
 * The window around the Spring Festival of a year, when parents who work away are home
 * (R13). Defaults: 10 days before to 15 days after, both ends included.
 *
 * @example
 * ```ts
 * springFestivalWindow(2027); // { from: "2027-01-27", to: "2027-02-21" }
 * springFestivalWindow(2027, { daysBefore: 3, daysAfter: 7 }); // { from: "2027-02-03", to: "2027-02-13" }
 * ```
 */
export function springFestivalWindow(
  year: number,
  options: { daysBefore?: number; daysAfter?: number } = {},
): DateWindow {
  const day = springFestival(year);
  return { from: addDays(day, -(options.daysBefore ?? 10)), to: addDays(day, options.daysAfter ?? 15) };
}

/**
 * The day a solar term begins in a Gregorian year (China Standard Time). Every term falls
 * once in each Gregorian year, so the year alone picks it: `dongzhi` is the December one.
 *
 * Throws `calendar_unknown_solar_term` for an unknown id and `calendar_year_unsupported`
 * outside 1901–2099.
 *
 * @example
 * ```ts
 * solarTermDate(2026, "qingming"); // "2026-04-05"
 * solarTermDate(2025, "mangzhong"); // "2025-06-05"
 * solarTermDate(2025, "dongzhi"); // "2025-12-21"
 * ```
 */
export function solarTermDate(year: number, term: SolarTermId): string {
  const position = solarTermIds.indexOf(term);
  if (position < 0) throw new HomevisitError("calendar_unknown_solar_term");
  checkYear(year);
  // tyme4ts counts from the previous December's 冬至 (index 0); 小寒 of `year` is index 1.
  return solarTermStartDate(year, position + 1);
}

/**
 * All 24 solar terms of a Gregorian year with the day each begins, in date order.
 *
 * @example
 * ```ts
 * solarTermsOf(2026)[0]; // { term: "xiaohan", date: "2026-01-05", label: { "zh-CN": "小寒", en: "Minor Cold" } }
 * solarTermsOf(2026).length; // 24
 * ```
 */
export function solarTermsOf(year: number): SolarTermDay[] {
  checkYear(year);
  return solarTermIds.map((term, i) => ({
    term,
    date: solarTermStartDate(year, i + 1),
    label: solarTermLabels[term],
  }));
}
