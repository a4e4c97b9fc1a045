import { HomevisitError, isHomevisitError, type Locale } from "@homevisit/core";
import * as z from "zod";

/** The URN prefix of every problem type: `urn:homevisit:problem:<code>`. */
export const problemTypePrefix = "urn:homevisit:problem:";

/**
 * The RFC 9457 problem document every error answers with (`application/problem+json`): the
 * stable `code` of the error catalog, the HTTP `status`, a `title` for the status and a
 * `detail` in the locale `Accept-Language` chose, and one entry per field at fault. Never the
 * input values, a stack trace or a driver's message.
 */
export const problemSchema = z
  .strictObject({
    type: z.string().meta({ description: "urn:homevisit:problem:<code>" }),
    title: z.string(),
    status: z.int().min(400).max(599),
    detail: z.string(),
    code: z.string().meta({ description: "A stable error code of the homevisit error catalog" }),
    path: z.array(z.union([z.string(), z.number()])),
    issues: z.array(
      z.strictObject({
        path: z.array(z.union([z.string(), z.number()])),
        code: z.string(),
        message: z.string(),
      }),
    ),
  })
  .meta({ id: "Problem", description: "An RFC 9457 problem document" });
/** A problem document. */
export type Problem = z.infer<typeof problemSchema>;

const titles: Record<number, Record<Locale, string>> = {
  400: { "zh-CN": "请求有误", en: "Bad Request" },
  401: { "zh-CN": "未登录", en: "Unauthorized" },
  403: { "zh-CN": "禁止访问", en: "Forbidden" },
  404: { "zh-CN": "未找到", en: "Not Found" },
  405: { "zh-CN": "方法不允许", en: "Method Not Allowed" },
  409: { "zh-CN": "冲突", en: "Conflict" },
  410: { "zh-CN": "已删除", en: "Gone" },
  412: { "zh-CN": "前提条件不成立", en: "Precondition Failed" },
  413: { "zh-CN": "请求体过大", en: "Content Too Large" },
  415: { "zh-CN": "不支持的媒体类型", en: "Unsupported Media Type" },
  422: { "zh-CN": "无法处理的内容", en: "Unprocessable Content" },
  428: { "zh-CN": "需要前提条件", en: "Precondition Required" },
  429: { "zh-CN": "请求过多", en: "Too Many Requests" },
  500: { "zh-CN": "服务内部错误", en: "Internal Server Error" },
  503: { "zh-CN": "服务暂不可用", en: "Service Unavailable" },
};

/**
 * The problem document of an error. A `HomevisitError` keeps its code, status and messages;
 * anything else becomes `internal_error` (500) with nothing of the original error in it.
 *
 * @example
 * ```ts
 * toProblem(new HomevisitError("not_found", { params: { entity: "student" } }), "en");
 * // { type: "urn:homevisit:problem:not_found", title: "Not Found", status: 404,
 * //   detail: "The student was not found", code: "not_found", path: [], issues: [] }
 * toProblem(new Error("SQLITE_CORRUPT at /var/db"), "en").detail; // "Internal error"
 * ```
 */
export function toProblem(error: unknown, locale: Locale): Problem {
  const known = isHomevisitError(error) ? error : new HomevisitError("internal_error");
  const json = known.toJSON(locale);
  const status = json.status >= 400 && json.status <= 599 ? json.status : 500;
  const title = titles[status]?.[locale] ?? titles[Math.floor(status / 100) * 100]?.[locale] ?? "Error";
  return {
    type: `${problemTypePrefix}${json.code}`,
    title,
    status,
    detail: json.message,
    code: json.code,
    path: [...json.path],
    issues: json.issues.map((i) => ({ path: [...i.path], code: i.code, message: i.message })),
  };
}
