import { scheduleOptionsSchema } from "../../../planning/schedule/options.js";
import type { UseCaseContext } from "../../use-case.js";
import { loadAll } from "../../util.js";

/** The allowed visiting hours of a day's kind: school days after lessons, rest days. */
export type AllowedHours = ReturnType<typeof scheduleOptionsSchema.parse>["allowedHours"];

const defaults = scheduleOptionsSchema.parse({}).allowedHours;

/**
 * The allowed visiting hours that hold at a school on a date: those its committed plan for the
 * term around that date was scheduled with (`schedule.allowedHours` of `plans.generate`, which
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
  const committed = await loadAll((cursor) =>
    ctx.tx.termPlans.list({ where: { schoolId, status: "committed" }, cursor, limit: 100 }),
  );
  // One committed plan per term; should terms overlap, the latest commit speaks.
  const plan = committed
    .map((row) => row.record)
    .filter((p) => p.term.start <= date && date <= p.term.end)
    .sort((a, b) => (a.committedAt ?? "").localeCompare(b.committedAt ?? ""))
    .at(-1);
  return plan?.allowedHours ?? defaults;
}
