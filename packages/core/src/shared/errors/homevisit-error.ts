import { defaultLocale, formatText, type Locale, type LocalizedText } from "../i18n.js";
import { type ErrorCode, errorCatalog } from "./catalog.js";
import { entityNames, isEntityName } from "./entity-names.js";

/** A path to the offending field, as in zod: object keys and array indexes. */
export type ErrorPath = readonly (string | number)[];

/**
 * One problem found in an input. Never carries the input value itself: values may be
 * personal data about a child (RELIABILITY.md promise 7).
 */
export interface ErrorIssue {
  /** Where the problem is. */
  readonly path: ErrorPath;
  /** A stable code: a homevisit {@link ErrorCode} or zod's issue code (`too_small`, …). */
  readonly code: string;
  /** The explanation in each locale. */
  readonly message: LocalizedText;
}

/** Options of a {@link HomevisitError}. */
export interface HomevisitErrorOptions {
  /** Where the problem is, for errors about one field. */
  path?: ErrorPath;
  /** Values for the message placeholders: keys, codes and counts, never personal data. */
  params?: Readonly<Record<string, string | number | boolean>>;
  /** The individual problems, for validation errors. */
  issues?: readonly ErrorIssue[];
  /** The underlying error, kept for logs. */
  cause?: unknown;
}

function zhParams(
  params: Readonly<Record<string, string | number | boolean>>,
): Readonly<Record<string, string | number | boolean>> {
  const entity = params.entity;
  if (typeof entity !== "string" || !isEntityName(entity)) return params;
  return { ...params, entity: entityNames[entity]["zh-CN"] };
}

/** The JSON form of an error, as the REST adapter serialises it. */
export interface HomevisitErrorJSON {
  code: ErrorCode;
  status: number;
  message: string;
  path: ErrorPath;
  issues: { path: ErrorPath; code: string; message: string }[];
}

/**
 * The one error type of homevisit. Every failure a caller can cause is a `HomevisitError` with a
 * stable {@link ErrorCode}, an HTTP status, messages in zh-CN and en, and the path of the field
 * at fault. `error.message` is the zh-CN text (the default locale); `messageIn("en")` gives
 * the English one.
 *
 * @example
 * ```ts
 * try {
 *   parseInput(studentSchema, body);
 * } catch (error) {
 *   if (isHomevisitError(error)) {
 *     console.log(error.code); // "validation_failed"
 *     console.log(error.issues.map((i) => i.path.join("."))); // ["guardians.0.phone"]
 *     console.log(error.messageIn("en"));
 *   }
 * }
 * ```
 */
export class HomevisitError extends Error {
  override readonly name = "HomevisitError";
  readonly code: ErrorCode;
  readonly status: number;
  readonly path: ErrorPath;
  readonly params: Readonly<Record<string, string | number | boolean>>;
  readonly issues: readonly ErrorIssue[];
  /** The message in every locale. */
  readonly messages: LocalizedText;

  constructor(code: ErrorCode, options: HomevisitErrorOptions = {}) {
    const definition = errorCatalog[code];
    const params = options.params ?? {};
    const messages: LocalizedText = {
      "zh-CN": formatText(definition.message, zhParams(params), "zh-CN"),
      en: formatText(definition.message, params, "en"),
    };
    super(messages[defaultLocale], options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = definition.status;
    this.path = options.path ?? options.issues?.[0]?.path ?? [];
    this.params = params;
    this.issues = options.issues ?? [];
    this.messages = messages;
  }

  /** The message in the given locale. */
  messageIn(locale: Locale): string {
    return this.messages[locale];
  }

  /** A plain object safe to send to a client: no stack, no cause, no input values. */
  toJSON(locale: Locale = defaultLocale): HomevisitErrorJSON {
    return {
      code: this.code,
      status: this.status,
      message: this.messages[locale],
      path: this.path,
      issues: this.issues.map((i) => ({ path: i.path, code: i.code, message: i.message[locale] })),
    };
  }
}

/**
 * Tells whether a value is a {@link HomevisitError}, also across bundle copies (ESM and CJS
 * builds of the same version loaded together), where `instanceof` would fail.
 *
 * @example
 * ```ts
 * if (isHomevisitError(error) && error.code === "not_found") return null;
 * ```
 */
export function isHomevisitError(value: unknown): value is HomevisitError {
  return (
    value instanceof HomevisitError ||
    (value instanceof Error &&
      value.name === "HomevisitError" &&
      typeof (value as { code?: unknown }).code === "string")
  );
}
