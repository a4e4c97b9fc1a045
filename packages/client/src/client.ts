import { defaultLocale, type EngineContracts, type Locale } from "@homevisit/core";
import type * as z from "zod";
import { createResponseCache, type ResponseCacheOptions } from "./cache.js";
import { engineRoutes } from "./route-table.js";
import { type ClientAreas, type ClientRoute, type ClientUseCase, clientRoutes, versionField } from "./routes.js";
import {
  type CallOptions,
  type ClientHeaders,
  defaultRetry,
  defaultSleep,
  type FetchLike,
  prepareRequest,
  type RetryOptions,
  send,
  type TransportConfig,
} from "./transport.js";

/**
 * The input of a call: the use case's input, with `expectedVersion` optional where the route
 * takes one (it may come from `options.ifMatch` instead, and travels as `If-Match`).
 */
export type ClientInput<U extends ClientUseCase> =
  z.input<U["input"]> extends infer I
    ? I extends { [versionField]: unknown }
      ? Omit<I, typeof versionField> & { [versionField]?: number }
      : I
    : never;

/** The result of a call: the use case's output as the server serialised it. */
export type ClientOutput<U extends ClientUseCase> = z.output<U["output"]>;

/** One use case as a client method; the input may be left out when every field is optional. */
export type ClientCall<U extends ClientUseCase> =
  // biome-ignore lint/complexity/noBannedTypes: `{}` is exactly "an input with no required field".
  {} extends ClientInput<U>
    ? (input?: ClientInput<U>, options?: CallOptions) => Promise<ClientOutput<U>>
    : (input: ClientInput<U>, options?: CallOptions) => Promise<ClientOutput<U>>;

/** The client's methods, grouped by area as the engine groups its use cases. */
export type ClientMethods<A extends ClientAreas> = {
  readonly [Area in keyof A]: { readonly [Method in keyof A[Area]]: ClientCall<A[Area][Method]> };
};

/** A typed homevisit client: one method per use case, plus the route table and a raw call. */
export type HomevisitClient<A extends ClientAreas> = ClientMethods<A> & {
  /** The routes the client knows, derived from the use cases. */
  readonly $routes: readonly ClientRoute[];
  /** Calls a use case by name (`students.flagCategory`), untyped: for generic tooling. */
  $call(name: string, input?: Readonly<Record<string, unknown>>, options?: CallOptions): Promise<unknown>;
  /** Forgets every GET result the `cache` holds (call it at logout). Does nothing without one. */
  $clearCache(): void;
};

/** Options of {@link createClient}. */
export interface ClientOptions<A extends ClientAreas> {
  /**
   * Where the REST handler is mounted: `https://campus.example.edu.cn/api/homevisit`. In a
   * browser it may be relative (`/api/homevisit`).
   */
  baseUrl: string;
  /**
   * The use cases (or their contracts), grouped by area, for a server whose engine has other
   * areas. Default: the engine's own contracts, whose routes ship as a generated table, so the
   * client carries no schema or engine code.
   */
  useCases?: A;
  /** The fetch to use. Default: the platform's `fetch`. In tests: `(req) => handler(req)`. */
  fetch?: FetchLike;
  /** Headers for every request (a bearer token …), or a function computing them per request. */
  headers?: ClientHeaders;
  /** Language of error messages (`Accept-Language`). Default zh-CN. */
  locale?: Locale;
  /** Retry policy for network failures and 503. Default: 2 retries, 200 ms doubling, ≤ 5 s. */
  retry?: Partial<RetryOptions>;
  /** `credentials` of browser requests (cookies of a host login on another origin: `include`). */
  credentials?: RequestCredentials;
  /** Makes idempotency keys. Default `crypto.randomUUID()`. */
  idempotencyKey?: () => string;
  /** Waits between retries. Default: a timer that the call's signal can abort. */
  sleep?: (ms: number, signal: AbortSignal | undefined) => Promise<void>;
  /**
   * Conditional GETs, opt-in: the client holds the last result of each GET URL (in memory,
   * at most `maxEntries`, default 100) and sends its ETag as `If-None-Match`; a 304 returns
   * the held result without the body crossing the network. The server still runs (and audits)
   * every read. `true` for the defaults. Default: off.
   */
  cache?: boolean | ResponseCacheOptions;
}

function randomKey(): string {
  const c = (globalThis as { crypto?: { randomUUID?: () => string } }).crypto;
  if (typeof c?.randomUUID !== "function") {
    throw new TypeError("crypto.randomUUID is not available: pass idempotencyKey to createClient");
  }
  return c.randomUUID();
}

/** The use cases the client knows unless told otherwise: the engine's contracts. */
export type DefaultClientAreas = EngineContracts;

/**
 * Makes a typed client of the homevisit REST API, for browsers and Node. Every use case of the
 * registry becomes `client.<area>.<method>(input, options?)`, typed from its zod schemas, with
 * these defaults: errors are {@link HomevisitClientError}s carrying the problem's `code`,
 * `status`, localized `message` and `issues`; creates send an `Idempotency-Key` (a fresh UUID,
 * the same on each retry); updates send `If-Match` from `expectedVersion` or `options.ifMatch`
 * (a previous result); network failures of safe requests and 503s are retried twice with
 * backoff; with `cache`, GETs are conditional (`If-None-Match`, 304 → the held result). The
 * client never reads identity: the host's login (cookie, token header) does.
 *
 * @example
 * ```ts
 * const client = createClient({ baseUrl: "https://campus.example.edu.cn/api/homevisit", locale: "en" });
 * const { items } = await client.students.list({ limit: 20 }); // masked summaries
 * const flagged = await client.students.flagCategory({ studentId: "stu-0001", category: "disability", since: "2026-09-01" });
 * // { flag: { id: "…", category: "disability", … }, version: 1 }
 * ```
 */
export function createClient<A extends ClientAreas = DefaultClientAreas>(
  options: ClientOptions<A>,
): HomevisitClient<A> {
  const routes = options.useCases === undefined ? engineRoutes : clientRoutes(options.useCases);
  const platformFetch = (globalThis as { fetch?: FetchLike }).fetch;
  const fetchFn: FetchLike =
    options.fetch ??
    ((request) => {
      if (platformFetch === undefined) throw new TypeError("no global fetch: pass fetch to createClient");
      // Called unbound, browsers' fetch throws "Illegal invocation".
      return platformFetch.call(globalThis, request);
    });
  const config: TransportConfig = {
    baseUrl: options.baseUrl,
    fetch: fetchFn,
    headers: options.headers,
    locale: options.locale ?? defaultLocale,
    retry: { ...defaultRetry, ...options.retry },
    credentials: options.credentials,
    sleep: options.sleep ?? defaultSleep,
    newKey: options.idempotencyKey ?? randomKey,
    cache:
      options.cache === undefined || options.cache === false
        ? undefined
        : createResponseCache(options.cache === true ? {} : options.cache),
  };
  const byName = new Map(routes.map((r) => [r.name, r]));
  const call = async (route: ClientRoute, input: unknown, callOptions: CallOptions = {}) => {
    if (input !== undefined && (input === null || typeof input !== "object" || Array.isArray(input))) {
      throw new TypeError(`${route.name}: the input must be an object`);
    }
    const prepared = await prepareRequest(config, route, input as Record<string, unknown> | undefined, callOptions);
    return send(config, route, prepared, callOptions);
  };
  const client: Record<string, unknown> = {
    $routes: routes,
    $call: (name: string, input?: Readonly<Record<string, unknown>>, callOptions?: CallOptions) => {
      const route = byName.get(name);
      if (route === undefined) return Promise.reject(new TypeError(`unknown use case ${name}`));
      return call(route, input, callOptions);
    },
    $clearCache: () => config.cache?.clear(),
  };
  for (const route of routes) {
    if (!Object.hasOwn(client, route.area)) client[route.area] = Object.create(null);
    const area = client[route.area] as Record<string, unknown>;
    area[route.method] = (input?: unknown, callOptions?: CallOptions) => call(route, input, callOptions);
  }
  return client as HomevisitClient<A>;
}

/** A paged call: a GET whose output has `items` and `nextCursor`. */
export type PagedCall<I, T> = (
  input: I & { cursor?: string },
  options?: CallOptions,
) => Promise<{ items: T[]; nextCursor?: string | undefined }>;

/**
 * Walks every page of a paged call, yielding items one by one; stops when a page has no
 * `nextCursor`. `maxPages` (default 1,000) bounds a runaway loop.
 *
 * @example
 * ```ts
 * for await (const student of paginate(client.students.list, { classId: "c-7-1" })) {
 *   console.log(student.name); // masked summaries, 50 per request
 * }
 * ```
 */
export async function* paginate<I, T>(
  call: PagedCall<I, T>,
  input: I,
  options: CallOptions & { maxPages?: number } = {},
): AsyncGenerator<T, void, undefined> {
  const { maxPages = 1_000, ...callOptions } = options;
  let cursor: string | undefined;
  for (let page = 0; page < maxPages; page++) {
    const result = await call({ ...input, ...(cursor === undefined ? {} : { cursor }) }, callOptions);
    yield* result.items;
    if (result.nextCursor === undefined) return;
    cursor = result.nextCursor;
  }
}
