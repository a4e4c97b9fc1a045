import { contentTypeField, HomevisitError, objectShape, versionField } from "@homevisit/core";
import { parseJsonLimited, type RestLimits, readBodyLimited } from "./body.js";
import type { RestRoute } from "./routes.js";

/**
 * A request as a use case call: the input object from the path, the query, the body (JSON or
 * an upload's bytes) and `If-Match`, and the call options from `Idempotency-Key` and
 * `Homevisit-Purpose`. Only the shape is checked here (known parameters, media types, limits);
 * the engine validates the input against the use case's schema, once.
 */

/** Options of a use case call, as the engine takes them. */
export interface RestCallOptions {
  purpose?: string;
  idempotencyKey?: string;
}

/** The header that carries the stated purpose, percent-encoded UTF-8. */
export const purposeHeader = "Homevisit-Purpose";

const allowedIdempotencyKey = /^[\x21-\x7e]{1,255}$/;

/** A request's call: the input for the use case and the options. */
export interface RestCallInput {
  input: Record<string, unknown>;
  callOptions: RestCallOptions;
}

function callOptionsOf(request: Request, route: RestRoute): RestCallOptions {
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
  return callOptions;
}

function queryInput(
  request: Request,
  route: RestRoute,
  limits: RestLimits,
  input: Record<string, unknown>,
  adapterParameters: readonly string[],
): void {
  const url = new URL(request.url);
  for (const key of new Set(url.searchParams.keys())) {
    if (adapterParameters.includes(key)) continue;
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
}

async function bodyInput(
  request: Request,
  route: RestRoute,
  limits: RestLimits,
  input: Record<string, unknown>,
): Promise<void> {
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
}

/**
 * Assembles a use case call from a request on a route: the query (known parameters only,
 * numbers and booleans coerced), the body (JSON, or an upload's bytes and media type), the path
 * parameters, the version from `If-Match`, and the call options. Path parameters win over
 * nothing: the same field in the body is refused (`rest_path_field_in_body`).
 * `adapterParameters` are query parameters the adapter itself reads (an export's `format`):
 * they are left out of the input.
 *
 * @example
 * ```ts
 * const { input, callOptions } = await requestInput(request, route, { studentId: "stu-1" }, defaultRestLimits);
 * // input: { studentId: "stu-1", limit: 20 }, callOptions: { purpose: "家访准备" }
 * ```
 */
export async function requestInput(
  request: Request,
  route: RestRoute,
  params: Readonly<Record<string, string>>,
  limits: RestLimits,
  adapterParameters: readonly string[] = [],
): Promise<RestCallInput> {
  const callOptions = callOptionsOf(request, route);
  const input: Record<string, unknown> = {};
  queryInput(request, route, limits, input, adapterParameters);
  await bodyInput(request, route, limits, input);
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

function safeName(name: string): string {
  return /^[\w.-]{1,64}$/.test(name) ? name : "?";
}
