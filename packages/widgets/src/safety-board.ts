import { paginate } from "@homevisit/client";
import { type AppointmentStatus, appointmentStatusLabels } from "@homevisit/core";
import { html, nothing, type TemplateResult } from "lit";
import { errorMessages, type WidgetClient } from "./api.js";
import { HomevisitElement } from "./base.js";
import { MutationController, QueryController } from "./controllers.js";
import { shanghaiToday, shortTime } from "./dates.js";
import { label } from "./i18n.js";

type Appointment = Awaited<ReturnType<WidgetClient["appointments"]["list"]>>["items"][number];
type Overdue = Awaited<ReturnType<WidgetClient["safety"]["overdue"]>>["items"][number];

/** `hv-zero-reported`: the school's zero report for a period was filed. */
export type ZeroReportedEvent = CustomEvent<{ zeroReportId: string; from: string; to: string }>;

/** Statuses that mean the teacher has left for, or finished, the visit. */
const underway: readonly AppointmentStatus[] = ["departed", "completed"];
const closed: readonly AppointmentStatus[] = ["refused", "missed", "cancelled"];

function mondayOf(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
  return d.toISOString().slice(0, 10);
}

/**
 * `<hv-safety-board>`: the safety board of a principal (R14). Today's visits of the school,
 * the trips whose check-in is overdue (the server's overdue scan, which also raises
 * `safety.overdue` once per trip), visits whose time has passed with no departure recorded,
 * and the school's zero report (安全零报告) for the week. Missing and overdue rows are
 * highlighted and listed first.
 *
 * Properties: `today` (`YYYY-MM-DD`, default today in China Standard Time), `teacherNames` (a
 * map from teacher id to name the host knows), `now` (an instant, for "time has passed"), plus
 * `api` / `base-url` and `locale`. Event: `hv-zero-reported`. Parts: `card`, `button`.
 *
 * @example
 * ```ts
 * import { HvSafetyBoard } from "@homevisit/widgets";
 * customElements.define("hv-safety-board", HvSafetyBoard);
 * // <hv-safety-board base-url="/api/homevisit"></hv-safety-board>
 * ```
 */
export class HvSafetyBoard extends HomevisitElement {
  static override properties = {
    ...HomevisitElement.properties,
    today: {},
    now: {},
    teacherNames: { attribute: false },
    notice: { state: true },
  };
  declare today: string | undefined;
  declare now: string | undefined;
  declare teacherNames: Record<string, string>;
  declare notice: { tone: "ok" | "error"; text: string } | undefined;

  private readonly zero = new MutationController(this);
  private readonly data = new QueryController(
    this,
    () => (this.client ? [this.apiSettings?.baseUrl, this.day] : undefined),
    (signal) => this.load(signal),
  );

  constructor() {
    super();
    this.teacherNames = {};
  }

  private get day(): string {
    return this.today ?? shanghaiToday();
  }

  private async load(signal: AbortSignal): Promise<{ today: Appointment[]; overdue: Overdue[] }> {
    const client = this.client as WidgetClient;
    const today: Appointment[] = [];
    const input = { from: this.day, to: this.day, limit: 200 };
    for await (const a of paginate(client.appointments.list, input, { signal })) today.push(a);
    const { items: overdue } = await client.safety.overdue({}, { signal });
    return { today, overdue };
  }

  /** Refreshes the board (runs the overdue scan again). */
  refresh(): Promise<unknown> {
    return this.data.run();
  }

  private teacher(id: string): string {
    return this.teacherNames[id] ?? id;
  }

  private async fileZeroReport(form: HTMLFormElement): Promise<void> {
    const client = this.client;
    if (!client) return;
    const f = new FormData(form);
    const period = { from: String(f.get("from")), to: String(f.get("to")) };
    const done = await this.zero.mutate(() =>
      client.safety.zeroReport({ period, nothingHappened: f.get("nothing") === "on", incidents: [] }),
    );
    if (done) {
      this.notice = { tone: "ok", text: this.t("zeroReportFiled") };
      this.emit("hv-zero-reported", { zeroReportId: done.zeroReport.id, ...period });
    } else {
      this.notice = { tone: "error", text: errorMessages(this.zero.error).join("；") };
    }
  }

  override render(): TemplateResult {
    const { data, status } = this.data;
    if (status === "error")
      return html`<p class="banner error" role="alert">${errorMessages(this.data.error).join("；")}</p>`;
    if (!data) return html`<p role="status">${this.t("loading")}</p>`;
    const now = Date.parse(this.now ?? new Date().toISOString());
    const missing = (a: Appointment) =>
      !underway.includes(a.status) && !closed.includes(a.status) && Date.parse(a.start) < now;
    const rows = [...data.today].sort(
      (a, b) => Number(missing(b)) - Number(missing(a)) || a.start.localeCompare(b.start),
    );
    return html`<h2>${this.t("safetyBoard")} · ${this.day}</h2>
      <div class="actions"><button part="button" class="secondary" @click=${() => void this.refresh()}>${this.t("scan")}</button></div>
      <section aria-labelledby="overdue" class="card" part="card">
        <h3 id="overdue">${this.t("overdue")} (${data.overdue.length})</h3>
        ${
          data.overdue.length === 0
            ? html`<p class="muted">${this.t("noOverdue")}</p>`
            : html`<ul class="plain">
              ${data.overdue.map(
                (o) => html`<li class="banner error" data-overdue=${o.reportId}>
                  <strong>${this.teacher(o.teacherId)}</strong> · ${this.t("dueAt")} ${shortTime(o.dueAt)}
                </li>`,
              )}
            </ul>`
        }
      </section>
      <section aria-labelledby="today" class="card" part="card">
        <h3 id="today">${this.t("todaysVisits")} (${rows.length})</h3>
        <table>
          <thead><tr><th scope="col">${this.t("start")}</th><th scope="col">${this.t("teacher")}</th><th scope="col">${this.t("location")}</th><th scope="col">${this.t("status")}</th></tr></thead>
          <tbody>
            ${rows.map(
              (a) => html`<tr class=${missing(a) ? "error" : ""} data-missing=${missing(a) ? "true" : "false"}>
                <td>${shortTime(a.start)}</td>
                <td>${this.teacher(a.teacherId)}</td>
                <td>${a.location?.town ?? ""}${a.location?.village ?? ""}</td>
                <td>${label(appointmentStatusLabels[a.status], this.loc)}${missing(a) ? html` · <strong>${this.t("missingReport")}</strong>` : nothing}</td>
              </tr>`,
            )}
          </tbody>
        </table>
      </section>
      <form class="card" part="card" aria-labelledby="zero" @submit=${(e: Event) => {
        e.preventDefault();
        void this.fileZeroReport(e.target as HTMLFormElement);
      }}>
        <h3 id="zero">${this.t("zeroReport")}</h3>
        <div class="grid">
          <label class="field"><span>${this.t("from")}</span><input type="date" name="from" .value=${mondayOf(this.day)} /></label>
          <label class="field"><span>${this.t("to")}</span><input type="date" name="to" .value=${this.day} /></label>
        </div>
        <label class="check"><input type="checkbox" name="nothing" .checked=${data.overdue.length === 0} />${this.t("zeroReportNothing")}</label>
        ${this.notice ? html`<p class="banner ${this.notice.tone}" role="status">${this.notice.text}</p>` : nothing}
        <div class="actions"><button part="button" ?disabled=${this.zero.status === "pending"}>${this.t("fileZeroReport")}</button></div>
      </form>`;
  }
}
