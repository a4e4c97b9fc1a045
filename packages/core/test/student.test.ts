import {
  addDays,
  ageOn,
  availabilityWindowSchema,
  currentEnrolment,
  enrolmentSchema,
  guardianSchema,
  homeAddressSchema,
  isUnder14,
  parseInput,
  personNameSchema,
  phoneSchema,
  type StudentInput,
  safeParseInput,
  studentSchema,
} from "@homevisit/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type * as z from "zod";

function issues(schema: z.ZodType, input: unknown): { path: string; code: string }[] {
  const result = safeParseInput(schema, input);
  return result.success ? [] : result.error.issues.map((i) => ({ path: i.path.join("."), code: i.code }));
}

const student: StudentInput = {
  id: "stu-1",
  schoolId: "sch-1",
  name: "李明",
  dateOfBirth: "2013-05-20",
  enrolments: [
    {
      schoolId: "sch-1",
      classId: "c-7-3",
      grade: 7,
      from: "2026-09-01",
      to: "2027-08-31",
      startReason: "entry",
      endReason: "promotion",
    },
    { schoolId: "sch-1", classId: "c-8-3", grade: 8, from: "2027-09-01", startReason: "promotion" },
  ],
  guardians: [
    { id: "g-1", name: "李华", relation: "father", phone: "13812345678", livesWithStudent: false, worksAway: true },
    { id: "g-2", name: "张兰", relation: "paternal_grandmother", livesWithStudent: true, primary: true },
  ],
  address: { county: "遂昌县", town: "王村口镇", village: "桥东村", detail: "12 号", travelMinutes: 50 },
  livingSituation: { livesWith: "grandparents", parentsAway: "both" },
  availability: [{ weekdays: [6, 7], from: "09:00", to: "11:30" }],
};

describe("studentSchema", () => {
  it("accepts a student and fills defaults", () => {
    const parsed = parseInput(studentSchema, { ...student, availability: undefined });
    expect(parsed.availability).toEqual([]);
    expect(parsed.guardians[0]?.primary).toBe(false);
    expect(parsed.guardians[1]?.worksAway).toBe(false);
    expect(parsed.address.remote).toBe(false);
    expect(parsed.livingSituation).toEqual({ livesWith: "grandparents", parentsAway: "both" });
    expect(
      parseInput(studentSchema, { ...student, livingSituation: { livesWith: "both_parents" } }).livingSituation,
    ).toEqual({ livesWith: "both_parents", parentsAway: "none" });
  });

  it("accepts rare characters in names and trims them", () => {
    const parsed = parseInput(studentSchema, { ...student, name: " 王䶮𠀀 " });
    expect(parsed.name).toBe("王䶮𠀀");
  });

  it("rejects an enrolment that ends before it starts, at its path", () => {
    const enrolments = [{ ...student.enrolments[0], to: "2026-08-31" }];
    expect(issues(studentSchema, { ...student, enrolments })).toEqual([
      { path: "enrolments.0.to", code: "date_range_inverted" },
    ]);
  });

  it("rejects overlapping enrolments at the later one, whatever their order", () => {
    const [first, second] = student.enrolments;
    if (!first || !second) throw new Error("fixture");
    expect(issues(studentSchema, { ...student, enrolments: [second, { ...first, to: "2027-09-01" }] })).toEqual([
      { path: "enrolments.0", code: "enrolments_overlap" },
    ]);
    expect(issues(studentSchema, { ...student, enrolments: [{ ...first, to: undefined }, second] })).toEqual([
      { path: "enrolments.1", code: "enrolments_overlap" },
    ]);
    // Back to back is fine.
    expect(issues(studentSchema, { ...student, enrolments: [first, { ...second, from: "2027-09-01" }] })).toEqual([]);
  });

  it("rejects two primary guardians", () => {
    const guardians = student.guardians.map((g) => ({ ...g, primary: true }));
    const result = safeParseInput(studentSchema, { ...student, guardians });
    expect(result.success).toBe(false);
    if (result.success) return;
    expect(result.error.issues.map((i) => [i.path, i.code])).toEqual([[["guardians"], "primary_guardian_count"]]);
    expect(result.error.issues[0]?.message["zh-CN"]).toBe("主要监护人最多只能有一位");
  });

  it.each([
    ["no enrolment", { enrolments: [] }, "enrolments", "too_small"],
    ["no guardian", { guardians: [] }, "guardians", "too_small"],
    ["a bad birth date", { dateOfBirth: "2013-02-30" }, "dateOfBirth", "invalid_format"],
    ["an unknown gender", { gender: "x" }, "gender", "invalid_value"],
    ["an empty name", { name: "  " }, "name", "too_small"],
    [
      "an unknown living arrangement",
      { livingSituation: { livesWith: "neighbours" } },
      "livingSituation.livesWith",
      "invalid_value",
    ],
    ["an unknown key", { password: "x" }, "", "unrecognized_keys"],
    [
      "a grade out of range",
      { enrolments: [{ ...student.enrolments[1], grade: 13 }] },
      "enrolments.0.grade",
      "too_big",
    ],
    [
      "an unknown start reason",
      { enrolments: [{ ...student.enrolments[1], startReason: "moved" }] },
      "enrolments.0.startReason",
      "invalid_value",
    ],
  ])("rejects %s", (_name, change, path, code) => {
    expect(issues(studentSchema, { ...student, ...change })).toContainEqual({ path, code });
  });
});

describe("enrolmentSchema", () => {
  it("accepts a current period and a closed one", () => {
    expect(issues(enrolmentSchema, student.enrolments[1])).toEqual([]);
    expect(issues(enrolmentSchema, { ...student.enrolments[1], to: "2027-09-01", endReason: "transfer_out" })).toEqual(
      [],
    );
  });

  it("rejects an unknown end reason", () => {
    expect(issues(enrolmentSchema, { ...student.enrolments[1], endReason: "expelled" })).toEqual([
      { path: "endReason", code: "invalid_value" },
    ]);
  });
});

describe("guardianSchema and homeAddressSchema", () => {
  it("need the relation and whether the guardian lives with the child", () => {
    expect(issues(guardianSchema, { id: "g", name: "王芳" })).toEqual([
      { path: "relation", code: "invalid_value" },
      { path: "livesWithStudent", code: "invalid_type" },
    ]);
  });

  it("accept an address and reject bad coordinates and travel times", () => {
    expect(issues(homeAddressSchema, { ...student.address, coordinates: { lat: 28.45, lng: 119.92 } })).toEqual([]);
    expect(
      issues(homeAddressSchema, { ...student.address, coordinates: { lat: 91, lng: 0 }, travelMinutes: -5 }),
    ).toEqual([
      { path: "coordinates.lat", code: "too_big" },
      { path: "travelMinutes", code: "too_small" },
    ]);
    expect(issues(homeAddressSchema, { county: "遂昌县", town: "", village: "桥东村" })).toEqual([
      { path: "town", code: "too_small" },
    ]);
  });
});

describe("phoneSchema and personNameSchema", () => {
  it.each([
    "13812345678",
    "19912345678",
    "0578-2123456",
    "05782123456",
    "010-12345678",
    "0578-2123456-123",
    "+85291234567",
  ])("accepts %s", (phone) => expect(phoneSchema.safeParse(phone).success).toBe(true));

  it.each(["12812345678", "1381234567", "138123456789", "138 1234 5678", "2123456", "+12", "", "tel:13812345678"])(
    "rejects %j",
    (phone) => expect(phoneSchema.safeParse(phone).success).toBe(false),
  );

  it("rejects control characters and names over 32 characters", () => {
    expect(personNameSchema.safeParse("李\u0000明").success).toBe(false);
    expect(personNameSchema.safeParse("李".repeat(32)).success).toBe(true);
    expect(personNameSchema.safeParse("李".repeat(33)).success).toBe(false);
  });
});

describe("availabilityWindowSchema", () => {
  it("accepts a window and rejects one that ends before it starts", () => {
    expect(issues(availabilityWindowSchema, { weekdays: [1, 3], from: "18:30", to: "20:00" })).toEqual([]);
    expect(issues(availabilityWindowSchema, { weekdays: [1], from: "20:00", to: "20:00" })).toEqual([
      { path: "to", code: "date_range_inverted" },
    ]);
  });

  it("rejects bad weekdays and times", () => {
    expect(issues(availabilityWindowSchema, { weekdays: [0, 8], from: "24:00", to: "7:00" })).toEqual([
      { path: "weekdays.0", code: "too_small" },
      { path: "weekdays.1", code: "too_big" },
      { path: "from", code: "invalid_format" },
      { path: "to", code: "invalid_format" },
    ]);
    expect(issues(availabilityWindowSchema, { weekdays: [], from: "09:00", to: "10:00" })).toEqual([
      { path: "weekdays", code: "too_small" },
    ]);
  });
});

describe("currentEnrolment", () => {
  const parsed = parseInput(studentSchema, student);
  it("finds the period in force, both ends included", () => {
    expect(currentEnrolment(parsed, "2026-08-31")).toBeUndefined();
    expect(currentEnrolment(parsed, "2026-09-01")?.classId).toBe("c-7-3");
    expect(currentEnrolment(parsed, "2027-08-31")?.classId).toBe("c-7-3");
    expect(currentEnrolment(parsed, "2027-09-01")?.classId).toBe("c-8-3");
    expect(currentEnrolment(parsed, "2035-01-01")?.classId).toBe("c-8-3");
  });
});

describe("ageOn and isUnder14", () => {
  it("counts whole years, turning on the birthday", () => {
    expect(ageOn("2013-05-20", "2027-05-19")).toBe(13);
    expect(ageOn("2013-05-20", "2027-05-20")).toBe(14);
    expect(ageOn("2013-05-20", "2013-05-20")).toBe(0);
    expect(isUnder14("2013-05-20", "2027-05-19")).toBe(true);
    expect(isUnder14("2013-05-20", "2027-05-20")).toBe(false);
  });

  it("lets a 29 February child turn a year older on 1 March in common years", () => {
    expect(ageOn("2012-02-29", "2026-02-28")).toBe(13);
    expect(ageOn("2012-02-29", "2026-03-01")).toBe(14);
    expect(ageOn("2012-02-29", "2028-02-29")).toBe(16);
  });

  const dateArb = fc
    .date({ min: new Date("2000-01-01T00:00:00Z"), max: new Date("2030-12-31T00:00:00Z"), noInvalidDate: true })
    .map((d) => d.toISOString().slice(0, 10));

  it("never decreases and grows by at most one a day (property)", () => {
    fc.assert(
      fc.property(dateArb, fc.integer({ min: 0, max: 8000 }), (dob, offset) => {
        const date = addDays(dob, offset);
        const age = ageOn(dob, date);
        const next = ageOn(dob, addDays(date, 1));
        expect(age).toBeGreaterThanOrEqual(0);
        expect(next - age === 0 || next - age === 1).toBe(true);
        expect(Math.abs(age - offset / 365.25)).toBeLessThan(1);
      }),
      { numRuns: 500 },
    );
  });
});
