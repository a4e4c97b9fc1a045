import * as z from "zod";
import { addDays, isoWeekday } from "../dates.js";
import type { ErrorCode } from "../errors/catalog.js";
import { errorCatalog } from "../errors/catalog.js";
import { HomevisitError } from "../errors/homevisit-error.js";
import { addCatalogIssue, parseInput } from "../errors/parse.js";
import { type LocalizedText, localizeAll } from "../i18n.js";
import { type IsoDate, idSchema, isoDateSchema, localTimeSchema } from "../primitives.js";
import type { Student } from "../student.js";
import { type DayType, dayType as officialDayType } from "./calendar/holidays.js";
import { expandRecurrence } from "./rrule.js";
import type { BusySlot } from "./timetable.js";
import type { Assignment, DateWindow, Obligation, Term } from "./types.js";

/**
 * The scheduler: concrete dates and times for assigned visits. Pure: the teachers' lessons
 * arrive as busy slots (from the {@link "./timetable.js".TimetableSource} port, called by the
 * engine), the official calendar as a function. Every date is a `YYYY-MM-DD` and every time a
 * wall-clock `HH:mm` in China Standard Time; nothing reads the host's clock or time zone.
 */

/** A range of wall-clock time within one day. */
export const timeRangeSchema = z.strictObject({ from: localTimeSchema, to: localTimeSchema }).superRefine((r, ctx) => {
  if (r.to <= r.from) addCatalogIssue(ctx, "date_range_inverted", {}, ["to"]);
});
/** A range of wall-clock time within one day. */
export type TimeRange = z.infer<typeof timeRangeSchema>;

/** Options of {@link scheduleVisits}; every field has a default. */
export const scheduleOptionsSchema = z.strictObject({
  /**
   * When visits may happen: after lessons on school days, daytime on rest days (weekends and,
   * with a calendar that says so, vacation days).
   */
  allowedHours: z
    .strictObject({
      schoolDay: z
        .array(timeRangeSchema)
        .max(8)
        .default([{ from: "16:30", to: "20:00" }]),
      restDay: z
        .array(timeRangeSchema)
        .max(8)
        .default([{ from: "09:00", to: "17:00" }]),
    })
    .prefault({}),
  /** Length of one visit. */
  visitMinutes: z.int().min(10).max(240).default(45),
  /** One-way travel when a home has no `address.travelMinutes`. */
  defaultTravelMinutes: z.int().min(0).max(600).default(20),
  /** Slack added to the travel on each side of a trip (parking, finding the house, lateness). */
  travelBufferMinutes: z.int().min(0).max(120).default(10),
  /** Time between two visits of one trip in the same village. */
  sameVillageBufferMinutes: z.int().min(0).max(120).default(10),
  /** The longest wait between two visits of one trip; a longer one makes a separate trip. */
  maxTripGapMinutes: z.int().min(0).max(240).default(30),
  /** Most visits a teacher makes (lead or companion) in a day. */
  maxPerDay: z.int().min(1).max(20).default(3),
  /** Most visits a teacher makes in an ISO week (Monday to Sunday). */
  maxPerWeek: z.int().min(1).max(100).default(8),
  /** Visits at weekends (families are home); never on official holidays. */
  allowWeekends: z.boolean().default(true),
  /**
   * Days of a year without holiday data are skipped with `schedule_unknown_calendar`; set this to
   * treat them by weekday (Monday–Friday school days) at your own risk.
   */
  allowUnknownDays: z.boolean().default(false),
  /**
   * `never` (default): no visits on official holidays. `preferred_windows`: allowed inside an
   * obligation's preferred window, e.g. the Spring Festival for left-behind children (R13).
   */
  holidayVisits: z.enum(["never", "preferred_windows"]).default("never"),
  /** Start times snap to this grid. */
  slotStepMinutes: z.int().min(1).max(60).default(5),
});
/** Options of the scheduler, defaults applied. */
export type ScheduleOptions = z.infer<typeof scheduleOptionsSchema>;
/** Options of the scheduler as a caller writes them. */
export type ScheduleOptionsInput = z.input<typeof scheduleOptionsSchema>;

/** One proposed visit: who, whom, when, and which trip it belongs to. */
export const proposedSlotSchema = z.strictObject({
  obligationId: z.string().min(1).max(300),
  studentId: idSchema,
  teacherId: idSchema,
  companionId: idSchema.optional(),
  date: isoDateSchema,
  start: localTimeSchema,
  end: localTimeSchema,
  /** Visits of one teacher in one village on one day, back to back, share a trip. */
  tripId: z.string().min(1).max(200),
  /** For a recurring contact: the occurrence this slot serves. */
  occurrence: isoDateSchema.optional(),
});
/** One proposed visit. */
export type ProposedSlot = z.infer<typeof proposedSlotSchema>;

/** An obligation (or one occurrence of a recurring one) the scheduler could not place, and why. */
export interface UnscheduledObligation {
  obligationId: string;
  studentId: string;
  occurrence?: IsoDate;
  code: ErrorCode;
  reason: LocalizedText;
}

/** The result of {@link scheduleVisits}. */
export interface SchedulePlan {
  /** Sorted by date, start, teacher, obligation. */
  slots: ProposedSlot[];
  /** Sorted by obligation and occurrence. */
  unscheduled: UnscheduledObligation[];
}

/** A student as the scheduler needs it: where the home is and when the family is free. */
export type ScheduleStudent = Pick<Student, "id" | "address"> & { availability?: Student["availability"] };

/** What kind of day a date is, as {@link "./calendar/holidays.js".dayType} answers. */
export type DayTypeFunction = (date: IsoDate) => DayType;

/** What {@link scheduleVisits} reads. */
export interface ScheduleVisitsInput {
  term: Pick<Term, "start" | "end">;
  assignments: readonly Assignment[];
  obligations: readonly Obligation[];
  students: readonly ScheduleStudent[];
  /** Lessons and duties of the teachers, from the timetable port. */
  busySlots: readonly BusySlot[];
  /**
   * The official calendar: defaults to `dayType` with the built-in holiday data, which answers
   * `unknown` for years it has no announcement for.
   */
  dayType?: DayTypeFunction;
  /**
   * A school-day test, used when `dayType` is not given: `true` school day, `false` rest day at
   * a weekend and closed on a weekday (holiday or vacation), `"unknown"` skipped.
   */
  isSchoolDay?: (date: IsoDate) => boolean | "unknown";
  options?: ScheduleOptionsInput;
}

type DayClass = "school" | "rest" | "holiday" | "unknown" | "closed";

interface Task {
  key: string;
  obligation: Obligation;
  assignment: Assignment;
  student: ScheduleStudent;
  occurrence: IsoDate | undefined;
  from: IsoDate;
  to: IsoDate;
  preferred: DateWindow[];
  travel: number;
  group: string;
  placed: boolean;
}

interface Trip {
  lead: string;
  companion: string | undefined;
  date: IsoDate;
  start: number;
  end: number;
  travel: number;
  members: { task: Task; start: number }[];
}

/**
 * Proposes a date and time for every assigned obligation.
 *
 * Rules: a visit never overlaps a busy slot of its lead or companion, nor another visit of
 * either (travel there and back included: `address.travelMinutes` or `defaultTravelMinutes`,
 * plus `travelBufferMinutes`); it falls on an allowed day inside the obligation's window —
 * school days after lessons (`allowedHours.schoolDay`, default 16:30–20:00), weekends in the
 * daytime (`allowedHours.restDay`, default 09:00–17:00), never an official holiday, never a day
 * whose year has no holiday data; inside the family's stated availability when there is one;
 * at most `maxPerDay` (3) visits per teacher per day and `maxPerWeek` (8) per week; the
 * obligation's preferred windows first, then the earliest day. Visits of one teacher to the
 * same village go on the same day, back to back, as one trip (`tripId`). Urgent obligations
 * are placed first. Recurring contacts (`rrule`, floating time) get one slot per occurrence,
 * on its date or later before the next one. What cannot be placed is listed with a code and
 * the reason. The same input always gives the same plan, whatever the host's time zone.
 *
 * @example
 * ```ts
 * scheduleVisits({
 *   term: { start: "2026-09-01", end: "2027-01-22" },
 *   assignments: [
 *     { obligationId: "o1", studentId: "s1", leadTeacherId: "t1", reasons: [] },
 *     { obligationId: "o2", studentId: "s2", leadTeacherId: "t1", reasons: [] },
 *   ],
 *   obligations: [o1, o2], // windows 2026-09-14 … 2026-09-30; s1 and s2 both live in 下洋村
 *   students: [s1, s2],    // travelMinutes 20, no stated availability
 *   busySlots: [{ teacherId: "t1", date: "2026-09-14", from: "16:00", to: "17:30" }],
 * });
 * // → {
 * //   slots: [
 * //     { obligationId: "o1", studentId: "s1", teacherId: "t1", date: "2026-09-14", start: "18:00", end: "18:45", tripId: "t1/2026-09-14/1800" },
 * //     { obligationId: "o2", studentId: "s2", teacherId: "t1", date: "2026-09-14", start: "18:55", end: "19:40", tripId: "t1/2026-09-14/1800" },
 * //   ],
 * //   unscheduled: [],
 * // }
 * ```
 */
export function scheduleVisits(input: ScheduleVisitsInput): SchedulePlan {
  const options = parseInput(scheduleOptionsSchema, input.options ?? {}, { path: ["options"] });
  const unscheduled: UnscheduledObligation[] = [];
  const studentsById = new Map(input.students.map((s) => [s.id, s]));
  const assignmentByObligation = new Map(input.assignments.map((a) => [a.obligationId, a]));

  const tasks: Task[] = [];
  const expansions = new Map<string, IsoDate[]>();
  const sortedObligations = [...input.obligations].sort((a, b) => cmp(a.id, b.id));
  for (const obligation of sortedObligations) {
    const assignment = assignmentByObligation.get(obligation.id);
    if (!assignment) {
      unscheduled.push(unscheduledOf(obligation, "schedule_not_assigned"));
      continue;
    }
    const student = studentsById.get(obligation.studentId);
    if (!student) {
      unscheduled.push(unscheduledOf(obligation, "schedule_student_missing"));
      continue;
    }
    const travel = (student.address.travelMinutes ?? options.defaultTravelMinutes) + options.travelBufferMinutes;
    const group = [
      assignment.leadTeacherId,
      assignment.companionTeacherId ?? "",
      student.address.town,
      student.address.village,
    ].join("\u0000");
    const base = { obligation, assignment, student, travel, group, placed: false };
    if (obligation.rrule === undefined) {
      tasks.push({
        ...base,
        key: obligation.id,
        occurrence: undefined,
        from: obligation.window.from,
        to: obligation.window.to,
        preferred: obligation.preferred,
      });
      continue;
    }
    let occurrences: IsoDate[];
    try {
      const key = `${obligation.window.from}|${obligation.window.to}|${obligation.rrule}`;
      occurrences = expansions.get(key) ?? expandRecurrence(obligation.rrule, obligation.window);
      expansions.set(key, occurrences);
    } catch (error) {
      const problem = error instanceof HomevisitError ? String(error.params.problem) : "unreadable rule";
      unscheduled.push(unscheduledOf(obligation, "schedule_rrule_invalid", { problem }));
      continue;
    }
    occurrences.forEach((occurrence, i) => {
      const next = occurrences[i + 1];
      const to = next === undefined ? obligation.window.to : addDays(next, -1);
      tasks.push({
        ...base,
        key: `${obligation.id}@${occurrence}`,
        occurrence,
        from: occurrence,
        to: to < obligation.window.to ? to : obligation.window.to,
        preferred: [{ from: occurrence, to: occurrence }],
      });
    });
  }

  // Urgent first, then the earliest deadline, so crisis visits get the first free evenings.
  tasks.sort(
    (a, b) =>
      b.obligation.urgency - a.obligation.urgency || cmp(a.to, b.to) || cmp(a.from, b.from) || cmp(a.key, b.key),
  );
  const groups = new Map<string, Task[]>();
  for (const t of tasks) {
    // An occurrence of a recurring contact keeps to its own date: it is never pulled into a trip.
    if (t.occurrence !== undefined) continue;
    const list = groups.get(t.group) ?? [];
    list.push(t);
    groups.set(t.group, list);
  }

  let first: IsoDate | undefined;
  let last: IsoDate | undefined;
  for (const t of tasks) {
    if (first === undefined || t.from < first) first = t.from;
    if (last === undefined || t.to > last) last = t.to;
  }
  const days = new DayTable(first ?? input.term.start, last ?? input.term.start);
  const state = new SchedulerState(input, options, days);
  const slots: ProposedSlot[] = [];
  for (const task of tasks) {
    if (task.placed) continue;
    const trip = state.placeTrip(task);
    if ("code" in trip) {
      const params: Record<string, string> =
        trip.code === "schedule_unknown_calendar" || trip.code === "schedule_no_allowed_day"
          ? { from: task.from, to: task.to }
          : {};
      unscheduled.push({ ...unscheduledOf(task.obligation, trip.code, params), ...occurrenceOf(task) });
      continue;
    }
    const group = groups.get(task.group) ?? [];
    // Look at a bounded number of open members: trying every one for every trip made big
    // groups (a mentor's weekly contacts in one village) quadratic.
    let looked = 0;
    for (const member of group) {
      if (looked >= 8 * options.maxPerDay || state.room(trip) <= 0) break;
      if (member.placed || member === task || member.from > trip.date || member.to < trip.date) continue;
      looked++;
      state.tryJoin(trip, member);
    }
    // Drop placed members now and then, so big groups (a mentor's weekly contacts) stay cheap.
    if (group.length > 32) {
      const open = group.filter((m) => !m.placed);
      if (open.length < group.length / 2) groups.set(task.group, open);
    }
    state.commit(trip);
    const tripId = `${trip.lead}/${trip.date}/${clock(trip.start).replace(":", "")}`;
    for (const { task: t, start } of trip.members) {
      slots.push({
        obligationId: t.obligation.id,
        studentId: t.obligation.studentId,
        teacherId: trip.lead,
        ...(trip.companion === undefined ? {} : { companionId: trip.companion }),
        date: trip.date,
        start: clock(start),
        end: clock(start + options.visitMinutes),
        tripId,
        ...occurrenceOf(t),
      });
    }
  }

  slots.sort(
    (a, b) =>
      cmp(a.date, b.date) ||
      cmp(a.start, b.start) ||
      cmp(a.teacherId, b.teacherId) ||
      cmp(a.obligationId, b.obligationId),
  );
  unscheduled.sort((a, b) => cmp(a.obligationId, b.obligationId) || cmp(a.occurrence ?? "", b.occurrence ?? ""));
  return { slots, unscheduled };
}

/**
 * Checks a plan against the hard rules and lists every breach: a teacher in two places at once,
 * a visit over a busy slot of its lead or companion, a companion who is also the lead. Empty
 * when the plan is sound; for tests and for hosts that edit proposed slots by hand.
 *
 * @example
 * ```ts
 * scheduleConflicts(plan.slots, busySlots); // → []
 * scheduleConflicts(
 *   [{ obligationId: "o1", studentId: "s1", teacherId: "t1", date: "2026-09-14", start: "16:00", end: "16:45", tripId: "x" }],
 *   [{ teacherId: "t1", date: "2026-09-14", from: "15:50", to: "16:35" }],
 * );
 * // → [{ kind: "busy_slot", teacherId: "t1", date: "2026-09-14", obligationIds: ["o1"] }]
 * ```
 */
export function scheduleConflicts(
  slots: readonly ProposedSlot[],
  busySlots: readonly BusySlot[],
): {
  kind: "double_booked" | "busy_slot" | "companion_is_lead";
  teacherId: string;
  date: IsoDate;
  obligationIds: string[];
}[] {
  const conflicts: ReturnType<typeof scheduleConflicts> = [];
  const byTeacherDay = new Map<string, { a: number; b: number; id: string }[]>();
  for (const s of slots) {
    if (s.companionId === s.teacherId) {
      conflicts.push({
        kind: "companion_is_lead",
        teacherId: s.teacherId,
        date: s.date,
        obligationIds: [s.obligationId],
      });
    }
    for (const teacherId of s.companionId === undefined ? [s.teacherId] : [s.teacherId, s.companionId]) {
      const key = `${teacherId}|${s.date}`;
      const list = byTeacherDay.get(key) ?? [];
      list.push({ a: minutes(s.start), b: minutes(s.end), id: s.obligationId });
      byTeacherDay.set(key, list);
    }
  }
  for (const [key, list] of byTeacherDay) {
    const [teacherId = "", date = ""] = key.split("|");
    list.sort((x, y) => x.a - y.a || x.b - y.b);
    for (let i = 1; i < list.length; i++) {
      const prev = list[i - 1];
      const cur = list[i];
      if (prev && cur && cur.a < prev.b) {
        conflicts.push({ kind: "double_booked", teacherId, date, obligationIds: [prev.id, cur.id] });
      }
    }
  }
  for (const busy of busySlots) {
    for (const v of byTeacherDay.get(`${busy.teacherId}|${busy.date}`) ?? []) {
      if (v.a < minutes(busy.to) && minutes(busy.from) < v.b) {
        conflicts.push({ kind: "busy_slot", teacherId: busy.teacherId, date: busy.date, obligationIds: [v.id] });
      }
    }
  }
  return conflicts;
}

// ——— internals ———

class SchedulerState {
  // Nested maps keyed teacher → date: string keys built per lookup made most of the garbage.
  private readonly blocked = new Map<string, Map<IsoDate, [number, number][]>>();
  private readonly perDay = new Map<string, Map<IsoDate, number>>();
  private readonly perWeek = new Map<string, Map<IsoDate, number>>();
  private readonly studentDays = new Map<string, Set<IsoDate>>();
  private readonly frontiers = new Map<string, number>();
  private readonly everAvailable = new WeakMap<object, boolean>();
  private readonly dayClasses = new Map<IsoDate, DayClass>();
  private readonly hoursCache = new WeakMap<object, Map<string, [number, number][]>>();
  private readonly classify: (date: IsoDate) => DayClass;

  constructor(
    input: ScheduleVisitsInput,
    private readonly options: ScheduleOptions,
    private readonly days: DayTable,
  ) {
    for (const slot of input.busySlots) {
      const a = minutes(slot.from);
      const b = minutes(slot.to);
      if (!(b > a)) continue;
      this.block(slot.teacherId, slot.date, a, b);
    }
    this.classify = classifier(input, options);
  }

  /** Finds the first day and time for a task and opens a trip there, or says why there is none. */
  placeTrip(task: Task): Trip | { code: ErrorCode } {
    const stats = { unknown: 0, allowed: 0, family: 0, caps: 0, busy: 0 };
    const lead = task.assignment.leadTeacherId;
    const companion = task.assignment.companionTeacherId;
    if (!this.familyEverAvailable(task.student)) return { code: "schedule_family_unavailable" };
    const busyDays = this.studentDays.get(task.obligation.studentId);
    const lead0 = this.frontier(lead);
    const frontier = companion === undefined || lead0 > this.frontier(companion) ? lead0 : this.frontier(companion);
    if (frontier > task.from) {
      // Days skipped as full still count as allowed days where the teacher had no room.
      stats.allowed++;
      stats.family++;
      stats.caps++;
    }
    for (const date of candidateDays(task, this.days, frontier)) {
      const kind = this.dayClass(date, task);
      if (kind === "unknown") stats.unknown++;
      if (kind !== "school" && kind !== "rest") continue;
      stats.allowed++;
      if (!this.hasRoom(lead, date, 1) || (companion !== undefined && !this.hasRoom(companion, date, 1))) {
        stats.caps++;
        stats.family++;
        continue;
      }
      if (busyDays?.has(date)) continue;
      const ranges = this.hours(kind, date, task.student);
      if (ranges.length === 0) continue;
      stats.family++;
      const start = this.earliestStart(ranges, lead, companion, date, task.travel);
      if (start === undefined) {
        stats.busy++;
        continue;
      }
      return {
        lead,
        companion,
        date,
        start,
        end: start + this.options.visitMinutes,
        travel: task.travel,
        members: [{ task, start }],
      };
    }
    if (stats.allowed === 0)
      return { code: stats.unknown > 0 ? "schedule_unknown_calendar" : "schedule_no_allowed_day" };
    if (stats.family === 0) return { code: "schedule_family_unavailable" };
    if (stats.busy === 0 && stats.caps > 0) return { code: "schedule_teacher_full" };
    return { code: "schedule_no_free_slot" };
  }

  /** Adds a visit to the end of a trip when it fits right after the last one. */
  tryJoin(trip: Trip, task: Task): void {
    const { date } = trip;
    if (task.from > date || task.to < date) return;
    if (task.preferred.length > 0 && !task.preferred.some((w) => w.from <= date && date <= w.to)) return;
    if (this.studentDays.get(task.obligation.studentId)?.has(date)) return;
    if (trip.members.some((m) => m.task.obligation.studentId === task.obligation.studentId)) return;
    const kind = this.dayClass(date, task);
    if (kind !== "school" && kind !== "rest") return;
    const count = trip.members.length + 1;
    if (
      !this.hasRoom(trip.lead, date, count) ||
      (trip.companion !== undefined && !this.hasRoom(trip.companion, date, count))
    ) {
      return;
    }
    const earliest = trip.end + this.options.sameVillageBufferMinutes;
    const latest = earliest + this.options.maxTripGapMinutes;
    const travel = Math.max(trip.travel, task.travel);
    const step = this.options.slotStepMinutes;
    for (const [a, b] of this.hours(kind, date, task.student)) {
      let s = snap(Math.max(a, earliest), step);
      while (s <= latest && s + this.options.visitMinutes <= b) {
        const end = s + this.options.visitMinutes;
        const clash =
          this.clash(trip.lead, date, trip.start - travel, end + travel) ??
          (trip.companion === undefined
            ? undefined
            : this.clash(trip.companion, date, trip.start - travel, end + travel));
        if (clash === undefined) {
          trip.members.push({ task, start: s });
          trip.end = end;
          trip.travel = travel;
          return;
        }
        // A clash before the trip's start cannot be waited out.
        if (clash[0] < trip.start) return;
        s = snap(clash[1] + travel, step);
      }
    }
  }

  commit(trip: Trip): void {
    const people = trip.companion === undefined ? [trip.lead] : [trip.lead, trip.companion];
    const n = trip.members.length;
    for (const teacherId of people) {
      this.block(teacherId, trip.date, trip.start - trip.travel, trip.end + trip.travel);
      increment(this.perDay, teacherId, trip.date, n);
      increment(this.perWeek, teacherId, this.days.week(trip.date), n);
    }
    for (const m of trip.members) {
      m.task.placed = true;
      const studentId = m.task.obligation.studentId;
      let dates = this.studentDays.get(studentId);
      if (!dates) {
        dates = new Set();
        this.studentDays.set(studentId, dates);
      }
      dates.add(trip.date);
    }
  }

  /** The first date from which the teacher may still have room: every day before it is full. */
  private frontier(teacherId: string): IsoDate {
    let index = this.frontiers.get(teacherId) ?? 0;
    for (let date = this.days.at(index); date !== undefined && !this.hasRoom(teacherId, date, 1); index++) {
      date = this.days.at(index + 1);
    }
    this.frontiers.set(teacherId, index);
    return this.days.at(index) ?? "9999-12-31";
  }

  /** How many more visits the trip's teachers can take that day and week. */
  room(trip: Trip): number {
    const room =
      trip.companion === undefined
        ? this.roomOf(trip.lead, trip.date)
        : Math.min(this.roomOf(trip.lead, trip.date), this.roomOf(trip.companion, trip.date));
    return room - trip.members.length;
  }

  private roomOf(teacherId: string, date: IsoDate): number {
    return Math.min(
      this.options.maxPerDay - (this.perDay.get(teacherId)?.get(date) ?? 0),
      this.options.maxPerWeek - (this.perWeek.get(teacherId)?.get(this.days.week(date)) ?? 0),
    );
  }

  /** Whether the family's stated availability meets the allowed hours on any weekday at all. */
  private familyEverAvailable(student: ScheduleStudent): boolean {
    if ((student.availability ?? []).length === 0) return true;
    let answer = this.everAvailable.get(student);
    if (answer === undefined) {
      answer = false;
      for (let weekday = 1; weekday <= 7 && !answer; weekday++) {
        answer =
          this.hoursOn("school", weekday, student).length > 0 || this.hoursOn("rest", weekday, student).length > 0;
      }
      this.everAvailable.set(student, answer);
    }
    return answer;
  }

  private dayClass(date: IsoDate, task: Task): DayClass {
    let kind = this.dayClasses.get(date);
    if (kind === undefined) {
      kind = this.classify(date);
      this.dayClasses.set(date, kind);
    }
    if (
      kind === "holiday" &&
      this.options.holidayVisits === "preferred_windows" &&
      task.preferred.some((w) => w.from <= date && date <= w.to)
    ) {
      return "rest";
    }
    return kind;
  }

  /** Allowed hours of the day, cut to the family's stated availability when there is one. */
  private hours(kind: "school" | "rest", date: IsoDate, student: ScheduleStudent): [number, number][] {
    return this.hoursOn(kind, this.days.weekday(date), student);
  }

  private hoursOn(kind: "school" | "rest", weekday: number, student: ScheduleStudent): [number, number][] {
    const key = `${kind}${weekday}`;
    let perStudent = this.hoursCache.get(student);
    if (!perStudent) {
      perStudent = new Map();
      this.hoursCache.set(student, perStudent);
    }
    let ranges = perStudent.get(key);
    if (!ranges) {
      ranges = this.computeHours(kind, weekday, student);
      perStudent.set(key, ranges);
    }
    return ranges;
  }

  private computeHours(kind: "school" | "rest", weekday: number, student: ScheduleStudent): [number, number][] {
    const allowed = (kind === "school" ? this.options.allowedHours.schoolDay : this.options.allowedHours.restDay).map(
      (r) => [minutes(r.from), minutes(r.to)] as [number, number],
    );
    const availability = student.availability ?? [];
    if (availability.length === 0) return allowed.sort((x, y) => x[0] - y[0]);
    const result: [number, number][] = [];
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
    return result.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  }

  private hasRoom(teacherId: string, date: IsoDate, visits: number): boolean {
    return (
      (this.perDay.get(teacherId)?.get(date) ?? 0) + visits <= this.options.maxPerDay &&
      (this.perWeek.get(teacherId)?.get(this.days.week(date)) ?? 0) + visits <= this.options.maxPerWeek
    );
  }

  private earliestStart(
    ranges: [number, number][],
    lead: string,
    companion: string | undefined,
    date: IsoDate,
    travel: number,
  ): number | undefined {
    const visit = this.options.visitMinutes;
    const step = this.options.slotStepMinutes;
    for (const [a, b] of ranges) {
      let s = snap(a, step);
      while (s + visit <= b) {
        const clash =
          this.clash(lead, date, s - travel, s + visit + travel) ??
          (companion === undefined ? undefined : this.clash(companion, date, s - travel, s + visit + travel));
        if (clash === undefined) return s;
        s = snap(Math.max(clash[1] + travel, s + 1), step);
      }
    }
    return undefined;
  }

  /** The first blocked interval of the teacher on the date that overlaps [a, b), if any. */
  private clash(teacherId: string, date: IsoDate, a: number, b: number): [number, number] | undefined {
    const list = this.blocked.get(teacherId)?.get(date);
    if (!list) return undefined;
    let found: [number, number] | undefined;
    for (const interval of list) {
      if (interval[0] < b && a < interval[1] && (!found || interval[1] > found[1])) found = interval;
    }
    return found;
  }

  private block(teacherId: string, date: IsoDate, a: number, b: number): void {
    let perDate = this.blocked.get(teacherId);
    if (!perDate) {
      perDate = new Map();
      this.blocked.set(teacherId, perDate);
    }
    const list = perDate.get(date);
    if (list) list.push([a, b]);
    else perDate.set(date, [[a, b]]);
  }
}

function classifier(input: ScheduleVisitsInput, options: ScheduleOptions): (date: IsoDate) => DayClass {
  const weekend = (date: IsoDate): boolean => isoWeekday(date) >= 6;
  const rest = (date: IsoDate): DayClass => (options.allowWeekends || !weekend(date) ? "rest" : "closed");
  const unknown = (date: IsoDate): DayClass => {
    if (!options.allowUnknownDays) return "unknown";
    return weekend(date) ? rest(date) : "school";
  };
  if (input.dayType === undefined && input.isSchoolDay !== undefined) {
    const isSchoolDay = input.isSchoolDay;
    return (date) => {
      const answer = isSchoolDay(date);
      if (answer === "unknown") return unknown(date);
      if (answer) return "school";
      // Not a school day on a weekday: a holiday or the vacation, where we cannot tell which.
      return weekend(date) ? rest(date) : "holiday";
    };
  }
  const dayType = input.dayType ?? ((date: IsoDate) => officialDayType(date));
  return (date) => {
    switch (dayType(date)) {
      case "workday":
      case "makeup_workday":
        return "school";
      case "weekend":
        return rest(date);
      case "holiday":
        return "holiday";
      default:
        return unknown(date);
    }
  };
}

/**
 * Dates with their weekday and week, built once per run: date arithmetic through `Date` for
 * every day of every task's window dominated the scheduler's time on a big school.
 */
class DayTable {
  private readonly info = new Map<IsoDate, { index: number; weekday: number; week: IsoDate }>();
  private readonly dates: IsoDate[] = [];

  constructor(from: IsoDate, to: IsoDate) {
    const cursor = new Date(`${from}T00:00:00Z`);
    const end = Date.parse(`${to}T00:00:00Z`);
    let week = addDays(from, 1 - isoWeekday(from));
    for (let index = 0; cursor.getTime() <= end; index++) {
      const date = cursor.toISOString().slice(0, 10);
      const day = cursor.getUTCDay();
      const weekday = day === 0 ? 7 : day;
      if (weekday === 1) week = date;
      this.info.set(date, { index, weekday, week });
      this.dates.push(date);
      cursor.setUTCDate(cursor.getUTCDate() + 1);
    }
  }

  weekday(date: IsoDate): number {
    return this.info.get(date)?.weekday ?? isoWeekday(date);
  }

  week(date: IsoDate): IsoDate {
    return this.info.get(date)?.week ?? addDays(date, 1 - isoWeekday(date));
  }

  /** The date at a position of the table, if inside it. */
  at(index: number): IsoDate | undefined {
    return this.dates[index];
  }

  /** The position of a date in the table (-1 outside it). */
  indexOf(date: IsoDate): number {
    return this.info.get(date)?.index ?? -1;
  }

  /** The dates from `from` to `to`, both included. */
  range(from: IsoDate, to: IsoDate): IsoDate[] {
    const a = this.info.get(from);
    const b = this.info.get(to);
    if (a && b) return this.dates.slice(a.index, b.index + 1);
    const out: IsoDate[] = [];
    for (let d = from; d <= to; d = addDays(d, 1)) out.push(d);
    return out;
  }
}

/**
 * Days of the task's window: those in preferred windows first, then the rest from `startAt`
 * on (days before it are known full for the teachers), each in date order.
 */
function* candidateDays(task: Task, table: DayTable, startAt: IsoDate): Generator<IsoDate> {
  const restFrom = startAt > task.from ? startAt : task.from;
  if (task.preferred.length === 0) {
    if (restFrom <= task.to) yield* table.range(restFrom, task.to);
    return;
  }
  const seen = new Set<IsoDate>();
  const preferred = [...task.preferred].sort((a, b) => cmp(a.from, b.from));
  for (const w of preferred) {
    const from = w.from > task.from ? w.from : task.from;
    const to = w.to < task.to ? w.to : task.to;
    if (from > to) continue;
    for (const d of table.range(from, to)) {
      if (seen.has(d)) continue;
      seen.add(d);
      yield d;
    }
  }
  if (restFrom <= task.to) for (const d of table.range(restFrom, task.to)) if (!seen.has(d)) yield d;
}

function increment(map: Map<string, Map<IsoDate, number>>, teacherId: string, key: IsoDate, n: number): void {
  let perKey = map.get(teacherId);
  if (!perKey) {
    perKey = new Map();
    map.set(teacherId, perKey);
  }
  perKey.set(key, (perKey.get(key) ?? 0) + n);
}

function unscheduledOf(
  obligation: Pick<Obligation, "id" | "studentId">,
  code: ErrorCode,
  params: Record<string, string | number> = {},
): UnscheduledObligation {
  return {
    obligationId: obligation.id,
    studentId: obligation.studentId,
    code,
    reason: localizeAll(errorCatalog[code].message, params),
  };
}

function occurrenceOf(task: Task): { occurrence?: IsoDate } {
  return task.occurrence === undefined ? {} : { occurrence: task.occurrence };
}

function minutes(time: string): number {
  return Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));
}

function clock(total: number): string {
  const h = Math.floor(total / 60);
  const m = total % 60;
  return `${String(h).padStart(2, "0")}:${String(m).padStart(2, "0")}`;
}

function snap(value: number, step: number): number {
  return Math.ceil(value / step) * step;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
