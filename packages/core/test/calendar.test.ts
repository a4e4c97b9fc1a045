import {
  addDays,
  type DayType,
  dayType,
  defaultHolidayCalendar,
  extendHolidayCalendar,
  type HolidayCalendar,
  holidayCalendarSchema,
  holidayOn,
  isHomevisitError,
  isoWeekday,
  isSchoolDay,
  solarTermDate,
  solarTermIds,
  solarTermsOf,
  springFestival,
  springFestivalWindow,
} from "@homevisit/core";
import fc from "fast-check";
import { LegalHoliday } from "tyme4ts";
import { describe, expect, it } from "vitest";

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    if (isHomevisitError(error)) return error.code;
    throw error;
  }
  return undefined;
}

function issueCodes(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    if (isHomevisitError(error)) return error.issues.map((i) => i.code);
    throw error;
  }
  return [];
}

describe("springFestival", () => {
  // Published dates of 春节 (正月初一). Node 20's Intl chinese calendar gets 2027 and 2030 wrong.
  const known: Record<number, string> = {
    2024: "2024-02-10",
    2025: "2025-01-29",
    2026: "2026-02-17",
    2027: "2027-02-06",
    2028: "2028-01-26",
    2029: "2029-02-13",
    2030: "2030-02-03",
  };

  for (const [year, date] of Object.entries(known)) {
    it(`is ${date} in ${year}`, () => {
      expect(springFestival(Number(year))).toBe(date);
    });
  }

  it("has a window from 10 days before to 15 days after by default", () => {
    expect(springFestivalWindow(2027)).toEqual({ from: "2027-01-27", to: "2027-02-21" });
    expect(springFestivalWindow(2025)).toEqual({ from: "2025-01-19", to: "2025-02-13" });
    expect(springFestivalWindow(2027, { daysBefore: 0, daysAfter: 0 })).toEqual({
      from: "2027-02-06",
      to: "2027-02-06",
    });
  });

  it("refuses years outside 1901–2099 with a stable code", () => {
    expect(codeOf(() => springFestival(1800))).toBe("calendar_year_unsupported");
    expect(codeOf(() => springFestival(2100))).toBe("calendar_year_unsupported");
    expect(codeOf(() => springFestival(2026.5))).toBe("calendar_year_unsupported");
  });

  it("always falls between 21 January and 20 February", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1901, max: 2099 }), (year) => {
        const day = springFestival(year);
        expect(day.slice(0, 4)).toBe(String(year));
        expect(day >= `${year}-01-21` && day <= `${year}-02-20`).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});

/**
 * An independent check of the solar terms: the sun's apparent longitude by Meeus' low-accuracy
 * formulas (Astronomical Algorithms, ch. 25; about 0.01°, i.e. ~15 minutes), solved for each
 * multiple of 15° and read as a date in China Standard Time.
 */
function sunLongitude(jd: number): number {
  const t = (jd - 2451545) / 36525;
  const rad = Math.PI / 180;
  const l0 = 280.46646 + 36000.76983 * t + 0.0003032 * t * t;
  const m = (357.52911 + 35999.05029 * t - 0.0001537 * t * t) * rad;
  const c =
    (1.914602 - 0.004817 * t - 0.000014 * t * t) * Math.sin(m) +
    (0.019993 - 0.000101 * t) * Math.sin(2 * m) +
    0.000289 * Math.sin(3 * m);
  const omega = (125.04 - 1934.136 * t) * rad;
  const apparent = l0 + c - 0.00569 - 0.00478 * Math.sin(omega);
  return ((apparent % 360) + 360) % 360;
}

/** The instant (ms since the epoch, UT) the sun reaches `target` degrees near `nearMs`. */
function termInstant(target: number, nearMs: number): number {
  const toJd = (ms: number) => ms / 86_400_000 + 2440587.5 + 69 / 86_400; // ΔT ≈ 69 s
  const diff = (ms: number) => ((sunLongitude(toJd(ms)) - target + 540) % 360) - 180;
  let lo = nearMs - 4 * 86_400_000;
  let hi = nearMs + 4 * 86_400_000;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (diff(mid) < 0) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

describe("solar terms", () => {
  it("match dates known from the almanac", () => {
    expect(solarTermDate(2024, "lichun")).toBe("2024-02-04");
    expect(solarTermDate(2025, "lichun")).toBe("2025-02-03");
    expect(solarTermDate(2026, "lichun")).toBe("2026-02-04");
    expect(solarTermDate(2024, "qingming")).toBe("2024-04-04");
    expect(solarTermDate(2025, "qingming")).toBe("2025-04-04");
    expect(solarTermDate(2026, "qingming")).toBe("2026-04-05");
    expect(solarTermDate(2024, "mangzhong")).toBe("2024-06-05");
    expect(solarTermDate(2025, "mangzhong")).toBe("2025-06-05");
    expect(solarTermDate(2026, "mangzhong")).toBe("2026-06-05");
    expect(solarTermDate(2024, "dongzhi")).toBe("2024-12-21");
    expect(solarTermDate(2025, "dongzhi")).toBe("2025-12-21");
  });

  it("agree with an independent astronomical computation for every term of 2024–2030", () => {
    let compared = 0;
    for (let year = 2024; year <= 2030; year++) {
      solarTermIds.forEach((term, i) => {
        const date = solarTermDate(year, term);
        const longitude = (285 + 15 * i) % 360;
        const instant = termInstant(longitude, Date.parse(`${date}T04:00:00Z`));
        const beijing = new Date(instant + 8 * 3_600_000);
        const minutesIntoDay = beijing.getUTCHours() * 60 + beijing.getUTCMinutes();
        // Within the formula's error of midnight the two methods may honestly disagree.
        if (minutesIntoDay < 30 || minutesIntoDay > 24 * 60 - 30) return;
        compared++;
        expect(`${term} ${beijing.toISOString().slice(0, 10)}`).toBe(`${term} ${date}`);
      });
    }
    expect(compared).toBeGreaterThan(160);
  });

  it("lists the 24 terms of a year in date order, all inside the year", () => {
    for (let year = 2024; year <= 2030; year++) {
      const terms = solarTermsOf(year);
      expect(terms.map((t) => t.term)).toEqual([...solarTermIds]);
      for (let i = 0; i < terms.length; i++) {
        const t = terms[i];
        expect(t?.date.slice(0, 4)).toBe(String(year));
        if (i > 0) expect((t?.date ?? "") > (terms[i - 1]?.date ?? "")).toBe(true);
        expect(t?.date).toBe(solarTermDate(year, t?.term ?? "lichun"));
      }
    }
    expect(solarTermsOf(2026)[6]).toEqual({
      term: "qingming",
      date: "2026-04-05",
      label: { "zh-CN": "清明", en: "Pure Brightness" },
    });
  });

  it("refuses an unknown term and an unsupported year", () => {
    expect(codeOf(() => solarTermDate(2026, "spring" as never))).toBe("calendar_unknown_solar_term");
    expect(codeOf(() => solarTermsOf(1899))).toBe("calendar_year_unsupported");
  });
});

describe("official holidays", () => {
  it("validate as shipped", () => {
    expect(holidayCalendarSchema.safeParse(defaultHolidayCalendar).success).toBe(true);
  });

  it("agree day by day with tyme4ts' independent table for 2024–2026", () => {
    for (let year = 2024; year <= 2026; year++) {
      for (let d = `${year}-01-01`; d.startsWith(String(year)); d = addDays(d, 1)) {
        const legal = LegalHoliday.fromYmd(year, Number(d.slice(5, 7)), Number(d.slice(8, 10)));
        let expected: DayType;
        if (legal) expected = legal.isWork() ? "makeup_workday" : "holiday";
        else expected = isoWeekday(d) >= 6 ? "weekend" : "workday";
        expect(`${d} ${dayType(d, defaultHolidayCalendar)}`).toBe(`${d} ${expected}`);
      }
    }
  });

  it("know the revised 2025 and 2026 rules: longer Spring Festival breaks", () => {
    // 2025: from New Year's Eve (1-28) to 正月初七 (2-4), make-up Sundays and Saturdays around it.
    expect(dayType("2025-01-28")).toBe("holiday");
    expect(dayType("2025-02-04")).toBe("holiday");
    expect(dayType("2025-01-26")).toBe("makeup_workday");
    expect(dayType("2025-02-08")).toBe("makeup_workday");
    // 2026: nine days, 2-15 to 2-23.
    const days = [];
    for (let d = "2026-02-14"; d <= "2026-02-24"; d = addDays(d, 1)) days.push(dayType(d));
    expect(days).toEqual([
      "makeup_workday",
      "holiday",
      "holiday",
      "holiday",
      "holiday",
      "holiday",
      "holiday",
      "holiday",
      "holiday",
      "holiday",
      "workday",
    ]);
    expect(holidayOn("2026-02-17")?.name).toBe("spring_festival");
    expect(holidayOn("2025-10-08")?.name).toBe("national_day_mid_autumn");
    expect(holidayOn("2025-10-09")).toBeUndefined();
  });

  it("answer unknown for a year without data, never workday", () => {
    for (let d = "2027-01-01"; d <= "2027-12-31"; d = addDays(d, 1)) expect(dayType(d)).toBe("unknown");
    expect(dayType("2023-12-30")).toBe("unknown"); // inside 2024's New Year break, but 2023 is unknown
    expect(dayType("2030-10-01")).toBe("unknown");
  });

  it("refuse a malformed date", () => {
    expect(codeOf(() => dayType("2026-02-30"))).toBe("calendar_invalid_date");
    expect(codeOf(() => dayType("20260217"))).toBe("calendar_invalid_date");
  });

  it("can be extended by the host; a year in the extension replaces the base year", () => {
    const extra: HolidayCalendar = {
      version: "2026-11",
      years: {
        "2027": {
          holidays: [{ name: "new_year", from: "2027-01-01", to: "2027-01-03" }],
          makeUpWorkdays: ["2027-01-09"],
        },
        "2026": { holidays: [], makeUpWorkdays: [] },
      },
    };
    const calendar = extendHolidayCalendar(defaultHolidayCalendar, extra);
    expect(calendar.version).toBe("2026-11");
    expect(dayType("2027-01-01", calendar)).toBe("holiday");
    expect(dayType("2027-01-09", calendar)).toBe("makeup_workday");
    expect(dayType("2027-01-04", calendar)).toBe("workday");
    expect(dayType("2027-01-10", calendar)).toBe("weekend");
    expect(dayType("2026-02-17", calendar)).toBe("workday"); // 2026 replaced whole
    expect(dayType("2025-01-28", calendar)).toBe("holiday"); // 2025 kept
    expect(dayType("2027-01-01", defaultHolidayCalendar)).toBe("unknown"); // base untouched
  });

  it("reject bad schedules with precise codes", () => {
    const bad = (years: HolidayCalendar["years"]) => () =>
      extendHolidayCalendar(defaultHolidayCalendar, { version: "x", years });
    expect(issueCodes(bad({ "2027": { holidays: [], makeUpWorkdays: ["2028-01-01"] } }))).toEqual([
      "calendar_makeup_outside_year",
    ]);
    expect(
      issueCodes(
        bad({
          "2027": {
            holidays: [{ name: "new_year", from: "2027-01-01", to: "2027-01-03" }],
            makeUpWorkdays: ["2027-01-02"],
          },
        }),
      ),
    ).toEqual(["calendar_makeup_in_holiday"]);
    expect(issueCodes(bad({ "2027": { holidays: [], makeUpWorkdays: ["2027-01-09", "2027-01-09"] } }))).toEqual([
      "calendar_duplicate_makeup",
    ]);
    expect(
      issueCodes(
        bad({ "2027": { holidays: [{ name: "x", from: "2027-02-03", to: "2027-02-01" }], makeUpWorkdays: [] } }),
      ),
    ).toEqual(["date_range_inverted"]);
    expect(
      issueCodes(
        bad({ "2027": { holidays: [{ name: "x", from: "2028-02-01", to: "2028-02-03" }], makeUpWorkdays: [] } }),
      ),
    ).toEqual(["calendar_holiday_outside_year"]);
    expect(issueCodes(bad({ "27": { holidays: [], makeUpWorkdays: [] } }))).toEqual(["calendar_year_key_invalid"]);
    const error = (() => {
      try {
        bad({ "2027": { holidays: [], makeUpWorkdays: ["2028-01-01"] } })();
      } catch (e) {
        return e;
      }
    })();
    expect(isHomevisitError(error) && error.issues[0]?.path).toEqual(["extra", "years", "2027", "makeUpWorkdays", 0]);
    expect(isHomevisitError(error) && error.issues[0]?.message.en).toBe(
      // The year is in the path, never repeated in the message (RELIABILITY.md promise 7).
      "A make-up workday must fall in the year it is listed under",
    );
  });
});

describe("isSchoolDay", () => {
  const term = { start: "2026-02-24", end: "2026-07-03" };

  it("is true on workdays and make-up workdays in the term", () => {
    expect(isSchoolDay("2026-02-24", { term })).toBe(true);
    expect(isSchoolDay("2026-02-28", { term })).toBe(true); // make-up Saturday
    expect(isSchoolDay("2026-05-09", { term })).toBe(true); // make-up Saturday
  });

  it("is false on holidays, weekends and outside the term", () => {
    expect(isSchoolDay("2026-04-06", { term })).toBe(false); // Qingming
    expect(isSchoolDay("2026-05-01", { term })).toBe(false);
    expect(isSchoolDay("2026-03-07", { term })).toBe(false); // Saturday
    expect(isSchoolDay("2026-02-23", { term })).toBe(false); // before the term
    expect(isSchoolDay("2026-07-06", { term })).toBe(false); // after it
  });

  it("is unknown inside a term of a year without data, false outside it", () => {
    const later = { start: "2027-02-22", end: "2027-07-02" };
    expect(isSchoolDay("2027-03-01", { term: later })).toBe("unknown");
    expect(isSchoolDay("2027-03-06", { term: later })).toBe("unknown"); // even a Saturday: 调休 may apply
    expect(isSchoolDay("2027-08-01", { term: later })).toBe(false);
  });

  it("uses a host's calendar when given", () => {
    const calendar = extendHolidayCalendar(defaultHolidayCalendar, {
      version: "host",
      years: { "2027": { holidays: [], makeUpWorkdays: [] } },
    });
    expect(isSchoolDay("2027-03-01", { term: { start: "2027-02-22", end: "2027-07-02" }, calendar })).toBe(true);
  });
});

describe("independence from the host time zone", () => {
  it("gives the same answers under other TZ settings", () => {
    const snapshot = () => ({
      sf: [2024, 2025, 2026, 2027, 2028, 2029, 2030].map((y) => springFestival(y)),
      terms: solarTermsOf(2027).map((t) => t.date),
      days: ["2026-02-14", "2026-02-15", "2026-03-07", "2026-03-09", "2027-01-01"].map((d) => dayType(d)),
    });
    const original = process.env.TZ;
    const base = snapshot();
    try {
      for (const tz of ["America/New_York", "Pacific/Kiritimati", "Asia/Shanghai", "UTC"]) {
        process.env.TZ = tz;
        expect(snapshot()).toEqual(base);
      }
    } finally {
      if (original === undefined) delete process.env.TZ;
      else process.env.TZ = original;
    }
    expect(base.days).toEqual(["makeup_workday", "holiday", "weekend", "workday", "unknown"]);
  });
});
