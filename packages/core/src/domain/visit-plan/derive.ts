import * as z from "zod";
import { daysBetween } from "../../shared/dates.js";
import { HomevisitError } from "../../shared/errors/homevisit-error.js";
import { parseInput } from "../../shared/errors/parse.js";
import { formatText, type Locale, type LocalizedText, locales } from "../../shared/i18n.js";
import { idSchema, isoDateSchema } from "../../shared/primitives.js";
import { withSensitivity } from "../../shared/sensitivity.js";
import {
  type ActiveCategory,
  categoriesAt,
  categoryFlagSchema,
  newStudentStatus,
  type PriorityCategory,
  priorityCategories,
  priorityCategoryLabels,
  priorityCategorySchema,
} from "../categories.js";
import { schoolSchema } from "../organisation.js";
import { mentorshipSchema } from "../planning.js";
import { ageOn, currentEnrolment, isUnder14, studentSchema } from "../student.js";
import {
  isBuiltInVisitPlanTrigger,
  outreachGoalIdSchema,
  outreachGoalIds,
  planTextSchema,
  type VisitPlanEntry,
  type VisitPlanTable,
  type VisitPlanTableExtension,
  visitPlanKeySchema,
  visitPlanTableExtensionSchema,
  visitPlanTableSchema,
  visitTaskIdSchema,
  visitTaskIds,
} from "./schema.js";
import { defaultVisitPlanTable } from "./table.js";

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
