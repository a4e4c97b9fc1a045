import {
  actorSchema,
  isHomevisitError,
  isParsedActor,
  parseActor,
  parseInput,
  type Student,
  safeParseActor,
  toStudentSummary,
} from "@homevisit/core";
import { describe, expect, it } from "vitest";

/**
 * The actor check (RELIABILITY.md promise 2) and the masked list view (promise 3), edge by edge:
 * which issue a missing tenant key raises, what marks an actor as already checked (and what does
 * not), and a summary of a student without a current class or a guardian's phone. Written to
 * kill the mutants of `pnpm run mutation` (docs/quality.md).
 */

const teacher = { id: "t-1", roles: ["teacher"], cityId: "lishui", countyId: "liandu", schoolId: "s-01" };

const issuesOf = (input: unknown) => {
  try {
    parseActor(input);
    return [];
  } catch (error) {
    if (!isHomevisitError(error)) throw error;
    return error.issues.map((i) => ({ path: i.path, code: i.code, en: i.message.en }));
  }
};

describe("actorSchema: a missing tenant key is a missing string field", () => {
  it.each([
    [{ ...teacher, schoolId: undefined }, "schoolId", "School"],
    [{ ...teacher, countyId: undefined }, "countyId", "County"],
    [{ id: "k-1", roles: ["county_bureau"], cityId: "lishui" }, "countyId", "County"],
  ])("%j lacks %s", (input, field, words) => {
    expect(issuesOf(input)).toEqual([{ path: ["actor", field], code: "invalid_type", en: `“${words}” is required` }]);
  });

  it("zod's own issue, for hosts that call actorSchema.safeParse, says a string was expected", () => {
    for (const [input, field] of [
      [{ ...teacher, schoolId: undefined }, "schoolId"],
      [{ ...teacher, countyId: undefined }, "countyId"],
      [{ id: "k-1", roles: ["county_bureau"], cityId: "lishui" }, "countyId"],
    ] as const) {
      expect(actorSchema.safeParse(input).error?.issues).toEqual([
        expect.objectContaining({ code: "invalid_type", expected: "string", path: [field] }),
      ]);
    }
  });

  it("the same through parseInput without a prefix", () => {
    try {
      parseInput(actorSchema, { ...teacher, schoolId: undefined });
      expect.unreachable("accepted");
    } catch (error) {
      if (!isHomevisitError(error)) throw error;
      expect(error.issues.map((i) => [i.path, i.code])).toEqual([[["schoolId"], "invalid_type"]]);
    }
  });
});

describe("parsed actors", () => {
  it("parseActor freezes the actor and its roles and marks it, without an enumerable key", () => {
    const actor = parseActor({ ...teacher });
    expect(Object.isFrozen(actor)).toBe(true);
    expect(Object.isFrozen(actor.roles)).toBe(true);
    expect(isParsedActor(actor)).toBe(true);
    expect(Object.keys(actor)).toEqual(["id", "roles", "cityId", "countyId", "schoolId"]);
    expect(JSON.parse(JSON.stringify(actor))).toEqual(teacher);
    const mark = Symbol.for("homevisit.parsedActor");
    expect(Object.getOwnPropertyDescriptor(actor, mark)).toMatchObject({ value: true, enumerable: false });
    // A parsed actor is answered as it is, by both functions.
    expect(parseActor(actor)).toBe(actor);
    expect(safeParseActor(actor)).toBe(actor);
  });

  it("the mark is the registered symbol, so another build of core recognises it", () => {
    const foreign = Object.freeze(
      Object.defineProperty({ ...teacher }, Symbol.for("homevisit.parsedActor"), { value: true }),
    );
    expect(isParsedActor(foreign)).toBe(true);
    expect(parseActor(foreign)).toBe(foreign);
  });

  it("nothing else counts as parsed: plain, unfrozen, unmarked, falsely marked or not an object", () => {
    const mark = Symbol.for("homevisit.parsedActor");
    expect(isParsedActor({ ...teacher })).toBe(false);
    expect(isParsedActor(Object.freeze({ ...teacher }))).toBe(false);
    expect(isParsedActor(Object.defineProperty({ ...teacher }, mark, { value: true }))).toBe(false);
    expect(isParsedActor(Object.freeze(Object.defineProperty({ ...teacher }, mark, { value: "true" })))).toBe(false);
    expect(
      isParsedActor(
        Object.freeze(Object.defineProperty({ ...teacher }, Symbol("homevisit.parsedActor"), { value: true })),
      ),
    ).toBe(false);
    for (const value of [null, undefined, "actor", 1, () => teacher]) expect(isParsedActor(value)).toBe(false);
    // A frozen function carrying the mark is not an actor object.
    const fn = Object.freeze(Object.defineProperty(() => 1, mark, { value: true }));
    expect(isParsedActor(fn)).toBe(false);
    // An unmarked look-alike is checked again: a changed role is caught.
    expect(issuesOf({ ...teacher, roles: ["root"] })[0]?.path).toEqual(["actor", "roles", 0]);
  });

  it("safeParseActor answers undefined for an invalid actor and a marked, frozen actor for a valid one", () => {
    expect(safeParseActor({ ...teacher, schoolId: undefined })).toBeUndefined();
    expect(safeParseActor(null)).toBeUndefined();
    const actor = safeParseActor({ ...teacher });
    expect(actor && isParsedActor(actor)).toBe(true);
    expect(actor).toEqual(teacher);
  });
});

describe("toStudentSummary without a current class or a phone", () => {
  const student = {
    id: "s-001",
    schoolId: "s-01",
    name: "李䶮",
    birthDate: "2013-03-01",
    gender: "female",
    address: { county: "莲都区", town: "老竹畲族镇", village: "沙溪村", detail: "12号", remote: false },
    guardians: [
      { name: "李强", relation: "father", primary: true },
      { name: "王芳", relation: "mother", phone: "13812345678", primary: false },
    ],
    enrolments: [{ schoolId: "s-01", classId: "7-3", grade: 7, from: "2025-09-01", to: "2026-06-30" }],
  } as unknown as Student;

  it("a student who left has no class or grade; a guardian without a phone has none", () => {
    expect(toStudentSummary(student, [], "2026-10-01")).toEqual({
      id: "s-001",
      schoolId: "s-01",
      name: "李䶮",
      classId: undefined,
      grade: undefined,
      address: { county: "莲都区", town: "老竹畲族镇", village: "沙溪村" },
      guardians: [
        { relation: "father", phone: undefined, primary: true },
        { relation: "mother", phone: "138****5678", primary: false },
      ],
      priority: false,
    });
    expect(toStudentSummary(student, [], "2026-01-10")).toMatchObject({ classId: "7-3", grade: 7 });
  });
});
