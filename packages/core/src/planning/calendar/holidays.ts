import * as z from "zod";
import { dateWindowSchema, type Term } from "../../domain/planning.js";
import { isoWeekday } from "../../shared/dates.js";
import { HomevisitError } from "../../shared/errors/homevisit-error.js";
import { addCatalogIssue, parseInput } from "../../shared/errors/parse.js";
import type { LocalizedText } from "../../shared/i18n.js";
import { isoDateSchema, shortTextSchema } from "../../shared/primitives.js";

/**
 * Official public holidays (法定节假日) and make-up workdays (调休上班日) as versioned data.
 * The State Council announces each year's schedule in the autumn before, so no code can know
 * it in advance: the library ships the years it knows and a host extends them with
 * {@link extendHolidayCalendar}. A year without data answers "unknown", never "workday".
 */

/** Keys of the national holidays; a host may use its own keys for local ones. */
export const nationalHolidayNames = [
  "new_year",
  "spring_festival",
  "qingming",
  "labour_day",
  "dragon_boat",
  "mid_autumn",
  "national_day",
  "national_day_mid_autumn",
] as const;

/** The label of each national holiday key. */
export const holidayLabels: Readonly<Record<(typeof nationalHolidayNames)[number], LocalizedText>> = {
  new_year: { "zh-CN": "元旦", en: "New Year's Day" },
  spring_festival: { "zh-CN": "春节", en: "Spring Festival" },
  qingming: { "zh-CN": "清明节", en: "Qingming Festival" },
  labour_day: { "zh-CN": "劳动节", en: "Labour Day" },
  dragon_boat: { "zh-CN": "端午节", en: "Dragon Boat Festival" },
  mid_autumn: { "zh-CN": "中秋节", en: "Mid-Autumn Festival" },
  national_day: { "zh-CN": "国庆节", en: "National Day" },
  national_day_mid_autumn: { "zh-CN": "国庆节、中秋节", en: "National Day and Mid-Autumn Festival" },
};

/** A holiday: the whole announced break (放假期间), weekends inside it included. */
export const holidayWindowSchema = dateWindowSchema.extend({
  /** A key such as `spring_festival`; see {@link holidayLabels} for the national ones. */
  name: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[a-z0-9_]+$/, { error: "Use lower-case letters, digits and _" }),
  /** A label for a host's own holiday; national ones take theirs from {@link holidayLabels}. */
  label: z.strictObject({ "zh-CN": shortTextSchema.min(1), en: shortTextSchema.min(1) }).optional(),
});
/** A holiday window. */
export type HolidayWindow = z.infer<typeof holidayWindowSchema>;

/** The announced schedule of one year. */
export const holidayYearSchema = z.strictObject({
  /** The breaks announced for the year (a New Year break may start in the previous December). */
  holidays: z.array(holidayWindowSchema).max(40),
  /** Weekend days that are workdays to make up for a break (调休上班). */
  makeUpWorkdays: z.array(isoDateSchema).max(40),
  /** Where the schedule comes from, e.g. `国办发明电〔2025〕7号`. */
  source: shortTextSchema.optional(),
});
/** The schedule of one year. */
export type HolidayYear = z.infer<typeof holidayYearSchema>;

/** A versioned holiday calendar: the years it knows, each with its announced schedule. */
export const holidayCalendarSchema = z
  .strictObject({
    /** A label of this data's version, e.g. `2025-11` for the schedules known in November 2025. */
    version: z.string().min(1).max(64),
    years: z.record(z.string(), holidayYearSchema),
  })
  .superRefine((calendar, ctx) => {
    for (const [year, data] of Object.entries(calendar.years)) {
      if (!/^\d{4}$/.test(year)) {
        addCatalogIssue(ctx, "calendar_year_key_invalid", {}, ["years", year]);
        continue;
      }
      data.holidays.forEach((h, i) => {
        if (h.to < h.from) addCatalogIssue(ctx, "date_range_inverted", {}, ["years", year, "holidays", i, "to"]);
        else if (h.to.slice(0, 4) !== year && h.from.slice(0, 4) !== year)
          addCatalogIssue(ctx, "calendar_holiday_outside_year", {}, ["years", year, "holidays", i]);
      });
      const seen = new Set<string>();
      data.makeUpWorkdays.forEach((d, i) => {
        const path = ["years", year, "makeUpWorkdays", i];
        if (d.slice(0, 4) !== year) addCatalogIssue(ctx, "calendar_makeup_outside_year", {}, path);
        if (seen.has(d)) addCatalogIssue(ctx, "calendar_duplicate_makeup", {}, path);
        seen.add(d);
        const inside = data.holidays.find((h) => h.from <= d && d <= h.to);
        if (inside) addCatalogIssue(ctx, "calendar_makeup_in_holiday", {}, path);
      });
    }
  });
/** A holiday calendar. */
export type HolidayCalendar = z.infer<typeof holidayCalendarSchema>;

/**
 * The holiday schedules the library ships: 2024, 2025 and 2026 as announced by the General
 * Office of the State Council. From 2025 the revised rules give the Spring Festival and Labour
 * Day one more statutory day each (13 in all), which is why the 2025 Spring Festival break
 * starts on New Year's Eve and the 2026 one runs nine days. 2027 and later are not announced
 * in this data: those years answer "unknown" until a host extends the calendar.
 */
export const defaultHolidayCalendar: HolidayCalendar = {
  version: "2025-11",
  years: {
    "2024": {
      source: "国办发明电〔2023〕7号",
      holidays: [
        { name: "new_year", from: "2023-12-30", to: "2024-01-01" },
        { name: "spring_festival", from: "2024-02-10", to: "2024-02-17" },
        { name: "qingming", from: "2024-04-04", to: "2024-04-06" },
        { name: "labour_day", from: "2024-05-01", to: "2024-05-05" },
        { name: "dragon_boat", from: "2024-06-08", to: "2024-06-10" },
        { name: "mid_autumn", from: "2024-09-15", to: "2024-09-17" },
        { name: "national_day", from: "2024-10-01", to: "2024-10-07" },
      ],
      makeUpWorkdays: [
        "2024-02-04",
        "2024-02-18",
        "2024-04-07",
        "2024-04-28",
        "2024-05-11",
        "2024-09-14",
        "2024-09-29",
        "2024-10-12",
      ],
    },
    "2025": {
      source: "国办发明电〔2024〕12号",
      holidays: [
        { name: "new_year", from: "2025-01-01", to: "2025-01-01" },
        { name: "spring_festival", from: "2025-01-28", to: "2025-02-04" },
        { name: "qingming", from: "2025-04-04", to: "2025-04-06" },
        { name: "labour_day", from: "2025-05-01", to: "2025-05-05" },
        { name: "dragon_boat", from: "2025-05-31", to: "2025-06-02" },
        { name: "national_day_mid_autumn", from: "2025-10-01", to: "2025-10-08" },
      ],
      makeUpWorkdays: ["2025-01-26", "2025-02-08", "2025-04-27", "2025-09-28", "2025-10-11"],
    },
    "2026": {
      source: "国办发明电〔2025〕7号",
      holidays: [
        { name: "new_year", from: "2026-01-01", to: "2026-01-03" },
        { name: "spring_festival", from: "2026-02-15", to: "2026-02-23" },
        { name: "qingming", from: "2026-04-04", to: "2026-04-06" },
        { name: "labour_day", from: "2026-05-01", to: "2026-05-05" },
        { name: "dragon_boat", from: "2026-06-19", to: "2026-06-21" },
        { name: "mid_autumn", from: "2026-09-25", to: "2026-09-27" },
        { name: "national_day", from: "2026-10-01", to: "2026-10-07" },
      ],
      makeUpWorkdays: ["2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"],
    },
  },
};

/**
 * A calendar with more or newer years: each year in `extra` replaces that year of `base`
 * whole (an announcement is one schedule, never a patch to the old one); other years of
 * `base` stay. The result takes `extra`'s version. Both are validated; bad data throws a
 * `validation_failed` error listing every problem.
 *
 * @example
 * ```ts
 * const calendar = extendHolidayCalendar(defaultHolidayCalendar, {
 *   version: "2026-11",
 *   years: { "2027": { holidays: [{ name: "new_year", from: "2027-01-01", to: "2027-01-03" }], makeUpWorkdays: [] } },
 * });
 * dayType("2027-01-01", calendar); // "holiday"
 * dayType("2027-01-01", defaultHolidayCalendar); // "unknown"
 * ```
 */
export function extendHolidayCalendar(base: HolidayCalendar, extra: HolidayCalendar): HolidayCalendar {
  const a = parseInput(holidayCalendarSchema, base, { path: ["base"] });
  const b = parseInput(holidayCalendarSchema, extra, { path: ["extra"] });
  return parseInput(holidayCalendarSchema, { version: b.version, years: { ...a.years, ...b.years } });
}

/** What kind of day a date is under the official schedule. */
export const dayTypes = ["workday", "weekend", "holiday", "makeup_workday", "unknown"] as const;
/** What kind of day a date is. */
export type DayType = (typeof dayTypes)[number];

function checkDate(date: string): void {
  if (!isoDateSchema.safeParse(date).success) {
    throw new HomevisitError("calendar_invalid_date");
  }
}

/**
 * What kind of day a date is: a `holiday` (inside an announced break, weekends included), a
 * `makeup_workday` (a weekend day worked to make up for a break), a `weekend`, a `workday`,
 * or `unknown` when the calendar has no schedule for the date's year: without the
 * announcement no one can tell, so it never guesses "workday". Pure date arithmetic: the
 * answer does not depend on the host's time zone.
 *
 * @example
 * ```ts
 * dayType("2026-02-17", defaultHolidayCalendar); // "holiday" (Spring Festival)
 * dayType("2026-02-14", defaultHolidayCalendar); // "makeup_workday" (a Saturday)
 * dayType("2026-03-07", defaultHolidayCalendar); // "weekend"
 * dayType("2026-03-09", defaultHolidayCalendar); // "workday"
 * dayType("2027-03-09", defaultHolidayCalendar); // "unknown"
 * ```
 */
export function dayType(date: string, calendar: HolidayCalendar = defaultHolidayCalendar): DayType {
  checkDate(date);
  const year = calendar.years[date.slice(0, 4)];
  if (!year) return "unknown";
  if (year.makeUpWorkdays.includes(date)) return "makeup_workday";
  // A break announced under one year can spill into the next (New Year from late December).
  // Any year's break will do, so the years are walked in place (the scheduler asks per day).
  for (const key in calendar.years) {
    if (!Object.hasOwn(calendar.years, key)) continue;
    for (const h of (calendar.years[key] as (typeof calendar.years)[string]).holidays) {
      if (h.from <= date && date <= h.to) return "holiday";
    }
  }
  return isoWeekday(date) >= 6 ? "weekend" : "workday";
}

/**
 * The holiday a date falls in, if the calendar knows one.
 *
 * @example
 * ```ts
 * holidayOn("2025-10-08", defaultHolidayCalendar)?.name; // "national_day_mid_autumn"
 * holidayOn("2025-10-09", defaultHolidayCalendar); // undefined
 * ```
 */
export function holidayOn(date: string, calendar: HolidayCalendar = defaultHolidayCalendar): HolidayWindow | undefined {
  checkDate(date);
  for (const data of Object.values(calendar.years)) {
    const found = data.holidays.find((h) => h.from <= date && date <= h.to);
    if (found) return found;
  }
  return undefined;
}

/**
 * Whether pupils are at school on a date: inside the term, and a workday or a make-up
 * workday (schools follow the official 调休). Outside the term: `false`. Inside the term in a
 * year the calendar does not know: `"unknown"`. The calendar defaults to
 * {@link defaultHolidayCalendar}.
 *
 * @example
 * ```ts
 * const term = { id: "2025-2026-2", schoolYear: 2025, index: 2, start: "2026-02-24", end: "2026-07-03", campaigns: [] };
 * isSchoolDay("2026-02-28", { term }); // true (make-up Saturday)
 * isSchoolDay("2026-04-06", { term }); // false (Qingming)
 * isSchoolDay("2026-08-03", { term }); // false (outside the term)
 * ```
 */
export function isSchoolDay(
  date: string,
  options: { term: Pick<Term, "start" | "end">; calendar?: HolidayCalendar },
): boolean | "unknown" {
  checkDate(date);
  if (date < options.term.start || date > options.term.end) return false;
  const type = dayType(date, options.calendar ?? defaultHolidayCalendar);
  if (type === "unknown") return "unknown";
  return type === "workday" || type === "makeup_workday";
}
