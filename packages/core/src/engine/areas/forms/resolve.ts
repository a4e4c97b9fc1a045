import type { FieldDefinitionInput } from "../../../domain/custom-fields/fields.js";
import {
  extensionIssues,
  type StoredFormTemplate,
  type TemplateBase,
} from "../../../domain/custom-fields/inheritance.js";
import { defineFormTemplate, type FormTemplate, type TemplateScope } from "../../../domain/custom-fields/template.js";
import type { StorageTx, Stored } from "../../../ports/storage.js";
import { HomevisitError } from "../../../shared/errors/homevisit-error.js";
import type { PluginRegistry } from "../../plugins.js";
import { loadAll } from "../../util.js";

/**
 * Which form a school's teachers fill, worked out from storage: the fields code plugins declare
 * for the `visitRecord` form are the base, then the city's published form, the county's, the
 * school's, each kept only while it extends the one above without weakening it (a parent that
 * published a new field reaches every school at once; a school's own fields come back when it
 * republishes on top of it).
 */

/** The id of the template built from the plugins' `visitRecord` fields (version 1). */
export const pluginTemplateId = "plugins-visit-record";

const pluginTemplates = new WeakMap<PluginRegistry, FormTemplate | null>();

/** The plugins' `visitRecord` fields as a published template, or `undefined` without any. */
export function pluginTemplate(plugins: PluginRegistry): FormTemplate | undefined {
  let template = pluginTemplates.get(plugins);
  if (template === undefined) {
    const fields = plugins.customFields("visitRecord");
    template =
      fields.length === 0
        ? null
        : defineFormTemplate({
            id: pluginTemplateId,
            version: 1,
            scope: { level: "city", id: "plugins" },
            name: { "zh-CN": "家访记录扩展字段", en: "Visit record extra fields" },
            fields: fields as FieldDefinitionInput[],
            status: "published",
            createdAt: "2026-01-01T00:00:00Z",
          });
    pluginTemplates.set(plugins, template);
  }
  return template ?? undefined;
}

/** Where a school is: its city and county. */
export interface SchoolPlace {
  cityId: string;
  countyId: string | null;
  schoolId: string;
}

/** The `scope` index value of a template scope. */
export function scopeKey(scope: TemplateScope): string {
  return `${scope.level}:${scope.id}`;
}

/** Every stored version of the templates of one scope, oldest version first. */
export async function formsOfScope(tx: StorageTx, scope: TemplateScope): Promise<Stored<StoredFormTemplate>[]> {
  const rows = await loadAll((cursor) =>
    tx.formTemplates.list({ where: { scope: scopeKey(scope) }, cursor, limit: 1000 }),
  );
  return rows.sort((a, b) => a.record.template.version - b.record.template.version);
}

/** The published version of a scope's form, if any (the newest, should two be). */
export async function publishedForm(
  tx: StorageTx,
  scope: TemplateScope,
): Promise<Stored<StoredFormTemplate> | undefined> {
  return (await publishedForms(tx, [scope])).get(scopeKey(scope));
}

/**
 * The published form of each of several scopes (the newest version, should two be), by
 * {@link scopeKey}, read in one query: a visit-record draft resolves its school's chain (city,
 * county, school) on every call, so one list instead of one per level.
 */
async function publishedForms(
  tx: StorageTx,
  scopes: readonly TemplateScope[],
): Promise<Map<string, Stored<StoredFormTemplate>>> {
  const rows = await loadAll((cursor) =>
    tx.formTemplates.list({ where: { scope: scopes.map(scopeKey), status: "published" }, cursor, limit: 1000 }),
  );
  const newest = new Map<string, Stored<StoredFormTemplate>>();
  for (const row of rows) {
    const key = scopeKey(row.record.template.scope);
    const seen = newest.get(key);
    if (seen === undefined || row.record.template.version > seen.record.template.version) newest.set(key, row);
  }
  return newest;
}

/** The form in force at a level, and the stored row it came from (none for the plugins' form). */
export interface EffectiveForm {
  template: FormTemplate | undefined;
  row: Stored<StoredFormTemplate> | undefined;
  /** Published forms passed over because they no longer extend the form above them. */
  stale: { formId: string; scope: TemplateScope; basedOn?: TemplateBase }[];
}

/** The scopes above and at a level, widest first. */
function chainOf(place: { cityId: string; countyId?: string | null; schoolId?: string | null }): TemplateScope[] {
  return [
    { level: "city", id: place.cityId },
    ...(place.countyId ? [{ level: "county" as const, id: place.countyId }] : []),
    ...(place.schoolId ? [{ level: "school" as const, id: place.schoolId }] : []),
  ];
}

/**
 * The form in force for a place (a school, or a county / city for the level above a draft):
 * the plugins' form, then each published form along the chain that extends the one before.
 *
 * @example
 * ```ts
 * await effectiveForm(tx, plugins, { cityId: "lishui", countyId: "liandu", schoolId: "sch-1" });
 * // { template: { id: "…", version: 3, scope: { level: "school", id: "sch-1" }, … }, row: …, stale: [] }
 * ```
 */
export async function effectiveForm(
  tx: StorageTx,
  plugins: PluginRegistry,
  place: { cityId: string; countyId?: string | null; schoolId?: string | null },
): Promise<EffectiveForm> {
  const out: EffectiveForm = { template: pluginTemplate(plugins), row: undefined, stale: [] };
  const chain = chainOf(place);
  const published = await publishedForms(tx, chain);
  for (const scope of chain) {
    const row = published.get(scopeKey(scope));
    if (!row) continue;
    const fits = extensionIssues(out.template?.fields ?? [], row.record.template.fields).length === 0;
    if (fits) {
      out.template = row.record.template;
      out.row = row;
    } else {
      out.stale.push({
        formId: row.record.id,
        scope,
        ...(row.record.basedOn === undefined ? {} : { basedOn: row.record.basedOn }),
      });
    }
  }
  return out;
}

/**
 * The form above a scope: what a draft at that scope extends. For a school, the county's and
 * city's forms in force; for a county, the city's; for a city, the plugins' form.
 */
export async function parentForm(tx: StorageTx, plugins: PluginRegistry, scope: TemplateScope): Promise<EffectiveForm> {
  if (scope.level === "city") return { template: pluginTemplate(plugins), row: undefined, stale: [] };
  if (scope.level === "county") {
    const county = await tx.counties.get(scope.id);
    if (!county) return { template: pluginTemplate(plugins), row: undefined, stale: [] };
    return effectiveForm(tx, plugins, { cityId: county.record.cityId });
  }
  const school = await tx.schools.get(scope.id);
  if (!school) return { template: pluginTemplate(plugins), row: undefined, stale: [] };
  return effectiveForm(tx, plugins, { cityId: school.tenant.cityId, countyId: school.tenant.countyId });
}

/** The base reference of a parent form (`undefined` when there is none). */
export function baseOf(parent: EffectiveForm): TemplateBase | undefined {
  return parent.template ? { templateId: parent.template.id, version: parent.template.version } : undefined;
}

/**
 * The template version a record names, checked to apply to the record's school: the plugins'
 * form, or a stored version (published or retired: drafts are never filled) of the school's,
 * its county's or its city's form. Anything else answers `custom_fields_template_unknown`.
 */
export async function templateOfRecord(
  tx: StorageTx,
  plugins: PluginRegistry,
  place: SchoolPlace,
  ref: { templateId: string; templateVersion: number },
): Promise<FormTemplate> {
  const unknown = () =>
    new HomevisitError("custom_fields_template_unknown", {
      params: { templateId: ref.templateId },
      path: ["customFields", "templateId"],
    });
  if (ref.templateId === pluginTemplateId) {
    const template = pluginTemplate(plugins);
    if (!template || ref.templateVersion !== template.version) throw unknown();
    return template;
  }
  const rows = await loadAll((cursor) =>
    tx.formTemplates.list({ where: { templateId: ref.templateId }, cursor, limit: 1000 }),
  );
  const allowed = new Set(chainOf(place).map(scopeKey));
  const row = rows.find(
    (r) =>
      r.record.template.version === ref.templateVersion &&
      r.record.template.status !== "draft" &&
      allowed.has(scopeKey(r.record.template.scope)),
  );
  if (!row) throw unknown();
  return row.record.template;
}
