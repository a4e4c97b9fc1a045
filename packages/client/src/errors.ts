import { type ErrorCode, type ErrorPath, errorCatalog, formatText, type Locale } from "@homevisit/core";

/** One field at fault, as the problem document lists it (the message in the client's locale). */
export interface ClientIssue {
  readonly path: ErrorPath;
  /** A homevisit error code or a zod issue code (`too_small`, …). */
  readonly code: string;
  readonly message: string;
}

/** The RFC 9457 problem document the REST adapter answers every error with. */
export interface ClientProblem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly code: string;
  readonly path: ErrorPath;
  readonly issues: readonly ClientIssue[];
}

/**
 * A stable error code: one of the catalog's (autocompleted), or a code a newer server sent that
 * this client does not know yet.
 */
export type ClientErrorCode = ErrorCode | (string & {});

/** What a {@link HomevisitClientError} is made of. */
export interface HomevisitClientErrorInit {
  code: ClientErrorCode;
  status: number;
  message: string;
  path?: ErrorPath;
  issues?: readonly ClientIssue[];
  /** The problem document as received, when there was one. */
  problem?: ClientProblem;
  /** The use case called (`students.flagCategory`), when known. */
  operation?: string;
  /** How many requests were sent, retries included. */
  attempts?: number;
  cause?: unknown;
}

/**
 * The one error type of `@homevisit/client`: a problem document the server answered with, or a
 * failure on the caller's side (`client_network_error`, `client_unexpected_response`). Carries
 * the stable `code`, the HTTP `status`, the `message` in the client's locale and the `issues`
 * (fields at fault, by path) — never the values sent.
 *
 * @example
 * ```ts
 * try {
 *   await client.students.read({ studentId: "stu-0001" });
 * } catch (error) {
 *   if (isHomevisitClientError(error) && error.code === "not_found") showEmptyState();
 *   // error.status 404, error.message "找不到学生", error.issues []
 * }
 * ```
 */
export class HomevisitClientError extends Error {
  override readonly name = "HomevisitClientError";
  readonly code: ClientErrorCode;
  readonly status: number;
  readonly path: ErrorPath;
  readonly issues: readonly ClientIssue[];
  readonly problem: ClientProblem | undefined;
  readonly operation: string | undefined;
  readonly attempts: number;

  constructor(init: HomevisitClientErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.code = init.code;
    this.status = init.status;
    this.path = init.path ?? init.issues?.[0]?.path ?? [];
    this.issues = init.issues ?? [];
    this.problem = init.problem;
    this.operation = init.operation;
    this.attempts = init.attempts ?? 1;
  }

  /** The paths of the fields at fault, dotted: `["guardians.0.phone"]`. */
  get issuePaths(): string[] {
    return this.issues.map((i) => i.path.join("."));
  }
}

/**
 * Tells whether a value is a {@link HomevisitClientError}, also across bundle copies where
 * `instanceof` fails.
 *
 * @example
 * ```ts
 * isHomevisitClientError(new HomevisitClientError({ code: "forbidden", status: 403, message: "…" })); // true
 * isHomevisitClientError(new Error("x")); // false
 * ```
 */
export function isHomevisitClientError(value: unknown): value is HomevisitClientError {
  return (
    value instanceof HomevisitClientError ||
    (value instanceof Error &&
      value.name === "HomevisitClientError" &&
      typeof (value as { code?: unknown }).code === "string")
  );
}

/**
 * A client-side error of the catalog (`client_network_error` …), its message in `locale`.
 *
 * @example
 * ```ts
 * clientError("client_unexpected_response", "en", { status: 502 }).message;
 * // "The home-visit service sent a response that could not be read (HTTP 502)"
 * ```
 */
export function clientError(
  code: "client_network_error" | "client_unexpected_response",
  locale: Locale,
  params: Readonly<Record<string, string | number>>,
  extra: Omit<HomevisitClientErrorInit, "code" | "status" | "message"> = {},
): HomevisitClientError {
  const definition = errorCatalog[code];
  return new HomevisitClientError({
    ...extra,
    code,
    status: definition.status,
    message: formatText(definition.message, params, locale),
  });
}

const pathSchemaOk = (value: unknown): value is ErrorPath =>
  Array.isArray(value) && value.every((p) => typeof p === "string" || typeof p === "number");

/**
 * Reads a problem document defensively: `undefined` unless it has at least a string `code`
 * (anything else a proxy may send — an HTML error page, a gateway's JSON — is not ours).
 *
 * @example
 * ```ts
 * readProblem({ code: "not_found", status: 404, detail: "找不到学生", path: [], issues: [] })?.code; // "not_found"
 * readProblem("<html>"); // undefined
 * ```
 */
export function readProblem(body: unknown, status: number): ClientProblem | undefined {
  if (body === null || typeof body !== "object" || Array.isArray(body)) return undefined;
  const b = body as Record<string, unknown>;
  if (typeof b.code !== "string" || b.code === "") return undefined;
  const issues = Array.isArray(b.issues)
    ? b.issues.flatMap((raw): ClientIssue[] => {
        if (raw === null || typeof raw !== "object") return [];
        const i = raw as Record<string, unknown>;
        return [
          {
            path: pathSchemaOk(i.path) ? i.path : [],
            code: typeof i.code === "string" ? i.code : "invalid",
            message: typeof i.message === "string" ? i.message : "",
          },
        ];
      })
    : [];
  return {
    type: typeof b.type === "string" ? b.type : `urn:homevisit:problem:${b.code}`,
    title: typeof b.title === "string" ? b.title : "",
    status: typeof b.status === "number" ? b.status : status,
    detail: typeof b.detail === "string" ? b.detail : "",
    code: b.code,
    path: pathSchemaOk(b.path) ? b.path : [],
    issues,
  };
}
