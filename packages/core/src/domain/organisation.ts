import * as z from "zod";
import { compiledSchema } from "../shared/compiled.js";
import { addCatalogIssue } from "../shared/errors/parse.js";
import { withLabel, withOptionLabels, withOwnLabel } from "../shared/field-labels.js";
import { idSchema, isoDateSchema, personNameSchema, phoneSchema, shortTextSchema } from "../shared/primitives.js";
import { withSensitivity } from "../shared/sensitivity.js";

/**
 * R1: city bureau → county/district bureaus → schools (kindergartens included) → grades and
 * classes → students. Every row below a city carries the keys of its tenants (`cityId`,
 * `countyId`, `schoolId`) so storage can scope and shard by them.
 */

/** A city and its education bureau (市教育局). */
export const citySchema = compiledSchema(
  z.strictObject({
    id: idSchema,
    name: withLabel(shortTextSchema.min(1), { "zh-CN": "市名称", en: "City name" }),
  }),
);
/** A city. */
export type City = z.infer<typeof citySchema>;

/** Whether a county or school is urban, town or rural; rural timing rules (R13) key on it. */
export const settingSchema = withOptionLabels(z.enum(["urban", "town", "rural"]), {
  urban: { "zh-CN": "城区", en: "Urban" },
  town: { "zh-CN": "城镇", en: "Town" },
  rural: { "zh-CN": "农村", en: "Rural" },
});
/** Urban, town or rural. */
export type Setting = z.infer<typeof settingSchema>;

/** A county, county-level city or district and its education bureau (县（市、区）教育局). */
export const countySchema = compiledSchema(
  z.strictObject({
    id: idSchema,
    cityId: idSchema,
    name: withLabel(shortTextSchema.min(1), { "zh-CN": "县（市、区）名称", en: "County name" }),
    setting: withOwnLabel(settingSchema, { "zh-CN": "城乡类型", en: "Setting" }),
  }),
);
/** A county or district. */
export type County = z.infer<typeof countySchema>;

/** Kinds of school the programme covers (中小学校、幼儿园). */
export const schoolKinds = ["kindergarten", "primary", "junior", "senior", "nine_year", "twelve_year"] as const;
/** The kind of a school. */
export const schoolKindSchema = withOptionLabels(z.enum(schoolKinds), {
  kindergarten: { "zh-CN": "幼儿园", en: "Kindergarten" },
  primary: { "zh-CN": "小学", en: "Primary school" },
  junior: { "zh-CN": "初级中学", en: "Junior secondary school" },
  senior: { "zh-CN": "高级中学", en: "Senior secondary school" },
  nine_year: { "zh-CN": "九年一贯制学校", en: "Nine-year school" },
  twelve_year: { "zh-CN": "十二年一贯制学校", en: "Twelve-year school" },
});
/** The kind of a school. */
export type SchoolKind = z.infer<typeof schoolKindSchema>;

/**
 * A grade as a number: kindergarten 小班/中班/大班 are -2, -1, 0; primary 1–6; junior 7–9;
 * senior 10–12. One number line lets nine-year and twelve-year schools span stages.
 */
export const gradeSchema = z.int().min(-2).max(12);
/** A grade number, see {@link gradeSchema}. */
export type Grade = z.infer<typeof gradeSchema>;

const gradeRanges: Record<SchoolKind, readonly [Grade, Grade]> = {
  kindergarten: [-2, 0],
  primary: [1, 6],
  junior: [7, 9],
  senior: [10, 12],
  nine_year: [1, 9],
  twelve_year: [1, 12],
};

/**
 * The grades a school of a kind teaches.
 *
 * @example
 * ```ts
 * gradesOf("nine_year"); // [1, 2, 3, 4, 5, 6, 7, 8, 9]
 * ```
 */
export function gradesOf(kind: SchoolKind): Grade[] {
  const [from, to] = gradeRanges[kind];
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

/**
 * The grades at which students usually join a school of a kind: its first grade. A school
 * may list more in `School.entryGrades` (a nine-year school that also takes grade 7).
 *
 * @example
 * ```ts
 * defaultEntryGrades("junior"); // [7]
 * defaultEntryGrades("kindergarten"); // [-2]
 * ```
 */
export function defaultEntryGrades(kind: SchoolKind): Grade[] {
  return [gradeRanges[kind][0]];
}

/**
 * The label of a grade in Chinese and English.
 *
 * @example
 * ```ts
 * gradeLabel(7); // { "zh-CN": "七年级", en: "Grade 7" }
 * gradeLabel(10); // { "zh-CN": "高一年级", en: "Grade 10" }
 * gradeLabel(-2); // { "zh-CN": "小班", en: "Nursery (small class)" }
 * ```
 */
export function gradeLabel(grade: Grade): { "zh-CN": string; en: string } {
  const kindergarten: Record<number, { "zh-CN": string; en: string }> = {
    [-2]: { "zh-CN": "小班", en: "Nursery (small class)" },
    [-1]: { "zh-CN": "中班", en: "Nursery (middle class)" },
    0: { "zh-CN": "大班", en: "Nursery (senior class)" },
  };
  // Senior grades are called 高一–高三 in Chinese schools, never 十年级.
  const zhNames = ["", "一", "二", "三", "四", "五", "六", "七", "八", "九", "高一", "高二", "高三"];
  return kindergarten[grade] ?? { "zh-CN": `${zhNames[grade]}年级`, en: `Grade ${grade}` };
}

/** A school or kindergarten. */
export const schoolSchema = compiledSchema(
  z
    .strictObject({
      id: idSchema,
      cityId: idSchema,
      countyId: idSchema,
      name: withLabel(shortTextSchema.min(1), { "zh-CN": "学校名称", en: "School name" }),
      kind: withOwnLabel(schoolKindSchema, { "zh-CN": "学校类型", en: "Kind of school" }),
      setting: withOwnLabel(settingSchema, { "zh-CN": "城乡类型", en: "Setting" }),
      /** Grades at which students join; defaults to the kind's first grade. */
      entryGrades: withLabel(z.array(gradeSchema).min(1).max(13).optional(), {
        "zh-CN": "起始年级",
        en: "Entry grades",
      }),
      /** Town (乡镇/街道) of the school, used for travel estimates. */
      town: withLabel(shortTextSchema.optional(), { "zh-CN": "乡镇", en: "Town" }),
    })
    .superRefine((school, ctx) => {
      const allowed = new Set(gradesOf(school.kind));
      school.entryGrades?.forEach((g, i) => {
        if (!allowed.has(g)) {
          addCatalogIssue(ctx, "grade_not_taught", { grade: g, kind: school.kind }, ["entryGrades", i]);
        }
      });
    }),
);
/** A school or kindergarten. */
export type School = z.infer<typeof schoolSchema>;

/** A class (班级) of a school in one school year. */
export const schoolClassSchema = compiledSchema(
  z.strictObject({
    id: idSchema,
    schoolId: idSchema,
    grade: withOwnLabel(gradeSchema, { "zh-CN": "年级", en: "Grade" }),
    /** The class's name as the school writes it, e.g. `七(3)班`. */
    name: withLabel(shortTextSchema.min(1), { "zh-CN": "班级名称", en: "Class name" }),
    /** The school year the class is in, by its starting year (2026 for 2026/27). */
    schoolYear: withLabel(z.int().min(2000).max(2100), { "zh-CN": "学年", en: "School year" }),
    /** The class teacher (班主任). */
    classTeacherId: idSchema.optional(),
  }),
);
/** A class. */
export type SchoolClass = z.infer<typeof schoolClassSchema>;

/**
 * Roles of school staff. Every teacher takes part (R2); the principal is a teacher with extra
 * duties and must visit too (R6).
 */
export const teacherRoles = ["teacher", "class_teacher", "mentor", "principal", "school_admin"] as const;
/** A school staff role. */
export const teacherRoleSchema = z.enum(teacherRoles);
/** A school staff role. */
export type TeacherRole = z.infer<typeof teacherRoleSchema>;

/** A teacher of a school, the principal included. */
export const teacherSchema = compiledSchema(
  z.strictObject({
    id: idSchema,
    schoolId: idSchema,
    name: personNameSchema,
    roles: z.array(teacherRoleSchema).min(1).max(teacherRoles.length),
    /** Subjects taught, free text as the school names them (语文, 数学, …). */
    subjects: z.array(shortTextSchema.min(1)).max(20).default([]),
    /** Classes the teacher teaches (not only leads). */
    classIds: z.array(idSchema).max(100).default([]),
    phone: phoneSchema.optional(),
    /** The first day at the school. */
    joinedOn: isoDateSchema.optional(),
    /** The last day at the school; a teacher who left carries no new visits. */
    leftOn: isoDateSchema.optional(),
    /** The most visits this teacher should carry in a term; the school's default otherwise. */
    termCapacity: z.int().min(0).max(500).optional(),
  }),
);
/** A teacher. */
export type Teacher = z.infer<typeof teacherSchema>;

/** Roles of bureau staff: they see aggregates, never a child's record (RELIABILITY.md 1). */
export const bureauRoles = ["county_bureau", "city_bureau"] as const;
/** A bureau role. */
export const bureauRoleSchema = z.enum(bureauRoles);
/** A bureau role. */
export type BureauRole = z.infer<typeof bureauRoleSchema>;

/** A member of a county or city education bureau's staff. */
export const bureauStaffSchema = compiledSchema(
  z
    .strictObject({
      id: idSchema,
      name: personNameSchema,
      role: bureauRoleSchema,
      cityId: idSchema,
      /** Required for county staff: the county they supervise. */
      countyId: idSchema.optional(),
      phone: withSensitivity(phoneSchema.optional(), "personal"),
    })
    .superRefine((s, ctx) => {
      if (s.role === "county_bureau" && s.countyId === undefined)
        addCatalogIssue(ctx, "county_required", {}, ["countyId"]);
    }),
);
/** A member of bureau staff. */
export type BureauStaff = z.infer<typeof bureauStaffSchema>;

/**
 * The school year a date falls in, by its starting year: a school year runs from 1 September
 * to 31 August.
 *
 * @example
 * ```ts
 * schoolYearOf("2027-03-01"); // 2026
 * schoolYearOf("2026-09-01"); // 2026
 * ```
 */
export function schoolYearOf(date: string): number {
  const year = Number(date.slice(0, 4));
  const month = Number(date.slice(5, 7));
  return month >= 9 ? year : year - 1;
}

/**
 * The first day of a school year (1 September of its starting year).
 *
 * @example
 * ```ts
 * schoolYearStart(2026); // "2026-09-01"
 * ```
 */
export function schoolYearStart(schoolYear: number): string {
  return `${schoolYear}-09-01`;
}
