import type { Term } from "../../../domain/planning.js";
import { defaultHolidayCalendar, type HolidayCalendar } from "../../../planning/calendar/holidays.js";
import { provisionalHolidayYear } from "../../../planning/calendar/provisional.js";
import { addDays, isoWeekday } from "../../../shared/dates.js";

/**
 * A school's terms by the national calendar, for a school that has not planned a term yet: the
 * autumn term from 1 September to the last Friday at least two weeks before the Spring Festival
 * (when winter vacations begin), the spring term from the first weekday after the Spring Festival
 * break to the first Friday of July. Official holiday data first, the provisional rule for a year
 * not announced yet. A plan's own term (the dates the school chose) wins over these defaults.
 */

function springFestival(year: number, calendar: HolidayCalendar): { from: string; to: string } | undefined {
  const official = calendar.years[String(year)]?.holidays.find((h) => h.name === "spring_festival");
  return official ?? provisionalHolidayYear(year).holidays.find((h) => h.name === "spring_festival");
}

/** The Friday on or before a date. */
function fridayOnOrBefore(date: string): string {
  return addDays(date, -((isoWeekday(date) + 2) % 7));
}

/** The first weekday (Monday–Friday) after a date. */
function weekdayAfter(date: string): string {
  let day = addDays(date, 1);
  while (isoWeekday(day) > 5) day = addDays(day, 1);
  return day;
}

/**
 * The two terms of a school year (by its starting year) by the national calendar; none for a year
 * the calendar cannot place (outside 1901–2098).
 *
 * @example
 * ```ts
 * calendarTerms(2025).map((t) => [t.id, t.start, t.end]);
 * // [["2025-2026-1", "2025-09-01", "2026-01-30"], ["2025-2026-2", "2026-02-24", "2026-07-03"]]
 * ```
 */
export function calendarTerms(schoolYear: number, calendar: HolidayCalendar = defaultHolidayCalendar): Term[] {
  const festival = springFestival(schoolYear + 1, calendar);
  if (festival === undefined || schoolYear < 2000 || schoolYear >= 2100) return [];
  const id = `${schoolYear}-${schoolYear + 1}`;
  const julyFirst = `${schoolYear + 1}-07-01`;
  return [
    {
      id: `${id}-1`,
      schoolYear,
      index: 1,
      start: `${schoolYear}-09-01`,
      end: fridayOnOrBefore(addDays(festival.from, -14)),
      campaigns: [],
    },
    {
      id: `${id}-2`,
      schoolYear,
      index: 2,
      start: weekdayAfter(festival.to),
      end: addDays(julyFirst, (5 - isoWeekday(julyFirst) + 7) % 7),
      campaigns: [],
    },
  ];
}

/**
 * The school year a date falls in, by its starting year: from July on, the year about to begin
 * (the summer is when the autumn term is planned).
 *
 * @example
 * ```ts
 * schoolYearOf("2026-10-08"); // 2026
 * schoolYearOf("2027-03-01"); // 2026
 * schoolYearOf("2027-07-15"); // 2027
 * ```
 */
export function schoolYearOf(date: string): number {
  const year = Number(date.slice(0, 4));
  return Number(date.slice(5, 7)) >= 7 ? year : year - 1;
}
