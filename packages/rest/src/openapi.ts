import { objectShape } from "@homevisit/core";
import * as z from "zod";
import {
  createDocument,
  type ZodOpenApiOperationObject,
  type ZodOpenApiPathsObject,
  type ZodOpenApiResponsesObject,
} from "zod-openapi";
import { defaultRestLimits, type RestLimits } from "./body.js";
import { problemSchema } from "./problem.js";
import { type RestRoute, type RestUseCase, restRoutes } from "./routes.js";

/** What the OpenAPI document says about the API as a whole. */
export interface OpenApiOptions {
  /** `info.title`. Default "homevisit". */
  title?: string;
  /** `info.version`: the host's API version. Default "1.0.0". */
  version?: string;
  /** `info.description`. */
  description?: string;
  /**
   * The host's authentication, as an OpenAPI security scheme (e.g. `{ type: "http", scheme:
   * "bearer" }`), applied to every operation. Default: none declared (the host's cookie).
   */
  securityScheme?: Record<string, unknown>;
}

/** An OpenAPI 3.1 document, as `createDocument` returns it. */
export type OpenApiDocument = ReturnType<typeof createDocument>;

const problemContent = { "application/problem+json": { schema: problemSchema } };

function problemResponse(description: string) {
  return { description, content: problemContent };
}

/**
 * Builds the OpenAPI 3.1 document of the REST routes from the same zod schemas the engine
 * validates with (custom fields included, as the engine's schemas carry them): path, query and
 * header parameters, request bodies, responses with `ETag` and `Link` headers, and RFC 9457
 * problems for every error status a route can answer, `If-None-Match` and 304 on GETs, and the
 * `text/calendar` representation of a feed. `basePath` becomes the one server URL.
 *
 * @example
 * ```ts
 * const doc = createOpenApiDocument(engine.useCases, { basePath: "/api/homevisit", title: "Campus homevisit" });
 * doc.openapi; // "3.1.0"
 * Object.keys(doc.paths ?? {}); // ["/students", "/students/{studentId}", …]
 * ```
 */
export function createOpenApiDocument(
  useCases: Iterable<RestUseCase> | Readonly<Record<string, RestUseCase>>,
  options: OpenApiOptions & { basePath?: string; limits?: Partial<RestLimits> } = {},
): OpenApiDocument {
  const list =
    Symbol.iterator in useCases
      ? [...(useCases as Iterable<RestUseCase>)]
      : Object.values(useCases as Record<string, RestUseCase>);
  const routes = restRoutes(list);
  const limits = { ...defaultRestLimits, ...options.limits };
  const paths: ZodOpenApiPathsObject = {};
  for (const route of routes) {
    const item = paths[route.path] ?? {};
    paths[route.path] = item;
    const method = route.method.toLowerCase() as "get" | "post" | "put" | "patch" | "delete";
    item[method] = operation(route, limits, options.securityScheme !== undefined);
  }
  return createDocument({
    openapi: "3.1.0",
    info: {
      title: options.title ?? "homevisit",
      version: options.version ?? "1.0.0",
      description:
        options.description ??
        "家访 (home-visit) programme API. Errors are RFC 9457 problems (application/problem+json) with a stable `code`; messages follow Accept-Language (zh-CN, en).",
    },
    servers: [{ url: options.basePath && options.basePath !== "/" ? options.basePath : "/" }],
    paths,
    ...(options.securityScheme === undefined
      ? {}
      : { components: { securitySchemes: { host: options.securityScheme as { type: "http" } } } }),
  });
}

function operation(route: RestRoute, limits: RestLimits, secured: boolean): ZodOpenApiOperationObject {
  const input = objectShape(route.useCase.input) ?? {};
  const pick = (fields: readonly string[]) =>
    Object.fromEntries(fields.filter((f) => input[f] !== undefined).map((f) => [f, input[f] as z.ZodType]));
  const headers: Record<string, z.ZodType> = {};
  if (route.versioned) {
    headers["If-Match"] = z.string().meta({ description: 'The ETag of the version read, e.g. "3"' });
  }
  if (route.idempotent) {
    headers["Idempotency-Key"] = z
      .string()
      .min(1)
      .max(255)
      .optional()
      .meta({ description: "Makes the create safe to retry: a replay returns the first result" });
  }
  if (route.method === "GET") {
    headers["If-None-Match"] = z
      .string()
      .optional()
      .meta({ description: "ETags held by the client: a match (weak comparison, or *) answers 304 with no body" });
  }
  const purposeDescription = "The stated purpose of a full view, percent-encoded UTF-8; audited";
  headers["Homevisit-Purpose"] = route.purposeRequired
    ? z.string().meta({ description: purposeDescription })
    : z.string().optional().meta({ description: purposeDescription });
  const requestParams: NonNullable<ZodOpenApiOperationObject["requestParams"]> = {
    header: z.object(headers),
  };
  if (route.pathParams.length > 0) requestParams.path = z.object(pick(route.pathParams));
  const queryFields = Object.keys(route.queryFields);
  if (queryFields.length > 0) requestParams.query = z.object(pick(queryFields));

  const status = route.idempotent && route.method === "POST" ? "201" : "200";
  const successHeaders: Record<string, z.ZodType> = {};
  const getTag = z.string().meta({
    description: route.etag
      ? 'The record\'s version and a digest of this body, "<version>.<digest>"; If-Match takes it'
      : 'A digest of this body, "<digest>"; If-None-Match takes it',
  });
  if (route.method === "GET") successHeaders.ETag = getTag;
  else if (route.etag) successHeaders.ETag = z.string().meta({ description: "The record's version, quoted" });
  if (route.paged) successHeaders.Link = z.string().optional().meta({ description: 'The next page, rel="next"' });
  const responses: ZodOpenApiResponsesObject = {
    [status]: {
      description: route.useCase.description.en,
      ...(Object.keys(successHeaders).length === 0 ? {} : { headers: z.object(successHeaders) }),
      content: route.calendar
        ? {
            "text/calendar": {
              schema: z.string().meta({
                description: "The RFC 5545 feed alone (the JSON's `ics`): the default, for calendar apps",
              }),
            },
            "application/json": { schema: route.useCase.output },
          }
        : { "application/json": { schema: route.useCase.output } },
    },
    ...(route.method === "GET"
      ? {
          "304": {
            description: "Not Modified: If-None-Match matched the current ETag (the read ran and was audited)",
            headers: z.object({ ETag: getTag }),
          },
        }
      : {}),
    "400": problemResponse("Malformed request (headers, JSON)"),
    "401": problemResponse("No actor: the host's login did not identify the caller"),
    "403": problemResponse("Not allowed"),
    "404": problemResponse("Not found, or out of the caller's scope (answered alike)"),
    "422": problemResponse("Validation failed"),
    default: problemResponse("Any other error, as a problem document"),
  };
  const bodyMethod = route.method !== "GET" && route.method !== "DELETE";
  if (route.useCase.write ?? route.method !== "GET") responses["409"] = problemResponse("Conflict");
  if (route.versioned) {
    responses["412"] = problemResponse("The If-Match version is stale");
    responses["428"] = problemResponse("If-Match is required");
  }
  if (bodyMethod) {
    responses["413"] = problemResponse(
      `Body over ${limits.bodyBytes} bytes (uploads ${limits.uploadBytes}) or over a JSON limit`,
    );
    responses["415"] = problemResponse("The body is not of an accepted type");
  }
  const op: ZodOpenApiOperationObject = {
    operationId: route.name,
    summary: route.useCase.description.en,
    description: `${route.useCase.description["zh-CN"]} — ${route.useCase.description.en}`,
    tags: [route.name.split(".")[0] ?? route.name],
    requestParams,
    responses,
    ...(secured ? { security: [{ host: [] }] } : {}),
  };
  if (route.uploadField !== undefined) {
    op.requestBody = {
      required: true,
      description: `The file itself, at most ${limits.uploadBytes} bytes; its Content-Type is the file's type`,
      // Any media type: the engine checks the file by its content, not by this header.
      content: { "*/*": {} },
    };
  } else if (bodyMethod) {
    op.requestBody = {
      required: route.bodyFields.length > 0,
      content: { "application/json": { schema: z.strictObject(pick(route.bodyFields)) } },
    };
  }
  return op;
}
