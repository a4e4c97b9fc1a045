import { defineErrors } from "./define.js";

/**
 * Errors of the REST adapter (`@homevisit/rest`): HTTP-level refusals that happen before a use
 * case runs. Params carry header names, limits and methods only, never request content.
 */
export const restErrors = defineErrors({
  rest_unauthenticated: {
    status: 401,
    message: { "zh-CN": "请先登录", en: "Sign in first" },
  },
  rest_route_not_found: {
    status: 404,
    message: { "zh-CN": "没有这个接口", en: "There is no such route" },
  },
  rest_method_not_allowed: {
    status: 405,
    message: { "zh-CN": "该接口不支持此请求方法", en: "This route does not accept this method" },
  },
  rest_malformed_body: {
    status: 400,
    message: { "zh-CN": "请求体不是有效的 UTF-8 JSON", en: "The request body is not valid UTF-8 JSON" },
  },
  rest_malformed_header: {
    status: 400,
    message: { "zh-CN": "请求头 {header} 格式错误", en: "The {header} header is malformed" },
  },
  rest_body_too_large: {
    status: 413,
    message: { "zh-CN": "请求体超过 {limit} 字节的上限", en: "The request body exceeds the limit of {limit} bytes" },
  },
  rest_body_too_complex: {
    status: 413,
    message: {
      "zh-CN": "请求体超出限制：{what} 最多 {limit}",
      en: "The request body exceeds a limit: {what} at most {limit}",
    },
  },
  rest_unsupported_media_type: {
    status: 415,
    message: {
      "zh-CN": "请求体须为 application/json（UTF-8）",
      en: "The request body must be application/json (UTF-8)",
    },
  },
  rest_precondition_required: {
    status: 428,
    message: {
      "zh-CN": "修改须带上 If-Match 请求头（读取时得到的 ETag）",
      en: "Changes need an If-Match header with the ETag you read",
    },
  },
  rest_idempotency_unsupported: {
    status: 422,
    message: {
      "zh-CN": "该接口不支持 Idempotency-Key",
      en: "This route does not take an Idempotency-Key",
    },
  },
  rest_path_field_in_body: {
    status: 422,
    message: {
      "zh-CN": "字段“{field}”已由路径给出，请求体中不能再提供",
      en: 'The field "{field}" comes from the path and cannot be sent in the body',
    },
  },
  rest_version_in_body: {
    status: 422,
    message: {
      "zh-CN": "版本号须通过 If-Match 请求头提供，不能放在请求体中",
      en: "Send the version in the If-Match header, not in the body",
    },
  },
  rest_repeated_parameter: {
    status: 422,
    message: { "zh-CN": "查询参数只能出现一次", en: "A query parameter may appear only once" },
  },
  rest_unknown_parameter: {
    status: 422,
    message: { "zh-CN": "未知的查询参数", en: "Unknown query parameter" },
  },
});
