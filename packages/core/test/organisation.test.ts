import {
  bureauStaffSchema,
  citySchema,
  countySchema,
  defaultEntryGrades,
  gradeLabel,
  gradeSchema,
  gradesOf,
  parseInput,
  type SchoolKind,
  safeParseInput,
  schoolClassSchema,
  schoolKinds,
  schoolSchema,
  schoolYearOf,
  schoolYearStart,
  teacherSchema,
} from "@homevisit/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type * as z from "zod";

function issues(schema: z.ZodType, input: unknown): { path: string; code: string }[] {
  const result = safeParseInput(schema, input);
  return result.success ? [] : result.error.issues.map((i) => ({ path: i.path.join("."), code: i.code }));
}

const school = {
  id: "sch-bh",
  cityId: "lishui",
  countyId: "liandu",
  name: "丽水市莲都区碧湖中学",
  kind: "junior",
  setting: "town",
};

describe("grades", () => {
  it.each([
    ["kindergarten", [-2, -1, 0], [-2]],
    ["primary", [1, 2, 3, 4, 5, 6], [1]],
    ["junior", [7, 8, 9], [7]],
    ["senior", [10, 11, 12], [10]],
    ["nine_year", [1, 2, 3, 4, 5, 6, 7, 8, 9], [1]],
    ["twelve_year", [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], [1]],
  ] as [SchoolKind, number[], number[]][])("a %s school teaches %j and takes students at %j", (kind, grades, entry) => {
    expect(gradesOf(kind)).toEqual(grades);
    expect(defaultEntryGrades(kind)).toEqual(entry);
  });

  it("covers every kind of school", () => {
    expect([...schoolKinds].sort()).toEqual(
      ["junior", "kindergarten", "nine_year", "primary", "senior", "twelve_year"].sort(),
    );
  });

  it("accepts grades -2 to 12 only, as integers", () => {
    expect(gradeSchema.safeParse(-2).success).toBe(true);
    expect(gradeSchema.safeParse(12).success).toBe(true);
    expect(gradeSchema.safeParse(-3).success).toBe(false);
    expect(gradeSchema.safeParse(13).success).toBe(false);
    expect(gradeSchema.safeParse(7.5).success).toBe(false);
  });

  it.each([
    [-2, "小班", "Nursery (small class)"],
    [-1, "中班", "Nursery (middle class)"],
    [0, "大班", "Nursery (senior class)"],
    [1, "一年级", "Grade 1"],
    [7, "七年级", "Grade 7"],
    [9, "九年级", "Grade 9"],
    [10, "高一年级", "Grade 10"],
    [12, "高三年级", "Grade 12"],
  ])("labels grade %i as %s / %s", (grade, zh, en) => {
    expect(gradeLabel(grade)).toEqual({ "zh-CN": zh, en });
  });

  it("labels every grade in both languages without gaps (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: -2, max: 12 }), (grade) => {
        const label = gradeLabel(grade);
        expect(label["zh-CN"]).toMatch(/^[\u4e00-\u9fff]+$/);
        expect(label.en).not.toBe("");
      }),
    );
  });
});

describe("school years", () => {
  it("run from 1 September to 31 August", () => {
    expect(schoolYearOf("2026-09-01")).toBe(2026);
    expect(schoolYearOf("2026-08-31")).toBe(2025);
    expect(schoolYearOf("2027-03-01")).toBe(2026);
    expect(schoolYearOf("2026-12-31")).toBe(2026);
    expect(schoolYearStart(2026)).toBe("2026-09-01");
  });

  it("start on the day schoolYearStart names (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 2000, max: 2100 }), (year) => {
        expect(schoolYearOf(schoolYearStart(year))).toBe(year);
        expect(schoolYearOf(`${year}-08-31`)).toBe(year - 1);
      }),
    );
  });
});

describe("citySchema and countySchema", () => {
  it("accept a city and a county", () => {
    expect(issues(citySchema, { id: "lishui", name: "丽水市" })).toEqual([]);
    expect(issues(countySchema, { id: "suichang", cityId: "lishui", name: "遂昌县", setting: "rural" })).toEqual([]);
  });

  it("reject missing names, bad settings, bad ids and unknown keys", () => {
    expect(issues(citySchema, { id: "lishui", name: "" })).toEqual([{ path: "name", code: "too_small" }]);
    expect(issues(countySchema, { id: "x", cityId: "lishui", name: "遂昌县", setting: "mountain" })).toEqual([
      { path: "setting", code: "invalid_value" },
    ]);
    expect(issues(citySchema, { id: "丽水", name: "丽水市" })).toEqual([{ path: "id", code: "invalid_format" }]);
    expect(issues(citySchema, { id: "lishui", name: "丽水市", mayor: "x" })).toEqual([
      { path: "", code: "unrecognized_keys" },
    ]);
  });
});

describe("schoolSchema", () => {
  it("accepts a school with or without entry grades", () => {
    expect(parseInput(schoolSchema, school)).toEqual(school);
    expect(issues(schoolSchema, { ...school, kind: "nine_year", entryGrades: [1, 7], town: "碧湖镇" })).toEqual([]);
  });

  it("rejects entry grades the school does not teach, at their index", () => {
    const result = safeParseInput(schoolSchema, { ...school, entryGrades: [7, 10, 1] });
    expect(result.success).toBe(false);
    if (result.success) return;
    expect(result.error.issues.map((i) => [i.path, i.code])).toEqual([
      [["entryGrades", 1], "grade_not_taught"],
      [["entryGrades", 2], "grade_not_taught"],
    ]);
    expect(result.error.issues[0]?.message.en).toBe("Grade 10 is not taught at a junior school");
  });

  it("rejects an empty entry-grade list, unknown kinds, missing tenant keys and unknown keys", () => {
    expect(issues(schoolSchema, { ...school, entryGrades: [] })).toEqual([{ path: "entryGrades", code: "too_small" }]);
    expect(issues(schoolSchema, { ...school, kind: "university" })).toEqual([{ path: "kind", code: "invalid_value" }]);
    const { countyId: _c, ...withoutCounty } = school;
    expect(issues(schoolSchema, withoutCounty)).toEqual([{ path: "countyId", code: "invalid_type" }]);
    expect(issues(schoolSchema, { ...school, principal: "x" })).toEqual([{ path: "", code: "unrecognized_keys" }]);
  });
});

describe("schoolClassSchema", () => {
  const cls = { id: "c-7-3", schoolId: "sch-bh", grade: 7, name: "七(3)班", schoolYear: 2026, classTeacherId: "t1" };

  it("accepts a class", () => expect(issues(schoolClassSchema, cls)).toEqual([]));

  it("rejects a grade or year out of range and an empty name", () => {
    expect(issues(schoolClassSchema, { ...cls, grade: 13, schoolYear: 1999, name: " " })).toEqual([
      { path: "grade", code: "too_big" },
      { path: "name", code: "too_small" },
      { path: "schoolYear", code: "too_small" },
    ]);
  });
});

describe("teacherSchema", () => {
  const teacher = { id: "t1", schoolId: "sch-bh", name: "陈老师", roles: ["principal", "teacher"] };

  it("fills defaults", () => {
    expect(parseInput(teacherSchema, teacher)).toEqual({ ...teacher, subjects: [], classIds: [] });
  });

  it("accepts the full form with a rare-character name", () => {
    expect(
      issues(teacherSchema, {
        ...teacher,
        name: "王䶮",
        subjects: ["语文"],
        classIds: ["c-7-3"],
        phone: "0578-2123456",
        joinedOn: "2010-09-01",
        leftOn: "2027-07-31",
        termCapacity: 40,
      }),
    ).toEqual([]);
  });

  it.each([
    ["no role", { roles: [] }, "roles", "too_small"],
    ["an unknown role", { roles: ["janitor"] }, "roles.0", "invalid_value"],
    ["a bad phone", { phone: "12345" }, "phone", "invalid_format"],
    ["a negative capacity", { termCapacity: -1 }, "termCapacity", "too_small"],
    ["a name of control characters", { name: "陈\u0007" }, "name", "custom"],
    ["a name too long", { name: "陈".repeat(33) }, "name", "too_big"],
    ["a bad date", { joinedOn: "2010-9-1" }, "joinedOn", "invalid_format"],
  ])("rejects %s", (_name, change, path, code) => {
    expect(issues(teacherSchema, { ...teacher, ...change })).toContainEqual({ path, code });
  });
});

describe("bureauStaffSchema", () => {
  const staff = { id: "b1", name: "周科长", role: "county_bureau", cityId: "lishui", countyId: "liandu" };

  it("accepts county staff with a county and city staff without", () => {
    expect(issues(bureauStaffSchema, staff)).toEqual([]);
    const { countyId: _c, ...city } = staff;
    expect(issues(bureauStaffSchema, { ...city, role: "city_bureau", phone: "13812345678" })).toEqual([]);
  });

  it("needs a county for county staff", () => {
    const { countyId: _c, ...noCounty } = staff;
    const result = safeParseInput(bureauStaffSchema, noCounty);
    expect(result.success).toBe(false);
    if (result.success) return;
    expect(result.error.issues).toEqual([
      {
        path: ["countyId"],
        code: "county_required",
        message: { "zh-CN": "县（市、区）教育局人员必须指定所属县区", en: "County bureau staff need a countyId" },
      },
    ]);
  });

  it("rejects school roles", () => {
    expect(issues(bureauStaffSchema, { ...staff, role: "principal" })).toEqual([
      { path: "role", code: "invalid_value" },
    ]);
  });
});
