import * as z from "zod";
import { addCatalogIssue } from "../../shared/errors/parse.js";
import type { LocalizedText } from "../../shared/i18n.js";
import { priorityCategories, priorityCategorySchema } from "../categories.js";
import { gradeSchema, settingSchema } from "../organisation.js";
import { livesWithOptions } from "../student.js";

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

/** A line of plan text in both languages. */
export const planTextSchema = z.strictObject({
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
