import * as z from "zod";
import { addCatalogIssue } from "../../shared/errors/parse.js";
import { withLabel, withOptionLabels, withOwnLabel } from "../../shared/field-labels.js";
import { idSchema, isoDateSchema, localTimeSchema } from "../../shared/primitives.js";
import { sensitivityClasses, sensitivityClassLabels } from "../../shared/sensitivity.js";
import { checkPattern } from "./safe-pattern.js";

/**
 * Field definitions: what a school writes to add a question to a visit form. Definitions are
 * data (stored, versioned, edited in an admin screen), so every property is validated here
 * and a bad definition fails with a precise code and path instead of surfacing later as a
 * confusing error on a teacher's form.
 */

// Refinements that look across properties run even when a property failed, so that one save
// shows the admin every problem; they therefore read their input defensively.
const always = { when: () => true };

/**
 * A label or help text written by a school: zh-CN required, en optional. The parsed value is a
 * full {@link LocalizedText} whose en falls back to the zh-CN text, so renderers never branch.
 */
function schoolText(max: number) {
  const text = { type: "string", minLength: 1, maxLength: max };
  return z
    .strictObject({
      "zh-CN": z.string().trim().min(1).max(max),
      en: z.string().trim().min(1).max(max).optional(),
    })
    .transform((text) => ({ "zh-CN": text["zh-CN"], en: text.en ?? text["zh-CN"] }))
    .meta({
      // Documents (the OpenAPI document) show what a response holds: both locales, always.
      override: (ctx: { io?: string; jsonSchema: Record<string, unknown> }) => {
        if (ctx.io !== "output") return;
        Object.assign(ctx.jsonSchema, {
          type: "object",
          properties: { "zh-CN": text, en: text },
          required: ["zh-CN", "en"],
          additionalProperties: false,
        });
      },
    });
}

/** A sensitivity class, with its words. */
export const sensitivityClassSchema = withOptionLabels(z.enum(sensitivityClasses), sensitivityClassLabels);

/** A field label or template name (≤ 100 characters per locale); en falls back to zh-CN. */
export const fieldLabelSchema = withLabel(schoolText(100), { "zh-CN": "名称", en: "Name" });
/** A label as a school writes it (en optional). */
export type FieldLabelInput = z.input<typeof fieldLabelSchema>;

/** Help text under a field (≤ 500 characters per locale); en falls back to zh-CN. */
export const fieldHelpSchema = schoolText(500);

/** The shape of a field key: an identifier safe as a JSON property and a column name. */
export const fieldKeyPattern = /^[a-z][a-zA-Z0-9_]{0,63}$/;

/**
 * Keys a custom field may not use: the names that poison plain objects, and the built-in
 * fields of a visit record, so a custom value can never shadow or be confused with them
 * (RELIABILITY.md promise 3: no mass assignment of server-owned fields).
 */
export const reservedFieldKeys: ReadonlySet<string> = new Set([
  "__proto__",
  "constructor",
  "prototype",
  "hasOwnProperty",
  "isPrototypeOf",
  "propertyIsEnumerable",
  "toString",
  "toLocaleString",
  "valueOf",
  "id",
  "cityId",
  "countyId",
  "schoolId",
  "classId",
  "studentId",
  "teacherId",
  "companionTeacherId",
  "guardianId",
  "planId",
  "obligationId",
  "appointmentId",
  "termId",
  "templateId",
  "templateVersion",
  "customFields",
  "values",
  "version",
  "status",
  "kind",
  "channel",
  "date",
  "startedAt",
  "endedAt",
  "createdBy",
  "createdAt",
  "updatedBy",
  "updatedAt",
  "deletedAt",
  "etag",
  "companionIds",
  "term",
  "venue",
  "venueReason",
  "arrivedAt",
  "departedAt",
  "attendees",
  "outreachGoals",
  "familySituation",
  "schoolFeedback",
  "schoolPolicy",
  "healthyGrowth",
  "prioritySupport",
  "parentOpinions",
  "teacherReflection",
  "followUps",
  "photos",
  "conduct",
  "submittedAt",
  "amendedAt",
  "amendmentReason",
]);

/**
 * A field key: `^[a-z][a-zA-Z0-9_]{0,63}$` and not one of {@link reservedFieldKeys}.
 * Reserved names fail with `reserved_key`, other bad keys with `custom_field_invalid_key`.
 */
export const fieldKeySchema = z.string().superRefine((key, ctx) => {
  // `reserved_key` names one of the library's own reserved words; an invalid key is never
  // repeated (the issue's path says where it is).
  if (reservedFieldKeys.has(key)) addCatalogIssue(ctx, "reserved_key", { key });
  else if (!fieldKeyPattern.test(key)) addCatalogIssue(ctx, "custom_field_invalid_key");
});

/** The value of a select option: 1–64 letters, digits, `_`, `-`, `.`, `:` (stable across renames). */
export const optionValueSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_.:-]+$/, { error: "Use letters, digits, _ - . : only" });

/** One choice of a select or multiselect field. */
export const fieldOptionSchema = z.strictObject({
  value: withOwnLabel(optionValueSchema, { "zh-CN": "选项值", en: "Option value" }),
  label: fieldLabelSchema,
});
/** One choice of a select or multiselect field. */
export type FieldOption = z.infer<typeof fieldOptionSchema>;

/** A value a show-if condition compares with. */
export const conditionValueSchema = z.union([z.string().max(200), z.number(), z.boolean()]);

/**
 * When a field is shown, by another field's value: `equals` one value, `in` a list, or
 * `notEmpty`. Against a multiselect, `equals` means "includes" and `in` "includes any".
 * A hidden field is never required and its value is dropped on parse.
 */
export const showIfSchema = z
  .strictObject({
    field: withLabel(z.string().regex(fieldKeyPattern, { error: "Not a field key" }), {
      "zh-CN": "依据的字段",
      en: "Field it depends on",
    }),
    equals: withLabel(conditionValueSchema.optional(), { "zh-CN": "等于", en: "Equals" }),
    in: withLabel(z.array(conditionValueSchema).min(1).max(100).optional(), { "zh-CN": "取值之一", en: "One of" }),
    notEmpty: withLabel(z.literal(true).optional(), { "zh-CN": "已填写", en: "Filled in" }),
  })
  .superRefine((condition, ctx) => {
    const given = [condition.equals, condition.in, condition.notEmpty].filter((x) => x !== undefined);
    if (given.length !== 1) addCatalogIssue(ctx, "custom_field_show_if_invalid");
  });
/** A show-if condition. */
export type ShowIf = z.infer<typeof showIfSchema>;

/** A photo reference: the blob store's id and an optional caption. Values never hold bytes. */
export const photoRefSchema = z.strictObject({
  blobId: idSchema,
  caption: z.string().max(200).optional(),
});
/** A photo reference. */
export type PhotoRef = z.infer<typeof photoRefSchema>;

/** Every field type a school can use. */
export const fieldTypes = [
  "text",
  "textarea",
  "number",
  "integer",
  "boolean",
  "date",
  "time",
  "select",
  "multiselect",
  "phone",
  "photo",
  "rating",
] as const;
/** A field type. */
export type FieldType = (typeof fieldTypes)[number];

/** A field's type, labelled: the discriminator of {@link fieldDefinitionSchema}. */
function fieldType<T extends FieldType>(type: T) {
  return withLabel(z.literal(type), { "zh-CN": "字段类型", en: "Field type" });
}

const common = {
  key: withOwnLabel(fieldKeySchema, { "zh-CN": "字段标识", en: "Field key" }),
  label: fieldLabelSchema,
  help: withLabel(fieldHelpSchema.optional(), { "zh-CN": "填写说明", en: "Help text" }),
  /** A required field must have a value whenever it is shown. */
  required: withLabel(z.boolean().default(false), { "zh-CN": "必填", en: "Required" }),
  showIf: withLabel(showIfSchema.optional(), { "zh-CN": "显示条件", en: "Show if" }),
  /**
   * Answers on a home-visit form are about a minor's family, so they default to `sensitive`
   * (PIPL art. 28); a school lowers it only for fields that clearly are not.
   */
  sensitivity: withLabel(sensitivityClassSchema.default("sensitive"), { "zh-CN": "敏感级别", en: "Sensitivity" }),
};

type Issues = { addIssue: (issue: z.core.$ZodRawIssue) => void };

function isNumber(x: unknown): x is number {
  return typeof x === "number" && Number.isFinite(x);
}

/** Flags `min > max` on the `max` path. Bounds that failed their own schema are skipped. */
function checkRange(ctx: Issues, min: unknown, max: unknown, maxPath: string): void {
  const comparable = (isNumber(min) && isNumber(max)) || (typeof min === "string" && typeof max === "string");
  if (comparable && (min as number | string) > (max as number | string)) {
    addCatalogIssue(ctx, "custom_field_bad_range", { min: min as number | string, max: max as number | string }, [
      maxPath,
    ]);
  }
}

function checkOptions(ctx: Issues, options: unknown): void {
  if (!Array.isArray(options) || options.length === 0) {
    addCatalogIssue(ctx, "custom_field_options_missing", {}, ["options"]);
    return;
  }
  const seen = new Set<string>();
  options.forEach((option: unknown, index) => {
    const value = (option as { value?: unknown } | null)?.value;
    if (typeof value !== "string") return;
    if (seen.has(value)) addCatalogIssue(ctx, "custom_field_duplicate_option", {}, ["options", index, "value"]);
    seen.add(value);
  });
}

/** The longest text a `text` field may allow. */
export const maxTextLength = 1000;
/** The longest text a `textarea` field may allow. */
export const maxTextareaLength = 5000;

const lengthBounds = (max: number) => ({
  minLength: withLabel(z.int().min(0).max(max).optional(), { "zh-CN": "最少字数", en: "Minimum length" }),
  maxLength: withLabel(z.int().min(1).max(max).optional(), { "zh-CN": "最多字数", en: "Maximum length" }),
});

/**
 * A one-line text. `maxLength` defaults to 200; `pattern` is checked by {@link checkPattern};
 * `patternMessage` is what a teacher reads when a value does not match (default: "“label” is
 * not in the expected format").
 */
export const textFieldSchema = z
  .strictObject({
    type: fieldType("text"),
    ...common,
    ...lengthBounds(maxTextLength),
    patternMessage: withLabel(fieldHelpSchema.optional(), {
      "zh-CN": "格式不符时的提示",
      en: "Message when the format does not match",
    }),
    pattern: withLabel(
      z
        .string()
        .optional()
        .superRefine((pattern, ctx) => {
          if (pattern === undefined) return;
          const problem = checkPattern(pattern);
          if (problem?.kind === "invalid")
            addCatalogIssue(ctx, "custom_field_invalid_pattern", { reason: problem.reason });
          if (problem?.kind === "unsafe")
            addCatalogIssue(ctx, "custom_field_unsafe_pattern", { reason: problem.reason });
          if (problem?.kind === "unsupported")
            addCatalogIssue(ctx, "custom_field_pattern_unsupported", { reason: problem.reason });
        }),
      { "zh-CN": "格式（正则表达式）", en: "Pattern" },
    ),
  })
  .superRefine((f, ctx) => checkRange(ctx, f.minLength, f.maxLength ?? 200, "maxLength"), always);

/** A multi-line text. `maxLength` defaults to 2,000. */
export const textareaFieldSchema = z
  .strictObject({ type: fieldType("textarea"), ...common, ...lengthBounds(maxTextareaLength) })
  .superRefine((f, ctx) => checkRange(ctx, f.minLength, f.maxLength ?? 2000, "maxLength"), always);

/** A number, bounds included. */
export const numberFieldSchema = z
  .strictObject({
    type: fieldType("number"),
    ...common,
    min: withLabel(z.number().optional(), { "zh-CN": "最小值", en: "Minimum" }),
    max: withLabel(z.number().optional(), { "zh-CN": "最大值", en: "Maximum" }),
  })
  .superRefine((f, ctx) => checkRange(ctx, f.min, f.max, "max"), always);

/** A whole number, bounds included. */
export const integerFieldSchema = z
  .strictObject({
    type: fieldType("integer"),
    ...common,
    min: withLabel(z.int().optional(), { "zh-CN": "最小值", en: "Minimum" }),
    max: withLabel(z.int().optional(), { "zh-CN": "最大值", en: "Maximum" }),
  })
  .superRefine((f, ctx) => checkRange(ctx, f.min, f.max, "max"), always);

/** A yes/no question. A required boolean must be answered, `false` included. */
export const booleanFieldSchema = z.strictObject({ type: fieldType("boolean"), ...common });

/** A calendar date `YYYY-MM-DD`, bounds included. */
export const dateFieldSchema = z
  .strictObject({
    type: fieldType("date"),
    ...common,
    min: withLabel(isoDateSchema.optional(), { "zh-CN": "最早日期", en: "Earliest date" }),
    max: withLabel(isoDateSchema.optional(), { "zh-CN": "最晚日期", en: "Latest date" }),
  })
  .superRefine((f, ctx) => checkRange(ctx, f.min, f.max, "max"), always);

/** A wall-clock time `HH:mm`, bounds included. */
export const timeFieldSchema = z
  .strictObject({
    type: fieldType("time"),
    ...common,
    min: withLabel(localTimeSchema.optional(), { "zh-CN": "最早时间", en: "Earliest time" }),
    max: withLabel(localTimeSchema.optional(), { "zh-CN": "最晚时间", en: "Latest time" }),
  })
  .superRefine((f, ctx) => checkRange(ctx, f.min, f.max, "max"), always);

const options = withLabel(z.array(fieldOptionSchema).max(100).default([]), { "zh-CN": "选项", en: "Options" });

/** One choice among options (at least one option; values unique). */
export const selectFieldSchema = z
  .strictObject({ type: fieldType("select"), ...common, options })
  .superRefine((f, ctx) => checkOptions(ctx, f.options), always);

/** Any number of choices among options; `minItems`/`maxItems` bound how many. */
export const multiselectFieldSchema = z
  .strictObject({
    type: fieldType("multiselect"),
    ...common,
    options,
    minItems: withLabel(z.int().min(0).max(100).optional(), { "zh-CN": "最少选几项", en: "Fewest choices" }),
    maxItems: withLabel(z.int().min(1).max(100).optional(), { "zh-CN": "最多选几项", en: "Most choices" }),
  })
  .superRefine((f, ctx) => {
    checkOptions(ctx, f.options);
    checkRange(ctx, f.minItems, f.maxItems, "maxItems");
    // A minimum above the number of options could never be met.
    if (Array.isArray(f.options) && f.options.length > 0) checkRange(ctx, f.minItems, f.options.length, "minItems");
  }, always);

/** A phone number, validated like a guardian's phone (`phoneSchema`). */
export const phoneFieldSchema = z.strictObject({ type: fieldType("phone"), ...common });

/** Photos as references to stored blobs; `maxCount` defaults to 9. */
export const photoFieldSchema = z.strictObject({
  type: fieldType("photo"),
  ...common,
  maxCount: withLabel(z.int().min(1).max(20).default(9), { "zh-CN": "最多照片数", en: "Most photos" }),
});

/** A rating from 1 to `max` (default 5, at most 10). */
export const ratingFieldSchema = z.strictObject({
  type: fieldType("rating"),
  ...common,
  max: withLabel(z.int().min(2).max(10).default(5), { "zh-CN": "最高分", en: "Highest rating" }),
});

/**
 * One custom field, by `type`. Common to all: `key`, `label`, optional `help`, `required`
 * (default false), optional `showIf`, `sensitivity` (default `sensitive`).
 *
 * @example
 * ```ts
 * fieldDefinitionSchema.parse({
 *   type: "select", key: "hobby", label: { "zh-CN": "爱好" },
 *   options: [{ value: "music", label: { "zh-CN": "音乐", en: "Music" } }],
 * });
 * // { type: "select", key: "hobby", label: { "zh-CN": "爱好", en: "爱好" }, required: false,
 * //   sensitivity: "sensitive", options: [{ value: "music", label: { "zh-CN": "音乐", en: "Music" } }] }
 * ```
 */
export const fieldDefinitionSchema = z.discriminatedUnion("type", [
  textFieldSchema,
  textareaFieldSchema,
  numberFieldSchema,
  integerFieldSchema,
  booleanFieldSchema,
  dateFieldSchema,
  timeFieldSchema,
  selectFieldSchema,
  multiselectFieldSchema,
  phoneFieldSchema,
  photoFieldSchema,
  ratingFieldSchema,
]);
/** One custom field definition, defaults applied. */
export type FieldDefinition = z.infer<typeof fieldDefinitionSchema>;
/** A custom field definition as a school writes it. */
export type FieldDefinitionInput = z.input<typeof fieldDefinitionSchema>;

/**
 * Any value a custom field can hold, before a template says which: used where records are
 * stored and read back without their template at hand.
 */
export const customFieldValueSchema = z.union([
  z.string().max(maxTextareaLength),
  z.number(),
  z.boolean(),
  z.array(optionValueSchema).max(100),
  z.array(photoRefSchema).max(20),
]);
/** A custom field's value. */
export type CustomFieldValue = z.infer<typeof customFieldValueSchema>;

/** The values of one form, by field key. */
export type CustomFieldValues = Record<string, CustomFieldValue>;
