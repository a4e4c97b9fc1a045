import {
  calendarField,
  createTelemetry,
  HomevisitError,
  type HomevisitLogger,
  isHomevisitError,
  type Locale,
  type ParsedActor,
  pickLocale,
  safeLogger,
  safeParseActor,
  type TelemetryOption,
} from "@homevisit/core";
import { Hono } from "hono";
import { defaultRestLimits, type RestLimits } from "./body.js";
import { ifNoneMatchMatches, type RepresentationTagger, representationTagger } from "./conditional.js";
import { type CorsOptions, corsHeaders, preflight } from "./cors.js";
import type { ExportTableInput } from "./export-files.js";
import { exportFile, exportFormatOf, exportFormatParameter, exportSchoolId, isExportRoute } from "./export-route.js";
import { type RestCallOptions, requestInput } from "./input.js";
import { preferredMediaType } from "./negotiate.js";
import { createOpenApiDocument, type OpenApiOptions } from "./openapi.js";
import { errorCatalogDocument, errorCatalogPath } from "./operation-text.js";
import { toProblem } from "./problem.js";
import { type RestRoute, type RestUseCase, restRoutes } from "./routes.js";

/** A use case's result: its JSON text, made once, and the value for reading a version or a cursor. */
export interface RestCallResult {
  text: string;
  value: unknown;
}

/**
 * What `createRestHandler` needs of an engine: its use case registry and `callJson` (a homevisit
 * engine has both). The handler checks the host's actor once, with core's `safeParseActor`, and
 * hands the resulting {@link ParsedActor} to `callJson`, which does not check it again.
 */
export interface RestEngine {
  readonly useCases: Iterable<RestUseCase> | Readonly<Record<string, RestUseCase>>;
  readonly callJson: (
    name: string,
    actor: ParsedActor,
    input: unknown,
    options?: RestCallOptions,
  ) => Promise<RestCallResult>;
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

const jsonType = "application/json; charset=utf-8";
const calendarType = "text/calendar; charset=utf-8";
const calendarOffers = ["text/calendar", "application/json"] as const;
const problemType = "application/problem+json; charset=utf-8";

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
  if (typeof engine.callJson !== "function") throw new TypeError("engine.callJson is missing");
  const callJson = engine.callJson.bind(engine);
  const routes = restRoutes(useCases);
  const { log, structured } = hostLog(options.logger);
  const cors = options.cors;
  const tag = representationTagger(options.etagKey);
  const { decorate, problem } = responders(cors, log);
  const observed = observer(createTelemetry(options.telemetry), structured);

  const app = new Hono({ strict: true });
  const api = basePath === "" ? app : app.basePath(basePath);
  if (options.openapi !== false) {
    const openapi = options.openapi ?? {};
    const serveJson = (make: () => unknown) => {
      let text: string | undefined;
      return (c: { req: { raw: Request } }) => {
        text ??= JSON.stringify(make());
        const headers = { "Content-Type": jsonType, "Cache-Control": "no-cache" };
        return decorate(c.req.raw, new Response(text, { status: 200, headers }));
      };
    };
    api.get(errorCatalogPath, serveJson(errorCatalogDocument));
    api.get(
      "/openapi.json",
      serveJson(() => createOpenApiDocument(useCases, { ...openapi, basePath, limits })),
    );
  }

  for (const route of routes) {
    const exportRoute = isExportRoute(route);
    const adapterParameters = exportRoute ? [exportFormatParameter] : [];
    api.on(route.method, route.routerPath, (c) =>
      observed(c.req.raw, route.path, async () => {
        const request = c.req.raw;
        try {
          const actor = await authenticate(request, options.getActor, log);
          const format = exportRoute ? exportFormatOf(request) : undefined;
          const params = c.req.param() as Record<string, string>;
          const { input, callOptions } = await requestInput(request, route, params, limits, adapterParameters);
          const result = await callJson(route.name, actor, input, callOptions);
          if (format !== undefined) {
            const school = await schoolName(callJson, actor, exportSchoolId(input, actor));
            const file = exportFile(result.value as ExportTableInput, {
              format,
              locale: input.locale === "en" ? "en" : "zh-CN",
              school: school.name,
              schoolId: school.id,
              from: String(input.from),
              to: String(input.to),
            });
            return decorate(request, await fileSuccess(request, file, format, result.text, tag));
          }
          return decorate(request, await success(request, route, result, tag, exportRoute));
        } catch (error) {
          return problem(request, error, route.name);
        }
      }),
    );
  }

  const allowedMethods = methodMatcher(routes, basePath);
  app.notFound(async (c) => {
    const request = c.req.raw;
    const allowed = allowedMethods(new URL(request.url).pathname);
    try {
      await authenticate(request, options.getActor, log);
      if (allowed.length > 0) {
        throw new HomevisitError("rest_method_not_allowed", { params: { method: safeMethod(request.method) } });
      }
      throw new HomevisitError("rest_route_not_found");
    } catch (error) {
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

/** The host's logger as a function of {@link RestLogEntry}, and as a structured logger if it is one. */
function hostLog(hostLogger: RestHandlerOptions["logger"]): {
  log: (entry: RestLogEntry) => void;
  structured: HomevisitLogger | undefined;
} {
  const structured = typeof hostLogger === "object" ? safeLogger(hostLogger) : undefined;
  const log: (entry: RestLogEntry) => void =
    typeof hostLogger === "function"
      ? hostLogger
      : structured
        ? (entry) => structured[entry.level]({ ...entry }, `homevisit rest ${entry.event}`)
        : () => undefined;
  return { log, structured };
}

interface Responders {
  /** Adds `Cache-Control: no-store`, `Vary` and the CORS headers to any response. */
  decorate(request: Request, response: Response): Response;
  /** Any error as an RFC 9457 problem in the request's locale; internal errors are logged. */
  problem(request: Request, error: unknown, route?: string, extra?: Record<string, string>): Response;
}

function responders(cors: CorsOptions | undefined, log: (entry: RestLogEntry) => void): Responders {
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
  return { decorate, problem };
}

/** A span, a counter, a duration and a debug line per request: method, route template, status. */
function observer(
  telemetry: ReturnType<typeof createTelemetry>,
  structured: HomevisitLogger | undefined,
): (request: Request, route: string, handle: () => Promise<Response>) => Promise<Response> {
  return async (request, route, handle) => {
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
}

/** The methods some route answers on a path (HEAD wherever GET), for 405 and `Allow`. */
function methodMatcher(routes: readonly RestRoute[], basePath: string): (pathname: string) => string[] {
  const matchers = routes.map((r) => ({
    method: r.method,
    pattern: new RegExp(
      `^${escapeRegExp(basePath)}${r.path.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{\w+\}/g, "[^/]+")}$`,
    ),
  }));
  return (pathname) => {
    const found: string[] = matchers.filter((m) => m.pattern.test(pathname)).map((m) => m.method);
    if (found.length > 0 && found.includes("GET")) found.push("HEAD");
    return found;
  };
}

/**
 * The name of the school an export file is named after, from the organisation the caller reaches;
 * its id when the name cannot be read (the export itself already succeeded and was audited).
 */
async function schoolName(
  callJson: RestEngine["callJson"],
  actor: ParsedActor,
  schoolId: string | undefined,
): Promise<{ id: string; name: string }> {
  const id = schoolId ?? "school";
  if (schoolId === undefined) return { id, name: id };
  try {
    const { value } = await callJson("organisation.read", actor, {});
    const schools = (value as { schools?: { id: string; name: string }[] }).schools ?? [];
    return { id, name: schools.find((s) => s.id === schoolId)?.name ?? id };
  } catch {
    return { id, name: id };
  }
}

/** An export file as the answer: its bytes, tagged by the table's text and the format. */
async function fileSuccess(
  request: Request,
  file: { bytes: Uint8Array; type: string; disposition: string },
  format: string,
  text: string,
  tag: RepresentationTagger,
): Promise<Response> {
  const headers = new Headers({ Vary: "Accept" });
  // The file is a function of the table's text and the format: tag those, not the bytes.
  const etag = await tag(undefined, `${format}\n${text}`);
  headers.set("ETag", etag);
  if (ifNoneMatchMatches(request.headers.get("if-none-match"), etag)) {
    return new Response(null, { status: 304, headers });
  }
  headers.set("Content-Type", file.type);
  headers.set("Content-Disposition", file.disposition);
  headers.set("Content-Language", localeOf(request));
  return new Response(file.bytes as Uint8Array<ArrayBuffer>, { status: 200, headers });
}

async function success(
  request: Request,
  route: RestRoute,
  result: RestCallResult,
  tag: RepresentationTagger,
  negotiated = false,
): Promise<Response> {
  const output = result.value;
  const headers = new Headers();
  // An export route's JSON is one of its representations: caches must key on Accept.
  if (negotiated) headers.set("Vary", "Accept");
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
): Promise<ParsedActor> {
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
  // Checked here, once: the engine takes the parsed actor as it is.
  const actor = safeParseActor(candidate);
  if (actor === undefined) {
    safeLog(log, { level: "warn", event: "invalid_actor", method: request.method, status: 401 });
    throw new HomevisitError("rest_unauthenticated");
  }
  return actor;
}

function registryOf(engine: RestEngine): RestUseCase[] {
  const registry = engine.useCases;
  if (registry === null || typeof registry !== "object") throw new TypeError("engine.useCases is missing");
  return Symbol.iterator in registry
    ? [...(registry as Iterable<RestUseCase>)]
    : Object.values(registry as Record<string, RestUseCase>);
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
