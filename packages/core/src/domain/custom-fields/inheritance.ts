import * as z from "zod";
import { errorCatalog } from "../../shared/errors/catalog.js";
import type { ErrorIssue } from "../../shared/errors/homevisit-error.js";
import { HomevisitError } from "../../shared/errors/homevisit-error.js";
import { formatText, type LocalizedText } from "../../shared/i18n.js";
import { idSchema, instantSchema } from "../../shared/primitives.js";
import type { FieldDefinition } from "./fields.js";
import { type FormTemplate, formTemplateSchema, type TemplateScope } from "./template.js";

/**
 * Stored templates and their inheritance: a city's form is the base of its counties', a
 * county's of its schools'. A narrower scope extends the form above it (adds fields, makes an
 * optional one required) and never weakens it: every field above stays, with its type, its
 * options and its labels, and a required field stays required. A stored version holds the
 * whole form (the fields above included), so a record validates against one immutable list.
 */

/** Which template a version extends: the parent's id and version when it was published. */
export const templateBaseSchema = z.strictObject({ templateId: idSchema, version: z.int().min(1) });
/** The parent a template version extends. */
export type TemplateBase = z.infer<typeof templateBaseSchema>;

/**
 * A stored template version (entity `formTemplates`): the template itself, the parent version
 * it was designed on, and who moved it along draft → published → retired, and when.
 */
export const storedFormTemplateSchema = z.strictObject({
  /** The row's id (a form id in routes): one per template version. */
  id: idSchema,
  /** The owning school of a school's template (its scope's id), for tenant scoping. */
  schoolId: idSchema.optional(),
  template: formTemplateSchema,
  basedOn: templateBaseSchema.optional(),
  designedBy: idSchema,
  updatedAt: instantSchema,
  publishedAt: instantSchema.optional(),
  publishedBy: idSchema.optional(),
  retiredAt: instantSchema.optional(),
});
/** A stored template version. */
export type StoredFormTemplate = z.infer<typeof storedFormTemplateSchema>;

function withoutRequired(field: FieldDefinition): string {
  const { required: _required, ...rest } = field;
  return JSON.stringify(rest);
}

/**
 * The problems of a narrower scope's fields against the form above it: a parent field left
 * out (`form_inherited_field_removed`, at `fields`), changed (`form_inherited_field_changed`,
 * at the field: type, options, labels, bounds, show-if …) or made optional
 * (`form_inherited_field_weakened`). Making an optional parent field required is allowed.
 *
 * @example
 * ```ts
 * extensionIssues(county.fields, [...county.fields, ownField]); // []
 * extensionIssues(county.fields, ownFields);
 * // [{ path: ["fields"], code: "form_inherited_field_removed", … }]
 * ```
 */
export function extensionIssues(
  parent: readonly FieldDefinition[],
  fields: readonly FieldDefinition[],
  prefix: readonly (string | number)[] = [],
): ErrorIssue[] {
  const index = new Map(fields.map((f, i) => [f.key, i]));
  const issues: ErrorIssue[] = [];
  const issue = (
    code: "form_inherited_field_removed" | "form_inherited_field_changed" | "form_inherited_field_weakened",
    path: (string | number)[],
    field: FieldDefinition,
  ) => {
    const params = { key: field.key, labelZh: field.label["zh-CN"], labelEn: field.label.en };
    const message: LocalizedText = {
      "zh-CN": formatText(errorCatalog[code].message, params, "zh-CN"),
      en: formatText(errorCatalog[code].message, params, "en"),
    };
    issues.push({ path: [...prefix, ...path], code, message });
  };
  for (const field of parent) {
    const at = index.get(field.key);
    const own = at === undefined ? undefined : fields[at];
    if (at === undefined || own === undefined) issue("form_inherited_field_removed", ["fields"], field);
    else if (withoutRequired(own) !== withoutRequired(field))
      issue("form_inherited_field_changed", ["fields", at], field);
    else if (field.required && !own.required) issue("form_inherited_field_weakened", ["fields", at, "required"], field);
  }
  return issues;
}

/**
 * Throws `validation_failed` with {@link extensionIssues} when `fields` weaken the form above.
 *
 * @example
 * ```ts
 * checkExtension(county.template.fields, schoolDraft.fields); // throws when a county field is gone
 * ```
 */
export function checkExtension(
  parent: readonly FieldDefinition[],
  fields: readonly FieldDefinition[],
  prefix: readonly (string | number)[] = [],
): void {
  const issues = extensionIssues(parent, fields, prefix);
  if (issues.length > 0) throw new HomevisitError("validation_failed", { issues });
}

/** What a new version changes for the teachers who fill the form. */
export interface TemplateChangeSummary {
  /** Fields new in this version. */
  added: { key: string; label: LocalizedText; required: boolean }[];
  /** Fields of the previous version left out (their answers stay on old records). */
  removed: { key: string; label: LocalizedText }[];
  /** Fields that became required. */
  nowRequired: { key: string; label: LocalizedText }[];
  /** Fields that became optional. */
  nowOptional: { key: string; label: LocalizedText }[];
  /** Fields changed otherwise (labels, options, bounds, show-if, sensitivity). */
  changed: { key: string; label: LocalizedText }[];
  /** Fields inherited from the form above (fixed for this scope). */
  inherited: number;
}

/**
 * Compares a version with the one teachers fill today (`undefined`: the first version).
 *
 * @example
 * ```ts
 * summariseChanges(v1, v2); // { added: [{ key: "homeStudyCorner", … }], removed: [], nowRequired: [], … }
 * ```
 */
export function summariseChanges(
  before: Pick<FormTemplate, "fields"> | undefined,
  after: Pick<FormTemplate, "fields">,
  parent?: Pick<FormTemplate, "fields">,
): TemplateChangeSummary {
  const old = new Map((before?.fields ?? []).map((f) => [f.key, f]));
  const now = new Map(after.fields.map((f) => [f.key, f]));
  const summary: TemplateChangeSummary = {
    added: [],
    removed: [],
    nowRequired: [],
    nowOptional: [],
    changed: [],
    inherited: parent ? parent.fields.filter((f) => now.has(f.key)).length : 0,
  };
  for (const field of after.fields) {
    const previous = old.get(field.key);
    if (!previous) summary.added.push({ key: field.key, label: field.label, required: field.required });
    else {
      if (field.required && !previous.required) summary.nowRequired.push({ key: field.key, label: field.label });
      if (!field.required && previous.required) summary.nowOptional.push({ key: field.key, label: field.label });
      if (withoutRequired(field) !== withoutRequired(previous))
        summary.changed.push({ key: field.key, label: field.label });
    }
  }
  for (const field of before?.fields ?? []) {
    if (!now.has(field.key)) summary.removed.push({ key: field.key, label: field.label });
  }
  return summary;
}

/**
 * Moves a draft's values to a newer version of its form: every value whose field is still
 * there with the same type is kept, new fields start empty. Keys of the old version that the
 * new one dropped are listed in `lost` when they held a value (the caller refuses the move
 * then, so a draft never loses what a teacher wrote).
 *
 * @example
 * ```ts
 * upgradeValues(v1, v2, { hasPets: true }); // { values: { hasPets: true }, lost: [] }
 * ```
 */
export function upgradeValues(
  from: Pick<FormTemplate, "fields">,
  to: Pick<FormTemplate, "fields">,
  values: Readonly<Record<string, unknown>>,
): { values: Record<string, unknown>; lost: string[] } {
  const target = new Map(to.fields.map((f) => [f.key, f.type]));
  const types = new Map(from.fields.map((f) => [f.key, f.type]));
  const kept: Record<string, unknown> = {};
  const lost: string[] = [];
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined) continue;
    if (target.has(key) && target.get(key) === types.get(key)) kept[key] = value;
    else lost.push(key);
  }
  return { values: kept, lost };
}

/**
 * Whether a scope is the same as another.
 *
 * @example
 * ```ts
 * sameScope({ level: "school", id: "sch-1" }, { level: "school", id: "sch-1" }); // true
 * sameScope({ level: "county", id: "k-1" }, { level: "school", id: "k-1" }); // false
 * ```
 */
export function sameScope(a: TemplateScope, b: TemplateScope): boolean {
  return a.level === b.level && a.id === b.id;
}
