import * as z from "zod";
import type { PolicyTarget } from "../policy/policy.js";
import { idSchema, isoDateSchema, termIdSchema } from "../primitives.js";
import { type CoverageRow, coverageGroupings } from "../storage/port.js";
import { tenantPolicy } from "./targets.js";
import { defineUseCase, type ResolveContext, type UseCaseTarget } from "./use-case.js";

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

/**
 * Hides the counts of groups smaller than `minimum` (enrolled students, or visits where a
 * grouping has no denominator). Pure: the same rule wherever a report is shown.
 *
 * @example
 * ```ts
 * suppressSmallGroups([{ key: "7", enrolled: 3, visited: 3, visits: 4 }]);
 * // [{ key: "7", enrolled: null, visited: null, visits: null, rate: null, suppressed: true }]
 * suppressSmallGroups([{ key: "8", enrolled: 40, visited: 30, visits: 35 }]);
 * // [{ key: "8", enrolled: 40, visited: 30, visits: 35, rate: 0.75, suppressed: false }]
 * ```
 */
export function suppressSmallGroups(rows: readonly CoverageRow[], minimum = minimumReportGroup): CoverageReportRow[] {
  return rows.map((row) => {
    const size = row.enrolled ?? row.visits;
    if (size < minimum) {
      return { key: row.key, enrolled: null, visited: null, visits: null, rate: null, suppressed: true };
    }
    return {
      key: row.key,
      enrolled: row.enrolled,
      visited: row.visited,
      visits: row.visits,
      rate: row.enrolled ? row.visited / row.enrolled : null,
      suppressed: false,
    };
  });
}

const coverageInput = z
  .strictObject({
    /** A school to report on; default the actor's own school, county or city. */
    schoolId: idSchema.optional(),
    /** A county to report on (bureau staff). */
    countyId: idSchema.optional(),
    from: isoDateSchema,
    to: isoDateSchema,
    termId: termIdSchema.optional(),
    groupBy: z.enum(coverageGroupings),
  })
  .refine((q) => !(q.schoolId && q.countyId), { path: ["countyId"], error: "Give a schoolId or a countyId, not both" });

/** Where a coverage report looks: a school, a county or a city. */
export type ReportScope = { schoolId: string } | { countyId: string } | { cityId: string };

async function coverageTarget(
  ctx: ResolveContext,
  input: z.output<typeof coverageInput>,
): Promise<UseCaseTarget<ReportScope> | undefined> {
  if (input.schoolId !== undefined) {
    const school = await ctx.tx.schools.get(input.schoolId);
    if (!school) return undefined;
    return {
      policy: tenantPolicy(school.tenant),
      entity: "schools",
      entityId: input.schoolId,
      data: { schoolId: input.schoolId },
    };
  }
  if (input.countyId !== undefined) {
    const county = await ctx.tx.counties.get(input.countyId);
    if (!county) return undefined;
    return {
      policy: tenantPolicy(county.tenant),
      entity: "counties",
      entityId: input.countyId,
      data: { countyId: input.countyId },
    };
  }
  // The actor's own tenant: a school for school staff, else the county, else the city.
  const { actor } = ctx;
  const policy: PolicyTarget = { cityId: actor.cityId };
  if (actor.countyId !== undefined) policy.countyId = actor.countyId;
  if (actor.schoolId !== undefined) policy.schoolId = actor.schoolId;
  const data: ReportScope =
    actor.schoolId !== undefined
      ? { schoolId: actor.schoolId }
      : actor.countyId !== undefined
        ? { countyId: actor.countyId }
        : { cityId: actor.cityId };
  return { policy, entity: "schools", data };
}

/** The reports area: aggregates for principals and bureaus, computed by the database. */
export const reportUseCases = {
  /**
   * Coverage (R2: every enrolled student visited) of a school, county or city, grouped by
   * school, grade, class, category, teacher or channel, computed in SQL by the storage
   * adapter. Groups under five are suppressed. Bureau staff reach their county or city;
   * principals and school admins their school. No child's record is ever returned.
   *
   * @example
   * ```ts
   * await engine.reports.coverage(countyOfficer, { from: "2026-09-01", to: "2027-01-22", groupBy: "school" });
   * // { scope: { countyId: "liandu" }, rows: [{ key: "sch-001", enrolled: 812, visited: 640, visits: 702, rate: 0.79, suppressed: false }, …] }
   * ```
   */
  coverage: defineUseCase({
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
    }),
    targetKind: "collection",
    http: { method: "GET", path: "/reports/coverage" },
    resolveTarget: coverageTarget,
    async run(ctx, input) {
      // Authorised and audited here; the figures come from the database after commit.
      ctx.auditDetail("groupBy", input.groupBy);
      return { scope: ctx.target.data, rows: [] };
    },
    async finish(reports, output, input) {
      const rows = await reports.coverage({
        scope: output.scope,
        from: input.from,
        to: input.to,
        groupBy: input.groupBy,
        ...(input.termId === undefined ? {} : { termId: input.termId }),
      });
      return { scope: output.scope, rows: suppressSmallGroups(rows) };
    },
  }),
};
