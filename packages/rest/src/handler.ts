import {
  actorSchema,
  calendarField,
  contentTypeField,
  createTelemetry,
  HomevisitError,
  type HomevisitLogger,
  isHomevisitError,
  type Locale,
  objectShape,
  pickLocale,
  safeLogger,
  type TelemetryOption,
  versionField,
} from "@homevisit/core";
import { Hono } from "hono";
import { defaultRestLimits, parseJsonLimited, type RestLimits, readBodyLimited } from "./body.js";
import { ifNoneMatchMatches, type RepresentationTagger, representationTagger } from "./conditional.js";
import { type CorsOptions, corsHeaders, preflight } from "./cors.js";
import { preferredMediaType } from "./negotiate.js";
import { createOpenApiDocument, type OpenApiOptions } from "./openapi.js";
import { errorCatalogDocument, errorCatalogPath } from "./operation-text.js";
import { toProblem } from "./problem.js";
import { type RestRoute, type RestUseCase, restRoutes } from "./routes.js";

/** Options of a use case call, as the engine takes them. */
export interface RestCallOptions {
  purpose?: string;
  idempotencyKey?: string;
}

/**
 * What `createRestHandler` needs of an engine: its use case registry, and for each use case
 * `engine.callJson(name, …)` (a homevisit engine has it: the result's JSON text, made once),
 * `engine.call(name, …)`, or the bound function at `engine[area][method]` (the name is
 * `area.method`), in that order of preference.
 */
export interface RestEngine {
  readonly useCases: Iterable<RestUseCase> | Readonly<Record<string, RestUseCase>>;
  readonly callJson?: (
    name: string,
    actor: unknown,
    input: unknown,
    options?: RestCallOptions,
  ) => Promise<{ text: string; value: unknown }>;
  readonly call?: (name: string, actor: unknown, input: unknown, options?: RestCallOptions) => Promise<unknown>;
}

/** One line for the host's log: codes and route names only, never request content. */
export interface RestLogEntry {
  level: "warn" | "error";
  event: "internal_error" | "invalid_actor" | "get_actor_failed";
  method: string;
  /** The use case name, when a route matched. */
  route?: string;
  status: number;
  /** The error's class name (`TypeError`, `SqliteError` …). */
  errorName?: string;
  /** The stack without its first line, which holds the message (it may quote data). */
  stack?: string;
}

/** Options of {@link createRestHandler}. */
export interface RestHandlerOptions {
  /**
   * The host's login: who sent this request. The ONLY source of identity — headers, query
   * strings and bodies that claim a user, role or school are never read. Return `null` (or
   * throw) for an anonymous request: it gets a 401 problem. The actor is checked with
   * `actorSchema`; an invalid one also answers 401 and is logged as `invalid_actor`.
   */
  getActor: (request: Request) => unknown;
  /** Where the routes are mounted, e.g. `/api/homevisit`. Default `""` (the root). */
  basePath?: string;
  /** Body, JSON and paging limits; each defaults to {@link defaultRestLimits}. */
  limits?: Partial<RestLimits>;
  /** Cross-origin access for browsers on other origins. Default: no CORS headers at all. */
  cors?: CorsOptions;
  /**
   * The OpenAPI document at `{basePath}/openapi.json` and the error catalogue at
   * `{basePath}/errors` (both public: they hold no data); `false` to serve neither.
   */
  openapi?: OpenApiOptions | false;
  /**
   * Where internal errors, invalid actors and (at `debug`) every request are reported: a
   * function of {@link RestLogEntry}, or a logger with `{ debug, info, warn, error }` (pino,
   * console). Codes, route templates, statuses and durations only — never an id, a value or a
   * message. Default: nowhere.
   */
  logger?: ((entry: RestLogEntry) => void) | Partial<HomevisitLogger>;
  /**
   * OpenTelemetry spans (`homevisit.rest.request`) and metrics (`homevisit.rest.requests`,
   * `homevisit.rest.duration`) per request, with the method, the route template and the status
   * as attributes: on when `@opentelemetry/api` is installed (a no-op otherwise), `false` to
   * turn off.
   */
  telemetry?: TelemetryOption;
  /**
   * The key of the digest in GET responses' ETags. Give every instance of a host the same
   * secret so that they tag equal bodies alike (a client's `If-None-Match` then gets its 304
   * from any of them). Default: a random key per handler.
   */
  etagKey?: string;
}

/** The header that carries the stated purpose, percent-encoded UTF-8. */
export const purposeHeader = "Homevisit-Purpose";

const jsonType = "application/json; charset=utf-8";
const calendarType = "text/calendar; charset=utf-8";
const calendarOffers = ["text/calendar", "application/json"] as const;
const problemType = "application/problem+json; charset=utf-8";
const allowedIdempotencyKey = /^[\x21-\x7e]{1,255}$/;

/**
 * Makes the REST handler: `(request: Request) => Promise<Response>`, one route per engine use
 * case under `basePath`, plus `GET {basePath}/openapi.json`. Mount it in any host that speaks
 * fetch (Hono, Next.js, Deno, Bun, workers) or, through `@hono/node-server`'s
 * `getRequestListener`, in node:http, Express, Fastify and Koa.
 *
 * Behaviour, in order: CORS preflights are answered (no identity needed); `getActor(request)`
 * must give an actor (401); the route must exist (404) for the method (405); bodies must be
 * `application/json` UTF-8 (415) within the limits (413); `If-Match` is required where the use
 * case takes `expectedVersion` (428, stale: 412); `Idempotency-Key` is passed on creates;
 * `Homevisit-Purpose` (percent-encoded) is the stated purpose. Every error is an RFC 9457
 * problem in the `Accept-Language` locale (zh-CN by default). Every API response carries
 * `Cache-Control: no-store`: they may hold personal data about children.
 *
 * GETs are conditional: a successful GET carries an `ETag` (`"<version>.<digest>"` for a
 * record, `"<digest>"` otherwise, a digest of the exact body), and an `If-None-Match` that
 * matches it (weak comparison, `*`, lists) answers 304 with no body. The use case still runs
 * first — authorization, purpose and audit happen as for a 200; the 304 only saves the bytes.
 * A GET whose output has a text field `ics` answers `text/calendar` (its feed alone) unless
 * `Accept` prefers `application/json`, so calendar apps can subscribe to its plain URL.
 *
 * @example
 * ```ts
 * const handler = createRestHandler(engine, {
 *   basePath: "/api/homevisit",
 *   getActor: async (request) => (await hostSession(request))?.homevisitActor ?? null,
 *   cors: { origins: ["https://campus.example.edu.cn"] },
 * });
 * const response = await handler(new Request("https://campus.example.edu.cn/api/homevisit/students?limit=20"));
 * response.status; // 200 (or 401 without a session)
 * ```
 */
export function createRestHandler(
  engine: RestEngine,
  options: RestHandlerOptions,
): (request: Request) => Promise<Response> {
  const basePath = normaliseBasePath(options.basePath);
  const limits: RestLimits = { ...defaultRestLimits, ...options.limits };
  const useCases = registryOf(engine);
  const routes = restRoutes(useCases);
  const hostLogger = options.logger;
  const structured = typeof hostLogger === "object" ? safeLogger(hostLogger) : undefined;
  const log: (entry: RestLogEntry) => void =
    typeof hostLogger === "function"
      ? hostLogger
      : structured
        ? (entry) => structured[entry.level]({ ...entry }, `homevisit rest ${entry.event}`)
        : () => undefined;
  const telemetry = createTelemetry(options.telemetry);
  const cors = options.cors;
  const tag = representationTagger(options.etagKey);
  let openApiText: string | undefined;

  const app = new Hono({ strict: true });
  const api = basePath === "" ? app : app.basePath(basePath);

  const decorate = (request: Request, response: Response): Response => {
    const headers = response.headers;
    if (!headers.has("cache-control")) headers.set("Cache-Control", "no-store");
    const vary = new Set((headers.get("vary") ?? "").split(",").map((v) => v.trim()));
    vary.add("Accept-Language");
    if (cors) {
      for (const [k, v] of Object.entries(corsHeaders(request, cors))) {
        if (k === "Vary") for (const name of v.split(",")) vary.add(name.trim());
        else headers.set(k, v);
      }
    }
    vary.delete("");
    headers.set("Vary", [...vary].join(", "));
    return response;
  };

  const problem = (request: Request, error: unknown, route?: string, extra?: Record<string, string>): Response => {
    const locale = localeOf(request);
    const body = toProblem(error, locale);
    if (body.status >= 500 && !isHomevisitError(error)) {
      const entry: RestLogEntry = { level: "error", event: "internal_error", method: request.method, status: 500 };
      if (route !== undefined) entry.route = route;
      if (error instanceof Error) {
        entry.errorName = error.name;
        if (error.stack) entry.stack = error.stack.split("\n").slice(1).join("\n");
      }
      safeLog(log, entry);
    }
    const headers: Record<string, string> = { "Content-Type": problemType, "Content-Language": locale, ...extra };
    return decorate(request, new Response(JSON.stringify(body), { status: body.status, headers }));
  };

  if (options.openapi !== false) {
    const openapi = options.openapi ?? {};
    let catalogText: string | undefined;
    api.get(errorCatalogPath, (c) => {
      catalogText ??= JSON.stringify(errorCatalogDocument());
      const response = new Response(catalogText, {
        status: 200,
        headers: { "Content-Type": jsonType, "Cache-Control": "no-cache" },
      });
      return decorate(c.req.raw, response);
    });
    api.get("/openapi.json", (c) => {
      openApiText ??= JSON.stringify(createOpenApiDocument(useCases, { ...openapi, basePath, limits }));
      const response = new Response(openApiText, {
        status: 200,
        headers: { "Content-Type": jsonType, "Cache-Control": "no-cache" },
      });
      return decorate(c.req.raw, response);
    });
  }

  /** A span, a counter, a duration and a debug line per request: method, route template, status. */
  const observed = async (request: Request, route: string, handle: () => Promise<Response>): Promise<Response> => {
    const attributes = { "http.request.method": safeMethod(request.method), "http.route": route };
    const started = performance.now();
    return telemetry.span("homevisit.rest.request", attributes, async (span) => {
      const response = await handle();
      const ms = performance.now() - started;
      span.set("http.response.status_code", response.status);
      const metric = { ...attributes, "http.response.status_code": response.status };
      telemetry.count("homevisit.rest.requests", metric);
      telemetry.duration("homevisit.rest.duration", ms, metric);
      structured?.debug(
        {
          event: "request",
          method: attributes["http.request.method"],
          route,
          status: response.status,
          ms: Math.round(ms * 10) / 10,
        },
        "homevisit rest request",
      );
      return response;
    });
  };

  for (const route of routes) {
    const call = callerOf(engine, route.name);
    api.on(route.method, route.routerPath, (c) =>
      observed(c.req.raw, route.path, async () => {
        const request = c.req.raw;
        try {
          const actor = await authenticate(request, options.getActor, log);
          const { input, callOptions } = await buildInput(
            request,
            route,
            c.req.param() as Record<string, string>,
            limits,
          );
          const output = await call(actor, input, callOptions);
          return decorate(request, await success(request, route, output, tag));
        } catch (error) {
          return problem(request, error, route.name);
        }
      }),
    );
  }

  const matchers = routes.map((r) => ({
    method: r.method,
    pattern: new RegExp(
      `^${escapeRegExp(basePath)}${r.path.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{\w+\}/g, "[^/]+")}$`,
    ),
  }));
  const allowedMethods = (pathname: string): string[] => {
    const found: string[] = matchers.filter((m) => m.pattern.test(pathname)).map((m) => m.method);
    if (found.length > 0 && found.includes("GET")) found.push("HEAD");
    return found;
  };

  app.notFound(async (c) => {
    const request = c.req.raw;
    try {
      await authenticate(request, options.getActor, log);
      const allowed = allowedMethods(new URL(request.url).pathname);
      if (allowed.length > 0) {
        throw new HomevisitError("rest_method_not_allowed", { params: { method: safeMethod(request.method) } });
      }
      throw new HomevisitError("rest_route_not_found");
    } catch (error) {
      const allowed = allowedMethods(new URL(request.url).pathname);
      return problem(
        request,
        error,
        undefined,
        allowed.length > 0 ? { Allow: [...allowed, "OPTIONS"].join(", ") } : {},
      );
    }
  });
  app.onError((error, c) => problem(c.req.raw, error));

  return async (request: Request): Promise<Response> => {
    try {
      if (request.method === "OPTIONS") {
        const allowed = allowedMethods(new URL(request.url).pathname);
        const base = { Allow: [...allowed, "OPTIONS"].join(", "), "Cache-Control": "no-store" };
        const headers = cors ? { ...base, ...preflight(request, cors, allowed) } : base;
        return new Response(null, { status: 204, headers });
      }
      return await app.fetch(request);
    } catch (error) {
      return problem(request, error);
    }
  };
}

async function success(
  request: Request,
  route: RestRoute,
  result: CallResult,
  tag: RepresentationTagger,
): Promise<Response> {
  const output = result.value;
  const headers = new Headers();
  if (output === undefined || output === null) {
    headers.set("Content-Language", localeOf(request));
    return new Response(null, { status: 204, headers });
  }
  const version = route.etag ? (output as { version?: unknown }).version : undefined;
  const recordVersion = Number.isSafeInteger(version) ? (version as number) : undefined;
  let type = jsonType;
  if (route.calendar) {
    headers.set("Vary", "Accept");
    if (preferredMediaType(request.headers.get("accept"), calendarOffers) === "text/calendar") type = calendarType;
  }
  const text = type === calendarType ? String((output as Record<string, unknown>)[calendarField]) : result.text;
  // The text itself is the body: the tag hashes its UTF-8 bytes, the Response encodes it once.
  const body = text;
  if (route.method === "GET") {
    const etag = await tag(recordVersion, body);
    headers.set("ETag", etag);
    // RFC 9110 §15.4.5: a 304 carries the validators and Vary, not the representation's
    // metadata (Content-Type, Content-Language) nor its Link.
    if (ifNoneMatchMatches(request.headers.get("if-none-match"), etag)) {
      return new Response(null, { status: 304, headers });
    }
  } else if (recordVersion !== undefined) {
    // One form for reads and writes: the version and a digest of this body.
    headers.set("ETag", await tag(recordVersion, body));
  }
  headers.set("Content-Type", type);
  headers.set("Content-Language", localeOf(request));
  if (route.paged) {
    const next = (output as { nextCursor?: unknown }).nextCursor;
    if (typeof next === "string") {
      const url = new URL(request.url);
      url.searchParams.set("cursor", next);
      headers.set("Link", `<${url.pathname}${url.search}>; rel="next"`);
    }
  }
  const status = route.idempotent && route.method === "POST" ? 201 : 200;
  return new Response(body, { status, headers });
}

async function authenticate(
  request: Request,
  getActor: RestHandlerOptions["getActor"],
  log: (entry: RestLogEntry) => void,
): Promise<unknown> {
  let candidate: unknown;
  try {
    candidate = await getActor(request);
  } catch (error) {
    const entry: RestLogEntry = { level: "warn", event: "get_actor_failed", method: request.method, status: 401 };
    if (error instanceof Error) entry.errorName = error.name;
    safeLog(log, entry);
    throw new HomevisitError("rest_unauthenticated");
  }
  if (candidate === null || candidate === undefined) throw new HomevisitError("rest_unauthenticated");
  const parsed = actorSchema.safeParse(candidate);
  if (!parsed.success) {
    safeLog(log, { level: "warn", event: "invalid_actor", method: request.method, status: 401 });
    throw new HomevisitError("rest_unauthenticated");
  }
  return parsed.data;
}

async function buildInput(
  request: Request,
  route: RestRoute,
  params: Readonly<Record<string, string>>,
  limits: RestLimits,
): Promise<{ input: Record<string, unknown>; callOptions: RestCallOptions }> {
  const callOptions: RestCallOptions = {};
  const idempotencyKey = request.headers.get("idempotency-key");
  if (idempotencyKey !== null) {
    if (!route.idempotent) throw new HomevisitError("rest_idempotency_unsupported");
    if (!allowedIdempotencyKey.test(idempotencyKey)) {
      throw new HomevisitError("rest_malformed_header", { params: { header: "Idempotency-Key" } });
    }
    callOptions.idempotencyKey = idempotencyKey;
  }
  const purpose = request.headers.get(purposeHeader);
  if (purpose !== null) {
    try {
      callOptions.purpose = decodeURIComponent(purpose);
    } catch {
      throw new HomevisitError("rest_malformed_header", { params: { header: purposeHeader } });
    }
  }
  const input: Record<string, unknown> = {};
  const url = new URL(request.url);
  const queryKeys = new Set(url.searchParams.keys());
  for (const key of queryKeys) {
    const kind = route.queryFields[key];
    if (kind === undefined || !Object.hasOwn(route.queryFields, key)) {
      throw new HomevisitError("rest_unknown_parameter", { params: { name: safeName(key) }, path: ["query"] });
    }
    const values = url.searchParams.getAll(key);
    if (kind === "array") {
      input[key] = values;
      continue;
    }
    if (values.length > 1) {
      throw new HomevisitError("rest_repeated_parameter", { params: { name: safeName(key) }, path: ["query"] });
    }
    input[key] = coerce(values[0] ?? "", kind);
  }
  if (route.paged && typeof input.limit === "number" && input.limit > limits.pageSize) {
    throw new HomevisitError("storage_page_size", { params: { max: limits.pageSize }, path: ["limit"] });
  }
  if (route.uploadField !== undefined) {
    const type = request.headers.get("content-type");
    if (type === null || !/^[\w.+-]+\/[\w.+-]+(\s*;.*)?$/.test(type)) {
      await request.body?.cancel().catch(() => undefined);
      throw new HomevisitError("rest_unsupported_media_type");
    }
    input[route.uploadField] = await readBodyLimited(request, limits.uploadBytes);
    if (Object.hasOwn(objectShape(route.useCase.input) ?? {}, contentTypeField)) {
      input[contentTypeField] = (type.split(";")[0] ?? "").trim().toLowerCase();
    }
  } else if (route.method === "POST" || route.method === "PUT" || route.method === "PATCH") {
    const body = await readJsonBody(request, limits);
    for (const [key, value] of Object.entries(body)) {
      if (route.pathParams.includes(key)) {
        throw new HomevisitError("rest_path_field_in_body", { params: { field: key }, path: [key] });
      }
      if (route.versioned && key === versionField) throw new HomevisitError("rest_version_in_body", { path: [key] });
      input[key] = value;
    }
  }
  for (const param of route.pathParams) input[param] = params[param] ?? "";
  if (route.versioned) input[versionField] = parseIfMatch(request.headers.get("if-match"));
  return { input, callOptions };
}

async function readJsonBody(request: Request, limits: RestLimits): Promise<Record<string, unknown>> {
  const contentType = request.headers.get("content-type");
  const declaredEmpty = request.headers.get("content-length")?.trim() === "0";
  if (contentType === null) {
    // A body-less POST (a transition that needs nothing but its path) is an empty object.
    if (request.body === null || declaredEmpty) return {};
    const bytes = await readBodyLimited(request, limits.bodyBytes);
    if (bytes.byteLength === 0) return {};
    throw new HomevisitError("rest_unsupported_media_type");
  }
  if (!isJsonContentType(contentType)) {
    await request.body?.cancel().catch(() => undefined);
    throw new HomevisitError("rest_unsupported_media_type");
  }
  const bytes = await readBodyLimited(request, limits.bodyBytes);
  if (bytes.byteLength === 0) return {};
  const value = parseJsonLimited(bytes, limits);
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new HomevisitError("validation_failed", {
      issues: [
        {
          path: [],
          code: "invalid_type",
          message: { "zh-CN": "请求体须为 JSON 对象", en: "The body must be a JSON object" },
        },
      ],
    });
  }
  return value as Record<string, unknown>;
}

/**
 * Whether a `Content-Type` is JSON in UTF-8: `application/json`, optionally with
 * `charset=utf-8` (any other charset is refused).
 *
 * @example
 * ```ts
 * isJsonContentType("application/json; charset=UTF-8"); // true
 * isJsonContentType("text/plain"); // false
 * ```
 */
export function isJsonContentType(value: string): boolean {
  const [type = "", ...params] = value.split(";").map((p) => p.trim().toLowerCase());
  if (type !== "application/json") return false;
  return params.every((p) => {
    const [name, raw = ""] = p.split("=").map((s) => s.trim());
    if (name !== "charset") return true;
    return raw.replace(/^"|"$/g, "") === "utf-8";
  });
}

/**
 * The version an `If-Match` header names: `"3"` → 3, and a GET's tag `"3.<digest>"` → 3 too
 * (the precondition of a write is the record's version, whichever representation was read;
 * weak `W/"3"` also accepted). Missing or `*`: `rest_precondition_required` (428); anything
 * that cannot be a version: `version_conflict` (412), since it matches none.
 *
 * @example
 * ```ts
 * parseIfMatch('"7"'); // 7
 * parseIfMatch('"7.q2VbX0aPZ2tq1mL8cN3wYg"'); // 7
 * parseIfMatch(null); // throws rest_precondition_required
 * ```
 */
export function parseIfMatch(header: string | null): number {
  if (header === null || header.trim() === "" || header.trim() === "*") {
    throw new HomevisitError("rest_precondition_required");
  }
  const match = /^(?:W\/)?"(\d{1,15})(?:\.[\w-]{1,64})?"$/.exec(header.trim());
  const version = match ? Number(match[1]) : Number.NaN;
  if (!Number.isSafeInteger(version) || version < 1) throw new HomevisitError("version_conflict");
  return version;
}

function coerce(value: string, kind: "string" | "number" | "boolean"): unknown {
  if (kind === "number") return /^-?\d{1,15}(\.\d{1,15})?$/.test(value) ? Number(value) : value;
  if (kind === "boolean") return value === "true" ? true : value === "false" ? false : value;
  return value;
}

function registryOf(engine: RestEngine): RestUseCase[] {
  const registry = engine.useCases;
  if (registry === null || typeof registry !== "object") throw new TypeError("engine.useCases is missing");
  return Symbol.iterator in registry
    ? [...(registry as Iterable<RestUseCase>)]
    : Object.values(registry as Record<string, RestUseCase>);
}

/** A use case's result: its JSON text, and the value for reading a version or a cursor. */
interface CallResult {
  text: string;
  value: unknown;
}

type Caller = (actor: unknown, input: unknown, options: RestCallOptions) => Promise<CallResult>;
type ValueCaller = (actor: unknown, input: unknown, options: RestCallOptions) => Promise<unknown>;

function callerOf(engine: RestEngine, name: string): Caller {
  if (typeof engine.callJson === "function") {
    const callJson = engine.callJson.bind(engine);
    return (actor, input, options) => callJson(name, actor, input, options);
  }
  const valueCaller = valueCallerOf(engine, name);
  return async (actor, input, options) => {
    const value = await valueCaller(actor, input, options);
    return { text: JSON.stringify(value) ?? "null", value };
  };
}

function valueCallerOf(engine: RestEngine, name: string): ValueCaller {
  if (typeof engine.call === "function") {
    const call = engine.call.bind(engine);
    return (actor, input, options) => call(name, actor, input, options);
  }
  const dot = name.indexOf(".");
  const area = (engine as unknown as Record<string, unknown>)[name.slice(0, dot)];
  const fn = area && typeof area === "object" ? (area as Record<string, unknown>)[name.slice(dot + 1)] : undefined;
  if (typeof fn !== "function") throw new TypeError(`the engine has no function for use case ${name}`);
  return (actor, input, options) => (fn as ValueCaller).call(area, actor, input, options);
}

function localeOf(request: Request): Locale {
  return pickLocale(request.headers.get("accept-language"));
}

function normaliseBasePath(basePath: string | undefined): string {
  if (basePath === undefined || basePath === "" || basePath === "/") return "";
  if (!/^(\/[A-Za-z0-9._~-]+)+$/.test(basePath.replace(/\/$/, ""))) {
    throw new TypeError(`basePath must look like /api/homevisit, got ${JSON.stringify(basePath)}`);
  }
  return basePath.replace(/\/$/, "");
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function safeName(name: string): string {
  return /^[\w.-]{1,64}$/.test(name) ? name : "?";
}

function safeMethod(method: string): string {
  return /^[A-Z]{1,16}$/.test(method) ? method : "?";
}

function safeLog(log: (entry: RestLogEntry) => void, entry: RestLogEntry): void {
  try {
    log(entry);
  } catch {
    // A failing logger must not turn a response into a crash.
  }
}
