// The generated lunar table against its oracle, tyme4ts, for every year it holds: every day of
// every non-leap lunar month, and every solar term. The planner reads the table at run time.
import { LunarDay, LunarYear, SolarTerm } from "tyme4ts";
import { describe, expect, it } from "vitest";
import { lunarDate, lunarNewYearDate, solarTermStartDate } from "../src/planning/calendar/lunar.js";

const iso = (d: { getYear(): number; getMonth(): number; getDay(): number }) =>
  `${String(d.getYear()).padStart(4, "0")}-${String(d.getMonth()).padStart(2, "0")}-${String(d.getDay()).padStart(2, "0")}`;

describe("the generated lunar table agrees with tyme4ts, 1900–2100", () => {
  it("new years and every day of every ordinary month", () => {
    let checked = 0;
    for (let year = 1900; year <= 2100; year++) {
      expect(lunarNewYearDate(year)).toBe(iso(LunarDay.fromYmd(year, 1, 1).getSolarDay()));
      for (const month of LunarYear.fromYear(year).getMonths()) {
        if (month.isLeap()) continue;
        for (let day = 1; day <= month.getDayCount(); day++) {
          const oracle = iso(LunarDay.fromYmd(year, month.getMonth(), day).getSolarDay());
          if (lunarDate(year, month.getMonth(), day) !== oracle) {
            expect(`${year}/${month.getMonth()}/${day} → ${lunarDate(year, month.getMonth(), day)}`).toBe(oracle);
          }
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(70_000);
  });

  it("every solar term", () => {
    for (let year = 1900; year <= 2100; year++) {
      for (let index = 0; index <= 24; index++) {
        expect(solarTermStartDate(year, index)).toBe(
          iso(SolarTerm.fromIndex(year, index).getJulianDay().getSolarDay()),
        );
      }
    }
  });

  it("refuses years and terms outside the table", () => {
    expect(() => lunarNewYearDate(1899)).toThrow(RangeError);
    expect(() => solarTermStartDate(2101, 3)).toThrow(RangeError);
    expect(() => solarTermStartDate(2026, 25)).toThrow(RangeError);
  });
});
