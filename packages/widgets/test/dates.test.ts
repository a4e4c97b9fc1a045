import { describe, expect, it } from "vitest";
import { shanghaiDay, shanghaiToday, shortTime } from "../src/dates.js";
import { termById, termOfDay } from "../src/term-plan.js";

describe("campus dates", () => {
  it("gives an instant's China Standard Time day, not its UTC one", () => {
    expect(shanghaiDay("2026-12-07T21:14:25.917Z")).toBe("2026-12-08");
    expect(shanghaiDay("2026-12-07T15:59:59Z")).toBe("2026-12-07");
    expect(shanghaiDay("not an instant")).toBe("not an instant");
    expect(shanghaiToday(new Date("2026-11-10T17:00:00Z"))).toBe("2026-11-11");
    expect(shortTime("2026-11-10T16:30:00+08:00")).toBe("11-10 16:30");
  });

  it("proposes a term's days from the national calendar, as GET /terms does", () => {
    // The autumn term ends on the last Friday two weeks before the Spring Festival break.
    expect(termOfDay("2026-11-10")).toMatchObject({ id: "2026-2027-1", start: "2026-09-01", end: "2027-01-22" });
    // In the winter vacation the principal plans the spring term, as core's calendarTermOf says.
    expect(termOfDay("2027-01-28")).toMatchObject({ id: "2026-2027-2", start: "2027-02-15" });
    expect(termById("2025-2026-2")).toMatchObject({ start: "2026-02-24", end: "2026-07-03" });
    // A year the calendar cannot place keeps the usual days.
    expect(termById("2150-2151-1")).toMatchObject({ start: "2150-09-01", end: "2151-01-20" });
  });
});
