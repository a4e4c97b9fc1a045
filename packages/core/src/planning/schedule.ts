import * as z from "zod";
import { isoWeekday } from "../shared/dates.js";
import type { ErrorCode } from "../shared/errors/catalog.js";
import { errorCatalog } from "../shared/errors/catalog.js";
import { HomevisitError } from "../shared/errors/homevisit-error.js";
import { addCatalogIssue, parseInput } from "../shared/errors/parse.js";
import { type LocalizedText, localizeAll } from "../shared/i18n.js";
import { type IsoDate, idSchema, isoDateSchema, localTimeSchema } from "../shared/primitives.js";
import type { Student } from "../domain/student.js";
import { type DayType, dayType as officialDayType } from "./calendar/holidays.js";
import { childMap } from "./maps.js";
import { expandRecurrence } from "./rrule.js";
import type { BusySlot } from "./timetable.js";
import type { Assignment, DateWindow, Obligation, Term } from "../domain/planning.js";

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

/** What kind of day a date is, as {@link dayType} answers. */
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

/** The class of a day for visits; the numbers index the scheduler's typed arrays. */
const SCHOOL = 1;
const REST = 2;
const HOLIDAY = 3;
const UNKNOWN = 4;
const CLOSED = 5;
type DayClass = typeof SCHOOL | typeof REST | typeof HOLIDAY | typeof UNKNOWN | typeof CLOSED;

const noWindows: readonly number[] = [];
const noTasks: readonly Task[] = [];

/**
 * Occurrences of recurring contacts, shared by every call: the schools of a city plan the same
 * term, so most rule texts and windows repeat from school to school. Read only, bounded.
 */
const expansionCache = new Map<string, readonly IsoDate[]>();

function sharedExpansion(key: string, rrule: string, window: DateWindow): readonly IsoDate[] {
  let occurrences = expansionCache.get(key);
  if (occurrences === undefined) {
    occurrences = expandRecurrence(rrule, window);
    if (expansionCache.size >= 4096) expansionCache.clear();
    expansionCache.set(key, occurrences);
  }
  return occurrences;
}

/**
 * One visit to place: an obligation, or one occurrence of a recurring one. Dates are day
 * numbers (days since 1970-01-01) and teachers and students small integers: string dates and
 * maps keyed by them made most of the scheduler's time and garbage on a big school.
 */
class Task {
  placed = false;
  /** The open tasks of this task's group (same teachers and village), shared by its members. */
  groupTasks: Task[] | undefined = undefined;
  /** Same teachers and village, same group: set once every teacher has its number. */
  group = 0;
  /** Urgency (most first), last day and first day as one number, for the sort (when they fit). */
  rank = 0;
  constructor(
    /**
     * The task's key is the obligation's id followed by this: `@` and the occurrence for an
     * occurrence, else nothing. Kept apart, so that no key text is built per occurrence.
     */
    readonly keySuffix: string,
    readonly obligation: Obligation,
    readonly studentIndex: number,
    readonly lead: number,
    /** -1 without a companion. */
    readonly companion: number,
    readonly occurrence: IsoDate | undefined,
    readonly from: number,
    readonly to: number,
    /** Preferred windows as [from, to, from, to, …] day numbers, sorted by their first day. */
    readonly preferred: readonly number[],
    readonly travel: number,
    /** The home's village (town and village), by number within the run. */
    readonly village: number,
  ) {}

  prefers(day: number): boolean {
    const p = this.preferred;
    for (let i = 0; i < p.length; i += 2) if ((p[i] as number) <= day && day <= (p[i + 1] as number)) return true;
    return false;
  }
}

interface Trip {
  lead: number;
  /** -1 without a companion. */
  companion: number;
  /** Position of the day in the day table. */
  day: number;
  start: number;
  end: number;
  travel: number;
  members: Task[];
  starts: number[];
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
  // Students by number: their position in the input (the last one of an id, as a map keeps it).
  const studentsById = new Map<string, number>();
  for (let i = 0; i < input.students.length; i++) studentsById.set((input.students[i] as ScheduleStudent).id, i);
  const assignmentByObligation = new Map<string, Assignment>();
  for (const a of input.assignments) assignmentByObligation.set(a.obligationId, a);
  const teacherIndex = new Map<string, number>();
  const teacherIds: string[] = [];
  const teacherOf = (id: string): number => {
    let i = teacherIndex.get(id);
    if (i === undefined) {
      i = teacherIds.length;
      teacherIndex.set(id, i);
      teacherIds.push(id);
    }
    return i;
  };
  /** Per student (by number): the village of the home (by number), -1 until known. */
  const studentVillage = new Int32Array(input.students.length).fill(-1);
  const villages = new Map<string, Map<string, number>>();
  let villageCount = 0;
  const days = new DayNumbers();

  const tasks: Task[] = [];
  // Per rule text, window start and end: nested maps, so no key text is built per obligation.
  const expansions = new Map<string, Map<string, Map<string, readonly IsoDate[]>>>();
  // Obligations in input order, not sorted by id: tasks and unscheduled entries are sorted
  // below by keys that start with the id, with stable sorts, so entries of equal ids keep
  // their input order either way, and the plan is the same.
  for (const obligation of input.obligations) {
    const assignment = assignmentByObligation.get(obligation.id);
    if (!assignment) {
      unscheduled.push(unscheduledOf(obligation, "schedule_not_assigned"));
      continue;
    }
    const s = studentsById.get(obligation.studentId);
    const student = s === undefined ? undefined : (input.students[s] as ScheduleStudent);
    if (s === undefined || !student) {
      unscheduled.push(unscheduledOf(obligation, "schedule_student_missing"));
      continue;
    }
    const travel = (student.address.travelMinutes ?? options.defaultTravelMinutes) + options.travelBufferMinutes;
    let village = studentVillage[s] as number;
    if (village < 0) {
      let ofTown = villages.get(student.address.town);
      if (ofTown === undefined) {
        ofTown = new Map();
        villages.set(student.address.town, ofTown);
      }
      const known = ofTown.get(student.address.village);
      if (known === undefined) {
        village = villageCount++;
        ofTown.set(student.address.village, village);
      } else village = known;
      studentVillage[s] = village;
    }
    const lead = teacherOf(assignment.leadTeacherId);
    const companion = assignment.companionTeacherId === undefined ? -1 : teacherOf(assignment.companionTeacherId);
    const windowTo = days.of(obligation.window.to);
    if (obligation.rrule === undefined) {
      tasks.push(
        new Task(
          "",
          obligation,
          s,
          lead,
          companion,
          undefined,
          days.of(obligation.window.from),
          windowTo,
          days.windows(obligation.preferred),
          travel,
          village,
        ),
      );
      continue;
    }
    let occurrences: readonly IsoDate[];
    try {
      let byFrom = expansions.get(obligation.rrule);
      if (byFrom === undefined) {
        byFrom = new Map();
        expansions.set(obligation.rrule, byFrom);
      }
      let byTo = byFrom.get(obligation.window.from);
      if (byTo === undefined) {
        byTo = new Map();
        byFrom.set(obligation.window.from, byTo);
      }
      let found = byTo.get(obligation.window.to);
      if (found === undefined) {
        const key = `${obligation.window.from}|${obligation.window.to}|${obligation.rrule}`;
        found = sharedExpansion(key, obligation.rrule, obligation.window);
        byTo.set(obligation.window.to, found);
      }
      occurrences = found;
    } catch (error) {
      const problem = error instanceof HomevisitError ? String(error.params.problem) : "unreadable rule";
      unscheduled.push(unscheduledOf(obligation, "schedule_rrule_invalid", { problem }));
      continue;
    }
    for (let i = 0; i < occurrences.length; i++) {
      const occurrence = occurrences[i] as IsoDate;
      const next = occurrences[i + 1];
      const day = days.of(occurrence);
      const to = next === undefined ? windowTo : days.of(next) - 1;
      tasks.push(
        new Task(
          days.suffix(occurrence),
          obligation,
          s,
          lead,
          companion,
          occurrence,
          day,
          to < windowTo ? to : windowTo,
          days.single(day),
          travel,
          village,
        ),
      );
    }
  }

  // Urgent first, then the earliest deadline, so crisis visits get the first free evenings.
  // Urgency, last and first day packed into one number when they fit (whole urgencies up to
  // 1023, days of 1970–2149): one subtraction instead of three reads through the obligation.
  let packed = true;
  for (const t of tasks) {
    const u = t.obligation.urgency;
    if (!(Number.isInteger(u) && u >= 0 && u <= 1023 && t.from >= 0 && t.to >= 0 && t.from < 65_536 && t.to < 65_536)) {
      packed = false;
      break;
    }
    t.rank = (1023 - u) * 4_294_967_296 + t.to * 65_536 + t.from;
  }
  tasks.sort(
    packed
      ? (a, b) => a.rank - b.rank || cmpKeys(a.obligation.id, a.keySuffix, b.obligation.id, b.keySuffix)
      : (a, b) =>
          b.obligation.urgency - a.obligation.urgency ||
          a.to - b.to ||
          a.from - b.from ||
          cmpKeys(a.obligation.id, a.keySuffix, b.obligation.id, b.keySuffix),
  );
  // Same lead, companion and village, same group: a number made of the three.
  const teacherCount = teacherIds.length;
  const numbered = (villageCount + 1) * (teacherCount + 1) * (teacherCount + 1) < Number.MAX_SAFE_INTEGER;
  // Out of the numbers' range (never at a school's size): a number per distinct triple.
  const triples = numbered ? undefined : new Map<string, number>();
  for (const t of tasks) {
    if (triples === undefined) {
      t.group = (t.village * (teacherCount + 1) + t.companion + 1) * (teacherCount + 1) + t.lead;
      continue;
    }
    const key = `${t.lead}|${t.companion}|${t.village}`;
    let n = triples.get(key);
    if (n === undefined) {
      n = triples.size;
      triples.set(key, n);
    }
    t.group = n;
  }
  const groups = new Map<number, Task[]>();
  for (const t of tasks) {
    // An occurrence of a recurring contact keeps to its own date: it is never pulled into a trip.
    if (t.occurrence !== undefined) continue;
    let list = groups.get(t.group);
    if (list) list.push(t);
    else {
      list = [t];
      groups.set(t.group, list);
    }
    t.groupTasks = list;
  }
  // An occurrence still offers its day to the one-off visits of its group, as they may join it.
  for (const t of tasks) if (t.occurrence !== undefined) t.groupTasks = groups.get(t.group);

  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  for (const t of tasks) {
    if (t.from < first) first = t.from;
    if (t.to > last) last = t.to;
  }
  if (tasks.length === 0) first = last = days.of(input.term.start);
  const table = new DayTable(first, last);
  const state = new SchedulerState(input, options, table, teacherIndex, input.students);
  const slots: ProposedSlot[] = [];
  const slotKeys: number[] = [];
  // Many tasks fail for the same reason and dates: fill each message once.
  // By code, then first and last day (nested: no key text per failed task).
  const reasons = new Map<ErrorCode, Map<string, Map<string, LocalizedText>>>();
  for (const task of tasks) {
    if (task.placed) continue;
    const trip = state.placeTrip(task);
    if (typeof trip === "string") {
      // Only these two reasons name the days; the others take no parameters.
      const dated = trip === "schedule_unknown_calendar" || trip === "schedule_no_allowed_day";
      const from = !dated ? "" : task.occurrence === undefined ? task.obligation.window.from : task.occurrence;
      const to = !dated ? "" : task.occurrence === undefined ? task.obligation.window.to : isoDate(task.to);
      const byTo = childMap(childMap(reasons, trip), from);
      let reason = byTo.get(to);
      if (!reason) {
        reason = localizeAll(errorCatalog[trip].message, dated ? { from, to } : {});
        byTo.set(to, reason);
      }
      // A copy of the reason each: entries share no objects a caller might edit.
      const obligationId = task.obligation.id;
      const studentId = task.obligation.studentId;
      const copy = { "zh-CN": reason["zh-CN"], en: reason.en };
      unscheduled.push(
        task.occurrence === undefined
          ? { obligationId, studentId, code: trip, reason: copy }
          : { obligationId, studentId, code: trip, reason: copy, occurrence: task.occurrence },
      );
      continue;
    }
    const group = task.groupTasks ?? noTasks;
    // Look at a bounded number of open members: trying every one for every trip made big
    // groups (a mentor's weekly contacts in one village) quadratic.
    let looked = 0;
    const day = table.first + trip.day;
    for (const member of group) {
      if (looked >= 8 * options.maxPerDay || state.room(trip) <= 0) break;
      if (member.placed || member === task || member.from > day || member.to < day) continue;
      looked++;
      state.tryJoin(trip, member);
    }
    // Drop placed members now and then, so big groups (a mentor's weekly contacts) stay cheap.
    if (group.length > 32) {
      const open = group.filter((m) => !m.placed);
      if (open.length < group.length / 2) for (const m of open) m.groupTasks = open;
    }
    state.commit(trip);
    const date = table.date(trip.day);
    const teacherId = teacherIds[trip.lead] as string;
    const companionId = trip.companion < 0 ? undefined : (teacherIds[trip.companion] as string);
    const tripId = `${teacherId}/${date}/${compactClock(trip.start)}`;
    for (let i = 0; i < trip.members.length; i++) {
      const t = trip.members[i] as Task;
      const start = trip.starts[i] as number;
      // Literals rather than spreads, in the same key order: spreads cost a copy each.
      const obligationId = t.obligation.id;
      const studentId = t.obligation.studentId;
      const from = clock(start);
      const end = clock(start + options.visitMinutes);
      // One literal per shape: a field added afterwards costs the object a second layout.
      const occurrence = t.occurrence;
      const slot: ProposedSlot =
        companionId === undefined
          ? occurrence === undefined
            ? { obligationId, studentId, teacherId, date, start: from, end, tripId }
            : { obligationId, studentId, teacherId, date, start: from, end, tripId, occurrence }
          : occurrence === undefined
            ? { obligationId, studentId, teacherId, companionId, date, start: from, end, tripId }
            : { obligationId, studentId, teacherId, companionId, date, start: from, end, tripId, occurrence };
      slots.push(slot);
      slotKeys.push(day * 1440 + start);
    }
  }

  // Date and start as one number; the order is that of their `YYYY-MM-DD` and `HH:mm` texts.
  const order = slots.map((_, i) => i);
  order.sort((x, y) => {
    const a = slots[x] as ProposedSlot;
    const b = slots[y] as ProposedSlot;
    return (
      (slotKeys[x] as number) - (slotKeys[y] as number) ||
      cmp(a.teacherId, b.teacherId) ||
      cmp(a.obligationId, b.obligationId) ||
      x - y
    );
  });
  unscheduled.sort((a, b) => cmp(a.obligationId, b.obligationId) || cmp(a.occurrence ?? "", b.occurrence ?? ""));
  return { slots: order.map((i) => slots[i] as ProposedSlot), unscheduled };
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

const dayMs = 86_400_000;

/** Days since 1970-01-01 of `YYYY-MM-DD` texts, each text parsed once per run. */
class DayNumbers {
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

function dayNumber(date: string): number {
  return Math.round(Date.parse(`${date}T00:00:00Z`) / dayMs);
}

/** `YYYY-MM-DD` texts by day number, 1970 to 2149: a run asks for the same few hundred days. */
const isoDates: (IsoDate | undefined)[] = [];

function isoDate(day: number): IsoDate {
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
class DayTable {
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

/** The allowed hours of one stated availability, per kind and weekday, as [from, to, …]. */
interface FamilyHours {
  hours: (number[] | undefined)[];
  /** 1 when the family is ever available, 2 when never, 0 not yet known. */
  ever: 0 | 1 | 2;
}

/** Minutes since midnight as `HH:mm`, cached: every slot prints two. */
const clockTexts: string[] = [];

class SchedulerState {
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
  /** Per student: the hours of the family's stated availability, shared by families that state the same. */
  private readonly familyHours: (FamilyHours | undefined)[];
  /** Per stated availability (as a text): its hours. Most families state one of a few. */
  private readonly hoursByAvailability = new Map<string, FamilyHours>();
  /** The hours of a family without stated availability. */
  private readonly openHours: FamilyHours = { hours: new Array(14), ever: 1 };
  /** The day classes, 0 until asked. */
  private readonly dayClasses: Uint8Array;
  /** Marks the days already offered to one task (a stamp per search). */
  private readonly seen: Uint32Array;
  private stamp = 0;
  private readonly classify: (date: IsoDate) => DayClass;
  private readonly maxPerDay: number;
  private readonly maxPerWeek: number;
  private readonly visitMinutes: number;
  private readonly step: number;
  private readonly schoolDayHours: readonly (readonly [number, number])[];
  private readonly restDayHours: readonly (readonly [number, number])[];
  // Out-values of `clash`, to return an interval without allocating one.
  private clashFrom = 0;
  private clashTo = 0;
  // Counters of one search, for the reason when nothing is found.
  private unknownDays = 0;
  private allowedDays = 0;
  private familyDays = 0;
  private capDays = 0;
  private busyDays = 0;

  constructor(
    input: ScheduleVisitsInput,
    private readonly options: ScheduleOptions,
    private readonly days: DayTable,
    teacherIndex: ReadonlyMap<string, number>,
    private readonly students: readonly ScheduleStudent[],
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
    this.familyHours = new Array(students.length);
    this.dayClasses = new Uint8Array(n);
    this.seen = new Uint32Array(n);
    this.maxPerDay = options.maxPerDay;
    this.maxPerWeek = options.maxPerWeek;
    this.visitMinutes = options.visitMinutes;
    this.step = options.slotStepMinutes;
    const ranges = (list: readonly TimeRange[]) => list.map((r) => [minutes(r.from), minutes(r.to)] as const);
    this.schoolDayHours = ranges(options.allowedHours.schoolDay);
    this.restDayHours = ranges(options.allowedHours.restDay);
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
    this.classify = classifier(input, options);
  }

  /** Finds the first day and time for a task and opens a trip there, or says why there is none. */
  placeTrip(task: Task): Trip | ErrorCode {
    this.unknownDays = 0;
    this.allowedDays = 0;
    this.familyDays = 0;
    this.capDays = 0;
    this.busyDays = 0;
    const { lead, companion } = task;
    if (!this.familyEverAvailable(task)) return "schedule_family_unavailable";
    const first = this.days.first;
    const from = task.from - first;
    const to = task.to - first;
    const lead0 = this.frontier(lead);
    const frontier = companion < 0 || lead0 > this.frontier(companion) ? lead0 : this.frontier(companion);
    // A frontier past the table stands for "no day left": later than any day.
    if (frontier >= this.n || frontier > from) {
      // Days skipped as full still count as allowed days where the teacher had no room.
      this.allowedDays++;
      this.familyDays++;
      this.capDays++;
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
    if (!this.hasRoom(lead, d, 1) || (companion >= 0 && !this.hasRoom(companion, d, 1))) {
      this.capDays++;
      this.familyDays++;
      return undefined;
    }
    if (this.studentDays[task.studentIndex]?.includes(d)) return undefined;
    const ranges = this.hours(kind, d, task);
    if (ranges.length === 0) return undefined;
    this.familyDays++;
    const start = this.earliestStart(ranges, lead, companion, d, task.travel);
    if (start < 0) {
      this.busyDays++;
      return undefined;
    }
    return {
      lead,
      companion,
      day: d,
      start,
      end: start + this.visitMinutes,
      travel: task.travel,
      members: [task],
      starts: [start],
    };
  }

  /** Adds a visit to the end of a trip when it fits right after the last one. */
  tryJoin(trip: Trip, task: Task): void {
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
      const visited = this.studentDays[task.studentIndex];
      if (visited) visited.push(d);
      else this.studentDays[task.studentIndex] = [d];
    }
  }

  private commitTeacher(t: number, trip: Trip, n: number): void {
    const d = trip.day;
    this.block(t, d, trip.start - trip.travel, trip.end + trip.travel);
    const day = t * this.n + d;
    this.perDay[day] = (this.perDay[day] as number) + n;
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

  /** Whether the family's stated availability meets the allowed hours on any weekday at all. */
  private familyEverAvailable(task: Task): boolean {
    const family = this.familyOf(task.studentIndex);
    if (family.ever === 0) {
      let found = false;
      for (let weekday = 1; weekday <= 7 && !found; weekday++) {
        found =
          this.hoursOn(SCHOOL, weekday, task.studentIndex).length > 0 ||
          this.hoursOn(REST, weekday, task.studentIndex).length > 0;
      }
      family.ever = found ? 1 : 2;
    }
    return family.ever === 1;
  }

  private dayClass(d: number, task: Task): DayClass {
    let kind = this.dayClasses[d] as DayClass | 0;
    if (kind === 0) {
      kind = this.classify(this.days.date(d));
      this.dayClasses[d] = kind;
    }
    if (kind === HOLIDAY && this.options.holidayVisits === "preferred_windows" && task.prefers(this.days.first + d)) {
      return REST;
    }
    return kind;
  }

  /** Allowed hours of the day, cut to the family's stated availability when there is one. */
  private hours(kind: typeof SCHOOL | typeof REST, d: number, task: Task): readonly number[] {
    return this.hoursOn(kind, this.days.weekday[d] as number, task.studentIndex);
  }

  /**
   * The hours of a student's family. Families that state the same availability share one
   * entry: cutting the allowed hours per family made a big share of the scheduler's garbage.
   */
  private familyOf(s: number): FamilyHours {
    let family = this.familyHours[s];
    if (family === undefined) {
      const availability = (this.students[s] as ScheduleStudent).availability ?? [];
      if (availability.length === 0) family = this.openHours;
      else {
        // Weekdays as a bit set: lists of the same days in another order or repeated give the
        // same hours, so they may share an entry.
        let key = "";
        for (const w of availability) {
          let days = 0;
          for (const d of w.weekdays) days |= 1 << d;
          key += `${days}|${w.from}|${w.to};`;
        }
        family = this.hoursByAvailability.get(key);
        if (family === undefined) {
          family = { hours: new Array(14), ever: 0 };
          this.hoursByAvailability.set(key, family);
        }
      }
      this.familyHours[s] = family;
    }
    return family;
  }

  private hoursOn(kind: typeof SCHOOL | typeof REST, weekday: number, s: number): readonly number[] {
    const slot = (kind === SCHOOL ? 0 : 7) + weekday - 1;
    const family = this.familyOf(s);
    let ranges = family.hours[slot];
    if (!ranges) {
      ranges = this.computeHours(kind, weekday, this.students[s] as ScheduleStudent);
      family.hours[slot] = ranges;
    }
    return ranges;
  }

  private computeHours(kind: typeof SCHOOL | typeof REST, weekday: number, student: ScheduleStudent): number[] {
    const allowed = kind === SCHOOL ? this.schoolDayHours : this.restDayHours;
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
          if (to - from >= this.visitMinutes) result.push([from, to]);
        }
      }
      result.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
    }
    const flat: number[] = [];
    for (const [a, b] of result) flat.push(a, b);
    return flat;
  }

  private hasRoom(t: number, d: number, visits: number): boolean {
    return (
      (this.perDay[t * this.n + d] as number) + visits <= this.maxPerDay &&
      (this.perWeek[t * this.weeks + (this.days.week[d] as number)] as number) + visits <= this.maxPerWeek
    );
  }

  /** The earliest start on the day that clashes with neither teacher, or -1. */
  private earliestStart(ranges: readonly number[], lead: number, companion: number, d: number, travel: number): number {
    const visit = this.visitMinutes;
    const step = this.step;
    for (let r = 0; r < ranges.length; r += 2) {
      const b = ranges[r + 1] as number;
      let s = snap(ranges[r] as number, step);
      while (s + visit <= b) {
        const clash =
          this.clash(lead, d, s - travel, s + visit + travel) ||
          (companion >= 0 && this.clash(companion, d, s - travel, s + visit + travel));
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

function classifier(input: ScheduleVisitsInput, options: ScheduleOptions): (date: IsoDate) => DayClass {
  const weekend = (date: IsoDate): boolean => isoWeekday(date) >= 6;
  const rest = (date: IsoDate): DayClass => (options.allowWeekends || !weekend(date) ? REST : CLOSED);
  const unknown = (date: IsoDate): DayClass => {
    if (!options.allowUnknownDays) return UNKNOWN;
    return weekend(date) ? rest(date) : SCHOOL;
  };
  if (input.dayType === undefined && input.isSchoolDay !== undefined) {
    const isSchoolDay = input.isSchoolDay;
    return (date) => {
      const answer = isSchoolDay(date);
      if (answer === "unknown") return unknown(date);
      if (answer) return SCHOOL;
      // Not a school day on a weekday: a holiday or the vacation, where we cannot tell which.
      return weekend(date) ? rest(date) : HOLIDAY;
    };
  }
  const dayType = input.dayType ?? ((date: IsoDate) => officialDayType(date));
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

function minutes(time: string): number {
  return Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));
}

function clock(total: number): string {
  let text = total >= 0 && total < 2880 ? clockTexts[total] : undefined;
  if (text === undefined) {
    const h = Math.floor(total / 60);
    const m = total % 60;
    text = `${String(h).padStart(2, "0")}:${String(m).padStart(2, "0")}`;
    if (total >= 0 && total < 2880) clockTexts[total] = text;
  }
  return text;
}

/** `HHmm` of minutes since midnight, as trip ids print the start. */
function compactClock(total: number): string {
  let text = total >= 0 && total < 2880 ? compactClockTexts[total] : undefined;
  if (text === undefined) {
    text = clock(total).replace(":", "");
    if (total >= 0 && total < 2880) compactClockTexts[total] = text;
  }
  return text;
}

const compactClockTexts: string[] = [];

/**
 * Compares two task keys, each an id followed by a suffix, as their concatenated texts compare,
 * without building them: ids that differ before either ends decide alone.
 */
function cmpKeys(idA: string, suffixA: string, idB: string, suffixB: string): number {
  if (idA === idB) return cmp(suffixA, suffixB);
  if (suffixA === "" && suffixB === "") return cmp(idA, idB);
  // Ids of one length differ before either ends; most ids of a run have the same length.
  if (idA.length !== idB.length && (idA.startsWith(idB) || idB.startsWith(idA))) {
    return cmp(idA + suffixA, idB + suffixB);
  }
  return cmp(idA, idB);
}

function snap(value: number, step: number): number {
  return Math.ceil(value / step) * step;
}

function cmp(a: string, b: string): number {
  // Equal texts first: unequal ones of known hashes answer at once, so most calls compare
  // their code units once rather than twice.
  return a === b ? 0 : a < b ? -1 : 1;
}
