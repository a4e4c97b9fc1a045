import type { LocalizedText } from "../i18n.js";

/** What every error code declares: its HTTP status and its message in each locale. */
export interface ErrorDefinition {
  /** The HTTP status the REST adapter answers with. */
  readonly status: number;
  /** The message, with `{name}` placeholders filled from the error's params. */
  readonly message: LocalizedText;
}

/**
 * Declares a group of error codes. Each area of core keeps its codes beside its code and the
 * catalog (`catalog.ts`) joins them, so a code is declared once and typed everywhere.
 * Codes are stable API: rename one only with a major release.
 *
 * @example
 * ```ts
 * const appointmentErrors = defineErrors({
 *   appointment_illegal_transition: {
 *     status: 409,
 *     message: { "zh-CN": "预约不能从 {from} 变为 {to}", en: "An appointment cannot go from {from} to {to}" },
 *   },
 * });
 * ```
 */
export function defineErrors<const T extends Record<string, ErrorDefinition>>(definitions: T): T {
  return definitions;
}
