import type { ErrorCode } from "../../shared/errors/catalog.js";
import type { IsoDate } from "../../shared/primitives.js";
import {
  classifier,
  type DayClass,
  type DayTable,
  dayNumber,
  HOLIDAY,
  PROVISIONAL,
  REST,
  SCHOOL,
  UNKNOWN,
} from "./days.js";
import { FamilyHoursTable } from "./family-hours.js";
import type { ArrangedVisit, ScheduleOptions, ScheduleStudent, ScheduleVisitsInput } from "./options.js";
import type { Task, Trip } from "./task.js";
import { minutes, snap } from "./text.js";

/** A search that ignores the family's stated hours and offers the nearest allowed ones. */
export const RELAXED = 1;
/** A search that may go past the daily and weekly caps (crisis visits only). */
export const PAST_CAPS = 2;

/**
 * The scheduler's state over one run: what each teacher has on each day (lessons, visits,
 * contacts), visits per day and week, the days each student is visited, and the search for
 * the first free time of a task.
 */
export class SchedulerState {
  private readonly n: number;
  /** Per teacher, per day: blocked intervals as [from, to, from, to, …] minutes. */
  private readonly blocked: ((number[] | undefined)[] | undefined)[];
  /** Visits per teacher and day, at `teacher × days + day`. */
  private readonly perDay: Uint8Array;
  /** Visits per teacher and ISO week, at `teacher × weeks + week`. */
  private readonly perWeek: Uint16Array;
  private readonly weeks: number;
  private readonly frontiers: Int32Array;
  /**
   * Per student (by number): the days the student already has a visit on. A student has a
   * few visits, so a short list per student is cheaper than a set of all students' days.
   */
  private readonly studentDays: (number[] | undefined)[] = [];
  private readonly families: FamilyHoursTable;
  /** The day classes (with {@link PROVISIONAL} added for a provisional day), 0 until asked. */
  private readonly dayClasses: Uint8Array;
  /** Marks the days already offered to one task (a stamp per search). */
  private readonly seen: Uint32Array;
  private stamp = 0;
  private readonly classify: (date: IsoDate) => number;
  private readonly maxPerDay: number;
  private readonly maxPerWeek: number;
  private readonly visitMinutes: number;
  private readonly step: number;
  /** The search's mode: 0, or {@link RELAXED} and {@link PAST_CAPS} added. */
  private mode = 0;
  // Out-values of `clash`, to return an interval without allocating one.
  private clashFrom = 0;
  private clashTo = 0;
  // Counters of one search, for the reason when nothing is found.
  private unknownDays = 0;
  private allowedDays = 0;
  private familyDays = 0;
  private capDays = 0;
  private busyDays = 0;
  /**
   * The one trip a search returns: a run has one trip open at a time (found, joined, committed,
   * written, then done with), so it is filled in place rather than allocated per placed task.
   */
  private readonly trip: Trip = {
    lead: 0,
    companion: -1,
    day: 0,
    start: 0,
    end: 0,
    travel: 0,
    members: [],
    starts: [],
    length: 0,
    contact: false,
    relaxed: false,
  };

  constructor(
    input: ScheduleVisitsInput,
    private readonly options: ScheduleOptions,
    private readonly days: DayTable,
    teacherIndex: ReadonlyMap<string, number>,
    students: readonly ScheduleStudent[],
  ) {
    const n = days.size;
    this.n = n;
    const teachers = teacherIndex.size;
    this.blocked = new Array(teachers);
    // One array each for all teachers: an array per teacher was most of a run's small objects.
    this.weeks = days.weeks;
    this.perDay = new Uint8Array(teachers * n);
    this.perWeek = new Uint16Array(teachers * this.weeks);
    this.frontiers = new Int32Array(teachers);
    this.families = new FamilyHoursTable(students, options);
    this.dayClasses = new Uint8Array(n);
    this.seen = new Uint32Array(n);
    this.maxPerDay = options.maxPerDay;
    this.maxPerWeek = options.maxPerWeek;
    this.visitMinutes = options.visitMinutes;
    this.step = options.slotStepMinutes;
    const dayOf = new Map<string, number>();
    for (const slot of input.busySlots) {
      const t = teacherIndex.get(slot.teacherId);
      if (t === undefined) continue; // no visit of this teacher to place
      const a = minutes(slot.from);
      const b = minutes(slot.to);
      if (!(b > a)) continue;
      let day = dayOf.get(slot.date);
      if (day === undefined) {
        day = dayNumber(slot.date) - days.first;
        dayOf.set(slot.date, day);
      }
      // Only days of the table are ever searched.
      if (day >= 0 && day < n) this.block(t, day, a, b);
    }
    for (const visit of input.arranged ?? []) this.holdArranged(visit, teacherIndex, dayOf);
    this.classify = classifier(input, options);
  }

  /**
   * A visit arranged before the plan: its teachers' time with the journey there and back
   * (default travel), and, unless it is a mentor's contact, a place under their caps.
   */
  private holdArranged(visit: ArrangedVisit, teacherIndex: ReadonlyMap<string, number>, dayOf: Map<string, number>) {
    let day = dayOf.get(visit.date);
    if (day === undefined) {
      day = dayNumber(visit.date) - this.days.first;
      dayOf.set(visit.date, day);
    }
    if (day < 0 || day >= this.n) return;
    const contact = visit.kind === "mentor_contact";
    const travel = contact ? 0 : this.options.defaultTravelMinutes + this.options.travelBufferMinutes;
    const a = minutes(visit.start);
    const b = minutes(visit.end);
    for (const id of [visit.teacherId, ...(visit.companionIds ?? [])]) {
      const t = teacherIndex.get(id);
      if (t === undefined || !(b > a)) continue;
      this.block(t, day, a - travel, b + travel);
      if (contact) continue;
      const perDay = t * this.n + day;
      this.perDay[perDay] = Math.min(255, (this.perDay[perDay] as number) + 1);
      const week = t * this.weeks + (this.days.week[day] as number);
      this.perWeek[week] = (this.perWeek[week] as number) + 1;
    }
  }

  /** Whether the task's family stated hours (so that a relaxed search may find other ones). */
  familyStated(task: Task): boolean {
    return this.families.stated(task.studentIndex);
  }

  /** Whether the day (by position) rests on a provisional calendar. */
  provisional(d: number): boolean {
    this.rawClass(d);
    return ((this.dayClasses[d] as number) & PROVISIONAL) !== 0;
  }

  /**
   * Finds the first day and time for a task and opens a trip there, or says why there is none.
   * The trip is the state's own and is filled anew by the next search: commit and write it first.
   * `mode` may relax the family's hours ({@link RELAXED}) or the caps ({@link PAST_CAPS}).
   */
  placeTrip(task: Task, mode = 0): Trip | ErrorCode {
    this.mode = mode;
    try {
      return this.search(task);
    } finally {
      this.mode = 0;
    }
  }

  private search(task: Task): Trip | ErrorCode {
    this.unknownDays = 0;
    this.allowedDays = 0;
    this.familyDays = 0;
    this.capDays = 0;
    this.busyDays = 0;
    const { lead, companion } = task;
    const uncapped = task.contact || (this.mode & PAST_CAPS) !== 0;
    if (!task.contact && (this.mode & RELAXED) === 0 && !this.families.everAvailable(task.studentIndex)) {
      return "schedule_family_unavailable";
    }
    const first = this.days.first;
    const from = task.from - first;
    const to = task.to - first;
    let frontier = from;
    if (!uncapped) {
      const lead0 = this.frontier(lead);
      frontier = companion < 0 || lead0 > this.frontier(companion) ? lead0 : this.frontier(companion);
      // A frontier past the table stands for "no day left": later than any day.
      if (frontier >= this.n || frontier > from) {
        // Days skipped as full still count as allowed days where the teacher had no room.
        this.allowedDays++;
        this.familyDays++;
        this.capDays++;
      }
    }
    // Days in preferred windows first, then the rest from the frontier on (days before it are
    // known full for the teachers), each in date order.
    const p = task.preferred;
    let stamp = 0;
    if (p.length > 0) {
      stamp = this.nextStamp();
      for (let k = 0; k < p.length; k += 2) {
        const a = (p[k] as number) - first;
        const b = (p[k + 1] as number) - first;
        const wFrom = a > from ? a : from;
        const wTo = b < to ? b : to;
        for (let d = wFrom; d <= wTo; d++) {
          if (this.seen[d] === stamp) continue;
          this.seen[d] = stamp;
          const trip = this.tryDay(task, d);
          if (trip) return trip;
        }
      }
    }
    for (let d = frontier > from ? frontier : from; d <= to; d++) {
      if (stamp !== 0 && this.seen[d] === stamp) continue;
      const trip = this.tryDay(task, d);
      if (trip) return trip;
    }
    if (this.allowedDays === 0) return this.unknownDays > 0 ? "schedule_unknown_calendar" : "schedule_no_allowed_day";
    if (this.familyDays === 0) return "schedule_family_unavailable";
    if (this.busyDays === 0 && this.capDays > 0) return "schedule_teacher_full";
    return "schedule_no_free_slot";
  }

  private nextStamp(): number {
    if (this.stamp === 0xffffffff) {
      this.seen.fill(0);
      this.stamp = 0;
    }
    return ++this.stamp;
  }

  private tryDay(task: Task, d: number): Trip | undefined {
    const kind = this.dayClass(d, task);
    if (kind === UNKNOWN) this.unknownDays++;
    if (kind !== SCHOOL && kind !== REST) return undefined;
    this.allowedDays++;
    const { lead, companion } = task;
    const uncapped = task.contact || (this.mode & PAST_CAPS) !== 0;
    if (!uncapped && (!this.hasRoom(lead, d, 1) || (companion >= 0 && !this.hasRoom(companion, d, 1)))) {
      this.capDays++;
      this.familyDays++;
      return undefined;
    }
    if (!task.contact && this.studentDays[task.studentIndex]?.includes(d)) return undefined;
    const ranges = this.hours(kind, d, task);
    if (ranges.length === 0) return undefined;
    this.familyDays++;
    const length = task.contact ? this.options.contactMinutes : this.visitMinutes;
    const start = this.earliestStart(ranges, lead, companion, d, task.travel, length);
    if (start < 0) {
      this.busyDays++;
      return undefined;
    }
    const trip = this.trip;
    trip.lead = lead;
    trip.companion = companion;
    trip.day = d;
    trip.start = start;
    trip.end = start + length;
    trip.travel = task.travel;
    // Cut to one member by length 1, not 0: an array emptied gives up its storage, and the
    // next push would allocate it again.
    trip.members[0] = task;
    trip.members.length = 1;
    trip.starts[0] = start;
    trip.starts.length = 1;
    trip.length = length;
    trip.contact = task.contact;
    trip.relaxed = (this.mode & RELAXED) !== 0 && !task.contact;
    return trip;
  }

  /** Adds a visit to the end of a trip when it fits right after the last one. */
  tryJoin(trip: Trip, task: Task): void {
    if (trip.contact || task.contact) return;
    const d = trip.day;
    const day = this.days.first + d;
    if (task.from > day || task.to < day) return;
    if (task.preferred.length > 0 && !task.prefers(day)) return;
    if (this.studentDays[task.studentIndex]?.includes(d)) return;
    for (const m of trip.members) if (m.obligation.studentId === task.obligation.studentId) return;
    const kind = this.dayClass(d, task);
    if (kind !== SCHOOL && kind !== REST) return;
    const count = trip.members.length + 1;
    if (!this.hasRoom(trip.lead, d, count) || (trip.companion >= 0 && !this.hasRoom(trip.companion, d, count))) {
      return;
    }
    const earliest = trip.end + this.options.sameVillageBufferMinutes;
    const latest = earliest + this.options.maxTripGapMinutes;
    const travel = trip.travel > task.travel ? trip.travel : task.travel;
    const step = this.step;
    const visit = this.visitMinutes;
    const ranges = this.hours(kind, d, task);
    for (let r = 0; r < ranges.length; r += 2) {
      const a = ranges[r] as number;
      const b = ranges[r + 1] as number;
      let s = snap(a > earliest ? a : earliest, step);
      while (s <= latest && s + visit <= b) {
        const end = s + visit;
        const clash =
          this.clash(trip.lead, d, trip.start - travel, end + travel) ||
          (trip.companion >= 0 && this.clash(trip.companion, d, trip.start - travel, end + travel));
        if (!clash) {
          trip.members.push(task);
          trip.starts.push(s);
          trip.end = end;
          trip.travel = travel;
          return;
        }
        // A clash before the trip's start cannot be waited out.
        if (this.clashFrom < trip.start) return;
        s = snap(this.clashTo + travel, step);
      }
    }
  }

  commit(trip: Trip): void {
    const n = trip.members.length;
    const d = trip.day;
    this.commitTeacher(trip.lead, trip, n);
    if (trip.companion >= 0) this.commitTeacher(trip.companion, trip, n);
    for (const task of trip.members) {
      task.placed = true;
      if (task.contact) continue;
      const visited = this.studentDays[task.studentIndex];
      if (visited) visited.push(d);
      else this.studentDays[task.studentIndex] = [d];
    }
  }

  private commitTeacher(t: number, trip: Trip, n: number): void {
    const d = trip.day;
    this.block(t, d, trip.start - trip.travel, trip.end + trip.travel);
    // A contact takes the teacher's time but is not a home visit: it counts against no cap.
    if (trip.contact) return;
    const day = t * this.n + d;
    this.perDay[day] = Math.min(255, (this.perDay[day] as number) + n);
    const week = t * this.weeks + (this.days.week[d] as number);
    this.perWeek[week] = (this.perWeek[week] as number) + n;
  }

  /** The first day from which the teacher may still have room: every day before it is full. */
  private frontier(t: number): number {
    let index = this.frontiers[t] as number;
    while (index < this.n && !this.hasRoom(t, index, 1)) index++;
    this.frontiers[t] = index;
    return index;
  }

  /** How many more visits the trip's teachers can take that day and week. */
  room(trip: Trip): number {
    if (trip.contact) return 0;
    const room =
      trip.companion < 0
        ? this.roomOf(trip.lead, trip.day)
        : Math.min(this.roomOf(trip.lead, trip.day), this.roomOf(trip.companion, trip.day));
    return room - trip.members.length;
  }

  private roomOf(t: number, d: number): number {
    return Math.min(
      this.maxPerDay - (this.perDay[t * this.n + d] as number),
      this.maxPerWeek - (this.perWeek[t * this.weeks + (this.days.week[d] as number)] as number),
    );
  }

  private rawClass(d: number): number {
    let kind = this.dayClasses[d] as number;
    if (kind === 0) {
      kind = this.classify(this.days.date(d));
      this.dayClasses[d] = kind;
    }
    return kind;
  }

  private dayClass(d: number, task: Task): DayClass {
    const kind = (this.rawClass(d) & 7) as DayClass;
    if (kind === HOLIDAY && this.options.holidayVisits === "preferred_windows" && task.prefers(this.days.first + d)) {
      return REST;
    }
    return kind;
  }

  /** Allowed hours of the day: cut to the family's availability, relaxed, or whole for a contact. */
  private hours(kind: typeof SCHOOL | typeof REST, d: number, task: Task): readonly number[] {
    const weekday = this.days.weekday[d] as number;
    if (task.contact) return this.families.allowedOn(kind, weekday);
    if ((this.mode & RELAXED) !== 0) return this.families.relaxedOn(kind, weekday, task.studentIndex);
    return this.families.hoursOn(kind, weekday, task.studentIndex);
  }

  private hasRoom(t: number, d: number, visits: number): boolean {
    return (
      (this.perDay[t * this.n + d] as number) + visits <= this.maxPerDay &&
      (this.perWeek[t * this.weeks + (this.days.week[d] as number)] as number) + visits <= this.maxPerWeek
    );
  }

  /** The earliest start on the day that clashes with neither teacher, or -1. */
  private earliestStart(
    ranges: readonly number[],
    lead: number,
    companion: number,
    d: number,
    travel: number,
    length: number,
  ): number {
    const step = this.step;
    for (let r = 0; r < ranges.length; r += 2) {
      const b = ranges[r + 1] as number;
      let s = snap(ranges[r] as number, step);
      while (s + length <= b) {
        const clash =
          this.clash(lead, d, s - travel, s + length + travel) ||
          (companion >= 0 && this.clash(companion, d, s - travel, s + length + travel));
        if (!clash) return s;
        s = snap(Math.max(this.clashTo + travel, s + 1), step);
      }
    }
    return -1;
  }

  /**
   * Whether a blocked interval of the teacher on the day overlaps [a, b); if so, the one that
   * ends last (the first of those) is left in `clashFrom`/`clashTo`.
   */
  private clash(t: number, d: number, a: number, b: number): boolean {
    const list = this.blocked[t]?.[d];
    if (!list) return false;
    let found = false;
    for (let i = 0; i < list.length; i += 2) {
      const from = list[i] as number;
      const to = list[i + 1] as number;
      if (from < b && a < to && (!found || to > this.clashTo)) {
        found = true;
        this.clashFrom = from;
        this.clashTo = to;
      }
    }
    return found;
  }

  private block(t: number, d: number, a: number, b: number): void {
    let perDate = this.blocked[t];
    if (!perDate) {
      perDate = new Array(this.n);
      this.blocked[t] = perDate;
    }
    const list = perDate[d];
    if (list) list.push(a, b);
    else perDate[d] = [a, b];
  }
}
