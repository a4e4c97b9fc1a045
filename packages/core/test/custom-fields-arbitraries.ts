import {
  addDays,
  type CustomFieldValue,
  defineFormTemplate,
  type FieldDefinition,
  type FieldDefinitionInput,
  type FormTemplate,
  reservedFieldKeys,
} from "@homevisit/core";
import fc from "fast-check";

/**
 * Generators of custom-field definitions, templates and valid values, shared by the property
 * tests of the compiled schemas and the round trips through the engine, the stores and REST.
 */

export const keyArb = fc.stringMatching(/^[a-z][a-zA-Z0-9_]{0,12}$/).filter((key) => !reservedFieldKeys.has(key));
export const labelArb = fc.record(
  {
    "zh-CN": fc.constantFrom("爱好", "家庭语言", "住房", "兄弟姐妹", "返乡日期", "Rating"),
    en: fc.constantFrom("Hobby", "Languages", "Housing"),
  },
  { requiredKeys: ["zh-CN"] },
);
export const sensitivityArb = fc.constantFrom("public", "internal", "personal", "sensitive");

// Patterns with a generator of matching strings of length 1–6 (the text bounds below leave room).
export const patterns: { pattern: string; arb: fc.Arbitrary<string> }[] = [
  { pattern: "^\\d+$", arb: fc.stringMatching(/^\d{1,6}$/) },
  { pattern: "^[A-Z]{2}\\d{2}$", arb: fc.stringMatching(/^[A-Z]{2}\d{2}$/) },
  {
    pattern: "^\\p{Script=Han}+$",
    arb: fc.string({ unit: fc.constantFrom("家", "访", "丽", "水"), minLength: 1, maxLength: 6 }),
  },
];

// One UTF-16 unit per character so that generated lengths agree with zod's lengths.
export const charArb = fc.constantFrom("a", "Z", "0", " ", "家", "访", "，", "-", "_", "x");
export const dayArb = fc.integer({ min: 0, max: 20_000 }).map((n) => addDays("1990-01-01", n));
export const minuteArb = fc.integer({ min: 0, max: 1439 });
export const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;
export const orderedPair = <T>(arb: fc.Arbitrary<T>) =>
  fc.tuple(arb, arb).map(([a, b]) => (a <= b ? ([a, b] as const) : ([b, a] as const)));
export const optionsArb = fc
  .uniqueArray(fc.stringMatching(/^[a-z][a-z0-9_]{0,8}$/), { minLength: 1, maxLength: 6 })
  .chain((values) => fc.tuple(...values.map((value) => labelArb.map((label) => ({ value, label })))));

/** The type-specific part of a definition. */
export const specificArb: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
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

export const definitionsArb: fc.Arbitrary<FieldDefinitionInput[]> = fc
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

export const templateArb: fc.Arbitrary<FormTemplate> = definitionsArb.map((fields) =>
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
export function valueArb(field: FieldDefinition): fc.Arbitrary<CustomFieldValue> {
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
export function valuesArb(template: FormTemplate): fc.Arbitrary<Record<string, CustomFieldValue>> {
  const entries = template.fields.map((field) =>
    fc.tuple(fc.constant(field.key), field.required ? valueArb(field) : fc.option(valueArb(field), { nil: undefined })),
  );
  return fc
    .tuple(...entries)
    .map((pairs) => Object.fromEntries(pairs.filter(([, v]) => v !== undefined)) as Record<string, CustomFieldValue>);
}
