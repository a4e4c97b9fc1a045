import { defineErrors } from "./define.js";

/**
 * Errors of the engine: purposes, consent, idempotency, configuration and plugins. Params carry
 * codes, field names and counts only, never a value about a child or a family.
 */
export const engineErrors = defineErrors({
  purpose_required: {
    status: 422,
    message: {
      "zh-CN": "查看完整信息须说明用途",
      en: "A stated purpose is required to see the full record",
    },
  },
  consent_required: {
    status: 403,
    message: {
      "zh-CN": "未满 {age} 周岁学生的敏感信息须先取得监护人同意",
      en: "Recording sensitive information about a child under {age} needs a guardian's consent on record",
    },
  },
  consent_withdrawn: {
    status: 409,
    message: {
      "zh-CN": "监护人已撤回同意，不能再写入敏感信息",
      en: "The guardian withdrew consent; sensitive information can no longer be written",
    },
  },
  server_owned_field: {
    status: 422,
    message: {
      "zh-CN": "字段“{field}”由系统生成，不能在请求中提供",
      en: 'The field "{field}" is set by the server and cannot be sent',
    },
  },
  idempotency_key_reused: {
    status: 422,
    message: {
      "zh-CN": "该幂等键已用于另一项请求",
      en: "This idempotency key was already used with another request",
    },
  },
  idempotency_in_flight: {
    status: 409,
    message: {
      "zh-CN": "使用该幂等键的请求仍在处理中",
      en: "A request with this idempotency key is still being processed",
    },
  },
  engine_config_invalid: {
    status: 500,
    message: {
      "zh-CN": "引擎配置无效：{field}",
      en: "The engine configuration is not valid: {field}",
    },
  },
  plugin_conflict: {
    status: 500,
    message: {
      "zh-CN": "插件“{id}”重复或与已有定义冲突（{what}）",
      en: 'The plugin "{id}" is registered twice or clashes with an existing definition ({what})',
    },
  },
  plugin_invalid: {
    status: 500,
    message: {
      "zh-CN": "插件“{id}”的定义无效（{what}）",
      en: 'The plugin "{id}" is not valid ({what})',
    },
  },
  report_section_unknown: {
    status: 422,
    message: {
      "zh-CN": "没有报表分项“{section}”",
      en: 'There is no report section "{section}"',
    },
  },
  use_case_unknown: {
    status: 404,
    message: {
      "zh-CN": "没有用例“{name}”",
      en: 'There is no use case "{name}"',
    },
  },
  use_case_unknown_action: {
    status: 500,
    message: {
      "zh-CN": "用例“{name}”使用了权限矩阵中不存在的操作“{action}”",
      en: 'The use case "{name}" names the action "{action}", which is not in the policy matrix',
    },
  },
  student_erased: {
    status: 410,
    message: {
      "zh-CN": "该学生的数据已按要求删除",
      en: "This student's data was erased",
    },
  },
});
