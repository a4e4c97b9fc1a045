import { httpRoutes, type LocalizedText } from "@homevisit/core";
import type * as z from "zod";

/**
 * What the client needs of one engine use case: exactly the fields of a core use case
 * definition that describe its wire contract. Core's definitions satisfy it as they are.
 */
export interface ClientUseCase {
  readonly input: z.ZodType;
  readonly output: z.ZodType;
  readonly http: { readonly method: string; readonly path: string };
  /** Creates that accept an `Idempotency-Key`. */
  readonly idempotent?: boolean;
  readonly description?: LocalizedText;
}

/** Use cases grouped by area, as the engine groups them: `{ students: { list, read, … }, … }`. */
export type ClientAreas = { readonly [area: string]: { readonly [method: string]: ClientUseCase } };

/** The HTTP methods a route may use. */
export type ClientMethodName = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/**
 * One route of the client: plain data, derived from a use case by core's one route rule
 * (`httpRoutes`), the rule the REST adapter follows too.
 */
export interface ClientRoute {
  /** `area.method`, e.g. `students.flagCategory`: the OpenAPI `operationId`. */
  readonly name: string;
  readonly area: string;
  readonly method: string;
  readonly httpMethod: ClientMethodName;
  /** OpenAPI-style path relative to the base URL: `/students/{studentId}`. */
  readonly path: string;
  readonly pathParams: readonly string[];
  /** GET and DELETE send the other fields as the query string; the rest as a JSON body. */
  readonly body: boolean;
  /** The input's `expectedVersion` travels as `If-Match` (428 without it, 412 when stale). */
  readonly versioned: boolean;
  /** Creates get an `Idempotency-Key`, generated when the caller gives none. */
  readonly idempotent: boolean;
  /** GET routes with `cursor` and `limit`: pages through `nextCursor`. */
  readonly paged: boolean;
}

/** The input field that `If-Match` carries (core's `versionField`). */
export const versionField = "expectedVersion";

/**
 * Derives a route table from use cases (or their contracts) grouped by area, by core's route
 * rule: path parameters from input fields, GET/DELETE fields as query, others as a JSON body,
 * `expectedVersion` as `If-Match`. The engine's own table ships ready-made (`engineRoutes`);
 * call this only for a server whose engine has other areas. Throws a `TypeError` for a use
 * case that cannot be a route, so a broken table fails at start-up.
 *
 * @example
 * ```ts
 * const [route] = clientRoutes({ students: { read: { input: z.strictObject({ studentId: idSchema }), output,
 *   http: { method: "GET", path: "/students/{studentId}" } } } });
 * route.name; // "students.read"
 * route.pathParams; // ["studentId"]
 * ```
 */
export function clientRoutes(areas: ClientAreas): ClientRoute[] {
  const places: { area: string; method: string }[] = [];
  const sources = Object.entries(areas).flatMap(([area, useCases]) =>
    Object.entries(useCases).map(([method, useCase]) => {
      places.push({ area, method });
      return { ...useCase, name: `${area}.${method}` };
    }),
  );
  return httpRoutes(sources).map((route, i) => {
    const { area, method } = places[i] as { area: string; method: string };
    return {
      name: route.name,
      area,
      method,
      httpMethod: route.method,
      path: route.path,
      pathParams: route.pathParams,
      body: route.method === "POST" || route.method === "PUT" || route.method === "PATCH",
      versioned: route.versioned,
      idempotent: route.idempotent,
      paged: route.paged,
    };
  });
}
