import * as z from "zod";
import { fieldKeyPattern } from "../../../domain/custom-fields/fields.js";
import { coverageGroupingSchema, coverageGroupings } from "../../../ports/storage.js";
import { withLabel, withOwnLabel } from "../../../shared/field-labels.js";
import { idSchema, isoDateSchema, termIdSchema } from "../../../shared/primitives.js";
import { defineContract } from "../../contract.js";

/**
 * The smallest group a coverage report shows counts for (RELIABILITY.md promise 1: bureaus see
 * aggregates only, groups under 5 suppressed), so that no child can be singled out.
 */
export const minimumReportGroup = 5;

/** A coverage row as the engine returns it: counts, or `null` where the group is too small. */
export const coverageReportRowSchema = z.strictObject({
  key: z.string(),
  enrolled: z.int().nullable(),
  visited: z.int().nullable(),
  visits: z.int().nullable(),
  /** visited ÷ enrolled, 0..1; `null` when unknown or suppressed. */
  rate: z.number().nullable(),
  /** True when the group is smaller than {@link minimumReportGroup} and its counts are hidden. */
  suppressed: z.boolean(),
});
/** A coverage row as the engine returns it. */
export type CoverageReportRow = z.infer<typeof coverageReportRowSchema>;

/** A plugin's report section as the coverage report returns it: its rows, small groups suppressed. */
export const reportSectionOutputSchema = z.strictObject({
  /** `pluginId/sectionId`. */
  id: z.string(),
  pluginId: z.string(),
  title: z.strictObject({ "zh-CN": z.string(), en: z.string() }),
  description: z.strictObject({ "zh-CN": z.string(), en: z.string() }).optional(),
  groupBy: z.enum(coverageGroupings),
  rows: z.array(coverageReportRowSchema),
});
/** A plugin's report section with its figures. */
export type ReportSectionOutput = z.infer<typeof reportSectionOutputSchema>;

export const coverageInput = z
  .strictObject({
    /** A school to report on; default the actor's own school, county or city. */
    schoolId: idSchema.optional(),
    /** A county to report on (bureau staff). */
    countyId: idSchema.optional(),
    from: withOwnLabel(isoDateSchema, { "zh-CN": "起始日期", en: "From" }),
    to: withOwnLabel(isoDateSchema, { "zh-CN": "截止日期", en: "To" }),
    termId: termIdSchema.optional(),
    groupBy: withOwnLabel(coverageGroupingSchema, {
      "zh-CN": "分组方式",
      en: "Group by",
    }),
    /**
     * The plugins' report sections to add, as `pluginId/sectionId`; default every section of
     * the engine's plugins, `[]` for none.
     */
    // Shaped like `pluginId/sectionId`, so an unknown one can be named in the error safely.
    sections: withLabel(
      z
        .array(z.string().regex(/^[a-z][a-z0-9_-]{0,63}\/[a-z][a-z0-9_-]{0,63}$/))
        .max(50)
        .optional(),
      { "zh-CN": "报表栏目", en: "Report sections" },
    ),
    /**
     * Keys of custom fields (the schools' own form fields) to add a section for each: counts by
     * option, sums and means for numbers, over the visits of the scope and period; default none.
     */
    customFields: withLabel(z.array(z.string().regex(fieldKeyPattern)).max(20).optional(), {
      "zh-CN": "自定义字段",
      en: "Custom fields",
    }),
  })
  .refine((q) => !(q.schoolId && q.countyId), { path: ["countyId"], error: "Give a schoolId or a countyId, not both" });

const localized = z.strictObject({ "zh-CN": z.string(), en: z.string() });

/** A section over one custom field: answers counted by option, numbers summed; small groups hidden. */
export const customFieldSectionSchema = z
  .strictObject({
    key: z.string(),
    label: localized,
    type: z.string(),
    /** Visits that answered the field; `null` when fewer than five. */
    answered: z.int().nullable(),
    groups: z.array(
      z.strictObject({ key: z.string(), label: localized, count: z.int().nullable(), suppressed: z.boolean() }),
    ),
    sum: z.number().nullable(),
    mean: z.number().nullable(),
    suppressed: z.boolean(),
  })
  .meta({ id: "CustomFieldSection", description: "A coverage report section over one custom field" });

/** Where a coverage report looks: a school, a county or a city. */
export type ReportScope = { schoolId: string } | { countyId: string } | { cityId: string };

/** The reports area: aggregates for principals and bureaus, computed by the database. */
export const reportContracts = {
  /**
   * Coverage (R2: every enrolled student visited) of a school, county or city, grouped by
   * school, grade, class, category, teacher or channel, computed in SQL by the storage
   * adapter. Groups under five are suppressed. Bureau staff reach their county or city;
   * principals and school admins their school. No child's record is ever returned.
   *
   * `sections` holds the report sections the engine's plugins add (all of them unless the call
   * names some): each is a grouping of the same aggregates, narrowed to the section's groups,
   * for the same scope and period, suppressed by the same rule, under the same authorization
   * and audit row as the report.
   *
   * @example
   * ```ts
   * await engine.reports.coverage(countyOfficer, { from: "2026-09-01", to: "2027-01-22", groupBy: "school" });
   * // { scope: { countyId: "liandu" }, rows: [{ key: "sch-001", enrolled: 812, visited: 640, visits: 702, rate: 0.79, suppressed: false }, …],
   * //   sections: [{ id: "lishui-rural-extras/boarding-coverage", groupBy: "category", rows: [{ key: "boarding_left_behind", … }] }] }
   * ```
   */
  coverage: defineContract({
    action: "reports.coverage",
    entity: "schools",
    description: { "zh-CN": "家访覆盖率统计", en: "Home-visit coverage" },
    input: coverageInput,
    output: z.strictObject({
      scope: z.union([
        z.strictObject({ schoolId: idSchema }),
        z.strictObject({ countyId: idSchema }),
        z.strictObject({ cityId: idSchema }),
      ]),
      rows: z.array(coverageReportRowSchema),
      sections: z.array(reportSectionOutputSchema),
      /** One per key of `customFields` that some visit's form has, in the order asked. */
      customSections: z.array(customFieldSectionSchema).optional(),
    }),
    targetKind: "collection",
    errors: ["report_section_unknown"],
    preconditions: [
      {
        "zh-CN": `少于 ${minimumReportGroup} 人的组不显示人数（suppressed: true，计数为 null），任何学生都不能被单独识别；县区、市教育局只得到汇总`,
        en: `Groups under ${minimumReportGroup} are suppressed (suppressed: true, counts null) so that no child can be singled out; bureaus get aggregates only`,
      },
    ],
    http: { method: "GET", path: "/reports/coverage" },
  }),
};
