import {
  compileFormTemplate,
  compileLinearPattern,
  defineFormTemplate,
  type FieldDefinitionInput,
  nativeIsLinear,
} from "@homevisit/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

/**
 * The plain checks that validate a form's answers without zod (compiled once per template
 * version, bench/forms) must accept exactly what the template's zod schema accepts, and return
 * what it returns: a value the fast path let through that zod refuses would be stored unchecked.
 * And a pattern run by the native engine must answer as RE2 does, on patterns the engine
 * provably runs in linear time only (RELIABILITY.md promise 9).
 */

const options = ["a", "b", "c"].map((value) => ({ value, label: { "zh-CN": value } }));
const label = { "zh-CN": "问题" };

const fieldArb: fc.Arbitrary<FieldDefinitionInput> = fc.oneof(
  fc.record({
    type: fc.constant("text"),
    maxLength: fc.integer({ min: 1, max: 12 }),
    pattern: fc.constantFrom(undefined, "^\\d{2,4}$", "^[A-Z][a-z]*$", "\\d", "^a*b*$"),
  }),
  fc.record({ type: fc.constant("textarea"), maxLength: fc.integer({ min: 1, max: 12 }) }),
  fc.record({ type: fc.constantFrom("number", "integer"), min: fc.integer({ min: -5, max: 0 }), max: fc.nat(9) }),
  fc.record({ type: fc.constant("rating"), max: fc.integer({ min: 3, max: 10 }) }),
  fc.record({ type: fc.constantFrom("boolean", "phone") }),
  fc.record({ type: fc.constant("date"), min: fc.constantFrom(undefined, "2026-01-01"), max: fc.constant(undefined) }),
  fc.record({ type: fc.constant("time"), min: fc.constant(undefined), max: fc.constantFrom(undefined, "18:00") }),
  fc.record({ type: fc.constantFrom("select", "multiselect"), options: fc.constant(options) }),
  fc.record({ type: fc.constant("photo"), maxCount: fc.integer({ min: 1, max: 3 }) }),
) as unknown as fc.Arbitrary<FieldDefinitionInput>;

// Values near each type's edges (well-formed and malformed dates, times, phones, photo refs…),
// weighted so that each field meets its own type's edge cases often.
const valueArb: fc.Arbitrary<unknown> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.constantFrom(
      "2026-02-29",
      "2028-02-29",
      "2026-13-01",
      "2025-12-31",
      "2026-10-08",
      "23:59",
      "24:00",
      "7:30",
      "17:30",
      "13800000000",
      "12800000000",
      "0578-2123456",
      "+85291234567",
      "12",
      "1234",
      "Ab",
      "A",
      "aab",
      "ba",
      "x\u0007",
      "",
      "a",
      "b",
      "z",
    ),
  },
  fc.string({ maxLength: 14 }),
  fc.integer({ min: -8, max: 12 }),
  fc.double({ noNaN: false }),
  fc.boolean(),
  fc.constantFrom(null, undefined, Number.NaN, 2 ** 60),
  fc.array(fc.constantFrom("a", "b", "c", "d"), { maxLength: 4 }),
  fc.array(
    fc.oneof(
      fc.record({ blobId: fc.constantFrom("b-1", "", "a b") }),
      fc.record({ blobId: fc.constant("b-2"), caption: fc.string({ maxLength: 3 }) }),
      fc.record({ blobId: fc.constant("b-3"), extra: fc.constant(1) }),
    ),
    { maxLength: 4 },
  ),
);

const formArb: fc.Arbitrary<FieldDefinitionInput[]> = fc
  .array(fc.tuple(fieldArb, fc.boolean()), { minLength: 1, maxLength: 6 })
  .map((specs) =>
    specs.map(([spec, required], i) => ({ ...spec, key: `f${i}`, label, required }) as FieldDefinitionInput),
  )
  .chain((fields) =>
    // The last field may show only when the first is answered: hidden values are dropped.
    fc
      .boolean()
      .map((conditional) =>
        conditional && fields.length > 1
          ? fields.map((f, i) => (i === fields.length - 1 ? { ...f, showIf: { field: "f0", notEmpty: true } } : f))
          : fields,
      ),
  );

/** Values a field of this type meets: mostly its own type's edge cases, sometimes anything. */
function nearArb(field: FieldDefinitionInput): fc.Arbitrary<unknown> {
  const own: Record<string, unknown[]> = {
    text: ["12", "1234", "Ab", "A", "aab", "ba", "", "x\u0007", "一二三"],
    textarea: ["a\nb", "a\tb", "x\u0007", "", "一二三四五六七八九十一二三"],
    number: [0, -5, 9, 1.5, 10, -6, Number.NaN, Number.POSITIVE_INFINITY],
    integer: [0, -5, 9, 1.5, 10, -6, 2 ** 60],
    rating: [0, 1, 3, 10, 11, 2.5],
    boolean: [true, false, "true", 0],
    phone: ["13800000000", "12800000000", "0578-2123456", "+85291234567", "+123", "1380000000"],
    date: ["2026-02-29", "2028-02-29", "2026-13-01", "2025-12-31", "2026-01-01", "2026-10-08", "2026-1-8"],
    time: ["23:59", "24:00", "7:30", "17:30", "18:00", "18:01", "00:00"],
    select: ["a", "b", "d", ["a"]],
    multiselect: [["a"], ["a", "b"], ["a", "a"], [], ["d"], "a", ["a", "b", "c"]],
    photo: [[], [{ blobId: "b-1" }], [{ blobId: "b-1", caption: "门口" }], [{ blobId: "" }], [{ blobId: "b", x: 1 }]],
  };
  return fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...(own[field.type] ?? [null])) }, valueArb);
}

let counter = 0;
function compiledOf(fields: FieldDefinitionInput[]) {
  counter += 1;
  return compileFormTemplate(
    defineFormTemplate({
      id: `fast-${counter}`,
      version: 1,
      scope: { level: "school", id: "sch-1" },
      name: label,
      fields,
      status: "published",
      createdAt: "2026-09-01T08:00:00+08:00",
    }),
  );
}

describe("the fast path of custom answers agrees with zod", () => {
  it("accepts exactly what the zod schema accepts, with the same output, complete and draft", () => {
    fc.assert(
      fc.property(
        formArb.chain((fields) =>
          fc.tuple(
            fc.constant(fields),
            fc.array(fc.tuple(...fields.map((f) => nearArb(f))), { minLength: 1, maxLength: 6 }),
          ),
        ),
        ([fields, rows]) => {
          const compiled = compiledOf(fields);
          for (const row of rows) {
            const values = Object.fromEntries(fields.map((f, i) => [f.key, row[i]]).filter(([, v]) => v !== undefined));
            for (const partial of [false, true]) {
              const quick = compiled.safeParse(values, { partial });
              const zod = (partial ? compiled.draftSchema : compiled.schema).safeParse(values);
              expect([partial, values, quick.success]).toEqual([partial, values, zod.success]);
              if (quick.success && zod.success) expect(quick.data).toEqual(zod.data);
            }
          }
        },
      ),
      { numRuns: 400 },
    );
  });

  it("keeps zod's codes for a value the fast path refuses (date, time, phone)", () => {
    const compiled = compiledOf([
      { type: "date", key: "d", label, max: "2026-12-31" },
      { type: "time", key: "t", label },
      { type: "phone", key: "p", label },
    ] as FieldDefinitionInput[]);
    const result = compiled.safeParse({ d: "2027-01-01", t: "25:00", p: "12" }, { path: ["customFields", "values"] });
    expect(result.success).toBe(false);
    if (result.success) return;
    const issues = result.error.issues?.map((i) => [i.path.join("."), i.code]);
    expect(issues).toEqual([
      ["customFields.values.d", "custom_field_out_of_range"],
      ["customFields.values.t", expect.any(String)],
      ["customFields.values.p", expect.any(String)],
    ]);
  });
});

describe("patterns the native engine runs", () => {
  it("are anchored, without groups, with at most one atom repeated a varying number of times", () => {
    for (const p of [
      "^1[3-9]\\d{9}$",
      "^[\\u4e00-\\u9fa5]{2,10}$",
      "^\\p{Script=Han}+$",
      "^a\\.b{3}c?$",
      "^x{2,2}y*$",
    ]) {
      expect([p, nativeIsLinear(p)]).toEqual([p, true]);
    }
    for (const p of [
      "^\\d*\\d*\\d*\\d*\\d*\\d*!$",
      "\\d+$",
      "^(a+)+$",
      "^a|b$",
      "^a*b?$",
      "^a{1,}b{2,3}$",
      "^(\\d)\\1$",
      "^a$b",
    ]) {
      expect([p, nativeIsLinear(p)]).toEqual([p, false]);
    }
  });

  it("answer as RE2 does on generated patterns and texts", () => {
    const atomArb = fc.constantFrom("a", "b", "\\d", "[a-c]", ".", "\\s", "\\u4e00", "[^a]", "\\.", "\\p{Script=Han}");
    const quantArb = fc.constantFrom("", "", "{2}", "*", "+", "?", "{1,3}", "{2,}", "*?");
    const patternArb = fc
      .array(fc.tuple(atomArb, quantArb), { minLength: 1, maxLength: 5 })
      .map((parts) => `^${parts.map(([a, q]) => a + q).join("")}${parts.length % 2 ? "$" : ""}`)
      .filter(nativeIsLinear);
    const textArb = fc.string({
      unit: fc.constantFrom("a", "b", "c", "1", " ", "一", "\u3000", ".", "\n"),
      maxLength: 8,
    });
    fc.assert(
      fc.property(patternArb, fc.array(textArb, { minLength: 1, maxLength: 6 }), (pattern, texts) => {
        const compiled = compileLinearPattern(pattern);
        for (const text of texts) {
          // Bytes always run in RE2; a string runs natively for these patterns.
          const re2 = compiled.test(new TextEncoder().encode(text));
          expect([pattern, text, compiled.test(text)]).toEqual([pattern, text, re2]);
        }
      }),
      { numRuns: 800 },
    );
  });
});
