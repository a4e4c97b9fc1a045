import { type HttpMethod, type HttpRoute, httpRoutes, type LocalizedText } from "@homevisit/core";
import type * as z from "zod";

/** The HTTP methods a use case may map to. */
export type RestMethod = HttpMethod;

/**
 * What the REST adapter needs of one engine use case: the shape of `engine.useCases` entries.
 * Every route, its validation and its OpenAPI operation come from these fields.
 */
export interface RestUseCase {
  /** Stable name `area.method`, e.g. `students.flagCategory`: the OpenAPI `operationId`. */
  readonly name: string;
  readonly description: LocalizedText;
  /** A strict object schema; path, query and body fields are all fields of it. */
  readonly input: z.ZodType;
  readonly output: z.ZodType;
  /** The route: `{param}` segments are filled from input fields of the same name. */
  readonly http: { readonly method: RestMethod | string; readonly path: string };
  /** Creates that accept an `Idempotency-Key`. */
  readonly idempotent?: boolean;
  /** Calls that need a stated purpose (the `Homevisit-Purpose` header). */
  readonly purposeRequired?: boolean;
  /** Whether the call writes. */
  readonly write?: boolean;
  /** The policy matrix action: the document describes who may call from the matrix entry. */
  readonly action?: string;
  /** `record`: a denial answers 404 unless the caller may see the record (403); `collection`: 403. */
  readonly targetKind?: "record" | "collection";
  /** Codes the use case's own rules can answer, listed on the operation. */
  readonly errors?: readonly string[];
  /** Rules the caller must meet, written into the operation's description. */
  readonly preconditions?: readonly LocalizedText[];
}

/** One route of the REST adapter: core's route for a use case, with what only the server needs. */
export interface RestRoute extends HttpRoute {
  /** The path with `:param` segments, as hono routes it. */
  readonly routerPath: string;
  /** Calls that need a stated purpose (the `Homevisit-Purpose` header). */
  readonly purposeRequired: boolean;
  readonly useCase: RestUseCase;
}

/**
 * Derives the REST adapter's route table from the engine's use cases by core's one route rule
 * (`httpRoutes`, which the client's generated table also follows). Throws a `TypeError` at
 * start-up for a use case that cannot be a route (an unknown method, a path parameter that is
 * not an input field, two use cases on one route).
 *
 * @example
 * ```ts
 * const [route] = restRoutes([{ name: "students.read", description, input: z.strictObject({ studentId: idSchema }),
 *   output, http: { method: "GET", path: "/students/{studentId}" } }]);
 * route.routerPath; // "/students/:studentId"
 * route.pathParams; // ["studentId"]
 * ```
 */
export function restRoutes(useCases: Iterable<RestUseCase>): RestRoute[] {
  const list = [...useCases];
  return httpRoutes(list).map((route, i) => {
    const useCase = list[i] as RestUseCase;
    return {
      ...route,
      routerPath: route.path.replace(/\{(\w+)\}/g, ":$1"),
      purposeRequired: useCase.purposeRequired === true,
      useCase,
    };
  });
}
