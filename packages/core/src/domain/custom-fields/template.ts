import * as z from "zod";
import { addCatalogIssue, parseInput } from "../../shared/errors/parse.js";
import { withOptionLabels } from "../../shared/field-labels.js";
import type { LocalizedText } from "../../shared/i18n.js";
import { idSchema, instantSchema } from "../../shared/primitives.js";
import { type FieldDefinition, fieldDefinitionSchema, fieldHelpSchema, fieldLabelSchema } from "./fields.js";
import type { TypedFormTemplate, ValuesOfFields } from "./typed-values.js";

/** Who a template applies to: a whole city, a county or one school. */
export const templateScopeSchema = z.strictObject({
  level: z.enum(["city", "county", "school"]),
  id: idSchema,
});
/** The scope of a form template. */
export type TemplateScope = z.infer<typeof templateScopeSchema>;

/**
 * The life of a template version: `draft` (editable, not offered), `published` (offered for
 * new records), `retired` (no new records; old ones still validate against it).
 */
export const templateStatuses = ["draft", "published", "retired"] as const;
/** The words for each state of a template version. */
export const templateStatusLabels: Readonly<Record<(typeof templateStatuses)[number], LocalizedText>> = {
  draft: { "zh-CN": "草稿", en: "Draft" },
  published: { "zh-CN": "已发布", en: "Published" },
  retired: { "zh-CN": "已停用", en: "Retired" },
};
/** A template's status. */
export const templateStatusSchema = withOptionLabels(z.enum(templateStatuses), templateStatusLabels);
/** A template's status. */
export type TemplateStatus = z.infer<typeof templateStatusSchema>;

/** The most fields one template may hold: a visit form longer than this is not filled in well. */
export const maxTemplateFields = 200;

type Issues = { addIssue: (issue: z.core.$ZodRawIssue) => void };

/** What the cross-field checks read: definitions that may have failed their own schema. */
interface LooseField {
  key?: unknown;
  type?: unknown;
  options?: unknown;
  showIf?: { field?: unknown; equals?: unknown; in?: unknown; notEmpty?: unknown };
}

function checkFields(fields: unknown, ctx: Issues): void {
  if (!Array.isArray(fields)) return;
  const list = fields as (LooseField | null | undefined)[];
  const byKey = new Map<string, { index: number; field: LooseField }>();
  list.forEach((field, index) => {
    const key = field?.key;
    if (!field || typeof key !== "string") return;
    if (byKey.has(key)) addCatalogIssue(ctx, "custom_field_duplicate_key", { key }, ["fields", index, "key"]);
    else byKey.set(key, { index, field });
  });
  list.forEach((field, index) => {
    const target = field?.showIf?.field;
    if (!field?.showIf || typeof target !== "string") return;
    const path = ["fields", index, "showIf"];
    const controller = byKey.get(target);
    if (!controller) {
      addCatalogIssue(ctx, "custom_field_show_if_unknown_field", { field: target }, [...path, "field"]);
      return;
    }
    checkConditionValues(ctx, field.showIf, controller.field, target, path);
  });
  // Each cycle is reported once, at the field where the walk first closes it.
  const state = new Map<string, "visiting" | "done">();
  const visit = (key: string, trail: string[]): void => {
    state.set(key, "visiting");
    const entry = byKey.get(key);
    const target = entry?.field.showIf?.field;
    if (entry && typeof target === "string" && byKey.has(target)) {
      if (state.get(target) === "visiting") {
        const cycle = [...trail.slice(trail.indexOf(target)), key, target].join(" → ");
        addCatalogIssue(ctx, "custom_field_show_if_cycle", { cycle }, ["fields", entry.index, "showIf", "field"]);
      } else if (!state.has(target)) {
        visit(target, [...trail, key]);
      }
    }
    state.set(key, "done");
  };
  for (const key of byKey.keys()) if (!state.has(key)) visit(key, []);
}

/** The kinds of value a field holds, for comparing show-if values with it. */
function valueKind(type: unknown): "string" | "number" | "boolean" | "none" {
  switch (type) {
    case "number":
    case "integer":
    case "rating":
      return "number";
    case "boolean":
      return "boolean";
    case "photo":
      return "none";
    default:
      return "string";
  }
}

function checkConditionValues(
  ctx: Issues,
  condition: NonNullable<LooseField["showIf"]>,
  controller: LooseField,
  target: string,
  path: (string | number)[],
): void {
  const kind = valueKind(controller.type);
  const optionValues = Array.isArray(controller.options)
    ? new Set(controller.options.map((o: unknown) => (o as { value?: unknown } | null)?.value))
    : undefined;
  const fits = (value: unknown): boolean => {
    if (kind === "none" || typeof value !== kind) return false;
    if ((controller.type === "select" || controller.type === "multiselect") && optionValues) {
      return optionValues.has(value);
    }
    return true;
  };
  const report = (at: (string | number)[]) =>
    addCatalogIssue(ctx, "custom_field_show_if_bad_value", { field: target, type: String(controller.type) }, at);
  if (condition.equals !== undefined && !fits(condition.equals)) report([...path, "equals"]);
  if (Array.isArray(condition.in)) {
    condition.in.forEach((value: unknown, i) => {
      if (!fits(value)) report([...path, "in", i]);
    });
  }
}

/**
 * A form template: a versioned, scoped list of custom fields a school, county or city adds to
 * visit records. `(id, version)` names one immutable definition; a record stores both, so it
 * validates against the version it was written with forever.
 */
export const formTemplateSchema = z
  .strictObject({
    id: idSchema,
    version: z.int().min(1).max(1_000_000),
    scope: templateScopeSchema,
    name: fieldLabelSchema,
    description: fieldHelpSchema.optional(),
    fields: z.array(fieldDefinitionSchema).max(maxTemplateFields),
    status: templateStatusSchema,
    createdAt: instantSchema,
  })
  .superRefine((template, ctx) => checkFields(template.fields, ctx), { when: () => true });
/** A form template, defaults applied. */
export type FormTemplate = z.infer<typeof formTemplateSchema>;
/** A form template as an admin writes it (labels' en and fields' defaults optional). */
export type FormTemplateInput = z.input<typeof formTemplateSchema>;

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

/**
 * Validates a form template and returns it with defaults applied and frozen (a template
 * version is immutable once defined: records depend on it). Given a literal, the result also
 * carries the type of its values, so `compileFormTemplate(template).parse(...)` is typed. Throws a `HomevisitError`
 * `validation_failed` listing every problem: bad keys (`reserved_key`,
 * `custom_field_invalid_key`), `custom_field_duplicate_key`, `custom_field_invalid_pattern`,
 * `custom_field_unsafe_pattern`, `custom_field_options_missing`, `custom_field_bad_range`,
 * `custom_field_show_if_unknown_field`, `custom_field_show_if_cycle`, each with its path.
 *
 * @example
 * ```ts
 * const template = defineFormTemplate({
 *   id: "family-extra", version: 1, scope: { level: "school", id: "s1" },
 *   name: { "zh-CN": "家庭补充信息" }, status: "published", createdAt: "2026-09-01T08:00:00+08:00",
 *   fields: [
 *     { type: "boolean", key: "hasPets", label: { "zh-CN": "家中是否养宠物" } },
 *     { type: "text", key: "petKind", label: { "zh-CN": "宠物种类" }, required: true,
 *       showIf: { field: "hasPets", equals: true } },
 *   ],
 * });
 * template.name; // { "zh-CN": "家庭补充信息", en: "家庭补充信息" }
 *
 * defineFormTemplate({ ...input, fields: [{ type: "select", key: "id", label: { "zh-CN": "编号" } }] });
 * // throws validation_failed with issues
 * //   [{ path: ["fields", 0, "key"], code: "reserved_key" }, { path: ["fields", 0, "options"], code: "custom_field_options_missing" }]
 * ```
 */
export function defineFormTemplate<const I extends FormTemplateInput>(
  input: I,
): TypedFormTemplate<FormTemplate, ValuesOfFields<I["fields"]>> {
  const template = deepFreeze(parseInput(formTemplateSchema, input));
  defined.add(template);
  return template;
}

// Templates this module validated and froze: compiling them again needs no second validation.
const defined = new WeakSet<object>();

/**
 * Whether a value is a template returned by {@link defineFormTemplate} in this process
 * (validated and frozen), as opposed to one read back from storage that still needs checking.
 *
 * @example
 * ```ts
 * isDefinedFormTemplate(defineFormTemplate(input)); // true
 * isDefinedFormTemplate(JSON.parse(row.template)); // false
 * ```
 */
export function isDefinedFormTemplate(value: unknown): value is FormTemplate {
  return typeof value === "object" && value !== null && defined.has(value);
}

/**
 * The field keys of a template in an order where every field comes after the field its
 * show-if refers to, so visibility can be decided in one pass. Ties keep the template's order.
 *
 * @example
 * ```ts
 * // fields: petKind (showIf hasPets), hasPets
 * showIfOrder(template); // ["hasPets", "petKind"]
 * ```
 */
export function showIfOrder(template: Pick<FormTemplate, "fields">): string[] {
  const byKey = new Map(template.fields.map((f) => [f.key, f]));
  const order: string[] = [];
  const placed = new Set<string>();
  const place = (field: FieldDefinition, depth: number): void => {
    if (placed.has(field.key) || depth > template.fields.length) return;
    const controller = field.showIf ? byKey.get(field.showIf.field) : undefined;
    if (controller) place(controller, depth + 1);
    placed.add(field.key);
    order.push(field.key);
  };
  for (const field of template.fields) place(field, 0);
  return order;
}
