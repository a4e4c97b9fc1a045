import { defineErrors } from "./define.js";

/**
 * Errors of custom fields: bad field definitions and form templates (a school's admin fixes
 * them), and values that do not fit a template (a teacher fixes them). Params carry field keys,
 * option values and bounds written by the school, never what a teacher typed about a family.
 */
export const customFieldErrors = defineErrors({
  custom_field_invalid_key: {
    status: 422,
    message: {
      "zh-CN": "字段键名无效：须以小写字母开头，只含字母、数字和下划线，最长 64 个字符",
      en: "The field key is invalid: start with a lowercase letter, then letters, digits or _ (at most 64)",
    },
  },
  custom_field_duplicate_key: {
    status: 422,
    message: { "zh-CN": "字段键名“{key}”重复", en: 'The field key "{key}" is used twice' },
  },
  custom_field_invalid_pattern: {
    status: 422,
    message: {
      "zh-CN": "格式规则（正则表达式）无效：{reason}",
      en: "The pattern (regular expression) is invalid: {reason}",
    },
  },
  custom_field_unsafe_pattern: {
    status: 422,
    message: {
      "zh-CN": "格式规则可能导致校验极慢，请简化：{reason}",
      en: "The pattern could make validation very slow; simplify it: {reason}",
    },
  },
  custom_field_pattern_unsupported: {
    status: 422,
    message: {
      "zh-CN": "格式规则使用了不支持的写法（如前后断言、反向引用）：{reason}",
      en: "The pattern uses a construct that is not supported (look-around, back-references): {reason}",
    },
  },
  custom_field_options_missing: {
    status: 422,
    message: { "zh-CN": "选择题至少需要一个选项", en: "A select field needs at least one option" },
  },
  custom_field_duplicate_option: {
    status: 422,
    message: { "zh-CN": "选项值重复", en: "An option value is used twice" },
  },
  custom_field_bad_range: {
    status: 422,
    message: {
      "zh-CN": "下限 {min} 大于上限 {max}",
      en: "The lower bound {min} is above the upper bound {max}",
    },
  },
  custom_field_show_if_unknown_field: {
    status: 422,
    message: {
      "zh-CN": "显示条件引用了不存在的字段“{field}”",
      en: 'The show-if condition refers to an unknown field "{field}"',
    },
  },
  custom_field_show_if_cycle: {
    status: 422,
    message: {
      "zh-CN": "显示条件形成循环：{cycle}",
      en: "The show-if conditions form a cycle: {cycle}",
    },
  },
  custom_field_show_if_bad_value: {
    status: 422,
    message: {
      "zh-CN": "显示条件的取值不适用于字段“{field}”（{type}）",
      en: 'The show-if value does not fit the field "{field}" ({type})',
    },
  },
  custom_field_show_if_invalid: {
    status: 422,
    message: {
      "zh-CN": "显示条件须且只须包含 equals、in、notEmpty 中的一项",
      en: "A show-if condition needs exactly one of equals, in, notEmpty",
    },
  },
  custom_field_out_of_range: {
    status: 422,
    message: {
      "zh-CN": "取值须在 {min} 至 {max} 之间",
      en: "The value must be between {min} and {max}",
    },
  },
  custom_field_control_characters: {
    status: 422,
    message: { "zh-CN": "文本中含有不允许的控制字符", en: "The text contains control characters" },
  },
  custom_field_required: {
    status: 422,
    // The label is the school's own (both locales); the key stays in params for clients.
    message: { "zh-CN": "必须填写“{labelZh}”", en: 'The field "{labelEn}" is required' },
  },
  custom_field_pattern_mismatch: {
    status: 422,
    // The school's own message for its pattern when it wrote one, else one naming its label.
    message: { "zh-CN": "{zh}", en: "{en}" },
  },
  custom_field_repeated_choice: {
    status: 422,
    message: { "zh-CN": "同一选项不能重复选择", en: "An option is chosen more than once" },
  },
  custom_field_template_not_found: {
    status: 422,
    message: {
      "zh-CN": "找不到表单模板 {templateId} 的第 {version} 版",
      en: "Form template {templateId} version {version} was not found",
    },
  },
  custom_field_template_ambiguous: {
    status: 409,
    message: {
      "zh-CN": "表单模板 {templateId} 的第 {version} 版存在多个不同的定义",
      en: "Form template {templateId} version {version} is defined more than once",
    },
  },
  custom_field_type_changed: {
    status: 422,
    message: {
      "zh-CN": "新版本不能改变字段“{key}”的类型（{from} → {to}），请改用新的键名",
      en: 'A new version cannot change the type of "{key}" ({from} → {to}); use a new key',
    },
  },
  custom_field_illegal_transition: {
    status: 409,
    message: {
      "zh-CN": "表单模板不能从 {from} 变为 {to}",
      en: "A form template cannot go from {from} to {to}",
    },
  },
  custom_field_photo_unknown: {
    status: 422,
    message: {
      "zh-CN": "照片须先上传到这条家访记录",
      en: "The photo must first be attached to this visit record",
    },
  },
  form_inherited_field_removed: {
    status: 422,
    message: {
      "zh-CN": "不能删除上级（市、县区）表单中的字段“{labelZh}”",
      en: 'The field "{labelEn}" of the form above (city or county) cannot be removed',
    },
  },
  form_inherited_field_changed: {
    status: 422,
    message: {
      "zh-CN": "上级表单中的字段“{labelZh}”不能修改（只能改为必填）",
      en: 'The field "{labelEn}" of the form above cannot be changed (only made required)',
    },
  },
  form_inherited_field_weakened: {
    status: 422,
    message: {
      "zh-CN": "上级表单要求必填的字段“{labelZh}”必须保持必填",
      en: 'The field "{labelEn}" is required by the form above and must stay required',
    },
  },
  form_draft_exists: {
    status: 409,
    message: {
      "zh-CN": "该表单已有一个草稿（{formId}），请修改它或先停用",
      en: "This form already has a draft ({formId}); edit it or retire it first",
    },
  },
  form_not_draft: {
    status: 409,
    message: { "zh-CN": "只有草稿可以修改或发布", en: "Only a draft can be edited or published" },
  },
  form_scope_forbidden: {
    status: 403,
    message: {
      "zh-CN": "您不能设计这一级别的表单",
      en: "You cannot design forms at this level",
    },
  },
  form_upgrade_would_lose_values: {
    status: 409,
    message: {
      "zh-CN": "新版表单不再包含已填写的字段（{keys}），记录保留原版本",
      en: "The new version drops fields this record holds values for ({keys}); it keeps its version",
    },
  },
  form_record_not_draft: {
    status: 409,
    message: {
      "zh-CN": "只有草稿记录可以换用新版表单",
      en: "Only a draft record can move to a newer form version",
    },
  },
});
