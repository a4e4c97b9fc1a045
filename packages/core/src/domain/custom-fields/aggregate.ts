import type { LocalizedText } from "../../shared/i18n.js";
import type { FieldDefinition } from "./fields.js";
import type { FormTemplate } from "./template.js";

/**
 * Aggregates over one custom field across many records, for reports a bureau may see: counts
 * by option (select, multiselect, boolean, rating), count, sum and mean for numbers. Any group
 * of fewer than `minimum` records is suppressed (RELIABILITY.md promise 1), so no child's
 * answer can be read off a report. Version-aware: records written on different versions of a
 * form are counted together by field key (a key keeps its type across versions), under the
 * newest version's label and options.
 */

/** One group of a custom-field section. */
export interface CustomFieldGroup {
  /** The option value (`true`/`false` for yes/no, `1`… for ratings). */
  key: string;
  label: LocalizedText;
  /** Records that chose it; `null` when fewer than the minimum. */
  count: number | null;
  suppressed: boolean;
}

/** A report section over one custom field. */
export interface CustomFieldSection {
  key: string;
  label: LocalizedText;
  type: FieldDefinition["type"];
  /** Records that answered the field (`null` when fewer than the minimum). */
  answered: number | null;
  /** By option (choice, yes/no and rating fields). */
  groups: CustomFieldGroup[];
  /** For numbers: sum and mean of the answers; `null` when suppressed or not a number field. */
  sum: number | null;
  mean: number | null;
  suppressed: boolean;
}

/** One record's answers and the form version they were written on. */
export interface AnsweredForm {
  template: Pick<FormTemplate, "id" | "version" | "fields">;
  values: Readonly<Record<string, unknown>>;
}

const yes: LocalizedText = { "zh-CN": "是", en: "Yes" };
const no: LocalizedText = { "zh-CN": "否", en: "No" };

/**
 * The section of one field over many records' answers, small groups suppressed; `undefined`
 * when no record's form has the field.
 *
 * @example
 * ```ts
 * aggregateCustomField("housing", answers);
 * // { key: "housing", label: { "zh-CN": "住房情况", … }, answered: 12, groups: [{ key: "own", count: 8, … }, { key: "rent", count: null, suppressed: true, … }], … }
 * ```
 */
export function aggregateCustomField(
  key: string,
  answers: readonly AnsweredForm[],
  minimum = 5,
): CustomFieldSection | undefined {
  let field: FieldDefinition | undefined;
  let newest = -1;
  const labels = new Map<string, LocalizedText>();
  for (const { template } of answers) {
    const found = template.fields.find((f) => f.key === key);
    if (!found) continue;
    if ("options" in found) for (const o of found.options) if (!labels.has(o.value)) labels.set(o.value, o.label);
    if (template.version > newest) {
      newest = template.version;
      field = found;
      if ("options" in found) for (const o of found.options) labels.set(o.value, o.label);
    }
  }
  if (!field) return undefined;
  const counts = new Map<string, number>();
  let answered = 0;
  let sum = 0;
  for (const { values } of answers) {
    if (!Object.hasOwn(values, key)) continue;
    const value = values[key];
    if (value === undefined || value === null || value === "" || (Array.isArray(value) && value.length === 0)) continue;
    answered += 1;
    const chosen = Array.isArray(value) ? value : [value];
    for (const choice of chosen) {
      if (typeof choice === "object") continue;
      counts.set(String(choice), (counts.get(String(choice)) ?? 0) + 1);
    }
    if (typeof value === "number") sum += value;
  }
  const small = answered < minimum;
  const keys: { key: string; label: LocalizedText }[] =
    field.type === "boolean"
      ? [
          { key: "true", label: yes },
          { key: "false", label: no },
        ]
      : field.type === "rating"
        ? Array.from({ length: field.max }, (_, i) => ({
            key: String(i + 1),
            label: { "zh-CN": `${i + 1} 分`, en: `${i + 1}` },
          }))
        : field.type === "select" || field.type === "multiselect"
          ? [...labels].map(([value, label]) => ({ key: value, label }))
          : [];
  const groups = keys.map(({ key: k, label }) => {
    const count = counts.get(k) ?? 0;
    // An empty group says nothing about a child; any other group under the minimum is hidden.
    const hidden = small || (count > 0 && count < minimum);
    return { key: k, label, count: hidden ? null : count, suppressed: hidden };
  });
  const numeric = field.type === "number" || field.type === "integer" || field.type === "rating";
  return {
    key,
    label: field.label,
    type: field.type,
    answered: small ? null : answered,
    groups,
    sum: numeric && !small ? sum : null,
    mean: numeric && !small && answered > 0 ? sum / answered : null,
    suppressed: small,
  };
}
