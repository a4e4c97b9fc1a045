import type * as z from "zod";
import type { AnyContract } from "./contract.js";

/** The HTTP methods a use case may map to. */
export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/** How a query string value is turned into an input value. */
export type QueryKind = "string" | "number" | "boolean" | "array";

/** What the route rule reads of a use case: its name, schemas, route hint and idempotency. */
export interface HttpRouteSource {
  /** Stable name `area.method`, e.g. `students.flagCategory`: the OpenAPI `operationId`. */
  readonly name: string;
  /** A strict object schema; path, query and body fields are all fields of it. */
  readonly input: z.ZodType;
  readonly output: z.ZodType;
  /** The route: `{param}` segments are filled from input fields of the same name. */
  readonly http: { readonly method: string; readonly path: string };
  /** Creates that accept an `Idempotency-Key`. */
  readonly idempotent?: boolean;
}

/**
 * One route as plain data: everything the REST adapter and the client need to put a call on the
 * wire, and no schema. The client ships a generated table of these.
 */
export interface HttpRoute {
  readonly name: string;
  readonly method: HttpMethod;
  /** OpenAPI-style path relative to the base path: `/students/{studentId}`. */
  readonly path: string;
  readonly pathParams: readonly string[];
  /** Input fields read from the query string (GET and DELETE, uploads), with their coercion. */
  readonly queryFields: Readonly<Record<string, QueryKind>>;
  /** Input fields read from the JSON body (POST, PUT and PATCH). */
  readonly bodyFields: readonly string[];
  /**
   * For an upload: the input field that takes the raw request body as bytes (a
   * `z.instanceof(Uint8Array)` field). The other fields then come from the query string, and
   * the body's `Content-Type` fills an input field `contentType` when there is one.
   */
  readonly uploadField: string | undefined;
  /** Whether the input's `expectedVersion` comes from `If-Match` (428 without it). */
  readonly versioned: boolean;
  /** Whether the output's top-level `version` is sent as the `ETag`. */
  readonly etag: boolean;
  /** Whether the route pages with `?limit=&cursor=`. */
  readonly paged: boolean;
  /**
   * Whether a GET's output has a text field `ics` (an RFC 5545 feed): the route then also
   * answers `text/calendar` with that text alone, by content negotiation.
   */
  readonly calendar: boolean;
  readonly idempotent: boolean;
}

const methods: readonly string[] = ["GET", "POST", "PUT", "PATCH", "DELETE"];
/** The input field an upload's `Content-Type` fills. */
export const contentTypeField = "contentType";
/** The input field `If-Match` fills. */
export const versionField = "expectedVersion";
/** The output field that holds an iCalendar feed's text, served as `text/calendar`. */
export const calendarField = "ics";

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
 * Object.keys(objectShape(z.strictObject({ a: z.string() })) ?? {}); // ["a"]
 * objectShape(z.string()); // undefined
 * ```
 */
export function objectShape(schema: z.ZodType): Readonly<Record<string, z.ZodType>> | undefined {
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

/**
 * How a query value for a field of this schema is coerced: numbers and booleans from their
 * text, arrays from repeated keys, everything else kept as text for the schema to judge.
 *
 * @example
 * ```ts
 * queryKind(z.int().min(1).default(50)); // "number"
 * queryKind(z.array(z.string()).optional()); // "array"
 * ```
 */
export function queryKind(schema: z.ZodType): QueryKind {
  let current: z.ZodType = schema;
  for (let i = 0; i < 16; i++) {
    const def = defOf(current);
    switch (def.type) {
      case "number":
      case "int":
      case "bigint":
        return "number";
      case "boolean":
        return "boolean";
      case "array":
      case "set":
        return "array";
      case "pipe":
        if (def.in === undefined) return "string";
        current = def.in;
        continue;
      default:
        if (def.innerType === undefined) return "string";
        current = def.innerType;
    }
  }
  return "string";
}

function hasIntField(shape: Readonly<Record<string, z.ZodType>> | undefined, field: string): boolean {
  const schema = shape?.[field];
  return schema !== undefined && queryKind(schema) === "number";
}

function isStringField(shape: Readonly<Record<string, z.ZodType>> | undefined, field: string): boolean {
  const schema = shape?.[field];
  return schema !== undefined && defOf(schema).type === "string";
}

/**
 * The one route rule, shared by the REST adapter and the client: one route per use case, at its
 * HTTP hint. Path parameters must be input fields; GET and DELETE read the other fields from
 * the query string, POST, PUT and PATCH from a JSON body. An input field `expectedVersion` is
 * filled from `If-Match` and is not accepted in the body; an output field `version` becomes
 * the `ETag`; a GET whose output has a text field `ics` also answers `text/calendar`. Throws
 * a `TypeError` for a use case that cannot be a route (an unknown method, a path parameter
 * that is not an input field, two use cases on one route), so a broken table fails at start-up.
 *
 * @example
 * ```ts
 * const [route] = httpRoutes([{ name: "students.read", input: z.strictObject({ studentId: idSchema }),
 *   output, http: { method: "GET", path: "/students/{studentId}" } }]);
 * route.pathParams; // ["studentId"]
 * route.queryFields; // {}
 * ```
 */
export function httpRoutes(sources: Iterable<HttpRouteSource>): HttpRoute[] {
  const routes: HttpRoute[] = [];
  const seen = new Map<string, string>();
  for (const source of sources) {
    const method = source.http.method.toUpperCase();
    if (!methods.includes(method)) {
      throw new TypeError(`use case ${source.name}: method ${source.http.method} cannot be a route`);
    }
    const path = source.http.path.startsWith("/") ? source.http.path : `/${source.http.path}`;
    const pathParams = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? "");
    const input = objectShape(source.input);
    if (input === undefined) throw new TypeError(`use case ${source.name}: the input must be an object schema`);
    for (const param of pathParams) {
      if (!Object.hasOwn(input, param)) {
        throw new TypeError(`use case ${source.name}: path parameter {${param}} is not an input field`);
      }
    }
    const key = `${method} ${path.replace(/\{\w+\}/g, "{}")}`;
    const clash = seen.get(key);
    if (clash !== undefined) throw new TypeError(`use cases ${clash} and ${source.name} share the route ${key}`);
    seen.set(key, source.name);
    routes.push(routeOf(source, method as HttpMethod, path, pathParams, input));
  }
  return routes;
}

function routeOf(
  source: HttpRouteSource,
  method: HttpMethod,
  path: string,
  pathParams: readonly string[],
  input: Readonly<Record<string, z.ZodType>>,
): HttpRoute {
  const bodyMethod = method === "POST" || method === "PUT" || method === "PATCH";
  const uploadField = bodyMethod
    ? Object.keys(input).find((f) => defOf(input[f] as z.ZodType).type === "custom")
    : undefined;
  const versioned = method !== "GET" && hasIntField(input, versionField);
  const rest = Object.keys(input).filter(
    (f) =>
      !pathParams.includes(f) &&
      f !== uploadField &&
      !(uploadField !== undefined && f === contentTypeField) &&
      !(versioned && f === versionField),
  );
  const queryMethod = !bodyMethod || uploadField !== undefined;
  const output = objectShape(source.output);
  return {
    name: source.name,
    method,
    path,
    pathParams,
    queryFields: queryMethod ? Object.fromEntries(rest.map((f) => [f, queryKind(input[f] as z.ZodType)])) : {},
    bodyFields: bodyMethod && uploadField === undefined ? rest : [],
    uploadField,
    versioned,
    etag: hasIntField(output, "version"),
    paged: method === "GET" && Object.hasOwn(input, "cursor") && Object.hasOwn(input, "limit"),
    calendar: method === "GET" && isStringField(output, calendarField),
    idempotent: source.idempotent === true,
  };
}

/**
 * The route sources of contracts grouped by area: each named `area.method`.
 *
 * @example
 * ```ts
 * httpRoutes(contractSources(engineContracts)).find((r) => r.name === "students.read")?.path;
 * // "/students/{studentId}"
 * ```
 */
export function* contractSources(
  areas: Readonly<Record<string, Readonly<Record<string, AnyContract>>>>,
): Generator<HttpRouteSource & AnyContract> {
  for (const [area, contracts] of Object.entries(areas)) {
    for (const [method, contract] of Object.entries(contracts)) yield { ...contract, name: `${area}.${method}` };
  }
}
