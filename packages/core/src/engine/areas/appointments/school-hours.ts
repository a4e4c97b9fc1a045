import { scheduleOptionsSchema } from "../../../planning/schedule/options.js";
import type { UseCaseContext } from "../../use-case.js";
import { loadAll } from "../../util.js";

/** The allowed visiting hours of a day's kind: school days after lessons, rest days. */
export type AllowedHours = ReturnType<typeof scheduleOptionsSchema.parse>["allowedHours"];

const defaults = scheduleOptionsSchema.parse({}).allowedHours;

/**
 * The allowed visiting hours that hold at a school on a date: those its committed plan for the
 * term around that date (its id named by the school year, `2026-2027-1`) was scheduled with (`schedule.allowedHours` of `plans.generate`, which
 * the plan keeps), else the planner's defaults (school days 16:30–20:00, rest days
 * 09:00–17:00). The plan is where a school's hours live: the planner reads no other setting,
 * so an ad-hoc visit and a planned one answer to the same hours.
 *
 * @example
 * ```ts
 * await schoolAllowedHours(ctx, "sch-1", "2026-10-14");
 * // { schoolDay: [{ from: "17:30", to: "21:00" }], restDay: [{ from: "09:00", to: "17:00" }] }
 * ```
 */
export async function schoolAllowedHours(
  ctx: Pick<UseCaseContext, "tx">,
  schoolId: string,
  date: string,
): Promise<AllowedHours> {
  // Plans are large (every obligation and slot of a term): read only those of the terms that
  // can hold the date, named by their school year as term ids are (`2026-2027-1`): the school
  // year that began the calendar year before, and the one that begins in it.
  const year = Number(date.slice(0, 4));
  const termIds = [year - 1, year].flatMap((y) => [`${y}-${y + 1}-1`, `${y}-${y + 1}-2`]);
  const committed = await loadAll((cursor) =>
    ctx.tx.termPlans.list({ where: { schoolId, status: "committed", termId: termIds }, cursor, limit: 10 }),
  );
  // One committed plan per term; should terms overlap, the latest commit speaks.
  const plan = committed
    .map((row) => row.record)
    .filter((p) => p.term.start <= date && date <= p.term.end)
    .sort((a, b) => (a.committedAt ?? "").localeCompare(b.committedAt ?? ""))
    .at(-1);
  return plan?.allowedHours ?? defaults;
}
