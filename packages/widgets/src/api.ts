import { type ClientHeaders, createClient, type HomevisitClient, isHomevisitClientError } from "@homevisit/client";
import type { engineAreas, Locale } from "@homevisit/core";

/**
 * How a widget reaches the homevisit REST API: where the host mounted the handler and, when
 * the host's login is not a same-origin cookie, the fetch and headers that carry it. The host's
 * login stays the host's: the widgets never send an identity of their own.
 */
export interface WidgetApi {
  /** Where the REST handler is mounted, e.g. `/api/homevisit`. */
  baseUrl: string;
  /** The fetch to use; default the platform's. */
  fetch?: (request: Request) => Promise<Response>;
  /** Headers for every request (a bearer token the host issued …). */
  headers?: ClientHeaders;
  /** `include` when the API is on another origin and the login is a cookie. */
  credentials?: RequestCredentials;
}

/** The typed client the widgets use: core's use cases over the REST API. */
export type WidgetClient = HomevisitClient<typeof engineAreas>;

/**
 * The client of a widget's API settings, in its locale (error messages come back in it).
 *
 * @example
 * ```ts
 * const client = widgetClient({ baseUrl: "/api/homevisit" }, "en");
 * await client.appointments.list({ from: "2026-11-10", to: "2026-11-10" });
 * ```
 */
export function widgetClient(api: WidgetApi, locale: Locale): WidgetClient {
  return createClient<typeof engineAreas>({
    baseUrl: api.baseUrl,
    locale,
    ...(api.fetch === undefined ? {} : { fetch: api.fetch }),
    ...(api.headers === undefined ? {} : { headers: api.headers }),
    ...(api.credentials === undefined ? {} : { credentials: api.credentials }),
    // A phone in a village loses the network for minutes, not milliseconds: fail fast and let
    // the offline drafts take over instead of holding the form on a spinner.
    retry: { retries: 1 },
  });
}

/** The result of a photo upload: the record's new version and the stored photo. */
export interface PhotoUploaded {
  version: number;
  photo: { blobId: string; width: number; height: number; size: number };
}

/**
 * Uploads one photo to a visit record. The client sends JSON bodies only, and
 * `records.attachPhoto` takes the raw bytes as the body (REST guide: uploads), so this one call
 * goes through the same fetch, base URL and headers as the client.
 *
 * @example
 * ```ts
 * const { version } = await uploadPhoto(api, { recordId: "v-1", expectedVersion: 1, blob, caption: "家中学习角" });
 * ```
 */
export async function uploadPhoto(
  api: WidgetApi,
  input: { recordId: string; expectedVersion: number; blob: Blob; caption?: string },
  locale: Locale,
): Promise<PhotoUploaded> {
  const base = api.baseUrl.endsWith("/") ? api.baseUrl : `${api.baseUrl}/`;
  const origin = (globalThis as { location?: { href: string } }).location?.href ?? "http://localhost/";
  const url = new URL(`visit-records/${encodeURIComponent(input.recordId)}/photos`, new URL(base, origin));
  if (input.caption) url.searchParams.set("caption", input.caption);
  const extra = typeof api.headers === "function" ? await api.headers() : (api.headers ?? {});
  const headers = new Headers(extra as HeadersInit);
  headers.set("Content-Type", input.blob.type || "image/jpeg");
  headers.set("If-Match", `"${input.expectedVersion}"`);
  headers.set("Accept-Language", locale);
  const request = new Request(url, {
    method: "POST",
    body: await input.blob.arrayBuffer(),
    headers,
    ...(api.credentials === undefined ? {} : { credentials: api.credentials }),
  });
  const send = api.fetch ?? ((r: Request) => fetch(r));
  const response = await send(request);
  const body = (await response.json().catch(() => undefined)) as Record<string, unknown> | undefined;
  if (!response.ok) {
    const error = new Error(String(body?.detail ?? response.statusText)) as Error & { code?: string; status?: number };
    error.code = String(body?.code ?? "client_unexpected_response");
    error.status = response.status;
    throw error;
  }
  return body as unknown as PhotoUploaded;
}

/**
 * Whether an error means "the server was not reached" (offline, DNS, a dropped connection):
 * the cases where a draft waits on the device instead of failing.
 *
 * @example
 * ```ts
 * isNetworkError(new TypeError("Failed to fetch")); // true
 * ```
 */
export function isNetworkError(error: unknown): boolean {
  if (isHomevisitClientError(error)) return error.code === "client_network_error";
  return error instanceof TypeError;
}

/**
 * The messages to show for a failed call: the server's localized issues when it listed some,
 * else its message. Never a stack or a body.
 *
 * @example
 * ```ts
 * errorMessages(error); // ["到达时间：必填", "…"]
 * ```
 */
export function errorMessages(error: unknown): string[] {
  if (isHomevisitClientError(error)) {
    const issues = error.issues.map((i) => i.message).filter((m) => m !== "");
    return issues.length > 0 ? [...new Set(issues)] : [error.message];
  }
  return [error instanceof Error ? error.message : String(error)];
}
