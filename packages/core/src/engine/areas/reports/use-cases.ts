import type * as z from "zod";
import { type AnsweredForm, aggregateCustomField } from "../../../domain/custom-fields/aggregate.js";
import type { FormTemplate } from "../../../domain/custom-fields/template.js";
import { visitDate } from "../../../ports/entities.js";
import type { CoverageGrouping, CoverageRow, StorageReports } from "../../../ports/storage.js";
import { HomevisitError } from "../../../shared/errors/homevisit-error.js";
import type { PluginRegistry, RegisteredReportSection } from "../../plugins.js";
import type { PolicyTarget } from "../../policy/policy.js";
import { tenantPolicy } from "../../targets.js";
import { implementUseCase, type ResolveContext, type UseCaseTarget } from "../../use-case.js";
import { loadAll } from "../../util.js";
import { pluginTemplate } from "../forms/resolve.js";
import {
  type CoverageReportRow,
  type coverageInput,
  minimumReportGroup,
  type ReportScope,
  type ReportSectionOutput,
  reportContracts,
} from "./contract.js";

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

/**
 * The rows of one section: the grouping's rows narrowed to the section's keys in their order,
 * a key nobody is in shown as an empty group; then the engine's suppression, so a section never
 * shows a group the report would hide.
 */
function sectionRows(section: RegisteredReportSection, rows: readonly CoverageRow[]): CoverageReportRow[] {
  if (section.keys === undefined) return suppressSmallGroups(rows);
  const byKey = new Map(rows.map((r) => [r.key, r]));
  const perStudent = section.groupBy !== "teacher" && section.groupBy !== "channel";
  const empty = (key: string): CoverageRow => ({ key, enrolled: perStudent ? 0 : null, visited: 0, visits: 0 });
  return suppressSmallGroups(section.keys.map((key) => byKey.get(key) ?? empty(key)));
}

/**
 * The plugin sections a call asks for: every section of the engine's plugins when `wanted` is
 * absent, else those named (`report_section_unknown` for a name no plugin gives).
 */
function chosenSections(plugins: PluginRegistry, wanted: readonly string[] | undefined): RegisteredReportSection[] {
  const all = plugins.reportSections();
  if (wanted === undefined) return all;
  return wanted.map((id, i) => {
    const section = all.find((s) => s.qualifiedId === id);
    if (!section)
      throw new HomevisitError("report_section_unknown", { params: { section: id }, path: ["sections", i] });
    return section;
  });
}

/**
 * Computes the plugin sections of a coverage report from the database's aggregates: one query
 * per grouping (shared with the report's own rows), then each section's keys and suppression.
 *
 * @example
 * ```ts
 * await pluginSections(storage.reports, registry.reportSections(), { scope: { schoolId: "sch-1" }, from, to }, {});
 * // [{ id: "lishui-rural-extras/boarding-coverage", groupBy: "category",
 * //    rows: [{ key: "boarding_left_behind", enrolled: 12, visited: 9, visits: 11, rate: 0.75, suppressed: false }], … }]
 * ```
 */
export async function pluginSections(
  reports: StorageReports,
  sections: readonly RegisteredReportSection[],
  query: { scope: ReportScope; from: string; to: string; termId?: string },
  known: Partial<Record<CoverageGrouping, CoverageRow[]>> = {},
): Promise<ReportSectionOutput[]> {
  const byGrouping = { ...known };
  const out: ReportSectionOutput[] = [];
  for (const section of sections) {
    let rows = byGrouping[section.groupBy];
    if (rows === undefined) {
      rows = await reports.coverage({ ...query, groupBy: section.groupBy });
      byGrouping[section.groupBy] = rows;
    }
    out.push({
      id: section.qualifiedId,
      pluginId: section.pluginId,
      title: section.title,
      ...(section.description === undefined ? {} : { description: section.description }),
      groupBy: section.groupBy,
      rows: sectionRows(section, rows),
    });
  }
  return out;
}

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
  coverage: implementUseCase(reportContracts.coverage, {
    resolveTarget: coverageTarget,
    async run(ctx, input) {
      // Authorised and audited here; the figures come from the database after commit.
      ctx.auditDetail("groupBy", input.groupBy);
      // Unknown sections are refused before the figures are computed (and the refusal audited).
      const sections = chosenSections(ctx.plugins, input.sections);
      if (sections.length > 0)
        ctx.auditDetail(
          "sections",
          sections
            .map((s) => s.qualifiedId)
            .join(",")
            .slice(0, 500),
        );
      if (!input.customFields?.length) return { scope: ctx.target.data, rows: [], sections: [] };
      ctx.auditDetail("customFields", input.customFields.join(",").slice(0, 500));
      const customSections = await customFieldSections(ctx, ctx.target.data, input, input.customFields);
      return { scope: ctx.target.data, rows: [], sections: [], customSections };
    },
    async finish(reports, output, input, plugins) {
      const query = {
        scope: output.scope,
        from: input.from,
        to: input.to,
        ...(input.termId === undefined ? {} : { termId: input.termId }),
      };
      const rows = await reports.coverage({ ...query, groupBy: input.groupBy });
      const sections = await pluginSections(reports, chosenSections(plugins, input.sections), query, {
        [input.groupBy]: rows,
      });
      return {
        scope: output.scope,
        rows: suppressSmallGroups(rows),
        sections,
        ...(output.customSections === undefined ? {} : { customSections: output.customSections }),
      };
    },
  }),
};

/**
 * The custom-field sections of a coverage report: the completed visits of the scope in the
 * period, read with their form versions, aggregated per key (small groups suppressed). Read
 * in the call's transaction: answers live in the records' documents, not in indexed columns.
 */
async function customFieldSections(
  ctx: { tx: import("../../../ports/storage.js").StorageTx; plugins: PluginRegistry },
  scope: ReportScope,
  period: { from: string; to: string; termId?: string | undefined },
  keys: readonly string[],
) {
  const where = { ...scope, completed: 1 } as const;
  const visits = await loadAll((cursor) => ctx.tx.visitRecords.list({ where, cursor, limit: 1000 }));
  const templates = new Map<string, FormTemplate | null>();
  const plugin = pluginTemplate(ctx.plugins);
  if (plugin) templates.set(`${plugin.id}@${plugin.version}`, plugin);
  const answers: AnsweredForm[] = [];
  for (const { record } of visits) {
    const ref = record.customFields;
    const day = visitDate(record) ?? "";
    if (!ref || day < period.from || day > period.to) continue;
    if (period.termId !== undefined && record.term !== period.termId) continue;
    const id = `${ref.templateId}@${ref.templateVersion}`;
    if (!templates.has(id)) {
      const rows = await ctx.tx.formTemplates.list({ where: { templateId: ref.templateId }, limit: 1000 });
      for (const row of rows.items)
        templates.set(`${row.record.template.id}@${row.record.template.version}`, row.record.template);
      if (!templates.has(id)) templates.set(id, null);
    }
    const template = templates.get(id);
    if (template) answers.push({ template, values: ref.values });
  }
  return keys.flatMap((key) => aggregateCustomField(key, answers) ?? []);
}
