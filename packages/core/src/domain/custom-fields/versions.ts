import * as z from "zod";
import { HomevisitError } from "../../shared/errors/homevisit-error.js";
import { issuesFromZod } from "../../shared/errors/parse.js";
import type { Id, Instant } from "../../shared/primitives.js";
import { idSchema } from "../../shared/primitives.js";
import { compileFormTemplate, type ParseValuesOptions } from "./compile.js";
import type { CustomFieldValues, FieldDefinitionInput, FieldLabelInput } from "./fields.js";
import {
  defineFormTemplate,
  type FormTemplate,
  type TemplateScope,
  type TemplateStatus,
  templateStatuses,
} from "./template.js";

/** What a new version of a template changes; anything left out is kept from the previous one. */
export interface TemplateChanges {
  /** The new version's fields (the whole list). */
  fields?: readonly FieldDefinitionInput[];
  name?: FieldLabelInput;
  description?: FieldLabelInput;
  /** A school or county may take over a city template's id with its own version. */
  scope?: TemplateScope;
  /** When the new version is created: core reads no clock. */
  createdAt: Instant;
}

/** Options of {@link nextTemplateVersion}. */
export interface NextVersionOptions {
  /**
   * Every stored version of the template (any scope). The new version number is one above the
   * highest, and a key kept across versions must keep its type in all of them.
   */
  existing?: readonly FormTemplate[];
}

/**
 * Makes the next version of a template as a `draft`: version one above the highest known,
 * the changes applied, validated like {@link defineFormTemplate}. Earlier versions are not
 * touched, so every record written with them still validates against the version it names.
 * A field key kept across versions must keep its type (`custom_field_type_changed` at
 * `["fields", i, "type"]`): reports compare answers across versions by key.
 *
 * @example
 * ```ts
 * const v2 = nextTemplateVersion(v1, {
 *   fields: [...v1.fields, { type: "rating", key: "homeStudyCorner", label: { "zh-CN": "学习角" } }],
 *   createdAt: "2027-02-20T08:00:00+08:00",
 * });
 * v2.version; // 2
 * v2.status; // "draft"
 * ```
 */
export function nextTemplateVersion(
  previous: FormTemplate,
  changes: TemplateChanges,
  options: NextVersionOptions = {},
): FormTemplate {
  const history = [previous, ...(options.existing ?? []).filter((t) => t.id === previous.id)];
  const version = Math.max(...history.map((t) => t.version)) + 1;
  const next = defineFormTemplate({
    id: previous.id,
    version,
    scope: changes.scope ?? previous.scope,
    name: changes.name ?? previous.name,
    ...(changes.description !== undefined || previous.description !== undefined
      ? { description: changes.description ?? previous.description }
      : {}),
    fields: (changes.fields ?? previous.fields) as FieldDefinitionInput[],
    status: "draft",
    createdAt: changes.createdAt,
  });
  const typeOf = new Map<string, string>();
  for (const template of history) for (const field of template.fields) typeOf.set(field.key, field.type);
  const issues = next.fields.flatMap((field, index) => {
    const before = typeOf.get(field.key);
    if (before === undefined || before === field.type) return [];
    const error = new HomevisitError("custom_field_type_changed", {
      params: { key: field.key, from: before, to: field.type },
    });
    return [{ path: ["fields", index, "type"], code: error.code, message: error.messages }];
  });
  if (issues.length > 0) throw new HomevisitError("validation_failed", { issues });
  return next;
}

const transitions: Readonly<Record<TemplateStatus, readonly TemplateStatus[]>> = {
  draft: ["published", "retired"],
  published: ["retired"],
  retired: [],
};

/**
 * Moves a template version along draft → published → retired (a draft may also be dropped to
 * retired). Only the status changes: fields of a published version are fixed. Throws
 * `custom_field_illegal_transition` for any other move.
 *
 * @example
 * ```ts
 * changeTemplateStatus(draft, "published").status; // "published"
 * changeTemplateStatus(retired, "published"); // throws custom_field_illegal_transition
 * ```
 */
export function changeTemplateStatus(template: FormTemplate, to: TemplateStatus): FormTemplate {
  if (!templateStatuses.includes(to) || !transitions[template.status].includes(to)) {
    throw new HomevisitError("custom_field_illegal_transition", {
      params: { from: template.status, to: String(to) },
      path: ["status"],
    });
  }
  return Object.freeze({ ...template, status: to });
}

/**
 * Finds the template version a record names, whatever its status (retired versions still
 * validate old records). Throws `custom_field_template_not_found` when absent, and
 * `custom_field_template_ambiguous` when two different templates claim the same id and version.
 *
 * @example
 * ```ts
 * resolveTemplate([v1, v2], "family-extra", 1) === v1; // true
 * resolveTemplate([v1, v2], "family-extra", 9); // throws custom_field_template_not_found
 * ```
 */
export function resolveTemplate(templates: readonly FormTemplate[], templateId: Id, version: number): FormTemplate {
  const matches = templates.filter((t) => t.id === templateId && t.version === version);
  const [first, ...others] = matches;
  if (!first) {
    throw new HomevisitError("custom_field_template_not_found", { params: { templateId, version } });
  }
  const fingerprint = JSON.stringify(first);
  if (others.some((t) => t !== first && JSON.stringify(t) !== fingerprint)) {
    throw new HomevisitError("custom_field_template_ambiguous", { params: { templateId, version } });
  }
  return first;
}

/** Where a record or form is: the city, and the county and school when known. */
export interface ScopeLocation {
  cityId: Id;
  countyId?: Id;
  schoolId?: Id;
}

const levelRank = { city: 0, county: 1, school: 2 } as const;

/**
 * The published templates that apply at a place: city templates of its city, county templates
 * of its county, school templates of its school. For one template id the narrowest scope wins
 * (school over county over city), and within a scope the highest published version.
 * Sorted by template id.
 *
 * @example
 * ```ts
 * // city "ls" publishes family-extra v1; school "s1" publishes family-extra v2
 * templatesInScope(all, { cityId: "ls", countyId: "lsq", schoolId: "s1" }).map((t) => t.version); // [2]
 * templatesInScope(all, { cityId: "ls", countyId: "lsq", schoolId: "s2" }).map((t) => t.version); // [1]
 * ```
 */
export function templatesInScope(templates: readonly FormTemplate[], location: ScopeLocation): FormTemplate[] {
  const applies = (scope: TemplateScope): boolean =>
    (scope.level === "city" && scope.id === location.cityId) ||
    (scope.level === "county" && scope.id === location.countyId) ||
    (scope.level === "school" && scope.id === location.schoolId);
  const best = new Map<string, FormTemplate>();
  for (const template of templates) {
    if (template.status !== "published" || !applies(template.scope)) continue;
    const current = best.get(template.id);
    const better =
      !current ||
      levelRank[template.scope.level] > levelRank[current.scope.level] ||
      (levelRank[template.scope.level] === levelRank[current.scope.level] && template.version > current.version);
    if (better) best.set(template.id, template);
  }
  return [...best.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** Options of {@link validateCustomFields}. */
export interface ValidateCustomFieldsOptions {
  /** Where the custom-field part sits in the request body. Default `["customFields"]`. */
  path?: ParseValuesOptions["path"];
}

/**
 * Validates the custom-field part of a record against the template version it names, found
 * among `templates` (published or not: an old record keeps validating after its version is
 * retired). Returns the part with values parsed (hidden fields dropped); throws a
 * `HomevisitError` whose issue paths start with `options.path` (default `["customFields"]`),
 * e.g. `["customFields", "values", "hobby"]`.
 *
 * @example
 * ```ts
 * validateCustomFields([v1, v2], { templateId: "family-extra", templateVersion: 1, values: { hasPets: false } });
 * // { templateId: "family-extra", templateVersion: 1, values: { hasPets: false } }
 * ```
 */
export function validateCustomFields(
  templates: readonly FormTemplate[],
  input: unknown,
  options: ValidateCustomFieldsOptions = {},
): { templateId: Id; templateVersion: number; values: CustomFieldValues } {
  const path = options.path ?? ["customFields"];
  const envelope = z
    .strictObject({ templateId: idSchema, templateVersion: z.int().min(1), values: z.unknown() })
    .safeParse(input);
  if (!envelope.success) {
    throw new HomevisitError("validation_failed", { issues: issuesFromZod(envelope.error.issues, path) });
  }
  const { templateId, templateVersion } = envelope.data;
  let template: FormTemplate;
  try {
    template = resolveTemplate(templates, templateId, templateVersion);
  } catch (error) {
    if (error instanceof HomevisitError) {
      throw new HomevisitError(error.code, { params: error.params, path: [...path, "templateVersion"] });
    }
    throw error;
  }
  const values = compileFormTemplate(template).parse(envelope.data.values, { path: [...path, "values"] });
  return { templateId, templateVersion, values };
}
