import { expandRecurrence } from "@homevisit/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

const pad = (n: number) => String(n).padStart(2, "0");
const compact = (d: Date) => `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}`;

/** Random floating rules of the shapes planners write, some outside the fast path. */
const ruleArbitrary = fc
  .record({
    start: fc.integer({ min: 0, max: 700 }),
    hour: fc.integer({ min: 0, max: 23 }),
    freq: fc.constantFrom("DAILY", "WEEKLY", "MONTHLY", "YEARLY"),
    interval: fc.integer({ min: 1, max: 4 }),
    byday: fc.subarray(["MO", "TU", "WE", "TH", "FR", "SA", "SU"]),
    bound: fc.oneof(
      fc.record({ count: fc.integer({ min: 1, max: 40 }) }),
      fc.record({ untilDays: fc.integer({ min: 0, max: 500 }) }),
    ),
    bymonthday: fc.boolean(),
    windowStart: fc.integer({ min: -30, max: 400 }),
    windowLength: fc.integer({ min: 0, max: 300 }),
    withDtstart: fc.boolean(),
  })
  .map((r) => {
    const base = Date.UTC(2025, 8, 1);
    const dtstart = new Date(base + r.start * 86_400_000);
    const parts = [`FREQ=${r.freq}`];
    if (r.interval > 1) parts.push(`INTERVAL=${r.interval}`);
    if (r.byday.length > 0 && r.freq === "WEEKLY") parts.push(`BYDAY=${r.byday.join(",")}`);
    if (r.bymonthday && r.freq === "MONTHLY") parts.push("BYMONTHDAY=-1"); // library path
    if ("count" in r.bound) parts.push(`COUNT=${r.bound.count}`);
    else parts.push(`UNTIL=${compact(new Date(dtstart.getTime() + r.bound.untilDays * 86_400_000))}T235959`);
    const rule = r.withDtstart
      ? `DTSTART:${compact(dtstart)}T${pad(r.hour)}0000\nRRULE:${parts.join(";")}`
      : `RRULE:${parts.join(";")}`;
    const from = new Date(base + r.windowStart * 86_400_000).toISOString().slice(0, 10);
    const to = new Date(base + (r.windowStart + r.windowLength) * 86_400_000).toISOString().slice(0, 10);
    return { rule, window: { from, to } };
  });

describe("expandRecurrence fast path", () => {
  it("agrees with the rrule library on every generated rule", () => {
    fc.assert(
      fc.property(ruleArbitrary, ({ rule, window }) => {
        expect(expandRecurrence(rule, window)).toEqual(expandRecurrence(rule, window, { forceLibrary: true }));
      }),
      { numRuns: 1000 },
    );
  });

  it("skips months without the day, as RFC 5545 says", () => {
    expect(
      expandRecurrence("DTSTART:20260131\nRRULE:FREQ=MONTHLY;COUNT=4", { from: "2026-01-01", to: "2026-12-31" }),
    ).toEqual(["2026-01-31", "2026-03-31", "2026-05-31", "2026-07-31"]);
  });

  it("keeps the occurrence limit", () => {
    expect(expandRecurrence("FREQ=DAILY", { from: "2026-09-01", to: "2030-09-01" }, { limit: 10 })).toHaveLength(10);
  });
});
