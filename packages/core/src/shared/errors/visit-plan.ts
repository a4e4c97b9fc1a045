import { defineErrors } from "./define.js";

/** Errors of the personalised visit plan (R7) and of the data tables schools extend it with. */
export const visitPlanErrors = defineErrors({
  visit_plan_condition_required: {
    status: 422,
    message: {
      "zh-CN": "自定义条目“{key}”必须用 when 写明触发条件",
      en: 'The custom entry "{key}" needs a "when" condition',
    },
  },
  visit_plan_condition_not_allowed: {
    status: 422,
    message: {
      "zh-CN": "内置条目“{key}”由系统判定是否适用，不能设置 when",
      en: 'The built-in entry "{key}" is triggered by homevisit itself and cannot have a "when" condition',
    },
  },
  visit_plan_condition_empty: {
    status: 422,
    message: { "zh-CN": "触发条件至少需要一项", en: "A condition needs at least one clause" },
  },
  visit_plan_unknown_trigger: {
    status: 422,
    message: {
      "zh-CN": "条件引用的“{trigger}”不是内置触发项",
      en: 'The condition refers to "{trigger}", which is not a built-in trigger',
    },
  },
  visit_plan_key_invalid: {
    status: 422,
    message: {
      "zh-CN": "条目键名“{key}”无效：只能使用小写字母、数字和下划线，并以字母开头",
      en: 'The entry key "{key}" is invalid: use lower-case letters, digits and _, starting with a letter',
    },
  },
  visit_plan_school_mismatch: {
    status: 422,
    message: {
      "zh-CN": "学生不属于所给的学校，无法生成家访方案",
      en: "The student does not belong to the given school, so no visit plan can be made",
    },
  },
});
