import { paginate } from "@homevisit/client";
import { calendarTermOf, calendarTerms, type Term, termPlanStatusLabels, visitKindLabels } from "@homevisit/core";
import { html, nothing, type TemplateResult } from "lit";
import { errorMessages, type WidgetClient } from "./api.js";
import { HomevisitElement } from "./base.js";
import { MutationController, QueryController } from "./controllers.js";
import { shanghaiDay, shanghaiToday } from "./dates.js";
import { label } from "./i18n.js";

type Quality = Awaited<ReturnType<WidgetClient["plans"]["quality"]>>;
type PlanRow = Awaited<ReturnType<WidgetClient["plans"]["list"]>>["items"][number];
/** The plan on screen in `<hv-term-plan>`: its id, status and version (for the commit) and its quality figures. */
export interface PlanView {
  planId: string;
  termId: string;
  status: PlanRow["status"];
  version: number;
  quality: Quality;
}

/** `hv-plan-generated` / `hv-plan-committed`: a term plan was drafted / turned into appointments. */
export type PlanEvent = CustomEvent<{ planId: string; termId: string; appointments: number }>;

/**
 * The term the widget proposes on a day: core's `calendarTermOf` (the national calendar's term
 * the day falls in; in a vacation the one about to begin, which is the one a principal plans),
 * the same days `GET /terms` gives for a term not planned yet. A school changes the dates in the
 * form before it generates.
 *
 * @example
 * ```ts
 * termOfDay("2026-11-10"); // { id: "2026-2027-1", schoolYear: 2026, index: 1, start: "2026-09-01", end: "2027-01-22", campaigns: [] }
 * termOfDay("2027-01-28").id; // "2026-2027-2": the winter vacation, spring comes next
 * ```
 */
export function termOfDay(day: string): Term {
  const known = calendarTermOf(day);
  if (known) return known;
  // A year the calendar cannot place: autumn from August, spring from February.
  const year = Number(day.slice(0, 4));
  const month = Number(day.slice(5, 7));
  if (month >= 8) return termById(`${year}-${year + 1}-1`);
  if (month >= 2) return termById(`${year - 1}-${year}-2`);
  return termById(`${year - 1}-${year}-1`);
}

/**
 * A term's days by its id (`YYYY-YYYY-1` autumn, `-2` spring), from the national calendar;
 * 1 September to 20 January and 20 February to 10 July for a year it cannot place.
 *
 * @example
 * ```ts
 * termById("2026-2027-2").start; // "2027-02-15"
 * ```
 */
export function termById(id: string): Term {
  const first = Number(id.slice(0, 4));
  const index = id.endsWith("-2") ? 2 : 1;
  const known = calendarTerms(first).find((t) => t.index === index);
  if (known) return { ...known, id };
  return index === 1
    ? { id, schoolYear: first, index, start: `${first}-09-01`, end: `${first + 1}-01-20`, campaigns: [] }
    : { id, schoolYear: first, index, start: `${first + 1}-02-20`, end: `${first + 1}-07-10`, campaigns: [] };
}

const percent = (n: number | null) => (n === null ? "—" : `${Math.round(n * 1000) / 10}%`);

/**
 * `<hv-term-plan>`: a principal plans the term (R6). Generate a plan for a term (its days
 * editable; a plan made after the term began starts the next day, or on the day chosen, and says
 * so), read its quality figures (`GET /plans/{planId}/quality`: coverage, in-home visits
 * placed, crisis visits within their deadline, idle teachers, the load spread, continuity,
 * students without a mentor) and every visit it could not place with the planner's reason and
 * what to do about it, then commit it: the families' appointments are proposed and the teachers
 * see them in `<hv-my-visits>`. The term's plans (`GET /plans`) are listed and can be opened.
 *
 * Properties: `term` (a term id; default the term of `today`), `today`, plus `api` /
 * `base-url` and `locale`. Events: `hv-plan-generated`, `hv-plan-committed`. Parts: `card`,
 * `button`, `table`.
 *
 * @example
 * ```ts
 * import { HvTermPlan } from "@homevisit/widgets";
 * customElements.define("hv-term-plan", HvTermPlan);
 * // <hv-term-plan base-url="/api/homevisit" term="2026-2027-1"></hv-term-plan>
 * ```
 */
export class HvTermPlan extends HomevisitElement {
  static override properties = {
    ...HomevisitElement.properties,
    term: {},
    today: {},
    current: { state: true },
    notice: { state: true },
  };
  declare term: string | undefined;
  declare today: string | undefined;
  declare current: PlanView | undefined;
  declare notice: { tone: "ok" | "error"; text: string } | undefined;

  private readonly action = new MutationController(this);
  private readonly data = new QueryController(
    this,
    () => (this.client ? [this.apiSettings?.baseUrl, this.termId] : undefined),
    async (signal) => {
      const client = this.client as WidgetClient;
      const plans: PlanRow[] = [];
      for await (const p of paginate(client.plans.list, { termId: this.termId, limit: 50 }, { signal })) plans.push(p);
      const names = new Map<string, string>();
      for await (const s of paginate(client.students.list, { limit: 200 }, { signal })) names.set(s.id, s.name);
      return { plans, names };
    },
  );

  /**
   * The school's terms as the server knows them (`GET /terms`: a plan's own dates, else the
   * national calendar's): the form proposes their days, and falls back to {@link termById}
   * only for a term the server does not list.
   */
  private readonly terms = new QueryController(
    this,
    () => (this.client ? [this.apiSettings?.baseUrl] : undefined),
    async (signal) => {
      const { items } = await (this.client as WidgetClient).me.terms({}, { signal });
      return items;
    },
  );

  private get termId(): string {
    return this.term ?? this.terms.data?.find((t) => t.current)?.term.id ?? termOfDay(this.today ?? shanghaiToday()).id;
  }

  /** A term's days: the server's for a term it lists, else the usual ones. */
  private termDays(id: string): Term {
    return this.terms.data?.find((t) => t.term.id === id)?.term ?? termById(id);
  }

  /** The plan's view: its quality figures beside the status and version a call answered. */
  private async view(
    client: WidgetClient,
    plan: { id: string; termId: string; status: PlanRow["status"] },
    version: number,
  ) {
    const quality = await client.plans.quality({ planId: plan.id });
    return { planId: plan.id, termId: plan.termId, status: plan.status, version, quality };
  }

  private async generate(form: HTMLFormElement): Promise<void> {
    const client = this.client;
    if (!client) return;
    const f = new FormData(form);
    const base = this.termDays(String(f.get("termId") ?? this.termId));
    const term = { ...base, start: String(f.get("start") || base.start), end: String(f.get("end") || base.end) };
    // Blank: the server's default, the day after today (or the term's first day when later).
    const scheduleFrom = String(f.get("scheduleFrom") ?? "");
    const done = await this.action.mutate(async () => {
      const { plan, version } = await client.plans.generate({ term, ...(scheduleFrom ? { scheduleFrom } : {}) });
      return this.view(client, plan, version);
    });
    this.settle(done, "planGenerated");
    if (done) {
      this.term = term.id;
      this.emit("hv-plan-generated", { planId: done.planId, termId: term.id, appointments: 0 });
    }
  }

  private async open(planId: string): Promise<void> {
    const client = this.client;
    if (!client) return;
    const done = await this.action.mutate(async () => {
      const { plan, version } = await client.plans.get({ planId, limit: 1 });
      return this.view(client, plan, version);
    });
    this.settle(done);
  }

  private async commit(current: PlanView): Promise<void> {
    const client = this.client;
    if (!client) return;
    let appointments = 0;
    const done = await this.action.mutate(async () => {
      const { plan, summary, version } = await client.plans.commit({
        planId: current.planId,
        expectedVersion: current.version,
      });
      // The answer holds one page of the plan; the summary counts the whole of it. Visits
      // arranged before the plan keep their appointments: only the others are new.
      appointments = summary.counts.appointments - summary.counts.arranged;
      return this.view(client, plan, version);
    });
    this.settle(done, "planCommitted", { count: appointments });
    if (done) this.emit("hv-plan-committed", { planId: done.planId, termId: done.termId, appointments });
  }

  /** Shows the plan a call answered (and says so), or the call's error. */
  private settle(
    done: PlanView | undefined,
    ok?: "planGenerated" | "planCommitted",
    params?: Record<string, number>,
  ): void {
    if (done) {
      this.current = done;
      this.notice = ok ? { tone: "ok", text: this.t(ok, params) } : undefined;
      void this.data.run();
    } else {
      this.notice = { tone: "error", text: errorMessages(this.action.error).join("；") };
    }
  }

  private renderQuality(q: Quality): TemplateResult {
    const { inHome, crisis } = q.placement;
    const figures: [string, string, string][] = [
      ["coverage", this.t("planCoverage"), percent(q.coverage)],
      ["in-home", this.t("planInHome"), `${inHome.placed} / ${inHome.due}`],
      ["crisis", this.t("planCrisis"), `${crisis.withinDeadline} / ${crisis.due}`],
      ["unplaced", this.t("planUnplaced"), String(q.placement.unplaced.length)],
      ["overdue", this.t("planOverdue"), String(q.placement.overdueSlots)],
      ["arranged", this.t("planArranged"), String(q.placement.arrangedSlots)],
      ["idle", this.t("planIdleTeachers"), String(q.placement.idleTeachers.length)],
      [
        "spread",
        this.t("planSpread"),
        q.loadSpread.ratio === null ? "—" : `${Math.round(q.loadSpread.ratio * 100) / 100}×`,
      ],
      ["continuity", this.t("planContinuity"), percent(q.continuityRate)],
      ["no-mentor", this.t("planNoMentor"), String(q.studentsWithoutMentor.length)],
      ["handovers", this.t("planHandovers"), String(q.mentorHandovers)],
    ];
    return html`<dl class="grid" part="card" aria-label=${this.t("planQuality")}>
      ${figures.map(([key, name, value]) => html`<div data-figure=${key}><dt class="muted">${name}</dt><dd><strong>${value}</strong></dd></div>`)}
    </dl>`;
  }

  /**
   * Crisis visits placed after their deadline: it had passed when the plan was made (they go on
   * the first free days). The principal sees to them at once.
   */
  private renderLateCrisis(q: Quality): TemplateResult | typeof nothing {
    const late = q.placement.crisis.afterDeadline;
    return late > 0
      ? html`<p class="banner error" role="alert" data-late-crisis=${late}>${this.t("planLateCrisis", { count: late })}</p>`
      : nothing;
  }

  private renderGaps(q: Quality, names: Map<string, string>): TemplateResult {
    const gaps = q.placement.unplaced;
    if (gaps.length === 0) return html`<p class="banner ok">${this.t("planAllPlaced")}</p>`;
    return html`<table part="table" aria-label=${this.t("planUnplaced")}>
      <thead><tr><th scope="col">${this.t("student")}</th><th scope="col">${this.t("kind")}</th><th scope="col">${this.t("reason")}</th><th scope="col">${this.t("planAction")}</th></tr></thead>
      <tbody>${gaps.map(
        (g) => html`<tr data-gap=${g.code}>
          <th scope="row">${names.get(g.studentId) ?? g.studentId}${g.occurrence ? html`<br /><small>${g.occurrence}</small>` : nothing}</th>
          <td>${label(visitKindLabels[g.kind], this.loc)}</td>
          <td>${label(g.reason, this.loc)}</td>
          <td>${label(g.action, this.loc)}</td>
        </tr>`,
      )}</tbody>
    </table>`;
  }

  private renderPlan(view: PlanView, names: Map<string, string>): TemplateResult {
    const q = view.quality;
    return html`<section class="card" part="card" data-plan=${view.planId} data-status=${view.status} aria-labelledby="plan-title">
      <h3 id="plan-title">${this.t("planOf", { term: view.termId })} · ${label(termPlanStatusLabels[view.status], this.loc)}</h3>
      <p class=${q.ok ? "banner ok" : "banner warn"}>${this.t(q.ok ? "planOk" : "planNotOk")}</p>
      ${q.scheduleFrom ? html`<p class="banner warn" data-schedule-from=${q.scheduleFrom}>${this.t("planFromNote", { date: q.scheduleFrom })}</p>` : nothing}
      ${this.renderLateCrisis(q)}
      ${this.renderQuality(q)}
      <h4>${this.t("planUnplaced")}</h4>
      ${this.renderGaps(q, names)}
      ${
        view.status === "draft"
          ? html`<div class="actions"><button part="button" ?disabled=${this.action.status === "pending"}
              @click=${() => void this.commit(view)}>${this.t("planCommit")}</button></div>`
          : nothing
      }
    </section>`;
  }

  override render(): TemplateResult {
    const term = this.termDays(this.termId);
    const data = this.data.data;
    return html`<h2>${this.t("termPlan")}</h2>
      <form class="card" part="card" aria-label=${this.t("planGenerate")} @submit=${(e: Event) => {
        e.preventDefault();
        void this.generate(e.target as HTMLFormElement);
      }}>
        <div class="grid">
          <label class="field"><span>${this.t("term")}</span><input name="termId" required pattern="\\d{4}-\\d{4}-[12]" .value=${term.id} /></label>
          <label class="field"><span>${this.t("from")}</span><input name="start" type="date" required .value=${term.start} /></label>
          <label class="field"><span>${this.t("to")}</span><input name="end" type="date" required .value=${term.end} /></label>
          <label class="field"><span>${this.t("planScheduleFrom")}</span><input name="scheduleFrom" type="date" min=${term.start} max=${term.end} /></label>
        </div>
        <div class="actions"><button part="button" ?disabled=${this.action.status === "pending"}>${this.t("planGenerate")}</button></div>
      </form>
      ${this.notice ? html`<p class="banner ${this.notice.tone}" role="status">${this.notice.text}</p>` : nothing}
      ${
        data && data.plans.length > 0
          ? html`<ul class="plain" aria-label=${this.t("planEarlier")}>${data.plans.map(
              (p) => html`<li class="card" part="card" data-plan-row=${p.id}>
                <span>${this.t("planNumber", { n: p.planNumber })} · ${label(termPlanStatusLabels[p.status], this.loc)} · ${shanghaiDay(p.generatedAt)}</span>
                <button part="button" class="secondary" @click=${() => void this.open(p.id)}>${this.t("planOpen")}</button>
              </li>`,
            )}</ul>`
          : nothing
      }
      ${this.current ? this.renderPlan(this.current, data?.names ?? new Map()) : nothing}`;
  }
}
