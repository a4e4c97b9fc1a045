import type { ScheduleOptions, ScheduleStudent, TimeRange } from "./options.js";
import { minutes } from "./text.js";

/** The kinds of day that have visiting hours. */
export type HoursKind = 1 | 2;
const SCHOOL_HOURS: HoursKind = 1;

/** The allowed hours of one stated availability, per kind and weekday, as [from, to, …]. */
interface FamilyHours {
  hours: (number[] | undefined)[];
  /** The nearest allowed hours when the stated ones never meet them (see `relaxed`). */
  relaxed: (number[] | undefined)[];
  /** 1 when the family is ever available, 2 when never, 0 not yet known. */
  ever: 0 | 1 | 2;
}

/**
 * When each family can be visited: the allowed hours of a school day or a rest day, cut to the
 * family's stated availability. Families that state the same availability share one entry:
 * cutting the allowed hours per family made a big share of the scheduler's garbage.
 */
export class FamilyHoursTable {
  /** Per student: the hours of the family's stated availability. */
  private readonly perStudent: (FamilyHours | undefined)[];
  /** Per stated availability (as a text): its hours. Most families state one of a few. */
  private readonly byAvailability = new Map<string, FamilyHours>();
  /** The same entries for one stated window, by its weekdays (a bit set), from and to. */
  private readonly byOneWindow = new Map<number, Map<string, Map<string, FamilyHours>>>();
  /** The hours of a family without stated availability. */
  private readonly open: FamilyHours = { hours: new Array(14), relaxed: new Array(14), ever: 1 };
  private readonly schoolDayHours: readonly (readonly [number, number])[];
  private readonly restDayHours: readonly (readonly [number, number])[];
  /** The allowed hours alone, per kind and weekday: contacts and families that stated nothing. */
  private readonly allowed: (number[] | undefined)[] = new Array(14);

  constructor(
    private readonly students: readonly ScheduleStudent[],
    private readonly options: ScheduleOptions,
  ) {
    this.perStudent = new Array(students.length);
    const ranges = (list: readonly TimeRange[]) => list.map((r) => [minutes(r.from), minutes(r.to)] as const);
    this.schoolDayHours = ranges(options.allowedHours.schoolDay);
    this.restDayHours = ranges(options.allowedHours.restDay);
  }

  /** Whether the family stated any availability. */
  stated(s: number): boolean {
    return this.familyOf(s) !== this.open;
  }

  /** Whether the family's stated availability meets the allowed hours on any weekday at all. */
  everAvailable(s: number): boolean {
    const family = this.familyOf(s);
    if (family.ever === 0) {
      let found = false;
      for (let weekday = 1; weekday <= 7 && !found; weekday++) {
        found = this.hoursOn(SCHOOL_HOURS, weekday, s).length > 0 || this.hoursOn(2, weekday, s).length > 0;
      }
      family.ever = found ? 1 : 2;
    }
    return family.ever === 1;
  }

  /** Allowed hours of a kind of day and weekday, cut to the family's stated availability. */
  hoursOn(kind: HoursKind, weekday: number, s: number): readonly number[] {
    const slot = (kind === SCHOOL_HOURS ? 0 : 7) + weekday - 1;
    const family = this.familyOf(s);
    let ranges = family.hours[slot];
    if (!ranges) {
      ranges = this.computeHours(kind, weekday, this.students[s] as ScheduleStudent);
      family.hours[slot] = ranges;
    }
    return ranges;
  }

  /** The allowed hours alone (no family cut): for contacts, which need no family home slot. */
  allowedOn(kind: HoursKind, weekday: number): readonly number[] {
    const slot = (kind === SCHOOL_HOURS ? 0 : 7) + weekday - 1;
    let ranges = this.allowed[slot];
    if (!ranges) {
      ranges = [];
      for (const [a, b] of [...(kind === SCHOOL_HOURS ? this.schoolDayHours : this.restDayHours)].sort(
        (x, y) => x[0] - y[0],
      )) {
        ranges.push(a, b);
      }
      this.allowed[slot] = ranges;
    }
    return ranges;
  }

  /**
   * The lawful alternative for a family whose stated hours leave no visit: every allowed range
   * of the day, each starting at the allowed time nearest to what the family stated (so a
   * family free 14:00–17:00 is offered 16:30, the first allowed evening minute), then the rest
   * of the range.
   */
  relaxedOn(kind: HoursKind, weekday: number, s: number): readonly number[] {
    const slot = (kind === SCHOOL_HOURS ? 0 : 7) + weekday - 1;
    const family = this.familyOf(s);
    let ranges = family.relaxed[slot];
    if (!ranges) {
      ranges = [];
      const stated = (this.students[s] as ScheduleStudent).availability ?? [];
      const onDay = stated.find((w) => w.weekdays.includes(weekday)) ?? stated[0];
      const target = onDay === undefined ? undefined : minutes(onDay.from);
      const visit = this.options.visitMinutes;
      for (let r = 0, list = this.allowedOn(kind, weekday); r < list.length; r += 2) {
        const a = list[r] as number;
        const b = list[r + 1] as number;
        if (b - a < visit) continue;
        const nearest = target === undefined ? a : Math.min(Math.max(a, target), b - visit);
        ranges.push(nearest, b);
        if (nearest > a) ranges.push(a, b);
      }
      family.relaxed[slot] = ranges;
    }
    return ranges;
  }

  private familyOf(s: number): FamilyHours {
    let family = this.perStudent[s];
    if (family === undefined) {
      const availability = (this.students[s] as ScheduleStudent).availability ?? [];
      if (availability.length === 0) family = this.open;
      else if (availability.length === 1) {
        // One stated window (most families): found through maps by its days, from and to,
        // with no key text built per family.
        const w = availability[0] as (typeof availability)[number];
        let days = 0;
        for (const d of w.weekdays) days |= 1 << d;
        let byFrom = this.byOneWindow.get(days);
        if (byFrom === undefined) {
          byFrom = new Map();
          this.byOneWindow.set(days, byFrom);
        }
        let byTo = byFrom.get(w.from);
        if (byTo === undefined) {
          byTo = new Map();
          byFrom.set(w.from, byTo);
        }
        family = byTo.get(w.to);
        if (family === undefined) {
          family = this.byAvailability.get(`${days}|${w.from}|${w.to};`);
          if (family === undefined) {
            family = { hours: new Array(14), relaxed: new Array(14), ever: 0 };
            this.byAvailability.set(`${days}|${w.from}|${w.to};`, family);
          }
          byTo.set(w.to, family);
        }
      } else {
        // Weekdays as a bit set: lists of the same days in another order or repeated give the
        // same hours, so they may share an entry.
        let key = "";
        for (const w of availability) {
          let days = 0;
          for (const d of w.weekdays) days |= 1 << d;
          key += `${days}|${w.from}|${w.to};`;
        }
        family = this.byAvailability.get(key);
        if (family === undefined) {
          family = { hours: new Array(14), relaxed: new Array(14), ever: 0 };
          this.byAvailability.set(key, family);
        }
      }
      this.perStudent[s] = family;
    }
    return family;
  }

  private computeHours(kind: HoursKind, weekday: number, student: ScheduleStudent): number[] {
    const allowed = kind === SCHOOL_HOURS ? this.schoolDayHours : this.restDayHours;
    const availability = student.availability ?? [];
    let result: (readonly [number, number])[];
    if (availability.length === 0) result = [...allowed].sort((x, y) => x[0] - y[0]);
    else {
      result = [];
      for (const w of availability) {
        if (!w.weekdays.includes(weekday)) continue;
        const fa = minutes(w.from);
        const fb = minutes(w.to);
        for (const [a, b] of allowed) {
          const from = Math.max(a, fa);
          const to = Math.min(b, fb);
          if (to - from >= this.options.visitMinutes) result.push([from, to]);
        }
      }
      result.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
    }
    const flat: number[] = [];
    for (const [a, b] of result) flat.push(a, b);
    return flat;
  }
}
