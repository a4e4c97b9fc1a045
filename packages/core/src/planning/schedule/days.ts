import type { DateWindow } from "../../domain/planning.js";
import { isoWeekday } from "../../shared/dates.js";
import type { IsoDate } from "../../shared/primitives.js";
import { type PlanningCalendar, planningCalendar } from "../calendar/planning-calendar.js";
import type { ScheduleOptions, ScheduleVisitsInput } from "./options.js";
import { cmp } from "./text.js";

/**
 * Days as the scheduler sees them: day numbers (days since 1970-01-01) instead of date texts,
 * a table of the run's days with weekday and week, and the class of each day for visits.
 */

/** The class of a day for visits; the numbers index the scheduler's typed arrays. */
export const SCHOOL = 1;
export const REST = 2;
export const HOLIDAY = 3;
export const UNKNOWN = 4;
export const CLOSED = 5;
/** The class of a day for visits. */
export type DayClass = typeof SCHOOL | typeof REST | typeof HOLIDAY | typeof UNKNOWN | typeof CLOSED;
/** Added to a day's class when the day rests on a provisional calendar. */
export const PROVISIONAL = 8;

const noWindows: readonly number[] = [];

const dayMs = 86_400_000;

/** Days since 1970-01-01 of `YYYY-MM-DD` texts, each text parsed once per run. */
export class DayNumbers {
  private readonly cache = new Map<string, number>();
  private readonly suffixes = new Map<string, string>();
  private readonly singles = new Map<number, readonly number[]>();

  /** `@` and the date: the key suffix of an occurrence on that date, one text per date. */
  suffix(date: IsoDate): string {
    let text = this.suffixes.get(date);
    if (text === undefined) {
      text = `@${date}`;
      this.suffixes.set(date, text);
    }
    return text;
  }

  /** The preferred window of one day, [day, day], shared by the tasks of that day (read only). */
  single(day: number): readonly number[] {
    let window = this.singles.get(day);
    if (window === undefined) {
      window = [day, day];
      this.singles.set(day, window);
    }
    return window;
  }

  of(date: IsoDate): number {
    let day = this.cache.get(date);
    if (day === undefined) {
      day = dayNumber(date);
      this.cache.set(date, day);
    }
    return day;
  }

  /** Windows as [from, to, …] day numbers, sorted by their first day (stable). */
  windows(windows: readonly DateWindow[]): readonly number[] {
    if (windows.length === 0) return noWindows;
    let sorted = windows;
    for (let i = 1; i < windows.length; i++) {
      // Usually sorted already (obligations list them by date): copy and sort only when not.
      if ((windows[i - 1] as DateWindow).from > (windows[i] as DateWindow).from) {
        sorted = [...windows].sort((a, b) => cmp(a.from, b.from));
        break;
      }
    }
    const out: number[] = [];
    for (const w of sorted) out.push(this.of(w.from), this.of(w.to));
    return out;
  }
}

export function dayNumber(date: string): number {
  return Math.round(Date.parse(`${date}T00:00:00Z`) / dayMs);
}

/** `YYYY-MM-DD` texts by day number, 1970 to 2149: a run asks for the same few hundred days. */
const isoDates: (IsoDate | undefined)[] = [];

export function isoDate(day: number): IsoDate {
  const cached = day >= 0 && day < 65_536 ? isoDates[day] : undefined;
  if (cached !== undefined) return cached;
  const text = new Date(day * dayMs).toISOString().slice(0, 10);
  if (day >= 0 && day < 65_536) isoDates[day] = text;
  return text;
}

/**
 * The days a run can touch, `first` to `last`, by position: their date text, weekday and week,
 * built once per run, so the search for a free evening does no date arithmetic.
 */
export class DayTable {
  readonly size: number;
  private readonly dates: (IsoDate | undefined)[];
  readonly weekday: Uint8Array;
  readonly week: Int32Array;

  constructor(
    readonly first: number,
    last: number,
  ) {
    this.size = Math.max(0, last - first + 1);
    this.dates = new Array(this.size);
    this.weekday = new Uint8Array(this.size);
    this.week = new Int32Array(this.size);
    // 1970-01-01 was a Thursday (ISO weekday 4).
    const firstWeekday = (((first + 3) % 7) + 7) % 7;
    for (let i = 0; i < this.size; i++) {
      const offset = firstWeekday + i;
      this.weekday[i] = (offset % 7) + 1;
      this.week[i] = Math.floor(offset / 7);
    }
  }

  get weeks(): number {
    return this.size === 0 ? 0 : (this.week[this.size - 1] as number) + 1;
  }

  date(i: number): IsoDate {
    let date = this.dates[i];
    if (date === undefined) {
      date = isoDate(this.first + i);
      this.dates[i] = date;
    }
    return date;
  }
}

/** The default calendar, shared by every run: the shipped holidays and provisional years by rule. */
let defaultCalendar: PlanningCalendar | undefined;

/**
 * The class of each date for a run, with {@link PROVISIONAL} added for a day of a provisional
 * year: from `input.calendar`, else `input.dayType`, else `input.isSchoolDay`, else the default
 * calendar (provisional years as `options.provisionalCalendar` says).
 */
export function classifier(input: ScheduleVisitsInput, options: ScheduleOptions): (date: IsoDate) => number {
  const weekend = (date: IsoDate): boolean => isoWeekday(date) >= 6;
  const rest = (date: IsoDate): DayClass => (options.allowWeekends || !weekend(date) ? REST : CLOSED);
  const unknown = (date: IsoDate): DayClass => {
    if (!options.allowUnknownDays) return UNKNOWN;
    return weekend(date) ? rest(date) : SCHOOL;
  };
  if (input.calendar === undefined && input.dayType === undefined && input.isSchoolDay !== undefined) {
    const isSchoolDay = input.isSchoolDay;
    return (date) => {
      const answer = isSchoolDay(date);
      if (answer === "unknown") return unknown(date);
      if (answer) return SCHOOL;
      // Not a school day on a weekday: a holiday or the vacation, where we cannot tell which.
      return weekend(date) ? rest(date) : HOLIDAY;
    };
  }
  if (input.calendar === undefined && input.dayType !== undefined) {
    const dayType = input.dayType;
    return (date) => {
      switch (dayType(date)) {
        case "workday":
        case "makeup_workday":
          return SCHOOL;
        case "weekend":
          return rest(date);
        case "holiday":
          return HOLIDAY;
        default:
          return unknown(date);
      }
    };
  }
  let calendar = input.calendar;
  if (calendar === undefined) {
    if (!options.provisionalCalendar) calendar = planningCalendar({ provisional: false });
    else {
      defaultCalendar ??= planningCalendar();
      calendar = defaultCalendar;
    }
  }
  const source = calendar;
  return (date) => {
    const day = source.day(date);
    const mark = day.provisional ? PROVISIONAL : 0;
    if (day.exam) return CLOSED + mark;
    switch (day.type) {
      case "workday":
      case "makeup_workday":
        // A vacation weekday: teachers are free by day, as on a weekend.
        return (day.vacation ? REST : SCHOOL) + mark;
      case "weekend":
        return rest(date) + mark;
      case "holiday":
        return HOLIDAY + mark;
      default:
        return unknown(date) + mark;
    }
  };
}
