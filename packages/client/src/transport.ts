import { errorCatalog, type Locale, type LocalizedText } from "@homevisit/core";
import type { HeldResponse, ResponseCache } from "./cache.js";
import { clientError, HomevisitClientError, readProblem } from "./errors.js";
import { type ClientRoute, versionField } from "./routes.js";

/** A fetch function: the platform's, a test's, or an in-process REST handler. */
export type FetchLike = (request: Request) => Promise<Response>;

/** Headers sent with every request: fixed, or computed per request (a fresh token). */
export type ClientHeaders = HeadersInit | (() => HeadersInit | Promise<HeadersInit>);

/** How the client retries a request that may not have reached the server. */
export interface RetryOptions {
  /** Extra attempts after the first. Default 2; 0 turns retries off. */
  retries: number;
  /** The first backoff in ms; it doubles per attempt, with full jitter. Default 200. */
  minDelayMs: number;
  /** The longest wait, `Retry-After` included. Default 5,000. */
  maxDelayMs: number;
}

/** The retry policy unless the client or the call says otherwise. */
export const defaultRetry: RetryOptions = { retries: 2, minDelayMs: 200, maxDelayMs: 5_000 };

/** A previous result (with `version`), its ETag, or the version number itself. */
export type IfMatch = number | string | { readonly version?: number } | object;

/** Options of one call. */
export interface CallOptions {
  /**
   * Makes a create safe to retry: the server returns the first result for a replay. Default:
   * a random UUID per call, reused across the client's own retries of that call.
   */
  idempotencyKey?: string;
  /**
   * The version this update is based on: the previous result of a read or write (its
   * `version`, or the ETag it came with), an ETag string (`"3"`), or a number. Sent as
   * `If-Match`; an `expectedVersion` in the input wins over it.
   */
  ifMatch?: IfMatch;
  /** Why the full view is needed, where the policy asks for a purpose. Audited. */
  purpose?: string;
  /** Aborts the call (and its retries). */
  signal?: AbortSignal;
  /** Extra headers for this call. */
  headers?: HeadersInit;
  /** This call's retry policy, or `false` for a single attempt. */
  retry?: Partial<RetryOptions> | false;
  /**
   * `false`: this GET neither revalidates a held result nor keeps its own, where the client
   * has a `cache`. Default `true`.
   */
  cache?: boolean;
}

/** What the response of a call said besides its body. */
export interface ResponseMeta {
  /** 200, 201 …; 304 when the result is the client's held copy, confirmed by the server. */
  readonly status: number;
  /** The `ETag` header: `"3"` after a write, `"3.<digest>"` (or `"<digest>"`) for a GET. */
  readonly etag: string | undefined;
  /** The record version the ETag names. */
  readonly version: number | undefined;
  /** The next page's cursor, from the `Link` header. */
  readonly nextCursor: string | undefined;
  /** How many requests the call took. */
  readonly attempts: number;
}

const metas = new WeakMap<object, ResponseMeta>();

/**
 * What the response of a call said besides its body: status, ETag, version, next cursor.
 * `undefined` for results that are not objects (and for objects the client did not return).
 *
 * @example
 * ```ts
 * const student = await client.students.read({ studentId: "stu-0001" }, { purpose: "家访准备" });
 * responseMeta(student)?.etag; // '"4"'
 * ```
 */
export function responseMeta(result: unknown): ResponseMeta | undefined {
  return result !== null && typeof result === "object" ? metas.get(result) : undefined;
}

/** Everything a transport needs that stays the same across calls. */
export interface TransportConfig {
  readonly baseUrl: string;
  readonly fetch: FetchLike;
  readonly headers: ClientHeaders | undefined;
  readonly locale: Locale;
  readonly retry: RetryOptions;
  readonly credentials: RequestCredentials | undefined;
  /** Waits between retries; injectable so tests need no timers. */
  readonly sleep: (ms: number, signal: AbortSignal | undefined) => Promise<void>;
  /** Fresh idempotency keys. */
  readonly newKey: () => string;
  /** Held GET results for conditional requests; `undefined` when the client has no cache. */
  readonly cache?: ResponseCache | undefined;
}

/**
 * The version an `ifMatch` option names: a number as is, an ETag parsed (a GET's
 * `"3.<digest>"` names version 3), a result's `version` or the ETag it came with.
 *
 * @example
 * ```ts
 * versionOf(3); // 3
 * versionOf('W/"3"'); // 3
 * versionOf('"3.q2VbX0aPZ2tq1mL8cN3wYg"'); // 3
 * versionOf({ flag, version: 3 }); // 3
 * ```
 */
export function versionOf(ifMatch: IfMatch | undefined): number | undefined {
  if (ifMatch === undefined || ifMatch === null) return undefined;
  if (typeof ifMatch === "number") return Number.isSafeInteger(ifMatch) ? ifMatch : undefined;
  if (typeof ifMatch === "string") {
    const m = /^(?:W\/)?"?(\d{1,15})(?:\.[\w-]{1,64})?"?$/.exec(ifMatch.trim());
    return m ? Number(m[1]) : undefined;
  }
  const version = (ifMatch as { version?: unknown }).version;
  if (typeof version === "number" && Number.isSafeInteger(version)) return version;
  return responseMeta(ifMatch)?.version;
}

const required: LocalizedText = { "zh-CN": "路径参数不能为空", en: "A path parameter is required" };

function joinUrl(baseUrl: string, path: string): string {
  return `${baseUrl.replace(/\/+$/, "")}${path}`;
}

/**
 * A base URL made absolute: relative ones resolve against the page in a browser; outside one
 * they throw a `TypeError` (there is nothing to resolve them against).
 *
 * @example
 * ```ts
 * absoluteBaseUrl("https://campus.example/api"); // "https://campus.example/api"
 * absoluteBaseUrl("/api"); // on https://campus.example/visits: "https://campus.example/api"
 * ```
 */
export function absoluteBaseUrl(baseUrl: string): string {
  if (/^[a-z][a-z0-9+.-]*:/i.test(baseUrl)) return baseUrl;
  const here = (globalThis as { location?: { href?: string } }).location?.href;
  if (here === undefined)
    throw new TypeError(`baseUrl must be absolute outside a browser, got ${JSON.stringify(baseUrl)}`);
  return new URL(baseUrl, here).href;
}

function appendQuery(url: URL, key: string, value: unknown): void {
  if (value === undefined) return;
  if (Array.isArray(value)) {
    for (const item of value) if (item !== undefined) url.searchParams.append(key, String(item));
    return;
  }
  url.searchParams.append(key, typeof value === "object" && value !== null ? JSON.stringify(value) : String(value));
}

/** The parts of one request, built once and sent as many times as retries need. */
export interface PreparedRequest {
  readonly url: string;
  readonly method: string;
  readonly headers: Headers;
  readonly body: string | undefined;
  /** Network failures may be retried: a GET, or a create with an idempotency key. */
  readonly retrySafe: boolean;
}

/**
 * Builds the request of a call: path parameters into the path (escaped), other fields into the
 * query (GET, DELETE) or a JSON body, `expectedVersion` (or `options.ifMatch`) as `If-Match`,
 * an `Idempotency-Key` for creates (the caller's, or a fresh one), the purpose
 * percent-encoded, and `Accept-Language`.
 *
 * @example
 * ```ts
 * const r = await prepareRequest(config, flagRoute, { studentId: "s 1", category: "disability" }, {});
 * r.url; // "https://campus.example/api/students/s%201/flags"
 * r.headers.get("idempotency-key"); // "3f0c…" (a UUID)
 * ```
 */
export async function prepareRequest(
  config: TransportConfig,
  route: ClientRoute,
  input: Readonly<Record<string, unknown>> | undefined,
  options: CallOptions,
): Promise<PreparedRequest> {
  const fields: Record<string, unknown> = { ...(input ?? {}) };
  let path = route.path;
  for (const param of route.pathParams) {
    const value = fields[param];
    if (value === undefined || value === null || value === "") {
      throw new HomevisitClientError({
        code: "validation_failed",
        status: errorCatalog.validation_failed.status,
        message: errorCatalog.validation_failed.message[config.locale],
        issues: [{ path: [param], code: "invalid_type", message: required[config.locale] }],
        operation: route.name,
        attempts: 0,
      });
    }
    path = path.replace(`{${param}}`, encodeURIComponent(String(value)));
    delete fields[param];
  }
  const headers = new Headers(await resolveHeaders(config.headers));
  for (const [k, v] of new Headers(options.headers)) headers.set(k, v);
  headers.set("Accept", "application/json, application/problem+json");
  headers.set("Accept-Language", config.locale);
  if (route.versioned) {
    const fromInput = fields[versionField];
    delete fields[versionField];
    const version = typeof fromInput === "number" ? fromInput : versionOf(options.ifMatch);
    if (version !== undefined) headers.set("If-Match", `"${version}"`);
  }
  let retrySafe = route.httpMethod === "GET";
  if (route.idempotent) {
    headers.set("Idempotency-Key", options.idempotencyKey ?? config.newKey());
    retrySafe = true;
  }
  if (options.purpose !== undefined) headers.set("Homevisit-Purpose", encodeURIComponent(options.purpose));
  const url = new URL(joinUrl(absoluteBaseUrl(config.baseUrl), path));
  let body: string | undefined;
  if (route.body) {
    body = JSON.stringify(fields);
    headers.set("Content-Type", "application/json; charset=utf-8");
  } else {
    for (const [key, value] of Object.entries(fields)) appendQuery(url, key, value);
  }
  return { url: url.href, method: route.httpMethod, headers, body, retrySafe };
}

async function resolveHeaders(headers: ClientHeaders | undefined): Promise<HeadersInit> {
  if (headers === undefined) return {};
  return typeof headers === "function" ? await headers() : headers;
}

function isAbort(error: unknown, signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true || (error instanceof Error && error.name === "AbortError");
}

function retryAfterMs(response: Response): number | undefined {
  const header = response.headers.get("retry-after");
  if (header === null) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

function backoff(retry: RetryOptions, attempt: number): number {
  const ceiling = Math.min(retry.maxDelayMs, retry.minDelayMs * 2 ** (attempt - 1));
  return Math.round(Math.random() * ceiling);
}

function nextCursorOf(response: Response): string | undefined {
  const link = response.headers.get("link");
  if (link === null) return undefined;
  for (const part of link.split(",")) {
    const m = /<([^>]*)>\s*;\s*rel="?next"?/.exec(part);
    if (m?.[1] === undefined) continue;
    try {
      return new URL(m[1], "http://x").searchParams.get("cursor") ?? undefined;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/**
 * Sends one call and reads its answer. Retries, with exponential backoff and full jitter up to
 * `retry.retries` times: on a network failure when the request is safe to repeat (a GET, or a
 * create carrying its idempotency key — the same key on every attempt, so a create the server
 * already made is replayed, not made twice); on 503 (the server did not commit); and on
 * `idempotency_in_flight` (the first attempt is still running). Never retries an aborted call.
 * A success is the parsed JSON (`undefined` for 204); a failure is a {@link HomevisitClientError}.
 * With a `config.cache`, a GET sends the held result's ETag as `If-None-Match` and a 304
 * returns that result, parsed afresh (its meta says status 304); a 200 with an ETag is held.
 *
 * @example
 * ```ts
 * const out = await send(config, route, await prepareRequest(config, route, input, {}), {});
 * responseMeta(out)?.attempts; // 1, or more after retries
 * ```
 */
export async function send(
  config: TransportConfig,
  route: ClientRoute,
  prepared: PreparedRequest,
  options: CallOptions,
): Promise<unknown> {
  const retry: RetryOptions =
    options.retry === false ? { ...config.retry, retries: 0 } : { ...config.retry, ...options.retry };
  const signal = options.signal;
  const cache = prepared.method === "GET" && options.cache !== false ? config.cache : undefined;
  const held = cache?.get(prepared.url);
  const headers = new Headers(prepared.headers);
  if (held !== undefined) headers.set("If-None-Match", held.etag);
  let attempt = 0;
  for (;;) {
    attempt++;
    const request = new Request(prepared.url, {
      method: prepared.method,
      headers,
      ...(prepared.body === undefined ? {} : { body: prepared.body }),
      ...(signal === undefined ? {} : { signal }),
      ...(config.credentials === undefined ? {} : { credentials: config.credentials }),
    });
    let response: Response;
    try {
      response = await config.fetch(request);
    } catch (error) {
      // An aborted call rejects with the signal's reason, as fetch itself does.
      if (isAbort(error, signal)) throw signal?.aborted ? signal.reason : error;
      if (prepared.retrySafe && attempt <= retry.retries) {
        await config.sleep(backoff(retry, attempt), signal);
        continue;
      }
      throw clientError(
        "client_network_error",
        config.locale,
        { attempts: attempt },
        { operation: route.name, attempts: attempt, cause: error },
      );
    }
    if (response.status === 304 && held !== undefined) {
      await response.body?.cancel();
      return fromHeld(config, route, held, attempt);
    }
    if (response.ok) {
      const { value, text } = await readSuccess(config, route, response, attempt);
      const meta = responseMeta(value);
      if (cache !== undefined) {
        // A 200 without a tag (or not an object) replaces nothing worth keeping.
        if (meta?.etag !== undefined) cache.set(prepared.url, { etag: meta.etag, text, nextCursor: meta.nextCursor });
        else cache.delete(prepared.url);
      }
      return value;
    }
    const failure = await readFailure(config, route, response, attempt);
    const retryable = response.status === 503 || failure.code === "idempotency_in_flight";
    if (retryable && attempt <= retry.retries) {
      const wait = Math.min(retry.maxDelayMs, retryAfterMs(response) ?? backoff(retry, attempt));
      await config.sleep(wait, signal);
      continue;
    }
    throw failure;
  }
}

function parseBody(config: TransportConfig, route: ClientRoute, text: string, status: number, attempts: number) {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw clientError(
      "client_unexpected_response",
      config.locale,
      { status },
      { operation: route.name, attempts, cause: error },
    );
  }
}

function withMeta(value: unknown, meta: ResponseMeta): unknown {
  if (value !== null && typeof value === "object") metas.set(value, meta);
  return value;
}

async function readSuccess(
  config: TransportConfig,
  route: ClientRoute,
  response: Response,
  attempts: number,
): Promise<{ value: unknown; text: string }> {
  if (response.status === 204) return { value: undefined, text: "" };
  const text = await response.text();
  if (text === "") return { value: undefined, text };
  const etag = response.headers.get("etag") ?? undefined;
  const value = withMeta(parseBody(config, route, text, response.status, attempts), {
    status: response.status,
    etag,
    version: etag === undefined ? undefined : versionOf(etag),
    nextCursor: nextCursorOf(response),
    attempts,
  });
  return { value, text };
}

// Parsed afresh on every 304, so a caller that changed an earlier result gets the server's.
function fromHeld(config: TransportConfig, route: ClientRoute, held: HeldResponse, attempts: number): unknown {
  return withMeta(parseBody(config, route, held.text, 304, attempts), {
    status: 304,
    etag: held.etag,
    version: versionOf(held.etag),
    nextCursor: held.nextCursor,
    attempts,
  });
}

async function readFailure(
  config: TransportConfig,
  route: ClientRoute,
  response: Response,
  attempts: number,
): Promise<HomevisitClientError> {
  let body: unknown;
  try {
    const text = await response.text();
    body = text === "" ? undefined : JSON.parse(text);
  } catch {
    body = undefined;
  }
  const problem = readProblem(body, response.status);
  if (problem === undefined) {
    return clientError(
      "client_unexpected_response",
      config.locale,
      { status: response.status },
      { operation: route.name, attempts },
    );
  }
  return new HomevisitClientError({
    code: problem.code,
    status: response.status,
    message: problem.detail || problem.title || problem.code,
    path: problem.path,
    issues: problem.issues,
    problem,
    operation: route.name,
    attempts,
  });
}

/**
 * Waits `ms`, or rejects when the signal aborts.
 *
 * @example
 * ```ts
 * await defaultSleep(100, undefined); // after about 100 ms
 * ```
 */
export function defaultSleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
