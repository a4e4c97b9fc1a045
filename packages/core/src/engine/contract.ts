import type * as z from "zod";
import type { ErrorCode } from "../shared/errors/catalog.js";
import type { LocalizedText } from "../shared/i18n.js";
import type { Action } from "./policy/policy.js";

/**
 * A use case's contract: everything a caller, the REST adapter, the OpenAPI document and the
 * client need to know of it, and nothing of how it runs. Contracts import only schemas, so a
 * browser bundle that reads them carries no engine code.
 */

/** How a use case answers a denial: as a missing record (404) or as a refused action (403). */
export type TargetKind = "record" | "collection";

/** A hint for the REST adapter: the route a use case maps to. */
export interface HttpHint {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** An OpenAPI-style path with `{param}` segments filled from the input's fields. */
  path: string;
}

/**
 * What a use case promises: the matrix action it performs, the entity it acts on, its input and
 * output schemas, how a denial answers, and its route.
 */
export interface UseCaseContract<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  /** A key of `policyMatrix`: who may call it and how far each role reaches. */
  readonly action: Action;
  /**
   * The stored entity it acts on (`students`, `categoryFlags` …): named in audit rows and in
   * `not_found`, the same for a missing record and one out of scope.
   */
  readonly entity: string;
  readonly description: LocalizedText;
  /** A strict object schema: unknown and server-owned fields are rejected. */
  readonly input: I;
  /** What the use case returns, for the REST adapter's OpenAPI document. */
  readonly output: O;
  /** `record`: a denial answers `not_found`; `collection`: `forbidden`. */
  readonly targetKind: TargetKind;
  /** Creates accept `options.idempotencyKey`. */
  readonly idempotent?: boolean;
  readonly http: HttpHint;
  /**
   * The error codes the use case's own rules can answer (the problem's `code`), beyond those
   * every call can (`validation_failed`, `not_found`, `forbidden`, `purpose_required`,
   * `version_conflict`, idempotency …, which the REST document derives from the contract's
   * other fields). Listed on the operation with their meaning.
   */
  readonly errors?: readonly ErrorCode[];
  /**
   * Rules a caller must meet before the call succeeds, in words (consent for a child under 14,
   * check-in not before the planned start …): written into the operation's description.
   */
  readonly preconditions?: readonly LocalizedText[];
}

/** Any contract. */
// biome-ignore lint/suspicious/noExplicitAny: registries hold contracts of every shape.
export type AnyContract = UseCaseContract<any, any>;

/**
 * Declares a use case's contract. The identity function, typed so that `action` is checked
 * against the policy matrix and the schemas keep their literal types for callers.
 *
 * @example
 * ```ts
 * const readStudent = defineContract({
 *   action: "students.read",
 *   entity: "students",
 *   description: { "zh-CN": "查看学生完整信息", en: "Read a student's full record" },
 *   input: z.strictObject({ studentId: idSchema }),
 *   output: studentSchema,
 *   targetKind: "record",
 *   http: { method: "GET", path: "/students/{studentId}" },
 * });
 * ```
 */
export function defineContract<I extends z.ZodType, O extends z.ZodType>(
  contract: UseCaseContract<I, O>,
): UseCaseContract<I, O> {
  return contract;
}
