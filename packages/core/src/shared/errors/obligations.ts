import { defineErrors } from "./define.js";

/** Errors of the obligation rules and of deriving obligations from them. */
export const obligationErrors = defineErrors({
  rules_rrule_invalid: {
    status: 422,
    message: {
      "zh-CN": "重复规则无效：{reason}",
      en: "The recurrence rule is invalid: {reason}",
    },
  },
  rules_window_inverted: {
    status: 422,
    message: {
      "zh-CN": "时段的结束早于开始",
      en: "The window ends before it starts",
    },
  },
  rules_duplicate_id: {
    status: 422,
    message: { "zh-CN": "标识重复", en: "An id is used twice" },
  },
  rules_id_reserved: {
    status: 422,
    message: {
      "zh-CN": "规则标识与内置规则重复，请另取一个",
      en: "The rule id belongs to a built-in rule; choose another",
    },
  },
  rules_flag_rule_needs_categories: {
    status: 422,
    message: {
      "zh-CN": "按类别登记日计算期限的规则须列出适用的类别",
      en: "A rule that counts from the day a category is flagged must list its categories",
    },
  },
  rules_campaign_date_invalid: {
    status: 422,
    message: {
      "zh-CN": "集中性家访日期无效，请使用 MM-DD",
      en: "The campaign date is not a valid MM-DD date",
    },
  },
  obligations_term_inverted: {
    status: 422,
    message: { "zh-CN": "学期结束日期早于开始日期", en: "The term ends before it starts" },
  },
});
