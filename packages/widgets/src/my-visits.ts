import { paginate } from "@homevisit/client";
import {
  type AppointmentEvent,
  type AppointmentStatus,
  appointmentStatusLabels,
  availableTransitions,
  type TransportMode,
  transportModeLabels,
  transportModes,
  visitChannelLabels,
  visitKindLabels,
} from "@homevisit/core";
import { html, nothing, type TemplateResult } from "lit";
import { errorMessages, type WidgetClient } from "./api.js";
import { HomevisitElement } from "./base.js";
import { MutationController, QueryController } from "./controllers.js";
import { shanghaiToday, shortTime } from "./dates.js";
import { label } from "./i18n.js";
import { type MyObligation, type ObligationStanding, obligationStanding } from "./obligations.js";

type Appointment = Awaited<ReturnType<WidgetClient["appointments"]["list"]>>["items"][number];
type StudentRow = Awaited<ReturnType<WidgetClient["students"]["list"]>>["items"][number];
type ReportState = Awaited<ReturnType<WidgetClient["safety"]["list"]>>["items"][number];

/** `hv-appointment-changed`: an appointment moved on (confirmed, refused …). */
export type AppointmentChangedEvent = CustomEvent<{ appointmentId: string; event: AppointmentEvent; status: string }>;
/** `hv-safety-reported` and `hv-checked-in`: the safety report of a visit was filed / closed. */
export type SafetyEvent = CustomEvent<{ appointmentId: string; reportId: string }>;
/**
 * `hv-record-requested`: the teacher wants to write the record of a visit (the host opens the
 * form, for that student and appointment, headed by the student's name when the list has it).
 */
export type RecordRequestedEvent = CustomEvent<{ appointmentId: string; studentId: string; studentName?: string }>;

/** The events a teacher starts from the list; the others belong to the day of the visit. */
const listEvents: readonly AppointmentEvent[] = ["contact", "confirm", "decline_home", "refuse"];
const doneStatuses: readonly AppointmentStatus[] = ["refused", "completed", "missed", "cancelled"];

/**
 * `<hv-my-visits>`: a teacher's term on one screen. The term's obligations (who must be visited,
 * which are met, the most urgent first: crisis deadlines, new students, priority students),
 * today's visits, each with its pre-visit
 * safety report (whom, where, how long, transport, the "no unlicensed vehicle" declaration, a
 * phone) and the check-in afterwards; every appointment of the term with the next steps
 * (called, confirm, meet elsewhere, refusal with its reason), those whose day has gone with
 * nothing closing them marked for arranging again or recording; a link to subscribe to the
 * calendar feed. Lists page through all of the teacher's appointments and obligations; the
 * safety reports and their check-ins come from the server (`GET /safety-reports`), so another
 * phone shows the same state.
 *
 * Properties: `teacherId` (`teacher-id`, to show only the teacher's own), `today` (a
 * `YYYY-MM-DD`, default today in China Standard Time), `term` (a term id, default the school's
 * current term from `GET /terms`), `phone` (pre-fills the safety report),
 * plus `api` / `base-url` and `locale`. Events: `hv-appointment-changed`, `hv-safety-reported`,
 * `hv-checked-in`, `hv-record-requested`. Parts: `card`, `button`.
 *
 * @example
 * ```ts
 * import { HvMyVisits } from "@homevisit/widgets";
 * customElements.define("hv-my-visits", HvMyVisits);
 * // <hv-my-visits base-url="/api/homevisit" teacher-id="t-0042"></hv-my-visits>
 * ```
 */
export class HvMyVisits extends HomevisitElement {
  static override properties = {
    ...HomevisitElement.properties,
    teacherId: { attribute: "teacher-id" },
    today: {},
    term: {},
    phone: {},
    refusing: { state: true },
    reporting: { state: true },
    message: { state: true },
  };
  declare teacherId: string | undefined;
  declare today: string | undefined;
  declare term: string | undefined;
  declare phone: string | undefined;
  declare refusing: string | undefined;
  declare reporting: string | undefined;
  declare message: { tone: "ok" | "error"; text: string } | undefined;

  private readonly action = new MutationController(this);
  private readonly data = new QueryController(
    this,
    () => (this.client ? [this.apiSettings?.baseUrl, this.teacherId, this.day, this.term] : undefined),
    (signal) => this.load(signal),
  );

  private get day(): string {
    return this.today ?? shanghaiToday();
  }

  private async load(signal: AbortSignal) {
    const client = this.client as WidgetClient;
    const filter = this.teacherId ? { teacherId: this.teacherId } : {};
    const appointments: Appointment[] = [];
    for await (const a of paginate(client.appointments.list, { ...filter, limit: 200 }, { signal }))
      appointments.push(a);
    // In time order, as a teacher reads a diary (the API pages them by id).
    appointments.sort((a, b) => Date.parse(a.start) - Date.parse(b.start) || (a.id < b.id ? -1 : 1));
    const students = new Map<string, StudentRow>();
    for await (const s of paginate(client.students.list, { limit: 200 }, { signal })) students.set(s.id, s);
    // The day's trips with their check-ins, as the server holds them (another phone, the same state).
    const reports = new Map<string, ReportState>();
    const tripInput = { ...filter, from: this.day, to: this.day, limit: 200 };
    for await (const r of paginate(client.safety.list, tripInput, { signal }))
      for (const id of r.report.appointmentIds ?? []) reports.set(id, r);
    const termId = this.term ?? (await client.me.terms({}, { signal })).items.find((t) => t.current)?.term.id;
    const obligations: MyObligation[] = [];
    let planId: string | null = null;
    if (termId !== undefined) {
      // paginate yields items only; the plan id comes with the first page.
      const first = await client.me.obligations({ termId, limit: 200 }, { signal });
      planId = first.planId;
      obligations.push(...first.items);
      if (first.nextCursor !== undefined) {
        const rest = { termId, limit: 200, cursor: first.nextCursor };
        for await (const o of paginate(client.me.obligations, rest, { signal })) obligations.push(o);
      }
    }
    const standing = obligationStanding(obligations, appointments, this.day);
    return { appointments, students, reports, termId, planId, standing };
  }

  /** The safety report of an appointment and whether its teacher has checked in. */
  private reportOf(reports: Map<string, ReportState>, appointmentId: string) {
    const state = reports.get(appointmentId);
    return state === undefined ? undefined : { reportId: state.report.id, checkedIn: state.checkIn !== undefined };
  }

  private async move(a: Appointment, event: AppointmentEvent, reason?: string): Promise<void> {
    const client = this.client;
    if (!client) return;
    const done = await this.action.mutate(() =>
      client.appointments.transition({
        appointmentId: a.id,
        event,
        payload: reason ? { reason } : {},
        expectedVersion: a.version,
      }),
    );
    if (done) {
      this.refusing = undefined;
      this.message = { tone: "ok", text: label(appointmentStatusLabels[done.appointment.status], this.loc) };
      this.emit("hv-appointment-changed", { appointmentId: a.id, event, status: done.appointment.status });
      await this.data.run();
    } else {
      this.message = { tone: "error", text: errorMessages(this.action.error).join("；") };
    }
  }

  private async fileReport(a: Appointment, student: StudentRow | undefined, form: HTMLFormElement): Promise<void> {
    const client = this.client;
    if (!client) return;
    const f = new FormData(form);
    const done = await this.action.mutate(() =>
      client.safety.fileReport({
        studentIds: [a.studentId],
        appointmentIds: [a.id],
        destination: {
          county: String(f.get("county") ?? student?.address.county ?? ""),
          town: String(f.get("town") ?? ""),
          village: String(f.get("village") ?? ""),
        },
        plannedStart: a.start,
        expectedDurationMinutes: Number(f.get("duration") ?? a.durationMinutes),
        transportMode: String(f.get("transport")) as TransportMode,
        noUnlicensedVehicle: f.get("noUnlicensed") === "on",
        reachablePhone: String(f.get("phone") ?? ""),
      }),
    );
    if (done) {
      this.reporting = undefined;
      this.message = { tone: "ok", text: this.t("reported") };
      this.emit("hv-safety-reported", { appointmentId: a.id, reportId: done.report.id });
      await this.data.run();
    } else {
      this.message = { tone: "error", text: errorMessages(this.action.error).join("；") };
    }
  }

  private async checkIn(a: Appointment, reportId: string, needsHelp: boolean): Promise<void> {
    const client = this.client;
    if (!client) return;
    const done = await this.action.mutate(() => client.safety.checkIn({ reportId, needsHelp }));
    if (done) {
      this.message = { tone: "ok", text: this.t("checkedIn") };
      this.emit("hv-checked-in", { appointmentId: a.id, reportId });
      await this.data.run();
    } else {
      this.message = { tone: "error", text: errorMessages(this.action.error).join("；") };
    }
  }

  private renderReportForm(a: Appointment, student: StudentRow | undefined): TemplateResult {
    return html`<form
      class="card"
      part="card"
      aria-label=${this.t("safetyReport")}
      @submit=${(e: Event) => {
        e.preventDefault();
        void this.fileReport(a, student, e.target as HTMLFormElement);
      }}
    >
      <h4>${this.t("safetyReport")}</h4>
      <div class="grid">
        <label class="field"><span>${this.t("county")}</span><input name="county" required .value=${student?.address.county ?? a.location?.county ?? ""} /></label>
        <label class="field"><span>${this.t("destinationTown")}</span><input name="town" required .value=${a.location?.town ?? student?.address.town ?? ""} /></label>
        <label class="field"><span>${this.t("destinationVillage")}</span><input name="village" required .value=${a.location?.village ?? student?.address.village ?? ""} /></label>
        <label class="field"><span>${this.t("duration")}</span><input name="duration" type="number" min="5" max="720" .value=${String(a.durationMinutes + 30)} /></label>
        <label class="field"><span>${this.t("transport")}</span><select name="transport">
          ${transportModes.map((m) => html`<option value=${m}>${label(transportModeLabels[m], this.loc)}</option>`)}
        </select></label>
        <label class="field"><span>${this.t("reachablePhone")}</span><input name="phone" type="tel" required .value=${this.phone ?? ""} /></label>
      </div>
      <label class="check"><input type="checkbox" name="noUnlicensed" required />${this.t("noUnlicensed")}</label>
      <div class="actions">
        <button part="button" ?disabled=${this.action.status === "pending"}>${this.t("fileReport")}</button>
        <button type="button" class="secondary" part="button" @click=${() => {
          this.reporting = undefined;
        }}>${this.t("cancel")}</button>
      </div>
    </form>`;
  }

  private renderToday(
    a: Appointment,
    student: StudentRow | undefined,
    reports: Map<string, ReportState>,
  ): TemplateResult {
    const report = this.reportOf(reports, a.id);
    const name = student?.name ?? a.studentId;
    return html`<li class="card" part="card" data-appointment=${a.id}>
      <strong>${shortTime(a.start)} · ${name}</strong>
      <span class="muted">${label(visitChannelLabels[a.channel.type], this.loc)} · ${a.location?.town ?? ""}${a.location?.village ?? ""}</span>
      <div class="actions">
        ${
          report === undefined
            ? html`<button part="button" @click=${() => {
                this.reporting = a.id;
              }}>${this.t("safetyReport")}</button>`
            : report.checkedIn
              ? html`<span class="banner ok">${this.t("checkedIn")}</span>`
              : html`<button part="button" @click=${() => void this.checkIn(a, report.reportId, false)}>${this.t("checkIn")}</button>
                <button part="button" class="danger" @click=${() => void this.checkIn(a, report.reportId, true)}>${this.t("needsHelp")}</button>`
        }
        <button part="button" class="secondary" @click=${() =>
          this.emit("hv-record-requested", {
            appointmentId: a.id,
            studentId: a.studentId,
            ...(student ? { studentName: student.name } : {}),
          })}>
          ${this.t("submit")}
        </button>
      </div>
      ${this.reporting === a.id ? this.renderReportForm(a, student) : nothing}
    </li>`;
  }

  private renderAppointment(a: Appointment, student: StudentRow | undefined): TemplateResult {
    const events = availableTransitions({ status: a.status, channel: a.channel } as never).filter((t) =>
      listEvents.includes(t.event),
    );
    // Its day is gone and nothing closed it: the teacher arranges it again or records it.
    const past = !doneStatuses.includes(a.status) && shanghaiToday(new Date(a.start)) < this.day;
    return html`<li class="card" part="card" data-appointment=${a.id} data-status=${a.status}>
      <strong>${student?.name ?? a.studentId}</strong>
      <span class="muted">${shortTime(a.start)} · ${label(visitKindLabels[a.kind], this.loc)} · ${label(appointmentStatusLabels[a.status], this.loc)}</span>
      ${past ? html`<span class="warn" data-past>${this.t("pastDue")}</span>` : nothing}
      ${
        doneStatuses.includes(a.status)
          ? nothing
          : html`<div class="actions">
            ${events.map((t) =>
              t.event === "refuse"
                ? html`<button part="button" class="secondary" @click=${() => {
                    this.refusing = a.id;
                  }}>${this.t("refuse")}</button>`
                : html`<button part="button" class="secondary" ?disabled=${this.action.status === "pending"} @click=${() => void this.move(a, t.event)}>
                    ${label(t.label, this.loc)}
                  </button>`,
            )}
          </div>`
      }
      ${
        this.refusing === a.id
          ? html`<form class="card" @submit=${(e: Event) => {
              e.preventDefault();
              const reason = String(new FormData(e.target as HTMLFormElement).get("reason") ?? "").trim();
              if (reason) void this.move(a, "refuse", reason);
            }}>
            <label class="field"><span>${this.t("reason")}</span><input name="reason" required /></label>
            <div class="actions"><button part="button">${this.t("send")}</button></div>
          </form>`
          : nothing
      }
    </li>`;
  }

  private renderObligations(
    standing: readonly ObligationStanding[],
    planId: string | null,
    students: Map<string, StudentRow>,
  ): TemplateResult {
    const met = standing.filter((o) => o.met).length;
    return html`<section aria-labelledby="obligations">
      <h2 id="obligations">${this.t("obligations")} (${this.t("obligationsMet", { met, total: standing.length })})</h2>
      ${
        planId === null
          ? html`<p class="muted">${this.t("noPlan")}</p>`
          : html`<ul class="plain">${standing.map((o) => {
              const state = o.met ? "met" : o.late ? "late" : "open";
              return html`<li class="card" part="card" data-obligation=${o.obligationId} data-state=${state} data-kind=${o.kind}>
                <strong>${students.get(o.studentId)?.name ?? o.studentId}</strong>
                <span class="muted">${label(visitKindLabels[o.kind], this.loc)}${o.role === "companion" ? ` · ${this.t("companionRole")}` : ""} · ${this.t("dueBy", { date: o.dueBy })}${o.plannedOn ? ` · ${this.t("plannedOn", { date: o.plannedOn })}` : ""}</span>
                <span class="banner ${o.met ? "ok" : o.late ? "error" : "warn"}">${this.t(o.met ? "obligationMet" : o.late ? "obligationLate" : "obligationOpen")}</span>
              </li>`;
            })}</ul>`
      }
    </section>`;
  }

  override render(): TemplateResult {
    const { status, data } = this.data;
    if (status === "error")
      return html`<p class="banner error" role="alert">${errorMessages(this.data.error).join("；")}</p>
        <button part="button" @click=${() => void this.data.run()}>${this.t("retry")}</button>`;
    if (!data) return html`<p role="status">${this.t("loading")}</p>`;
    const today = data.appointments.filter(
      (a) => shanghaiToday(new Date(a.start)) === this.day && !doneStatuses.includes(a.status),
    );
    const base = this.apiSettings?.baseUrl.replace(/\/$/, "") ?? "";
    return html`${this.renderObligations(data.standing, data.planId, data.students)}
      <section aria-labelledby="today">
        <h2 id="today">${this.t("today")} · ${this.day}</h2>
        ${this.message ? html`<p class="banner ${this.message.tone}" role="status">${this.message.text}</p>` : nothing}
        ${
          today.length === 0
            ? html`<p class="muted">${this.t("noToday")}</p>`
            : html`<ul class="plain">${today.map((a) => this.renderToday(a, data.students.get(a.studentId), data.reports))}</ul>`
        }
      </section>
      <section aria-labelledby="all">
        <h2 id="all">${this.t("appointments")} (${data.appointments.length})</h2>
        <ul class="plain">${data.appointments.map((a) => this.renderAppointment(a, data.students.get(a.studentId)))}</ul>
        <p><a class="button secondary" part="button" href=${`${base}/appointments/calendar.ics`}>${this.t("calendar")}</a></p>
      </section>`;
  }
}
