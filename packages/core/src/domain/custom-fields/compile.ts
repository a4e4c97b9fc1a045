import * as z from "zod";
import { compiledSchema } from "../../shared/compiled.js";
import type { ErrorPath } from "../../shared/errors/homevisit-error.js";
import { addCatalogIssue, type ParseResult, safeParseInput } from "../../shared/errors/parse.js";
import { idSchema, isoDateSchema, localTimeSchema, phoneSchema } from "../../shared/primitives.js";
import { type Sensitivity, withSensitivity } from "../../shared/sensitivity.js";
import type { CustomFieldValues, FieldDefinition, ShowIf } from "./fields.js";
import { photoRefSchema } from "./fields.js";
import { buildJsonSchema, deepFreezeJson, type JsonSchema } from "./json-schema.js";
import { compileLinearPattern } from "./linear-pattern.js";
import { defineFormTemplate, type FormTemplate, isDefinedFormTemplate, showIfOrder } from "./template.js";
import type { ValuesOfTemplate } from "./typed-values.js";

export type { JsonSchema } from "./json-schema.js";

/** Options of {@link CompiledFormTemplate.parse}. */
export interface ParseValuesOptions {
  /** Prepended to every issue path, e.g. `["customFields", "values"]`. Default `[]`. */
  path?: ErrorPath;
  /**
   * `true` for a draft: every value given is checked (type, bounds, pattern, options) but a
   * required field may still be missing or empty, as the record's built-in sections may until
   * submission. Default `false` (complete: required fields required while shown).
   */
  partial?: boolean;
}

/** A form template turned into validators and a JSON Schema; see {@link compileFormTemplate}. */
export interface CompiledFormTemplate<Values = CustomFieldValues> {
  /** The validated template this was compiled from. */
  readonly template: FormTemplate;
  /**
   * The zod schema of a values object: unknown keys rejected, required fields required while
   * shown, values of hidden fields dropped from the output.
   */
  readonly schema: z.ZodType<Values>;
  /** The same for a draft: required fields may be missing or empty (built on first use). */
  readonly draftSchema: z.ZodType<Partial<Values>>;
  /** The schema of each field's value on its own (present, shown), by key. */
  readonly fieldSchemas: Readonly<Record<string, z.ZodType>>;
  /** Each field's sensitivity, by key, for masking and audit. */
  readonly sensitivities: Readonly<Record<string, Sensitivity>>;
  /** A JSON Schema 2020-12 of the values object for widgets and OpenAPI; built on first read, frozen. */
  readonly jsonSchema: JsonSchema;
  /** The keys of the fields shown for these values, in template order. */
  visibleFields(values: Readonly<Record<string, unknown>>): string[];
  /** Validates values; never throws for bad input. */
  safeParse(values: unknown, options?: ParseValuesOptions): ParseResult<Values>;
  /** Validates values or throws a `HomevisitError` `validation_failed` with every issue's path. */
  parse(values: unknown, options?: ParseValuesOptions): Values;
}

function own(values: Readonly<Record<string, unknown>>, key: string): unknown {
  return Object.hasOwn(values, key) ? values[key] : undefined;
}

function isEmpty(value: unknown): boolean {
  return value === undefined || value === null || value === "" || (Array.isArray(value) && value.length === 0);
}

/** Whether a show-if condition holds for the controller's value (`undefined` when hidden). */
function holds(condition: ShowIf, value: unknown): boolean {
  if (condition.notEmpty) return !isEmpty(value);
  const choices = Array.isArray(value) ? (value as unknown[]) : [value];
  if (condition.equals !== undefined) return choices.includes(condition.equals);
  if (condition.in !== undefined) return choices.some((choice) => condition.in?.includes(choice as never));
  return false;
}

/** Which fields are shown for given values: a plan built once per template, walked per call. */
type Visibility = (values: Readonly<Record<string, unknown>>) => Set<string>;

function visibilityOf(template: FormTemplate, order: readonly string[]): Visibility {
  const byKey = new Map(template.fields.map((f) => [f.key, f]));
  const plan = order.flatMap((key) => {
    const field = byKey.get(key);
    return field ? [{ key, condition: field.showIf }] : [];
  });
  return (values) => {
    const visible = new Set<string>();
    // Controllers come first in `order`, so a field whose controller is hidden sees "absent".
    for (const { key, condition } of plan) {
      if (!condition) visible.add(key);
      else if (holds(condition, visible.has(condition.field) ? own(values, condition.field) : undefined)) {
        visible.add(key);
      }
    }
    return visible;
  };
}

function rangeCheck<T extends string>(schema: z.ZodType<T>, min: string | undefined, max: string | undefined) {
  if (min === undefined && max === undefined) return schema;
  return schema.superRefine((value, ctx) => {
    // Dates and HH:mm times compare correctly as text.
    if ((min !== undefined && value < min) || (max !== undefined && value > max)) {
      addCatalogIssue(ctx, "custom_field_out_of_range", { min: min ?? "—", max: max ?? "—" });
    }
  });
}

/**
 * The zod schema of one field's value when the field is shown and a value is given, carrying
 * the field's label (validation messages name the field by it, in the school's words).
 */
function valueSchema(field: FieldDefinition): z.ZodType {
  return bareValueSchema(field).meta({ label: field.label });
}

function patternIssue(field: FieldDefinition & { type: "text" }): Record<string, string> {
  const own = field.patternMessage;
  return own
    ? { zh: own["zh-CN"], en: own.en }
    : { zh: `“${field.label["zh-CN"]}”的格式不正确`, en: `“${field.label.en}” is not in the expected format` };
}

function bareValueSchema(field: FieldDefinition): z.ZodType {
  switch (field.type) {
    case "text":
    case "textarea": {
      const maxLength = field.maxLength ?? (field.type === "text" ? 200 : 2000);
      // Length first, aborting: a pattern never runs on oversized input.
      let schema = z.string().max(maxLength, { abort: true });
      const minLength = Math.max(field.minLength ?? 0, field.required ? 1 : 0);
      if (minLength > 0) schema = schema.min(minLength);
      let checked: z.ZodType<string> = schema;
      if (field.type === "text" && field.pattern !== undefined) {
        // RE2, not the native engine: linear in the value whatever the school wrote.
        const pattern = compileLinearPattern(field.pattern);
        const message = patternIssue(field);
        checked = schema.superRefine((text, ctx) => {
          if (!pattern.test(text)) addCatalogIssue(ctx, "custom_field_pattern_mismatch", message);
        });
      }
      // Control characters only smuggle things into logs and exports; a textarea keeps its
      // line breaks and tabs.
      const control =
        field.type === "text" ? /[\u0000-\u001f\u007f]/ : /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
      return checked.superRefine((text, ctx) => {
        if (control.test(text)) addCatalogIssue(ctx, "custom_field_control_characters");
      });
    }
    case "number":
    case "integer": {
      let schema = field.type === "number" ? z.number() : z.int();
      if (field.min !== undefined) schema = schema.min(field.min);
      if (field.max !== undefined) schema = schema.max(field.max);
      return schema;
    }
    case "boolean":
      return z.boolean();
    case "date":
      return rangeCheck(isoDateSchema.clone(), field.min, field.max);
    case "time":
      return rangeCheck(localTimeSchema.clone(), field.min, field.max);
    case "select":
      return z.enum(field.options.map((o) => o.value) as [string, ...string[]]);
    case "multiselect": {
      const values = field.options.map((o) => o.value) as [string, ...string[]];
      const minItems = Math.max(field.minItems ?? 0, field.required ? 1 : 0);
      let schema = z.array(z.enum(values)).max(field.maxItems ?? values.length, { abort: true });
      if (minItems > 0) schema = schema.min(minItems);
      return schema.superRefine((chosen, ctx) => {
        if (new Set(chosen).size !== chosen.length) addCatalogIssue(ctx, "custom_field_repeated_choice");
      });
    }
    case "phone":
      return phoneSchema.clone();
    case "photo": {
      let schema = z.array(photoRefSchema).max(field.maxCount);
      if (field.required) schema = schema.min(1);
      return schema;
    }
    case "rating":
      return z.int().min(1).max(field.max);
  }
}

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === "object" && x !== null && !Array.isArray(x);

/**
 * The values schema of a template: complete (required fields required while shown) or partial
 * (a draft: the same checks on every value given, nothing required).
 */
function valuesSchema(
  template: FormTemplate,
  visibility: Visibility,
  fieldSchemas: Readonly<Record<string, z.ZodType>>,
  partial: boolean,
): z.ZodType<CustomFieldValues> {
  const shape: Record<string, z.ZodType> = {};
  for (const field of template.fields) {
    // A draft's text may be empty and its lists short of a required field's minimum.
    const schema =
      partial && field.required
        ? withSensitivity(valueSchema({ ...field, required: false } as FieldDefinition), field.sensitivity)
        : (fieldSchemas[field.key] as z.ZodType);
    shape[field.key] = schema.optional();
  }
  const strict = z.strictObject(shape);
  const object = partial
    ? strict
    : strict.superRefine(
        (values, ctx) => {
          if (!isRecord(values)) return;
          const visible = visibility(values);
          for (const field of template.fields) {
            if (field.required && visible.has(field.key) && own(values, field.key) === undefined) {
              const labels = { labelZh: field.label["zh-CN"], labelEn: field.label.en };
              addCatalogIssue(ctx, "custom_field_required", { key: field.key, ...labels }, [field.key]);
            }
          }
        },
        // Report missing required fields together with the other problems of the same form.
        { when: () => true },
      );
  // Values of hidden fields are dropped before validation: a teacher who answered a follow-up
  // question and then changed the answer it depends on must not be blocked by a stale value.
  // The values object goes through zod's ahead-of-time compiler, as built-in records do: a
  // school's 60-field form then costs about what the record's own sections cost.
  const compiledObject = compiledSchema(object);
  return z.preprocess((input) => {
    if (!isRecord(input)) return input;
    const visible = visibility(input);
    return Object.fromEntries(Object.entries(input).filter(([key]) => !Object.hasOwn(shape, key) || visible.has(key)));
  }, compiledObject) as unknown as z.ZodType<CustomFieldValues>;
}

/**
 * The one regular expression a string schema checks, when that is all it checks (a `z.iso`
 * format or a single `.regex()`), so the fast path tests it directly; `undefined` otherwise.
 */
function onlyPattern(schema: z.ZodType): RegExp | undefined {
  const def = schema._zod.def as { type: string; pattern?: unknown; checks?: { _zod: { def: unknown } }[] };
  if (def.type !== "string") return undefined;
  const checks = def.checks ?? [];
  if (def.pattern instanceof RegExp && checks.length === 0) return def.pattern;
  if (checks.length !== 1) return undefined;
  const check = (checks[0] as { _zod: { def: { check?: string; format?: string; pattern?: unknown } } })._zod.def;
  if (check.check === "string_format" && check.format === "regex" && check.pattern instanceof RegExp) {
    return check.pattern;
  }
  return undefined;
}

/** A plain test of a string against a primitive's pattern and an optional text range; zod's when the pattern cannot be read. */
function plainString(schema: z.ZodType, min?: string, max?: string): (value: unknown) => boolean {
  const found = onlyPattern(schema);
  // A global or sticky pattern would carry state between calls.
  const pattern = found && !found.global && !found.sticky ? found : undefined;
  if (!pattern) return (v) => schema.safeParse(v).success && typeof v === "string" && inRange(v, min, max);
  return (v) => typeof v === "string" && pattern.test(v) && inRange(v, min, max);
}

const inRange = (v: string, min: string | undefined, max: string | undefined) =>
  (min === undefined || v >= min) && (max === undefined || v <= max);

/** The plain check of one field's value, accepting exactly what its zod schema accepts. */
function plainCheck(field: FieldDefinition, required: boolean): (value: unknown) => boolean {
  switch (field.type) {
    case "text":
    case "textarea": {
      const max = field.maxLength ?? (field.type === "text" ? 200 : 2000);
      const min = Math.max(field.minLength ?? 0, required ? 1 : 0);
      const control =
        field.type === "text" ? /[\u0000-\u001f\u007f]/ : /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
      const pattern =
        field.type === "text" && field.pattern !== undefined ? compileLinearPattern(field.pattern) : undefined;
      return (v) =>
        typeof v === "string" &&
        v.length <= max &&
        v.length >= min &&
        !control.test(v) &&
        (!pattern || pattern.test(v));
    }
    case "number":
    case "integer":
    case "rating": {
      const min = field.type === "rating" ? 1 : field.min;
      const max = field.max;
      const whole = field.type !== "number";
      return (v) =>
        typeof v === "number" &&
        (whole ? Number.isSafeInteger(v) : Number.isFinite(v)) &&
        (min === undefined || v >= min) &&
        (max === undefined || v <= max);
    }
    case "boolean":
      return (v) => typeof v === "boolean";
    case "select": {
      const values = new Set(field.options.map((o) => o.value));
      return (v) => typeof v === "string" && values.has(v);
    }
    case "multiselect": {
      const values = new Set(field.options.map((o) => o.value));
      const max = field.maxItems ?? values.size;
      const min = Math.max(field.minItems ?? 0, required ? 1 : 0);
      return (v) =>
        Array.isArray(v) &&
        v.length <= max &&
        v.length >= min &&
        v.every((x) => typeof x === "string" && values.has(x)) &&
        new Set(v).size === v.length;
    }
    case "date":
      return plainString(isoDateSchema, field.min, field.max);
    case "time":
      return plainString(localTimeSchema, field.min, field.max);
    case "phone":
      return plainString(phoneSchema);
    case "photo": {
      const blobId = plainString(idSchema);
      const max = field.maxCount;
      const min = required ? 1 : 0;
      const isPhoto = (p: unknown): boolean => {
        if (typeof p !== "object" || p === null || Array.isArray(p)) return false;
        for (const key of Object.keys(p)) if (key !== "blobId" && key !== "caption") return false;
        const { blobId: id, caption } = p as { blobId?: unknown; caption?: unknown };
        return blobId(id) && (caption === undefined || (typeof caption === "string" && caption.length <= 200));
      };
      return (v) => Array.isArray(v) && v.length <= max && v.length >= min && v.every(isPhoto);
    }
  }
}

/**
 * A fast path for valid values: plain checks per field, built once per template version, that
 * accept only what the zod schema accepts (anything else is left to zod, which then reports the
 * issues with their codes and messages). A record's answers are nearly always valid, and zod's
 * per-node work for a 60-field object cost several times the record's own compiled check
 * (bench/forms).
 */
function fastPath(template: FormTemplate, partial: boolean): (input: unknown) => CustomFieldValues | undefined {
  const plan = template.fields.map((field) => ({
    key: field.key,
    required: field.required && !partial,
    check: plainCheck(field, field.required && !partial),
  }));
  const known = new Set(plan.map((f) => f.key));
  // Only conditional fields can be hidden: the walk per call is over those, controllers first
  // (`showIfOrder`), a controller being shown unless it is itself conditional and hidden.
  const byKey = new Map(template.fields.map((f) => [f.key, f]));
  const conditions = showIfOrder(template).flatMap((key) => {
    const condition = byKey.get(key)?.showIf;
    return condition ? [{ key, condition }] : [];
  });
  const hiddenOf = (values: Readonly<Record<string, unknown>>): Set<string> | undefined => {
    let hidden: Set<string> | undefined;
    for (const { key, condition } of conditions) {
      const shown = !hidden?.has(condition.field);
      if (holds(condition, shown ? own(values, condition.field) : undefined)) continue;
      hidden ??= new Set();
      hidden.add(key);
    }
    return hidden;
  };
  return (input) => {
    if (typeof input !== "object" || input === null || Array.isArray(input)) return undefined;
    const values = input as Record<string, unknown>;
    let dropped = false;
    for (const key of Object.keys(values)) {
      if (!known.has(key)) return undefined;
      if (values[key] === undefined) dropped = true;
    }
    const hidden = hiddenOf(values);
    for (const { key, required, check } of plan) {
      if (hidden?.has(key)) {
        if (Object.hasOwn(values, key)) dropped = true;
        continue;
      }
      const value = Object.hasOwn(values, key) ? values[key] : undefined;
      if (value === undefined) {
        if (required) return undefined;
        continue;
      }
      if (!check(value)) return undefined;
    }
    // The usual case keeps every key: one shallow copy. Otherwise hidden and undefined values go.
    if (!dropped) return { ...values } as CustomFieldValues;
    const out: CustomFieldValues = {};
    for (const { key } of plan) {
      const value = hidden?.has(key) || !Object.hasOwn(values, key) ? undefined : values[key];
      if (value !== undefined) out[key] = value as CustomFieldValues[string];
    }
    return out;
  };
}

function compile(template: FormTemplate): CompiledFormTemplate {
  const visibility = visibilityOf(template, showIfOrder(template));
  const fieldSchemas: Record<string, z.ZodType> = {};
  const sensitivities: Record<string, Sensitivity> = {};
  for (const field of template.fields) {
    fieldSchemas[field.key] = withSensitivity(valueSchema(field), field.sensitivity);
    sensitivities[field.key] = field.sensitivity;
  }
  const schema = valuesSchema(template, visibility, fieldSchemas, false);
  let draftSchema: z.ZodType<CustomFieldValues> | undefined;
  const draft = () => {
    draftSchema ??= template.fields.some((f) => f.required)
      ? valuesSchema(template, visibility, fieldSchemas, true)
      : schema;
    return draftSchema;
  };
  const fast = fastPath(template, false);
  let fastDraft: ((input: unknown) => CustomFieldValues | undefined) | undefined;
  const run = (values: unknown, options: ParseValuesOptions): ParseResult<CustomFieldValues> => {
    if (options.partial && fastDraft === undefined) fastDraft = fastPath(template, true);
    const quick = options.partial && fastDraft !== undefined ? fastDraft(values) : fast(values);
    if (quick !== undefined) return { success: true, data: quick };
    return safeParseInput(options.partial ? draft() : schema, values, { path: options.path ?? [] });
  };
  // Built on first use: validating records never needs it, and it is the costly part.
  let jsonSchema: JsonSchema | undefined;
  const compiled: CompiledFormTemplate = {
    template,
    schema,
    get draftSchema() {
      return draft();
    },
    fieldSchemas,
    sensitivities,
    get jsonSchema() {
      jsonSchema ??= deepFreezeJson(buildJsonSchema(template, fieldSchemas));
      return jsonSchema;
    },
    visibleFields: (values) => {
      const visible = visibility(values);
      return template.fields.map((f) => f.key).filter((key) => visible.has(key));
    },
    safeParse: (values, options = {}) => run(values, options),
    parse: (values, options = {}) => {
      const result = run(values, options);
      if (!result.success) throw result.error;
      return result.data;
    },
  };
  return Object.freeze(compiled);
}

// Compiled templates by identity (templates from defineFormTemplate are frozen), and by
// `id@version` with a fingerprint so that an equal template read again from storage reuses
// the compiled one, while an edited draft of the same version is compiled afresh.
const byIdentity = new WeakMap<object, CompiledFormTemplate>();
const byVersion = new Map<string, { fingerprint: string; compiled: CompiledFormTemplate }>();
const maxCached = 512;

/**
 * Compiles a form template into a zod schema of its values object, a JSON Schema 2020-12 (zh-CN
 * titles and descriptions, `x-title`/`x-description` in both locales, `x-sensitivity`,
 * `x-widget`, `x-show-if` per field, `oneOf` of `const`/`title` for options) and `parse`
 * helpers. The template is validated first (throws `validation_failed` like
 * {@link defineFormTemplate}); results are cached by template id and version, so validating
 * many records against one template compiles it once.
 *
 * Values: an optional field may be absent; a required field must be present while shown; a
 * hidden field is never required and its value is dropped; unknown keys are rejected.
 *
 * @example
 * ```ts
 * const compiled = compileFormTemplate(template);
 * compiled.parse({ hasPets: true, petKind: "猫" }); // { hasPets: true, petKind: "猫" }
 * compiled.parse({ hasPets: false, petKind: "猫" }); // { hasPets: false } (petKind hidden)
 * compiled.parse({ hasPets: true }, { path: ["customFields", "values"] });
 * // throws validation_failed, issue { path: ["customFields", "values", "petKind"], code: "custom_field_required" }
 * compiled.jsonSchema.properties.hasPets;
 * // { type: "boolean", title: "家中是否养宠物", "x-sensitivity": "sensitive", "x-widget": "boolean", … }
 * ```
 */
export function compileFormTemplate<T extends FormTemplate>(template: T): CompiledFormTemplate<ValuesOfTemplate<T>> {
  // The values type is a view of the same object: the literal type when `T` carries one.
  return compileCached(template) as CompiledFormTemplate<ValuesOfTemplate<T>>;
}

function compileCached(template: FormTemplate): CompiledFormTemplate {
  const cached = byIdentity.get(template);
  if (cached) return cached;
  const fingerprint = JSON.stringify(template);
  const key = `${template.scope.level}:${template.scope.id}:${template.id}@${template.version}`;
  const entry = byVersion.get(key);
  if (entry && entry.fingerprint === fingerprint) {
    byIdentity.set(template, entry.compiled);
    return entry.compiled;
  }
  const compiled = compile(isDefinedFormTemplate(template) ? template : defineFormTemplate(template));
  if (byVersion.size >= maxCached) {
    const oldest = byVersion.keys().next().value;
    if (oldest !== undefined) byVersion.delete(oldest);
  }
  byVersion.set(key, { fingerprint, compiled });
  byIdentity.set(template, compiled);
  return compiled;
}

/**
 * The keys of the fields shown for the given values, in template order: a field with a
 * show-if is shown when its controller is shown and the condition holds.
 *
 * @example
 * ```ts
 * visibleFields(template, { hasPets: false }); // ["hasPets"]
 * visibleFields(template, { hasPets: true }); // ["hasPets", "petKind"]
 * ```
 */
export function visibleFields(template: FormTemplate, values: Readonly<Record<string, unknown>>): string[] {
  return compileFormTemplate(template).visibleFields(values);
}
