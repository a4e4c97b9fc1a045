import * as z from "zod";
import { withLabel, withOptionLabels } from "../shared/field-labels.js";
import type { LocalizedText } from "../shared/i18n.js";
import { idSchema, noteSchema } from "../shared/primitives.js";
import { withSensitivity } from "../shared/sensitivity.js";
import { priorityCategorySchema } from "./categories.js";
import { livesWithSchema } from "./student.js";

/**
 * The sections of a visit record, one per task of R4 (task 6 has two): what a teacher learned
 * and said at the visit. Every field is sensitive (it is about a family) and carries the label
 * forms and messages name it by.
 */

/** A free-text note in a section, by its label: about a family, so sensitive. */
const sectionNote = (zh: string, en: string) =>
  withLabel(withSensitivity(noteSchema.optional(), "sensitive"), { "zh-CN": zh, en });

/**
 * The words for the values a section's checklists and choices offer: topics, kinds of
 * support, the home environment and the teacher's self-evaluation.
 */
export const visitTopicLabels = {
  thinking: { "zh-CN": "思想品德", en: "Thinking" },
  learning: { "zh-CN": "学习情况", en: "Learning" },
  conduct: { "zh-CN": "行为表现", en: "Conduct" },
  health: { "zh-CN": "身心健康", en: "Health" },
  activities: { "zh-CN": "活动参与", en: "Activities" },
  relationships: { "zh-CN": "同伴关系", en: "Relationships" },
  philosophy: { "zh-CN": "办学理念", en: "School philosophy" },
  features: { "zh-CN": "办学特色", en: "School features" },
  education_policy: { "zh-CN": "教育政策", en: "Education policy" },
  financial_aid_policy: { "zh-CN": "资助政策", en: "Financial aid policy" },
  safety_rules: { "zh-CN": "安全规定", en: "Safety rules" },
  psychology: { "zh-CN": "心理健康", en: "Psychology" },
  physiology: { "zh-CN": "生理卫生", en: "Physiology" },
  safety: { "zh-CN": "安全教育", en: "Safety" },
  hygiene: { "zh-CN": "卫生习惯", en: "Hygiene" },
  parenting_methods: { "zh-CN": "家庭教育方法", en: "Parenting methods" },
  help: { "zh-CN": "生活帮助", en: "Practical help" },
  psychological_counselling: { "zh-CN": "心理疏导", en: "Counselling" },
  learning_tutoring: { "zh-CN": "学业辅导", en: "Tutoring" },
  financial_aid: { "zh-CN": "经济资助", en: "Financial aid" },
  other: { "zh-CN": "其他", en: "Other" },
  good: { "zh-CN": "良好", en: "Good" },
  adequate: { "zh-CN": "一般", en: "Adequate" },
  difficult: { "zh-CN": "困难", en: "Difficult" },
  effective: { "zh-CN": "效果好", en: "Effective" },
  partly_effective: { "zh-CN": "部分有效", en: "Partly effective" },
  not_effective: { "zh-CN": "效果不明显", en: "Not effective" },
} as const satisfies Readonly<Record<string, LocalizedText>>;
/** A value a section's checklist or choice offers. */
export type VisitTopic = keyof typeof visitTopicLabels;

/** One choice among section values, with their words. */
const choice = <const T extends readonly [VisitTopic, ...VisitTopic[]]>(values: T) =>
  withOptionLabels(z.enum(values), visitTopicLabels);

/** A checklist of topics, each at most once; labelled "Topics" unless a section names it. */
function topics<const T extends readonly [VisitTopic, ...VisitTopic[]]>(
  values: T,
  label: LocalizedText = { "zh-CN": "涉及内容", en: "Topics" },
) {
  return withLabel(z.array(choice(values)).max(values.length).default([]), label);
}

/** Task 1: the family situation, home environment, behaviour at home, study and living habits. */
export const familySituationSectionSchema = withSensitivity(
  z.strictObject({
    livesWith: livesWithSchema.optional(),
    homeEnvironment: withLabel(choice(["good", "adequate", "difficult"]).optional(), {
      "zh-CN": "居家环境",
      en: "Home environment",
    }),
    /** A quiet place to do homework. */
    hasStudySpace: withLabel(z.boolean().optional(), { "zh-CN": "有无学习空间", en: "A place to study" }),
    behaviourAtHome: sectionNote("在家表现", "Behaviour at home"),
    studyHabits: sectionNote("学习习惯", "Study habits"),
    livingHabits: sectionNote("生活习惯", "Living habits"),
    notes: sectionNote("家庭情况", "Family situation notes"),
  }),
  "sensitive",
);

/** Task 2: what the teacher told the parents about the student at school. */
export const schoolFeedbackSectionSchema = withSensitivity(
  z.strictObject({
    topics: topics(["thinking", "learning", "conduct", "health", "activities", "relationships"] as const),
    notes: sectionNote("反馈的在校表现", "What was said about school"),
  }),
  "sensitive",
);

/** Task 3: the school's philosophy, features and policy explained; parents' concerns answered. */
export const schoolPolicySectionSchema = withSensitivity(
  z.strictObject({
    topics: topics(["philosophy", "features", "education_policy", "financial_aid_policy", "safety_rules"] as const),
    /** What the parents worried about, and how it was answered. */
    parentConcerns: sectionNote("家长关心的问题及解答", "Parents' concerns and answers"),
    notes: sectionNote("介绍的内容", "What was explained"),
  }),
  "sensitive",
);

/** Task 4: healthy-growth knowledge shared and parenting guidance given. */
export const healthyGrowthSectionSchema = withSensitivity(
  z.strictObject({
    topics: topics(["psychology", "physiology", "safety", "hygiene", "parenting_methods"] as const),
    notes: sectionNote("指导内容", "Guidance given"),
  }),
  "sensitive",
);

/** Task 5: for priority students, the mentor and the support given or arranged. */
export const prioritySupportSectionSchema = withSensitivity(
  z.strictObject({
    /** The categories the support addresses. */
    categories: withLabel(z.array(priorityCategorySchema).max(7).default([]), {
      "zh-CN": "帮扶针对的类别",
      en: "Categories supported",
    }),
    /** The moral-education mentor (德育导师) appointed or confirmed. */
    mentorId: withLabel(idSchema.optional(), { "zh-CN": "德育导师", en: "Mentor" }),
    supportTypes: topics(
      ["help", "psychological_counselling", "learning_tutoring", "financial_aid", "other"] as const,
      {
        "zh-CN": "帮扶方式",
        en: "Support",
      },
    ),
    notes: sectionNote("帮扶安排", "Support arranged"),
  }),
  "sensitive",
);

/** Task 6, first half: the parents' opinions and suggestions about the school's work. */
export const parentOpinionsSectionSchema = withSensitivity(
  z.strictObject({
    opinions: sectionNote("家长意见", "Parents' opinions"),
    suggestions: sectionNote("家长建议", "Parents' suggestions"),
  }),
  "sensitive",
);

/** Task 6, second half: the teacher's reflection and evaluation, and ways agreed with the parents. */
export const teacherReflectionSectionSchema = withSensitivity(
  z.strictObject({
    selfEvaluation: withLabel(choice(["effective", "partly_effective", "not_effective"]).optional(), {
      "zh-CN": "自我评价",
      en: "Self-evaluation",
    }),
    reflection: sectionNote("反思与评价", "Reflection"),
    /** Ways to help the child that teacher and parents agreed on. */
    agreedApproaches: sectionNote("与家长商定的做法", "Approaches agreed with the parents"),
  }),
  "sensitive",
);

/** The sections of a record, one per task of R4 (task 6 has two). */
export const visitSectionKeys = [
  "familySituation",
  "schoolFeedback",
  "schoolPolicy",
  "healthyGrowth",
  "prioritySupport",
  "parentOpinions",
  "teacherReflection",
] as const;
/** A section of a visit record. */
export type VisitSectionKey = (typeof visitSectionKeys)[number];

/** Each section's R4 task number and label. */
export const visitSectionLabels: Readonly<Record<VisitSectionKey, { task: number; label: LocalizedText }>> = {
  familySituation: { task: 1, label: { "zh-CN": "了解家庭情况", en: "Family situation" } },
  schoolFeedback: { task: 2, label: { "zh-CN": "反馈在校表现", en: "Feedback on school life" } },
  schoolPolicy: { task: 3, label: { "zh-CN": "介绍学校及教育政策", en: "School and education policy" } },
  healthyGrowth: { task: 4, label: { "zh-CN": "健康成长指导", en: "Healthy-growth guidance" } },
  prioritySupport: { task: 5, label: { "zh-CN": "重点学生帮扶", en: "Support for a priority student" } },
  parentOpinions: { task: 6, label: { "zh-CN": "家长意见和建议", en: "Parents' opinions and suggestions" } },
  teacherReflection: { task: 6, label: { "zh-CN": "反思与评价", en: "Teacher's reflection" } },
};

/**
 * The schema of each section, for forms that render a section from its schema (its fields,
 * enums and limits) rather than hard-coding it.
 *
 * @example
 * ```ts
 * Object.keys(visitSectionSchemas.healthyGrowth.shape); // ["topics", "notes"]
 * ```
 */
export const visitSectionSchemas = {
  familySituation: familySituationSectionSchema,
  schoolFeedback: schoolFeedbackSectionSchema,
  schoolPolicy: schoolPolicySectionSchema,
  healthyGrowth: healthyGrowthSectionSchema,
  prioritySupport: prioritySupportSectionSchema,
  parentOpinions: parentOpinionsSectionSchema,
  teacherReflection: teacherReflectionSectionSchema,
} as const satisfies Record<VisitSectionKey, z.ZodObject>;
