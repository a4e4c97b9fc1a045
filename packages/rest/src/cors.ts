/**
 * Cross-origin access. Only origins on the allowlist get CORS headers; there is no wildcard,
 * because the responses carry personal data and the host's credentials (cookies) usually go
 * with them.
 */
export interface CorsOptions {
  /** Exact origins allowed, e.g. `["https://campus.example.edu.cn"]` (scheme, host and port). */
  origins: readonly string[];
  /** Whether browsers may send cookies or HTTP auth. Default `true` (host logins use them). */
  credentials?: boolean;
  /** Extra request headers the host's login needs (e.g. `Authorization`). */
  allowHeaders?: readonly string[];
  /** Seconds a browser may cache a preflight. Default 600. */
  maxAge?: number;
}

/** Headers a browser may send cross-origin: the ones this adapter reads. */
export const restRequestHeaders = [
  "Content-Type",
  "If-Match",
  "If-None-Match",
  "Idempotency-Key",
  "Homevisit-Purpose",
  "Accept-Language",
] as const;
const exposed = "ETag, Link, Content-Language";

function allowedOrigin(request: Request, cors: CorsOptions): string | undefined {
  const origin = request.headers.get("origin");
  return origin !== null && cors.origins.includes(origin) ? origin : undefined;
}

/**
 * The CORS headers of an ordinary (not preflight) response: none for an origin off the list.
 *
 * @example
 * ```ts
 * corsHeaders(new Request("http://api/", { headers: { Origin: "https://a.cn" } }), { origins: ["https://a.cn"] });
 * // { "Access-Control-Allow-Origin": "https://a.cn", "Access-Control-Allow-Credentials": "true", Vary: "Origin", … }
 * ```
 */
export function corsHeaders(request: Request, cors: CorsOptions): Record<string, string> {
  const origin = allowedOrigin(request, cors);
  if (origin === undefined) return { Vary: "Origin" };
  return {
    "Access-Control-Allow-Origin": origin,
    ...(cors.credentials === false ? {} : { "Access-Control-Allow-Credentials": "true" }),
    "Access-Control-Expose-Headers": exposed,
    Vary: "Origin, Accept-Language",
  };
}

/**
 * The headers of a preflight answer (`OPTIONS` with `Access-Control-Request-Method`): the
 * methods the path accepts and the headers this adapter reads, for an allowed origin only.
 *
 * @example
 * ```ts
 * preflight(optionsRequest, { origins: ["https://a.cn"] }, ["GET"]);
 * // { "Access-Control-Allow-Origin": "https://a.cn", "Access-Control-Allow-Methods": "GET", … }
 * ```
 */
export function preflight(request: Request, cors: CorsOptions, methods: readonly string[]): Record<string, string> {
  const origin = allowedOrigin(request, cors);
  if (origin === undefined || request.headers.get("access-control-request-method") === null) return { Vary: "Origin" };
  return {
    "Access-Control-Allow-Origin": origin,
    ...(cors.credentials === false ? {} : { "Access-Control-Allow-Credentials": "true" }),
    "Access-Control-Allow-Methods": methods.join(", "),
    "Access-Control-Allow-Headers": [...restRequestHeaders, ...(cors.allowHeaders ?? [])].join(", "),
    "Access-Control-Max-Age": String(cors.maxAge ?? 600),
    Vary: "Origin, Access-Control-Request-Method, Access-Control-Request-Headers",
  };
}
