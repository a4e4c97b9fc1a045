import type { Teacher } from "../../domain/organisation.js";
import type { Obligation, Term } from "../../domain/planning.js";
import { childMap } from "../maps.js";
import { expandRecurrence } from "../rrule.js";
import type { AssignmentOptions } from "./options.js";

/**
 * The load one obligation puts on its lead and the visits it counts: the kind's weight plus
 * round-trip travel hours × `travelWeightPerHour`, times the number of occurrences for a
 * recurring contact. A mentor's contact of `channel: "any"` (a talk, a call) has no travel. Pass a `Map` as `occurrenceCache` to expand each
 * recurring rule text and window once across many calls.
 *
 * @example
 * ```ts
 * const options = assignmentOptionsSchema.parse({});
 * obligationLoad({ kind: "crisis", window, preferred: [] }, { travelMinutes: 30 }, options);
 * // → { load: 3, visits: 1 }   (crisis 2 + one hour round trip × 1)
 * ```
 */
export function obligationLoad(
  obligation: Pick<Obligation, "kind" | "window" | "rrule"> & Partial<Pick<Obligation, "channel">>,
  address: { travelMinutes?: number | undefined } | undefined,
  options: AssignmentOptions,
  occurrenceCache?: Map<string, number>,
): { load: number; visits: number } {
  let visits = 1;
  if (obligation.rrule !== undefined) {
    // Many students share one rule text and window: expand each combination once.
    const key = occurrenceKey(obligation.window.from, obligation.window.to, obligation.rrule);
    const cached = occurrenceCache?.get(key);
    if (cached !== undefined) visits = cached;
    else {
      try {
        visits = Math.max(1, expandRecurrence(obligation.rrule, obligation.window).length);
      } catch {
        visits = 1;
      }
      occurrenceCache?.set(key, visits);
    }
  }
  const contact = obligation.kind === "mentor_contact" && obligation.channel === "any";
  const travelHours = contact ? 0 : ((address?.travelMinutes ?? 0) * 2) / 60;
  const perVisit = options.kindWeights[obligation.kind] + travelHours * options.travelWeightPerHour;
  return { load: perVisit * visits, visits };
}

/**
 * The key of a rule text and window in an occurrence cache: `from|to|rrule`. Students share
 * rule texts (one object per school) and windows, so the text of each combination is kept and
 * looked up through nested maps rather than built again per obligation.
 */
function occurrenceKey(from: string, to: string, rrule: string): string {
  // Bounded: rule texts are few per process, but a long-running host plans many terms.
  if (occurrenceKeys.size >= 1024 && !occurrenceKeys.has(rrule)) occurrenceKeys.clear();
  const byTo = childMap(childMap(occurrenceKeys, rrule), from);
  let key = byTo.get(to);
  if (key === undefined) {
    key = `${from}|${to}|${rrule}`;
    byTo.set(to, key);
  }
  return key;
}

const occurrenceKeys = new Map<string, Map<string, Map<string, string>>>();

/**
 * Whether a teacher is in post during a term: joined by its end and not gone before its start.
 *
 * @example
 * ```ts
 * isTeacherInPost({ leftOn: "2026-08-31" }, { start: "2026-09-01", end: "2027-01-22" }); // → false
 * isTeacherInPost({}, { start: "2026-09-01", end: "2027-01-22" }); // → true
 * ```
 */
export function isTeacherInPost(
  teacher: Pick<Teacher, "joinedOn" | "leftOn">,
  term: Pick<Term, "start" | "end">,
): boolean {
  return (
    (teacher.leftOn === undefined || teacher.leftOn >= term.start) &&
    (teacher.joinedOn === undefined || teacher.joinedOn <= term.end)
  );
}
