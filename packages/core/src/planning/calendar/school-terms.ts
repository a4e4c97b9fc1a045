import type { Term } from "../../domain/planning.js";
import { addDays, isoWeekday } from "../../shared/dates.js";
import { defaultHolidayCalendar, type HolidayCalendar } from "./holidays.js";
import { provisionalHolidayYear } from "./provisional.js";

/**
 * A school's terms by the national calendar, for a school that has not planned a term yet: the
 * autumn term from 1 September to the last Friday at least two weeks before the Spring Festival
 * (when winter vacations begin), the spring term from the first weekday after the Spring Festival
 * break to the first Friday of July. Official holiday data first, the provisional rule for a year
 * not announced yet. A plan's own term (the dates the school chose) wins over these defaults.
 * One rule for every part: `GET /terms`, the widgets' proposed days and a host's term pickers
 * all read it, so a term never has two sets of days.
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
 * The school year being planned on a date, by its starting year: from July on, the year about to
 * begin (the summer is when the autumn term is planned). Unlike `schoolYearOf`, whose year turns
 * on 1 September.
 *
 * @example
 * ```ts
 * planningYearOf("2026-10-08"); // 2026
 * planningYearOf("2027-03-01"); // 2026
 * planningYearOf("2027-07-15"); // 2027
 * ```
 */
export function planningYearOf(date: string): number {
  const year = Number(date.slice(0, 4));
  return Number(date.slice(5, 7)) >= 7 ? year : year - 1;
}

/**
 * The term of the national calendar a date falls in; between two terms (a vacation), the one
 * about to begin, since that is the term a school prepares then. `undefined` outside the years
 * the calendar can place.
 *
 * @example
 * ```ts
 * calendarTermOf("2026-11-10")?.id; // "2026-2027-1"
 * calendarTermOf("2027-01-28")?.id; // "2026-2027-2" (the winter vacation: spring comes next)
 * calendarTermOf("2027-07-20")?.id; // "2027-2028-1"
 * ```
 */
export function calendarTermOf(date: string, calendar: HolidayCalendar = defaultHolidayCalendar): Term | undefined {
  const year = planningYearOf(date);
  const terms = [...calendarTerms(year - 1, calendar), ...calendarTerms(year, calendar)];
  return terms.find((term) => date <= term.end);
}
