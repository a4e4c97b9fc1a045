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
 * child's name or record is ever requested — a bureau's page shows none.
 *
 * Properties: `from`, `to` (`YYYY-MM-DD`; default the last 120 days), `groupBy`
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
  };
  declare from: string | undefined;
  declare to: string | undefined;
  declare groupBy: CoverageGroup;
  declare groups: CoverageGroup[];
  declare labels: Record<string, string>;
  declare schoolId: string | undefined;
  declare countyId: string | undefined;

  private readonly report = new QueryController(
    this,
    () =>
      this.client
        ? [this.apiSettings?.baseUrl, this.period, this.groupBy, this.schoolId, this.countyId, this.loc]
        : undefined,
    (signal) => {
      const [from, to] = this.period;
      return (this.client as WidgetClient).reports.coverage(
        {
          from,
          to,
          groupBy: this.groupBy,
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
  }

  private get period(): [string, string] {
    const to = this.to ?? shanghaiToday();
    const from = this.from ?? new Date(Date.parse(`${to}T00:00:00Z`) - 120 * 86_400_000).toISOString().slice(0, 10);
    return [from, to];
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

  override render(): TemplateResult {
    const { data, status } = this.report;
    const groupName = this.t(groupMessages[this.groupBy]);
    return html`<h2>${this.t("coverage")}</h2>
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
          </figure>`
      }`;
  }
}
