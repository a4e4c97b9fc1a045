import {
  ageOn,
  type CategoryFlag,
  categoriesAt,
  categoryFlagSchema,
  citySchema,
  countySchema,
  currentEnrolment,
  isHomevisitError,
  mentorshipSchema,
  newStudentStatus,
  phoneSchema,
  priorityCategories,
  schoolClassSchema,
  schoolSchema,
  studentSchema,
  teacherSchema,
} from "@homevisit/core";
import {
  createRng,
  type DemoDataset,
  generateCity,
  generateCounty,
  generateSchool,
  lishuiCounties,
  streamProvince,
} from "@homevisit/demo-data";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import type * as z from "zod";

const date = "2026-10-15";

function validationFailures(data: DemoDataset): string[] {
  const failures: string[] = [];
  const check = (name: string, schema: z.ZodType, records: readonly unknown[]): void => {
    records.forEach((record, i) => {
      const result = schema.safeParse(record);
      if (!result.success) failures.push(`${name}[${i}]: ${JSON.stringify(result.error.issues).slice(0, 300)}`);
    });
  };
  check("city", citySchema, [data.city]);
  check("counties", countySchema, data.counties);
  check("schools", schoolSchema, data.schools);
  check("classes", schoolClassSchema, data.classes);
  check("teachers", teacherSchema, data.teachers);
  check("students", studentSchema, data.students);
  check("categoryFlags", categoryFlagSchema, data.categoryFlags);
  check("mentorships", mentorshipSchema, data.mentorships);
  return failures;
}

function flagsByStudent(flags: readonly CategoryFlag[]): Map<string, CategoryFlag[]> {
  const map = new Map<string, CategoryFlag[]>();
  for (const f of flags) {
    const list = map.get(f.studentId);
    if (list) list.push(f);
    else map.set(f.studentId, [f]);
  }
  return map;
}

const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

describe("createRng", () => {
  it("gives the same sequence for the same seed and another for another seed", () => {
    const a = createRng(42);
    const b = createRng(42);
    const c = createRng(43);
    const seqA = Array.from({ length: 20 }, () => a.next());
    expect(Array.from({ length: 20 }, () => b.next())).toEqual(seqA);
    expect(Array.from({ length: 20 }, () => c.next())).not.toEqual(seqA);
  });

  it("forks independently of what the parent has drawn", () => {
    const a = createRng("x");
    const b = createRng("x");
    for (let i = 0; i < 10; i++) b.next();
    expect(a.fork("school-1").next()).toBe(b.fork("school-1").next());
    expect(a.fork("school-1").next()).not.toBe(a.fork("school-2").next());
  });

  it("keeps int() within its bounds and next() in [0, 1)", () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: -1000, max: 1000 }), fc.nat(1000), (seed, min, span) => {
        const rng = createRng(seed);
        for (let i = 0; i < 20; i++) {
          const n = rng.int(min, min + span);
          expect(Number.isInteger(n) && n >= min && n <= min + span).toBe(true);
          const x = rng.next();
          expect(x >= 0 && x < 1).toBe(true);
        }
      }),
    );
  });

  it("spreads values roughly evenly", () => {
    const rng = createRng(7);
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 40_000; i++) counts[rng.int(0, 3)] = (counts[rng.int(0, 3)] ?? 0) + 1;
    for (const c of counts) expect(c).toBeGreaterThan(9_000);
  });
});

describe("generateSchool", () => {
  const data = generateSchool({ seed: 7 });
  const school = data.schools[0];

  it("is deterministic: same seed, same data; another seed, other data", () => {
    expect(JSON.stringify(generateSchool({ seed: 7 }))).toBe(JSON.stringify(data));
    const other = generateSchool({ seed: 8 });
    expect(other.students.map((s) => s.name)).not.toEqual(data.students.map((s) => s.name));
  });

  it("makes a rural nine-year school in 遂昌县 of about 720 students by default", () => {
    expect(school).toMatchObject({
      kind: "nine_year",
      setting: "rural",
      countyId: "lishui-suichang",
      cityId: "lishui",
    });
    expect(data.counties).toEqual([{ id: "lishui-suichang", cityId: "lishui", name: "遂昌县", setting: "rural" }]);
    expect(data.students.length).toBeGreaterThan(600);
    expect(data.students.length).toBeLessThan(850);
    expect(validationFailures(data)).toEqual([]);
  });

  it("has exactly one principal and a class teacher for every class of this year", () => {
    expect(data.teachers.filter((t) => t.roles.includes("principal"))).toHaveLength(1);
    const teacherIds = new Set(data.teachers.map((t) => t.id));
    const current = data.classes.filter((c) => c.schoolYear === 2026);
    expect(current.length).toBeGreaterThanOrEqual(9);
    for (const c of current) expect(teacherIds.has(c.classTeacherId ?? "")).toBe(true);
    // One teacher leads at most one class.
    expect(new Set(current.map((c) => c.classTeacherId)).size).toBe(current.length);
  });

  it("enrols every student in an existing class of this year, with a birth date that fits the grade", () => {
    const classes = new Map(data.classes.map((c) => [c.id, c]));
    for (const s of data.students) {
      const enrolment = currentEnrolment(s, date);
      const cls = classes.get(enrolment?.classId ?? "");
      expect(cls?.schoolId).toBe(s.schoolId);
      expect(cls?.schoolYear).toBe(2026);
      expect(cls?.grade).toBe(enrolment?.grade);
      // Grade 1 children are 6 on 1 September; a few are a year older.
      const age = ageOn(s.dateOfBirth, "2026-09-01");
      expect([5 + (cls?.grade ?? 0), 6 + (cls?.grade ?? 0)]).toContain(age);
      // Earlier periods point at earlier years' classes of the same school.
      for (const e of s.enrolments) expect(classes.get(e.classId)?.grade).toBe(e.grade);
    }
  });

  it("has new students: the entry grade, and a few transferred in", () => {
    const statuses = data.students.map((s) => ({
      s,
      status: newStudentStatus(s, school ?? { id: "", kind: "nine_year" }, date),
    }));
    const entry = statuses.filter((x) => x.status.isNew && x.status.reason === "entry_grade");
    expect(entry.length).toBeGreaterThan(40);
    for (const { s } of entry) expect([1, 7]).toContain(currentEnrolment(s, date)?.grade);
    const transferred = data.students.filter((s) => s.enrolments.some((e) => e.startReason === "transfer_in"));
    expect(transferred.length).toBeGreaterThan(0);
    // Students in grade 5 who did not transfer have a history back to grade 1.
    const grade5 = data.students.filter(
      (s) => currentEnrolment(s, date)?.grade === 5 && s.enrolments[0]?.startReason === "entry",
    );
    expect(grade5.length).toBeGreaterThan(0);
    for (const s of grade5) expect(s.enrolments.map((e) => e.grade).slice(0, 5)).toEqual([1, 2, 3, 4, 5]);
  });

  it("gives guardians valid mobile numbers and exactly one primary guardian per student", () => {
    for (const s of data.students) {
      expect(s.guardians.filter((g) => g.primary)).toHaveLength(1);
      for (const g of s.guardians) if (g.phone !== undefined) expect(phoneSchema.safeParse(g.phone).success).toBe(true);
    }
  });

  it("rejects bad options with a HomevisitError", () => {
    const attempts = [
      () => generateSchool({ county: "杭州市" }),
      () => generateSchool({ town: "不存在镇" }),
      () => generateSchool({ date: "2026-13-01" }),
      () => generateSchool({ students: -5 }),
      () => generateSchool({ colour: "red" } as never),
    ];
    for (const attempt of attempts) {
      let error: unknown;
      try {
        attempt();
      } catch (e) {
        error = e;
      }
      expect(isHomevisitError(error) && error.code).toBe("validation_failed");
    }
  });
});

describe("generateCounty (遂昌县, rural)", () => {
  let data: DemoDataset;
  beforeAll(() => {
    data = generateCounty({ county: "遂昌县", seed: 3 });
  });

  it("validates entirely against core's schemas", () => {
    expect(data.students.length).toBeGreaterThan(20_000);
    expect(validationFailures(data)).toEqual([]);
  });

  it("keeps every reference inside the data set", () => {
    const schoolIds = new Set(data.schools.map((s) => s.id));
    const teachers = new Map(data.teachers.map((t) => [t.id, t]));
    const students = new Map(data.students.map((s) => [s.id, s]));
    const classes = new Map(data.classes.map((c) => [c.id, c]));
    expect(students.size).toBe(data.students.length);
    expect(classes.size).toBe(data.classes.length);
    for (const school of data.schools) {
      expect(data.teachers.filter((t) => t.schoolId === school.id && t.roles.includes("principal"))).toHaveLength(1);
    }
    for (const s of data.students) {
      expect(schoolIds.has(s.schoolId)).toBe(true);
      const cls = classes.get(currentEnrolment(s, date)?.classId ?? "");
      expect(cls?.schoolId).toBe(s.schoolId);
      expect(cls?.schoolYear).toBe(2026);
    }
    for (const t of data.teachers) for (const c of t.classIds) expect(classes.get(c)?.schoolId).toBe(t.schoolId);
    for (const f of data.categoryFlags) {
      const student = students.get(f.studentId);
      expect(teachers.get(f.flaggedBy)?.schoolId).toBe(student?.schoolId);
      expect(f.validFrom <= date).toBe(true);
    }
    for (const m of data.mentorships) {
      const mentor = teachers.get(m.mentorId);
      expect(mentor?.roles).toContain("mentor");
      expect(mentor?.schoolId).toBe(students.get(m.studentId)?.schoolId);
    }
  });

  it("has rare characters in some names, never with a split surrogate pair", () => {
    const names = [
      ...data.students.map((s) => s.name),
      ...data.students.flatMap((s) => s.guardians.map((g) => g.name)),
      ...data.teachers.map((t) => t.name),
    ];
    expect(names.some((n) => n.includes("䶮"))).toBe(true);
    expect(names.some((n) => n.includes("𠀀"))).toBe(true);
    const rare = names.filter((n) => /[䶮𠀀𠮷𪚥龑]/u.test(n));
    expect(rare.length / names.length).toBeGreaterThan(0.001);
    expect(rare.length / names.length).toBeLessThan(0.02);
    for (const n of names) expect(loneSurrogate.test(n)).toBe(false);
  });

  it("has flags with evidence, review dates and revoked history", () => {
    expect(data.categoryFlags.every((f) => f.evidence.length > 0)).toBe(true);
    expect(data.categoryFlags.some((f) => f.reviewOn !== undefined)).toBe(true);
    const revoked = data.categoryFlags.filter((f) => f.revokedOn !== undefined);
    expect(revoked.length).toBeGreaterThan(0);
    for (const f of revoked) {
      expect(f.revokedBy).toBeDefined();
      expect(f.validFrom < (f.revokedOn ?? "") && (f.revokedOn ?? "") <= date).toBe(true);
    }
    expect(data.students.some((s) => s.address.remote)).toBe(true);
    expect(data.students.some((s) => s.livingSituation.livesWith === "grandparents")).toBe(true);
  });
});

describe("urban and rural prevalences", () => {
  function rates(data: DemoDataset): Record<string, number> {
    const flags = flagsByStudent(data.categoryFlags);
    const counts: Record<string, number> = {};
    for (const s of data.students) {
      for (const a of categoriesAt(flags.get(s.id) ?? [], date)) counts[a.category] = (counts[a.category] ?? 0) + 1;
    }
    return Object.fromEntries(Object.entries(counts).map(([k, v]) => [k, v / data.students.length]));
  }

  it("has far more left-behind children in a rural county, more migrant workers' children in the urban one", () => {
    const urban = rates(generateCounty({ county: "莲都区", seed: 5, scale: 0.3 }));
    const rural = rates(generateCounty({ county: "庆元县", seed: 5 }));
    expect(rural.left_behind_or_single_parent ?? 0).toBeGreaterThan(2 * (urban.left_behind_or_single_parent ?? 1));
    expect(urban.migrant_worker_child ?? 0).toBeGreaterThan(2 * (rural.migrant_worker_child ?? 1));
    expect(rural.economic_hardship ?? 0).toBeGreaterThan(urban.economic_hardship ?? 1);
    for (const r of [urban, rural]) expect(Object.keys(r).sort()).toEqual([...priorityCategories].sort());
  });
});

describe("generateCity", () => {
  it("makes Lishui: nine counties, ~700 schools, ~25,000 teachers, ~300,000 students", { timeout: 600_000 }, () => {
    const city = generateCity({ seed: 1 });
    expect(city.city).toEqual({ id: "lishui", name: "丽水市" });
    expect(city.counties.map((c) => c.name)).toEqual(lishuiCounties.map((c) => c.name));
    expect(city.counties.find((c) => c.name === "莲都区")?.setting).toBe("urban");
    expect(city.students.length).toBeGreaterThan(280_000);
    expect(city.students.length).toBeLessThan(330_000);
    expect(city.schools.length).toBeGreaterThan(620);
    expect(city.schools.length).toBeLessThan(800);
    expect(city.teachers.length).toBeGreaterThan(21_000);
    expect(city.teachers.length).toBeLessThan(29_000);
    expect(new Set(city.schools.map((s) => s.kind))).toEqual(
      new Set(["kindergarten", "primary", "junior", "senior", "nine_year", "twelve_year"]),
    );
    // A county generated alone is the same as the city's part of it.
    const alone = generateCounty({ county: "云和县", seed: 1 });
    const inCity = city.schools.filter((s) => s.countyId === "lishui-yunhe");
    expect(alone.schools).toEqual(inCity);
    const firstStudent = alone.students[0];
    expect(city.students.find((s) => s.id === firstStudent?.id)).toEqual(firstStudent);
  });

  it("scales down for quick tests", () => {
    const small = generateCity({ seed: 2, scale: 0.02 });
    expect(small.students.length).toBeGreaterThan(4_000);
    // Each county rounds up to whole schools, so a tiny city overshoots a little.
    expect(small.students.length).toBeLessThan(12_000);
    expect(small.counties).toHaveLength(9);
  });
});

describe("streamProvince", () => {
  it("yields school batches lazily: the first few of ten million without building the rest", () => {
    const stream = streamProvince({ seed: 1 });
    const first: string[] = [];
    for (const batch of stream) {
      expect(batch.students.every((s) => s.schoolId === batch.school.id)).toBe(true);
      expect(batch.school.countyId).toBe(batch.county.id);
      expect(batch.county.cityId).toBe(batch.city.id);
      first.push(batch.school.id);
      if (first.length === 3) break;
    }
    expect(first).toHaveLength(3);
    expect(new Set(first).size).toBe(3);
  });

  it("covers Zhejiang's eleven cities with about the students asked for", () => {
    let students = 0;
    const cities = new Set<string>();
    const schoolIds = new Set<string>();
    for (const batch of streamProvince({ seed: 4, students: 60_000 })) {
      students += batch.students.length;
      cities.add(batch.city.name);
      schoolIds.add(batch.school.id);
    }
    expect(cities.size).toBe(11);
    expect(cities.has("丽水市")).toBe(true);
    expect(students).toBeGreaterThan(55_000);
    expect(students).toBeLessThan(120_000);
    expect(schoolIds.size).toBeGreaterThan(90);
  });
});

describe("families' time (R12), as in life", () => {
  it("has grandparents at home all day, shift workers free only late or in the morning, and families who said nothing", () => {
    const data = generateCounty({ seed: 1, county: "遂昌县", scale: 0.3 });
    const text = (s: (typeof data.students)[number]) =>
      s.availability.map((w) => `${w.weekdays.join("")} ${w.from}-${w.to}`).join("; ");
    const allDay = data.students.filter(
      (s) => s.livingSituation?.livesWith === "grandparents" && text(s).includes("12345 08:00-20:00"),
    );
    const grandparents = data.students.filter((s) => s.livingSituation?.livesWith === "grandparents");
    expect(allDay.length / grandparents.length).toBeGreaterThan(0.6);
    const lateShift = data.students.filter((s) => text(s) === "12345 21:00-22:30");
    const nightShift = data.students.filter((s) => text(s) === "12345 09:00-15:00");
    expect(lateShift.length / data.students.length).toBeGreaterThan(0.01);
    expect(nightShift.length / data.students.length).toBeGreaterThan(0.01);
    expect(data.students.some((s) => s.availability.length === 0)).toBe(true);
  });
});
