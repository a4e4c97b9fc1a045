import { UTCDate } from "@date-fns/utc";
import { addDays, daysBetween, isoWeekday, nextDay, previousDay } from "@homevisit/core";
import { addDays as dfAddDays, differenceInCalendarDays, format, getISODay } from "date-fns";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

// Dates as the planner meets them (and well beyond): 1900–2100, leap days included.
const dayArb = fc
  .date({ min: new Date("1900-01-01T00:00:00Z"), max: new Date("2100-12-31T00:00:00Z"), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));

const reference = (date: string) => new UTCDate(`${date}T00:00:00Z`);

describe("string-date helpers agree with date-fns", () => {
  it("addDays (the day-number hot path), nextDay and previousDay", () => {
    fc.assert(
      fc.property(dayArb, fc.integer({ min: -40_000, max: 40_000 }), (date, days) => {
        expect(addDays(date, days)).toBe(format(dfAddDays(reference(date), days), "yyyy-MM-dd"));
        expect(nextDay(date)).toBe(format(dfAddDays(reference(date), 1), "yyyy-MM-dd"));
        expect(previousDay(date)).toBe(format(dfAddDays(reference(date), -1), "yyyy-MM-dd"));
      }),
      { numRuns: 5_000 },
    );
  });

  it("daysBetween and isoWeekday", () => {
    fc.assert(
      fc.property(dayArb, dayArb, (a, b) => {
        expect(daysBetween(a, b)).toBe(differenceInCalendarDays(reference(b), reference(a)));
        expect(isoWeekday(a)).toBe(getISODay(reference(a)));
      }),
      { numRuns: 2_000 },
    );
  });
});
