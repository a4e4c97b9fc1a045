import { defineErrors } from "./define.js";

/**
 * Errors of the visit record, the conduct attestation (六个不得) and the safety reports. Params
 * carry field and section labels (each in its locale's words), rule labels and numbers only,
 * never what a teacher wrote about a family.
 */
export const visitErrors = defineErrors({
  conduct_attestation_incomplete: {
    status: 422,
    message: {
      "zh-CN": "须逐项确认“六个不得”，第 {order} 条（{rule}）尚未确认",
      en: "Every conduct rule must be attested; rule {order} ({rule}) is not yet attested",
    },
  },
  conduct_exception_note_required: {
    status: 422,
    message: {
      "zh-CN": "申报未能遵守的条目须说明具体情况",
      en: "A declared exception needs a note saying what happened",
    },
  },
  conduct_exception_note_unexpected: {
    status: 422,
    message: {
      "zh-CN": "已确认遵守的条目不应填写例外说明",
      en: "A rule attested as kept cannot carry an exception note",
    },
  },
  departure_before_arrival: {
    status: 422,
    message: { "zh-CN": "离开时间须晚于到达时间", en: "The departure time must be after the arrival time" },
  },
  visit_field_required: {
    status: 422,
    message: { "zh-CN": "提交家访记录前须填写{field}", en: "Fill in {field} before submitting the visit record" },
  },
  visit_section_required: {
    status: 422,
    message: {
      "zh-CN": "提交前须填写{section}部分（家访任务第 {task} 项）",
      en: "Fill in the {section} section (visit task {task}) before submitting",
    },
  },
  visit_attendee_required: {
    status: 422,
    message: {
      "zh-CN": "须记录在场的学生或家长（监护人）",
      en: "Record who was present: the student or at least one guardian",
    },
  },
  outreach_goal_required: {
    status: 422,
    message: {
      "zh-CN": "面对面家访须至少选择一项“四进家庭”内容",
      en: "A face-to-face visit must carry at least one of the four outreach goals",
    },
  },
  follow_up_due_before_visit: {
    status: 422,
    message: {
      "zh-CN": "后续跟进的完成期限不能早于家访日期",
      en: "A follow-up action cannot be due before the visit took place",
    },
  },
  companion_is_visiting_teacher: {
    status: 422,
    message: {
      "zh-CN": "同行教师中不应包含家访教师本人",
      en: "The visiting teacher cannot also be listed as a companion",
    },
  },
  unlicensed_vehicle_declaration_required: {
    status: 422,
    message: {
      "zh-CN": "须声明不乘坐“三无车辆”",
      en: "Declare that you will not ride an unlicensed, unplated or uninsured vehicle",
    },
  },
  check_in_before_start: {
    status: 422,
    message: {
      "zh-CN": "返回报告时间不能早于计划出发时间",
      en: "The check-in cannot be earlier than the planned start of the visit",
    },
  },
  zero_report_inconsistent: {
    status: 422,
    message: {
      "zh-CN": "零报告须在“无事发生”与列出事件之间二选一",
      en: "A zero report either says nothing happened or lists incidents, not both or neither",
    },
  },
});
