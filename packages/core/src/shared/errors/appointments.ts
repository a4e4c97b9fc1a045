import { defineErrors } from "./define.js";

/**
 * Errors of appointments (R12) and their iCalendar export. Params carry statuses, events,
 * channels and rule parts only, never a family's reasons or a student's name.
 */
export const appointmentErrors = defineErrors({
  appointment_illegal_transition: {
    status: 409,
    message: {
      "zh-CN": "预约处于“{from}”状态时不能执行“{event}”",
      en: "An appointment in status {from} cannot take the event {event}",
    },
  },
  appointment_wrong_channel: {
    status: 409,
    message: {
      "zh-CN": "{channel} 方式的预约不能执行“{event}”",
      en: "A {channel} appointment cannot take the event {event}",
    },
  },
  appointment_transition_out_of_order: {
    status: 422,
    message: {
      "zh-CN": "状态变更时间不能早于上一次变更",
      en: "A transition cannot be dated before the previous one",
    },
  },
  appointment_start_offset: {
    status: 422,
    message: {
      "zh-CN": "预约时间须使用北京时间（+08:00）",
      en: "Appointment times must be given in China Standard Time (+08:00)",
    },
  },
  appointment_refusal_reason_required: {
    status: 422,
    message: {
      "zh-CN": "家长拒绝家访时须记录原因",
      en: "A refused appointment needs the family's reason",
    },
  },
  appointment_cancellation_required: {
    status: 422,
    message: {
      "zh-CN": "已取消的预约须记录由谁取消及原因",
      en: "A cancelled appointment needs who cancelled it and why",
    },
  },
  appointment_teacher_clash: {
    status: 409,
    message: {
      "zh-CN": "该时段与教师 {teacherId} 的另一预约（{start} 开始）冲突",
      en: "The time clashes with another appointment of teacher {teacherId} (starting {start})",
    },
  },
  appointment_lesson_clash: {
    status: 409,
    message: {
      "zh-CN": "教师 {teacherId} 在该日 {from}–{to} 有课或值班，家访不得影响正常教学",
      en: "Teacher {teacherId} has a lesson or duty that day {from}–{to}: visits never disturb teaching",
    },
  },
  appointment_outside_allowed_hours: {
    status: 422,
    message: {
      "zh-CN": "家访须安排在该日允许的时段内：{hours}",
      en: "A visit on that day must lie within the allowed hours: {hours}",
    },
  },
  appointment_on_holiday: {
    status: 422,
    message: {
      "zh-CN": "所选日期是法定节假日或不安排家访的日子，只有危机家访可以安排",
      en: "The chosen day is an official holiday or a closed day: only a crisis visit may be arranged on it",
    },
  },
  visit_record_appointment_mismatch: {
    status: 422,
    message: {
      "zh-CN": "家访记录关联的预约不存在，或不属于该生、该校或该项家访任务",
      en: "The record's appointment does not exist, or is not of this student, school or obligation",
    },
  },
  appointment_rrule_invalid: {
    status: 422,
    message: {
      "zh-CN": "重复规则无效：{problem}",
      en: "The recurrence rule is invalid: {problem}",
    },
  },
});
