import type { LocalizedText } from "../../shared/i18n.js";

/** The reasons the assignment gives, in both locales. */
export const text = {
  continuity: { "zh-CN": "连续性：上学期由该教师家访", en: "Continuity: visited this student last term" },
  classTeacher: { "zh-CN": "班主任", en: "Class teacher of the student's class" },
  teachesClass: { "zh-CN": "任教该生所在班级", en: "Teaches the student's class" },
  leastLoaded: {
    "zh-CN": "全员参与：分给当前负担最轻的教师（负担 {load}）",
    en: "All take part: given to the least-loaded teacher (load {load})",
  },
  balanced: {
    "zh-CN": "负担均衡：由负担最重的教师转给负担最轻的教师",
    en: "Load balance: moved from the busiest teacher to the least-loaded one",
  },
  allTakePart: {
    "zh-CN": "全员参与：每位教师至少承担一次家访",
    en: "All take part: every teacher carries at least one visit",
  },
  mentor: { "zh-CN": "该生的德育导师", en: "The student's mentor (德育导师)" },
  mentorKept: { "zh-CN": "连续性：继续担任德育导师", en: "Continuity: stays the student's mentor" },
  mentorNew: {
    "zh-CN": "新任德育导师（负担 {load}，导师名额 {mentees}/{capacity}）",
    en: "New mentor (load {load}, mentees {mentees}/{capacity})",
  },
  companion: {
    "zh-CN": "两人同行：偏远地区或首次重点家访",
    en: "Two adults: remote home or first priority visit",
  },
  replaces: {
    "zh-CN": "接替离岗教师 {teacherId}（最后在岗日 {leftOn}）",
    en: "Takes over from teacher {teacherId}, who left on {leftOn}",
  },
} satisfies Record<string, LocalizedText>;
