// A published template as JSON Schema (draft 2020-12): what `GET /forms/{id}/schema` answers and
// what the OpenAPI document links for custom values.
import * as z from "zod";
import type { LocalizedText } from "../../shared/i18n.js";
import type { FieldDefinition, ShowIf } from "./fields.js";
import type { FormTemplate } from "./template.js";

/** A JSON Schema object (draft 2020-12), as plain data. */
export type JsonSchema = { [keyword: string]: unknown };

function widgetOf(field: FieldDefinition): string {
  return field.type;
}

function labelled(options: readonly { value: string; label: LocalizedText }[]): JsonSchema[] {
  return options.map((o) => ({ const: o.value, title: o.label["zh-CN"], "x-title": o.label }));
}

function fieldJsonSchema(field: FieldDefinition, schema: z.ZodType): JsonSchema {
  const {
    $schema: _drop,
    label: _label,
    ...generated
  } = z.toJSONSchema(schema, {
    target: "draft-2020-12",
    unrepresentable: "any",
  }) as JsonSchema;
  const out: JsonSchema = {
    ...generated,
    title: field.label["zh-CN"],
    "x-title": field.label,
    "x-widget": widgetOf(field),
    "x-sensitivity": field.sensitivity,
  };
  if (field.help) {
    out.description = field.help["zh-CN"];
    out["x-description"] = field.help;
  }
  if (field.showIf) out["x-show-if"] = field.showIf;
  // Values are matched by RE2 (a refinement zod cannot describe); the document still states
  // the pattern for clients, in the ECMAScript syntax JSON Schema uses.
  if (field.type === "text" && field.pattern !== undefined) {
    out.pattern = field.pattern;
    if (field.patternMessage) out["x-pattern-message"] = field.patternMessage;
  }
  if (field.type === "select") {
    delete out.enum;
    out.oneOf = labelled(field.options);
  }
  if (field.type === "multiselect") {
    out.items = { type: "string", oneOf: labelled(field.options) };
    out.uniqueItems = true;
  }
  if ((field.type === "date" || field.type === "time") && field.min !== undefined) out.formatMinimum = field.min;
  if ((field.type === "date" || field.type === "time") && field.max !== undefined) out.formatMaximum = field.max;
  if (field.type === "textarea") out["x-multiline"] = true;
  return out;
}

/** The JSON Schema `if` that holds when a field's show-if condition does. */
function conditionJsonSchema(condition: ShowIf, controller: FieldDefinition | undefined): JsonSchema {
  const multi = controller?.type === "multiselect" || controller?.type === "photo";
  let test: JsonSchema;
  if (condition.notEmpty) {
    test = multi
      ? { minItems: 1 }
      : controller?.type === "text" || controller?.type === "textarea"
        ? { minLength: 1 }
        : {};
  } else if (condition.equals !== undefined) {
    test = multi ? { contains: { const: condition.equals } } : { const: condition.equals };
  } else {
    test = multi ? { contains: { enum: condition.in } } : { enum: condition.in };
  }
  return { properties: { [condition.field]: test }, required: [condition.field] };
}

export function buildJsonSchema(template: FormTemplate, fieldSchemas: Record<string, z.ZodType>): JsonSchema {
  const byKey = new Map(template.fields.map((f) => [f.key, f]));
  const properties: Record<string, JsonSchema> = {};
  for (const field of template.fields) {
    properties[field.key] = fieldJsonSchema(field, fieldSchemas[field.key] as z.ZodType);
  }
  const conditional = template.fields
    .filter((f) => f.required && f.showIf)
    .map((f) => ({
      if: conditionJsonSchema(f.showIf as ShowIf, byKey.get((f.showIf as ShowIf).field)),
      // biome-ignore lint/suspicious/noThenProperty: `then` is the JSON Schema keyword.
      then: { required: [f.key] },
    }));
  const schema: JsonSchema = {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    title: template.name["zh-CN"],
    "x-title": template.name,
    type: "object",
    properties,
    required: template.fields.filter((f) => f.required && !f.showIf).map((f) => f.key),
    additionalProperties: false,
    "x-template": { id: template.id, version: template.version, scope: template.scope },
    "x-order": template.fields.map((f) => f.key),
  };
  if (template.description) {
    schema.description = template.description["zh-CN"];
    schema["x-description"] = template.description;
  }
  if (conditional.length > 0) schema.allOf = conditional;
  return schema;
}

export function deepFreezeJson<T>(value: T): T {
  if (value && typeof value === "object") {
    for (const inner of Object.values(value)) deepFreezeJson(inner);
    Object.freeze(value);
  }
  return value;
}
