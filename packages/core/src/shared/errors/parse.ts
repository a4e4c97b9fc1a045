import * as z from "zod";
import type { LocalizedText } from "../i18n.js";
import { formatText } from "../i18n.js";
import { type ErrorCode, errorCatalog } from "./catalog.js";
import { type ErrorIssue, type ErrorPath, HomevisitError } from "./homevisit-error.js";

// zod ships both locales; build each once.
const zodEn = z.locales.en().localeError;
const zodZh = z.locales.zhCN().localeError;

/**
 * The issue params that homevisit's own refinements attach (`ctx.addIssue({ code: "custom",
 * params: { code, ...values } })`), so that their message comes from the error catalog.
 */
export interface CatalogIssueParams {
  code: ErrorCode;
  [name: string]: string | number | boolean;
}

/**
 * Raises a catalog-coded issue from inside a zod refinement.
 *
 * @example
 * ```ts
 * z.string().superRefine((value, ctx) => {
 *   if (value === "__proto__") addCatalogIssue(ctx, "reserved_key", { key: value });
 * });
 * ```
 */
export function addCatalogIssue(
  ctx: { addIssue: (issue: z.core.$ZodRawIssue) => void } | z.RefinementCtx,
  code: ErrorCode,
  params: Record<string, string | number | boolean> = {},
  path: ErrorPath = [],
): void {
  (ctx as { addIssue: (issue: unknown) => void }).addIssue({
    code: "custom",
    message: formatText(errorCatalog[code].message, params, "en"),
    params: { ...params, code },
    path: [...path],
  });
}

function localize(issue: z.core.$ZodIssue): { code: string; message: LocalizedText } {
  const params = (issue as { params?: Partial<CatalogIssueParams> }).params;
  if (issue.code === "custom" && params?.code && params.code in errorCatalog) {
    const definition = errorCatalog[params.code as ErrorCode];
    const values = Object.fromEntries(Object.entries(params).filter(([k]) => k !== "code"));
    return {
      code: params.code,
      message: {
        "zh-CN": formatText(definition.message, values, "zh-CN"),
        en: formatText(definition.message, values, "en"),
      },
    };
  }
  // zod's locale maps read the raw issue; the finalized one has what they use. Unknown keys
  // come from the client and could themselves be personal data (a phone number used as a
  // key): name only keys that look like identifiers.
  const raw = (issue.code === "unrecognized_keys"
    ? { ...issue, keys: issue.keys.map((k) => (/^[A-Za-z_$][\w$]{0,63}$/.test(k) ? k : "…")) }
    : issue) as unknown as z.core.$ZodRawIssue;
  const pick = (result: ReturnType<typeof zodEn>): string | undefined =>
    typeof result === "string" ? result : result?.message;
  return {
    code: issue.code,
    message: {
      "zh-CN": pick(zodZh(raw)) ?? (raw as { message?: string }).message ?? issue.code,
      en: pick(zodEn(raw)) ?? (raw as { message?: string }).message ?? issue.code,
    },
  };
}

/**
 * Turns zod issues into homevisit issues with messages in both locales. Input values are
 * dropped: they may be personal data.
 *
 * @example
 * ```ts
 * const result = z.object({ age: z.number() }).safeParse({ age: "x" });
 * if (!result.success) issuesFromZod(result.error.issues, ["body"]);
 * // [{ path: ["body", "age"], code: "invalid_type", message: { "zh-CN": "无效输入：…", en: "Invalid input: …" } }]
 * ```
 */
export function issuesFromZod(issues: readonly z.core.$ZodIssue[], prefix: ErrorPath = []): ErrorIssue[] {
  return issues.map((issue) => ({
    path: [...prefix, ...issue.path.map((p) => (typeof p === "symbol" ? String(p) : p))],
    ...localize(issue),
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
  const result = schema.safeParse(input);
  if (result.success) return { success: true, data: result.data };
  return {
    success: false,
    error: new HomevisitError("validation_failed", {
      issues: issuesFromZod(result.error.issues, options.path),
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
