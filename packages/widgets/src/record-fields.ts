import {
  compileFormTemplate,
  conductRules,
  type FieldDefinition,
  type FormTemplate,
  type Locale,
  type LocalizedText,
  outreachGoals,
  type VisitSectionKey,
  validateVisitRecordForSubmission,
} from "@homevisit/core";
import type { DraftRecordInput } from "./drafts.js";

/**
 * The visit record form's data: plain values by field name, turned into the record the
 * engine takes by {@link recordFromValues}. Names are `section.field` for the six tasks,
 * `conduct.<rule>` and `conductNote.<rule>` for the prohibitions, `custom.<key>` for the
 * school's fields.
 */
export type FormValues = Record<string, string | boolean | string[]>;

/** One input of a task section. */
export interface SectionInput {
  name: string;
  kind: "topics" | "text" | "choice";
  options?: readonly string[];
  /** A widget message key or a literal label. */
  label: LocalizedText;
}

const note = (name: string, zh: string, en: string): SectionInput => ({
  name,
  kind: "text",
  label: { "zh-CN": zh, en },
});
const topics = (name: string, options: readonly string[]): SectionInput => ({
  name,
  kind: "topics",
  options,
  label: { "zh-CN": "涉及内容", en: "Topics" },
});

/** The inputs of each task section (R4), in the guidance's order. */
export const sectionInputs: Readonly<Record<VisitSectionKey, readonly SectionInput[]>> = {
  familySituation: [
    note("notes", "家庭情况、居家环境", "Family and home"),
    note("behaviourAtHome", "在家表现", "Behaviour at home"),
    note("studyHabits", "学习和生活习惯", "Study and living habits"),
  ],
  schoolFeedback: [
    topics("topics", ["thinking", "learning", "conduct", "health", "activities", "relationships"]),
    note("notes", "反馈的在校表现", "What was said about school"),
  ],
  schoolPolicy: [
    topics("topics", ["philosophy", "features", "education_policy", "financial_aid_policy", "safety_rules"]),
    note("parentConcerns", "家长关心的问题及解答", "Parents' concerns and answers"),
  ],
  healthyGrowth: [
    topics("topics", ["psychology", "physiology", "safety", "hygiene", "parenting_methods"]),
    note("notes", "指导内容", "Guidance given"),
  ],
  prioritySupport: [
    {
      name: "supportTypes",
      kind: "topics",
      options: ["help", "psychological_counselling", "learning_tutoring", "financial_aid", "other"],
      label: { "zh-CN": "帮扶方式", en: "Support" },
    },
    note("notes", "帮扶安排", "Support arranged"),
  ],
  parentOpinions: [
    note("opinions", "家长意见", "Parents' opinions"),
    note("suggestions", "家长建议", "Parents' suggestions"),
  ],
  teacherReflection: [
    {
      name: "selfEvaluation",
      kind: "choice",
      options: ["effective", "partly_effective", "not_effective"],
      label: { "zh-CN": "自我评价", en: "Self-evaluation" },
    },
    note("reflection", "反思与评价", "Reflection"),
    note("agreedApproaches", "与家长商定的做法", "Approaches agreed with the parents"),
  ],
};

/**
 * An instant in China Standard Time from a `datetime-local` value: the programme's clock is
 * Asia/Shanghai wherever the phone thinks it is.
 *
 * @example
 * ```ts
 * shanghaiInstant("2026-11-10T16:30"); // "2026-11-10T16:30:00+08:00"
 * shanghaiInstant(""); // undefined
 * ```
 */
export function shanghaiInstant(local: string | undefined): string | undefined {
  if (!local) return undefined;
  return `${local.length === 16 ? `${local}:00` : local}+08:00`;
}

const text = (v: FormValues[string] | undefined) => (typeof v === "string" && v.trim() !== "" ? v : undefined);
const list = (v: FormValues[string] | undefined) => (Array.isArray(v) ? v : []);

function sectionOf(values: FormValues, key: VisitSectionKey): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  for (const input of sectionInputs[key]) {
    const v = values[`${key}.${input.name}`];
    if (input.kind === "topics" && list(v).length > 0) out[input.name] = list(v);
    else if (input.kind !== "topics" && text(v) !== undefined) out[input.name] = text(v);
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

function customValue(field: FieldDefinition, v: FormValues[string] | undefined): unknown {
  if (field.type === "boolean") return v === true ? true : v === false ? false : undefined;
  if (field.type === "multiselect") return list(v).length > 0 ? list(v) : undefined;
  const s = text(v);
  if (s === undefined) return undefined;
  if (field.type === "number" || field.type === "rating" || field.type === "integer") return Number(s);
  return s;
}

/**
 * The record `records.draft` takes, built from the form's values: empty sections left out,
 * times in China Standard Time, the conduct attestation stamped `attestedAt` once all six
 * rules are answered, the school's custom fields under their template.
 *
 * @example
 * ```ts
 * recordFromValues({ kind: "universal", term: "2026-2027-1", channel: "phone", "parentOpinions.opinions": "满意" }, {});
 * // { kind: "universal", term: "2026-2027-1", channel: "phone", parentOpinions: { opinions: "满意" }, … }
 * ```
 */
export function recordFromValues(
  values: FormValues,
  context: { appointmentId?: string; obligationId?: string; template?: FormTemplate; now?: string },
): DraftRecordInput {
  const record: Record<string, unknown> = {
    kind: values.kind ?? "universal",
    term: values.term,
    channel: values.channel ?? "in_home",
    companionIds: list(values.companionIds),
    outreachGoals: outreachGoals.filter((g) => list(values.outreachGoals).includes(g)),
    attendees: {
      student: values.studentPresent === true,
      guardians: list(values.guardians).map((relation) => ({ relation })),
    },
  };
  if (context.appointmentId) record.appointmentId = context.appointmentId;
  if (context.obligationId) record.obligationId = context.obligationId;
  for (const key of ["venue", "venueReason"] as const) if (text(values[key])) record[key] = text(values[key]);
  for (const key of ["arrivedAt", "departedAt"] as const) {
    const instant = shanghaiInstant(text(values[key]));
    if (instant) record[key] = instant;
  }
  for (const key of Object.keys(sectionInputs) as VisitSectionKey[]) {
    const section = sectionOf(values, key);
    if (section) record[key] = section;
  }
  const items: Record<string, unknown> = {};
  for (const rule of conductRules) {
    const answer = values[`conduct.${rule.id}`];
    if (answer === "kept") items[rule.id] = { kept: true };
    if (answer === "exception") items[rule.id] = { kept: false, exceptionNote: text(values[`conductNote.${rule.id}`]) };
  }
  if (Object.keys(items).length > 0) {
    record.conduct = {
      items,
      ...(Object.keys(items).length === conductRules.length
        ? { attestedAt: context.now ?? new Date().toISOString() }
        : {}),
    };
  }
  if (context.template) {
    const custom: Record<string, unknown> = {};
    for (const field of context.template.fields) {
      const v = customValue(field, values[`custom.${field.key}`]);
      if (v !== undefined) custom[field.key] = v;
    }
    record.customFields = {
      templateId: context.template.id,
      templateVersion: context.template.version,
      values: custom,
    };
  }
  return record as DraftRecordInput;
}

/** A problem the form shows: the field's name in the form, and the catalog's message. */
export interface FormProblem {
  name: string;
  message: string;
  /** The catalog's code (`custom_field_required` …), when the check gave one. */
  code?: string;
}

/**
 * Checks a record for submission with the very schema the server submits with (core's
 * `validateVisitRecordForSubmission`), on the phone, so a teacher offline learns what is
 * missing before the record waits for a network. Messages come from core's error catalog.
 *
 * @example
 * ```ts
 * submissionProblems(record, "stu-1", "en").map((p) => p.name); // ["arrivedAt", "attendees", …]
 * ```
 */
export function submissionProblems(record: DraftRecordInput, studentId: string, locale: Locale): FormProblem[] {
  const result = validateVisitRecordForSubmission({
    ...record,
    // Server-owned identity, filled with placeholders so only the teacher's part is judged.
    id: "local-draft",
    schoolId: "local-school",
    teacherId: "local-teacher",
    studentId,
    status: "draft",
  });
  if (result.success) return [];
  return result.error.issues.map((issue) => ({
    name: issue.path.map(String).join("."),
    message: issue.message[locale],
  }));
}

/**
 * Checks the school's own answers against its form with core's compiled template (the same
 * schema the server judges them with): required fields while shown, patterns with the school's
 * own message, numbers in range. Names are the form's input names (`custom.<key>`).
 *
 * @example
 * ```ts
 * customFieldProblems(template, { phone: "12" }, "zh-CN"); // [{ name: "custom.phone", message: "请填写11位手机号" }]
 * ```
 */
export function customFieldProblems(
  template: FormTemplate,
  values: Readonly<Record<string, unknown>>,
  locale: Locale,
): FormProblem[] {
  const result = compileFormTemplate(template).safeParse(values, { path: ["custom"] });
  if (result.success) return [];
  return result.error.issues.map((issue) => ({
    name: issue.path.map(String).join("."),
    message: issue.message[locale],
    code: issue.code,
  }));
}
