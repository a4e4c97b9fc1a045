import type { LocalizedText } from "@homevisit/core";
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

/** One route of the client, derived from a use case the same way the REST adapter derives it. */
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

/** The input field that `If-Match` carries. */
export const versionField = "expectedVersion";

const methods: readonly string[] = ["GET", "POST", "PUT", "PATCH", "DELETE"];

interface LooseDef {
  type: string;
  innerType?: z.ZodType;
  in?: z.ZodType;
}

function defOf(schema: z.ZodType): LooseDef {
  return (schema as unknown as { _zod: { def: LooseDef } })._zod.def;
}

/**
 * The fields of an object schema, looking through pipes, optional and default wrappers;
 * `undefined` for a schema that is not an object.
 *
 * @example
 * ```ts
 * Object.keys(inputShape(z.strictObject({ studentId: z.string() })) ?? {}); // ["studentId"]
 * inputShape(z.string()); // undefined
 * ```
 */
export function inputShape(schema: z.ZodType): Readonly<Record<string, z.ZodType>> | undefined {
  let current: z.ZodType = schema;
  for (let i = 0; i < 16; i++) {
    const def = defOf(current);
    if (def.type === "object") return (current as unknown as { shape: Record<string, z.ZodType> }).shape;
    const inner = def.innerType ?? (def.type === "pipe" ? def.in : undefined);
    if (inner === undefined) return undefined;
    current = inner;
  }
  return undefined;
}

function isNumberField(schema: z.ZodType | undefined): boolean {
  let current = schema;
  for (let i = 0; current !== undefined && i < 16; i++) {
    const def = defOf(current);
    if (def.type === "number" || def.type === "int") return true;
    current = def.innerType ?? (def.type === "pipe" ? def.in : undefined);
  }
  return false;
}

/**
 * Derives the client's route table from use cases grouped by area: one route per use case at
 * its HTTP hint, with the same rules as the REST adapter (path parameters from input fields,
 * GET/DELETE fields as query, others as a JSON body, `expectedVersion` as `If-Match`). Throws a
 * `TypeError` for a use case that cannot be a route, so a broken table fails at start-up.
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
  const routes: ClientRoute[] = [];
  for (const [area, useCases] of Object.entries(areas)) {
    for (const [method, useCase] of Object.entries(useCases)) {
      const name = `${area}.${method}`;
      const httpMethod = useCase.http.method.toUpperCase();
      if (!methods.includes(httpMethod))
        throw new TypeError(`use case ${name}: method ${useCase.http.method} cannot be a route`);
      const path = useCase.http.path.startsWith("/") ? useCase.http.path : `/${useCase.http.path}`;
      const pathParams = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? "");
      const shape = inputShape(useCase.input);
      if (shape === undefined) throw new TypeError(`use case ${name}: the input must be an object schema`);
      for (const param of pathParams) {
        if (!Object.hasOwn(shape, param)) throw new TypeError(`use case ${name}: {${param}} is not an input field`);
      }
      routes.push({
        name,
        area,
        method,
        httpMethod: httpMethod as ClientMethodName,
        path,
        pathParams,
        body: httpMethod === "POST" || httpMethod === "PUT" || httpMethod === "PATCH",
        versioned: httpMethod !== "GET" && isNumberField(shape[versionField]),
        idempotent: useCase.idempotent === true,
        paged: httpMethod === "GET" && Object.hasOwn(shape, "cursor") && Object.hasOwn(shape, "limit"),
      });
    }
  }
  return routes;
}
