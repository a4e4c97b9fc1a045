import { defineErrors } from "./define.js";

/**
 * Errors of the visit-workflow use cases: plans, appointments, safety, records, photos, conduct,
 * support and feedback. Params carry codes, ids of records, sizes and counts only, never what a
 * teacher wrote about a family.
 */
export const engineWorkflowErrors = defineErrors({
  plan_not_draft: {
    status: 409,
    message: {
      "zh-CN": "该学期计划已确认或已被取代，不能再次确认",
      en: "This term plan is no longer a draft and cannot be committed",
    },
  },
  plan_start_outside_term: {
    status: 422,
    message: {
      "zh-CN": "排期起始日须在学期之内：不早于学期开始日，不晚于学期结束日",
      en: "The plan's first day must lie within the term: not before its first day, nor after its last",
    },
  },
  plan_not_committed: {
    status: 409,
    message: {
      "zh-CN": "该学期尚无已确认的家访计划",
      en: "There is no committed plan for this term",
    },
  },
  visit_record_not_draft: {
    status: 409,
    message: {
      "zh-CN": "家访记录已提交，只能通过修订更改",
      en: "The visit record was submitted; change it by amendment",
    },
  },
  visit_record_not_submitted: {
    status: 409,
    message: {
      "zh-CN": "只能修订已提交的家访记录",
      en: "Only a submitted visit record can be amended",
    },
  },
  custom_fields_template_unknown: {
    status: 422,
    message: {
      "zh-CN": "自定义字段模板“{templateId}”未注册",
      en: 'The custom-field template "{templateId}" is not registered',
    },
  },
  photo_type_unsupported: {
    status: 415,
    message: {
      "zh-CN": "照片只能是 JPEG、PNG 或 WebP 格式",
      en: "Photos must be JPEG, PNG or WebP",
    },
  },
  photo_format_unsupported: {
    status: 415,
    message: {
      "zh-CN":
        "不接受 {format} 格式的照片（其中的位置信息无法可靠去除）：请在手机相机设置中选择“兼容性最佳”，或转换为 JPEG 后再上传",
      en: "{format} photos are not accepted (their location data cannot be removed reliably): set the phone camera to “Most Compatible” or convert to JPEG",
    },
  },
  photo_type_mismatch: {
    status: 415,
    message: {
      "zh-CN": "照片内容（{detected}）与声明的类型不符",
      en: "The photo's content ({detected}) does not match its declared type",
    },
  },
  photo_too_large: {
    status: 413,
    message: {
      "zh-CN": "照片过大：{size} 字节，上限 {limit} 字节",
      en: "The photo is too large: {size} bytes, at most {limit}",
    },
  },
  photo_too_many_pixels: {
    status: 422,
    message: {
      "zh-CN": "照片像素过多：{pixels}，上限 {limit}",
      en: "The photo has too many pixels: {pixels}, at most {limit}",
    },
  },
  photo_malformed: {
    status: 422,
    message: {
      "zh-CN": "照片文件已损坏或无法读取尺寸",
      en: "The photo is damaged or its dimensions cannot be read",
    },
  },
  photo_limit_reached: {
    status: 409,
    message: {
      "zh-CN": "每条家访记录最多 {limit} 张照片",
      en: "A visit record holds at most {limit} photos",
    },
  },
  safety_already_checked_in: {
    status: 409,
    message: {
      "zh-CN": "该次家访已报平安",
      en: "This visit was already checked in",
    },
  },
  follow_up_not_found: {
    status: 404,
    message: {
      "zh-CN": "帮扶计划中没有该跟进事项",
      en: "The support plan has no such follow-up",
    },
  },
  feedback_transition_invalid: {
    status: 409,
    message: {
      "zh-CN": "意见处理状态不能从 {from} 变为 {to}",
      en: "Feedback cannot go from {from} to {to}",
    },
  },
});
