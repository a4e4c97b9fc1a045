// addDays takes an arithmetic path for valid dates; the Date object is the reference it must
// match everywhere, including leap days, century years and the ends of the 0000–9999 range.
import {
  addDays,
  daysBetween,
  isCalendarDate,
  nextDay,
  previousDay,
  shanghaiDate,
  shanghaiTime,
} from "@homevisit/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

function reference(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

const dayMs = 86_400_000;
const isoOfTime = (t: number) => new Date(t).toISOString().slice(0, 10);

describe("addDays", () => {
  it("matches the Date object for any date of 0000–9999 and any whole offset (property)", () => {
    const min = Date.parse("0000-01-01T00:00:00Z") / dayMs;
    const max = Date.parse("9999-12-31T00:00:00Z") / dayMs;
    fc.assert(
      fc.property(fc.integer({ min, max }), fc.integer({ min: -800_000, max: 800_000 }), (day, offset) => {
        const date = isoOfTime(day * dayMs);
        expect(addDays(date, offset)).toBe(reference(date, offset));
      }),
      { numRuns: 5000 },
    );
  });

  it("crosses leap days, century years and year ends as the calendar does", () => {
    const cases: [string, number, string][] = [
      ["2028-02-28", 1, "2028-02-29"],
      ["2028-02-29", 1, "2028-03-01"],
      ["2100-02-28", 1, "2100-03-01"],
      ["2000-02-28", 1, "2000-02-29"],
      ["2026-12-31", 1, "2027-01-01"],
      ["2027-01-01", -1, "2026-12-31"],
      ["2027-02-06", -10, "2027-01-27"],
      ["0000-03-01", -1, "0000-02-29"],
    ];
    for (const [date, days, expected] of cases) {
      expect(addDays(date, days)).toBe(expected);
      expect(addDays(date, days)).toBe(reference(date, days));
    }
    expect(nextDay("2026-12-31")).toBe("2027-01-01");
    expect(previousDay("2028-03-01")).toBe("2028-02-29");
  });

  it("answers like the Date object at the ends of the range and for fractional offsets", () => {
    for (const [date, days] of [
      ["9999-12-31", 1],
      ["9999-12-31", 0],
      ["0000-01-01", -1],
      ["2026-09-01", 1.5],
      ["2026-09-01", -0.5],
    ] as [string, number][]) {
      expect(addDays(date, days)).toBe(reference(date, days));
    }
  });

  it("leaves malformed dates to the Date object, throwing where it throws", () => {
    for (const date of ["2026-02-30", "2026-13-01", "2026-9-01", "20260901", "2026-09-01T00:00", "abcd-ef-gh", ""]) {
      let expected: string | Error;
      try {
        expected = reference(date, 3);
      } catch (error) {
        expected = error as Error;
      }
      if (expected instanceof Error) expect(() => addDays(date, 3)).toThrow(expected.constructor as typeof Error);
      else expect(addDays(date, 3)).toBe(expected);
    }
  });

  it("is the inverse of daysBetween (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 60_000 }), fc.integer({ min: -3000, max: 3000 }), (day, offset) => {
        const date = isoOfTime(day * dayMs);
        expect(daysBetween(date, addDays(date, offset))).toBe(offset);
      }),
    );
  });
});

describe("isCalendarDate", () => {
  it("agrees with the Date object on every YYYY-MM-DD of 0000–9999, real or not (property)", () => {
    const pad = (n: number, width: number) => String(n).padStart(width, "0");
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 9999 }),
        fc.integer({ min: 0, max: 13 }),
        fc.integer({ min: 0, max: 32 }),
        (year, month, day) => {
          const text = `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
          const d = new Date(`${text}T00:00:00Z`);
          const real = !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === text;
          expect(isCalendarDate(text)).toBe(real);
        },
      ),
    );
  });

  it("refuses other forms", () => {
    for (const text of ["2026-9-01", "2026/09/01", "2026-09-01T00:00:00Z", "+02026-09-01", "２０２６-09-01", ""]) {
      expect(isCalendarDate(text)).toBe(false);
    }
  });
});

describe("shanghaiDate and shanghaiTime", () => {
  it("read an instant's day and wall-clock time in China Standard Time, whatever its offset", () => {
    expect([shanghaiDate("2026-10-08T10:30:00Z"), shanghaiTime("2026-10-08T10:30:00Z")]).toEqual([
      "2026-10-08",
      "18:30",
    ]);
    expect([shanghaiDate("2026-10-08T17:30:00Z"), shanghaiTime("2026-10-08T17:30:00Z")]).toEqual([
      "2026-10-09",
      "01:30",
    ]);
    expect(shanghaiTime("2026-10-08T18:30:00+08:00")).toBe("18:30");
    expect(shanghaiTime("2026-10-08T12:30:00+02:00")).toBe("18:30");
  });
});
