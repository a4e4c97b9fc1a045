import { HomevisitError, idSchema, parseInput, safeParseInput } from "@homevisit/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import * as z from "zod";

const schema = z.strictObject({
  studentId: idSchema,
  limit: z.int().min(1).max(200),
  note: z
    .string()
    .min(1)
    .max(10)
    .meta({ label: { "zh-CN": "家长意见", en: "Parents' opinion" } }),
  tags: z.array(z.string()).max(2).optional(),
  kind: z.enum(["in_home", "phone"]).optional(),
});

function messages(input: unknown) {
  const result = safeParseInput(schema, input);
  if (result.success) throw new Error("expected a failure");
  return result.error.issues.map((i) => ({ path: i.path.join("."), ...i.message }));
}

describe("validation messages a person can read", () => {
  it("says what was expected, by the field's label, in both languages", () => {
    expect(messages({ studentId: "s-1", limit: "abc", note: "" })).toEqual([
      { path: "limit", "zh-CN": "字段“limit”应为数字", en: "Field “limit” must be a number" },
      { path: "note", "zh-CN": "“家长意见”不能为空", en: "“Parents' opinion” must not be empty" },
    ]);
  });

  it("gives one message for one mistake: an empty id is empty, not also malformed", () => {
    expect(messages({ studentId: "", limit: 1, note: "好" })).toEqual([
      { path: "studentId", "zh-CN": "“学生”不能为空", en: "“Student” must not be empty" },
    ]);
    expect(messages({ studentId: "a b", limit: 1, note: "好" }).map((m) => m.en)).toEqual([
      "“Student” is not in the expected format",
    ]);
  });

  it("tells a missing field from a wrong one and names bounds and choices", () => {
    expect(messages({ limit: 500, note: "好", kind: "visit", tags: ["a", "b", "c"] })).toEqual([
      // An id is named by the words it has everywhere (fieldKeyLabels), not by its key.
      { path: "studentId", "zh-CN": "缺少“学生”", en: "“Student” is required" },
      { path: "limit", "zh-CN": "字段“limit”不能大于 200", en: "Field “limit” must be at most 200" },
      { path: "tags", "zh-CN": "字段“tags”最多 2 项", en: "Field “tags” may have at most 2 items" },
      {
        path: "kind",
        "zh-CN": "字段“kind”应为以下之一：in_home, phone",
        en: "Field “kind” must be one of: in_home, phone",
      },
    ]);
  });

  it("never says 'received undefined' and never repeats a value that was sent (property)", () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.constantFrom("studentId", "limit", "note", "tags", "kind"), fc.anything()),
        (input) => {
          const result = safeParseInput(schema, input);
          if (result.success) return;
          for (const issue of result.error.issues) {
            for (const text of [issue.message["zh-CN"], issue.message.en]) {
              expect(text).not.toMatch(/received|undefined|无效输入/);
              for (const value of Object.values(input)) {
                if (typeof value === "string" && value.length >= 3 && !["in_home", "phone"].includes(value)) {
                  expect(text).not.toContain(value);
                }
              }
            }
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it("throws the typed error from parseInput", () => {
    expect(() => parseInput(schema, null)).toThrow(HomevisitError);
  });
});
