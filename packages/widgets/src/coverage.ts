import { type LocalizedText, priorityCategoryLabels, visitChannelLabels } from "@homevisit/core";
import { html, nothing, type TemplateResult } from "lit";
import { errorMessages, type WidgetClient } from "./api.js";
import { HomevisitElement } from "./base.js";
import { barChart } from "./chart.js";
import { QueryController } from "./controllers.js";
import { shanghaiToday } from "./dates.js";
import { label, type MessageKey } from "./i18n.js";

/** What `reports.coverage` takes. */
export type CoverageInput = Parameters<WidgetClient["reports"]["coverage"]>[0];
/** A coverage grouping the report offers. */
export type CoverageGroup = CoverageInput["groupBy"];
/** A section of the report over one of the schools' own form fields. */
export type CustomFieldSection = NonNullable<
  Awaited<ReturnType<WidgetClient["reports"]["coverage"]>>["customSections"]
>[number];
/** A term the coverage can be read for: its id and its days. */
export interface CoverageTerm {
  id: string;
  start: string;
  end: string;
}

const groupMessages: Record<CoverageGroup, MessageKey> = {
  school: "bySchool",
  grade: "byGrade",
  class: "byClass",
  category: "byCategory",
  channel: "byChannel",
  teacher: "byTeacher",
};

/**
 * `<hv-coverage>`: home-visit coverage (R2: every enrolled student visited) of a school, county
 * or city, by school, grade, class, category or channel, as an SVG bar chart and a table.
 * Counts only: groups under five are hidden by the server and drawn hatched here, and no
 * child's name or record is ever requested — a bureau's page shows none. A term picker reads
 * the coverage of one term (the school's terms from `GET /terms`, or `terms` from the host for
 * a bureau, which belongs to no school); sections over the schools' own form fields
 * (`customFields`) show counts by option, sums and means, suppressed groups as suppressed.
 *
 * Properties: `term` (a term id to start on; default the term of today, or the last one
 * begun, once the terms are known), `from`, `to` (`YYYY-MM-DD`: a period instead of a term;
 * the "by date range" choice reads it, default the last 120 days), `terms` (terms to offer
 * besides the school's), `customFields` (`custom-fields`,
 * comma-separated field keys), `groupBy`
 * (`group-by`, default `class`), `groups` (the groupings offered, default grade, class,
 * category and channel), `labels` (names the host knows for keys — schools' and classes'
 * Chinese names), `schoolId` / `countyId`, plus `api` / `base-url` and `locale`.
 * Parts: `card`, `chart`, `table`.
 *
 * @example
 * ```ts
 * import { HvCoverage } from "@homevisit/widgets";
 * customElements.define("hv-coverage", HvCoverage);
 * // <hv-coverage base-url="/api/homevisit" group-by="school"></hv-coverage>
 * ```
 */
export class HvCoverage extends HomevisitElement {
  static override properties = {
    ...HomevisitElement.properties,
    from: {},
    to: {},
    groupBy: { attribute: "group-by" },
    groups: { attribute: false },
    labels: { attribute: false },
    schoolId: { attribute: "school-id" },
    countyId: { attribute: "county-id" },
    term: {},
    terms: { attribute: false },
    rangeChosen: { state: true },
    customFields: {
      attribute: "custom-fields",
      converter: (value: string | null) => (value ?? "").split(",").filter((k) => k !== ""),
    },
  };
  declare from: string | undefined;
  declare to: string | undefined;
  declare groupBy: CoverageGroup;
  declare groups: CoverageGroup[];
  declare labels: Record<string, string>;
  declare schoolId: string | undefined;
  declare countyId: string | undefined;
  declare term: string | undefined;
  declare terms: CoverageTerm[];
  declare customFields: string[];
  /** The person picked "by date range": no term is chosen for them again. */
  declare private rangeChosen: boolean;

  private readonly schoolTerms = new QueryController(
    this,
    () => (this.client ? [this.apiSettings?.baseUrl] : undefined),
    async (signal): Promise<CoverageTerm[]> => {
      const { items } = await (this.client as WidgetClient).me.terms({}, { signal });
      return items.map((t) => ({ id: t.term.id, start: t.term.start, end: t.term.end }));
    },
  );

  private readonly report = new QueryController(
    this,
    () =>
      // While the terms load, the default period is not known yet: one request, not two.
      this.client && !this.awaitingTerms
        ? [
            this.apiSettings?.baseUrl,
            this.period,
            this.chosenTerm?.id,
            this.groupBy,
            this.schoolId,
            this.countyId,
            this.customFields,
            this.loc,
          ]
        : undefined,
    (signal) => {
      const [from, to] = this.period;
      const term = this.chosenTerm;
      return (this.client as WidgetClient).reports.coverage(
        {
          from,
          to,
          groupBy: this.groupBy,
          ...(term ? { termId: term.id } : {}),
          ...(this.customFields.length > 0 ? { customFields: this.customFields } : {}),
          ...(this.schoolId ? { schoolId: this.schoolId } : {}),
          ...(this.countyId ? { countyId: this.countyId } : {}),
        },
        { signal },
      );
    },
  );

  constructor() {
    super();
    this.groupBy = "class";
    this.groups = ["grade", "class", "category", "channel"];
    this.labels = {};
    this.terms = [];
    this.customFields = [];
    this.rangeChosen = false;
  }

  /** Whether the period is left to a default term that the school's terms may still bring. */
  private get awaitingTerms(): boolean {
    const pending = this.schoolTerms.status === "idle" || this.schoolTerms.status === "pending";
    return pending && this.defaultsToTerm;
  }

  /** Neither the host nor the person chose a term or a period: today's term is read. */
  private get defaultsToTerm(): boolean {
    return this.term === undefined && this.from === undefined && this.to === undefined && !this.rangeChosen;
  }

  /** Every term on offer: the host's, then the school's, one of each id. */
  private get termChoices(): CoverageTerm[] {
    const all = [...this.terms, ...(this.schoolTerms.data ?? [])];
    return all.filter((t, i) => all.findIndex((u) => u.id === t.id) === i);
  }

  private get chosenTerm(): CoverageTerm | undefined {
    if (this.term !== undefined) return this.termChoices.find((t) => t.id === this.term);
    return this.defaultsToTerm ? termOfDay(this.termChoices, shanghaiToday()) : undefined;
  }

  /** The "by date range" period: the host's `from`/`to`, or the last 120 days. */
  private get range(): [string, string] {
    const to = this.to ?? shanghaiToday();
    const from = this.from ?? new Date(Date.parse(`${to}T00:00:00Z`) - 120 * 86_400_000).toISOString().slice(0, 10);
    return [from, to];
  }

  private get period(): [string, string] {
    const term = this.chosenTerm;
    return term ? [term.start, term.end] : this.range;
  }

  private keyLabel(key: string): string {
    if (this.labels[key]) return this.labels[key];
    const known: LocalizedText | undefined =
      this.groupBy === "category"
        ? priorityCategoryLabels[key as keyof typeof priorityCategoryLabels]
        : this.groupBy === "channel"
          ? visitChannelLabels[key as keyof typeof visitChannelLabels]
          : undefined;
    if (known) return label(known, this.loc);
    if (this.groupBy === "grade") return this.loc === "en" ? `Grade ${key}` : `${key} 年级`;
    return key;
  }

  private renderTermPicker(): TemplateResult | typeof nothing {
    const choices = this.termChoices;
    if (choices.length === 0) return nothing;
    return html`<label class="field"><span>${this.t("term")}</span>
      <select name="term" @change=${(e: Event) => {
        const value = (e.target as HTMLSelectElement).value;
        this.term = value === "" ? undefined : value;
        this.rangeChosen = value === "";
      }}>
        <option value="" ?selected=${this.chosenTerm === undefined}>${this.t("anyPeriod")}（${this.range.join(" – ")}）</option>
        ${choices.map((t) => html`<option value=${t.id} ?selected=${t.id === this.chosenTerm?.id}>${t.id}（${t.start} – ${t.end}）</option>`)}
      </select></label>`;
  }

  private renderCustomSection(section: CustomFieldSection): TemplateResult {
    const title = label(section.label, this.loc);
    const numeric = section.sum !== null || section.mean !== null;
    const figure = (n: number | null) => (n === null ? "—" : String(Math.round(n * 100) / 100));
    return html`<section class="card" part="card" data-custom-field=${section.key} aria-label=${title}>
      <h3>${title}</h3>
      ${
        section.suppressed
          ? html`<p class="muted" data-suppressed>${this.t("suppressed")}</p>`
          : html`<p class="muted">${this.t("answered", { count: section.answered ?? "—" })}</p>
            ${numeric ? html`<p>${this.t("sum")}: <strong>${figure(section.sum)}</strong> · ${this.t("mean")}: <strong>${figure(section.mean)}</strong></p>` : nothing}
            ${
              section.groups.length === 0
                ? nothing
                : html`<table part="table">
                  <thead><tr><th scope="col">${this.t("option")}</th><th scope="col">${this.t("count")}</th></tr></thead>
                  <tbody>${section.groups.map(
                    (g) =>
                      html`<tr data-option=${g.key}><th scope="row">${label(g.label, this.loc)}</th>${
                        g.suppressed || g.count === null
                          ? html`<td class="muted" data-suppressed>${this.t("suppressed")}</td>`
                          : html`<td>${g.count}</td>`
                      }</tr>`,
                  )}</tbody>
                </table>`
            }`
      }
    </section>`;
  }

  override render(): TemplateResult {
    const { data, status } = this.report;
    const groupName = this.t(groupMessages[this.groupBy]);
    return html`<h2>${this.t("coverage")}</h2>
      ${this.renderTermPicker()}
      <div class="actions" role="group" aria-label=${this.t("groupBy")}>
        ${this.groups.map(
          (
            g,
          ) => html`<button part="button" class=${g === this.groupBy ? "" : "secondary"} aria-pressed=${g === this.groupBy ? "true" : "false"}
            @click=${() => {
              this.groupBy = g;
            }}>${this.t(groupMessages[g])}</button>`,
        )}
      </div>
      ${status === "error" ? html`<p class="banner error" role="alert">${errorMessages(this.report.error).join("；")}</p>` : nothing}
      ${
        !data
          ? html`<p role="status">${this.t("loading")}</p>`
          : html`<figure class="card" part="card">
            <figcaption>${this.t("chartTitle", { group: groupName })} · ${this.period.join(" – ")}</figcaption>
            ${barChart(
              data.rows.map((r) => ({ label: this.keyLabel(r.key), rate: r.suppressed ? null : (r.rate ?? 0) })),
              { suppressed: "<5" },
            )}
            <table part="table">
              <thead><tr><th scope="col">${groupName}</th><th scope="col">${this.t("enrolled")}</th><th scope="col">${this.t("visited")}</th><th scope="col">${this.t("rate")}</th></tr></thead>
              <tbody>
                ${data.rows.map(
                  (r) => html`<tr data-key=${r.key}>
                    <th scope="row">${this.keyLabel(r.key)}</th>
                    ${
                      r.suppressed
                        ? html`<td colspan="3" class="muted">${this.t("suppressed")}</td>`
                        : html`<td>${r.enrolled ?? "—"}</td><td>${r.visited ?? "—"}</td><td>${r.rate === null ? "—" : `${Math.round(r.rate * 100)}%`}</td>`
                    }
                  </tr>`,
                )}
              </tbody>
            </table>
          </figure>
          ${(data.customSections ?? []).map((section) => this.renderCustomSection(section))}`
      }`;
  }
}

/** The term `day` falls in, or else the last one begun before it (a holiday between terms). */
function termOfDay(terms: readonly CoverageTerm[], day: string): CoverageTerm | undefined {
  const begun = terms.filter((t) => t.start <= day).sort((a, b) => (a.start < b.start ? 1 : -1));
  return begun.find((t) => day <= t.end) ?? begun[0];
}
