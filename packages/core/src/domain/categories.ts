import * as z from "zod";
import { compiledSchema } from "../shared/compiled.js";
import { nextDay, previousDay } from "../shared/dates.js";
import { addCatalogIssue } from "../shared/errors/parse.js";
import { withOptionLabels } from "../shared/field-labels.js";
import type { LocalizedText } from "../shared/i18n.js";
import { idSchema, instantSchema, isoDateSchema, noteSchema, shortTextSchema } from "../shared/primitives.js";
import { withSensitivity } from "../shared/sensitivity.js";
import { defaultEntryGrades, type School, schoolYearOf, schoolYearStart } from "./organisation.js";
import type { Student } from "./student.js";

/** The seven priority categories (七类学生) of R3, in the guidance's order. */
export const priorityCategories = [
  "economic_hardship",
  "learning_difficulty",
  "major_change",
  "left_behind_or_single_parent",
  "migrant_worker_child",
  "disability",
  "family_crisis",
] as const;

/** The name of each priority category, as the guidance writes it. */
export const priorityCategoryLabels: Readonly<Record<(typeof priorityCategories)[number], LocalizedText>> = {
  economic_hardship: { "zh-CN": "经济困难家庭学生", en: "Family in economic difficulty" },
  learning_difficulty: { "zh-CN": "学习困难学生", en: "Learning difficulties" },
  major_change: { "zh-CN": "思想和学业上有重大变化的学生", en: "Major change in thinking or grades" },
  left_behind_or_single_parent: { "zh-CN": "留守儿童或单亲家庭学生", en: "Left-behind child or single-parent family" },
  migrant_worker_child: { "zh-CN": "进城务工随迁子女", en: "Child of migrant workers" },
  disability: { "zh-CN": "残疾学生", en: "Disabled student" },
  family_crisis: { "zh-CN": "突发重大变故家庭学生", en: "Family hit by a sudden major event" },
};
/** One of the seven priority categories. Sensitive personal information about a minor. */
export const priorityCategorySchema = withOptionLabels(
  withSensitivity(z.enum(priorityCategories), "sensitive"),
  priorityCategoryLabels,
);
/** One of the seven priority categories. */
export type PriorityCategory = z.infer<typeof priorityCategorySchema>;

/**
 * The shape of a category key: snake_case, 2–48 characters. The seven of R3 have it, and so must
 * every category a plugin adds (`boarding_left_behind`).
 */
export const categoryKeyPattern = /^[a-z][a-z0-9_]{1,47}$/;

/**
 * Any well-formed category key: one of the seven or one a plugin adds. Storage accepts every
 * well-formed key (it cannot know an engine's plugins); the engine accepts only the keys of its
 * registry (see {@link categoryFlagSchemaFor}). Sensitive, like the seven.
 */
export const categoryKeySchema = withSensitivity(z.string().regex(categoryKeyPattern), "sensitive");
/** A category key: one of the seven, or a plugin's. */
export type CategoryKey = z.infer<typeof categoryKeySchema>;

function flagSchemaWith<C extends z.ZodType<string, string>>(category: C) {
  return compiledSchema(
    z
      .strictObject({
        id: idSchema,
        studentId: idSchema,
        category,
        /** The first day the category applies. */
        validFrom: isoDateSchema,
        /** The last day it applies, when known in advance. */
        validTo: isoDateSchema.optional(),
        /** Why: what was seen or documented. Sensitive. */
        evidence: noteSchema.pipe(z.string().min(1)),
        flaggedBy: idSchema,
        flaggedAt: instantSchema,
        /** When the flag should be looked at again. */
        reviewOn: isoDateSchema.optional(),
        /** Set when the flag was withdrawn; it then stops applying on `revokedOn`. */
        revokedOn: isoDateSchema.optional(),
        revokedBy: idSchema.optional(),
        revokeReason: withSensitivity(shortTextSchema.optional(), "sensitive"),
      })
      .superRefine((f, ctx) => {
        if (f.validTo !== undefined && f.validTo < f.validFrom)
          addCatalogIssue(ctx, "date_range_inverted", {}, ["validTo"]);
        if (f.revokedOn !== undefined && f.revokedBy === undefined) {
          ctx.addIssue({ code: "invalid_type", expected: "string", path: ["revokedBy"], input: undefined });
        }
      }),
  );
}

/**
 * One flag of a student in a category: valid from a date, until a date or until revoked,
 * with the evidence and who decided. Flags are never edited in place: a correction revokes
 * a flag and adds another, so the history shows who knew what when. Only the seven categories
 * of R3: the default for hosts without plugin categories.
 */
export const categoryFlagSchema = flagSchemaWith(priorityCategorySchema);
/** One category flag. */
export type CategoryFlag = z.infer<typeof categoryFlagSchema>;

/**
 * A category flag as storage keeps it: any well-formed category key, so that plugin categories
 * can be stored. Storage validates with this schema; the engine checks the key against its
 * plugin registry before writing.
 */
export const storedCategoryFlagSchema = flagSchemaWith(categoryKeySchema);
/** A category flag as stored: the seven or a plugin's category. */
export type StoredCategoryFlag = z.infer<typeof storedCategoryFlagSchema>;

/**
 * A flag schema that accepts exactly the given category keys: the engine builds one from the
 * seven and its plugins' categories. An empty list is refused (there are always the seven).
 *
 * @example
 * ```ts
 * const schema = categoryFlagSchemaFor([...priorityCategories, "boarding_left_behind"]);
 * schema.safeParse({ ...flag, category: "boarding_left_behind" }).success; // true
 * schema.safeParse({ ...flag, category: "only_child" }).success; // false
 * ```
 */
export function categoryFlagSchemaFor(keys: readonly string[]) {
  return flagSchemaWith(categoryKeyEnum(keys));
}

/**
 * An enum schema of category keys (sensitive), for inputs that must name a registered category.
 * Throws a `TypeError` for an empty list or a malformed key: a programming error at start-up.
 *
 * @example
 * ```ts
 * categoryKeyEnum(["family_crisis", "boarding_left_behind"]).parse("family_crisis"); // "family_crisis"
 * ```
 */
export function categoryKeyEnum(keys: readonly string[]) {
  const [first, ...rest] = keys;
  if (first === undefined) throw new TypeError("categoryKeyEnum needs at least one key");
  for (const key of keys) {
    if (!categoryKeyPattern.test(key)) throw new TypeError(`malformed category key: ${key}`);
  }
  return withSensitivity(z.enum([first, ...rest]), "sensitive");
}

/** A category in force on a date, with since when and why. */
export interface ActiveCategory<F extends StoredCategoryFlag = CategoryFlag> {
  category: F["category"];
  /** The first day of the unbroken period that contains the date. */
  since: string;
  /** The last known day of that period, if it is bounded. */
  until: string | undefined;
  /** The flag in force on the date: its evidence, who flagged, when to review. */
  flag: F;
  /** True when the flag's review date has passed on the date asked about. */
  reviewOverdue: boolean;
}

/**
 * The last day a flag applies: the earlier of `validTo` and the day before `revokedOn`;
 * `undefined` while it is open-ended.
 *
 * @example
 * ```ts
 * flagEnd({ ...flag, validTo: "2027-01-31", revokedOn: "2026-12-01" }); // "2026-11-30"
 * ```
 */
export function flagEnd(flag: StoredCategoryFlag): string | undefined {
  const revokedEnd = flag.revokedOn === undefined ? undefined : previousDay(flag.revokedOn);
  if (flag.validTo === undefined) return revokedEnd;
  if (revokedEnd === undefined) return flag.validTo;
  return revokedEnd < flag.validTo ? revokedEnd : flag.validTo;
}

function applies(flag: StoredCategoryFlag, date: string): boolean {
  const end = flagEnd(flag);
  return flag.validFrom <= date && (end === undefined || date <= end);
}

/**
 * Which categories apply to a student on a date, since when and why. Consecutive or
 * overlapping flags of one category make one period, so `since` is when the category began,
 * not when the latest flag was written. The seven come first in the guidance's order, then
 * plugin categories by key.
 *
 * @example
 * ```ts
 * const flags = [
 *   { id: "f1", studentId: "s1", category: "family_crisis", validFrom: "2026-10-08",
 *     evidence: "父亲重病住院", flaggedBy: "t1", flaggedAt: "2026-10-08T09:00:00+08:00" },
 * ];
 * categoriesAt(flags, "2026-11-01");
 * // [{ category: "family_crisis", since: "2026-10-08", until: undefined, flag: flags[0], reviewOverdue: false }]
 * categoriesAt(flags, "2026-10-01"); // []
 * ```
 */
export function categoriesAt<F extends StoredCategoryFlag = CategoryFlag>(
  flags: readonly F[],
  date: string,
): ActiveCategory<F>[] {
  const result: ActiveCategory<F>[] = [];
  const builtIn: readonly string[] = priorityCategories;
  const extra = [...new Set(flags.map((f) => f.category))].filter((c) => !builtIn.includes(c)).sort();
  for (const category of [...builtIn, ...extra]) {
    const own = flags.filter((f) => f.category === category);
    const current = own
      .filter((f) => applies(f, date))
      .sort((a, b) => b.validFrom.localeCompare(a.validFrom) || b.flaggedAt.localeCompare(a.flaggedAt))[0];
    if (!current) continue;
    // Walk back over flags that cover or touch the start of the current period.
    let since = current.validFrom;
    let until = flagEnd(current);
    let extended = true;
    while (extended) {
      extended = false;
      for (const f of own) {
        const end = flagEnd(f);
        if (f.validFrom < since && (end === undefined || end >= previousDay(since))) {
          since = f.validFrom;
          extended = true;
        }
        if (
          until !== undefined &&
          f.validFrom <= nextDay(until) &&
          f.validFrom >= since &&
          (end === undefined || end > until)
        ) {
          until = end;
          extended = true;
        }
      }
    }
    result.push({
      category: current.category,
      since,
      until,
      flag: current,
      reviewOverdue: current.reviewOn !== undefined && current.reviewOn < date,
    });
  }
  return result;
}

/**
 * Whether a student is a priority student (in any category) on a date.
 *
 * @example
 * ```ts
 * isPriorityStudent(flags, "2026-11-01"); // true
 * ```
 */
export function isPriorityStudent(flags: readonly StoredCategoryFlag[], date: string): boolean {
  return categoriesAt(flags, date).length > 0;
}

/** Why a student counts as new (新生) at a school. */
export type NewStudentReason = "entry_grade" | "transfer_in";

/** The answer of {@link newStudentStatus}. */
export type NewStudentStatus =
  | { isNew: false }
  | { isNew: true; reason: NewStudentReason; since: string; schoolYear: number };

/**
 * Whether a student is a new student (新生: in the first school year at the school) on a date,
 * and why: joined at one of the school's entry grades, or transferred in at another grade.
 * Enrolment periods at the same school that follow on without a gap count as one stay.
 *
 * @example
 * ```ts
 * // enrolled in grade 7 at a junior school on 2026-09-01
 * newStudentStatus(student, school, "2026-10-15");
 * // { isNew: true, reason: "entry_grade", since: "2026-09-01", schoolYear: 2026 }
 * newStudentStatus(student, school, "2027-09-10"); // { isNew: false }
 * ```
 */
export function newStudentStatus(
  student: Pick<Student, "enrolments">,
  school: Pick<School, "id" | "kind" | "entryGrades">,
  date: string,
): NewStudentStatus {
  // The enrolments at the school begun by `date`, in date order. They usually come in date
  // order already: then the student's own list is walked in place, skipping the others;
  // otherwise a sorted copy of them is walked.
  const counts = (e: (typeof student.enrolments)[number]): boolean => e.schoolId === school.id && e.from <= date;
  let ordered = true;
  let lastFrom: string | undefined;
  for (const e of student.enrolments) {
    if (!counts(e)) continue;
    if (lastFrom !== undefined && lastFrom > e.from) {
      ordered = false;
      break;
    }
    lastFrom = e.from;
  }
  const list = ordered
    ? student.enrolments
    : student.enrolments.filter(counts).sort((a, b) => a.from.localeCompare(b.from));
  let at = -1;
  for (let i = 0; i < list.length; i++) {
    const e = list[i] as (typeof list)[number];
    if (counts(e) && (e.to === undefined || e.to >= date)) {
      at = i;
      break;
    }
  }
  const current = list[at];
  if (!current) return { isNew: false };
  // The start of the unbroken stay that includes the current period. Walking back only moves
  // it earlier: once it is before this school year began, the student is not new, and the
  // rest of a long stay (a nine-year pupil's) need not be walked.
  const schoolYear = schoolYearOf(date);
  const yearStart = schoolYearStart(schoolYear);
  let start = current;
  for (let i = at - 1; i >= 0; i--) {
    const previous = list[i];
    if (previous && !counts(previous)) continue;
    if (!previous || previous.to === undefined || nextDay(previous.to) < start.from) break;
    start = previous;
    if (start.from < yearStart) return { isNew: false };
  }
  if (schoolYearOf(start.from) !== schoolYear) return { isNew: false };
  const entryGrades = school.entryGrades ?? defaultEntryGrades(school.kind);
  return {
    isNew: true,
    reason: entryGrades.includes(start.grade) && start.startReason !== "transfer_in" ? "entry_grade" : "transfer_in",
    since: start.from,
    schoolYear,
  };
}
