import { memoryBlobStore, memoryStorage } from "@homevisit/storage-memory";
import { describe, expect, it } from "vitest";
import {
  calendarTermOf,
  calendarTerms,
  createEngine,
  defaultHolidayCalendar,
  fixedClock,
  parseActor,
  planningYearOf,
  provisionalHolidayYear,
} from "../src/index.js";
import { actors, seedWorld } from "./engine-suite.js";

describe("the school's terms from the calendar", () => {
  it("places both terms of a school year around the Spring Festival break, official data first", () => {
    // 2026's Spring Festival break is announced (15–23 February): school starts the next weekday.
    expect(calendarTerms(2025).map((t) => [t.id, t.index, t.start, t.end])).toEqual([
      ["2025-2026-1", 1, "2025-09-01", "2026-01-30"],
      ["2025-2026-2", 2, "2026-02-24", "2026-07-03"],
    ]);
    const official = defaultHolidayCalendar.years["2026"]?.holidays.find((h) => h.name === "spring_festival");
    expect(official).toMatchObject({ from: "2026-02-15", to: "2026-02-23" });
    // 2027 is not announced: the provisional rule's break (eve 5 February to 12 February).
    const provisional = provisionalHolidayYear(2027).holidays.find((h) => h.name === "spring_festival");
    expect(provisional).toMatchObject({ from: "2027-02-05", to: "2027-02-12" });
    expect(calendarTerms(2026).map((t) => [t.id, t.start, t.end])).toEqual([
      ["2026-2027-1", "2026-09-01", "2027-01-22"],
      ["2026-2027-2", "2027-02-15", "2027-07-02"],
    ]);
    for (let year = 2000; year < 2098; year++) {
      const [autumn, spring] = calendarTerms(year);
      expect(autumn && spring && autumn.end < spring.start && spring.end < `${year + 1}-09-01`).toBe(true);
      expect([autumn?.end, spring?.end].map((d) => new Date(`${d}T00:00:00Z`).getUTCDay())).toEqual([5, 5]);
    }
    expect(calendarTerms(2100)).toEqual([]);
  });

  it("knows which school year a day is in", () => {
    expect([planningYearOf("2026-10-08"), planningYearOf("2027-03-01"), planningYearOf("2027-07-15")]).toEqual([
      2026, 2026, 2027,
    ]);
  });

  it("finds a day's term, and in a vacation the term about to begin", () => {
    const of = (day: string) => calendarTermOf(day)?.id;
    expect(of("2026-09-01")).toBe("2026-2027-1");
    expect(of("2027-01-22")).toBe("2026-2027-1");
    // Winter vacation (the autumn term ends 2027-01-22, spring begins 2027-02-15).
    expect(of("2027-01-23")).toBe("2026-2027-2");
    expect(of("2027-02-15")).toBe("2026-2027-2");
    // Summer: from July the coming autumn term; in August too.
    expect(of("2027-07-03")).toBe("2027-2028-1");
    expect(of("2027-08-20")).toBe("2027-2028-1");
    expect(of("2100-03-01")).toBeUndefined();
  });

  it("me.terms lists every term of the school's class years and of today, not only planned ones", async () => {
    const storage = memoryStorage();
    await storage.migrations.migrate();
    await seedWorld(storage);
    await storage.transaction(async (tx) => {
      await tx.classes.create({ id: "c-old", schoolId: "sch-1", grade: 8, name: "八(1)班", schoolYear: 2025 });
    });
    const engine = createEngine({
      storage,
      blobs: memoryBlobStore(),
      clock: fixedClock("2026-10-08T09:00:00+08:00"),
      config: { audit: { hmacKey: "test-audit-key-0123456789" } },
    });
    const { items } = await engine.me.terms(parseActor(actors.teacher), {});
    expect(items.map((i) => [i.term.id, i.current, i.source, i.plans.length])).toEqual([
      ["2026-2027-2", false, "calendar", 0],
      ["2026-2027-1", true, "calendar", 0],
      ["2025-2026-2", false, "calendar", 0],
      ["2025-2026-1", false, "calendar", 0],
    ]);
    // A bureau has no school: the calendar's terms of this school year and the one before, the
    // same days its schools are offered.
    const bureau = (await engine.me.terms(parseActor(actors.county_bureau), {})).items;
    expect(bureau.map((i) => [i.term.id, i.current, i.source, i.plans.length])).toEqual([
      ["2026-2027-2", false, "calendar", 0],
      ["2026-2027-1", true, "calendar", 0],
      ["2025-2026-2", false, "calendar", 0],
      ["2025-2026-1", false, "calendar", 0],
    ]);
    expect(bureau.map((i) => i.term)).toEqual(items.map((i) => i.term));
  });
});
