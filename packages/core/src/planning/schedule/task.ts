import type { Assignment, DateWindow, Obligation, ProposedSlot } from "../../domain/planning.js";
import { HomevisitError } from "../../shared/errors/homevisit-error.js";
import type { IsoDate } from "../../shared/primitives.js";
import { expandRecurrence } from "../rrule.js";
import { ArrangedVisits } from "./arranged.js";
import { DayNumbers, isoDate } from "./days.js";
import type { ScheduleOptions, ScheduleStudent, ScheduleVisitsInput, UnscheduledObligation } from "./options.js";
import { cmpKeys, unscheduledOf } from "./text.js";

/** The scheduler's tasks: one per visit or occurrence to place, numbered, sorted and grouped. */
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
export class Task {
  placed = false;
  /** The open tasks of this task's group (same teachers and village), shared by its members. */
  groupTasks: Task[] | undefined = undefined;
  /** Same teachers and village, same group: set once every teacher has its number. */
  group = 0;
  /** Urgency (most first), deadline and first day as one number, for the sort (when they fit). */
  rank = 0;
  /**
   * The window had ended before the plan's first day (`notBefore`): the task may go on any day
   * from there to the term's end, and its slot says so.
   */
  overdue = false;
  /** The last day of the obligation's own window: `to`, but for an overdue task. Sorts by it. */
  due: number;
  /** A mentor's contact (other channel): no travel, no family home slot, no trip, no visit cap. */
  readonly contact: boolean;
  /** A crisis visit: placed past the caps when it must be, or escalated. */
  readonly crisis: boolean;
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
  ) {
    this.due = to;
    this.contact = obligation.kind === "mentor_contact" && obligation.channel === "any";
    this.crisis = obligation.kind === "crisis";
  }

  prefers(day: number): boolean {
    const p = this.preferred;
    for (let i = 0; i < p.length; i += 2) if ((p[i] as number) <= day && day <= (p[i + 1] as number)) return true;
    return false;
  }
}

export interface Trip {
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
  /** Minutes of each member: a visit's, or a contact's. */
  length: number;
  /** A contact's trip: one member, no travel, no cap. */
  contact: boolean;
  /** Found outside the family's stated hours (a lawful alternative, to confirm by phone). */
  relaxed: boolean;
}

const noDays: readonly number[] = [];

/**
 * A one-off task of a plan made after its window began, from the plan's first day on: the rest
 * of its window, or (the window had ended) any day to the term's end, marked overdue. None when
 * the term has no day left.
 */
function fromDay(task: Task, first: number, termEnd: number): Task | undefined {
  const overdue = task.to < first;
  const to = overdue ? termEnd : task.to;
  if (to < first) return undefined;
  const preferred = overdue ? noDays : daysFrom(task.preferred, first);
  const { keySuffix, obligation, studentIndex, lead, companion, travel, village } = task;
  const moved = new Task(
    keySuffix,
    obligation,
    studentIndex,
    lead,
    companion,
    undefined,
    first,
    to,
    preferred,
    travel,
    village,
  );
  moved.due = task.to;
  moved.overdue = overdue;
  return moved;
}

/** Occurrences by rule text, window start and window end. */
type Expansions = Map<string, Map<string, Map<string, readonly IsoDate[]>>>;

/**
 * A rule's occurrences in a window, expanded once per rule and window: nested maps, so no key
 * text is built per obligation. Throws what the expansion throws for an unreadable rule.
 */
function expansionOf(expansions: Expansions, rrule: string, window: DateWindow): readonly IsoDate[] {
  let byFrom = expansions.get(rrule);
  if (byFrom === undefined) {
    byFrom = new Map();
    expansions.set(rrule, byFrom);
  }
  let byTo = byFrom.get(window.from);
  if (byTo === undefined) {
    byTo = new Map();
    byFrom.set(window.from, byTo);
  }
  let found = byTo.get(window.to);
  if (found === undefined) {
    found = sharedExpansion(`${window.from}|${window.to}|${rrule}`, rrule, window);
    byTo.set(window.to, found);
  }
  return found;
}

/** The days (day numbers) each student had a recurring contact made, for `madeIn` lookups. */
class ContactsMade {
  private readonly byStudent = new Map<string, number[]>();

  constructor(made: readonly { studentId: string; date: IsoDate }[], days: DayNumbers) {
    for (const { studentId, date } of made) {
      const list = this.byStudent.get(studentId);
      if (list === undefined) this.byStudent.set(studentId, [days.of(date)]);
      else list.push(days.of(date));
    }
  }

  /** Whether the student had a contact on a day from `from` to `to` (day numbers, inclusive). */
  madeIn(studentId: string, from: number, to: number): boolean {
    return this.byStudent.get(studentId)?.some((day) => day >= from && day <= to) ?? false;
  }
}

/** Preferred windows ([from, to, …] day numbers) cut to start on `first`; ended ones dropped. */
function daysFrom(windows: readonly number[], first: number): readonly number[] {
  const out: number[] = [];
  for (let i = 0; i < windows.length; i += 2) {
    const to = windows[i + 1] as number;
    if (to < first) continue;
    const from = windows[i] as number;
    out.push(from < first ? first : from, to);
  }
  return out;
}

/** The tasks of a run, with the numbering they use. */
export interface TaskSet {
  tasks: Task[];
  teacherIds: string[];
  teacherIndex: Map<string, number>;
  villageCount: number;
  days: DayNumbers;
  /** Obligations that became no task (not assigned, no student, bad rule). */
  unscheduled: UnscheduledObligation[];
  /** The slots of obligations served by a visit arranged before the plan (`input.arranged`). */
  kept: readonly ProposedSlot[];
}

/**
 * One task per one-off obligation and per occurrence of a recurring one, with teachers,
 * students and villages numbered in order of appearance.
 */
export function buildTasks(input: ScheduleVisitsInput, options: ScheduleOptions): TaskSet {
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
  const notBefore = input.notBefore === undefined ? undefined : days.of(input.notBefore);
  const contacts =
    notBefore === undefined || input.contactsMade === undefined
      ? undefined
      : new ContactsMade(input.contactsMade, days);
  const termEnd = days.of(input.term.end);

  const tasks: Task[] = [];
  const expansions: Expansions = new Map();
  const arranged =
    input.arranged === undefined || input.arranged.length === 0
      ? undefined
      : new ArrangedVisits(input.arranged, new Set(input.obligations.map((o) => o.id)));
  // Obligations in input order, not sorted by id: tasks and unscheduled entries are sorted
  // below by keys that start with the id, with stable sorts, so entries of equal ids keep
  // their input order either way, and the plan is the same.
  for (const obligation of input.obligations) {
    // Already arranged with the family: that visit stands.
    if (obligation.rrule === undefined && arranged?.take(obligation)) continue;
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
    // A contact (a talk at school, a call) needs no journey to the home.
    const travel =
      obligation.kind === "mentor_contact" && obligation.channel === "any"
        ? 0
        : (student.address.travelMinutes ?? options.defaultTravelMinutes) + options.travelBufferMinutes;
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
      const windowFrom = days.of(obligation.window.from);
      const preferred = days.windows(obligation.preferred);
      const task = new Task(
        "",
        obligation,
        s,
        lead,
        companion,
        undefined,
        windowFrom,
        windowTo,
        preferred,
        travel,
        village,
      );
      // Made after the window began: the days before the plan's first day are gone.
      const placeable = notBefore === undefined || windowFrom >= notBefore ? task : fromDay(task, notBefore, termEnd);
      if (placeable) tasks.push(placeable);
      else unscheduled.push(unscheduledOf(obligation, "schedule_window_passed", { ...obligation.window }));
      continue;
    }
    let occurrences: readonly IsoDate[];
    try {
      occurrences = expansionOf(expansions, obligation.rrule, obligation.window);
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
      const last = to < windowTo ? to : windowTo;
      if (arranged?.take(obligation, { occurrence, from: occurrence, to: isoDate(last) })) continue;
      let first = day;
      if (notBefore !== undefined && day < notBefore) {
        // Its day came before the plan's. Its span ended: the past's (made, or missed), the next
        // occurrence is the contact. Its span runs on: owed from the first day, unless made in
        // it already (or the contacts made are not known).
        if (last < notBefore || contacts === undefined || contacts.madeIn(obligation.studentId, day, notBefore - 1))
          continue;
        first = notBefore;
      }
      tasks.push(
        new Task(
          days.suffix(occurrence),
          obligation,
          s,
          lead,
          companion,
          occurrence,
          first,
          last,
          days.single(first),
          travel,
          village,
        ),
      );
    }
  }

  return { tasks, teacherIds, teacherIndex, villageCount, days, unscheduled, kept: arranged?.slots ?? [] };
}

/**
 * Sorts tasks urgent first, then by last and first day, then by key; and gives each its group
 * (same lead, companion and village), whose open members may join its trips.
 */
export function sortAndGroup(tasks: Task[], teacherCount: number, villageCount: number): void {
  // Urgent first, then the earliest deadline, so crisis visits get the first free evenings.
  // Urgency, last and first day packed into one number when they fit (whole urgencies up to
  // 1023, days of 1970–2149): one subtraction instead of three reads through the obligation.
  let packed = true;
  for (const t of tasks) {
    const u = t.obligation.urgency;
    if (
      !(Number.isInteger(u) && u >= 0 && u <= 1023 && t.from >= 0 && t.due >= 0 && t.from < 65_536 && t.due < 65_536)
    ) {
      packed = false;
      break;
    }
    t.rank = (1023 - u) * 4_294_967_296 + t.due * 65_536 + t.from;
  }
  tasks.sort(
    packed
      ? // A sign, not the difference: ranks pass 2^31, and their difference is a boxed number.
        (a, b) =>
          a.rank < b.rank
            ? -1
            : a.rank > b.rank
              ? 1
              : cmpKeys(a.obligation.id, a.keySuffix, b.obligation.id, b.keySuffix)
      : (a, b) =>
          b.obligation.urgency - a.obligation.urgency ||
          a.due - b.due ||
          a.from - b.from ||
          cmpKeys(a.obligation.id, a.keySuffix, b.obligation.id, b.keySuffix),
  );
  // Same lead, companion and village, same group: a number made of the three.
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
  // A contact needs no trip: it neither joins one nor offers its day to one.
  for (const t of tasks) if (t.occurrence !== undefined && !t.contact) t.groupTasks = groups.get(t.group);
}
