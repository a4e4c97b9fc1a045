import * as z from "zod";
import { categoryKeySchema, priorityCategories, priorityCategorySchema } from "../domain/categories.js";
import { gradeSchema, settingSchema, teacherRoleSchema, teacherRoles } from "../domain/organisation.js";
import { addDays } from "../shared/dates.js";
import type { ErrorIssue } from "../shared/errors/homevisit-error.js";
import { HomevisitError } from "../shared/errors/homevisit-error.js";
import { addCatalogIssue, issuesFromZod } from "../shared/errors/parse.js";
import { idSchema, shortTextSchema } from "../shared/primitives.js";
import { solarTermDate, solarTermIdSchema } from "./calendar/solar-terms.js";

/**
 * The obligation rules as data (R2, R3, R5, R6, R13). A city bureau sets defaults for its
 * counties, a county for its schools, a school for itself; {@link resolveObligationRules}
 * merges the levels over {@link defaultObligationRules}, which follow the guidance.
 */

/** A label in both locales, for rule data a bureau writes. */
const localizedLabelSchema = z.strictObject({ "zh-CN": shortTextSchema.min(1), en: shortTextSchema.min(1) });

const rrulePartNames = ["FREQ", "INTERVAL", "BYDAY", "BYMONTHDAY", "BYMONTH", "BYSETPOS", "WKST"] as const;
const weekdayCode = "(MO|TU|WE|TH|FR|SA|SU)";
const rrulePartPatterns: Record<(typeof rrulePartNames)[number], RegExp> = {
  FREQ: /^(DAILY|WEEKLY|MONTHLY|YEARLY)$/,
  INTERVAL: /^([1-9]|[1-4]\d|5[0-2])$/,
  BYDAY: new RegExp(`^[+-]?([1-5])?${weekdayCode}(,[+-]?([1-5])?${weekdayCode})*$`),
  BYMONTHDAY: /^-?([1-9]|[12]\d|3[01])(,-?([1-9]|[12]\d|3[01]))*$/,
  BYMONTH: /^([1-9]|1[0-2])(,([1-9]|1[0-2]))*$/,
  BYSETPOS: /^-?[1-5](,-?[1-5])*$/,
  WKST: new RegExp(`^${weekdayCode}$`),
};

/**
 * Why a mentor-contact cadence is not usable, or `undefined` when it is. A cadence is the
 * body of an RRULE (`FREQ=MONTHLY`, `FREQ=WEEKLY;INTERVAL=2;BYDAY=WE`): the planner adds the
 * floating DTSTART and the UNTIL that bound it to the term, so DTSTART, UNTIL, COUNT and TZID
 * are refused here, as are sub-daily frequencies.
 *
 * @example
 * ```ts
 * cadenceProblem("FREQ=MONTHLY"); // undefined
 * cadenceProblem("FREQ=HOURLY"); // "FREQ must be DAILY, WEEKLY, MONTHLY or YEARLY"
 * cadenceProblem("FREQ=MONTHLY;UNTIL=20270101"); // "UNTIL is added by the planner"
 * ```
 */
export function cadenceProblem(cadence: string): string | undefined {
  if (cadence.length === 0 || cadence.length > 200) return "the rule is empty or too long";
  const seen = new Set<string>();
  for (const part of cadence.split(";")) {
    const [name = "", value, ...rest] = part.split("=");
    // Reasons name the rule's own vocabulary only, never the text that was refused.
    if (value === undefined || rest.length > 0) return "a part is not NAME=VALUE";
    if (name === "UNTIL" || name === "COUNT" || name === "DTSTART") return `${name} is added by the planner`;
    if (name === "TZID") return "TZID is not allowed: contacts use floating time";
    if (!(rrulePartNames as readonly string[]).includes(name)) return "a part name is not supported";
    if (seen.has(name)) return `${name} is given twice`;
    seen.add(name);
    if (!rrulePartPatterns[name as (typeof rrulePartNames)[number]].test(value)) {
      return name === "FREQ" ? "FREQ must be DAILY, WEEKLY, MONTHLY or YEARLY" : `${name} has a bad value`;
    }
  }
  if (!seen.has("FREQ")) return "FREQ is missing";
  return undefined;
}

/** A mentor-contact cadence: the body of an RRULE, see {@link cadenceProblem}. */
export const cadenceSchema = z.string().superRefine((value, ctx) => {
  const reason = cadenceProblem(value);
  if (reason !== undefined) addCatalogIssue(ctx, "rules_rrule_invalid", { reason });
});

/** A day relative to a solar term: the day the term begins plus `offsetDays`. */
export const solarTermAnchorSchema = z.strictObject({
  term: solarTermIdSchema,
  offsetDays: z.int().min(-60).max(60),
});
/** A day relative to a solar term. */
export type SolarTermAnchor = z.infer<typeof solarTermAnchorSchema>;

/** A busy farming season, when parents who work away come home (农忙, R13), by solar terms. */
export const farmingSeasonSchema = z.strictObject({
  id: idSchema,
  label: localizedLabelSchema,
  from: solarTermAnchorSchema,
  to: solarTermAnchorSchema,
});
/** A farming season. */
export type FarmingSeason = z.infer<typeof farmingSeasonSchema>;

const monthDaySchema = z.string().superRefine((value, ctx) => {
  const match = /^(\d{2})-(\d{2})$/.exec(value);
  const month = Number(match?.[1]);
  const day = Number(match?.[2]);
  const days = [0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month] ?? 0;
  if (!match || day < 1 || day > days) addCatalogIssue(ctx, "rules_campaign_date_invalid");
});

/**
 * A campaign period (集中性家访) a bureau sets for every school year, by month and day: the
 * first term's or the second's. Terms may also carry their own campaigns (`Term.campaigns`).
 */
export const campaignRuleSchema = z.strictObject({
  termIndex: z.union([z.literal(1), z.literal(2)]),
  from: monthDaySchema,
  to: monthDaySchema,
  name: z.string().max(100).optional(),
});
/** A yearly campaign period. */
export type CampaignRule = z.infer<typeof campaignRuleSchema>;

const visitCountSchema = z.int().min(0).max(50);

/**
 * The ids of the built-in rules, as they appear in `Obligation.ruleId`, `ruleIds` and
 * `TeacherObligation.ruleId`. A custom rule may not take one.
 */
export const obligationRuleIds = [
  "family_crisis",
  "new_student",
  "priority_per_term",
  "universal_yearly",
  "mentor_contact",
  "teacher_minimum",
  "principal_minimum",
] as const;
/** A built-in rule's id. */
export type ObligationRuleId = (typeof obligationRuleIds)[number];

/** How often a custom rule asks for an in-home visit. */
export const customRuleFrequencySchema = z.discriminatedUnion("per", [
  /** `visits` in-home visits each term, the days the rule applies split evenly between them. */
  z.strictObject({ per: z.literal("term"), visits: z.int().min(1).max(10) }),
  /** One in-home visit each school year, asked in every term until one since 1 September is on record. */
  z.strictObject({ per: z.literal("school_year") }),
  /** One in-home visit within `withinDays` of the day a category of the rule is flagged. */
  z.strictObject({ per: z.literal("flag"), withinDays: z.int().min(1).max(60) }),
]);
/** How often a custom rule asks for a visit. */
export type CustomRuleFrequency = z.infer<typeof customRuleFrequencySchema>;

/**
 * An obligation rule a city, county, school or plugin adds, as data: whom it applies to
 * (students in some categories — the seven or a plugin's —, of some grades, at schools of some
 * settings; every enrolled student when none is given), how often it asks for an in-home
 * visit, and its name, which starts the reason sentence of every obligation it makes. The id
 * is the obligation's `ruleId`; the kind (default `priority` for a rule with categories, else
 * `universal`) sets its urgency and where it stands when obligations merge.
 */
export const customObligationRuleSchema = z.strictObject({
  /** snake_case, 2–48 characters, not a built-in rule's id: `boarding_per_term`. */
  id: z.string().regex(/^[a-z][a-z0-9_]{1,47}$/),
  /** The rule's name, as the reason sentence shows it: `寄宿生每学期家访`. */
  label: localizedLabelSchema,
  /** `false` turns the rule off (a county can switch off a city's rule by its id). */
  enabled: z.boolean().optional(),
  kind: z.enum(["universal", "new_student", "priority", "crisis"]).optional(),
  /** Students with any of these categories active; the first active one names the obligation's category. */
  categories: z.array(categoryKeySchema).min(1).max(20).optional(),
  /** Students enrolled in these grades during the term. */
  grades: z.array(gradeSchema).min(1).max(15).optional(),
  /** Schools of these settings. */
  settings: z.array(settingSchema).min(1).max(3).optional(),
  frequency: customRuleFrequencySchema,
});
/** A custom obligation rule. */
export type CustomObligationRule = z.infer<typeof customObligationRuleSchema>;
/** A custom obligation rule as written (the same: no defaults are filled in). */
export type CustomObligationRuleInput = z.input<typeof customObligationRuleSchema>;

const customRulesSchema = z.array(customObligationRuleSchema).max(50);

const sections = {
  /** R2: every enrolled student gets at least one in-home visit per school year (普访). */
  universal: z.strictObject({ enabled: z.boolean() }),
  /** R3: a new student (新生) gets an in-home visit within the first weeks at the school. */
  newStudent: z.strictObject({ enabled: z.boolean(), weeks: z.int().min(1).max(26) }),
  /** R3, R5: each priority student gets in-home visits every term (重点家访). */
  priority: z.strictObject({
    enabled: z.boolean(),
    inHomeVisitsPerTerm: z.int().min(1).max(10),
    /** The categories that make a student a priority student for this rule. */
    categories: z.array(priorityCategorySchema).max(priorityCategories.length),
  }),
  /** R4(5): a priority student's mentor (德育导师) keeps in touch on a cadence. */
  mentorContact: z.strictObject({
    enabled: z.boolean(),
    cadence: cadenceSchema,
    /**
     * `true`: each contact is an in-home visit (the scheduler then needs a family slot and
     * travel). Default: a contact is a talk at school, a call or a message (channel `any`).
     */
    inHome: z.boolean().optional(),
  }),
  /** `family_crisis` (突发重大变故): a visit within days of the flag. */
  crisis: z.strictObject({ enabled: z.boolean(), days: z.int().min(1).max(60) }),
  /** R13: left-behind children in rural schools are visited when their parents are home. */
  rural: z.strictObject({
    enabled: z.boolean(),
    /** The school settings the rule applies to. */
    settings: z.array(settingSchema).max(3),
    springFestival: z.strictObject({
      enabled: z.boolean(),
      daysBefore: z.int().min(0).max(60),
      daysAfter: z.int().min(0).max(60),
    }),
    farmingSeasons: z.array(farmingSeasonSchema).max(12),
    /**
     * `preferred`: the visit should fall in a window when parents are home; `required`: it
     * must (the obligation's window becomes the first such window in reach).
     */
    placement: z.enum(["preferred", "required"]),
  }),
  /** R5: campaign periods (集中性家访), preferred for routine visits of every student. */
  campaigns: z.strictObject({ windows: z.array(campaignRuleSchema).max(10) }),
  /** R2, R6: every teacher, the principal included, carries visits every term. */
  teacher: z.strictObject({
    minimumVisitsPerTerm: visitCountSchema,
    /** A higher (or lower) minimum for a role; a teacher takes the highest of their roles. */
    minimumByRole: z.partialRecord(teacherRoleSchema, visitCountSchema),
    /** Roles that carry visits; staff with none of them (a pure school admin) carry none. */
    carryingRoles: z.array(teacherRoleSchema).max(teacherRoles.length),
  }),
  /** When two adults should go on a visit. */
  companion: z.strictObject({ remoteHomes: z.boolean(), crisis: z.boolean() }),
  /**
   * Rules beyond the guidance's, as data ({@link customObligationRuleSchema}). A level's list
   * merges into the list above by id: a rule with a new id is added, one with a known id
   * replaces that rule whole (`enabled: false` switches it off).
   */
  custom: customRulesSchema.optional(),
};

function checkRules(
  rules: { rural?: { farmingSeasons?: FarmingSeason[] } | undefined; custom?: CustomObligationRule[] | undefined },
  ctx: z.RefinementCtx,
  years: readonly number[],
): void {
  const ruleIds = new Set<string>();
  (rules.custom ?? []).forEach((rule, i) => {
    if ((obligationRuleIds as readonly string[]).includes(rule.id))
      addCatalogIssue(ctx, "rules_id_reserved", {}, ["custom", i, "id"]);
    else if (ruleIds.has(rule.id)) addCatalogIssue(ctx, "rules_duplicate_id", {}, ["custom", i, "id"]);
    ruleIds.add(rule.id);
    if (rule.frequency.per === "flag" && rule.categories === undefined)
      addCatalogIssue(ctx, "rules_flag_rule_needs_categories", {}, ["custom", i, "categories"]);
  });
  const seasons = rules.rural?.farmingSeasons ?? [];
  const ids = new Set<string>();
  seasons.forEach((season, i) => {
    if (ids.has(season.id)) addCatalogIssue(ctx, "rules_duplicate_id", {}, ["rural", "farmingSeasons", i]);
    ids.add(season.id);
    for (const year of years) {
      if (anchorDate(year, season.to) < anchorDate(year, season.from)) {
        addCatalogIssue(ctx, "rules_window_inverted", {}, ["rural", "farmingSeasons", i, "to"]);
        break;
      }
    }
  });
}

// Solar terms move by a day or two between years: check a season's order over a span of them.
const checkedYears = [2024, 2025, 2026, 2027, 2028, 2029, 2030];

/** A complete rule set, as {@link resolveObligationRules} returns it. */
export const obligationRulesSchema = z
  .strictObject(sections)
  .superRefine((rules, ctx) => checkRules(rules, ctx, checkedYears));
/** A complete rule set. */
export type ObligationRules = z.infer<typeof obligationRulesSchema>;

/**
 * What one level (city, county or school) changes: any section, any field. Objects merge
 * field by field over the level above; lists (categories, farming seasons, campaigns,
 * settings, carrying roles) replace the list above whole.
 */
export const obligationRulesOverrideSchema = z
  .strictObject({
    universal: sections.universal.partial(),
    newStudent: sections.newStudent.partial(),
    priority: sections.priority.partial(),
    mentorContact: sections.mentorContact.partial(),
    crisis: sections.crisis.partial(),
    rural: sections.rural.extend({ springFestival: sections.rural.shape.springFestival.partial() }).partial(),
    campaigns: sections.campaigns.partial(),
    teacher: sections.teacher.partial(),
    companion: sections.companion.partial(),
    custom: customRulesSchema,
  })
  .partial()
  .superRefine((rules, ctx) => checkRules(rules, ctx, checkedYears));
/** One level's changes to the rules. */
export type ObligationRulesOverride = z.infer<typeof obligationRulesOverrideSchema>;

/**
 * The rules of the guidance, used where no level says otherwise:
 * - universal: one in-home visit per student per school year (R2);
 * - new students: an in-home visit within 6 weeks of joining;
 * - priority students (all seven categories): 1 in-home visit per term, and a monthly mentor
 *   contact (`FREQ=MONTHLY`) while a category is active;
 * - `family_crisis`: an in-home visit within 7 days of the flag;
 * - R13 in rural and town schools (township schools are where most left-behind children
 *   study, and the guidance's 农村学校 covers them): the Spring Festival window from 10 days
 *   before to 15 days after 正月初一, and the busy seasons around 芒种 (−7…+7 days, summer
 *   harvest and planting) and 寒露 (−7…+7 days, autumn harvest), as preferred windows;
 * - no yearly campaign periods (schools put theirs on the term);
 * - every teacher, the principal included, carries at least 1 visit per term; a member of
 *   staff who is only a `school_admin` carries none;
 * - two adults go to remote homes and to crisis visits.
 */
export const defaultObligationRules: ObligationRules = {
  universal: { enabled: true },
  newStudent: { enabled: true, weeks: 6 },
  priority: { enabled: true, inHomeVisitsPerTerm: 1, categories: [...priorityCategories] },
  mentorContact: { enabled: true, cadence: "FREQ=MONTHLY" },
  crisis: { enabled: true, days: 7 },
  rural: {
    enabled: true,
    settings: ["rural", "town"],
    springFestival: { enabled: true, daysBefore: 10, daysAfter: 15 },
    farmingSeasons: [
      {
        id: "summer_busy",
        label: { "zh-CN": "夏收夏种（芒种前后）", en: "Summer harvest and planting (around Grain in Ear)" },
        from: { term: "mangzhong", offsetDays: -7 },
        to: { term: "mangzhong", offsetDays: 7 },
      },
      {
        id: "autumn_harvest",
        label: { "zh-CN": "秋收（寒露前后）", en: "Autumn harvest (around Cold Dew)" },
        from: { term: "hanlu", offsetDays: -7 },
        to: { term: "hanlu", offsetDays: 7 },
      },
    ],
    placement: "preferred",
  },
  campaigns: { windows: [] },
  teacher: {
    minimumVisitsPerTerm: 1,
    minimumByRole: {},
    carryingRoles: ["teacher", "class_teacher", "mentor", "principal"],
  },
  companion: { remoteHomes: true, crisis: true },
};

/**
 * The day a solar-term anchor falls on in a year.
 *
 * @example
 * ```ts
 * anchorDate(2026, { term: "mangzhong", offsetDays: -7 }); // "2026-05-29"
 * ```
 */
export function anchorDate(year: number, anchor: SolarTermAnchor): string {
  return addDays(solarTermDate(year, anchor.term), anchor.offsetDays);
}

/** A level's custom rules over the list above: new ids are added, known ids replaced in place. */
function mergeCustom(
  base: readonly CustomObligationRule[],
  level: readonly CustomObligationRule[],
): CustomObligationRule[] {
  const out = [...base];
  for (const rule of level) {
    const at = out.findIndex((r) => r.id === rule.id);
    if (at >= 0) out[at] = rule;
    else out.push(rule);
  }
  return out;
}

function mergeLevel(base: ObligationRules, level: ObligationRulesOverride): ObligationRules {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(level)) {
    if (value === undefined) continue;
    if (key === "custom") {
      out.custom = mergeCustom(base.custom ?? [], value as CustomObligationRule[]);
      continue;
    }
    const current = (base as unknown as Record<string, Record<string, unknown>>)[key] ?? {};
    const merged: Record<string, unknown> = { ...current };
    for (const [field, fieldValue] of Object.entries(value as Record<string, unknown>)) {
      if (fieldValue === undefined) continue;
      const existing = current[field];
      // One nested object (rural.springFestival) merges too; lists replace.
      merged[field] =
        existing && typeof existing === "object" && !Array.isArray(existing) && !Array.isArray(fieldValue)
          ? { ...(existing as object), ...(fieldValue as object) }
          : fieldValue;
    }
    out[key] = merged;
  }
  return out as ObligationRules;
}

/** The levels {@link resolveObligationRules} merges, each optional. */
export interface ObligationRuleLevels {
  city?: ObligationRulesOverride | undefined;
  county?: ObligationRulesOverride | undefined;
  school?: ObligationRulesOverride | undefined;
}

/**
 * The rules in force at a school: the school's changes over its county's, over its city's,
 * over {@link defaultObligationRules} (or `base`). Objects merge field by field; lists replace
 * the list above whole. Every level is validated; a bad one throws a `validation_failed`
 * `HomevisitError` whose issues carry the level in their path (`["county", "crisis", "days"]`),
 * all levels' problems at once.
 *
 * @example
 * ```ts
 * const rules = resolveObligationRules({
 *   city: { newStudent: { weeks: 8 } },
 *   county: { crisis: { days: 5 }, rural: { springFestival: { daysAfter: 20 } } },
 *   school: { newStudent: { weeks: 4 } },
 * });
 * rules.newStudent.weeks; // 4 (school over city)
 * rules.crisis.days; // 5
 * rules.rural.springFestival; // { enabled: true, daysBefore: 10, daysAfter: 20 }
 * ```
 */
export function resolveObligationRules(
  levels: ObligationRuleLevels = {},
  base: ObligationRules = defaultObligationRules,
): ObligationRules {
  const issues: ErrorIssue[] = [];
  let rules = base;
  const baseResult = obligationRulesSchema.safeParse(base);
  if (!baseResult.success) issues.push(...issuesFromZod(baseResult.error.issues, ["base"]));
  for (const name of ["city", "county", "school"] as const) {
    const level = levels[name];
    if (level === undefined) continue;
    const result = obligationRulesOverrideSchema.safeParse(level);
    if (!result.success) {
      issues.push(...issuesFromZod(result.error.issues, [name]));
      continue;
    }
    rules = mergeLevel(rules, result.data);
  }
  if (issues.length === 0) {
    const merged = obligationRulesSchema.safeParse(rules);
    if (!merged.success) issues.push(...issuesFromZod(merged.error.issues, ["merged"]));
    else rules = merged.data;
  }
  if (issues.length > 0) throw new HomevisitError("validation_failed", { issues });
  return rules;
}
