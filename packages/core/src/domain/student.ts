import * as z from "zod";
import { compiledSchema } from "../shared/compiled.js";
import { addCatalogIssue } from "../shared/errors/parse.js";
import { withLabel, withOptionLabels, withOwnLabel } from "../shared/field-labels.js";
import type { LocalizedText } from "../shared/i18n.js";
import {
  idSchema,
  isoDateSchema,
  localTimeSchema,
  personNameSchema,
  phoneSchema,
  shortTextSchema,
} from "../shared/primitives.js";
import { withSensitivity } from "../shared/sensitivity.js";
import { gradeSchema } from "./organisation.js";

/** Why an enrolment period began. */
export const enrolmentStartReasons = ["entry", "promotion", "transfer_in", "class_change", "return"] as const;
/** Why an enrolment period ended. */
export const enrolmentEndReasons = [
  "promotion",
  "class_change",
  "graduated",
  "transfer_out",
  "suspended",
  "left",
] as const;

/**
 * One period of a student in one class. A student's enrolments form the full history: a
 * transfer out ends the open period, a transfer in starts one at the new school; nothing is
 * overwritten.
 */
export const enrolmentSchema = z
  .strictObject({
    schoolId: idSchema,
    classId: idSchema,
    grade: gradeSchema,
    from: isoDateSchema,
    /** The last day of the period; absent while it is current. */
    to: isoDateSchema.optional(),
    startReason: z.enum(enrolmentStartReasons),
    endReason: z.enum(enrolmentEndReasons).optional(),
  })
  .superRefine((e, ctx) => {
    if (e.to !== undefined && e.to < e.from) addCatalogIssue(ctx, "date_range_inverted", {}, ["to"]);
  });
/** One enrolment period. */
export type Enrolment = z.infer<typeof enrolmentSchema>;

/** A guardian's relation to the student. */
export const guardianRelations = [
  "father",
  "mother",
  "paternal_grandfather",
  "paternal_grandmother",
  "maternal_grandfather",
  "maternal_grandmother",
  "sibling",
  "other_relative",
  "foster_parent",
  "other",
] as const;

/** The words for each guardian relation. */
export const guardianRelationLabels: Readonly<Record<(typeof guardianRelations)[number], LocalizedText>> = {
  father: { "zh-CN": "父亲", en: "Father" },
  mother: { "zh-CN": "母亲", en: "Mother" },
  paternal_grandfather: { "zh-CN": "祖父", en: "Grandfather (father's side)" },
  paternal_grandmother: { "zh-CN": "祖母", en: "Grandmother (father's side)" },
  maternal_grandfather: { "zh-CN": "外祖父", en: "Grandfather (mother's side)" },
  maternal_grandmother: { "zh-CN": "外祖母", en: "Grandmother (mother's side)" },
  sibling: { "zh-CN": "兄弟姐妹", en: "Sibling" },
  other_relative: { "zh-CN": "其他亲属", en: "Other relative" },
  foster_parent: { "zh-CN": "寄养家长", en: "Foster parent" },
  other: { "zh-CN": "其他", en: "Other" },
};

/** A guardian's relation to the student, with the words for each relation. */
export const guardianRelationSchema = withOptionLabels(
  withLabel(z.enum(guardianRelations), { "zh-CN": "与学生关系", en: "Relation" }),
  guardianRelationLabels,
);

/** A parent or other guardian (监护人). */
export const guardianSchema = z.strictObject({
  id: idSchema,
  name: withOwnLabel(personNameSchema, { "zh-CN": "监护人姓名", en: "Guardian's name" }),
  relation: guardianRelationSchema,
  phone: withLabel(phoneSchema.optional(), { "zh-CN": "联系电话", en: "Phone" }),
  /** The guardian to call first to agree a visit (R12). */
  primary: withLabel(z.boolean().default(false), { "zh-CN": "首选联系人", en: "First to call" }),
  /** Whether this guardian lives with the child. */
  livesWithStudent: withLabel(z.boolean(), { "zh-CN": "与学生同住", en: "Lives with the student" }),
  /** Works away from home (外出务工): a parent of a left-behind child (R13). */
  worksAway: withLabel(withSensitivity(z.boolean().default(false), "sensitive"), {
    "zh-CN": "外出务工",
    en: "Works away from home",
  }),
});
/** A guardian. */
export type Guardian = z.infer<typeof guardianSchema>;

/** Coordinates in WGS-84 degrees. Precise location of a child's home: sensitive. */
export const coordinatesSchema = withSensitivity(
  z.strictObject({ lat: z.number().min(-90).max(90), lng: z.number().min(-180).max(180) }),
  "sensitive",
);

/**
 * Where the student lives. Lists show it to the town/village only (RELIABILITY.md 3); the
 * street detail and coordinates are for the visiting teacher.
 */
export const homeAddressSchema = withLabel(
  z.strictObject({
    /** County or district name. */
    county: withLabel(shortTextSchema.min(1), { "zh-CN": "县（市、区）", en: "County" }),
    /** Town or subdistrict (乡镇/街道). */
    town: withLabel(shortTextSchema.min(1), { "zh-CN": "乡镇（街道）", en: "Town" }),
    /** Village or residential community (村/社区). */
    village: withLabel(shortTextSchema.min(1), { "zh-CN": "村（社区）", en: "Village" }),
    /** House number, building, room: personal. */
    detail: withLabel(withSensitivity(shortTextSchema.optional(), "personal"), {
      "zh-CN": "详细地址",
      en: "Address detail",
    }),
    coordinates: withLabel(coordinatesSchema.optional(), { "zh-CN": "位置坐标", en: "Coordinates" }),
    /** One-way travel time from the school in minutes, a hint for scheduling. */
    travelMinutes: withLabel(z.int().min(0).max(600).optional(), {
      "zh-CN": "单程用时（分钟）",
      en: "One-way travel (minutes)",
    }),
    /** Remote enough that visits need two adults (see planning rules). */
    remote: withLabel(z.boolean().default(false), { "zh-CN": "偏远", en: "Remote" }),
  }),
  { "zh-CN": "家庭住址", en: "Home address" },
);
/** A home address. */
export type HomeAddress = z.infer<typeof homeAddressSchema>;

/** With whom the child lives; left-behind children often live with grandparents. */
export const livesWithOptions = [
  "both_parents",
  "mother",
  "father",
  "grandparents",
  "other_relatives",
  "foster_family",
  "boarding_school",
  "alone",
] as const;

/** The words for whom a child lives with. */
export const livesWithLabels: Readonly<Record<(typeof livesWithOptions)[number], LocalizedText>> = {
  both_parents: { "zh-CN": "父母双方", en: "Both parents" },
  mother: { "zh-CN": "母亲", en: "Mother" },
  father: { "zh-CN": "父亲", en: "Father" },
  grandparents: { "zh-CN": "祖辈", en: "Grandparents" },
  other_relatives: { "zh-CN": "其他亲属", en: "Other relatives" },
  foster_family: { "zh-CN": "寄养家庭", en: "Foster family" },
  boarding_school: { "zh-CN": "寄宿学校", en: "Boarding school" },
  alone: { "zh-CN": "独自生活", en: "Alone" },
};
/** Whom a child lives with, labelled, with the words for each answer. */
export const livesWithSchema = withOptionLabels(
  withLabel(z.enum(livesWithOptions), { "zh-CN": "与谁同住", en: "Lives with" }),
  livesWithLabels,
);

/** The child's living situation. */
export const livingSituationSchema = withLabel(
  withSensitivity(
    z.strictObject({
      livesWith: livesWithSchema,
      /** Parents working away from home (both or one). */
      parentsAway: withLabel(z.enum(["none", "one", "both"]).default("none"), {
        "zh-CN": "父母外出务工",
        en: "Parents away",
      }),
      note: withLabel(z.string().max(1000).optional(), { "zh-CN": "说明", en: "Note" }),
    }),
    "sensitive",
  ),
  { "zh-CN": "生活状况", en: "Living situation" },
);
/** The child's living situation. */
export type LivingSituation = z.infer<typeof livingSituationSchema>;

/** Days of the week, ISO numbering (1 = Monday … 7 = Sunday). */
export const weekdaySchema = z.int().min(1).max(7);

/** A time the family said suits a visit (R12), e.g. weekday evenings. */
export const availabilityWindowSchema = z
  .strictObject({
    weekdays: z.array(weekdaySchema).min(1).max(7),
    from: localTimeSchema,
    to: localTimeSchema,
  })
  .superRefine((w, ctx) => {
    if (w.to <= w.from) addCatalogIssue(ctx, "date_range_inverted", {}, ["to"]);
  });
/** A family's stated availability. */
export type AvailabilityWindow = z.infer<typeof availabilityWindowSchema>;

function byFrom(a: { from: string }, b: { from: string }): number {
  return a.from < b.from ? -1 : a.from > b.from ? 1 : 0;
}

function inDateOrder(enrolments: readonly { from: string }[]): boolean {
  for (let i = 1; i < enrolments.length; i++) {
    if ((enrolments[i] as { from: string }).from < (enrolments[i - 1] as { from: string }).from) return false;
  }
  return true;
}

/** A student, with enrolment history, guardians, address and living situation. */
export const studentSchema = compiledSchema(
  z
    .strictObject({
      id: idSchema,
      /** The current (or last) school: the tenant key. */
      schoolId: idSchema,
      name: withOwnLabel(personNameSchema, { "zh-CN": "学生姓名", en: "Student's name" }),
      gender: withLabel(withSensitivity(z.enum(["female", "male"]).optional(), "personal"), {
        "zh-CN": "性别",
        en: "Gender",
      }),
      /** For the under-14 consent rules (PIPL art. 28, 31); its own copy, so no other date turns personal. */
      dateOfBirth: withLabel(withSensitivity(isoDateSchema.clone(), "personal"), {
        "zh-CN": "出生日期",
        en: "Date of birth",
      }),
      enrolments: withLabel(z.array(enrolmentSchema).min(1).max(40), { "zh-CN": "学籍记录", en: "Enrolments" }),
      guardians: withLabel(z.array(guardianSchema).min(1).max(8), { "zh-CN": "监护人", en: "Guardians" }),
      address: homeAddressSchema,
      livingSituation: livingSituationSchema,
      /** When the family said visits suit them; empty means "ask". */
      availability: withLabel(z.array(availabilityWindowSchema).max(14).default([]), {
        "zh-CN": "方便家访的时间",
        en: "When visits suit the family",
      }),
    })
    .superRefine((s, ctx) => {
      // Dates here are valid `YYYY-MM-DD` texts (the refinement runs only on a parsed record),
      // so comparing code units orders them as the calendar does, without the cost of
      // `localeCompare`; most histories are in order already and need no sorted copy.
      const sorted = inDateOrder(s.enrolments) ? s.enrolments : [...s.enrolments].sort(byFrom);
      for (let i = 1; i < sorted.length; i++) {
        const previous = sorted[i - 1];
        const current = sorted[i];
        if (previous && current && (previous.to === undefined || previous.to >= current.from)) {
          addCatalogIssue(ctx, "enrolments_overlap", {}, ["enrolments", s.enrolments.indexOf(current)]);
        }
      }
      let primaries = 0;
      for (const g of s.guardians) if (g.primary) primaries++;
      if (primaries > 1) addCatalogIssue(ctx, "primary_guardian_count", {}, ["guardians"]);
    }),
);
/** A student. */
export type Student = z.infer<typeof studentSchema>;
/** A student as a caller writes it (defaults not yet applied). */
export type StudentInput = z.input<typeof studentSchema>;

/**
 * The enrolment in force on a date, if any.
 *
 * @example
 * ```ts
 * currentEnrolment(student, "2026-10-01")?.classId; // "c-7-3"
 * ```
 */
export function currentEnrolment(student: Pick<Student, "enrolments">, date: string): Enrolment | undefined {
  return student.enrolments.find((e) => e.from <= date && (e.to === undefined || e.to >= date));
}

/**
 * Age in whole years on a date.
 *
 * @example
 * ```ts
 * ageOn("2013-05-20", "2027-05-19"); // 13
 * ageOn("2013-05-20", "2027-05-20"); // 14
 * ```
 */
export function ageOn(dateOfBirth: string, date: string): number {
  const years = Number(date.slice(0, 4)) - Number(dateOfBirth.slice(0, 4));
  return date.slice(5) < dateOfBirth.slice(5) ? years - 1 : years;
}

/**
 * Whether a child is under 14 on a date: everything about such a child is sensitive personal
 * information under PIPL art. 28, and recording categories needs guardian consent.
 *
 * @example
 * ```ts
 * isUnder14("2013-05-20", "2027-05-19"); // true
 * ```
 */
export function isUnder14(dateOfBirth: string, date: string): boolean {
  return ageOn(dateOfBirth, date) < 14;
}
