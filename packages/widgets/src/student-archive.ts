import {
  appointmentStatusLabels,
  outreachGoalLabels,
  priorityCategoryLabels,
  visitChannelLabels,
  visitKindLabels,
  visitRecordStatusLabels,
  visitSectionKeys,
  visitSectionLabels,
} from "@homevisit/core";
import { html, nothing, type TemplateResult } from "lit";
import { errorMessages, type WidgetClient } from "./api.js";
import { HomevisitElement } from "./base.js";
import { MutationController } from "./controllers.js";
import { shortTime } from "./dates.js";
import { label } from "./i18n.js";

type Archive = Awaited<ReturnType<WidgetClient["students"]["archive"]>>;
type Visit = Archive["visits"][number];

/** `hv-archive-opened`: the archive was read with a stated purpose (the server audited it). */
export type ArchiveOpenedEvent = CustomEvent<{ studentId: string; visits: number }>;

const purposes = [
  { "zh-CN": "家访准备", en: "Preparing a visit" },
  { "zh-CN": "学期总结", en: "Term review" },
  { "zh-CN": "帮扶跟进", en: "Support follow-up" },
] as const;

/**
 * `<hv-student-archive>`: one student's home-visit archive (家访档案, R9) across terms and years,
 * as a timeline of visits and appointments. It asks for the purpose first — a full view of a
 * child's record is audited with its purpose — and shows only what the server's masking lets
 * the caller see. Printable: the print stylesheet drops the controls.
 *
 * Properties: `studentId` (`student-id`), `studentName` (`student-name`, a heading the host
 * knows), plus `api` / `base-url` and `locale`. Event: `hv-archive-opened`. Parts: `card`,
 * `button`, `timeline`.
 *
 * @example
 * ```ts
 * import { HvStudentArchive } from "@homevisit/widgets";
 * customElements.define("hv-student-archive", HvStudentArchive);
 * // <hv-student-archive base-url="/api/homevisit" student-id="stu-0001"></hv-student-archive>
 * ```
 */
export class HvStudentArchive extends HomevisitElement {
  static override properties = {
    ...HomevisitElement.properties,
    studentId: { attribute: "student-id" },
    studentName: { attribute: "student-name" },
    archive: { state: true },
  };
  declare studentId: string | undefined;
  declare studentName: string | undefined;
  declare archive: Archive | undefined;
  private readonly opening = new MutationController(this);

  override willUpdate(changed: Map<PropertyKey, unknown>): void {
    super.willUpdate(changed);
    // Another student: the purpose is asked again.
    if (changed.has("studentId")) this.archive = undefined;
  }

  private async open(form: HTMLFormElement): Promise<void> {
    const client = this.client;
    const studentId = this.studentId;
    const purpose = String(new FormData(form).get("purpose") ?? "").trim();
    if (!client || !studentId || !purpose) return;
    const archive = await this.opening.mutate(() => client.students.archive({ studentId }, { purpose }));
    if (archive) {
      this.archive = archive;
      this.emit("hv-archive-opened", { studentId, visits: archive.visits.length });
    }
  }

  private renderVisit(v: Visit): TemplateResult {
    return html`<li class="card" part="card">
      <h3>${v.arrivedAt ? shortTime(v.arrivedAt) : v.term} · ${label(visitKindLabels[v.kind], this.loc)} ·
        ${label(visitChannelLabels[v.channel], this.loc)}</h3>
      ${
        v.outreachGoals.length > 0
          ? html`<p>${v.outreachGoals.map((g) => label(outreachGoalLabels[g].label, this.loc)).join("、")}</p>`
          : nothing
      }
      <dl>
        ${visitSectionKeys.map((key) => {
          const section = v[key] as Record<string, unknown> | undefined;
          if (!section) return nothing;
          const texts = Object.values(section).filter((x): x is string => typeof x === "string" && x.trim() !== "");
          return texts.length === 0
            ? nothing
            : html`<dt>${label(visitSectionLabels[key].label, this.loc)}</dt>
                <dd>${texts.join(" / ")}</dd>`;
        })}
      </dl>
      <p class="muted">${label(visitRecordStatusLabels[v.status], this.loc)}${v.photos.length > 0 ? ` · ${this.t("photos")} ${v.photos.length}` : ""}</p>
    </li>`;
  }

  override render(): TemplateResult {
    if (!this.archive) {
      return html`<form class="card" part="card" aria-labelledby="ask" @submit=${(e: Event) => {
        e.preventDefault();
        void this.open(e.target as HTMLFormElement);
      }}>
        <h2 id="ask">${this.t("archive")}${this.studentName ? ` · ${this.studentName}` : ""}</h2>
        <p class="muted">${this.t("purposeHint")}</p>
        <label class="field"><span>${this.t("purpose")}</span><input name="purpose" required list="purposes" /></label>
        <datalist id="purposes">${purposes.map((p) => html`<option value=${label(p, this.loc)}></option>`)}</datalist>
        ${
          this.opening.status === "error"
            ? html`<p class="banner error" role="alert">${errorMessages(this.opening.error).join("；")}</p>`
            : nothing
        }
        <div class="actions"><button part="button" ?disabled=${this.opening.status === "pending"}>${this.t("open")}</button></div>
      </form>`;
    }
    const a = this.archive;
    const visits = [...a.visits].sort((x, y) => (y.arrivedAt ?? "").localeCompare(x.arrivedAt ?? ""));
    return html`<article>
      <h2>${this.t("archive")}${this.studentName ? ` · ${this.studentName}` : ""}</h2>
      ${
        a.flags.length > 0
          ? html`<p>${this.t("categories")}：${a.flags
              .map((f) => {
                const known = priorityCategoryLabels[f.category as keyof typeof priorityCategoryLabels];
                return known ? label(known, this.loc) : f.category;
              })
              .join("、")}</p>`
          : nothing
      }
      <div class="actions"><button part="button" class="secondary" @click=${() => window.print()}>${this.t("print")}</button></div>
      <h3>${this.t("visits")} (${visits.length})</h3>
      ${visits.length === 0 ? html`<p class="muted">${this.t("noVisits")}</p>` : nothing}
      <ol class="plain" part="timeline">${visits.map((v) => this.renderVisit(v))}</ol>
      <h3>${this.t("appointments")} (${a.appointments.length})</h3>
      <ul class="plain">
        ${a.appointments.map(
          (
            ap,
          ) => html`<li class="card" part="card">${shortTime(ap.start)} · ${label(appointmentStatusLabels[ap.status], this.loc)}
            ${ap.refusalReason ? html`· ${this.t("reason")}：${ap.refusalReason}` : nothing}</li>`,
        )}
      </ul>
    </article>`;
  }
}
