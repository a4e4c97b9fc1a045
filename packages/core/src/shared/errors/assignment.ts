import { defineErrors } from "./define.js";

/**
 * Codes of the visitor assignment (who visits whom). Most are reasons an obligation stays
 * uncovered; the planner reports them per student instead of throwing, so that one student's
 * problem never hides the rest of the plan.
 */
export const assignmentErrors = defineErrors({
  assignment_student_missing: {
    status: 422,
    message: {
      "zh-CN": "找不到该学生的学籍，无法分配家访教师",
      en: "The student is not in the roster given, so no visitor can be assigned",
    },
  },
  assignment_no_eligible_teacher: {
    status: 422,
    message: {
      "zh-CN": "本校没有本学期在岗的教师可分配",
      en: "The school has no teacher in post this term to assign",
    },
  },
  assignment_capacity_exhausted: {
    status: 422,
    message: {
      "zh-CN": "所有在岗教师本学期的家访名额已满（共 {teachers} 人）",
      en: "Every teacher in post has reached the term capacity ({teachers} teachers)",
    },
  },
  assignment_no_companion: {
    status: 422,
    message: {
      "zh-CN": "需要两人同行，但没有可同行的第二位教师",
      en: "Two adults are needed but no second teacher is available",
    },
  },
  assignment_no_obligation: {
    status: 422,
    message: {
      "zh-CN": "本学期没有为该学生生成家访任务",
      en: "No visit obligation was derived for this student this term",
    },
  },
  assignment_teacher_not_found: {
    status: 404,
    message: { "zh-CN": "找不到教师 {teacherId}", en: "Teacher {teacherId} was not found" },
  },
});
