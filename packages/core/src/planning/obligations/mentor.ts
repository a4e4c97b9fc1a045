import type { DateWindow, Mentorship } from "../../domain/planning.js";
import type { LocalizedText } from "../../shared/i18n.js";
import { cmpDate } from "../order.js";

/** A mentor's recurring contact: its cadence in words and its floating RRULE. */

export function cadenceText(cadence: string): LocalizedText {
  const freq = /(?:^|;)FREQ=(\w+)/.exec(cadence)?.[1] ?? "MONTHLY";
  const interval = Number(/(?:^|;)INTERVAL=(\d+)/.exec(cadence)?.[1] ?? "1");
  const units: Record<string, [string, string, string]> = {
    DAILY: ["天", "daily", "days"],
    WEEKLY: ["周", "weekly", "weeks"],
    MONTHLY: ["月", "monthly", "months"],
    YEARLY: ["年", "yearly", "years"],
  };
  const [zh, once, plural] = units[freq] ?? ["月", "monthly", "months"];
  if (interval <= 1) return { "zh-CN": `每${zh}`, en: once };
  return { "zh-CN": `每${interval}${zh === "月" ? "个月" : zh}`, en: `every ${interval} ${plural}` };
}

/**
 * The floating RRULE of a mentor contact: DTSTART at midnight of the first day, UNTIL at the
 * end of the last, no TZID (STACK.md: a TZID makes expansion depend on the host's zone).
 *
 * @example
 * ```ts
 * mentorContactRrule("FREQ=MONTHLY", { from: "2026-09-01", to: "2027-01-22" });
 * // "DTSTART:20260901T000000\nRRULE:FREQ=MONTHLY;UNTIL=20270122T235959"
 * ```
 */
export function mentorContactRrule(cadence: string, window: DateWindow): string {
  const compact = (d: string): string => d.replaceAll("-", "");
  return `DTSTART:${compact(window.from)}T000000\nRRULE:${cadence};UNTIL=${compact(window.to)}T235959`;
}

/**
 * The mentorship in force first among those appointed by `to`: the first of them sorted by
 * appointment day and mentor id, found by a scan instead of a filtered, sorted copy.
 */
export function earliestMentorship(list: readonly Mentorship[] | undefined, to: string): Mentorship | undefined {
  let best: Mentorship | undefined;
  for (const m of list ?? []) {
    if (m.since > to) continue;
    // Strictly before only: on a tie the earlier in the list stays first, as a stable sort keeps it.
    if (
      !best ||
      cmpDate(m.since, best.since) < 0 ||
      (m.since === best.since && m.mentorId.localeCompare(best.mentorId) < 0)
    ) {
      best = m;
    }
  }
  return best;
}
