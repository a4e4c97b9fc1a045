import type { RRule as RRuleInstance, Options as RRuleOptions } from "rrule";
import * as rruleModule from "rrule";
import type { DateWindow } from "../domain/planning.js";
import { addDays } from "../shared/dates.js";
import { HomevisitError } from "../shared/errors/homevisit-error.js";
import type { IsoDate } from "../shared/primitives.js";

/**
 * The one place that touches the `rrule` package (STACK.md): it has no `exports` field, so a
 * named import fails in Node ESM and a default import fails in bundlers; the namespace with a
 * `default` fallback works in both. Everything here works in floating time: wall-clock fields
 * stored in a Date's UTC fields, never a `tzid`, so that results do not depend on the host's
 * time zone.
 */
interface RRuleModule {
  RRule: typeof RRuleInstance;
}
const { RRule } = ((rruleModule as unknown as { default?: RRuleModule }).default ??
  (rruleModule as unknown as RRuleModule)) satisfies RRuleModule;

/** Frequencies a planner's recurring contact may use; sub-daily ones make no sense for visits. */
export const recurrenceFrequencies = ["daily", "weekly", "monthly", "yearly"] as const;

/** The parts of a recurring contact, before they become an RRULE string. */
export interface RecurrenceSpec {
  freq: (typeof recurrenceFrequencies)[number];
  /** Every `interval` periods; 1 by default. */
  interval?: number;
  /** ISO weekdays (1 = Monday … 7 = Sunday) for weekly rules. */
  byWeekday?: readonly number[];
  /** The first occurrence (floating date). Anchor it near the window: expansion walks from it. */
  dtstart?: IsoDate;
  /** The last day an occurrence may fall on. One of `until` and `count` is required. */
  until?: IsoDate;
  /** How many occurrences. */
  count?: number;
}

/** Options of {@link expandRecurrence}. */
export interface ExpandRecurrenceOptions {
  /** Where the rule starts when it has no DTSTART; defaults to the window's first day. */
  anchor?: IsoDate;
  /** The most occurrences returned, as a guard against runaway rules; 1,000 by default. */
  limit?: number;
  /** Always use the rrule library's general iterator, not the fast path for common rules (for cross-checks). */
  forceLibrary?: boolean;
}

const weekdayCodes = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"] as const;

/**
 * Writes a bounded recurrence as a floating RRULE string (no TZID, date-only DTSTART and
 * UNTIL), the form obligations store in `rrule`.
 *
 * @example
 * ```ts
 * formatRecurrence({ freq: "weekly", interval: 2, byWeekday: [3], dtstart: "2026-09-02", until: "2027-01-15" });
 * // → "DTSTART:20260902\nRRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=WE;UNTIL=20270115"
 * ```
 */
export function formatRecurrence(spec: RecurrenceSpec): string {
  if (spec.until === undefined && spec.count === undefined) {
    throw invalid("a rule needs UNTIL or COUNT");
  }
  const parts = [`FREQ=${spec.freq.toUpperCase()}`];
  if (spec.interval !== undefined && spec.interval !== 1) parts.push(`INTERVAL=${positive(spec.interval)}`);
  if (spec.byWeekday && spec.byWeekday.length > 0) {
    parts.push(`BYDAY=${spec.byWeekday.map((d) => weekdayCode(d)).join(",")}`);
  }
  if (spec.until !== undefined) parts.push(`UNTIL=${compact(spec.until)}`);
  if (spec.count !== undefined) parts.push(`COUNT=${positive(spec.count)}`);
  const rule = `RRULE:${parts.join(";")}`;
  return spec.dtstart === undefined ? rule : `DTSTART:${compact(spec.dtstart)}\n${rule}`;
}

/**
 * The dates on which a floating recurrence falls within a window (both ends included), sorted
 * and without duplicates. The rule may carry its own DTSTART; otherwise it starts at
 * `options.anchor` or the window's first day. A rule with a TZID, a sub-daily frequency or a
 * syntax error throws a `HomevisitError` with code `schedule_rrule_invalid`. The window always
 * bounds the expansion, even for a rule without UNTIL or COUNT.
 *
 * @example
 * ```ts
 * expandRecurrence("RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=WE;COUNT=4", { from: "2026-09-01", to: "2026-10-31" });
 * // → ["2026-09-02", "2026-09-16", "2026-09-30", "2026-10-14"]
 * expandRecurrence("DTSTART:20260902\nRRULE:FREQ=MONTHLY;UNTIL=20261231", { from: "2026-10-01", to: "2026-12-31" });
 * // → ["2026-10-02", "2026-11-02", "2026-12-02"]
 * ```
 */
export function expandRecurrence(rule: string, window: DateWindow, options: ExpandRecurrenceOptions = {}): IsoDate[] {
  const parsed = parseRecurrence(rule);
  const limit = options.limit ?? 1000;
  const dtstart = parsed.dtstart ?? floatingDate(options.anchor ?? window.from);
  const windowEnd = floatingDate(addDays(window.to, 1));
  const until = parsed.until && parsed.until < windowEnd ? parsed.until : new Date(windowEnd.getTime() - 1);
  const fast = options.forceLibrary
    ? undefined
    : simpleExpansion(parsed, dtstart, until, floatingDate(window.from), limit);
  if (fast) return fast;
  const instance = new RRule({ ...parsed, dtstart, until, tzid: null });
  const occurrences = instance.between(floatingDate(window.from), until, true, (_date, index) => index < limit);
  const dates = occurrences.map((d) => d.toISOString().slice(0, 10));
  return [...new Set(dates)].sort();
}

/**
 * Checks an RRULE string without expanding it: `undefined` when the planner can use it, else
 * the problem in English (for the `schedule_rrule_invalid` message).
 *
 * @example
 * ```ts
 * recurrenceProblem("RRULE:FREQ=WEEKLY;COUNT=3"); // → undefined
 * recurrenceProblem("DTSTART;TZID=Asia/Shanghai:20260901T090000\nRRULE:FREQ=WEEKLY;COUNT=3");
 * // → "TZID is not allowed: recurring contacts use floating time"
 * ```
 */
export function recurrenceProblem(rule: string): string | undefined {
  try {
    parseRecurrence(rule);
    return undefined;
  } catch (error) {
    return error instanceof HomevisitError ? String(error.params.problem) : "unreadable rule";
  }
}

function parseRecurrence(rule: string): Partial<RRuleOptions> {
  const text = rule.trim();
  if (text === "" || text.length > 2000) throw invalid("empty or too long");
  if (/TZID/i.test(text)) throw invalid("TZID is not allowed: recurring contacts use floating time");
  let options: Partial<RRuleOptions>;
  try {
    options = RRule.parseString(text);
  } catch {
    throw invalid("unreadable rule");
  }
  if (options.freq === undefined || options.freq === null) throw invalid("FREQ is missing");
  if (options.freq > RRule.DAILY) throw invalid("sub-daily frequencies are not allowed");
  if (options.interval !== undefined && !(options.interval >= 1)) throw invalid("INTERVAL must be positive");
  // A DTSTART or UNTIL with `Z` is read as the same wall-clock fields: floating time throughout.
  return options;
}

const simpleKeys = new Set(["freq", "interval", "count", "until", "dtstart", "byweekday", "tzid"]);
const dayMs = 86_400_000;

/**
 * The common rules (DAILY; WEEKLY with or without plain BYDAY; MONTHLY and YEARLY on DTSTART's
 * day) expanded by date arithmetic: the library's general iterator cost about half a
 * millisecond per rule, which dominated planning a city's mentor contacts. Anything else
 * returns `undefined` and goes to the library. A property test checks both agree.
 */
function simpleExpansion(
  options: Partial<RRuleOptions>,
  dtstart: Date,
  until: Date,
  after: Date,
  limit: number,
): IsoDate[] | undefined {
  for (const [key, value] of Object.entries(options)) {
    if (value !== undefined && value !== null && !simpleKeys.has(key)) return undefined;
  }
  const interval = options.interval ?? 1;
  const weekdays = options.byweekday;
  let days: number[] | undefined;
  if (weekdays !== undefined && weekdays !== null) {
    if (options.freq !== RRule.WEEKLY) return undefined;
    const list = Array.isArray(weekdays) ? weekdays : [weekdays];
    days = [];
    for (const w of list) {
      if (typeof w === "number") days.push(w);
      else if (typeof w === "object" && w !== null && "weekday" in w && (w as { n?: number }).n === undefined) {
        days.push((w as { weekday: number }).weekday);
      } else return undefined;
    }
    days = [...new Set(days)].sort((a, b) => a - b);
  }
  const count = options.count ?? Number.POSITIVE_INFINITY;
  const out: IsoDate[] = [];
  let produced = 0;
  const emit = (t: number): boolean => {
    // false once the rule or the window is exhausted
    if (t > until.getTime() || produced >= count) return false;
    produced++;
    if (t >= after.getTime()) {
      const date = new Date(t).toISOString().slice(0, 10);
      if (out[out.length - 1] !== date) out.push(date);
    }
    return out.length < limit;
  };
  const start = dtstart.getTime();
  switch (options.freq) {
    case RRule.DAILY:
      for (let t = start; emit(t); t += interval * dayMs);
      return out;
    case RRule.WEEKLY: {
      if (!days || days.length === 0) {
        for (let t = start; emit(t); t += 7 * interval * dayMs);
        return out;
      }
      // Weeks start on Monday (WKST default); rrule weekday 0 is Monday.
      const mondayOffset = (dtstart.getUTCDay() + 6) % 7;
      for (let week = start - mondayOffset * dayMs; ; week += 7 * interval * dayMs) {
        for (const d of days) {
          const t = week + d * dayMs;
          if (t < start) continue;
          if (!emit(t)) return out;
        }
      }
    }
    case RRule.MONTHLY:
    case RRule.YEARLY: {
      const months = options.freq === RRule.MONTHLY ? interval : 12 * interval;
      const day = dtstart.getUTCDate();
      const timeOfDay = start % dayMs;
      for (let i = 0; i < 12_000; i++) {
        const year = dtstart.getUTCFullYear();
        const month = dtstart.getUTCMonth() + i * months;
        const first = Date.UTC(year, month, 1);
        if (first > until.getTime()) return out;
        const candidate = Date.UTC(year, month, day) + timeOfDay;
        // A month without that day (31 April) has no occurrence, as RFC 5545 says.
        if (new Date(candidate).getUTCDate() !== day) continue;
        if (!emit(candidate)) return out;
      }
      return out;
    }
    default:
      return undefined;
  }
}

function invalid(problem: string): HomevisitError {
  return new HomevisitError("schedule_rrule_invalid", { params: { problem } });
}

function floatingDate(date: IsoDate): Date {
  return new Date(`${date}T00:00:00Z`);
}

function compact(date: IsoDate): string {
  return date.replaceAll("-", "");
}

function positive(n: number): number {
  if (!Number.isInteger(n) || n < 1) throw invalid("INTERVAL and COUNT must be positive integers");
  return n;
}

function weekdayCode(isoWeekday: number): string {
  const code = weekdayCodes[isoWeekday - 1];
  if (code === undefined) throw invalid("weekdays are 1 (Monday) to 7 (Sunday)");
  return code;
}
