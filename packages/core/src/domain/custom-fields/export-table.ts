import type { LocalizedText } from "../../shared/i18n.js";
import type { Sensitivity } from "../../shared/sensitivity.js";
import type { FieldDefinition } from "./fields.js";
import type { FormTemplate } from "./template.js";

/**
 * A school's visit records as a table, one column per custom field across every form version
 * the records were written on (version-aware: a cell is empty where a record's version has no
 * such field), for CSV and xlsx exports. Cells are text as a person reads them: options by
 * their label, yes/no in words, lists joined with "；", photos counted.
 */

/** One column of an export. */
export interface ExportColumn {
  key: string;
  label: LocalizedText;
  /** The column's sensitivity (custom fields: the school's class for the field). */
  sensitivity: Sensitivity;
  /** For custom fields: the form versions that have it (`templateId@version`). */
  versions?: string[];
}

/** A table ready to encode. */
export interface ExportTable {
  columns: ExportColumn[];
  rows: string[][];
}

/** The built-in part of a row, as the export shows it. */
export interface ExportRecord {
  id: string;
  studentId: string;
  teacherId: string;
  term: string;
  kind: string;
  channel: string;
  status: string;
  visitedOn: string | null;
  customFields?: { templateId: string; templateVersion: number; values: Readonly<Record<string, unknown>> };
}

const builtIn: ExportColumn[] = [
  { key: "id", label: { "zh-CN": "记录编号", en: "Record id" }, sensitivity: "internal" },
  { key: "studentId", label: { "zh-CN": "学生编号", en: "Student id" }, sensitivity: "internal" },
  { key: "teacherId", label: { "zh-CN": "教师编号", en: "Teacher id" }, sensitivity: "internal" },
  { key: "term", label: { "zh-CN": "学期", en: "Term" }, sensitivity: "internal" },
  { key: "kind", label: { "zh-CN": "家访类型", en: "Kind" }, sensitivity: "internal" },
  { key: "channel", label: { "zh-CN": "方式", en: "Channel" }, sensitivity: "internal" },
  { key: "status", label: { "zh-CN": "状态", en: "Status" }, sensitivity: "internal" },
  { key: "visitedOn", label: { "zh-CN": "家访日期", en: "Visit date" }, sensitivity: "internal" },
  { key: "formVersion", label: { "zh-CN": "表单版本", en: "Form version" }, sensitivity: "internal" },
];

function cell(field: FieldDefinition, value: unknown, locale: "zh-CN" | "en"): string {
  if (value === undefined || value === null) return "";
  const option = (v: unknown) =>
    "options" in field ? (field.options.find((o) => o.value === v)?.label[locale] ?? String(v)) : String(v);
  switch (field.type) {
    case "boolean":
      return value === true ? (locale === "en" ? "Yes" : "是") : locale === "en" ? "No" : "否";
    case "select":
      return option(value);
    case "multiselect":
      return Array.isArray(value) ? value.map(option).join(locale === "en" ? "; " : "；") : "";
    case "photo":
      return Array.isArray(value) ? String(value.length) : "";
    default:
      return typeof value === "object" ? JSON.stringify(value) : String(value);
  }
}

/**
 * The export table of records written on the given form versions. Columns: the built-in ones,
 * then every custom field key in the order of the newest version, then keys only older
 * versions had. `sensitivities` of `exclude` are left out (e.g. `["sensitive"]` for a list
 * without a stated purpose).
 *
 * @example
 * ```ts
 * exportTable(records, [v1, v2]).columns.map((c) => c.key);
 * // ["id", "studentId", …, "formVersion", "housing", "hasStudyDesk", "homeStudyCorner"]
 * ```
 */
export function exportTable(
  records: readonly ExportRecord[],
  templates: readonly Pick<FormTemplate, "id" | "version" | "fields">[],
  options: { locale?: "zh-CN" | "en"; exclude?: readonly Sensitivity[] } = {},
): ExportTable {
  const locale = options.locale ?? "zh-CN";
  const exclude = new Set(options.exclude ?? []);
  const byVersion = new Map(templates.map((t) => [`${t.id}@${t.version}`, t]));
  const newestFirst = [...templates].sort((a, b) => b.version - a.version);
  const columns = new Map<string, ExportColumn & { field: FieldDefinition }>();
  for (const template of newestFirst) {
    for (const field of template.fields) {
      const id = `${template.id}@${template.version}`;
      const known = columns.get(field.key);
      if (known) known.versions?.push(id);
      else
        columns.set(field.key, {
          key: field.key,
          label: field.label,
          sensitivity: field.sensitivity,
          versions: [id],
          field,
        });
    }
  }
  const custom = [...columns.values()].filter((c) => !exclude.has(c.sensitivity));
  const rows = records.map((r) => {
    const ref = r.customFields;
    const template = ref ? byVersion.get(`${ref.templateId}@${ref.templateVersion}`) : undefined;
    const own = new Map(template?.fields.map((f) => [f.key, f]));
    return [
      r.id,
      r.studentId,
      r.teacherId,
      r.term,
      r.kind,
      r.channel,
      r.status,
      r.visitedOn ?? "",
      ref ? `${ref.templateId}@${ref.templateVersion}` : "",
      ...custom.map((c) => {
        const field = own.get(c.key);
        return field && ref && Object.hasOwn(ref.values, c.key) ? cell(field, ref.values[c.key], locale) : "";
      }),
    ];
  });
  return {
    columns: [...builtIn, ...custom.map(({ field: _field, ...column }) => column)],
    rows,
  };
}
