import {
  addCatalogIssue,
  defineErrors,
  entityNames,
  entityNamesZh,
  errorCatalog,
  guardianSchema,
  HomevisitError,
  isEntityName,
  isHomevisitError,
  issuesFromZod,
  parseInput,
  safeParseInput,
  schoolSchema,
  studentSchema,
} from "@homevisit/core";
import { storedEntities } from "@homevisit/core/storage";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import * as z from "zod";
import { errorOf } from "./fixtures/errors.js";

const hasChinese = /[\u4e00-\u9fff]/;

describe("the error catalog", () => {
  const entries = Object.entries(errorCatalog);

  it("has stable snake_case codes with an HTTP status and both messages", () => {
    expect(entries.length).toBeGreaterThan(10);
    for (const [code, definition] of entries) {
      expect(code).toMatch(/^[a-z][a-z0-9]*(_[a-z0-9]+)*$/);
      expect(Number.isInteger(definition.status) && definition.status >= 400 && definition.status < 600, code).toBe(
        true,
      );
      expect(definition.message["zh-CN"].trim(), code).not.toBe("");
      expect(definition.message.en.trim(), code).not.toBe("");
    }
  });

  it("uses the same placeholders in both languages (common, domain and visit-plan codes)", () => {
    // Other areas may leave a placeholder out of one language on purpose; these must not.
    const checked = entries.filter(
      ([code]) =>
        code.startsWith("visit_plan_") ||
        [
          "validation_failed",
          "not_found",
          "forbidden",
          "conflict",
          "version_conflict",
          "reserved_key",
          "internal_error",
          "grade_not_taught",
          "county_required",
          "date_range_inverted",
          "enrolments_overlap",
          "primary_guardian_count",
          "alternative_venue_reason_required",
        ].includes(code),
    );
    expect(checked.length).toBeGreaterThanOrEqual(19);
    const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const [code, { message }] of checked) {
      expect(placeholders(message["zh-CN"]), code).toEqual(placeholders(message.en));
    }
  });

  it("keeps the common codes", () => {
    expect(errorCatalog.validation_failed.status).toBe(422);
    expect(errorCatalog.not_found.status).toBe(404);
    expect(errorCatalog.forbidden.status).toBe(403);
    expect(errorCatalog.version_conflict.status).toBe(412);
    expect(errorCatalog.internal_error.status).toBe(500);
  });

  it("defineErrors returns its definitions unchanged", () => {
    const defs = { x_y: { status: 409, message: { "zh-CN": "冲突 {a}", en: "Conflict {a}" } } };
    expect(defineErrors(defs)).toBe(defs);
  });
});

describe("HomevisitError", () => {
  it("fills its messages from the catalog and params", () => {
    const error = new HomevisitError("not_found", { params: { entity: "student" }, path: ["studentId"] });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe("HomevisitError");
    expect(error.code).toBe("not_found");
    expect(error.status).toBe(404);
    expect(error.message).toBe("找不到学生");
    expect(error.messageIn("en")).toBe("The student was not found");
    expect(error.messages).toEqual({ "zh-CN": "找不到学生", en: "The student was not found" });
    expect(error.path).toEqual(["studentId"]);
    expect(error.issues).toEqual([]);
  });

  it("names every stored entity in both locales from the one table", () => {
    for (const [key, entity] of Object.entries(storedEntities)) {
      expect(isEntityName(entity.name), key).toBe(true);
      const error = new HomevisitError("not_found", { params: { entity: entity.name } });
      expect(error.messageIn("zh-CN")).toBe(`找不到${entityNames[entity.name]["zh-CN"]}`);
      expect(error.messageIn("zh-CN")).not.toMatch(/[a-z]/);
      expect(error.messageIn("en")).toContain(entity.name);
    }
    expect(entityNamesZh["visit record"]).toBe("家访记录");
  });

  it("takes its path from the first issue when none is given", () => {
    const issue = { path: ["a", 0], code: "too_small", message: { "zh-CN": "太小", en: "Too small" } };
    expect(new HomevisitError("validation_failed", { issues: [issue] }).path).toEqual(["a", 0]);
    expect(new HomevisitError("forbidden").path).toEqual([]);
  });

  it("serialises without stack, cause or params, in the locale asked for", () => {
    const cause = new Error("db said 13912345678");
    const error = new HomevisitError("conflict", { cause, params: { secret: "x" } });
    expect(error.cause).toBe(cause);
    expect(error.toJSON()).toEqual({
      code: "conflict",
      status: 409,
      message: "与已有数据冲突",
      path: [],
      issues: [],
    });
    expect(error.toJSON("en").message).toBe("This conflicts with existing data");
    expect(JSON.stringify(error)).not.toContain("13912345678");
  });

  it("is recognised across bundle copies, and nothing else is", () => {
    expect(isHomevisitError(new HomevisitError("forbidden"))).toBe(true);
    const copy = Object.assign(new Error("x"), { name: "HomevisitError", code: "forbidden" });
    expect(isHomevisitError(copy)).toBe(true);
    expect(isHomevisitError(new Error("x"))).toBe(false);
    expect(isHomevisitError(Object.assign(new Error("x"), { name: "HomevisitError" }))).toBe(false);
    expect(isHomevisitError({ name: "HomevisitError", code: "forbidden" })).toBe(false);
    expect(isHomevisitError(null)).toBe(false);
    expect(isHomevisitError("forbidden")).toBe(false);
  });
});

describe("parseInput and safeParseInput", () => {
  const guardian = { id: "g1", name: "王芳", relation: "mother", livesWithStudent: true };

  it("return the parsed value with defaults applied", () => {
    expect(parseInput(guardianSchema, guardian)).toEqual({ ...guardian, primary: false, worksAway: false });
    expect(safeParseInput(guardianSchema, guardian)).toEqual({
      success: true,
      data: { ...guardian, primary: false, worksAway: false },
    });
  });

  it("list every problem with its path, code and both messages", () => {
    const result = safeParseInput(guardianSchema, { id: "g 1", name: "", relation: "uncle", extra: 1 });
    expect(result.success).toBe(false);
    if (result.success) return;
    expect(result.error.code).toBe("validation_failed");
    expect(result.error.status).toBe(422);
    expect(result.error.message).toBe("输入数据未通过校验");
    const issues = result.error.issues;
    expect(issues.map((i) => [i.path.join("."), i.code])).toEqual(
      expect.arrayContaining([
        ["id", "invalid_format"],
        ["name", "too_small"],
        ["relation", "invalid_value"],
        ["livesWithStudent", "invalid_type"],
        ["", "unrecognized_keys"],
      ]),
    );
    for (const issue of issues) {
      expect(issue.message["zh-CN"]).toMatch(hasChinese);
      expect(issue.message.en).not.toMatch(hasChinese);
      expect(issue.message.en.length).toBeGreaterThan(3);
    }
  });

  it("prefix paths with the given path", () => {
    const error = errorOf(() =>
      parseInput(guardianSchema, { ...guardian, relation: 3 }, { path: ["body", "guardians", 2] }),
    );
    expect(error.issues[0]?.path).toEqual(["body", "guardians", 2, "relation"]);
    expect(error.path).toEqual(["body", "guardians", 2, "relation"]);
  });

  it("give nested paths with array indexes", () => {
    const error = errorOf(() =>
      parseInput(schoolSchema, {
        id: "s1",
        cityId: "c",
        countyId: "k",
        name: "x",
        kind: "junior",
        setting: "rural",
        entryGrades: [7, 1],
      }),
    );
    expect(error.issues).toEqual([
      {
        path: ["entryGrades", 1],
        code: "grade_not_taught",
        message: { "zh-CN": "junior 学校不设 1 年级", en: "Grade 1 is not taught at a junior school" },
      },
    ]);
  });
});

describe("addCatalogIssue", () => {
  const schema = z.strictObject({ key: z.string() }).superRefine((value, ctx) => {
    if (value.key === "__proto__") addCatalogIssue(ctx, "reserved_key", { key: value.key }, ["key"]);
  });

  it("raises a catalog-coded issue with both messages and a path", () => {
    const error = errorOf(() => parseInput(schema, { key: "__proto__" }));
    expect(error.issues).toEqual([
      {
        path: ["key"],
        code: "reserved_key",
        message: { "zh-CN": "不允许使用保留的键名“__proto__”", en: 'The key "__proto__" is reserved' },
      },
    ]);
  });

  it("gives zod's own message the English text, for callers that use zod directly", () => {
    const result = schema.safeParse({ key: "__proto__" });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe('The key "__proto__" is reserved');
  });

  it("defaults to an empty path and no params", () => {
    const bare = z.string().superRefine((_v, ctx) => addCatalogIssue(ctx, "conflict"));
    expect(errorOf(() => parseInput(bare, "x")).issues).toEqual([
      { path: [], code: "conflict", message: errorCatalog.conflict.message },
    ]);
  });

  it("is passed through by issuesFromZod, with a prefix", () => {
    const result = schema.safeParse({ key: "__proto__" });
    expect(issuesFromZod(result.error?.issues ?? [], ["x"])[0]?.path).toEqual(["x", "key"]);
  });
});

describe("no input value ever reaches an error", () => {
  const marker = "13912345678";
  const address = "丽水市莲都区碧湖镇下南山村 88 号";
  const student = {
    id: "s1",
    schoolId: "sch1",
    name: "李明",
    dateOfBirth: "2013-05-20",
    enrolments: [{ schoolId: "sch1", classId: "c1", grade: 7, from: "2026-09-01", startReason: "entry" }],
    guardians: [{ id: "g1", name: "李华", relation: "father", livesWithStudent: true, phone: marker }],
    address: { county: "莲都区", town: "碧湖镇", village: "下南山村", detail: "88 号" },
    livingSituation: { livesWith: "both_parents" },
  };

  const cases: [string, unknown][] = [
    ["a phone with an extra digit", { ...student, guardians: [{ ...student.guardians[0], phone: `${marker}9` }] }],
    ["a phone in a name that is too long", { ...student, name: `${marker}${"x".repeat(40)}` }],
    ["a phone as an enum value", { ...student, livingSituation: { livesWith: marker } }],
    ["a phone as a number", { ...student, enrolments: [{ ...student.enrolments[0], grade: Number(marker) }] }],
    ["a phone as an id", { ...student, id: `${marker} ` }],
    ["a phone as a date", { ...student, dateOfBirth: marker }],
    ["a phone in an unknown field", { ...student, phone: marker }],
    ["an address in an unknown field", { ...student, address: { ...student.address, street: address } }],
    ["a phone where an object belongs", { ...student, address: marker }],
    [
      "a phone in a note that is too long",
      { ...student, livingSituation: { livesWith: "alone", note: `${marker}${"字".repeat(1000)}` } },
    ],
  ];

  it.each(cases)("%s", (_name, input) => {
    const error = errorOf(() => parseInput(studentSchema, input));
    expect(error.issues.length).toBeGreaterThan(0);
    for (const text of [
      JSON.stringify(error.toJSON()),
      JSON.stringify(error.toJSON("en")),
      JSON.stringify(error.issues),
      error.message,
    ]) {
      expect(text).not.toContain(marker);
      expect(text).not.toContain("下南山村 88");
    }
  });

  it("holds for arbitrary strings put in any field (property)", () => {
    const keys = ["name", "id", "schoolId", "dateOfBirth", "gender"] as const;
    fc.assert(
      fc.property(fc.constantFrom(...keys), fc.string({ minLength: 1, maxLength: 5 }), (key, noise) => {
        const value = `${noise}${marker}${noise}`;
        const result = safeParseInput(studentSchema, { ...student, [key]: value, name: `${"长".repeat(40)}` });
        expect(result.success).toBe(false);
        if (!result.success) expect(JSON.stringify(result.error.toJSON("en"))).not.toContain(marker);
      }),
      { numRuns: 100 },
    );
  });
});
