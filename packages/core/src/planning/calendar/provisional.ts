import { addDays, isoWeekday } from "../../shared/dates.js";
import type { HolidayWindow, HolidayYear } from "./holidays.js";
import { calendarYearRange, lunarDate, lunarNewYearDate, solarTermStartDate } from "./lunar.js";

/**
 * A provisional holiday schedule for a year whose official notice is not out yet, by the rules
 * the State Council's notices have followed since the 2025 revision: New Year's Day, Qingming,
 * the Dragon Boat and Mid-Autumn festivals as three-day breaks joined to a weekend (one day when
 * the festival falls mid-week), the Spring Festival from its eve for eight days, Labour Day
 * 1–5 May, National Day 1–7 October (1–8 when Mid-Autumn falls inside it). Lunar dates and
 * Qingming come from the astronomical calendar, never from `Intl`. Make-up workdays cannot be
 * guessed: a provisional year has none, so its weekends stay weekends. Slots planned on such
 * days say so, and a re-plan with the official notice shows what moved.
 */

/**
 * A three-day break around a festival day, joined to the nearest weekend as the notices do:
 * Friday–Sunday, Saturday–Monday, Sunday–Tuesday; a Wednesday festival is one day off.
 */
function shortBreak(name: string, day: string): HolidayWindow {
  switch (isoWeekday(day)) {
    case 1: // Monday: Saturday to Monday
      return { name, from: addDays(day, -2), to: day };
    case 2: // Tuesday: Sunday to Tuesday
      return { name, from: addDays(day, -2), to: day };
    case 3: // Wednesday: the day alone
      return { name, from: day, to: day };
    case 7: // Sunday: Saturday to Monday
      return { name, from: addDays(day, -1), to: addDays(day, 1) };
    default: // Thursday, Friday, Saturday: that day and the two after
      return { name, from: day, to: addDays(day, 2) };
  }
}

/**
 * Whether a year can be computed by rule (the astronomical tables' range).
 *
 * @example
 * ```ts
 * provisionalYearSupported(2027); // true
 * provisionalYearSupported(2150); // false
 * ```
 */
export function provisionalYearSupported(year: number): boolean {
  return Number.isInteger(year) && year >= calendarYearRange.min && year <= calendarYearRange.max;
}

const provisionalCache = new Map<number, HolidayYear>();

/**
 * The provisional schedule of a year, by rule (see the module comment). Throws nothing: a
 * year outside 1901–2099 gets an empty schedule (weekends only).
 *
 * @example
 * ```ts
 * provisionalHolidayYear(2027).holidays.find((h) => h.name === "spring_festival");
 * // → { name: "spring_festival", from: "2027-02-05", to: "2027-02-12" }
 * provisionalHolidayYear(2027).makeUpWorkdays; // → []
 * ```
 */
export function provisionalHolidayYear(year: number): HolidayYear {
  const cached = provisionalCache.get(year);
  if (cached) return cached;
  const holidays: HolidayWindow[] = [];
  if (provisionalYearSupported(year)) {
    holidays.push(shortBreak("new_year", `${year}-01-01`));
    const festival = lunarNewYearDate(year);
    holidays.push({ name: "spring_festival", from: addDays(festival, -1), to: addDays(festival, 6) });
    // 清明 is the 7th solar term counted from the previous winter solstice (index 0).
    holidays.push(shortBreak("qingming", solarTermStartDate(year, 7)));
    holidays.push({ name: "labour_day", from: `${year}-05-01`, to: `${year}-05-05` });
    holidays.push(shortBreak("dragon_boat", lunarDate(year, 5, 5)));
    const midAutumn = lunarDate(year, 8, 15);
    if (midAutumn >= `${year}-10-01` && midAutumn <= `${year}-10-08`) {
      holidays.push({ name: "national_day_mid_autumn", from: `${year}-10-01`, to: `${year}-10-08` });
    } else {
      holidays.push(shortBreak("mid_autumn", midAutumn));
      holidays.push({ name: "national_day", from: `${year}-10-01`, to: `${year}-10-07` });
    }
    holidays.sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : 0));
  }
  const result: HolidayYear = { holidays, makeUpWorkdays: [], source: "provisional" };
  provisionalCache.set(year, result);
  return result;
}
