import * as z from "zod";
import {
  fieldDefinitionSchema,
  fieldHelpSchema,
  fieldLabelSchema,
  sensitivityClassSchema,
} from "../../../domain/custom-fields/fields.js";
import { storedFormTemplateSchema, templateBaseSchema } from "../../../domain/custom-fields/inheritance.js";
import { formTemplateSchema, maxTemplateFields, templateStatusSchema } from "../../../domain/custom-fields/template.js";
import { withLabel, withOptionLabels, withOwnLabel } from "../../../shared/field-labels.js";
import { idSchema, isoDateSchema, termIdSchema } from "../../../shared/primitives.js";
import { sensitivityClasses } from "../../../shared/sensitivity.js";
import { defineContract } from "../../contract.js";
import { expectedVersionSchema } from "../contract-kit.js";

/**
 * The forms area (issue 17): schools, counties and the city extend the visit record with
 * their own fields, without code. A form is a versioned template per scope; a narrower scope
 * inherits the form above and may extend it but never weaken it. Draft → preview → publish →
 * retire; teachers fill the published version in force at their school, and every record
 * keeps the version it was drafted on.
 */

/** A stored form version, with its row version for `If-Match`. */
export const formSchema = storedFormTemplateSchema.meta({
  id: "Form",
  description: "A form template version of a city, county or school, with who designed and published it",
});

/** The JSON Schema (draft 2020-12) of a form's values object: where `customFields.values` goes. */
export const formJsonSchema = z
  .record(z.string(), z.unknown().meta({ description: "A JSON Schema keyword's value" }))
  .meta({
    id: "FormJsonSchema",
    description:
      "JSON Schema 2020-12 of customFields.values for one form version: properties by field key, titles in zh-CN, x-title in both locales, x-sensitivity, x-widget, x-show-if, x-order",
  });

const labelled = z.strictObject({ key: z.string(), label: fieldLabelSchema });

/** What a version changes for the teachers who fill it, against the version in force. */
export const formChangeSummarySchema = z
  .strictObject({
    added: z.array(labelled.extend({ required: z.boolean() })),
    removed: z.array(labelled),
    nowRequired: z.array(labelled),
    nowOptional: z.array(labelled),
    changed: z.array(labelled),
    inherited: z.int(),
  })
  .meta({ id: "FormChangeSummary", description: "What a form version changes for teachers" });

const formOutput = z.strictObject({ form: formSchema, version: z.int() });

const scopeLevelSchema = withLabel(
  withOptionLabels(z.enum(["city", "county", "school"]), {
    city: { "zh-CN": "市", en: "City" },
    county: { "zh-CN": "区县", en: "County" },
    school: { "zh-CN": "学校", en: "School" },
  }),
  { "zh-CN": "层级", en: "Level" },
);

const designInput = {
  name: fieldLabelSchema,
  description: withLabel(fieldHelpSchema.optional(), { "zh-CN": "说明", en: "Description" }),
  fields: withLabel(z.array(fieldDefinitionSchema).max(maxTemplateFields), { "zh-CN": "字段", en: "Fields" }),
};

/** The forms area's contracts. */
export const formContracts = {
  /**
   * Starts the next version of a scope's form as a draft (version 1 for a new form). The
   * fields are the whole form: those of the form above (city, county) must all be there,
   * unchanged, and required ones stay required (`form_inherited_field_removed`,
   * `form_inherited_field_changed`, `form_inherited_field_weakened`). One draft at a time
   * (`form_draft_exists`). School admins and principals design for their school, a county
   * bureau for its county, the city bureau for its city (`form_scope_forbidden`).
   *
   * @example
   * ```ts
   * await engine.forms.draft(schoolAdmin, {
   *   level: "school", scopeId: "sch-1", name: { "zh-CN": "家访补充信息" },
   *   fields: [{ type: "boolean", key: "hasStudyDesk", label: { "zh-CN": "有书桌", en: "Has a desk" }, required: true }],
   * });
   * // { form: { id: "…", template: { version: 1, status: "draft", … }, … }, version: 1 }
   * ```
   */
  draft: defineContract({
    action: "forms.design",
    entity: "formTemplates",
    description: { "zh-CN": "新建家访表单草稿", en: "Start a form draft" },
    input: z.strictObject({ level: scopeLevelSchema, scopeId: idSchema, ...designInput }),
    output: formOutput,
    targetKind: "record",
    idempotent: true,
    errors: [
      "form_draft_exists",
      "form_scope_forbidden",
      "form_inherited_field_removed",
      "form_inherited_field_changed",
      "form_inherited_field_weakened",
    ],
    http: { method: "POST", path: "/forms" },
  }),

  /**
   * Replaces a draft's name, description and fields (the designer saving). Checked like
   * {@link formContracts.draft}; only drafts change (`form_not_draft`).
   */
  update: defineContract({
    action: "forms.design",
    entity: "formTemplates",
    description: { "zh-CN": "保存家访表单草稿", en: "Save a form draft" },
    input: z.strictObject({ formId: idSchema, ...designInput, expectedVersion: expectedVersionSchema }),
    output: formOutput,
    targetKind: "record",
    errors: ["form_not_draft", "form_scope_forbidden", "form_inherited_field_removed", "form_inherited_field_changed"],
    http: { method: "PUT", path: "/forms/{formId}" },
  }),

  /**
   * What publishing a version would change, without publishing: the form, its JSON Schema,
   * the form above it and a summary against the version teachers fill today.
   */
  preview: defineContract({
    action: "forms.design",
    entity: "formTemplates",
    description: { "zh-CN": "预览家访表单", en: "Preview a form" },
    input: z.strictObject({ formId: idSchema }),
    output: z.strictObject({
      form: formSchema,
      jsonSchema: formJsonSchema,
      parent: formTemplateSchema.nullable(),
      current: formTemplateSchema.nullable(),
      summary: formChangeSummarySchema,
    }),
    targetKind: "record",
    http: { method: "GET", path: "/forms/{formId}/preview" },
  }),

  /**
   * Publishes a draft: from now on new records at the scope (and below it, where the forms
   * below still extend it) are drafted on this version. The version published before is
   * retired (old records keep validating against it). Re-checked against the form above as it
   * is now. Answers what changes for teachers.
   *
   * @example
   * ```ts
   * await engine.forms.publish(schoolAdmin, { formId: "form-1", expectedVersion: 2 });
   * // { form: { template: { status: "published", … } }, version: 3, summary: { added: [{ key: "hasStudyDesk", … }], … }, retired: [] }
   * ```
   */
  publish: defineContract({
    action: "forms.design",
    entity: "formTemplates",
    description: { "zh-CN": "发布家访表单", en: "Publish a form" },
    input: z.strictObject({ formId: idSchema, expectedVersion: expectedVersionSchema }),
    output: z.strictObject({
      form: formSchema,
      version: z.int(),
      summary: formChangeSummarySchema,
      retired: z.array(idSchema),
    }),
    targetKind: "record",
    errors: [
      "form_not_draft",
      "form_scope_forbidden",
      "form_inherited_field_removed",
      "custom_field_illegal_transition",
    ],
    http: { method: "POST", path: "/forms/{formId}/publish" },
  }),

  /** Retires a version (a draft dropped, or a published form withdrawn): no new records use it. */
  retire: defineContract({
    action: "forms.design",
    entity: "formTemplates",
    description: { "zh-CN": "停用家访表单", en: "Retire a form" },
    input: z.strictObject({ formId: idSchema, expectedVersion: expectedVersionSchema }),
    output: formOutput,
    targetKind: "record",
    errors: ["form_scope_forbidden", "custom_field_illegal_transition"],
    http: { method: "POST", path: "/forms/{formId}/retire" },
  }),

  /** One form version. Teachers see published and retired versions only. */
  get: defineContract({
    action: "forms.read",
    entity: "formTemplates",
    description: { "zh-CN": "查看家访表单", en: "Read a form" },
    input: z.strictObject({ formId: idSchema }),
    output: formOutput,
    targetKind: "record",
    http: { method: "GET", path: "/forms/{formId}" },
  }),

  /**
   * A form version as JSON Schema 2020-12 (`z.toJSONSchema` of the compiled template, with
   * labels, sensitivity, widgets and show-if): the schema of `customFields.values` of a record
   * whose `customFields.templateId` and `templateVersion` name this version.
   *
   * @example
   * ```ts
   * await engine.forms.schema(teacher, { formId: "form-1" });
   * // { $schema: "https://json-schema.org/draft/2020-12/schema", type: "object", properties: { hasStudyDesk: { type: "boolean", … } }, … }
   * ```
   */
  schema: defineContract({
    action: "forms.read",
    entity: "formTemplates",
    description: { "zh-CN": "家访表单的 JSON Schema", en: "A form as JSON Schema" },
    input: z.strictObject({ formId: idSchema }),
    output: formJsonSchema,
    targetKind: "record",
    http: { method: "GET", path: "/forms/{formId}/schema" },
  }),

  /**
   * The form teachers of a school fill today (the caller's school unless `schoolId` is given,
   * for a bureau): the template in force, its stored id, its JSON Schema, and forms passed over
   * because they no longer extend the form above them (they must be published again).
   * `template` is `null` when no form adds fields.
   */
  current: defineContract({
    action: "forms.read",
    entity: "formTemplates",
    description: { "zh-CN": "本校当前使用的家访表单", en: "The form a school fills today" },
    input: z.strictObject({ schoolId: idSchema.optional() }),
    output: z.strictObject({
      formId: idSchema.nullable(),
      template: formTemplateSchema.nullable(),
      jsonSchema: formJsonSchema.nullable(),
      stale: z.array(
        z.strictObject({
          formId: idSchema,
          scope: z.strictObject({ level: scopeLevelSchema, id: idSchema }),
          basedOn: templateBaseSchema.optional(),
        }),
      ),
    }),
    targetKind: "collection",
    http: { method: "GET", path: "/visit-form" },
  }),

  /** Every version of a scope's forms, newest first (teachers: published and retired only). */
  list: defineContract({
    action: "forms.read",
    entity: "formTemplates",
    description: { "zh-CN": "家访表单的各个版本", en: "The versions of a scope's forms" },
    input: z.strictObject({
      level: scopeLevelSchema,
      scopeId: idSchema,
      status: withLabel(templateStatusSchema.optional(), {
        "zh-CN": "表单状态",
        en: "Status",
      }),
    }),
    output: z.strictObject({ items: z.array(formOutput) }),
    targetKind: "collection",
    http: { method: "GET", path: "/forms" },
  }),

  /**
   * A school's visit records with their custom values as a table (one column per custom field
   * across every form version the records were written on; empty where a record's version has
   * no such field), for CSV and xlsx (`exportCsv`, `exportXlsx` in `@homevisit/rest`). Needs a
   * stated purpose and is audited, like every export of personal data; `exclude` leaves out
   * columns of the given sensitivity classes. Built-in columns are ids, codes and dates only.
   *
   * @example
   * ```ts
   * await engine.forms.export(principal, { from: "2026-09-01", to: "2027-01-31" }, { purpose: "学期总结" });
   * // { columns: [{ key: "id", … }, …, { key: "housing", label: { "zh-CN": "住房情况", … }, sensitivity: "sensitive", versions: ["tpl@2", "tpl@1"] }], rows: [["v-1", …, "租住"]] }
   * ```
   */
  export: defineContract({
    action: "data.export",
    entity: "visitRecords",
    description: {
      "zh-CN": "导出本校家访记录（含自定义字段）",
      en: "Export a school's visit records with custom fields",
    },
    input: z.strictObject({
      schoolId: idSchema.optional(),
      from: withOwnLabel(isoDateSchema, { "zh-CN": "起始日期", en: "From" }),
      to: withOwnLabel(isoDateSchema, { "zh-CN": "截止日期", en: "To" }),
      termId: termIdSchema.optional(),
      locale: withLabel(
        withOptionLabels(z.enum(["zh-CN", "en"]), {
          "zh-CN": { "zh-CN": "中文", en: "Chinese" },
          en: { "zh-CN": "英文", en: "English" },
        }).default("zh-CN"),
        { "zh-CN": "导出语言", en: "Language" },
      ),
      exclude: withLabel(z.array(sensitivityClassSchema).max(4).optional(), {
        "zh-CN": "排除的敏感级别",
        en: "Classes left out",
      }),
    }),
    output: z
      .strictObject({
        columns: z.array(
          z.strictObject({
            key: z.string(),
            label: z.strictObject({ "zh-CN": z.string(), en: z.string() }),
            sensitivity: z.enum(sensitivityClasses),
            versions: z.array(z.string()).optional(),
          }),
        ),
        rows: z.array(z.array(z.string())),
      })
      .meta({ id: "ExportTable", description: "Rows and columns of an export, cells as text" }),
    targetKind: "collection",
    http: { method: "GET", path: "/exports/visit-records" },
  }),

  /**
   * Moves a draft visit record to the form version in force, keeping every value whose field
   * is still there; new fields start empty. Refused when the new version drops a field the
   * record holds a value for (`form_upgrade_would_lose_values`): the record keeps its version
   * and stays valid against it.
   *
   * @example
   * ```ts
   * await engine.forms.upgradeRecord(teacher, { recordId: "v-1", expectedVersion: 2 });
   * // { record: { customFields: { templateId: "…", templateVersion: 3, values: { … } }, … }, version: 3, added: ["homeStudyCorner"] }
   * ```
   */
  upgradeRecord: defineContract({
    action: "records.write",
    entity: "visitRecords",
    description: { "zh-CN": "草稿记录换用新版表单", en: "Move a draft record to the newest form" },
    input: z.strictObject({ recordId: idSchema, expectedVersion: expectedVersionSchema }),
    output: z.strictObject({
      recordId: idSchema,
      version: z.int(),
      templateId: idSchema,
      templateVersion: z.int(),
      added: z.array(z.string()),
    }),
    targetKind: "record",
    errors: ["form_upgrade_would_lose_values", "form_record_not_draft"],
    http: { method: "POST", path: "/visit-records/{recordId}/form-upgrade" },
  }),
};
