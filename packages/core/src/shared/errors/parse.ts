import type * as z from "zod";
import { fieldKeyLabels, labelOf, localeFieldSuffixes, optionLabelsOf, quotedLabel } from "../field-labels.js";
import { formatText, type Locale, type LocalizedText } from "../i18n.js";
import { type ErrorCode, errorCatalog } from "./catalog.js";
import { type ErrorIssue, type ErrorPath, HomevisitError } from "./homevisit-error.js";

import { zodIssueMessage } from "./zod-messages.js";

/**
 * The issue params that homevisit's own refinements attach (`ctx.addIssue({ code: "custom",
 * params: { code, ...values } })`), so that their message comes from the error catalog.
 */
export interface CatalogIssueParams {
  code: ErrorCode;
  [name: string]: string | number | boolean | LocalizedText;
}

/** A catalog message's placeholder values: plain, or words in both locales (a field's label). */
export type CatalogParams = Record<string, string | number | boolean | LocalizedText>;

/** The placeholder values of one locale: a value in both locales gives its own words. */
function paramsIn(params: Readonly<Record<string, unknown>>, locale: Locale): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(params)) {
    out[name] = typeof value === "object" && value !== null ? (value as LocalizedText)[locale] : value;
  }
  return out;
}

/**
 * Raises a catalog-coded issue from inside a zod refinement. A placeholder may take words in
 * both locales (a field's label), so that each message names the field in its own language.
 *
 * @example
 * ```ts
 * z.string().superRefine((value, ctx) => {
 *   if (value === "__proto__") addCatalogIssue(ctx, "reserved_key", { key: value });
 * });
 * addCatalogIssue(ctx, "visit_field_required", { field: { "zh-CN": "“到达时间”", en: "“Arrival time”" } }, ["arrivedAt"]);
 * ```
 */
export function addCatalogIssue(
  ctx: { addIssue: (issue: z.core.$ZodRawIssue) => void } | z.RefinementCtx,
  code: ErrorCode,
  params: CatalogParams = {},
  path: ErrorPath = [],
): void {
  (ctx as { addIssue: (issue: unknown) => void }).addIssue({
    code: "custom",
    message: formatText(errorCatalog[code].message, paramsIn(params, "en"), "en"),
    params: { ...params, code },
    path: [...path],
  });
}

function localize(issue: z.core.$ZodIssue, schema: z.ZodType | undefined): { code: string; message: LocalizedText } {
  const params = (issue as { params?: Partial<CatalogIssueParams> }).params;
  if (issue.code === "custom" && params?.code && params.code in errorCatalog) {
    const definition = errorCatalog[params.code as ErrorCode];
    const values = Object.fromEntries(Object.entries(params).filter(([k]) => k !== "code"));
    return {
      code: params.code,
      message: {
        "zh-CN": formatText(definition.message, paramsIn(values, "zh-CN"), "zh-CN"),
        en: formatText(definition.message, paramsIn(values, "en"), "en"),
      },
    };
  }
  const words =
    issue.code === "invalid_value" && schema !== undefined ? findAt(schema, issue.path, optionLabelsOf) : undefined;
  return { code: issue.code, message: zodIssueMessage(issue, fieldName(issue.path, schema), isMissing(issue), words) };
}

/** A required field left out: zod reports `invalid_type` with no input (when inputs are kept). */
function isMissing(issue: z.core.$ZodIssue): boolean {
  return issue.code === "invalid_type" && "input" in issue && (issue as { input?: unknown }).input === undefined;
}

interface WalkDef {
  type: string;
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  valueType?: z.ZodType;
  innerType?: z.ZodType;
  in?: z.ZodType;
  out?: z.ZodType;
  options?: z.ZodType[];
}

/**
 * What `pick` finds on the field at `path` inside `schema` (its label, the words for its
 * values), looking through wrappers (optional, default, pipe), arrays, records and object
 * unions. The outermost schema at the path that has it wins: a field's own `.optional()` may
 * carry the label of a schema shared by many fields.
 */
function findAt<T>(
  schema: z.ZodType,
  path: readonly PropertyKey[],
  pick: (schema: z.ZodType) => T | undefined,
): T | undefined {
  let current: z.ZodType | undefined = schema;
  let i = 0;
  for (let guard = 0; current !== undefined && guard < 64; guard++) {
    if (i === path.length) {
      const found = pick(current);
      if (found !== undefined) return found;
    }
    const def: WalkDef = (current as unknown as { _zod: { def: WalkDef } })._zod.def;
    if (def.innerType !== undefined) current = def.innerType;
    else if (def.type === "pipe" && def.in !== undefined)
      // A preprocess (transform → schema) holds its fields on the out side.
      current = (def.in as unknown as { _zod: { def: WalkDef } })._zod.def.type === "transform" ? def.out : def.in;
    else if (i === path.length) return undefined;
    else if (def.type === "object") current = def.shape?.[String(path[i++])];
    else if (def.type === "array" || def.type === "record") {
      current = def.type === "array" ? def.element : def.valueType;
      i++;
    } else if (def.type === "union") {
      const rest = path.slice(i);
      for (const option of def.options ?? []) {
        const found = findAt(option, rest, pick);
        if (found !== undefined) return found;
      }
      return undefined;
    } else return undefined;
  }
  return undefined;
}

/**
 * How a message names a field: by its label (a custom field's `.meta({ label })`, or
 * `withLabel` on a built-in field), else by its key; the input as a whole when the path
 * is empty.
 */
function fieldName(path: readonly PropertyKey[], schema: z.ZodType | undefined): LocalizedText {
  const last = path.at(-1);
  let label = schema === undefined ? undefined : findAt(schema, path, labelOf);
  // A text in one locale (a form's name in Chinese), unlabelled itself, is named by its field
  // and the locale. (A field labelled itself keeps its label, a school's field keyed `en` too.)
  const suffix =
    typeof last === "string" && Object.hasOwn(localeFieldSuffixes, last) ? localeFieldSuffixes[last] : undefined;
  if (label === undefined && suffix !== undefined && path.length > 1) {
    const of = fieldName(path.slice(0, -1), schema);
    return {
      "zh-CN": of["zh-CN"].replace(/”$/, `${suffix["zh-CN"]}”`),
      en: of.en.replace(/”$/, `${suffix.en}”`),
    };
  }
  // An item of a list (a topic of a checklist) is named by the list's label.
  for (let end = path.length; label === undefined && schema !== undefined && typeof path[end - 1] === "number"; ) {
    end--;
    label = findAt(schema, path.slice(0, end), labelOf);
  }
  // Ids and versions, unlabelled where they are defined, by the words they have everywhere.
  if (label === undefined && typeof last === "string" && Object.hasOwn(fieldKeyLabels, last))
    label = fieldKeyLabels[last];
  if (label !== undefined) return quotedLabel(label);
  const key = [...path].reverse().find((p): p is string => typeof p === "string");
  if (key === undefined) return { "zh-CN": "输入", en: "The input" };
  // A key is named only when it looks like an identifier: record keys may be personal data.
  const safe = /^[A-Za-z_$][\w$]{0,63}$/.test(key) ? key : "…";
  return { "zh-CN": `字段“${safe}”`, en: `Field “${safe}”` };
}

/**
 * Turns zod issues into homevisit issues with plain messages in both locales that name the
 * field (by its label when `schema` gives one) and say what was expected. Input values are
 * dropped: they may be personal data.
 *
 * @example
 * ```ts
 * const result = z.object({ age: z.number() }).safeParse({ age: "x" });
 * if (!result.success) issuesFromZod(result.error.issues, ["body"]);
 * // [{ path: ["body", "age"], code: "invalid_type", message: { "zh-CN": "字段“age”应为数字", en: "Field “age” must be a number" } }]
 * ```
 */
export function issuesFromZod(
  issues: readonly z.core.$ZodIssue[],
  prefix: ErrorPath = [],
  schema?: z.ZodType,
): ErrorIssue[] {
  return issues.map((issue) => ({
    path: [...prefix, ...issue.path.map((p) => (typeof p === "symbol" ? String(p) : p))],
    ...localize(issue, schema),
  }));
}

/** The result of {@link safeParseInput}. */
export type ParseResult<T> = { success: true; data: T } | { success: false; error: HomevisitError };

/**
 * Validates an input against a schema and returns a typed result; never throws for bad input.
 *
 * @example
 * ```ts
 * const result = safeParseInput(guardianSchema, { name: "王芳" });
 * if (!result.success) result.error.issues[0]?.path; // ["relation"]
 * ```
 */
export function safeParseInput<S extends z.ZodType>(
  schema: S,
  input: unknown,
  options: { path?: ErrorPath } = {},
): ParseResult<z.output<S>> {
  // Parsed without options first: zod builds a context for every parse given options, which
  // cost a small input five times its parse. Only a failing input is parsed again, keeping the
  // inputs on its issues to tell a missing field from a wrong one; messages never repeat them.
  const plain = schema.safeParse(input);
  if (plain.success) return { success: true, data: plain.data };
  const result = schema.safeParse(input, { reportInput: true });
  if (result.success) return { success: true, data: result.data };
  return {
    success: false,
    error: new HomevisitError("validation_failed", {
      issues: issuesFromZod(result.error.issues, options.path, schema),
    }),
  };
}

/**
 * Validates an input against a schema and returns the parsed value, or throws a
 * `HomevisitError` with code `validation_failed` listing every problem with its path.
 *
 * @example
 * ```ts
 * const student = parseInput(studentSchema, JSON.parse(body));
 * ```
 */
export function parseInput<S extends z.ZodType>(
  schema: S,
  input: unknown,
  options: { path?: ErrorPath } = {},
): z.output<S> {
  const result = safeParseInput(schema, input, options);
  if (!result.success) throw result.error;
  return result.data;
}
