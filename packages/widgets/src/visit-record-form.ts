import {
  conductRules,
  type FieldDefinition,
  type FormTemplate,
  guardianRelationLabels,
  type LocalizedText,
  outreachGoalLabels,
  outreachGoals,
  visibleFields,
  visitChannelLabels,
  visitChannels,
  visitKindLabels,
  visitKinds,
  visitSectionKeys,
  visitSectionLabels,
  visitTopicLabels,
} from "@homevisit/core";
import { html, nothing, type TemplateResult } from "lit";
import { errorMessages, isNetworkError } from "./api.js";
import { HomevisitElement } from "./base.js";
import { OnlineController, QueryController } from "./controllers.js";
import { type DraftStore, draftStore, flushDrafts, type SentDraft, type StoredDraft } from "./drafts.js";
import { label } from "./i18n.js";
import { type PreparedPhoto, preparePhoto } from "./photo.js";
import {
  customFieldProblems,
  type FormProblem,
  type FormValues,
  recordFromValues,
  sectionInputs,
  submissionProblems,
} from "./record-fields.js";

/** `hv-record-submitted`: the server holds the submitted record. */
export type RecordSubmittedEvent = CustomEvent<{ recordId: string; version: number; idempotencyKey: string }>;
/** `hv-record-saved`: a draft was saved, on the server or (offline) on the device. */
export type RecordSavedEvent = CustomEvent<{ idempotencyKey: string; recordId?: string; onDevice: boolean }>;

/** Core's words for a value; the value itself where core has none (a school's own option). */
function wordsFor(table: Readonly<Record<string, LocalizedText>>, value: string): LocalizedText {
  return Object.hasOwn(table, value) ? (table[value] as LocalizedText) : { "zh-CN": value, en: value };
}

const guardianOptions = ["father", "mother", "paternal_grandmother", "maternal_grandmother", "other_relative"];

/**
 * `<hv-visit-record-form>`: a teacher's visit record on a phone (R4, R8–R10): kind, channel,
 * times, who was present, companions, the four outreach goals, the six tasks, parents'
 * opinions and the teacher's reflection, the six prohibitions attested one by one, photos
 * (resized and stripped of metadata on the device) and the school's custom fields.
 *
 * Every save is first written to the device (IndexedDB, keyed by its idempotency key), then
 * sent; offline, it waits and is sent once when the browser is back online — the same key on
 * every attempt, so the server records it once.
 *
 * Properties: `studentId` (`student-id`), `studentName`, `term`, `kind`, `appointmentId`,
 * `companions` (`{ id, name }[]`), `template` (the school's custom-field template), plus the
 * shared `api` / `base-url` and `locale`. Events: `hv-record-saved`, `hv-record-submitted`.
 * Parts: `form`, `section`, `button`, `banner`.
 *
 * @example
 * ```ts
 * import { HvVisitRecordForm } from "@homevisit/widgets";
 * customElements.define("hv-visit-record-form", HvVisitRecordForm);
 * const form = document.createElement("hv-visit-record-form");
 * Object.assign(form, { api: { baseUrl: "/api/homevisit" }, studentId: "stu-0001", term: "2026-2027-1" });
 * form.addEventListener("hv-record-submitted", (e) => console.log(e.detail.recordId));
 * ```
 */
export class HvVisitRecordForm extends HomevisitElement {
  static override properties = {
    ...HomevisitElement.properties,
    studentId: { attribute: "student-id" },
    studentName: { attribute: "student-name" },
    term: {},
    kind: {},
    appointmentId: { attribute: "appointment-id" },
    companions: { attribute: false },
    template: { attribute: false },
    preview: { type: Boolean },
    values: { state: true },
    photos: { state: true },
    problems: { state: true },
    notice: { state: true },
    pending: { state: true },
    busy: { state: true },
  };

  declare studentId: string | undefined;
  declare studentName: string | undefined;
  declare term: string | undefined;
  declare kind: string | undefined;
  declare appointmentId: string | undefined;
  declare companions: { id: string; name: string }[];
  declare template: FormTemplate | undefined;
  /** A designer's preview: no form in force is fetched, nothing is sent. */
  declare preview: boolean;
  declare values: FormValues;
  declare photos: PreparedPhoto[];
  declare problems: FormProblem[];
  declare notice: { tone: "ok" | "warn" | "error"; text: string } | undefined;
  declare pending: number;
  declare busy: boolean;

  /** Where drafts wait; replace it before connecting to keep drafts elsewhere. */
  drafts: DraftStore = draftStore();
  private idempotencyKey: string | undefined;
  private readonly network = new OnlineController(this, () => void this.sendPending());
  /** The school's form in force (`GET /forms/current`), unless the host gave a template. */
  private readonly inForce = new QueryController(
    this,
    () => (this.client && !this.preview && this.template === undefined ? [this.apiSettings?.baseUrl] : undefined),
    async (signal) => (await (this.client as NonNullable<typeof this.client>).forms.current({}, { signal })).template,
  );

  /** The custom-field template the form shows: the host's, else the school's form in force. */
  get activeTemplate(): FormTemplate | undefined {
    return this.template ?? this.inForce.data ?? undefined;
  }

  constructor() {
    super();
    this.companions = [];
    this.values = {};
    this.photos = [];
    this.problems = [];
    this.pending = 0;
    this.busy = false;
    this.preview = false;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    void this.sendPending();
  }

  /** The form's values as `records.draft` takes them. */
  get record() {
    return recordFromValues(
      { kind: this.kind ?? "universal", term: this.term ?? "", ...this.values },
      {
        ...(this.appointmentId ? { appointmentId: this.appointmentId } : {}),
        ...(this.activeTemplate ? { template: this.activeTemplate } : {}),
      },
    );
  }

  /** Sends the drafts waiting on this device (called when the browser comes back online). */
  async sendPending(): Promise<SentDraft[]> {
    const client = this.client;
    const api = this.apiSettings;
    if (client === undefined || api === undefined) return [];
    if (!this.network.online) {
      this.pending = (await this.drafts.all()).length;
      return [];
    }
    const { sent, failed } = await flushDrafts(client, api, this.drafts, this.loc);
    this.pending = (await this.drafts.all()).length;
    for (const s of sent) this.announceSent(s);
    const real = failed.find((f) => !isNetworkError(f.error));
    if (real) this.notice = { tone: "error", text: errorMessages(real.error).join("；") };
    return sent;
  }

  private announceSent(sent: SentDraft): void {
    if (sent.submitted) {
      this.notice = { tone: "ok", text: this.t("submitted") };
      this.emit("hv-record-submitted", {
        recordId: sent.recordId,
        version: sent.version,
        idempotencyKey: sent.idempotencyKey,
      });
    } else {
      this.notice = { tone: "ok", text: this.t("savedDraft") };
      this.emit("hv-record-saved", { idempotencyKey: sent.idempotencyKey, recordId: sent.recordId, onDevice: false });
    }
    if (sent.idempotencyKey === this.idempotencyKey) this.idempotencyKey = undefined;
  }

  private async save(submit: boolean): Promise<void> {
    if (this.busy || this.studentId === undefined) return;
    const record = this.record;
    const template = this.activeTemplate;
    const custom = (record as { customFields?: { values: Record<string, unknown> } }).customFields?.values ?? {};
    this.problems = [
      ...(submit ? submissionProblems(record, this.studentId, this.loc) : []),
      // The school's own rules (patterns, ranges) hold for a draft too; required ones at submit.
      ...(template ? customFieldProblems(template, custom, this.loc) : []).filter(
        (p) => submit || !/required/.test(p.code ?? ""),
      ),
    ];
    if (this.problems.length > 0) {
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLElement>("#problems")?.focus();
      return;
    }
    this.busy = true;
    try {
      // One key per record being written: a second tap, a retry or a reload sends the same one.
      this.idempotencyKey ??= crypto.randomUUID();
      const draft: StoredDraft = {
        idempotencyKey: this.idempotencyKey,
        studentId: this.studentId,
        record,
        photos: this.photos.map((p) => ({ blob: p.blob })),
        submit,
        savedAt: new Date().toISOString(),
      };
      // The device holds the record before any byte goes out: nothing is lost if the network drops.
      await this.drafts.put(draft);
      this.pending = (await this.drafts.all()).length;
      if (!this.network.online) {
        this.notice = { tone: "warn", text: this.t("savedOffline") };
        this.emit("hv-record-saved", { idempotencyKey: draft.idempotencyKey, onDevice: true });
        return;
      }
      const sent = await this.sendPending();
      if (!sent.some((s) => s.idempotencyKey === draft.idempotencyKey) && this.pending > 0 && !this.notice?.text) {
        this.notice = { tone: "warn", text: this.t("savedOffline") };
      }
    } catch (error) {
      this.notice = { tone: "error", text: errorMessages(error).join("；") };
    } finally {
      this.busy = false;
    }
  }

  private readonly onInput = (event: Event) => {
    const el = event.target as HTMLInputElement;
    if (!el.name) return;
    const next = { ...this.values };
    if (el.type === "checkbox" && el.dataset.multi !== undefined) {
      const current = Array.isArray(next[el.name]) ? (next[el.name] as string[]) : [];
      next[el.name] = el.checked ? [...current, el.value] : current.filter((v) => v !== el.value);
    } else if (el.type === "checkbox") {
      next[el.name] = el.checked;
    } else if (el.type === "radio") {
      if (el.checked) next[el.name] = el.value;
    } else if (el.type !== "file") {
      next[el.name] = el.value;
    }
    this.values = next;
  };

  private async onPhotos(event: Event): Promise<void> {
    const input = event.target as HTMLInputElement;
    const files = [...(input.files ?? [])];
    input.value = "";
    const prepared = await Promise.all(files.map((f) => preparePhoto(f)));
    this.photos = [...this.photos, ...prepared].slice(0, 20);
  }

  private check(name: string, value: string, text: string, multi = true): TemplateResult {
    const current = this.values[name];
    const checked = Array.isArray(current) ? current.includes(value) : false;
    return html`<label class="check"
      ><input type="checkbox" name=${name} value=${value} ?data-multi=${multi} .checked=${checked} />${text}</label
    >`;
  }

  private radio(name: string, value: string, text: string, fallback?: string): TemplateResult {
    const checked = (this.values[name] ?? fallback) === value;
    return html`<label class="check"><input type="radio" name=${name} value=${value} .checked=${checked} />${text}</label>`;
  }

  private textField(name: string, text: string, multiline = false, type = "text"): TemplateResult {
    const value = String(this.values[name] ?? "");
    const invalid = this.problems.some((p) => p.name === name || p.name.startsWith(`${name}.`));
    return html`<label class="field"
      ><span>${text}</span>${
        multiline
          ? html`<textarea name=${name} .value=${value} aria-invalid=${invalid ? "true" : "false"}></textarea>`
          : html`<input type=${type} name=${name} .value=${value} aria-invalid=${invalid ? "true" : "false"} />`
      }</label
    >`;
  }

  private renderSection(key: (typeof visitSectionKeys)[number]): TemplateResult {
    const meta = visitSectionLabels[key];
    // Task 6 has two halves (parents' opinions, the teacher's reflection): the second says so
    // rather than repeating the number.
    const before = visitSectionKeys[visitSectionKeys.indexOf(key) - 1];
    const number =
      before !== undefined && visitSectionLabels[before].task === meta.task
        ? this.t("taskContinued", { n: meta.task })
        : `${meta.task}.`;
    return html`<fieldset part="section" id=${`section-${key}`}>
      <legend>${number} ${label(meta.label, this.loc)}</legend>
      ${sectionInputs[key].map((input) => {
        const name = `${key}.${input.name}`;
        if (input.kind === "text") return this.textField(name, label(input.label, this.loc), true);
        const options = input.options ?? [];
        return html`<div role="group" aria-label=${label(input.label, this.loc)}>
          ${options.map((o) =>
            input.kind === "topics"
              ? this.check(name, o, label(wordsFor(visitTopicLabels, o), this.loc))
              : this.radio(name, o, label(wordsFor(visitTopicLabels, o), this.loc)),
          )}
        </div>`;
      })}
    </fieldset>`;
  }

  private renderConduct(): TemplateResult {
    return html`<fieldset part="section" id="section-conduct">
      <legend>${this.t("conduct")}</legend>
      ${conductRules.map((rule) => {
        const name = `conduct.${rule.id}`;
        const invalid = this.problems.some((p) => p.name.startsWith(`conduct.items.${rule.id}`));
        return html`<div role="radiogroup" aria-label=${label(rule.text, this.loc)} aria-invalid=${invalid ? "true" : "false"}>
          <p>${rule.order}. ${label(rule.attestation, this.loc)}</p>
          ${this.radio(name, "kept", this.t("conductKept"))} ${this.radio(name, "exception", this.t("conductException"))}
          ${this.values[name] === "exception" ? this.textField(`conductNote.${rule.id}`, this.t("exceptionNote"), true) : nothing}
        </div>`;
      })}
    </fieldset>`;
  }

  private renderCustomField(field: FieldDefinition): TemplateResult {
    const name = `custom.${field.key}`;
    const text = label({ "zh-CN": field.label["zh-CN"], en: field.label.en ?? field.label["zh-CN"] }, this.loc);
    switch (field.type) {
      case "boolean":
        return html`<label class="check"><input type="checkbox" name=${name} .checked=${this.values[name] === true} />${text}</label>`;
      case "select":
      case "multiselect":
        return html`<div role="group" aria-label=${text}>
          <p>${text}</p>
          ${field.options.map((o) => {
            const optionText = label({ "zh-CN": o.label["zh-CN"], en: o.label.en ?? o.label["zh-CN"] }, this.loc);
            return field.type === "select"
              ? this.radio(name, o.value, optionText)
              : this.check(name, o.value, optionText);
          })}
        </div>`;
      case "textarea":
        return this.textField(name, text, true);
      case "number":
      case "integer":
      case "rating":
        return this.textField(name, text, false, "number");
      case "date":
        return this.textField(name, text, false, "date");
      case "time":
        return this.textField(name, text, false, "time");
      case "phone":
        return this.textField(name, text, false, "tel");
      default:
        return this.textField(name, text);
    }
  }

  private renderPhotos(): TemplateResult {
    return html`<fieldset part="section" id="section-photos">
      <legend>${this.t("photos")}</legend>
      <p class="muted">${this.t("photoNote")}</p>
      <ul class="plain photos">
        ${this.photos.map(
          (p, i) => html`<li class="photo">
            <span>${p.width}×${p.height}</span>
            <button type="button" class="secondary" @click=${() => {
              this.photos = this.photos.filter((_, j) => j !== i);
            }}>${this.t("removePhoto", { n: i + 1 })}</button>
          </li>`,
        )}
      </ul>
      <label class="button secondary"
        >${this.t("addPhoto")}<input
          class="sr-only"
          type="file"
          accept="image/jpeg,image/png,image/webp"
          multiple
          @change=${(e: Event) => void this.onPhotos(e)}
      /></label>
    </fieldset>`;
  }

  private renderBasics(): TemplateResult {
    const channel = String(this.values.channel ?? "in_home");
    return html`<fieldset part="section" id="section-basics">
      <legend>${this.studentName ?? this.t("student")}</legend>
      <label class="field"
        ><span>${this.t("kind")}</span
        ><select name="kind" .value=${String(this.values.kind ?? this.kind ?? "universal")}>
          ${visitKinds.map((k) => html`<option value=${k}>${label(visitKindLabels[k], this.loc)}</option>`)}
        </select></label
      >
      <div role="radiogroup" aria-label=${this.t("channel")}>
        <p>${this.t("channel")}</p>
        ${visitChannels.map((c) => this.radio("channel", c, label(visitChannelLabels[c], this.loc), "in_home"))}
      </div>
      ${
        channel === "alternative_venue"
          ? html`${this.textField("venue", this.t("venue"))}${this.textField("venueReason", this.t("venueReason"))}`
          : nothing
      }
      <div class="grid">
        ${this.textField("arrivedAt", this.t("arrivedAt"), false, "datetime-local")}
        ${this.textField("departedAt", this.t("departedAt"), false, "datetime-local")}
      </div>
      <div role="group" aria-label=${this.t("attendees")} id="section-attendees">
        <p>${this.t("attendees")}</p>
        <label class="check"
          ><input type="checkbox" name="studentPresent" .checked=${this.values.studentPresent === true} />${this.t(
            "studentPresent",
          )}</label
        >
        ${guardianOptions.map((r) => this.check("guardians", r, label(wordsFor(guardianRelationLabels, r), this.loc)))}
      </div>
      ${
        this.companions.length > 0
          ? html`<div role="group" aria-label=${this.t("companions")}>
            <p>${this.t("companions")}</p>
            ${this.companions.map((c) => this.check("companionIds", c.id, c.name))}
          </div>`
          : nothing
      }
      <div role="group" aria-label=${this.t("outreachGoals")} id="section-outreachGoals">
        <p>${this.t("outreachGoals")}</p>
        ${outreachGoals.map((g) => this.check("outreachGoals", g, label(outreachGoalLabels[g].label, this.loc)))}
      </div>
    </fieldset>`;
  }

  /** The school's fields, those whose show-if does not hold left out (as the server drops them). */
  private renderCustomFields(): TemplateResult | typeof nothing {
    const template = this.activeTemplate;
    if (!template || template.fields.length === 0) return nothing;
    const values = (this.record as { customFields?: { values: Record<string, unknown> } }).customFields?.values ?? {};
    let shown: Set<string>;
    try {
      shown = new Set(visibleFields(template, values));
    } catch {
      // A template core cannot compile (a host's hand-made one): show every field, let the server judge.
      shown = new Set(template.fields.map((f) => f.key));
    }
    return html`<fieldset part="section" id="section-custom">
      <legend>${this.t("customFields")}</legend>
      ${template.fields.filter((f) => shown.has(f.key)).map((f) => this.renderCustomField(f))}
    </fieldset>`;
  }

  override render(): TemplateResult {
    return html`<form part="form" novalidate @input=${this.onInput} @change=${this.onInput} @submit=${(e: Event) => {
      e.preventDefault();
      void this.save(true);
    }}>
      ${!this.network.online ? html`<p class="banner warn" part="banner" role="status">${this.t("offline")}</p>` : nothing}
      ${this.pending > 0 ? html`<p class="banner" part="banner" role="status">${this.t("pendingDrafts", { count: this.pending })}</p>` : nothing}
      ${
        this.problems.length > 0
          ? html`<div class="banner error" part="banner" id="problems" tabindex="-1" role="alert">
            <p>${this.t("fixProblems")}</p>
            <ul>${this.problems.map((p) => html`<li>${p.message}</li>`)}</ul>
          </div>`
          : nothing
      }
      ${this.renderBasics()}
      <h3>${this.t("tasks")}</h3>
      ${visitSectionKeys.map((k) => this.renderSection(k))} ${this.renderConduct()} ${this.renderPhotos()}
      ${this.renderCustomFields()}
      ${this.notice ? html`<p class="banner ${this.notice.tone}" part="banner" role="status">${this.notice.text}</p>` : nothing}
      <div class="actions">
        <button type="button" class="secondary" part="button" ?disabled=${this.busy} @click=${() => void this.save(false)}>
          ${this.t("saveDraft")}
        </button>
        <button type="submit" part="button" ?disabled=${this.busy}>${this.t("submit")}</button>
      </div>
    </form>`;
  }
}
