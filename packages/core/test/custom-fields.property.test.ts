import {
  addDays,
  type CustomFieldValue,
  checkPattern,
  compileFormTemplate,
  defineFormTemplate,
  type FieldDefinition,
  type FieldDefinitionInput,
  isHomevisitError,
} from "@homevisit/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { definitionsArb, keyArb, templateArb, valueArb, valuesArb } from "./custom-fields-arbitraries.js";

/**
 * Property-based tests of custom fields: generated definitions are accepted, values generated
 * from a definition are accepted unchanged, and one mutated value is rejected with exactly
 * that field's path. Seeds print on failure (fast-check's default).
 */

const prefix = ["customFields", "values"] as const;

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
          // Every kind checkPattern names: a back-reference such as "(\\1)" is `unsupported`.
          else expect(["invalid", "unsafe", "unsupported"]).toContain(problem.kind);
        },
      ),
      // The shrunk case a random run once found, every run now.
      { numRuns: 2000, examples: [["(\\1)"]] },
    );
  });
});
