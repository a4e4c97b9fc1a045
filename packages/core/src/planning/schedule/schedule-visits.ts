import type { ProposedSlot } from "../../domain/planning.js";
import type { ErrorCode } from "../../shared/errors/catalog.js";
import { errorCatalog } from "../../shared/errors/catalog.js";
import { formatText, type LocalizedText, localizeAll } from "../../shared/i18n.js";
import { childMap } from "../maps.js";
import { parsedOptions } from "../options-once.js";
import { withArranged } from "./arranged.js";
import { DayTable, isoDate } from "./days.js";
import {
  type ScheduleOptions,
  type SchedulePlan,
  type ScheduleVisitsInput,
  scheduleOptionsSchema,
  type UnscheduledObligation,
} from "./options.js";
import { PAST_CAPS, RELAXED, SchedulerState } from "./state.js";
import { buildTasks, sortAndGroup, type Task, type Trip } from "./task.js";
import { clock, cmp, compactClock } from "./text.js";

const noTasks: readonly Task[] = [];

/** Why a slot outside the family's stated hours is proposed (R12). */
const outsideStatedHours: LocalizedText = {
  "zh-CN":
    "家长所述的方便时间与允许的家访时段不重合：此为允许时段内最接近的时间，须先电话与家长确认（R12）；家长不便入户时可约在合适地点见面",
  en: "The family's stated hours never meet the allowed visiting hours: this is the nearest allowed time; phone the family to confirm it first (R12), or meet at a suitable place if a home visit is inconvenient",
};

/**
 * Proposes a date and time for every assigned obligation.
 *
 * Rules: a visit never overlaps a busy slot of its lead or companion, nor another visit of
 * either (travel there and back included: `address.travelMinutes` or `defaultTravelMinutes`,
 * plus `travelBufferMinutes`); it falls on an allowed day inside the obligation's window —
 * school days after lessons (`allowedHours.schoolDay`, default 16:30–20:00), weekends in the
 * daytime (`allowedHours.restDay`, default 09:00–17:00), never an official holiday (nor an exam
 * week of `calendar`; a vacation weekday counts as a rest day); on a year without official
 * holiday data, by the provisional rule (every such slot says `provisional: true`); inside the family's stated availability when there is one;
 * at most `maxPerDay` (3) visits per teacher per day and `maxPerWeek` (8) per week; the
 * obligation's preferred windows first, then the earliest day. Visits of one teacher to the
 * same village go on the same day, back to back, as one trip (`tripId`). Urgent obligations
 * are placed first. Recurring contacts (`rrule`, floating time) get one slot per occurrence,
 * on its date or later before the next one. What cannot be placed is listed with a code and
 * the reason. A mentor's contact (`channel: "any"`) is a talk or a call, not a home visit: no
 * travel, no family slot, no cap, `contactMinutes` long, marked `contact: true`. When a
 * family's stated hours leave no slot, the nearest allowed time is proposed instead, marked
 * `alternative` with its reason (R12: confirmed by phone first). A crisis visit that finds no
 * slot within the caps goes past them (never over a lesson or another visit); one that still
 * finds none is listed as `schedule_crisis_escalated` for the principal. A plan made after the
 * term began (`notBefore`) places nothing before that day: a visit whose window has ended is
 * placed at the first free day, marked `overdue`. Visits already arranged (`arranged`: open
 * appointments) stand: the obligation each serves keeps it as its slot (`appointmentId`), and
 * they hold their teachers' time and caps. The same input always
 * gives the same plan, whatever the host's time zone.
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
  const options = parsedOptions(scheduleOptionsSchema, input.options, ["options"]);
  const { tasks, teacherIds, teacherIndex, villageCount, unscheduled, days, kept } = buildTasks(input, options);
  sortAndGroup(tasks, teacherIds.length, villageCount);

  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  for (const t of tasks) {
    if (t.from < first) first = t.from;
    if (t.to > last) last = t.to;
  }
  if (tasks.length === 0) first = last = days.of(input.term.start);
  const table = new DayTable(first, last);
  const state = new SchedulerState(input, options, table, teacherIndex, input.students);
  const out = new SlotWriter(teacherIds, table);
  const reasons = new ReasonCache();
  for (const task of tasks) {
    if (task.placed) continue;
    const trip = placeTask(state, task, options);
    if (!isTrip(trip)) {
      unscheduled.push(reasons.entry(task, trip));
      continue;
    }
    joinGroup(state, trip, task, table.first + trip.day, options);
    state.commit(trip);
    out.write(trip, state.provisional(trip.day) ? true : undefined);
  }
  unscheduled.sort((a, b) => cmp(a.obligationId, b.obligationId) || cmp(a.occurrence ?? "", b.occurrence ?? ""));
  return { slots: withArranged(out.sorted(), kept), unscheduled };
}

/**
 * The first slot of a task: within the family's hours and the caps; else, for a family whose
 * hours leave none, the nearest allowed time; else, for a crisis, past the caps. A crisis
 * that still finds none is escalated.
 */
function placeTask(state: SchedulerState, task: Task, options: ScheduleOptions): Trip | Failure {
  const found = state.placeTrip(task);
  if (typeof found !== "string") return found;
  const calendar = found === "schedule_unknown_calendar" || found === "schedule_no_allowed_day";
  const relax = !calendar && options.familyAlternatives && !task.contact && state.familyStated(task);
  if (relax) {
    const relaxed = state.placeTrip(task, RELAXED);
    if (typeof relaxed !== "string") return relaxed;
  }
  if (task.crisis && options.crisisPastCaps && !calendar) {
    const forced = state.placeTrip(task, PAST_CAPS);
    if (typeof forced !== "string") return forced;
    if (relax) {
      const both = state.placeTrip(task, PAST_CAPS | RELAXED);
      if (typeof both !== "string") return both;
    }
  }
  return task.crisis && options.crisisPastCaps ? { code: "schedule_crisis_escalated", cause: found } : found;
}

/** Why a task has no slot; an escalated crisis keeps the first reason as its cause. */
type Failure = ErrorCode | { code: ErrorCode; cause: ErrorCode };

function isTrip(value: Trip | Failure): value is Trip {
  return typeof value === "object" && "members" in value;
}

/**
 * Looks at a bounded number of open members of the task's group for the trip: trying every
 * one for every trip made big groups (a mentor's weekly contacts in one village) quadratic.
 */
function joinGroup(state: SchedulerState, trip: Trip, task: Task, day: number, options: ScheduleOptions): void {
  // A trip found outside the family's hours or the caps takes no one else along.
  if (trip.relaxed || trip.contact) return;
  const group = task.groupTasks ?? noTasks;
  let looked = 0;
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
}

/** Unscheduled entries, each reason filled once per code and dates. */
class ReasonCache {
  // By code, then first and last day (nested: no key text per failed task).
  private readonly reasons = new Map<ErrorCode, Map<string, Map<string, LocalizedText>>>();

  entry(task: Task, failure: Failure): UnscheduledObligation {
    const code = typeof failure === "string" ? failure : failure.code;
    const reason = typeof failure === "string" ? this.reason(task, failure) : this.escalated(task, failure.cause);
    // A copy of the reason each: entries share no objects a caller might edit.
    const obligationId = task.obligation.id;
    const studentId = task.obligation.studentId;
    const copy = { "zh-CN": reason["zh-CN"], en: reason.en };
    return task.occurrence === undefined
      ? { obligationId, studentId, code, reason: copy }
      : { obligationId, studentId, code, reason: copy, occurrence: task.occurrence };
  }

  private reason(task: Task, code: ErrorCode): LocalizedText {
    // Only these two reasons name the days; the others take no parameters.
    const dated = code === "schedule_unknown_calendar" || code === "schedule_no_allowed_day";
    const from = !dated ? "" : task.occurrence === undefined ? task.obligation.window.from : task.occurrence;
    const to = !dated ? "" : task.occurrence === undefined ? task.obligation.window.to : isoDate(task.to);
    const byTo = childMap(childMap(this.reasons, code), from);
    let reason = byTo.get(to);
    if (!reason) {
      reason = localizeAll(errorCatalog[code].message, dated ? { from, to } : {});
      byTo.set(to, reason);
    }
    return reason;
  }

  private escalated(task: Task, cause: ErrorCode): LocalizedText {
    const why = this.reason(task, cause);
    const template = errorCatalog.schedule_crisis_escalated.message;
    const to = task.obligation.window.to;
    return {
      "zh-CN": formatText(template, { to, why: why["zh-CN"] }, "zh-CN"),
      en: formatText(template, { to, why: why.en }, "en"),
    };
  }
}

/** The slots of a run, with their sort keys, written as trips are committed. */
class SlotWriter {
  private readonly slots: ProposedSlot[] = [];
  /** Per slot: date, start and the teacher's rank by id, as one number. */
  private readonly keys: number[] = [];
  /** Per teacher (by number): the position of its id in id order. */
  private readonly ranks: Int32Array;

  constructor(
    private readonly teacherIds: readonly string[],
    private readonly table: DayTable,
  ) {
    // Many slots share a date and start: ranking the few teachers once makes those ties a
    // number to compare instead of two ids.
    const byId = teacherIds.map((_, i) => i).sort((a, b) => cmp(teacherIds[a] as string, teacherIds[b] as string));
    this.ranks = new Int32Array(teacherIds.length);
    for (let k = 0; k < byId.length; k++) this.ranks[byId[k] as number] = k;
  }

  write(trip: Trip, provisional: true | undefined): void {
    const date = this.table.date(trip.day);
    const day = this.table.first + trip.day;
    const teacherId = this.teacherIds[trip.lead] as string;
    const companionId = trip.companion < 0 ? undefined : (this.teacherIds[trip.companion] as string);
    const tripId = `${teacherId}/${date}/${compactClock(trip.start)}`;
    for (let i = 0; i < trip.members.length; i++) {
      const t = trip.members[i] as Task;
      const start = trip.starts[i] as number;
      // Literals rather than spreads, in the same key order: spreads cost a copy each.
      const obligationId = t.obligation.id;
      const studentId = t.obligation.studentId;
      const from = clock(start);
      const end = clock(start + trip.length);
      // One literal per shape: a field added afterwards costs the object a second layout.
      const occurrence = t.occurrence;
      let slot: ProposedSlot;
      if (trip.contact && occurrence !== undefined && companionId === undefined) {
        // A contact: always an occurrence, never a companion.
        slot = provisional
          ? {
              obligationId,
              studentId,
              teacherId,
              date,
              start: from,
              end,
              tripId,
              occurrence,
              contact: true,
              provisional,
            }
          : { obligationId, studentId, teacherId, date, start: from, end, tripId, occurrence, contact: true };
      } else if (provisional) {
        slot =
          companionId === undefined
            ? occurrence === undefined
              ? { obligationId, studentId, teacherId, date, start: from, end, tripId, provisional }
              : { obligationId, studentId, teacherId, date, start: from, end, tripId, occurrence, provisional }
            : occurrence === undefined
              ? { obligationId, studentId, teacherId, companionId, date, start: from, end, tripId, provisional }
              : {
                  obligationId,
                  studentId,
                  teacherId,
                  companionId,
                  date,
                  start: from,
                  end,
                  tripId,
                  occurrence,
                  provisional,
                };
      } else {
        slot =
          companionId === undefined
            ? occurrence === undefined
              ? { obligationId, studentId, teacherId, date, start: from, end, tripId }
              : { obligationId, studentId, teacherId, date, start: from, end, tripId, occurrence }
            : occurrence === undefined
              ? { obligationId, studentId, teacherId, companionId, date, start: from, end, tripId }
              : { obligationId, studentId, teacherId, companionId, date, start: from, end, tripId, occurrence };
        if (trip.contact) slot.contact = true;
      }
      if (t.overdue) slot.overdue = true;
      if (trip.relaxed) slot.alternative = { kind: "outside_stated_hours", reason: { ...outsideStatedHours } };
      this.slots.push(slot);
      this.keys.push((day * 1440 + start) * this.teacherIds.length + (this.ranks[trip.lead] as number));
    }
  }

  /** Sorted by date, start, teacher and obligation: date, start and teacher as one number. */
  sorted(): ProposedSlot[] {
    const { slots, keys } = this;
    const order = slots.map((_, i) => i);
    // A sign, not the difference of keys: they pass 2^31, and a difference is a boxed number.
    order.sort((x, y) => {
      const a = keys[x] as number;
      const b = keys[y] as number;
      return a < b
        ? -1
        : a > b
          ? 1
          : cmp((slots[x] as ProposedSlot).obligationId, (slots[y] as ProposedSlot).obligationId) || x - y;
    });
    return order.map((i) => slots[i] as ProposedSlot);
  }
}
