import * as z from "zod";
import type { LocalizedText } from "./i18n.js";
import { sensitivityOf, withSensitivity } from "./sensitivity.js";

/** Metadata the field-label registry keeps for a schema. */
export interface FieldLabelMeta {
  /** The field's name in messages ({@link withLabel}). */
  label?: LocalizedText;
  /** The words for each value of an enum ({@link withOptionLabels}). */
  options?: Readonly<Record<string, LocalizedText>>;
}

/**
 * The zod registry of the words a validation message uses to name a field: "“到达时间”须…"
 * rather than "字段“arrivedAt”…". Separate from zod's global registry, so that labels stay out
 * of the JSON Schema and OpenAPI documents (a custom field's `.meta({ label })` still counts).
 */
export const fieldLabelRegistry = z.registry<FieldLabelMeta>();

/**
 * Gives a field's schema the label messages name it by, and returns it. Label the instance
 * that stands in the object's shape (a field's own `.optional()`, say), or a shared schema only
 * when it means the same everywhere (a term is a term).
 *
 * @example
 * ```ts
 * const shape = { arrivedAt: withLabel(instantSchema.optional(), { "zh-CN": "到达时间", en: "Arrival time" }) };
 * parseInput(z.strictObject(shape), { arrivedAt: "noon" });
 * // issues[0].message: { "zh-CN": "“到达时间”应为…", en: "“Arrival time” must be …" }
 * ```
 */
export function withLabel<T extends z.ZodType>(schema: T, label: LocalizedText): T {
  (schema as z.ZodType).register(fieldLabelRegistry, { ...fieldLabelRegistry.get(schema), label });
  return schema;
}

/**
 * Gives an enum's values the words a message lists them by: "“家访方式”应为以下之一：入户家访
 * （in_home）、电话家访（phone）…" rather than the bare values. Each value still follows its
 * words, since that is what a script sends.
 *
 * @example
 * ```ts
 * const channel = withOptionLabels(z.enum(["in_home", "phone"]), {
 *   in_home: { "zh-CN": "入户家访", en: "Home visit" },
 *   phone: { "zh-CN": "电话家访", en: "Phone call" },
 * });
 * optionLabelsOf(channel)?.phone; // { "zh-CN": "电话家访", en: "Phone call" }
 * ```
 */
export function withOptionLabels<T extends z.ZodType>(
  schema: T,
  options: Readonly<Record<z.output<T> & string, LocalizedText>>,
): T {
  (schema as z.ZodType).register(fieldLabelRegistry, { ...fieldLabelRegistry.get(schema), options });
  return schema;
}

/**
 * The words for an enum's values, when the schema has them ({@link withOptionLabels}).
 *
 * @example
 * ```ts
 * optionLabelsOf(visitChannelSchema)?.in_home; // { "zh-CN": "入户家访", en: "Home visit" }
 * optionLabelsOf(z.enum(["a", "b"])); // undefined
 * ```
 */
export function optionLabelsOf(schema: z.ZodType): Readonly<Record<string, LocalizedText>> | undefined {
  return fieldLabelRegistry.get(schema)?.options;
}

/**
 * A field's own copy of a schema many fields share (an id, a date, a phone number), labelled
 * for this field alone. The copy keeps the shared schema's sensitivity class: a label never
 * changes how a field is protected.
 *
 * @example
 * ```ts
 * const shape = { ownerId: withOwnLabel(idSchema, { "zh-CN": "负责人", en: "Owner" }) };
 * labelOf(idSchema); // undefined: the shared schema is untouched
 * ```
 */
export function withOwnLabel<T extends z.ZodType>(schema: T, label: LocalizedText): T {
  const own = withSensitivity(schema.clone(), sensitivityOf(schema));
  // A copy is a new schema to the registry: the words for its values come along.
  const options = optionLabelsOf(schema);
  return withLabel(options === undefined ? own : withOptionLabels(own, options), label);
}

/**
 * The label a schema itself carries: a `.meta({ label })` (custom fields) or {@link withLabel}.
 *
 * @example
 * ```ts
 * labelOf(withLabel(z.string(), { "zh-CN": "学期", en: "Term" })); // { "zh-CN": "学期", en: "Term" }
 * labelOf(z.string()); // undefined
 * ```
 */
export function labelOf(schema: z.ZodType): LocalizedText | undefined {
  const meta = z.globalRegistry.get(schema) as { label?: unknown } | undefined;
  if (isLocalizedText(meta?.label)) return meta.label;
  return fieldLabelRegistry.get(schema)?.label;
}

/**
 * A label in quotes, as messages name a field: “到达时间” and “Arrival time”.
 *
 * @example
 * ```ts
 * quotedLabel({ "zh-CN": "到达时间", en: "Arrival time" }); // { "zh-CN": "“到达时间”", en: "“Arrival time”" }
 * ```
 */
export function quotedLabel(label: LocalizedText): LocalizedText {
  return { "zh-CN": `“${label["zh-CN"]}”`, en: `“${label.en}”` };
}

/** Whether a value is a text in both locales. */
function isLocalizedText(value: unknown): value is LocalizedText {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as LocalizedText)["zh-CN"] === "string" &&
    typeof (value as LocalizedText).en === "string"
  );
}

/**
 * Words for the keys that mean the same in every input: the ids of the records the guidance
 * talks about, and the version an update expects. A message names such a field by these words
 * when its schema carries no label of its own; any other field is labelled where it is defined.
 */
export const fieldKeyLabels: Readonly<Record<string, LocalizedText>> = {
  id: { "zh-CN": "编号", en: "Id" },
  cityId: { "zh-CN": "市", en: "City" },
  countyId: { "zh-CN": "县（市、区）", en: "County" },
  schoolId: { "zh-CN": "学校", en: "School" },
  classId: { "zh-CN": "班级", en: "Class" },
  classTeacherId: { "zh-CN": "班主任", en: "Class teacher" },
  teacherId: { "zh-CN": "教师", en: "Teacher" },
  mentorId: { "zh-CN": "德育导师", en: "Mentor" },
  ownerId: { "zh-CN": "负责人", en: "Owner" },
  actorId: { "zh-CN": "操作人", en: "Actor" },
  studentId: { "zh-CN": "学生", en: "Student" },
  guardianId: { "zh-CN": "监护人", en: "Guardian" },
  flagId: { "zh-CN": "类别标记", en: "Category flag" },
  consentId: { "zh-CN": "监护人同意", en: "Consent" },
  mentorshipId: { "zh-CN": "德育导师安排", en: "Mentorship" },
  appointmentId: { "zh-CN": "家访预约", en: "Appointment" },
  recordId: { "zh-CN": "家访记录", en: "Visit record" },
  reportId: { "zh-CN": "报告", en: "Report" },
  planId: { "zh-CN": "学期家访计划", en: "Term plan" },
  supportPlanId: { "zh-CN": "帮扶计划", en: "Support plan" },
  followUpId: { "zh-CN": "跟进事项", en: "Follow-up" },
  feedbackId: { "zh-CN": "家长意见", en: "Feedback item" },
  formId: { "zh-CN": "表单", en: "Form" },
  templateId: { "zh-CN": "表单模板", en: "Form template" },
  templateVersion: { "zh-CN": "表单版本", en: "Form version" },
  scopeId: { "zh-CN": "适用范围", en: "Scope" },
  entityId: { "zh-CN": "记录", en: "Record" },
  ruleId: { "zh-CN": "规则", en: "Rule" },
  expectedVersion: { "zh-CN": "版本号", en: "Version" },
};

/** The words a text in one locale adds to its field's name: “名称（中文）”, “Name (English)”. */
export const localeFieldSuffixes: Readonly<Record<string, LocalizedText>> = {
  "zh-CN": { "zh-CN": "（中文）", en: " (Chinese)" },
  en: { "zh-CN": "（英文）", en: " (English)" },
};
