import * as z from "zod";
import {
  type ActiveCategory,
  categoriesAt,
  categoryFlagSchema,
  newStudentStatus,
  type PriorityCategory,
  priorityCategories,
  priorityCategoryLabels,
  priorityCategorySchema,
} from "./categories.js";
import { daysBetween } from "../shared/dates.js";
import { HomevisitError } from "../shared/errors/homevisit-error.js";
import { addCatalogIssue, parseInput } from "../shared/errors/parse.js";
import { formatText, type Locale, type LocalizedText, locales } from "../shared/i18n.js";
import { gradeSchema, schoolSchema, settingSchema } from "./organisation.js";
import { mentorshipSchema } from "./planning.js";
import { idSchema, isoDateSchema } from "../shared/primitives.js";
import { withSensitivity } from "../shared/sensitivity.js";
import { ageOn, currentEnrolment, isUnder14, livesWithOptions, studentSchema } from "./student.js";

/**
 * R7: a personalised plan (个性化家访方案) for each visit. Its goals and talking points follow from
 * the student's categories, living situation and visit history, through a data table in zh-CN
 * and en that a school can extend without code.
 */

/**
 * The six tasks of every visit (R4), in the guidance's order:
 * 1. `learn_family_situation` — family situation, home environment, behaviour at home, habits;
 * 2. `report_school_performance` — how the student thinks, learns and does at school;
 * 3. `explain_school_policy` — the school's philosophy, features and education policy;
 * 4. `guide_healthy_growth` — psychology, physiology, safety and hygiene; sound parenting;
 * 5. `support_priority_student` — mentor (德育导师), help, counselling, tutoring, financial aid;
 * 6. `collect_feedback` — parents' opinions and suggestions, the teacher's own reflection.
 */
export const visitTaskIds = [
  "learn_family_situation",
  "report_school_performance",
  "explain_school_policy",
  "guide_healthy_growth",
  "support_priority_student",
  "collect_feedback",
] as const;
/** One of the six R4 tasks. */
export const visitTaskIdSchema = z.enum(visitTaskIds);
/** One of the six R4 tasks. */
export type VisitTaskId = z.infer<typeof visitTaskIdSchema>;

/**
 * Each R4 task's number in the guidance and its label, for showing a plan's tasks beside the
 * sections of a visit record (which are numbered the same way).
 */
export const visitTaskLabels: Readonly<Record<VisitTaskId, { number: number; label: LocalizedText }>> = {
  learn_family_situation: { number: 1, label: { "zh-CN": "了解家庭情况", en: "Learn the family situation" } },
  report_school_performance: { number: 2, label: { "zh-CN": "反馈在校表现", en: "Report on school life" } },
  explain_school_policy: {
    number: 3,
    label: { "zh-CN": "介绍学校及教育政策", en: "Explain the school and education policy" },
  },
  guide_healthy_growth: { number: 4, label: { "zh-CN": "健康成长指导", en: "Guide healthy growth" } },
  support_priority_student: {
    number: 5,
    label: { "zh-CN": "德育导师与帮扶", en: "Mentor and support for priority students" },
  },
  collect_feedback: { number: 6, label: { "zh-CN": "征求意见与反思", en: "Collect feedback and reflect" } },
};

/** The four outreach goals (四进家庭, R8): care, policy, guidance and support reach the family. */
export const outreachGoalIds = ["care", "policy", "guidance", "support"] as const;
/** One of the four outreach goals. */
export const outreachGoalIdSchema = z.enum(outreachGoalIds);
/** One of the four outreach goals. */
export type OutreachGoalId = z.infer<typeof outreachGoalIdSchema>;

/**
 * The triggers homevisit detects itself, each with an entry in {@link defaultVisitPlanTable}:
 * the seven priority categories; the student (`new_student`, `under_14`, `mentor_needed`: a
 * priority student without a mentor, R4.5); the living situation (`parents_away`,
 * `lives_with_grandparents`); the history (`no_previous_visit`, `no_in_home_visit`,
 * `open_follow_ups`, `long_since_last_visit`, `newly_flagged_category`,
 * `category_no_longer_applies`, `category_review_overdue`); and `every_visit`, which always
 * applies and carries the tasks every visit has.
 */
export const builtInVisitPlanTriggers = [
  ...priorityCategories,
  "new_student",
  "under_14",
  "mentor_needed",
  "parents_away",
  "lives_with_grandparents",
  "no_previous_visit",
  "no_in_home_visit",
  "open_follow_ups",
  "long_since_last_visit",
  "newly_flagged_category",
  "category_no_longer_applies",
  "category_review_overdue",
  "every_visit",
] as const;
/** A trigger homevisit detects itself. */
export type BuiltInVisitPlanTrigger = (typeof builtInVisitPlanTriggers)[number];

const builtInTriggerSet: ReadonlySet<string> = new Set(builtInVisitPlanTriggers);

/**
 * Whether a table key is one of the {@link builtInVisitPlanTriggers}: homevisit detects those
 * itself, a school's own keys fire by their `when` condition.
 *
 * @example
 * ```ts
 * isBuiltInVisitPlanTrigger("under_14"); // true
 * isBuiltInVisitPlanTrigger("rural_left_behind"); // false
 * ```
 */
export function isBuiltInVisitPlanTrigger(key: string): key is BuiltInVisitPlanTrigger {
  return builtInTriggerSet.has(key);
}

// Keys a plain object lookup would resolve through the prototype: never valid table keys.
const reservedKeys = new Set(["__proto__", "constructor", "prototype", "toString", "valueOf", "hasOwnProperty"]);

const keyPattern = /^[a-z][a-z0-9_]{0,63}$/;

/** A table key: snake_case, 1–64 characters; built-in trigger names or a school's own. */
export const visitPlanKeySchema = z
  .string()
  .regex(keyPattern, { error: "Use snake_case: a-z, 0-9 and _" })
  .superRefine((key, ctx) => {
    if (reservedKeys.has(key)) addCatalogIssue(ctx, "reserved_key", { key });
  });

// zod's records skip a `__proto__` key silently; a table must refuse it instead (no mass
// assignment), so keys are checked on the raw object before the record parses it.
function checkRawKeys(value: unknown, ctx: z.RefinementCtx): void {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return;
  for (const key of Object.keys(value)) {
    const shown = key.slice(0, 64);
    if (reservedKeys.has(key)) addCatalogIssue(ctx, "reserved_key", { key: shown }, [key]);
    else if (!keyPattern.test(key)) addCatalogIssue(ctx, "visit_plan_key_invalid", { key: shown }, [key]);
  }
}

const planTextSchema = z.strictObject({
  "zh-CN": z.string().trim().min(1).max(500),
  en: z.string().trim().min(1).max(500),
});

const planTextListSchema = z.array(planTextSchema).max(30).default([]);

/**
 * When a school's own entry applies: every clause given must hold (and), each list clause
 * holds when any of its values matches (or). Built-in entries have no condition: homevisit
 * detects them.
 */
export const visitPlanConditionSchema = z
  .strictObject({
    /** Any of these categories is in force on the visit date. */
    categories: z.array(priorityCategorySchema).min(1).max(7).optional(),
    /** Any of these built-in triggers fired. */
    triggers: z.array(visitPlanKeySchema).min(1).max(30).optional(),
    /** The child lives with any of these. */
    livesWith: z.array(z.enum(livesWithOptions)).min(1).optional(),
    /** The student's grade on the visit date is one of these. */
    grades: z.array(gradeSchema).min(1).max(15).optional(),
    /** The school's setting is one of these (rural schools and R13, for example). */
    schoolSettings: z.array(settingSchema).min(1).optional(),
    /** The home is marked remote. */
    remoteHome: z.boolean().optional(),
    /** The student is, or is not, a new student. */
    newStudent: z.boolean().optional(),
    /** The child is, or is not, under 14. */
    under14: z.boolean().optional(),
  })
  .superRefine((condition, ctx) => {
    if (Object.values(condition).every((v) => v === undefined)) addCatalogIssue(ctx, "visit_plan_condition_empty");
    condition.triggers?.forEach((trigger, i) => {
      if (!builtInTriggerSet.has(trigger))
        addCatalogIssue(ctx, "visit_plan_unknown_trigger", { trigger }, ["triggers", i]);
    });
  });
/** When a school's own entry applies. */
export type VisitPlanCondition = z.infer<typeof visitPlanConditionSchema>;

const entryShape = {
  /** The trigger's name, shown beside the reason. */
  label: planTextSchema,
  /**
   * Why the trigger fired, with placeholders the trigger fills: `{since}` (categories,
   * `new_student`), `{age}` (`under_14`), `{date}` (the last visit), `{count}`, `{days}`,
   * `{categories}` (history triggers). See {@link defaultVisitPlanTable}.
   */
  why: planTextSchema,
  /** What the visit should achieve. */
  goals: planTextListSchema,
  /** What to raise with the family. */
  talkingPoints: planTextListSchema,
  /** What to prepare or bring. */
  prepare: planTextListSchema,
  /** What to take care over: privacy, conduct, safety. */
  cautions: planTextListSchema,
  /** The R4 tasks the entry serves. */
  tasks: z.array(visitTaskIdSchema).max(6).default([]),
  /** The outreach goals (四进家庭) the entry carries. */
  outreachGoals: z.array(outreachGoalIdSchema).max(4).default([]),
  /** Lower comes first in the plan; ties go by key. */
  rank: z.int().min(0).max(10_000).default(500),
  /** A school can switch an entry off without deleting it. */
  enabled: z.boolean().default(true),
  /** For a school's own entries only: when it applies. */
  when: visitPlanConditionSchema.optional(),
};

/** One entry of a visit-plan table. */
export const visitPlanEntrySchema = z.strictObject(entryShape);
/** One entry of a visit-plan table. */
export type VisitPlanEntry = z.infer<typeof visitPlanEntrySchema>;
/** One entry as a school writes it (defaults not yet applied). */
export type VisitPlanEntryInput = z.input<typeof visitPlanEntrySchema>;

/**
 * A visit-plan table: entries by trigger key. Built-in keys are detected by homevisit and must
 * not carry `when`; any other key is a school's own entry and must.
 */
export const visitPlanTableSchema = z.record(visitPlanKeySchema, visitPlanEntrySchema).superRefine((table, ctx) => {
  for (const [key, entry] of Object.entries(table)) {
    if (builtInTriggerSet.has(key) && entry.when !== undefined)
      addCatalogIssue(ctx, "visit_plan_condition_not_allowed", { key }, [key, "when"]);
    if (!builtInTriggerSet.has(key) && entry.when === undefined)
      addCatalogIssue(ctx, "visit_plan_condition_required", { key }, [key, "when"]);
  }
});
/** A visit-plan table. */
export type VisitPlanTable = z.infer<typeof visitPlanTableSchema>;

/**
 * A change to one entry: the fields given replace the base entry's fields (lists are replaced
 * whole, so to add a talking point, spread the base's list and append).
 */
export const visitPlanEntryPatchSchema = z.strictObject({
  label: planTextSchema.optional(),
  why: planTextSchema.optional(),
  goals: z.array(planTextSchema).max(30).optional(),
  talkingPoints: z.array(planTextSchema).max(30).optional(),
  prepare: z.array(planTextSchema).max(30).optional(),
  cautions: z.array(planTextSchema).max(30).optional(),
  tasks: z.array(visitTaskIdSchema).max(6).optional(),
  outreachGoals: z.array(outreachGoalIdSchema).max(4).optional(),
  rank: z.int().min(0).max(10_000).optional(),
  enabled: z.boolean().optional(),
  when: visitPlanConditionSchema.optional(),
});
/** The entries of a school's extension, by key. */
export const extensionRecordSchema = z.record(visitPlanKeySchema, visitPlanEntryPatchSchema);
/** A school's extension of a table: changes to existing entries and new entries, by key. */
export const visitPlanTableExtensionSchema = z.unknown().superRefine(checkRawKeys).pipe(extensionRecordSchema);
/** A school's extension of a table. */
export type VisitPlanTableExtension = z.input<typeof extensionRecordSchema>;

const t = (zh: string, en: string): LocalizedText => ({ "zh-CN": zh, en });

// Items shared by several entries: the same object in two entries shows once in a plan.
const shared = {
  aidLeaflet: t(
    "学生资助政策宣传单和申请表（家庭经济困难学生认定及资助申请流程）",
    "Student financial-aid policy leaflet and application form (how hardship is assessed and how to apply)",
  ),
  aidPolicy: t(
    "介绍助学金、学费减免、营养改善、生活补助等资助项目和申请办法",
    "Explain the aid on offer (grants, fee waivers, nutrition programme, living allowances) and how to apply",
  ),
  counsellor: t("学校心理辅导老师的联系方式", "Contact details of the school's counsellor"),
  safetyTalk: t(
    "提醒监护人关注孩子的安全：防溺水、交通安全、用电用火安全",
    "Remind the carers of the child's safety: drowning, road safety, electricity and fire",
  ),
  noNeighbours: t(
    "不在邻居、亲友面前谈论学生的类别和家庭困难，不向邻居打听家庭情况",
    "Never discuss the student's category or the family's difficulties in front of neighbours or relatives, nor ask neighbours about the family",
  ),
  noLabel: t(
    "不给孩子贴标签，不在孩子面前批评孩子或拿孩子与他人比较",
    "Don't label the child; don't criticise the child or compare them with others in front of them",
  ),
  readArchive: t("查阅学生家访档案和上次家访记录", "Read the student's visit archive and the record of the last visit"),
  mentorContact: t(
    "告知班主任和德育导师的联系方式，家里有事可随时联系学校",
    "Give the contact details of the class teacher and the mentor: the family can reach the school any time",
  ),
} as const;

/**
 * The default visit-plan table, faithful to the Lishui guidance (2016): one entry per built-in
 * trigger, Chinese first. Frozen: extend it with {@link extendVisitPlanTable}.
 *
 * @example
 * ```ts
 * defaultVisitPlanTable.economic_hardship?.prepare[0]?.["zh-CN"];
 * // "学生资助政策宣传单和申请表（家庭经济困难学生认定及资助申请流程）"
 * ```
 */
export const defaultVisitPlanTable: Readonly<VisitPlanTable> = deepFreeze({
  family_crisis: {
    label: priorityCategoryLabels.family_crisis,
    why: t("家庭突发重大变故（自 {since} 起）", "The family was hit by a sudden major event (since {since})"),
    goals: [
      t("及时了解变故对家庭和孩子的影响", "Learn promptly how the event affects the family and the child"),
      t(
        "给予情感关怀，帮助孩子稳定学习和生活",
        "Offer care and help the child keep their studies and daily life steady",
      ),
      t("协调学校和社会的帮扶资源", "Bring together the school's and the community's support"),
    ],
    talkingPoints: [
      t(
        "代表学校表达关心和慰问，说明学校能够提供的帮助",
        "Express the school's sympathy and explain what help the school can give",
      ),
      t(
        "关注孩子的情绪和睡眠变化，必要时安排心理辅导",
        "Watch for changes in the child's mood and sleep; arrange counselling if needed",
      ),
      shared.aidPolicy,
    ],
    prepare: [shared.aidLeaflet, shared.counsellor],
    cautions: [
      t(
        "尊重家庭意愿，不追问变故细节，不对外传播家庭情况",
        "Respect the family's wishes: don't press for details of the event and don't spread the family's story",
      ),
      t(
        "拍照须征得家长同意，不拍摄家庭困境",
        "Take photos only with the parents' consent, and never of the family's hardship",
      ),
      shared.noNeighbours,
    ],
    tasks: ["learn_family_situation", "support_priority_student"],
    outreachGoals: ["care", "support"],
    rank: 100,
    enabled: true,
  },
  mentor_needed: {
    label: t("尚未确定德育导师", "No mentor yet"),
    why: t("重点关注学生尚未确定德育导师", "A priority student has no moral-education mentor yet"),
    goals: [
      t(
        "为学生确定德育导师，并向家长介绍导师和帮扶安排",
        "Appoint a mentor for the student and introduce the mentor and the support plan to the parents",
      ),
    ],
    talkingPoints: [
      t(
        "与家长商定帮扶措施：关心帮助、心理辅导、学习辅导和助学",
        "Agree the support with the parents: care, counselling, learning support and financial aid",
      ),
    ],
    prepare: [t("访前与学校商定德育导师人选", "Agree with the school who will be the mentor before the visit")],
    cautions: [],
    tasks: ["support_priority_student"],
    outreachGoals: ["support"],
    rank: 120,
    enabled: true,
  },
  open_follow_ups: {
    label: t("上次家访有未完成的跟进事项", "Open follow-ups from the last visit"),
    why: t(
      "上次家访（{date}）商定的跟进事项还有 {count} 项未完成",
      "{count} follow-up action(s) agreed at the last visit ({date}) are still open",
    ),
    goals: [
      t(
        "跟进上次家访商定的事项，向家长反馈落实情况",
        "Follow up what was agreed last time and tell the parents how far it has got",
      ),
    ],
    talkingPoints: [
      t(
        "询问上次商定的措施效果如何，共同调整帮扶办法",
        "Ask how the measures agreed last time have worked and adjust them together",
      ),
    ],
    prepare: [shared.readArchive],
    cautions: [],
    tasks: ["support_priority_student", "collect_feedback"],
    outreachGoals: ["support"],
    rank: 130,
    enabled: true,
  },
  newly_flagged_category: {
    label: t("上次家访后新列入重点关注", "Newly flagged since the last visit"),
    why: t("上次家访（{date}）之后新列入：{categories}", "Flagged since the last visit ({date}): {categories}"),
    goals: [
      t(
        "了解新情况的经过和家庭的需要，确定帮扶措施",
        "Learn what has changed and what the family needs, and decide the support",
      ),
    ],
    talkingPoints: [
      t(
        "与家长一起确认新情况，说明学校将提供的帮助",
        "Confirm the new situation with the parents and explain the help the school will give",
      ),
    ],
    prepare: [],
    cautions: [shared.noLabel],
    tasks: ["learn_family_situation", "support_priority_student"],
    outreachGoals: ["care", "support"],
    rank: 140,
    enabled: true,
  },
  major_change: {
    label: priorityCategoryLabels.major_change,
    why: t("思想或学业上有重大变化（自 {since} 起）", "A major change in thinking or in grades (since {since})"),
    goals: [
      t("了解变化发生的时间和可能的原因", "Learn when the change began and what may lie behind it"),
      t("与家长共同商定关心和引导的措施", "Agree with the parents how to care for and guide the child"),
    ],
    talkingPoints: [
      t(
        "客观说明孩子在校的具体变化（情绪、行为、成绩），不急于下结论",
        "Describe the concrete changes seen at school (mood, behaviour, marks) without jumping to conclusions",
      ),
      t(
        "询问家庭近期有无变化，孩子在家的情绪、作息、交友和上网情况",
        "Ask about recent changes at home and the child's mood, routine, friends and time online",
      ),
      t("必要时介绍学校的心理辅导资源", "Where it helps, introduce the school's counselling"),
    ],
    prepare: [
      t("变化前后的成绩和在校表现记录", "Marks and school records from before and after the change"),
      shared.counsellor,
    ],
    cautions: [
      t(
        "如发现自伤、轻生等危险迹象，立即报告学校并联系专业人员",
        "If there are signs of self-harm or suicide risk, report to the school at once and bring in professionals",
      ),
      t("不在孩子面前与家长相互指责", "Don't trade blame with the parents in front of the child"),
    ],
    tasks: ["learn_family_situation", "report_school_performance", "guide_healthy_growth", "support_priority_student"],
    outreachGoals: ["care", "guidance", "support"],
    rank: 150,
    enabled: true,
  },
  category_review_overdue: {
    label: t("类别复核已逾期", "Category review overdue"),
    why: t("以下类别的复核已逾期：{categories}", "The review of these categories is overdue: {categories}"),
    goals: [
      t(
        "核实相关情况是否仍然存在，访后及时更新类别认定",
        "Check whether the situation still holds, and update the categories after the visit",
      ),
    ],
    talkingPoints: [],
    prepare: [t("查阅类别认定的依据和上次复核记录", "Read why the category was set and the last review")],
    cautions: [
      t(
        "核实情况以了解和关心为主，不当着孩子的面讨论类别认定",
        "Check by listening and caring; don't discuss the category decision in front of the child",
      ),
    ],
    tasks: ["learn_family_situation"],
    outreachGoals: ["care"],
    rank: 160,
    enabled: true,
  },
  new_student: {
    label: t("新生", "New student"),
    why: t("本校第一学年的新生（{since} 入学）", "A new student in the first school year here (joined {since})"),
    goals: [
      t(
        "与家庭建立联系和信任，留下班主任和任课教师的联系方式",
        "Build contact and trust with the family; leave the class teacher's and subject teachers' contact details",
      ),
      t(
        "了解孩子的成长经历、性格特点、兴趣特长和健康状况",
        "Learn the child's history, personality, interests, talents and health",
      ),
      t("帮助孩子和家长尽快适应新学校", "Help the child and the parents settle into the new school"),
    ],
    talkingPoints: [
      t(
        "介绍学校的办学理念、作息时间、规章制度和家校沟通渠道",
        "Introduce the school's philosophy, daily timetable, rules and how to reach the school",
      ),
      t(
        "询问孩子入学以来的适应情况：同伴、作业量、作息",
        "Ask how the child has settled in: friends, homework load, daily routine",
      ),
      t(
        "了解家长对孩子的期望和对学校的建议",
        "Hear the parents' hopes for the child and their suggestions for the school",
      ),
    ],
    prepare: [t("学校简介和新生入学须知", "School brochure and the new-student notice")],
    cautions: [t("初次见面以倾听为主，不急于评价孩子", "At a first meeting, listen more than you judge the child")],
    tasks: ["learn_family_situation", "explain_school_policy", "collect_feedback"],
    outreachGoals: ["care", "policy"],
    rank: 200,
    enabled: true,
  },
  no_previous_visit: {
    label: t("尚无家访记录", "Never visited"),
    why: t("该生尚无家访记录", "The student has no visit on record yet"),
    goals: [t("建立学生家访档案", "Start the student's visit archive")],
    talkingPoints: [
      t("了解家庭成员、居住环境和主要联系人", "Learn who is in the family, the home environment and whom to contact"),
    ],
    prepare: [
      t(
        "访前核对家庭住址和监护人联系方式",
        "Check the home address and the guardians' contact details before the visit",
      ),
    ],
    cautions: [],
    tasks: ["learn_family_situation"],
    outreachGoals: ["care"],
    rank: 500,
    enabled: true,
  },
  no_in_home_visit: {
    label: t("尚未进家入户", "Never visited at home"),
    why: t("以往 {count} 次家访均未进家入户", "None of the {count} earlier visit(s) took place in the home"),
    goals: [
      t(
        "本次尽量进家入户，实地了解家庭环境",
        "Visit in the home this time if at all possible, to see the home environment",
      ),
    ],
    talkingPoints: [
      t(
        "家长确实不便入户时，了解原因并约定合适场所面谈",
        "Where the parents really find a home visit inconvenient, ask why and agree a suitable place to meet",
      ),
    ],
    prepare: [],
    cautions: [],
    tasks: ["learn_family_situation"],
    outreachGoals: ["care"],
    rank: 510,
    enabled: true,
  },
  long_since_last_visit: {
    label: t("一年多未家访", "No visit for over a year"),
    why: t("距上次家访（{date}）已 {days} 天", "{days} days since the last visit ({date})"),
    goals: [
      t(
        "重新了解一年多来家庭情况和孩子成长的变化",
        "Catch up on how the family and the child have changed over the past year and more",
      ),
    ],
    talkingPoints: [
      t(
        "询问家庭近一年有无重大变化：搬家、家庭成员、工作",
        "Ask whether anything major changed this year: moving house, family members, work",
      ),
    ],
    prepare: [shared.readArchive],
    cautions: [],
    tasks: ["learn_family_situation"],
    outreachGoals: ["care"],
    rank: 520,
    enabled: true,
  },
  disability: {
    label: priorityCategoryLabels.disability,
    why: t("残疾学生（自 {since} 起）", "Disabled student (since {since})"),
    goals: [
      t(
        "了解孩子的康复、医疗和生活照料需求",
        "Learn the child's needs for rehabilitation, medical care and daily care",
      ),
      t(
        "商定学校能提供的支持：随班就读、送教上门、无障碍设施、个别化教育",
        "Agree what the school can provide: a place in a regular class, teaching at home, accessibility, an individual education plan",
      ),
    ],
    talkingPoints: [
      t("询问家长希望学校在哪些方面给予帮助", "Ask the parents where they would like the school's help"),
      t(
        "肯定孩子的长处和进步，增强家庭的信心",
        "Recognise the child's strengths and progress, and build the family's confidence",
      ),
      t(
        "介绍残疾学生资助、康复补助等政策和申请渠道",
        "Explain the aid for disabled students, rehabilitation allowances and how to apply",
      ),
    ],
    prepare: [
      t("特殊教育和残疾学生资助政策资料", "Material on special education and aid for disabled students"),
      t(
        "了解住所的无障碍情况，选择方便家庭的时间",
        "Find out about access to the home and pick a time that suits the family",
      ),
    ],
    cautions: [
      t(
        "不在邻居或其他人面前谈论孩子的残疾诊断和病情",
        "Never discuss the child's disability diagnosis or condition in front of neighbours or others",
      ),
      t(
        "不索要、不翻拍病历和残疾证，只记录必要的信息",
        "Don't ask for or photograph medical records or the disability certificate; record only what is needed",
      ),
    ],
    tasks: ["learn_family_situation", "explain_school_policy", "guide_healthy_growth", "support_priority_student"],
    outreachGoals: ["care", "policy", "support"],
    rank: 250,
    enabled: true,
  },
  economic_hardship: {
    label: priorityCategoryLabels.economic_hardship,
    why: t("家庭经济困难（自 {since} 起）", "The family is in economic difficulty (since {since})"),
    goals: [
      t("了解家庭的经济状况和实际困难", "Learn the family's financial situation and practical difficulties"),
      t(
        "宣传学生资助政策，帮助家庭申请应享受的资助",
        "Explain the student-aid policy and help the family apply for the aid it is entitled to",
      ),
      t("关注家庭困难给孩子带来的心理压力", "Watch for the strain the hardship puts on the child"),
    ],
    talkingPoints: [
      shared.aidPolicy,
      t(
        "询问孩子在学习用品、营养、上学交通等方面有无困难",
        "Ask whether the child lacks school supplies, food or transport to school",
      ),
      t(
        "肯定家庭的努力，鼓励孩子自立自强",
        "Recognise the family's efforts and encourage the child to be self-reliant",
      ),
    ],
    prepare: [
      shared.aidLeaflet,
      t("学校和社会可提供的帮扶资源信息", "What support the school and the community offer"),
    ],
    cautions: [
      shared.noNeighbours,
      t("资助申请材料只用于资助认定，妥善保管", "Aid application papers serve the aid assessment only; keep them safe"),
    ],
    tasks: ["learn_family_situation", "explain_school_policy", "support_priority_student"],
    outreachGoals: ["care", "policy", "support"],
    rank: 300,
    enabled: true,
  },
  left_behind_or_single_parent: {
    label: priorityCategoryLabels.left_behind_or_single_parent,
    why: t("留守儿童或单亲家庭（自 {since} 起）", "Left-behind child or single-parent family (since {since})"),
    goals: [
      t(
        "了解孩子的实际监护人、监护情况和亲子沟通情况",
        "Learn who actually looks after the child, how well, and how the child and parents keep in touch",
      ),
      t(
        "帮助在外务工的父母或单亲家长与孩子保持沟通",
        "Help parents working away, or a single parent, keep in touch with the child",
      ),
    ],
    talkingPoints: [
      shared.safetyTalk,
      t(
        "建议父母定期与孩子通话或视频，多关心孩子的情绪，而不只是成绩",
        "Suggest the parents call or video-chat regularly, and ask about feelings, not only marks",
      ),
      shared.mentorContact,
    ],
    prepare: [
      t("访前确认在外务工父母的联系方式", "Confirm the contact details of the parents working away before the visit"),
    ],
    cautions: [
      t(
        "不在孩子面前议论父母离异或家庭矛盾",
        "Don't talk about the parents' divorce or family conflicts in front of the child",
      ),
      shared.noNeighbours,
    ],
    tasks: ["learn_family_situation", "guide_healthy_growth", "support_priority_student"],
    outreachGoals: ["care", "guidance", "support"],
    rank: 350,
    enabled: true,
  },
  parents_away: {
    label: t("父母外出务工", "Parents working away"),
    why: t(
      "父母外出务工，孩子由其他家人照看或只与一方父母生活",
      "The parents work away from home; the child lives with one parent or other relatives",
    ),
    goals: [
      t(
        "了解孩子的生活照料、学习督促和安全监护由谁负责",
        "Learn who sees to the child's daily care, homework and safety",
      ),
    ],
    talkingPoints: [
      t(
        "请父母与孩子保持经常联系，关心孩子的情绪和学习",
        "Ask the parents to keep in regular touch with the child and ask about feelings and school",
      ),
      shared.mentorContact,
    ],
    prepare: [
      t(
        "尽量安排在春节、农忙等父母返乡期间家访；父母不在家时，可约定视频与父母交流",
        "Where possible visit when the parents are home, around the Spring Festival or in the busy farming seasons; otherwise agree a video call with them",
      ),
    ],
    cautions: [t("不在孩子面前抱怨父母不管孩子", "Don't complain in front of the child that the parents neglect them")],
    tasks: ["learn_family_situation", "guide_healthy_growth"],
    outreachGoals: ["care", "guidance"],
    rank: 360,
    enabled: true,
  },
  lives_with_grandparents: {
    label: t("与祖辈共同生活", "Lives with grandparents"),
    why: t("孩子与祖辈或其他亲属共同生活", "The child lives with grandparents or other relatives"),
    goals: [
      t(
        "了解祖辈监护人的身体状况和照顾孩子的能力",
        "Learn the grandparents' health and how well they can look after the child",
      ),
    ],
    talkingPoints: [
      t(
        "指导祖辈关注孩子的心理和学习习惯，不只照顾吃穿",
        "Guide the grandparents to care for the child's feelings and study habits, not only food and clothes",
      ),
      t(
        "用通俗易懂的话（必要时用方言）说明孩子在校情况和学校要求",
        "Explain how the child does at school and what the school asks in plain words (in dialect if needed)",
      ),
      shared.safetyTalk,
    ],
    prepare: [
      t(
        "一页简要书面说明：孩子在校情况和学校联系方式，便于祖辈转告父母",
        "A one-page note of how the child does and how to reach the school, for the grandparents to pass on to the parents",
      ),
    ],
    cautions: [
      t("尊重老人，不当面批评隔代教养方式", "Respect the grandparents; don't criticise their way of raising the child"),
    ],
    tasks: ["learn_family_situation", "report_school_performance", "guide_healthy_growth"],
    outreachGoals: ["care", "guidance"],
    rank: 370,
    enabled: true,
  },
  learning_difficulty: {
    label: priorityCategoryLabels.learning_difficulty,
    why: t("学习困难（自 {since} 起）", "Learning difficulties (since {since})"),
    goals: [
      t(
        "了解学习困难的表现和原因：基础、习惯、方法、注意力或家庭学习环境",
        "Learn how the difficulties show and why: gaps, habits, methods, attention or the study setting at home",
      ),
      t("与家长商定学习辅导计划", "Agree a learning-support plan with the parents"),
    ],
    talkingPoints: [
      t(
        "具体说明孩子各科的学习情况和已经取得的进步",
        "Say concretely how the child does in each subject and what progress they have made",
      ),
      t(
        "指导家长帮助孩子养成良好的学习习惯，合理安排作息和作业时间",
        "Guide the parents to help the child build good study habits and a sensible routine for homework",
      ),
      t(
        "介绍学校的学习辅导安排（不得以家访名义进行有偿家教）",
        "Explain the school's learning support (never paid tutoring in the name of the visit)",
      ),
    ],
    prepare: [
      t("近期作业、测验和各科老师的反馈", "Recent homework, tests and feedback from subject teachers"),
      t("有针对性的学习建议", "Specific advice on how to study"),
    ],
    cautions: [shared.noLabel],
    tasks: ["learn_family_situation", "report_school_performance", "guide_healthy_growth", "support_priority_student"],
    outreachGoals: ["guidance", "support"],
    rank: 400,
    enabled: true,
  },
  migrant_worker_child: {
    label: priorityCategoryLabels.migrant_worker_child,
    why: t("进城务工人员随迁子女（自 {since} 起）", "Child of migrant workers (since {since})"),
    goals: [
      t(
        "了解随迁家庭的居住条件和孩子适应城市学习生活的情况",
        "Learn the family's housing and how the child is adapting to school and life in the city",
      ),
      t(
        "介绍随迁子女入学、学籍和升学相关政策",
        "Explain the policies on migrant children's admission, school records and progression",
      ),
    ],
    talkingPoints: [
      t(
        "说明随迁子女升学考试的政策和需要提前准备的材料",
        "Explain the rules for migrant children's entrance exams and the papers to prepare in advance",
      ),
      t(
        "了解家长的工作时间，商定合适的家校沟通方式和时间",
        "Learn the parents' working hours and agree how and when to keep in touch",
      ),
      t("鼓励孩子参加校园活动，融入班集体", "Encourage the child to join school activities and the class community"),
    ],
    prepare: [
      t("随迁子女就学和升学政策资料", "Material on migrant children's schooling and progression"),
      t(
        "按家长的工作作息预约时间，如晚上或休息日",
        "Book a time that fits the parents' working hours, such as an evening or a day off",
      ),
    ],
    cautions: [
      t(
        "不询问与教育无关的户籍、收入和务工细节",
        "Don't ask about residence registration, income or work beyond what education needs",
      ),
    ],
    tasks: ["learn_family_situation", "explain_school_policy", "support_priority_student"],
    outreachGoals: ["care", "policy"],
    rank: 450,
    enabled: true,
  },
  category_no_longer_applies: {
    label: t("类别已不再适用", "Category no longer applies"),
    why: t(
      "上次家访（{date}）时的类别已不再适用：{categories}",
      "Categories that applied at the last visit ({date}) no longer do: {categories}",
    ),
    goals: [t("了解情况好转的原因，巩固帮扶成果", "Learn what improved, and make the progress last")],
    talkingPoints: [
      t(
        "肯定家庭和孩子的努力，询问是否仍需要学校的帮助",
        "Recognise the family's and the child's efforts, and ask whether they still need the school's help",
      ),
    ],
    prepare: [],
    cautions: [],
    tasks: ["learn_family_situation", "collect_feedback"],
    outreachGoals: ["care"],
    rank: 600,
    enabled: true,
  },
  under_14: {
    label: t("未满 14 周岁", "Under 14"),
    why: t("学生未满 14 周岁（{age} 岁）", "The student is under 14 ({age})"),
    goals: [],
    talkingPoints: [
      t(
        "向家长宣传儿童安全和卫生知识：防溺水、交通安全、网络安全",
        "Share child safety and hygiene knowledge with the parents: drowning, road safety, online safety",
      ),
    ],
    prepare: [
      t(
        "如需记录类别等敏感信息，确认已有监护人的同意",
        "If sensitive details such as categories will be recorded, check that a guardian's consent is on record",
      ),
    ],
    cautions: [
      t(
        "未满 14 周岁儿童的个人信息均属敏感个人信息：拍照和记录须征得监护人同意，只记录必要的信息",
        "Everything about a child under 14 is sensitive personal information: photos and notes need a guardian's consent; record only what is needed",
      ),
      t("家访时须有监护人在场", "A guardian should be present during the visit"),
    ],
    tasks: ["guide_healthy_growth"],
    outreachGoals: ["guidance"],
    rank: 800,
    enabled: true,
  },
  every_visit: {
    label: t("每次家访", "Every visit"),
    why: t("每次家访的基本任务", "What every visit does"),
    goals: [
      t(
        "了解学生的家庭情况、成长环境、在家表现和学习生活习惯",
        "Learn the family situation, the home environment, behaviour at home and study and living habits",
      ),
      t(
        "向家长反馈学生在校的思想、学习和综合表现",
        "Tell the parents how the student thinks, learns and does at school",
      ),
      t(
        "介绍学校的办学理念、办学特色和教育政策，解答家长关心的热点难点问题",
        "Explain the school's philosophy, features and education policy, and answer the parents' concerns",
      ),
      t("征求家长对学校工作的意见和建议", "Collect the parents' opinions and suggestions on the school's work"),
    ],
    talkingPoints: [
      t(
        "先肯定孩子的优点和进步，再共同商量需要改进的地方",
        "Start with the child's strengths and progress, then agree together what to improve",
      ),
      t(
        "宣传心理、生理、安全和卫生方面的健康成长知识，指导家长科学育儿",
        "Share healthy-growth knowledge (psychology, physiology, safety, hygiene) and guide the parents toward sound parenting",
      ),
      t(
        "与家长共同探讨促进孩子健康成长的方法与途径",
        "Explore with the parents ways to help the child grow up healthy",
      ),
    ],
    prepare: [
      t(
        "提前电话与家长预约时间；家长不便入户时，约定合适的场所面谈",
        "Agree the time with the parents by phone first; if a home visit is inconvenient for them, agree a suitable place to meet",
      ),
      t(
        "出发前向学校报告家访对象、地点和所需时间；家访期间保持通讯畅通，结束后及时告知学校",
        "Before leaving, tell the school whom you visit, where and for how long; stay reachable, and report back when the visit is over",
      ),
      t(
        "学生近期在校表现：作业、成绩、课堂和同伴交往情况",
        "The student's recent school record: homework, marks, behaviour in class and with classmates",
      ),
      t(
        "携带《家访工作手册》，访后及时记好“生情日记”",
        "Bring the home-visit handbook, and write the diary entry soon after the visit",
      ),
    ],
    cautions: [
      t(
        "严守“六个不得”：不收钱物，不接受吃请和报销开支，不要求家长安排车辆接送，不提私人要求，不参与娱乐消费，不以家访名义有偿家教",
        "Keep the six prohibitions: no money or gifts, no meals or reimbursed expenses, no transport from the family, no private requests, no entertainment the family organises, no paid tutoring in the name of the visit",
      ),
      t("严禁搭乘“三无车辆”（无牌照、无驾照、无保险）", "Never ride an unlicensed, unplated or uninsured vehicle"),
      t("注意保护学生及家庭隐私", "Protect the privacy of the student and the family"),
    ],
    tasks: [
      "learn_family_situation",
      "report_school_performance",
      "explain_school_policy",
      "guide_healthy_growth",
      "collect_feedback",
    ],
    outreachGoals: ["care", "policy", "guidance"],
    rank: 900,
    enabled: true,
  },
});

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

/**
 * Adds entries to a visit-plan table or changes its entries, returning a new table (the base
 * is not modified). For a key the base has, the fields given replace the base's fields (lists
 * are replaced whole); a new key becomes a new entry, which needs `label`, `why` and a `when`
 * condition. Throws a `HomevisitError` (`validation_failed`) whose issues carry the path of
 * every bad field, e.g. `["economic_hardship", "goals", 0, "en"]`.
 *
 * @example
 * ```ts
 * const table = extendVisitPlanTable(defaultVisitPlanTable, {
 *   economic_hardship: {
 *     prepare: [
 *       ...(defaultVisitPlanTable.economic_hardship?.prepare ?? []),
 *       { "zh-CN": "本县爱心助学基金申请表", en: "The county's charity bursary application form" },
 *     ],
 *   },
 *   rural_left_behind: {
 *     label: { "zh-CN": "农村留守儿童", en: "Rural left-behind child" },
 *     why: { "zh-CN": "农村学校的留守儿童", en: "A left-behind child at a rural school" },
 *     goals: [{ "zh-CN": "春节前后与返乡父母面谈", en: "Meet the parents when they are home for the Spring Festival" }],
 *     when: { triggers: ["parents_away"], schoolSettings: ["rural"] },
 *   },
 * });
 * table.economic_hardship?.prepare.length; // 3
 * table.rural_left_behind?.when; // { triggers: ["parents_away"], schoolSettings: ["rural"] }
 * ```
 */
export function extendVisitPlanTable(
  base: Readonly<VisitPlanTable>,
  extension: VisitPlanTableExtension,
): VisitPlanTable {
  const patches = parseInput(visitPlanTableExtensionSchema, extension);
  const merged: Record<string, unknown> = {};
  for (const [key, entry] of Object.entries(base)) merged[key] = entry;
  for (const [key, patch] of Object.entries(patches)) {
    const own = Object.hasOwn(base, key) ? base[key] : undefined;
    merged[key] = { ...own, ...withoutUndefined(patch) };
  }
  return parseInput(visitPlanTableSchema, merged);
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Channels of a past visit, as the visit-plan history needs them. */
export const pastVisitChannels = ["in_home", "alternative_venue", "at_school", "phone", "video", "other"] as const;

/**
 * What the plan needs to know of one earlier visit: when, how, how many follow-up actions it
 * left open, and which categories applied then. Host code builds it from the visit archive.
 */
export const pastVisitSummarySchema = z.strictObject({
  date: isoDateSchema,
  channel: z.enum(pastVisitChannels),
  /** Follow-up actions agreed at the visit that are still open. */
  openFollowUps: z.int().min(0).max(1000).default(0),
  /** The categories in force on the visit's date. */
  categoriesAtVisit: z.array(priorityCategorySchema).max(7).default([]),
});
/** A summary of one earlier visit. */
export type PastVisitSummary = z.infer<typeof pastVisitSummarySchema>;

/** A student's visit history as the plan needs it, in any order. */
export const visitHistorySchema = withSensitivity(z.array(pastVisitSummarySchema).max(1000), "sensitive");
/** A student's visit history. */
export type VisitHistory = z.infer<typeof visitHistorySchema>;

/** The input of {@link derivePersonalisedPlan}. */
export const personalisedPlanInputSchema = z.strictObject({
  student: studentSchema,
  school: schoolSchema,
  /** Category flags; flags of other students are ignored, so a school's whole list may be passed. */
  flags: z.array(categoryFlagSchema).max(10_000).default([]),
  history: visitHistorySchema.default([]),
  /** Mentor appointments; one for this student in force on `date` means no mentor is needed. */
  mentorships: z.array(mentorshipSchema).max(10_000).default([]),
  /** The planned visit date. */
  date: isoDateSchema,
});
/** The input of {@link derivePersonalisedPlan}, as a caller writes it. */
export type PersonalisedPlanInput = z.input<typeof personalisedPlanInputSchema>;

/** One item of a plan, with the triggers it came from (several when entries share it). */
export const planItemSchema = z.strictObject({
  text: planTextSchema,
  triggers: z.array(visitPlanKeySchema).min(1),
});
/** One item of a plan. */
export type PlanItem = z.infer<typeof planItemSchema>;

/** A trigger that fired, and why. */
export const firedTriggerSchema = z.strictObject({
  key: visitPlanKeySchema,
  /** The category, for category triggers. */
  category: priorityCategorySchema.optional(),
  label: planTextSchema,
  why: planTextSchema,
});
/** A trigger that fired. */
export type FiredTrigger = z.infer<typeof firedTriggerSchema>;

/**
 * A personalised visit plan (个性化家访方案). It names the student's categories and family
 * situation, so the whole plan is sensitive.
 */
export const personalisedPlanSchema = withSensitivity(
  z.strictObject({
    studentId: idSchema,
    date: isoDateSchema,
    triggers: z.array(firedTriggerSchema),
    goals: z.array(planItemSchema),
    talkingPoints: z.array(planItemSchema),
    prepare: z.array(planItemSchema),
    cautions: z.array(planItemSchema),
    /** The R4 tasks the visit serves, in R4's order. */
    tasks: z.array(visitTaskIdSchema),
    /** The outreach goals the visit carries, in R8's order. */
    outreachGoals: z.array(outreachGoalIdSchema),
    /** A priority student without a mentor on the date (R4.5). */
    mentorNeeded: z.boolean(),
  }),
  "sensitive",
);
/** A personalised visit plan. */
export type PersonalisedPlan = z.infer<typeof personalisedPlanSchema>;

/** What one fired trigger contributes before its entry is looked up. */
interface Detection {
  key: string;
  category?: PriorityCategory;
  params: (locale: Locale) => Record<string, string | number>;
}

const longGapDays = 365;

function categoryList(categories: readonly PriorityCategory[], locale: Locale): string {
  return categories.map((c) => priorityCategoryLabels[c][locale]).join(locale === "zh-CN" ? "、" : ", ");
}

/**
 * Derives the personalised plan for one visit (R7) from the student's categories on the
 * visit date, new-student status, age, living situation, mentor and earlier visits, using a
 * visit-plan table (default: {@link defaultVisitPlanTable}).
 *
 * Triggers come in the order of their entries' `rank`, then key; goals, talking points,
 * things to prepare and cautions follow that order, each text once (an item shared by
 * several entries lists all their keys). Tasks and outreach goals come in R4's and R8's
 * order. A trigger whose entry the table lacks or disables is left out. Earlier visits are
 * those dated before `date`; a visit is long ago after 365 days. Invalid input throws a
 * `HomevisitError` (`validation_failed`) with the path of each problem.
 *
 * @example
 * ```ts
 * const plan = derivePersonalisedPlan({
 *   student, // grade 8, born 2012-03-02, lives with both parents, enrolled since 2025-09-01
 *   school, // a junior school
 *   flags: [{ id: "f1", studentId: student.id, category: "economic_hardship", validFrom: "2026-03-01",
 *     evidence: "父亲失业", flaggedBy: "t1", flaggedAt: "2026-03-01T09:00:00+08:00" }],
 *   history: [{ date: "2026-04-10", channel: "phone", openFollowUps: 1, categoriesAtVisit: [] }],
 *   date: "2026-10-15",
 * });
 * plan.triggers.map((x) => x.key);
 * // ["mentor_needed", "open_follow_ups", "newly_flagged_category", "economic_hardship",
 * //  "no_in_home_visit", "every_visit"]
 * plan.mentorNeeded; // true
 * plan.prepare[0]?.text["zh-CN"]; // "访前与学校商定德育导师人选"
 * ```
 */
export function derivePersonalisedPlan(
  input: PersonalisedPlanInput,
  table: Readonly<VisitPlanTable> = defaultVisitPlanTable,
): PersonalisedPlan {
  const { student, school, flags, history, mentorships, date } = parseInput(personalisedPlanInputSchema, input);
  if (student.schoolId !== school.id)
    throw new HomevisitError("visit_plan_school_mismatch", { path: ["school", "id"] });

  const active = categoriesAt(
    flags.filter((f) => f.studentId === student.id),
    date,
  );
  const detections = detectBuiltIn({ student, school, active, history, mentorships, date });
  const fired = new Set(detections.map((d) => d.key));

  // A school's own entries, judged against the built-in triggers that fired.
  const enrolment = currentEnrolment(student, date);
  const newStudent = newStudentStatus(student, school, date).isNew;
  const under14 = isUnder14(student.dateOfBirth, date);
  for (const [key, entry] of Object.entries(table)) {
    const when = entry.when;
    if (isBuiltInVisitPlanTrigger(key) || when === undefined) continue;
    const holds =
      (when.categories === undefined || when.categories.some((c) => active.some((a) => a.category === c))) &&
      (when.triggers === undefined || when.triggers.some((k) => fired.has(k))) &&
      (when.livesWith === undefined || when.livesWith.includes(student.livingSituation.livesWith)) &&
      (when.grades === undefined || (enrolment !== undefined && when.grades.includes(enrolment.grade))) &&
      (when.schoolSettings === undefined || when.schoolSettings.includes(school.setting)) &&
      (when.remoteHome === undefined || when.remoteHome === student.address.remote) &&
      (when.newStudent === undefined || when.newStudent === newStudent) &&
      (when.under14 === undefined || when.under14 === under14);
    if (holds) detections.push({ key, params: () => ({}) });
  }

  const chosen = detections
    .flatMap((d) => {
      const entry = Object.hasOwn(table, d.key) ? table[d.key] : undefined;
      return entry?.enabled ? [{ detection: d, entry }] : [];
    })
    .sort((a, b) => a.entry.rank - b.entry.rank || compareKeys(a.detection.key, b.detection.key));

  const triggers: FiredTrigger[] = chosen.map(({ detection, entry }) => ({
    key: detection.key,
    ...(detection.category === undefined ? {} : { category: detection.category }),
    label: entry.label,
    why: fill(entry.why, detection.params),
  }));

  const collect = (pick: (entry: VisitPlanEntry) => readonly LocalizedText[]): PlanItem[] => {
    const items = new Map<string, PlanItem>();
    for (const { detection, entry } of chosen) {
      for (const text of pick(entry)) {
        const id = `${text["zh-CN"]}\u0000${text.en}`;
        const existing = items.get(id);
        if (existing === undefined) items.set(id, { text: { ...text }, triggers: [detection.key] });
        else if (!existing.triggers.includes(detection.key)) existing.triggers.push(detection.key);
      }
    }
    return [...items.values()];
  };

  const tasks = new Set(chosen.flatMap(({ entry }) => entry.tasks));
  const outreach = new Set(chosen.flatMap(({ entry }) => entry.outreachGoals));
  return {
    studentId: student.id,
    date,
    triggers,
    goals: collect((e) => e.goals),
    talkingPoints: collect((e) => e.talkingPoints),
    prepare: collect((e) => e.prepare),
    cautions: collect((e) => e.cautions),
    tasks: visitTaskIds.filter((x) => tasks.has(x)),
    outreachGoals: outreachGoalIds.filter((x) => outreach.has(x)),
    mentorNeeded: fired.has("mentor_needed"),
  };
}

// Code-point order, so the plan does not depend on the host's locale.
function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function fill(template: LocalizedText, params: Detection["params"]): LocalizedText {
  const out = {} as Record<Locale, string>;
  for (const locale of locales) out[locale] = formatText(template, params(locale), locale);
  return out;
}

type ParsedInput = z.output<typeof personalisedPlanInputSchema>;

function detectBuiltIn(facts: {
  student: ParsedInput["student"];
  school: ParsedInput["school"];
  active: ActiveCategory[];
  history: ParsedInput["history"];
  mentorships: ParsedInput["mentorships"];
  date: string;
}): Detection[] {
  const { student, school, active, date } = facts;
  const out: Detection[] = [];
  const none = () => ({});

  for (const a of active) out.push({ key: a.category, category: a.category, params: () => ({ since: a.since }) });

  const status = newStudentStatus(student, school, date);
  if (status.isNew) out.push({ key: "new_student", params: () => ({ since: status.since }) });

  if (isUnder14(student.dateOfBirth, date)) {
    const age = ageOn(student.dateOfBirth, date);
    out.push({ key: "under_14", params: () => ({ age }) });
  }

  const hasMentor = facts.mentorships.some((m) => m.studentId === student.id && m.since <= date);
  if (active.length > 0 && !hasMentor) out.push({ key: "mentor_needed", params: none });

  const living = student.livingSituation;
  if (living.parentsAway !== "none" || student.guardians.some((g) => g.worksAway && !g.livesWithStudent))
    out.push({ key: "parents_away", params: none });
  if (living.livesWith === "grandparents" || living.livesWith === "other_relatives")
    out.push({ key: "lives_with_grandparents", params: none });

  // Earlier visits only, the latest last; a stable sort keeps same-day visits in given order.
  const earlier = facts.history.filter((v) => v.date < date).sort((a, b) => compareKeys(a.date, b.date));
  const last = earlier.at(-1);
  if (last === undefined) {
    out.push({ key: "no_previous_visit", params: none });
  } else {
    const count = earlier.length;
    if (!earlier.some((v) => v.channel === "in_home")) out.push({ key: "no_in_home_visit", params: () => ({ count }) });
    if (last.openFollowUps > 0)
      out.push({ key: "open_follow_ups", params: () => ({ count: last.openFollowUps, date: last.date }) });
    const days = daysBetween(last.date, date);
    if (days > longGapDays) out.push({ key: "long_since_last_visit", params: () => ({ date: last.date, days }) });
    const then = new Set(last.categoriesAtVisit);
    const added = active.map((a) => a.category).filter((c) => !then.has(c));
    if (added.length > 0)
      out.push({
        key: "newly_flagged_category",
        params: (locale) => ({ date: last.date, categories: categoryList(added, locale) }),
      });
    const now = new Set(active.map((a) => a.category));
    const ended = priorityCategories.filter((c) => then.has(c) && !now.has(c));
    if (ended.length > 0)
      out.push({
        key: "category_no_longer_applies",
        params: (locale) => ({ date: last.date, categories: categoryList(ended, locale) }),
      });
  }

  const overdue = active.filter((a) => a.reviewOverdue).map((a) => a.category);
  if (overdue.length > 0)
    out.push({ key: "category_review_overdue", params: (locale) => ({ categories: categoryList(overdue, locale) }) });

  out.push({ key: "every_visit", params: none });
  return out;
}
