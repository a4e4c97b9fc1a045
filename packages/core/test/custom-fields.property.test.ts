import {
  addDays,
  type CustomFieldValue,
  checkPattern,
  compileFormTemplate,
  defineFormTemplate,
  type FieldDefinition,
  type FieldDefinitionInput,
  type FormTemplate,
  isHomevisitError,
  reservedFieldKeys,
} from "@homevisit/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

/**
 * Property-based tests of custom fields: generated definitions are accepted, values generated
 * from a definition are accepted unchanged, and one mutated value is rejected with exactly
 * that field's path. Seeds print on failure (fast-check's default).
 */

const prefix = ["customFields", "values"] as const;

const keyArb = fc.stringMatching(/^[a-z][a-zA-Z0-9_]{0,12}$/).filter((key) => !reservedFieldKeys.has(key));
const labelArb = fc.record(
  {
    "zh-CN": fc.constantFrom("爱好", "家庭语言", "住房", "兄弟姐妹", "返乡日期", "Rating"),
    en: fc.constantFrom("Hobby", "Languages", "Housing"),
  },
  { requiredKeys: ["zh-CN"] },
);
const sensitivityArb = fc.constantFrom("public", "internal", "personal", "sensitive");

// Patterns with a generator of matching strings of length 1–6 (the text bounds below leave room).
const patterns: { pattern: string; arb: fc.Arbitrary<string> }[] = [
  { pattern: "^\\d+$", arb: fc.stringMatching(/^\d{1,6}$/) },
  { pattern: "^[A-Z]{2}\\d{2}$", arb: fc.stringMatching(/^[A-Z]{2}\d{2}$/) },
  {
    pattern: "^\\p{Script=Han}+$",
    arb: fc.string({ unit: fc.constantFrom("家", "访", "丽", "水"), minLength: 1, maxLength: 6 }),
  },
];

// One UTF-16 unit per character so that generated lengths agree with zod's lengths.
const charArb = fc.constantFrom("a", "Z", "0", " ", "家", "访", "，", "-", "_", "x");
const dayArb = fc.integer({ min: 0, max: 20_000 }).map((n) => addDays("1990-01-01", n));
const minuteArb = fc.integer({ min: 0, max: 1439 });
const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;
const orderedPair = <T>(arb: fc.Arbitrary<T>) =>
  fc.tuple(arb, arb).map(([a, b]) => (a <= b ? ([a, b] as const) : ([b, a] as const)));
const optionsArb = fc
  .uniqueArray(fc.stringMatching(/^[a-z][a-z0-9_]{0,8}$/), { minLength: 1, maxLength: 6 })
  .chain((values) => fc.tuple(...values.map((value) => labelArb.map((label) => ({ value, label })))));

/** The type-specific part of a definition. */
const specificArb: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  fc
    .record({
      bounds: orderedPair(fc.integer({ min: 0, max: 40 })),
      pattern: fc.option(fc.nat(patterns.length - 1), { nil: undefined }),
    })
    .map(({ bounds: [min, max], pattern }) =>
      pattern === undefined
        ? { type: "text", minLength: min, maxLength: max + 1 }
        : {
            type: "text",
            minLength: Math.min(min, 1),
            maxLength: Math.max(max, 6),
            pattern: patterns[pattern]?.pattern,
          },
    ),
  orderedPair(fc.integer({ min: 0, max: 300 })).map(([min, max]) => ({
    type: "textarea",
    minLength: min,
    maxLength: max + 1,
  })),
  fc
    .option(orderedPair(fc.double({ min: -1e6, max: 1e6, noNaN: true }).map((x) => (x === 0 ? 0 : x))), {
      nil: undefined,
    })
    .map((b) => (b ? { type: "number", min: b[0], max: b[1] } : { type: "number" })),
  fc
    .option(orderedPair(fc.integer({ min: -1e6, max: 1e6 })), { nil: undefined })
    .map((b) => (b ? { type: "integer", min: b[0], max: b[1] } : { type: "integer" })),
  fc.constant({ type: "boolean" }),
  fc
    .option(orderedPair(dayArb), { nil: undefined })
    .map((b) => (b ? { type: "date", min: b[0], max: b[1] } : { type: "date" })),
  fc
    .option(orderedPair(minuteArb), { nil: undefined })
    .map((b) => (b ? { type: "time", min: hhmm(b[0]), max: hhmm(b[1]) } : { type: "time" })),
  optionsArb.map((options) => ({ type: "select", options })),
  optionsArb.chain((options) =>
    orderedPair(fc.integer({ min: 0, max: options.length })).map(([minItems, maxItems]) => ({
      type: "multiselect",
      options,
      minItems,
      maxItems: Math.max(maxItems, 1),
    })),
  ),
  fc.constant({ type: "phone" }),
  fc.integer({ min: 1, max: 5 }).map((maxCount) => ({ type: "photo", maxCount })),
  fc.integer({ min: 2, max: 10 }).map((max) => ({ type: "rating", max })),
);

const definitionsArb: fc.Arbitrary<FieldDefinitionInput[]> = fc
  .uniqueArray(
    fc.record({
      key: keyArb,
      label: labelArb,
      required: fc.boolean(),
      sensitivity: sensitivityArb,
      specific: specificArb,
    }),
    { minLength: 1, maxLength: 8, selector: (d) => d.key },
  )
  .map((defs) =>
    defs.map(({ specific, ...common }) => ({ ...common, ...specific }) as unknown as FieldDefinitionInput),
  );

const templateArb: fc.Arbitrary<FormTemplate> = definitionsArb.map((fields) =>
  defineFormTemplate({
    // A fresh id per template keeps the compile cache honest across runs.
    id: `t-${Math.random().toString(36).slice(2, 10)}`,
    version: 1,
    scope: { level: "school", id: "s1" },
    name: { "zh-CN": "生成的模板" },
    status: "published",
    createdAt: "2026-09-01T08:00:00+08:00",
    fields,
  }),
);

/** A valid value for a (shown) field. */
function valueArb(field: FieldDefinition): fc.Arbitrary<CustomFieldValue> {
  switch (field.type) {
    case "text":
    case "textarea": {
      const max = field.maxLength ?? (field.type === "text" ? 200 : 2000);
      const min = Math.max(field.minLength ?? 0, field.required ? 1 : 0);
      const matching = field.type === "text" ? patterns.find((p) => p.pattern === field.pattern) : undefined;
      if (matching) return matching.arb.filter((s) => s.length >= min && s.length <= max);
      return fc.string({ unit: charArb, minLength: min, maxLength: max });
    }
    case "number":
      return fc.double({ min: field.min ?? -1e9, max: field.max ?? 1e9, noNaN: true }).map((x) => (x === 0 ? 0 : x));
    case "integer":
      return fc.integer({ min: field.min ?? -1e9, max: field.max ?? 1e9 });
    case "boolean":
      return fc.boolean();
    case "date":
      return dayArb.filter(
        (d) => (field.min === undefined || d >= field.min) && (field.max === undefined || d <= field.max),
      );
    case "time":
      return minuteArb
        .map(hhmm)
        .filter((t) => (field.min === undefined || t >= field.min) && (field.max === undefined || t <= field.max));
    case "select":
      return fc.constantFrom(...field.options.map((o) => o.value));
    case "multiselect": {
      const values = field.options.map((o) => o.value);
      const min = Math.max(field.minItems ?? 0, field.required ? 1 : 0);
      return fc.subarray(values, { minLength: min, maxLength: Math.max(min, field.maxItems ?? values.length) });
    }
    case "phone":
      return fc.oneof(
        fc.stringMatching(/^1[3-9]\d{9}$/),
        fc.stringMatching(/^0\d{2,3}-\d{7,8}$/),
        fc.stringMatching(/^\+\d{6,15}$/),
      );
    case "photo":
      return fc.array(
        fc.record(
          {
            blobId: fc.stringMatching(/^[A-Za-z0-9_.:-]{1,20}$/),
            caption: fc.string({ unit: charArb, maxLength: 30 }),
          },
          { requiredKeys: ["blobId"] },
        ),
        { minLength: field.required ? 1 : 0, maxLength: field.maxCount },
      );
    case "rating":
      return fc.integer({ min: 1, max: field.max });
  }
}

/** Values for every field of a template without show-if: required ones always, others maybe. */
function valuesArb(template: FormTemplate): fc.Arbitrary<Record<string, CustomFieldValue>> {
  const entries = template.fields.map((field) =>
    fc.tuple(fc.constant(field.key), field.required ? valueArb(field) : fc.option(valueArb(field), { nil: undefined })),
  );
  return fc
    .tuple(...entries)
    .map((pairs) => Object.fromEntries(pairs.filter(([, v]) => v !== undefined)) as Record<string, CustomFieldValue>);
}

/** Ways to make a field's value invalid; each must be rejected at that field's path. */
function mutationsOf(field: FieldDefinition, valid: CustomFieldValue | undefined): { name: string; value: unknown }[] {
  const wrongType = ["text", "textarea", "date", "time", "select", "phone"].includes(field.type)
    ? 42
    : field.type === "boolean"
      ? "yes"
      : field.type === "multiselect" || field.type === "photo"
        ? "x"
        : "1";
  const out: { name: string; value: unknown }[] = [
    { name: "wrong type", value: wrongType },
    { name: "null", value: null },
    { name: "object", value: { nested: true } },
  ];
  switch (field.type) {
    case "text":
    case "textarea":
      out.push({ name: "too long", value: "a".repeat((field.maxLength ?? 2000) + 1) });
      if ((field.minLength ?? 0) > 1) out.push({ name: "too short", value: "a" });
      break;
    case "number":
      if (field.max !== undefined) out.push({ name: "above max", value: field.max + Math.max(1, Math.abs(field.max)) });
      if (field.min !== undefined) out.push({ name: "below min", value: field.min - Math.max(1, Math.abs(field.min)) });
      out.push({ name: "infinite", value: Number.POSITIVE_INFINITY });
      break;
    case "integer":
      if (field.max !== undefined) out.push({ name: "above max", value: field.max + 1 });
      if (field.min !== undefined) out.push({ name: "below min", value: field.min - 1 });
      out.push({ name: "fraction", value: 1.5 });
      break;
    case "rating":
      out.push(
        { name: "above max", value: field.max + 1 },
        { name: "zero", value: 0 },
        { name: "fraction", value: 2.5 },
      );
      break;
    case "date":
      out.push({ name: "bad date", value: "2026-02-30" }, { name: "not a date", value: "yesterday" });
      if (field.min !== undefined) out.push({ name: "before min", value: addDays(field.min, -1) });
      if (field.max !== undefined) out.push({ name: "after max", value: addDays(field.max, 1) });
      break;
    case "time":
      out.push({ name: "bad time", value: "24:00" }, { name: "seconds", value: "08:00:00" });
      break;
    case "select":
      out.push({ name: "not an option", value: "zz_not_an_option" });
      break;
    case "multiselect":
      out.push({ name: "not an option", value: ["zz_not_an_option"] });
      if (Array.isArray(valid) && valid.length > 0) out.push({ name: "repeated", value: [...valid, valid[0]] });
      break;
    case "phone":
      out.push({ name: "too short", value: "1381234" }, { name: "letters", value: "1381234567a" });
      break;
    case "photo":
      out.push(
        { name: "too many", value: Array.from({ length: field.maxCount + 1 }, (_, i) => ({ blobId: `b${i}` })) },
        { name: "bytes", value: [{ blobId: "b1", data: "iVBORw0KGgo=" }] },
        { name: "bad blob id", value: [{ blobId: "../etc/passwd" }] },
      );
      break;
    case "boolean":
      break;
  }
  return out;
}

const startsWith = (path: readonly (string | number)[], head: readonly (string | number)[]) =>
  head.every((part, i) => path[i] === part);

describe("custom fields, property-based", () => {
  it("accepts every generated definition and compiles it", () => {
    fc.assert(
      fc.property(templateArb, (template) => {
        const compiled = compileFormTemplate(template);
        expect(Object.keys(compiled.fieldSchemas)).toEqual(template.fields.map((f) => f.key));
        const props = compiled.jsonSchema.properties as Record<string, Record<string, unknown>>;
        for (const field of template.fields) {
          expect(props[field.key]?.["x-sensitivity"]).toBe(field.sensitivity);
          expect(props[field.key]?.title).toBe(field.label["zh-CN"]);
        }
        expect(compiled.jsonSchema.required).toEqual(template.fields.filter((f) => f.required).map((f) => f.key));
      }),
      { numRuns: 200 },
    );
  });

  it("accepts generated valid values unchanged", () => {
    fc.assert(
      fc.property(
        templateArb.chain((t) => fc.tuple(fc.constant(t), valuesArb(t))),
        ([template, values]) => {
          const result = compileFormTemplate(template).safeParse(values, { path: prefix });
          if (!result.success) throw new Error(JSON.stringify(result.error.toJSON("en").issues));
          expect(result.data).toEqual(values);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("rejects a mutated value with exactly that field's path", () => {
    const caseArb = templateArb.chain((template) =>
      fc.tuple(fc.constant(template), valuesArb(template), fc.nat(template.fields.length - 1), fc.nat(50)),
    );
    fc.assert(
      fc.property(caseArb, ([template, values, fieldIndex, pick]) => {
        const field = template.fields[fieldIndex] as FieldDefinition;
        const mutations = mutationsOf(field, values[field.key]);
        const mutation = mutations[pick % mutations.length] as { name: string; value: unknown };
        const mutated = { ...values, [field.key]: mutation.value };
        const result = compileFormTemplate(template).safeParse(mutated, { path: prefix });
        expect(result.success, mutation.name).toBe(false);
        if (result.success) return;
        const paths = result.error.issues.map((i) => i.path);
        expect(paths.length).toBeGreaterThan(0);
        for (const path of paths) expect(startsWith(path, [...prefix, field.key]), JSON.stringify(path)).toBe(true);
        expect(result.error.code).toBe("validation_failed");
      }),
      { numRuns: 300 },
    );
  });

  it("rejects a missing required value with custom_field_required at its path", () => {
    const caseArb = templateArb
      .filter((t) => t.fields.some((f) => f.required))
      .chain((template) => fc.tuple(fc.constant(template), valuesArb(template), fc.nat(50)));
    fc.assert(
      fc.property(caseArb, ([template, values, pick]) => {
        const required = template.fields.filter((f) => f.required);
        const field = required[pick % required.length] as FieldDefinition;
        const { [field.key]: _removed, ...rest } = values;
        const result = compileFormTemplate(template).safeParse(rest, { path: prefix });
        expect(result.success).toBe(false);
        if (result.success) return;
        expect(result.error.issues.map((i) => [i.path, i.code])).toEqual([
          [[...prefix, field.key], "custom_field_required"],
        ]);
      }),
      { numRuns: 200 },
    );
  });

  it("rejects an unknown key at the values path", () => {
    fc.assert(
      fc.property(
        templateArb.chain((t) => fc.tuple(fc.constant(t), valuesArb(t), keyArb)),
        ([template, values, extra]) => {
          fc.pre(!template.fields.some((f) => f.key === extra));
          const result = compileFormTemplate(template).safeParse({ ...values, [extra]: 1 }, { path: prefix });
          expect(result.success).toBe(false);
          if (result.success) return;
          expect(result.error.issues.map((i) => [i.path, i.code])).toEqual([[[...prefix], "unrecognized_keys"]]);
        },
      ),
      { numRuns: 100 },
    );
  });

  it("drops hidden values and requires shown ones, whatever the dependent field's type", () => {
    const caseArb = fc
      .tuple(definitionsArb, fc.boolean())
      .map(([defs, shown]) => {
        const [dependent] = defs as [FieldDefinitionInput];
        const controllerKey = dependent.key === "shown" ? "shownToo" : "shown";
        const fields: FieldDefinitionInput[] = [
          { type: "boolean", key: controllerKey, label: { "zh-CN": "是否显示" } },
          { ...dependent, required: true, showIf: { field: controllerKey, equals: true } } as FieldDefinitionInput,
        ];
        return { fields, shown, controllerKey, dependentKey: dependent.key };
      })
      .chain((c) => {
        const template = defineFormTemplate({
          id: `show-${Math.random().toString(36).slice(2, 10)}`,
          version: 1,
          scope: { level: "county", id: "liandu" },
          name: { "zh-CN": "显示条件" },
          status: "draft",
          createdAt: "2026-09-01T08:00:00+08:00",
          fields: c.fields,
        });
        return fc.tuple(fc.constant({ ...c, template }), valueArb(template.fields[1] as FieldDefinition));
      });
    fc.assert(
      fc.property(caseArb, ([{ template, shown, controllerKey, dependentKey }, value]) => {
        const compiled = compileFormTemplate(template);
        if (shown) {
          expect(compiled.parse({ [controllerKey]: true, [dependentKey]: value })).toEqual({
            [controllerKey]: true,
            [dependentKey]: value,
          });
          const missing = compiled.safeParse({ [controllerKey]: true }, { path: prefix });
          expect(missing.success).toBe(false);
          if (!missing.success) {
            expect(missing.error.issues.map((i) => i.path)).toEqual([[...prefix, dependentKey]]);
          }
        } else {
          // Hidden: not required, and any value, even an invalid one, is dropped.
          expect(compiled.parse({ [controllerKey]: false })).toEqual({ [controllerKey]: false });
          expect(compiled.parse({ [controllerKey]: false, [dependentKey]: value })).toEqual({ [controllerKey]: false });
          expect(compiled.parse({ [dependentKey]: { junk: true } })).toEqual({});
        }
      }),
      { numRuns: 200 },
    );
  });

  it("never throws anything but a HomevisitError on arbitrary input", () => {
    fc.assert(
      fc.property(templateArb, fc.oneof(fc.anything(), fc.dictionary(keyArb, fc.anything())), (template, input) => {
        const compiled = compileFormTemplate(template);
        const result = compiled.safeParse(input);
        if (!result.success) expect(isHomevisitError(result.error)).toBe(true);
        try {
          compiled.parse(input);
        } catch (error) {
          expect(isHomevisitError(error)).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("gives each injected definition defect its precise code and path", () => {
    type Defect = {
      name: string;
      apply: (fields: Record<string, unknown>[], i: number) => void;
      code: string;
      path: (i: number) => (string | number)[];
    };
    const defects: Defect[] = [
      {
        name: "duplicate key",
        apply: (f, i) => f.push({ ...(f[i] as object) }),
        code: "custom_field_duplicate_key",
        path: (_i) => ["fields", -1, "key"],
      },
      {
        name: "reserved key",
        apply: (f, i) => Object.assign(f[i] as object, { key: "studentId" }),
        code: "reserved_key",
        path: (i) => ["fields", i, "key"],
      },
      {
        name: "bad key",
        apply: (f, i) => Object.assign(f[i] as object, { key: "Bad-Key" }),
        code: "custom_field_invalid_key",
        path: (i) => ["fields", i, "key"],
      },
      {
        name: "show-if to nowhere",
        apply: (f, i) => Object.assign(f[i] as object, { showIf: { field: "zzNowhere", notEmpty: true } }),
        code: "custom_field_show_if_unknown_field",
        path: (i) => ["fields", i, "showIf", "field"],
      },
      {
        name: "show-if on itself",
        apply: (f, i) =>
          Object.assign(f[i] as object, { showIf: { field: (f[i] as { key: string }).key, notEmpty: true } }),
        code: "custom_field_show_if_cycle",
        path: (i) => ["fields", i, "showIf", "field"],
      },
      {
        name: "select without options",
        apply: (f, i) => {
          const { key, label } = f[i] as { key: string; label: unknown };
          f[i] = { type: "select", key, label };
        },
        code: "custom_field_options_missing",
        path: (i) => ["fields", i, "options"],
      },
      {
        name: "inverted integer range",
        apply: (f, i) => {
          const { key, label } = f[i] as { key: string; label: unknown };
          f[i] = { type: "integer", key, label, min: 10, max: 9 };
        },
        code: "custom_field_bad_range",
        path: (i) => ["fields", i, "max"],
      },
      {
        name: "unsafe pattern",
        apply: (f, i) => {
          const { key, label } = f[i] as { key: string; label: unknown };
          f[i] = { type: "text", key, label, pattern: "^([a-z]+)*$" };
        },
        code: "custom_field_unsafe_pattern",
        path: (i) => ["fields", i, "pattern"],
      },
      {
        name: "invalid pattern",
        apply: (f, i) => {
          const { key, label } = f[i] as { key: string; label: unknown };
          f[i] = { type: "text", key, label, pattern: "[" };
        },
        code: "custom_field_invalid_pattern",
        path: (i) => ["fields", i, "pattern"],
      },
    ];
    fc.assert(
      fc.property(definitionsArb, fc.nat(100), fc.constantFrom(...defects), (definitions, pick, defect) => {
        const fields = structuredClone(definitions) as unknown as Record<string, unknown>[];
        const index = pick % fields.length;
        defect.apply(fields, index);
        const expectedPath = defect.path(index).map((p) => (p === -1 ? fields.length - 1 : p));
        try {
          defineFormTemplate({
            id: "defect",
            version: 1,
            scope: { level: "city", id: "lishui" },
            name: { "zh-CN": "缺陷" },
            status: "draft",
            createdAt: "2026-09-01T08:00:00+08:00",
            fields: fields as unknown as FieldDefinitionInput[],
          });
        } catch (error) {
          if (!isHomevisitError(error)) throw error;
          expect(error.issues.map((i) => [i.path, i.code])).toEqual([[expectedPath, defect.code]]);
          return;
        }
        throw new Error(`${defect.name} was accepted`);
      }),
      { numRuns: 300 },
    );
  });

  it("never throws from checkPattern, and what it accepts compiles", () => {
    fc.assert(
      fc.property(
        fc.string({
          unit: fc.constantFrom(
            "a",
            "b",
            "(",
            ")",
            "|",
            "*",
            "+",
            "?",
            "{",
            "}",
            "1",
            ",",
            "[",
            "]",
            "\\",
            "d",
            "^",
            "$",
            ".",
          ),
          maxLength: 30,
        }),
        (pattern) => {
          const problem = checkPattern(pattern);
          if (problem === undefined) expect(() => new RegExp(pattern, "u")).not.toThrow();
          else expect(["invalid", "unsafe"]).toContain(problem.kind);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
