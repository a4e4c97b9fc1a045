import { defineErrors } from "./define.js";

/** Errors shared by every area: bad input, missing objects, conflicts, permissions. */
export const commonErrors = defineErrors({
  validation_failed: {
    status: 422,
    message: { "zh-CN": "输入数据未通过校验", en: "The input failed validation" },
  },
  not_found: {
    status: 404,
    message: { "zh-CN": "找不到{entity}", en: "The {entity} was not found" },
  },
  forbidden: {
    status: 403,
    message: { "zh-CN": "无权执行此操作", en: "You are not allowed to do this" },
  },
  conflict: {
    status: 409,
    message: { "zh-CN": "与已有数据冲突", en: "This conflicts with existing data" },
  },
  version_conflict: {
    status: 412,
    message: {
      "zh-CN": "数据已被他人修改，请刷新后重试",
      en: "The record was changed by someone else; reload it and try again",
    },
  },
  reserved_key: {
    status: 422,
    message: { "zh-CN": "不允许使用保留的键名“{key}”", en: 'The key "{key}" is reserved' },
  },
  not_json_data: {
    status: 422,
    message: {
      "zh-CN": "数据中含有不是 JSON 数据的值（{kind}）",
      en: "The data holds a value that is not JSON data ({kind})",
    },
  },
  internal_error: {
    status: 500,
    message: { "zh-CN": "服务内部错误", en: "Internal error" },
  },
});
