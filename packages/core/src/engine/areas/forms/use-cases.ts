import { compileFormTemplate } from "../../../domain/custom-fields/compile.js";
import { exportTable } from "../../../domain/custom-fields/export-table.js";
import type { FieldDefinitionInput } from "../../../domain/custom-fields/fields.js";
import {
  checkExtension,
  type StoredFormTemplate,
  summariseChanges,
  upgradeValues,
} from "../../../domain/custom-fields/inheritance.js";
import { defineFormTemplate, type FormTemplate, type TemplateScope } from "../../../domain/custom-fields/template.js";
import { changeTemplateStatus } from "../../../domain/custom-fields/versions.js";
import type { VisitRecordDraft } from "../../../domain/visit-record.js";
import { visitDate } from "../../../ports/entities.js";
import type { Stored } from "../../../ports/storage.js";
import { HomevisitError } from "../../../shared/errors/homevisit-error.js";
import type { Actor } from "../../policy/actor.js";
import { tenantPolicy } from "../../targets.js";
import type { ResolveContext, UseCaseContext, UseCaseTarget } from "../../use-case.js";
import { implementUseCase } from "../../use-case.js";
import { loadAll } from "../../util.js";
import { checkVersion, studentRecordTarget } from "../area-kit.js";
import { formContracts } from "./contract.js";
import {
  baseOf,
  effectiveForm,
  formsOfScope,
  parentForm,
  pluginTemplate,
  publishedForm,
  templateOfRecord,
} from "./resolve.js";

/** Which roles design forms at which level (the matrix lets a bureau reach its schools' rows). */
const designers: Readonly<Record<TemplateScope["level"], readonly string[]>> = {
  school: ["school_admin", "principal"],
  county: ["county_bureau"],
  city: ["city_bureau"],
};

function designsAt(actor: Actor, level: TemplateScope["level"]): boolean {
  return actor.roles.some((role) => designers[level].includes(role));
}

function requireDesigner(actor: Actor, scope: TemplateScope): void {
  if (!designsAt(actor, scope.level)) throw new HomevisitError("form_scope_forbidden");
}

/** The target of a scope (its city, county or school row), for drafts and lists. */
async function scopeTarget(
  ctx: ResolveContext,
  scope: TemplateScope,
): Promise<UseCaseTarget<{ scope: TemplateScope; schoolId?: string }> | undefined> {
  const row =
    scope.level === "school"
      ? await ctx.tx.schools.get(scope.id)
      : scope.level === "county"
        ? await ctx.tx.counties.get(scope.id)
        : await ctx.tx.cities.get(scope.id);
  if (!row) return undefined;
  return {
    policy: tenantPolicy(row.tenant),
    entity: "formTemplates",
    data: { scope, ...(scope.level === "school" ? { schoolId: scope.id } : {}) },
  };
}

/** What the forms use cases load for `run`: the stored form version acted on. */
export type FormTargetData = { stored: Stored<StoredFormTemplate> };

async function formTarget(ctx: ResolveContext, formId: string): Promise<UseCaseTarget<FormTargetData> | undefined> {
  const stored = await ctx.tx.formTemplates.get(formId);
  if (!stored) return undefined;
  // Drafts are the designers' own business: to everyone else they do not exist.
  if (stored.record.template.status === "draft" && !designsAt(ctx.actor, stored.record.template.scope.level)) {
    return undefined;
  }
  return { policy: tenantPolicy(stored.tenant), entity: "formTemplates", entityId: formId, data: { stored } };
}

function defineFields(
  base: { id: string; version: number; scope: TemplateScope; createdAt: string },
  input: { name: unknown; description?: unknown; fields: readonly unknown[] },
): FormTemplate {
  return defineFormTemplate({
    ...base,
    name: input.name as FormTemplate["name"],
    ...(input.description === undefined ? {} : { description: input.description as FormTemplate["name"] }),
    fields: input.fields as FieldDefinitionInput[],
    status: "draft",
  });
}

/** The forms area's use cases. */
export const formUseCases = {
  draft: implementUseCase(formContracts.draft, {
    resolveTarget: (ctx, input) => scopeTarget(ctx, { level: input.level, id: input.scopeId }),
    async run(ctx, input) {
      const scope: TemplateScope = { level: input.level, id: input.scopeId };
      requireDesigner(ctx.actor, scope);
      const existing = await formsOfScope(ctx.tx, scope);
      const open = existing.find((r) => r.record.template.status === "draft");
      if (open) throw new HomevisitError("form_draft_exists", { params: { formId: open.record.id } });
      const last = existing[existing.length - 1];
      const template = defineFields(
        {
          id: last?.record.template.id ?? ctx.newId(),
          version: (last?.record.template.version ?? 0) + 1,
          scope,
          createdAt: ctx.now,
        },
        input,
      );
      const parent = await parentForm(ctx.tx, ctx.plugins, scope);
      checkExtension(parent.template?.fields ?? [], template.fields);
      const base = baseOf(parent);
      const stored = await ctx.tx.formTemplates.create({
        id: ctx.newId(),
        ...(scope.level === "school" ? { schoolId: scope.id } : {}),
        template,
        ...(base ? { basedOn: base } : {}),
        designedBy: ctx.actor.id,
        updatedAt: ctx.now,
      });
      ctx.recordChange({ entity: "formTemplates", before: undefined, after: stored.record });
      ctx.auditDetail("fields", template.fields.length);
      return { form: stored.record, version: stored.version };
    },
  }),

  update: implementUseCase(formContracts.update, {
    resolveTarget: (ctx, input) => formTarget(ctx, input.formId),
    async run(ctx, input) {
      const before = ctx.target.data.stored;
      requireDesigner(ctx.actor, before.record.template.scope);
      checkVersion(before, input.expectedVersion);
      if (before.record.template.status !== "draft") throw new HomevisitError("form_not_draft");
      const { id, version, scope } = before.record.template;
      const template = defineFields({ id, version, scope, createdAt: before.record.template.createdAt }, input);
      const parent = await parentForm(ctx.tx, ctx.plugins, scope);
      checkExtension(parent.template?.fields ?? [], template.fields);
      const base = baseOf(parent);
      const { basedOn: _old, ...rest } = before.record;
      const next: StoredFormTemplate = {
        ...rest,
        template,
        ...(base ? { basedOn: base } : {}),
        designedBy: ctx.actor.id,
        updatedAt: ctx.now,
      };
      const stored = await ctx.tx.formTemplates.update(before.record.id, next, {
        expectedVersion: input.expectedVersion,
      });
      ctx.recordChange({ entity: "formTemplates", before: before.record, after: stored.record });
      return { form: stored.record, version: stored.version };
    },
  }),

  preview: implementUseCase(formContracts.preview, {
    resolveTarget: (ctx, input) => formTarget(ctx, input.formId),
    async run(ctx) {
      const form = ctx.target.data.stored.record;
      requireDesigner(ctx.actor, form.template.scope);
      const parent = await parentForm(ctx.tx, ctx.plugins, form.template.scope);
      const current = await publishedForm(ctx.tx, form.template.scope);
      const before = current?.record.template ?? parent.template;
      return {
        form,
        jsonSchema: compileFormTemplate(form.template).jsonSchema,
        parent: parent.template ?? null,
        current: current?.record.template ?? null,
        summary: summariseChanges(before, form.template, parent.template),
      };
    },
  }),

  publish: implementUseCase(formContracts.publish, {
    resolveTarget: (ctx, input) => formTarget(ctx, input.formId),
    async run(ctx, input) {
      const before = ctx.target.data.stored;
      const { scope } = before.record.template;
      requireDesigner(ctx.actor, scope);
      checkVersion(before, input.expectedVersion);
      if (before.record.template.status !== "draft") throw new HomevisitError("form_not_draft");
      // The form above may have moved on since the draft was saved.
      const parent = await parentForm(ctx.tx, ctx.plugins, scope);
      checkExtension(parent.template?.fields ?? [], before.record.template.fields);
      const current = await publishedForm(ctx.tx, scope);
      const retired: string[] = [];
      if (current) {
        const next = { ...current.record, template: changeTemplateStatus(current.record.template, "retired") };
        const done = await ctx.tx.formTemplates.update(
          current.record.id,
          { ...next, retiredAt: ctx.now, updatedAt: ctx.now },
          { expectedVersion: current.version },
        );
        ctx.recordChange({ entity: "formTemplates", before: current.record, after: done.record });
        retired.push(current.record.id);
      }
      const base = baseOf(parent);
      const { basedOn: _old, ...rest } = before.record;
      const published: StoredFormTemplate = {
        ...rest,
        template: changeTemplateStatus(before.record.template, "published"),
        ...(base ? { basedOn: base } : {}),
        publishedAt: ctx.now,
        publishedBy: ctx.actor.id,
        updatedAt: ctx.now,
      };
      const stored = await ctx.tx.formTemplates.update(before.record.id, published, {
        expectedVersion: input.expectedVersion,
      });
      ctx.recordChange({ entity: "formTemplates", before: before.record, after: stored.record });
      const summary = summariseChanges(
        current?.record.template ?? parent.template,
        stored.record.template,
        parent.template,
      );
      ctx.auditDetail("added", summary.added.length);
      ctx.auditDetail("removed", summary.removed.length);
      return { form: stored.record, version: stored.version, summary, retired };
    },
  }),

  retire: implementUseCase(formContracts.retire, {
    resolveTarget: (ctx, input) => formTarget(ctx, input.formId),
    async run(ctx, input) {
      const before = ctx.target.data.stored;
      requireDesigner(ctx.actor, before.record.template.scope);
      checkVersion(before, input.expectedVersion);
      const next: StoredFormTemplate = {
        ...before.record,
        template: changeTemplateStatus(before.record.template, "retired"),
        retiredAt: ctx.now,
        updatedAt: ctx.now,
      };
      const stored = await ctx.tx.formTemplates.update(before.record.id, next, {
        expectedVersion: input.expectedVersion,
      });
      ctx.recordChange({ entity: "formTemplates", before: before.record, after: stored.record });
      return { form: stored.record, version: stored.version };
    },
  }),

  get: implementUseCase(formContracts.get, {
    resolveTarget: (ctx, input) => formTarget(ctx, input.formId),
    async run(ctx) {
      const stored = ctx.target.data.stored;
      return { form: stored.record, version: stored.version };
    },
  }),

  schema: implementUseCase(formContracts.schema, {
    resolveTarget: (ctx, input) => formTarget(ctx, input.formId),
    async run(ctx) {
      return compileFormTemplate(ctx.target.data.stored.record.template).jsonSchema;
    },
  }),

  current: implementUseCase(formContracts.current, {
    async resolveTarget(ctx, input) {
      const schoolId = input.schoolId ?? ctx.actor.schoolId;
      if (schoolId === undefined) return undefined;
      return scopeTarget(ctx, { level: "school", id: schoolId });
    },
    async run(ctx) {
      const { scope } = ctx.target.data;
      const school = await ctx.tx.schools.get(scope.id);
      const tenant = school?.tenant;
      const form = await effectiveForm(ctx.tx, ctx.plugins, {
        cityId: tenant?.cityId ?? ctx.actor.cityId,
        countyId: tenant?.countyId ?? null,
        schoolId: scope.id,
      });
      return {
        formId: form.row?.record.id ?? null,
        template: form.template ?? null,
        jsonSchema: form.template ? compileFormTemplate(form.template).jsonSchema : null,
        stale: form.stale,
      };
    },
  }),

  list: implementUseCase(formContracts.list, {
    resolveTarget: (ctx, input) => scopeTarget(ctx, { level: input.level, id: input.scopeId }),
    async run(ctx, input) {
      const { scope } = ctx.target.data;
      const seesDrafts = designsAt(ctx.actor, scope.level);
      const rows = (await formsOfScope(ctx.tx, scope))
        .filter((r) => seesDrafts || r.record.template.status !== "draft")
        .filter((r) => input.status === undefined || r.record.template.status === input.status)
        .reverse();
      return { items: rows.map((r) => ({ form: r.record, version: r.version })) };
    },
  }),

  export: implementUseCase(formContracts.export, {
    async resolveTarget(ctx, input) {
      const schoolId = input.schoolId ?? ctx.actor.schoolId;
      if (schoolId === undefined) return undefined;
      return scopeTarget(ctx, { level: "school", id: schoolId });
    },
    async run(ctx, input) {
      const schoolId = ctx.target.data.scope.id;
      const visits = (await loadAll((cursor) => ctx.tx.visitRecords.list({ where: { schoolId }, cursor, limit: 1000 })))
        .map((v) => v.record)
        .filter((r) => {
          const day = visitDate(r);
          return day !== null && day >= input.from && day <= input.to;
        })
        .filter((r) => input.termId === undefined || r.term === input.termId)
        .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      const templates = new Map<string, FormTemplate>();
      const plugin = pluginTemplate(ctx.plugins);
      if (plugin) templates.set(`${plugin.id}@${plugin.version}`, plugin);
      for (const id of new Set(visits.flatMap((v) => (v.customFields ? [v.customFields.templateId] : [])))) {
        const rows = await loadAll((cursor) =>
          ctx.tx.formTemplates.list({ where: { templateId: id }, cursor, limit: 1000 }),
        );
        for (const row of rows)
          templates.set(`${row.record.template.id}@${row.record.template.version}`, row.record.template);
      }
      const used = new Set(
        visits.flatMap((v) =>
          v.customFields ? [`${v.customFields.templateId}@${v.customFields.templateVersion}`] : [],
        ),
      );
      ctx.auditDetail("rows", visits.length);
      return exportTable(
        visits.map((r) => ({ ...r, visitedOn: visitDate(r) })),
        [...templates].filter(([id]) => used.has(id)).map(([, t]) => t),
        { locale: input.locale, ...(input.exclude === undefined ? {} : { exclude: input.exclude }) },
      );
    },
  }),

  upgradeRecord: implementUseCase(formContracts.upgradeRecord, {
    async resolveTarget(ctx, input) {
      const stored = await ctx.tx.visitRecords.get(input.recordId);
      if (!stored) return undefined;
      const r = stored.record;
      return studentRecordTarget<VisitRecordDraft>(ctx, "visitRecords", stored, r.studentId, [
        r.teacherId,
        ...r.companionIds,
      ]);
    },
    async run(ctx, input) {
      const before = ctx.target.data.stored;
      checkVersion(before, input.expectedVersion);
      if (before.record.status !== "draft") throw new HomevisitError("form_record_not_draft");
      return upgrade(ctx, before);
    },
  }),
};

async function upgrade(ctx: UseCaseContext<{ stored: Stored<VisitRecordDraft> }>, before: Stored<VisitRecordDraft>) {
  const record = before.record;
  const place = { cityId: before.tenant.cityId, countyId: before.tenant.countyId, schoolId: record.schoolId };
  const target = (await effectiveForm(ctx.tx, ctx.plugins, place)).template;
  const ref = record.customFields;
  const from = ref ? await templateOfRecord(ctx.tx, ctx.plugins, place, ref) : undefined;
  if (!target || (ref && ref.templateId === target.id && ref.templateVersion === target.version)) {
    return {
      recordId: record.id,
      version: before.version,
      templateId: ref?.templateId ?? target?.id ?? "none",
      templateVersion: ref?.templateVersion ?? target?.version ?? 1,
      added: [],
    };
  }
  const moved = upgradeValues(from ?? { fields: [] }, target, ref?.values ?? {});
  if (moved.lost.length > 0) {
    throw new HomevisitError("form_upgrade_would_lose_values", { params: { keys: moved.lost.join(", ") } });
  }
  // Values stay as they are; only the partial (draft) check applies, as for any save.
  const values = compileFormTemplate(target).parse(moved.values, { path: ["customFields", "values"], partial: true });
  const next = { ...record, customFields: { templateId: target.id, templateVersion: target.version, values } };
  const stored = await ctx.tx.visitRecords.update(record.id, next, { expectedVersion: before.version });
  ctx.recordChange({ entity: "visitRecords", before: record, after: stored.record });
  const had = new Set((from?.fields ?? []).map((f) => f.key));
  return {
    recordId: record.id,
    version: stored.version,
    templateId: target.id,
    templateVersion: target.version,
    added: target.fields.map((f) => f.key).filter((key) => !had.has(key)),
  };
}
