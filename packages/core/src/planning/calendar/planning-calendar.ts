import * as z from "zod";
import { dateWindowSchema } from "../../domain/planning.js";
import { isoWeekday } from "../../shared/dates.js";
import { parseInput } from "../../shared/errors/parse.js";
import type { IsoDate } from "../../shared/primitives.js";
import { type DayType, defaultHolidayCalendar, type HolidayCalendar, type HolidayYear } from "./holidays.js";
import { provisionalHolidayYear, provisionalYearSupported } from "./provisional.js";

/**
 * The calendar a school plans on: the official holidays (the shipped tables, or the host's
 * newer notice), the school's own calendar (vacations, exam weeks) and, for a year whose
 * notice is not out yet, a provisional schedule by rule, so the next term can be planned now.
 */

/** A school's own calendar for the year: the province's vacations and the school's exam weeks. */
export const schoolCalendarSchema = z.strictObject({
  /**
   * Winter and summer vacations and other days pupils are off (寒暑假): teachers are free by
   * day, so visits may take daytime hours, as on a weekend (outside official holidays).
   */
  vacations: z
    .array(dateWindowSchema.extend({ name: z.string().max(100).optional() }))
    .max(20)
    .default([]),
  /** Exam weeks: no visits on these days. */
  examWeeks: z
    .array(dateWindowSchema.extend({ name: z.string().max(100).optional() }))
    .max(20)
    .default([]),
});
/** A school's own calendar. */
export type SchoolCalendar = z.infer<typeof schoolCalendarSchema>;
/** A school's own calendar as a host writes it. */
export type SchoolCalendarInput = z.input<typeof schoolCalendarSchema>;

/** One day as the planner sees it. */
export interface CalendarDay {
  /** The official kind of day (see `dayType`); `unknown` only without data and without the provisional rule. */
  type: DayType;
  /** The day's kind comes from the provisional rule, not from an official notice. */
  provisional: boolean;
  /** A weekday of the school's vacation: visits by day, as on a rest day. */
  vacation: boolean;
  /** A day of an exam week: no visits. */
  exam: boolean;
}

/** A calendar the scheduler plans on. */
export interface PlanningCalendar {
  day(date: IsoDate): CalendarDay;
}

/** Options of {@link planningCalendar}. */
export interface PlanningCalendarOptions {
  /** The official holidays; {@link defaultHolidayCalendar} by default (extend it with `extendHolidayCalendar`). */
  holidays?: HolidayCalendar;
  /** The school's vacations and exam weeks. */
  school?: SchoolCalendarInput;
  /** Years without official data follow the provisional rule (default `true`); `false` leaves them `unknown`. */
  provisional?: boolean;
}

/**
 * The calendar to plan on. Official data wins; a year it lacks follows the provisional rule
 * ({@link provisionalHolidayYear}) and every day of that year says `provisional: true`. Pure
 * date arithmetic: the answer does not depend on the host's time zone.
 *
 * @example
 * ```ts
 * const calendar = planningCalendar({ school: { vacations: [{ from: "2027-01-23", to: "2027-02-21" }] } });
 * calendar.day("2027-02-08"); // { type: "holiday", provisional: true, vacation: true, exam: false } (Spring Festival)
 * calendar.day("2026-10-02"); // { type: "holiday", provisional: false, vacation: false, exam: false }
 * calendar.day("2027-03-09"); // { type: "workday", provisional: true, vacation: false, exam: false }
 * ```
 */
export function planningCalendar(options: PlanningCalendarOptions = {}): PlanningCalendar {
  const holidays = options.holidays ?? defaultHolidayCalendar;
  const school = parseInput(schoolCalendarSchema, options.school ?? {}, { path: ["school"] });
  const provisional = options.provisional ?? true;
  // The breaks of every year, official and provisional, walked per day asked (a few dozen).
  const years = new Map<string, { data: HolidayYear; provisional: boolean } | undefined>();
  const yearOf = (key: string) => {
    if (years.has(key)) return years.get(key);
    const official = holidays.years[key];
    const year = Number(key);
    const found = official
      ? { data: official, provisional: false }
      : provisional && provisionalYearSupported(year)
        ? { data: provisionalHolidayYear(year), provisional: true }
        : undefined;
    years.set(key, found);
    return found;
  };
  const inAny = (windows: readonly { from: string; to: string }[], date: string) =>
    windows.some((w) => w.from <= date && date <= w.to);
  return {
    day(date) {
      const key = date.slice(0, 4);
      const own = yearOf(key);
      const vacation = inAny(school.vacations, date);
      const exam = inAny(school.examWeeks, date);
      if (!own) return { type: "unknown", provisional: false, vacation, exam };
      let type: DayType;
      if (own.data.makeUpWorkdays.includes(date)) type = "makeup_workday";
      else {
        // A break may spill over a year's end (New Year from late December): look at both sides.
        const next = yearOf(String(Number(key) + 1));
        const holiday = inAny(own.data.holidays, date) || (next !== undefined && inAny(next.data.holidays, date));
        type = holiday ? "holiday" : isoWeekday(date) >= 6 ? "weekend" : "workday";
      }
      return { type, provisional: own.provisional, vacation, exam };
    },
  };
}
