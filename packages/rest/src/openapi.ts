import {
  type DocumentedShape,
  documentedAs,
  type ErrorCode,
  errorCatalog,
  objectShape,
  schemaComponents,
} from "@homevisit/core";
import * as z from "zod";
import {
  createDocument,
  type oas31,
  type ZodOpenApiContentObject,
  type ZodOpenApiOperationObject,
  type ZodOpenApiPathsObject,
  type ZodOpenApiResponsesObject,
} from "zod-openapi";
import { defaultRestLimits, type RestLimits } from "./body.js";
import { exportFormatParameter, exportFormats, isExportRoute, xlsxMediaType } from "./export-route.js";
import {
  errorCatalogDocumentSchema,
  errorCatalogPath,
  operationDescription,
  operationErrorCodes,
  operationPolicy,
} from "./operation-text.js";
import { problemSchema } from "./problem.js";
import { type RestRoute, type RestUseCase, restRoutes } from "./routes.js";

/** An OpenAPI security scheme, as the host describes its login. */
export type SecuritySchemeObject =
  | { type: "http"; scheme: string; bearerFormat?: string; description?: string }
  | { type: "apiKey"; name: string; in: "header" | "query" | "cookie"; description?: string }
  | { type: "oauth2"; flows: Record<string, unknown>; description?: string }
  | { type: "openIdConnect"; openIdConnectUrl: string; description?: string }
  | { type: "mutualTLS"; description?: string };

/** An OpenAPI server. */
export interface ServerObject {
  url: string;
  description?: string;
  variables?: Record<string, { default: string; enum?: string[]; description?: string }>;
}

/** What the OpenAPI document says about the API as a whole. */
export interface OpenApiOptions {
  /** `info.title`. Default "homevisit". */
  title?: string;
  /** `info.version`: the host's API version. Default "1.0.0". */
  version?: string;
  /** `info.description`. */
  description?: string;
  /**
   * The host's login as OpenAPI security schemes, by name; any one of them admits a caller
   * (each is an alternative of the root `security`). Default {@link defaultSecuritySchemes}: a
   * bearer token. A cookie session: `{ campusSession: { type: "apiKey", in: "cookie", name: "SESSION" } }`.
   */
  securitySchemes?: Record<string, SecuritySchemeObject>;
  /** One scheme, named `host`: the older form of {@link securitySchemes}. */
  securityScheme?: SecuritySchemeObject;
  /**
   * `servers`. Default: one server at the handler's `basePath`, relative to where the document
   * is served (`/api/homevisit`), so a client resolves it against the document's own URL.
   */
  servers?: ServerObject[];
}

/** An OpenAPI 3.1 document, as `createDocument` returns it. */
export type OpenApiDocument = ReturnType<typeof createDocument>;

/** The login a document declares when the host names none: a bearer token its `getActor` checks. */
export const defaultSecuritySchemes: Record<string, SecuritySchemeObject> = {
  hostLogin: {
    type: "http",
    scheme: "bearer",
    description:
      "The host's login, checked by the host's getActor(request); homevisit never reads identity from a request itself. Hosts declare their own scheme (a session cookie, a token) with the securitySchemes option.",
  },
};

// Headers shared by every operation, each a named component of the document.
const acceptLanguage = z
  .enum(["zh-CN", "en"])
  .optional()
  .meta({
    description: "The language of messages and problem details: zh-CN (default) or en; q-values are honoured.",
    param: { id: "AcceptLanguage" },
  });
const contentLanguage = z
  .enum(["zh-CN", "en"])
  .meta({ description: "The language of the messages in the body", header: { id: "ContentLanguage" } });
const vary = z.string().meta({
  description: "Accept-Language always; Accept on the calendar feed; Origin with CORS",
  header: { id: "Vary" },
});
const cacheControl = z.literal("no-store").meta({
  description: "Responses may hold personal data about children: never stored",
  header: { id: "CacheControl" },
});
const etag = z.string().meta({
  description:
    'The representation\'s tag: "<version>.<digest>" for a record (reads and writes alike), "<digest>" otherwise. If-Match takes it (or its version alone); If-None-Match takes it for a 304.',
  header: { id: "ETag" },
});
const link = z
  .string()
  .optional()
  .meta({ description: 'The next page: <…?cursor=…>; rel="next"', header: { id: "Link" } });
const ifMatch = z.string().meta({
  description:
    'The ETag of the version read ("3.<digest>", "3" or W/"3"). Required: without it 428 rest_precondition_required; stale: 412 version_conflict.',
  param: { id: "IfMatch" },
});
const idempotencyKey = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[\x21-\x7e]+$/)
  .optional()
  .meta({
    description:
      "Makes the create safe to retry (1–255 visible ASCII characters, scoped per caller): a replay returns the first result; the same key with another body answers 422 idempotency_key_reused.",
    param: { id: "IdempotencyKey" },
  });
const ifNoneMatch = z
  .string()
  .optional()
  .meta({
    description: "ETags held by the client: a match (weak comparison, or *) answers 304 with no body",
    param: { id: "IfNoneMatch" },
  });
const purpose = z
  .string()
  .min(1)
  .meta({
    description:
      "Why the caller needs this full view, percent-encoded UTF-8 (encodeURIComponent); stored in the audit row. Required here: without it 422 purpose_required.",
    param: { id: "HomevisitPurpose" },
  });

const problemRef: oas31.ReferenceObject = { $ref: "#/components/schemas/Problem" };

function problemContent(codes: readonly string[]): ZodOpenApiContentObject {
  const schema: oas31.SchemaObject = {
    allOf: [
      problemRef,
      { type: "object", properties: { code: { type: "string", enum: [...codes] } }, required: ["code"] },
    ],
  };
  return { "application/problem+json": { schema } };
}

const problemHeaders = () =>
  z.object({ "Content-Language": contentLanguage, Vary: vary, "Cache-Control": cacheControl });

/**
 * Builds the OpenAPI 3.1 document of the REST routes from the same zod schemas the engine
 * validates with (custom fields included, as the engine's schemas carry them). Each operation
 * says, from the policy matrix itself, which roles may call it and how far each reaches,
 * whether a purpose is required and whether it is audited (in its description, zh-CN and en,
 * and as `x-homevisit-policy`); lists every error code it can answer with its meaning (in each
 * problem response, and as `x-homevisit-errors`); and declares its headers (`Accept-Language`,
 * `If-Match`, `Idempotency-Key`, `If-None-Match`, `Homevisit-Purpose` where required; `ETag`,
 * `Content-Language`, `Vary`, `Cache-Control`, `Link`). Domain schemas are named components
 * (`schemaComponents`). The host's login is the document's `security`.
 *
 * @example
 * ```ts
 * const doc = createOpenApiDocument(engine.useCases, {
 *   basePath: "/api/homevisit",
 *   securitySchemes: { campusSession: { type: "apiKey", in: "cookie", name: "SESSION" } },
 * });
 * doc.paths?.["/students/{studentId}"]?.get?.["x-homevisit-policy"].roles.class_teacher; // ["assigned", "class", "mentee", "self"]
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
  const schemes =
    options.securitySchemes ??
    (options.securityScheme === undefined ? defaultSecuritySchemes : { host: options.securityScheme });
  const paths: ZodOpenApiPathsObject = {};
  for (const route of routes) {
    const item = paths[route.path] ?? {};
    paths[route.path] = item;
    const method = route.method.toLowerCase() as "get" | "post" | "put" | "patch" | "delete";
    item[method] = operation(route, limits);
  }
  paths[errorCatalogPath] = {
    get: {
      operationId: "errors.catalog",
      summary: "The error catalogue",
      description:
        "每个错误码及其 HTTP 状态和中英文消息；无需登录。 — Every error code with its HTTP status and messages in zh-CN and en; no login needed.",
      tags: ["errors"],
      security: [],
      responses: {
        "200": {
          description: "The catalogue",
          content: { "application/json": { schema: errorCatalogDocumentSchema } },
        },
      },
    },
  };
  const tags = [...new Set(routes.map((r) => tagOf(r.name))), "errors"]
    .sort()
    .map((name) => ({ name, description: tagDescriptions[name] ?? name }));
  const basePath = options.basePath && options.basePath !== "/" ? options.basePath : "/";
  const schemaOverride = overrideDocumented();
  const document = createDocument(
    {
      openapi: "3.1.0",
      info: {
        title: options.title ?? "homevisit",
        version: options.version ?? "1.0.0",
        description:
          options.description ??
          [
            "家访 (home-visit) programme API. Identity comes only from the host's login (the security scheme below); who may call each operation, how far each role reaches, whether a purpose is required and whether the call is audited is written on each operation from the policy matrix (`x-homevisit-policy`).",
            "",
            "Errors are RFC 9457 problems (`application/problem+json`) with a stable `code`; each operation lists the codes it can answer, and the whole catalogue is served at `GET /errors`. Messages follow `Accept-Language` (zh-CN by default, en).",
            "",
            "Denials: a record the caller may see but not act on answers 403 `forbidden`; a record the caller may not see — of another school, class or caller — answers 404 `not_found`, exactly like a missing one.",
          ].join("\n"),
        license: { name: "MIT", identifier: "MIT" },
      },
      servers: (options.servers as oas31.ServerObject[] | undefined) ?? [
        { url: basePath, description: "This host's mount point, relative to the URL the document was served from" },
      ],
      security: Object.keys(schemes).map((name) => ({ [name]: [] })),
      tags,
      paths,
      components: {
        securitySchemes: schemes as NonNullable<Parameters<typeof createDocument>[0]["components"]>["securitySchemes"],
        schemas: { Problem: problemSchema, ...schemaComponents },
      },
    },
    { override: schemaOverride },
  );
  replaceDocumented(document);
  return document;
}

const tagDescriptions: Record<string, string> = {
  appointments: "预约与日历 — Appointments with families and the calendar feed (R12)",
  audit: "审计日志 — The audit log: query and verify",
  conduct: "“六个不得” — Conduct reports (R10)",
  consent: "监护人同意 — Guardian consent (PIPL art. 31)",
  dataRights: "数据权利 — Export, erasure and purges (PIPL art. 45, 47)",
  errors: "错误码 — The error catalogue",
  feedback: "家长意见 — Parents' feedback (R17)",
  me: "我的 — Who am I, my school's terms, my obligations",
  organisation: "组织机构 — City, counties, schools, classes and teachers",
  plans: "学期计划 — Term plans (R2, R6)",
  records: "家访记录 — Visit records (R4, R8)",
  reports: "统计 — Coverage statistics (small groups suppressed)",
  roster: "花名册 — Roster import and mentors",
  safety: "安全 — Safety reports, check-ins and zero reports (R14)",
  students: "学生 — Students (masked lists, full reads with a purpose), the archive, priority categories",
  support: "帮扶 — Support plans and follow-ups",
};

function tagOf(name: string): string {
  return name.split(".")[0] ?? name;
}

const documentedMarker = "x-homevisit-documented-as";

/**
 * The zod-openapi override that marks `documentedAs` fields; {@link replaceDocumented} then
 * shows them by the shape they are checked against (a `$ref` written during rendering would name
 * a component the renderer has not met yet).
 */
function overrideDocumented(): NonNullable<Parameters<typeof createDocument>[1]>["override"] {
  return (ctx) => {
    const json0 = ctx.jsonSchema as Record<string, unknown>;
    if (ctx.io === "input" && "default" in json0) {
      // A default makes a field optional to send. Generators read `default` as "always present"
      // (openapi-typescript's defaultNonNullable), right for responses and wrong for requests,
      // so inputs say it in words.
      const text = `Default: ${JSON.stringify(json0.default)}.`;
      json0.description = typeof json0.description === "string" ? `${json0.description} ${text}` : text;
      delete json0.default;
    }
    const shape = documentedAs.get(ctx.zodSchema as unknown as z.ZodType);
    if (shape === undefined) return;
    const json = ctx.jsonSchema as Record<string, unknown>;
    for (const key of Object.keys(json)) delete json[key];
    if (shape.form === "string") json.type = "string";
    else json[documentedMarker] = shape;
  };
}

/** Replaces the marks {@link overrideDocumented} left with the shapes they stand for. */
function replaceDocumented(node: unknown): void {
  if (node === null || typeof node !== "object") return;
  if (Array.isArray(node)) {
    for (const item of node) replaceDocumented(item);
    return;
  }
  const json = node as Record<string, unknown>;
  const shape = json[documentedMarker] as DocumentedShape | undefined;
  if (shape !== undefined && shape.form !== "string") {
    delete json[documentedMarker];
    const ref = { $ref: `#/components/schemas/${shape.component}` };
    if (shape.form === "one") Object.assign(json, ref);
    else
      Object.assign(json, {
        type: "object",
        propertyNames: { minLength: 1, maxLength: 64 },
        additionalProperties: ref,
        // Custom field values: where they go and the operation that answers their exact schema.
        ...(shape.description === undefined ? {} : { description: shape.description }),
        ...(shape.schemaOperation === undefined ? {} : { "x-homevisit-schema": shape.schemaOperation }),
      });
    return;
  }
  for (const value of Object.values(json)) replaceDocumented(value);
}

/**
 * A body field as documents show it: a list of rows that are checked one by one
 * (`documentedAs` … `form: "one"`) becomes a list of the rows' schema, optional where the
 * field has a default.
 */
function documentedField(field: z.ZodType): z.ZodType {
  const def = (field as unknown as { _zod: { def: { type: string; innerType?: z.ZodType; element?: z.ZodType } } })._zod
    .def;
  if ((def.type === "default" || def.type === "optional") && def.innerType !== undefined) {
    const inner = documentedField(def.innerType);
    return inner === def.innerType ? field : inner.optional();
  }
  if (def.type === "array" && def.element !== undefined) {
    const shape = documentedAs.get(def.element);
    if (shape?.form === "one") return z.array(schemaComponents[shape.component]);
  }
  return field;
}

/**
 * What an export route declares beyond its JSON: the `format` parameter, the CSV and xlsx
 * representations of its 200, and their `Content-Disposition`.
 */
function exportDeclarations(): {
  query: Record<string, z.ZodType>;
  content: ZodOpenApiContentObject;
  headers: Record<string, z.ZodType>;
} {
  const file = (type: string, description: string): oas31.SchemaObject => ({
    type: "string",
    contentMediaType: type,
    description,
  });
  return {
    query: {
      [exportFormatParameter]: z
        .enum(["json", ...exportFormats])
        .optional()
        .meta({
          description:
            "The file to answer: csv (UTF-8 with a BOM, Excel 2016 and later), csv-gbk (GBK, older Excel on Chinese Windows), xlsx, or json. Without it, Accept decides (text/csv, the xlsx type, application/json); JSON by default.",
        }),
    },
    content: {
      "text/csv": {
        schema: file(
          "text/csv",
          "The table as CSV, a header row of column labels then one row per record; charset=utf-8 (with a BOM) or charset=gbk, as Content-Type says",
        ),
      },
      [xlsxMediaType]: { schema: file(xlsxMediaType, "The table as an xlsx workbook: one sheet, every cell text") },
    },
    headers: {
      "Content-Disposition": z
        .string()
        .optional()
        .meta({
          description:
            "On CSV and xlsx answers: attachment; filename=\"<ASCII name>\"; filename*=UTF-8''<the school's name, 家访记录 and the period> (RFC 6266)",
          header: { id: "ContentDisposition" },
        }),
    },
  };
}

function operation(route: RestRoute, limits: RestLimits): ZodOpenApiOperationObject {
  const input = objectShape(route.useCase.input) ?? {};
  const pick = (fields: readonly string[]) =>
    Object.fromEntries(fields.filter((f) => input[f] !== undefined).map((f) => [f, input[f] as z.ZodType]));
  const headers: Record<string, z.ZodType> = { "Accept-Language": acceptLanguage };
  if (route.versioned) headers["If-Match"] = ifMatch;
  if (route.idempotent) headers["Idempotency-Key"] = idempotencyKey;
  if (route.method === "GET") headers["If-None-Match"] = ifNoneMatch;
  if (route.purposeRequired) headers["Homevisit-Purpose"] = purpose;
  const requestParams: NonNullable<ZodOpenApiOperationObject["requestParams"]> = { header: z.object(headers) };
  if (route.pathParams.length > 0) requestParams.path = z.object(pick(route.pathParams));
  const queryFields = Object.keys(route.queryFields);
  const files = isExportRoute(route) ? exportDeclarations() : undefined;
  if (queryFields.length > 0 || files) {
    requestParams.query = z.object({ ...pick(queryFields), ...files?.query });
  }

  const status = route.idempotent && route.method === "POST" ? "201" : "200";
  const successHeaders: Record<string, z.ZodType> = {
    "Content-Language": contentLanguage,
    Vary: vary,
    "Cache-Control": cacheControl,
  };
  if (route.method === "GET" || route.etag) successHeaders.ETag = etag;
  if (route.paged) successHeaders.Link = link;
  if (files) Object.assign(successHeaders, files.headers);
  const json: ZodOpenApiContentObject = { "application/json": { schema: route.useCase.output }, ...files?.content };
  const codes = operationErrorCodes(route);
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of codes) {
    const s = errorCatalog[code].status;
    byStatus.set(s, [...(byStatus.get(s) ?? []), code]);
  }
  const responses: ZodOpenApiResponsesObject = {
    [status]: {
      description: route.useCase.description.en,
      headers: z.object(successHeaders),
      content: route.calendar
        ? {
            "text/calendar": {
              schema: z.string().meta({
                description: "The RFC 5545 feed alone (the JSON's `ics`): the default, for calendar apps",
              }),
            },
            ...json,
          }
        : json,
    },
  };
  if (route.method === "GET") {
    responses["304"] = {
      description: "Not Modified: If-None-Match matched the current ETag (the read ran and was audited)",
      headers: z.object({ ETag: etag, Vary: vary, "Cache-Control": cacheControl }),
    };
  }
  for (const [s, list] of [...byStatus.entries()].sort((a, b) => a[0] - b[0])) {
    const meaning = list.map((c) => `\`${c}\` — ${errorCatalog[c].message.en}`).join("; ");
    responses[String(s) as "400"] = {
      description:
        s === 413 ? `${meaning}. Limits: body ${limits.bodyBytes} bytes, uploads ${limits.uploadBytes}` : meaning,
      headers: problemHeaders(),
      content: problemContent(list),
    };
  }
  responses.default = {
    description: "A server error (internal_error 500, storage_busy or storage_unavailable 503), as a problem document",
    headers: problemHeaders(),
    content: { "application/problem+json": { schema: problemRef } },
  };

  const op: ZodOpenApiOperationObject = {
    operationId: route.name,
    summary: route.useCase.description.en,
    description: operationDescription(route),
    tags: [tagOf(route.name)],
    requestParams,
    responses,
    "x-homevisit-errors": codes.map((code) => ({ code, status: errorCatalog[code].status })),
  };
  const policy = operationPolicy(route);
  if (policy !== undefined) op["x-homevisit-policy"] = policy;
  if (route.uploadField !== undefined) {
    op.requestBody = {
      required: true,
      description: `The photo itself, at most ${limits.uploadBytes} bytes; checked by its content, not by Content-Type`,
      content: {
        "image/jpeg": { schema: { type: "string", contentMediaType: "image/jpeg" } },
        "image/png": { schema: { type: "string", contentMediaType: "image/png" } },
        "image/webp": { schema: { type: "string", contentMediaType: "image/webp" } },
      },
    };
  } else if (route.method !== "GET" && route.method !== "DELETE") {
    const body = Object.fromEntries(Object.entries(pick(route.bodyFields)).map(([k, v]) => [k, documentedField(v)]));
    op.requestBody = {
      required: route.bodyFields.length > 0,
      content: { "application/json": { schema: z.strictObject(body) } },
    };
  }
  return op;
}
