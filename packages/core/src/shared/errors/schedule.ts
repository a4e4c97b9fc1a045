import { defineErrors } from "./define.js";

/**
 * Codes of the scheduler and of recurrence rules. The scheduler lists each obligation it
 * cannot place with one of these codes and its message instead of throwing.
 */
export const scheduleErrors = defineErrors({
  schedule_not_assigned: {
    status: 422,
    message: { "zh-CN": "尚未分配家访教师", en: "No visitor has been assigned" },
  },
  schedule_student_missing: {
    status: 422,
    message: { "zh-CN": "找不到该学生的信息", en: "The student is not in the data given" },
  },
  schedule_no_allowed_day: {
    status: 422,
    message: {
      "zh-CN": "时间窗口 {from} 至 {to} 内没有可家访的日子（节假日或不允许周末）",
      en: "No day from {from} to {to} allows visits (holidays, or weekends not allowed)",
    },
  },
  schedule_window_passed: {
    status: 422,
    message: {
      "zh-CN": "时间窗口 {from} 至 {to} 已过，计划开始之后本学期已没有可家访的日子",
      en: "The window {from} to {to} has passed, and the term has no day left after the plan's first day",
    },
  },
  schedule_unknown_calendar: {
    status: 422,
    message: {
      "zh-CN": "缺少 {from} 至 {to} 的节假日数据，未安排（可显式允许未知日期）",
      en: "No holiday data for {from} to {to}, so nothing was placed (unknown days can be allowed explicitly)",
    },
  },
  schedule_family_unavailable: {
    status: 422,
    message: {
      "zh-CN": "家长方便的时间与允许的家访时段没有交集",
      en: "The family's stated availability never meets the allowed visiting hours",
    },
  },
  schedule_teacher_full: {
    status: 422,
    message: {
      "zh-CN": "教师在窗口内每天或每周的家访次数已达上限",
      en: "The teacher's daily or weekly visit limit is reached throughout the window",
    },
  },
  schedule_no_free_slot: {
    status: 422,
    message: {
      "zh-CN": "窗口内找不到与课程及其他家访都不冲突的时段",
      en: "No slot in the window avoids the teachers' lessons and other visits",
    },
  },
  schedule_crisis_escalated: {
    status: 422,
    message: {
      "zh-CN": "危机家访无法在期限（{to}）前安排：{why}，已上报校长",
      en: "The crisis visit cannot be placed by its deadline ({to}): {why}; escalated to the principal",
    },
  },
  schedule_rrule_invalid: {
    status: 422,
    message: {
      "zh-CN": "重复规则无效：{problem}",
      en: "The recurrence rule is invalid: {problem}",
    },
  },
  schedule_busy_slot_invalid: {
    status: 422,
    message: { "zh-CN": "占用时段的结束时间须晚于开始时间", en: "A busy slot must end after it starts" },
  },
});
