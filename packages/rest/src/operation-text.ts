import {
  type ErrorCode,
  errorCatalog,
  type LocalizedText,
  type PolicyEntry,
  policyMatrix,
  type Reach,
  type Role,
  reachLabels,
  roleLabels,
} from "@homevisit/core";
import * as z from "zod";
import { problemTypePrefix } from "./problem.js";
import type { RestRoute } from "./routes.js";

/**
 * What the OpenAPI document says on each operation beyond its schemas: who may call it (from the
 * policy matrix itself, never a second copy), the error codes it can answer with their meaning
 * (from the error catalogue), and the preconditions its contract states. Words in zh-CN and en,
 * and the same facts as `x-homevisit-*` extensions a tool can read.
 */

/** The path of the error catalogue beside the routes: `GET {basePath}/errors`. */
export const errorCatalogPath = "/errors";

const locales = ["zh-CN", "en"] as const;

/**
 * The error codes one route can answer: those of its contract (`errors`) and those every call
 * of its kind can (input validation, authorization, purpose, concurrency, idempotency, body and
 * header checks), each with the status the catalogue gives it. Server errors (5xx) are left to
 * the `default` response.
 *
 * @example
 * ```ts
 * operationErrorCodes(restRoutes(engine.useCases).find((r) => r.name === "consent.record")!);
 * // ["rest_unauthenticated", "validation_failed", …, "not_found", "forbidden", "idempotency_key_reused", …]
 * ```
 */
export function operationErrorCodes(route: RestRoute): ErrorCode[] {
  const codes = new Set<ErrorCode>([
    "rest_unauthenticated",
    "validation_failed",
    "server_owned_field",
    "rest_unknown_parameter",
    "rest_repeated_parameter",
    "rest_malformed_header",
  ]);
  codes.add("forbidden");
  if (route.useCase.targetKind !== "collection") codes.add("not_found");
  if (route.purposeRequired) codes.add("purpose_required");
  if (route.idempotent) {
    codes.add("idempotency_key_reused");
    codes.add("idempotency_in_flight");
  } else {
    codes.add("rest_idempotency_unsupported");
  }
  if (route.versioned) {
    codes.add("rest_precondition_required");
    codes.add("version_conflict");
    codes.add("rest_version_in_body");
  }
  if (route.paged) {
    codes.add("storage_page_size");
    codes.add("storage_invalid_cursor");
  }
  if (route.uploadField !== undefined) {
    codes.add("rest_unsupported_media_type");
    codes.add("rest_body_too_large");
  } else if (route.method === "POST" || route.method === "PUT" || route.method === "PATCH") {
    for (const code of [
      "rest_unsupported_media_type",
      "rest_body_too_large",
      "rest_body_too_complex",
      "rest_malformed_body",
      "reserved_key",
    ] as const) {
      codes.add(code);
    }
    if (route.pathParams.length > 0) codes.add("rest_path_field_in_body");
  }
  for (const code of route.useCase.errors ?? []) if (Object.hasOwn(errorCatalog, code)) codes.add(code as ErrorCode);
  return [...codes].filter((c) => errorCatalog[c].status < 500);
}

/**
 * The error catalogue as a document of its own (`GET {basePath}/errors`): every code with its
 * HTTP status, problem `type` and message in each locale (`{name}` placeholders are filled from
 * the error's parameters).
 *
 * @example
 * ```ts
 * errorCatalogDocument().codes.consent_required;
 * // { status: 403, type: "urn:homevisit:problem:consent_required", message: { "zh-CN": "…", en: "…" } }
 * ```
 */
export function errorCatalogDocument(): ErrorCatalogDocument {
  const codes: ErrorCatalogDocument["codes"] = {};
  for (const code of Object.keys(errorCatalog).sort() as ErrorCode[]) {
    const definition = errorCatalog[code];
    codes[code] = {
      status: definition.status,
      type: `${problemTypePrefix}${code}`,
      message: { "zh-CN": definition.message["zh-CN"], en: definition.message.en },
    };
  }
  return { problemTypePrefix, codes };
}

/** The shape of {@link errorCatalogDocument}. */
export const errorCatalogDocumentSchema = z
  .strictObject({
    problemTypePrefix: z.string(),
    codes: z.record(
      z.string(),
      z.strictObject({
        status: z.int().min(400).max(599),
        type: z.string(),
        message: z.strictObject({ "zh-CN": z.string(), en: z.string() }),
      }),
    ),
  })
  .meta({ id: "ErrorCatalog", description: "Every error code with its status and messages" });
/** The error catalogue document. */
export type ErrorCatalogDocument = z.infer<typeof errorCatalogDocumentSchema>;

function reachText(reaches: readonly Reach[], locale: "zh-CN" | "en"): string {
  return reaches.map((r) => reachLabels[r][locale]).join(locale === "zh-CN" ? "、" : ", ");
}

/** The policy of an action in words, zh-CN and en, from the matrix entry itself. */
function policyText(action: string, entry: PolicyEntry, route: RestRoute): LocalizedText {
  const roles = Object.entries(entry.roles) as [Role, readonly Reach[]][];
  const zhRoles = roles.map(
    ([role, reaches]) => `${roleLabels[role]["zh-CN"]}（${role}）：${reachText(reaches, "zh-CN")}`,
  );
  const enRoles = roles.map(([role, reaches]) => `${roleLabels[role].en} (${role}): ${reachText(reaches, "en")}`);
  const record = route.useCase.targetKind !== "collection";
  return {
    "zh-CN": [
      `**权限**（策略矩阵 \`${action}\`）：${zhRoles.join("；")}。其他角色一律拒绝（403）。`,
      record
        ? "能看到但无权操作的记录答 403 forbidden；看不到的记录（其他学校、班级或他人的）与不存在的一样答 404 not_found。"
        : "不在任何可及范围内的调用答 403 forbidden。",
      entry.purposeRequired
        ? "须说明用途：请求头 Homevisit-Purpose（缺少时 422 purpose_required）。"
        : "无需说明用途。",
      entry.audit === "always"
        ? "每次调用都记入审计日志。"
        : entry.write
          ? "写操作记入审计日志。"
          : "拒绝记入审计日志。",
    ].join(""),
    en: [
      `**Who may call** (policy matrix \`${action}\`): ${enRoles.join("; ")}. Every other role is refused (403).`,
      record
        ? " A record the caller may see but not act on answers 403 forbidden; one they may not see (another school's, class's or person's) answers 404 not_found, exactly like a missing one."
        : " A caller outside every reach gets 403 forbidden.",
      entry.purposeRequired
        ? " A stated purpose is required: the Homevisit-Purpose header (without it 422 purpose_required)."
        : " No stated purpose is needed.",
      entry.audit === "always"
        ? " Every call is audited."
        : entry.write
          ? " Every write is audited."
          : " Denials are audited.",
    ].join(""),
  };
}

/** The matrix entry of a route's action, when it has one. */
function policyEntryOf(route: RestRoute): { action: string; entry: PolicyEntry } | undefined {
  const action = route.useCase.action;
  if (action === undefined || !Object.hasOwn(policyMatrix, action)) return undefined;
  return { action, entry: policyMatrix[action as keyof typeof policyMatrix] };
}

/**
 * An operation's description: the use case's own words, who may call it (from the matrix) and
 * its preconditions, in zh-CN then en, the two separated by a rule.
 *
 * @example
 * ```ts
 * operationDescription(restRoutes(engine.useCases).find((r) => r.name === "records.createDraft")!);
 * // "新建家访记录草稿\n\n**权限**（策略矩阵 `records.create`）：…\n\n**前提**:\n- …\n\n---\n\nCreate a visit record draft\n\n**Who may call** …"
 * ```
 */
export function operationDescription(route: RestRoute): string {
  const found = policyEntryOf(route);
  const policy = found === undefined ? undefined : policyText(found.action, found.entry, route);
  const preconditions = route.useCase.preconditions ?? [];
  return locales
    .map((locale) =>
      [
        route.useCase.description[locale],
        ...(policy === undefined ? [] : [policy[locale]]),
        ...(preconditions.length === 0
          ? []
          : [
              `${locale === "zh-CN" ? "**前提**" : "**Preconditions**"}:\n${preconditions.map((p) => `- ${p[locale]}`).join("\n")}`,
            ]),
      ].join("\n\n"),
    )
    .join("\n\n---\n\n");
}

/** The `x-homevisit-policy` extension of an operation: the matrix entry as a tool reads it. */
export interface OperationPolicy {
  action: string;
  roles: PolicyEntry["roles"];
  access: PolicyEntry["access"];
  purposeRequired: boolean;
  audit: PolicyEntry["audit"];
  write: boolean;
  /** How a denial answers: always 403, or 404 unless the caller may see the record. */
  denial: "forbidden" | "not_found_unless_visible";
}

/**
 * The `x-homevisit-policy` extension of a route's operation, from its matrix entry; `undefined`
 * for a route without an action.
 *
 * @example
 * ```ts
 * operationPolicy(route)?.roles.class_teacher; // ["assigned", "class", "mentee", "self"]
 * ```
 */
export function operationPolicy(route: RestRoute): OperationPolicy | undefined {
  const found = policyEntryOf(route);
  if (found === undefined) return undefined;
  const { action, entry } = found;
  return {
    action,
    roles: entry.roles,
    access: entry.access,
    purposeRequired: entry.purposeRequired,
    audit: entry.audit,
    write: entry.write,
    denial: route.useCase.targetKind === "collection" ? "forbidden" : "not_found_unless_visible",
  };
}
