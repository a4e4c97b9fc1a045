import {
  checkPattern,
  type FieldDefinitionInput,
  type FieldType,
  type FormTemplate,
  fieldTypes,
  type Sensitivity,
  sensitivityClasses,
  sensitivityClassLabels,
} from "@homevisit/core";
import { html, nothing, type TemplateResult } from "lit";
import { errorMessages, type WidgetClient } from "./api.js";
import { HomevisitElement } from "./base.js";
import { MutationController } from "./controllers.js";
import { HvVisitRecordForm } from "./visit-record-form.js";

/** A field as the designer edits it: a definition as a school writes it, plus a lock flag. */
export interface DesignerField {
  type: FieldType;
  key: string;
  label: { "zh-CN": string; en?: string };
  required?: boolean;
  sensitivity?: Sensitivity;
  options?: { value: string; label: { "zh-CN": string; en?: string } }[];
  showIf?: { field: string; equals: string | number | boolean };
  pattern?: string;
  patternMessage?: { "zh-CN": string; en?: string };
  /** Inherited from the form above: only `required` may change. */
  locked?: boolean;
}

/** What the designer's publish answers, for `hv-form-published`. */
export interface FormPublishedDetail {
  formId: string;
  templateId: string;
  version: number;
  added: string[];
}

const typeNames: Record<FieldType, { "zh-CN": string; en: string }> = {
  text: { "zh-CN": "单行文本", en: "Text" },
  textarea: { "zh-CN": "多行文本", en: "Long text" },
  number: { "zh-CN": "数字", en: "Number" },
  integer: { "zh-CN": "整数", en: "Whole number" },
  boolean: { "zh-CN": "是/否", en: "Yes/no" },
  date: { "zh-CN": "日期", en: "Date" },
  time: { "zh-CN": "时间", en: "Time" },
  select: { "zh-CN": "单选", en: "Choice" },
  multiselect: { "zh-CN": "多选", en: "Choices" },
  phone: { "zh-CN": "电话", en: "Phone" },
  photo: { "zh-CN": "照片", en: "Photo" },
  rating: { "zh-CN": "评分", en: "Rating" },
};

const words = {
  add: { "zh-CN": "添加字段", en: "Add a field" },
  up: { "zh-CN": "上移", en: "Up" },
  down: { "zh-CN": "下移", en: "Down" },
  remove: { "zh-CN": "删除", en: "Remove" },
  key: { "zh-CN": "键名", en: "Key" },
  labelZh: { "zh-CN": "中文名称", en: "Label (zh-CN)" },
  labelEn: { "zh-CN": "英文名称", en: "Label (en)" },
  required: { "zh-CN": "必填", en: "Required" },
  sensitivity: { "zh-CN": "敏感级别", en: "Sensitivity" },
  options: { "zh-CN": "选项（每行：值=中文|English）", en: "Options (one a line: value=中文|English)" },
  showIf: { "zh-CN": "显示条件：当字段", en: "Show when field" },
  equals: { "zh-CN": "等于", en: "equals" },
  pattern: { "zh-CN": "格式规则（正则）", en: "Pattern (regular expression)" },
  patternMessage: { "zh-CN": "格式不符时的提示", en: "Message when it does not match" },
  inherited: { "zh-CN": "上级表单字段（只可改为必填）", en: "From the form above (may only be made required)" },
  save: { "zh-CN": "保存草稿", en: "Save draft" },
  review: { "zh-CN": "发布…", en: "Publish…" },
  confirm: { "zh-CN": "确认发布", en: "Publish now" },
  preview: { "zh-CN": "预览（教师看到的表单）", en: "Preview (what teachers see)" },
  summary: { "zh-CN": "发布后教师将看到的变化", en: "What changes for teachers" },
  addedFields: { "zh-CN": "新增字段", en: "New fields" },
  removedFields: { "zh-CN": "删除字段", en: "Removed fields" },
  nowRequired: { "zh-CN": "改为必填", en: "Now required" },
  published: { "zh-CN": "已发布", en: "Published" },
  none: { "zh-CN": "无", en: "None" },
  name: { "zh-CN": "表单名称", en: "Form name" },
} as const;

/** Options written one a line as `value=中文|English`. */
function parseOptions(text: string): DesignerField["options"] {
  return text
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "")
    .map((line) => {
      const [value = "", labels = ""] = line.split("=");
      const [zh = value, en] = labels.split("|");
      return { value: value.trim(), label: { "zh-CN": zh.trim() || value.trim(), ...(en ? { en: en.trim() } : {}) } };
    });
}

function optionsText(options: DesignerField["options"]): string {
  return (options ?? []).map((o) => `${o.value}=${o.label["zh-CN"]}${o.label.en ? `|${o.label.en}` : ""}`).join("\n");
}

/**
 * The definitions the API takes from the designer's fields: the designer's own marks (locked
 * fields of the form above) dropped, options kept only for choice fields.
 *
 * @example
 * ```ts
 * designerDefinitions([{ type: "text", key: "pets", label: { "zh-CN": "宠物种类" }, required: true }]);
 * // [{ type: "text", key: "pets", label: { "zh-CN": "宠物种类" }, required: true }]
 * ```
 */
export function designerDefinitions(fields: readonly DesignerField[]): FieldDefinitionInput[] {
  return fields.map(({ locked: _locked, ...f }) => {
    const def: Record<string, unknown> = { type: f.type, key: f.key, label: f.label, required: f.required ?? false };
    if (f.sensitivity) def.sensitivity = f.sensitivity;
    if ((f.type === "select" || f.type === "multiselect") && f.options) def.options = f.options;
    if (f.showIf?.field) def.showIf = f.showIf;
    if (f.type === "text" && f.pattern) def.pattern = f.pattern;
    if (f.type === "text" && f.pattern && f.patternMessage?.["zh-CN"]) def.patternMessage = f.patternMessage;
    return def as FieldDefinitionInput;
  });
}

/**
 * `<hv-form-designer>`: a school administrator (or a bureau) designs the visit form's own
 * fields without code — add, reorder and remove fields of every type, options, required,
 * show-if conditions, linear-time patterns (checked as typed: look-around and back-references
 * are refused), sensitivity, zh-CN and en labels — with a live preview that is
 * `<hv-visit-record-form>` itself, then publishes after a summary of what changes for teachers.
 * Fields inherited from the county or city form are shown locked (only "required" may change).
 *
 * Properties: `level` (`school`, `county`, `city`; default `school`), `scopeId`
 * (`scope-id`), `formId` (`form-id`: a draft to continue), plus `api` / `base-url` and `locale`.
 * Events: `hv-form-published` (`{ formId, templateId, version, added }`).
 *
 * @example
 * ```ts
 * import { HvFormDesigner } from "@homevisit/widgets";
 * customElements.define("hv-form-designer", HvFormDesigner);
 * // <hv-form-designer base-url="/api/homevisit" scope-id="sch-1"></hv-form-designer>
 * ```
 */
export class HvFormDesigner extends HomevisitElement {
  static override properties = {
    ...HomevisitElement.properties,
    level: {},
    scopeId: { attribute: "scope-id" },
    formId: { attribute: "form-id" },
    fields: { attribute: false },
    name: { attribute: false },
    state: { state: true },
  };
  declare level: "school" | "county" | "city";
  declare scopeId: string | undefined;
  declare formId: string | undefined;
  /** The fields being designed (the form above's first, locked). */
  declare fields: DesignerField[];
  declare name: string;
  declare state: {
    rowVersion?: number;
    summary?: { added: { key: string }[]; removed: { key: string }[]; nowRequired: { key: string }[] };
    confirming?: boolean;
    published?: boolean;
    loaded?: boolean;
    /** Why the form in force could not be read: shown, so nobody designs over it unknowingly. */
    loadError?: unknown;
  };

  private readonly saving = new MutationController(this);

  constructor() {
    super();
    this.level = "school";
    this.fields = [];
    this.name = "";
    this.state = {};
  }

  private w(key: keyof typeof words): string {
    return words[key][this.loc];
  }

  override updated(changed: Map<PropertyKey, unknown>): void {
    super.updated(changed);
    if (!this.state.loaded && this.client) void this.load();
  }

  /** Starts from the form in force (its fields are kept; those of the form above are locked). */
  private async load(): Promise<void> {
    this.state = { ...this.state, loaded: true };
    const client = this.client as WidgetClient;
    try {
      if (this.formId) {
        const form = await client.forms.get({ formId: this.formId });
        const preview = await client.forms.preview({ formId: this.formId });
        this.useTemplate(form.form.template, preview.parent ?? undefined);
        this.state = { ...this.state, rowVersion: form.version, loaded: true };
        return;
      }
      if (this.level !== "school") {
        // A bureau continues from its own newest published version (the form "in force" is a
        // school's: the county's and the city's fields merged with the school's own).
        if (!this.scopeId) return;
        const { items } = await client.forms.list({ level: this.level, scopeId: this.scopeId, status: "published" });
        const newest = items[0];
        if (newest && this.fields.length === 0) {
          const preview = await client.forms.preview({ formId: newest.form.id });
          this.useTemplate(newest.form.template, preview.parent ?? undefined);
        }
        return;
      }
      const current = await client.forms.current(this.scopeId ? { schoolId: this.scopeId } : {});
      if (current.template && this.fields.length === 0) this.useTemplate(current.template, current.template);
    } catch (error) {
      // Nothing in force answers empty, not an error: this is a refusal or a failed request.
      this.state = { ...this.state, loadError: error };
    }
  }

  private useTemplate(template: FormTemplate, parent: FormTemplate | undefined): void {
    const locked = new Set(
      parent?.scope.level === this.level && parent.scope.id === this.scopeId
        ? []
        : (parent?.fields ?? []).map((f) => f.key),
    );
    this.name = this.name || template.name["zh-CN"];
    this.fields = template.fields.map((f) => ({
      type: f.type,
      key: f.key,
      label: f.label,
      required: f.required,
      sensitivity: f.sensitivity,
      ...("options" in f ? { options: f.options } : {}),
      ...(f.showIf?.equals !== undefined ? { showIf: { field: f.showIf.field, equals: f.showIf.equals } } : {}),
      ...(f.type === "text" && f.pattern ? { pattern: f.pattern } : {}),
      ...(f.type === "text" && f.patternMessage ? { patternMessage: f.patternMessage } : {}),
      locked: locked.has(f.key),
    }));
  }

  /** The draft as a template, for the live preview. */
  private previewTemplate(): FormTemplate | undefined {
    const fields = designerDefinitions(this.fields).filter((f) => f.key && f.label["zh-CN"]);
    return {
      id: "preview",
      version: 1,
      scope: { level: this.level, id: this.scopeId ?? "preview" },
      name: { "zh-CN": this.name || "预览", en: this.name || "Preview" },
      fields: fields.map((f) => ({
        ...f,
        label: { "zh-CN": f.label["zh-CN"], en: f.label.en ?? f.label["zh-CN"] },
        required: f.required ?? false,
        sensitivity: f.sensitivity ?? "sensitive",
        ...("options" in f
          ? {
              options: (f.options ?? []).map((o) => ({
                value: o.value,
                label: { "zh-CN": o.label["zh-CN"], en: o.label.en ?? o.label["zh-CN"] },
              })),
            }
          : {}),
        ...(f.type === "rating" ? { max: 5 } : {}),
        ...(f.type === "photo" ? { maxCount: 9 } : {}),
      })),
      status: "draft",
      createdAt: "2026-01-01T00:00:00Z",
    } as FormTemplate;
  }

  private change(index: number, patch: Partial<DesignerField>): void {
    this.fields = this.fields.map((f, i) => (i === index ? { ...f, ...patch } : f));
  }

  private move(index: number, by: number): void {
    const to = index + by;
    if (to < 0 || to >= this.fields.length) return;
    const next = [...this.fields];
    const [field] = next.splice(index, 1);
    if (field) next.splice(to, 0, field);
    this.fields = next;
  }

  private add(type: FieldType): void {
    let n = this.fields.length + 1;
    while (this.fields.some((f) => f.key === `field${n}`)) n++;
    this.fields = [
      ...this.fields,
      {
        type,
        key: `field${n}`,
        label: { "zh-CN": "" },
        required: false,
        sensitivity: "sensitive",
        ...(type === "select" || type === "multiselect" ? { options: [] } : {}),
      },
    ];
  }

  /** Saves the draft (creating it the first time) and asks the server what publishing changes. */
  private async save(): Promise<boolean> {
    const client = this.client as WidgetClient;
    const body = { name: { "zh-CN": this.name || "家访表单" }, fields: designerDefinitions(this.fields) };
    const result = await this.saving.mutate(async () => {
      const saved =
        this.formId && this.state.rowVersion !== undefined
          ? await client.forms.update({ formId: this.formId, expectedVersion: this.state.rowVersion, ...body } as never)
          : await client.forms.draft({ level: this.level, scopeId: this.scopeId ?? "", ...body } as never);
      this.formId = saved.form.id;
      const preview = await client.forms.preview({ formId: saved.form.id });
      this.state = { ...this.state, rowVersion: saved.version, summary: preview.summary };
      return saved;
    });
    return result !== undefined;
  }

  private async publish(): Promise<void> {
    const client = this.client as WidgetClient;
    if (!this.formId || this.state.rowVersion === undefined) return;
    const result = await this.saving.mutate(() =>
      client.forms.publish({ formId: this.formId as string, expectedVersion: this.state.rowVersion as number }),
    );
    if (!result) return;
    this.state = { ...this.state, published: true, confirming: false, rowVersion: result.version };
    this.emit<FormPublishedDetail>("hv-form-published", {
      formId: result.form.id,
      templateId: result.form.template.id,
      version: result.form.template.version,
      added: result.summary.added.map((f) => f.key),
    });
  }

  private patternProblem(pattern: string | undefined): string | undefined {
    if (!pattern) return undefined;
    return checkPattern(pattern)?.reason;
  }

  private renderField(field: DesignerField, index: number): TemplateResult {
    const lock = field.locked === true;
    const others = this.fields.filter((f) => f.key !== field.key && (f.type === "boolean" || f.type === "select"));
    const problem = field.type === "text" ? this.patternProblem(field.pattern) : undefined;
    return html`<fieldset part="section" data-key=${field.key}>
      <legend>${typeNames[field.type][this.loc]}${lock ? html` · <small>${this.w("inherited")}</small>` : nothing}</legend>
      <label>${this.w("key")} <input name="key" .value=${field.key} ?disabled=${lock}
        @input=${(e: Event) => this.change(index, { key: (e.target as HTMLInputElement).value })} /></label>
      <label>${this.w("labelZh")} <input name="labelZh" .value=${field.label["zh-CN"]} ?disabled=${lock}
        @input=${(e: Event) => this.change(index, { label: { ...field.label, "zh-CN": (e.target as HTMLInputElement).value } })} /></label>
      <label>${this.w("labelEn")} <input name="labelEn" .value=${field.label.en ?? ""} ?disabled=${lock}
        @input=${(e: Event) => this.change(index, { label: { ...field.label, en: (e.target as HTMLInputElement).value || undefined } as DesignerField["label"] })} /></label>
      <label><input type="checkbox" name="required" .checked=${field.required === true}
        @change=${(e: Event) => this.change(index, { required: (e.target as HTMLInputElement).checked })} /> ${this.w("required")}</label>
      <label>${this.w("sensitivity")} <select name="sensitivity" ?disabled=${lock}
        @change=${(e: Event) => this.change(index, { sensitivity: (e.target as HTMLSelectElement).value as Sensitivity })}>
        ${sensitivityClasses.map((s) => html`<option value=${s} ?selected=${(field.sensitivity ?? "sensitive") === s}>${sensitivityClassLabels[s][this.loc]}</option>`)}
      </select></label>
      ${
        field.type === "select" || field.type === "multiselect"
          ? html`<label>${this.w("options")} <textarea name="options" .value=${optionsText(field.options)} ?disabled=${lock}
              @change=${(e: Event) => this.change(index, { options: parseOptions((e.target as HTMLTextAreaElement).value) })}></textarea></label>`
          : nothing
      }
      ${
        field.type === "text"
          ? html`<label>${this.w("pattern")} <input name="pattern" .value=${field.pattern ?? ""} ?disabled=${lock}
                aria-invalid=${problem ? "true" : "false"}
                @input=${(e: Event) => this.change(index, { pattern: (e.target as HTMLInputElement).value || undefined })} /></label>
              ${problem ? html`<p role="alert" class="error">${problem}</p>` : nothing}
              <label>${this.w("patternMessage")} <input name="patternMessage" .value=${field.patternMessage?.["zh-CN"] ?? ""} ?disabled=${lock}
                @input=${(e: Event) => this.change(index, { patternMessage: { "zh-CN": (e.target as HTMLInputElement).value } })} /></label>`
          : nothing
      }
      <label>${this.w("showIf")} <select name="showIfField" ?disabled=${lock}
        @change=${(e: Event) => {
          const target = (e.target as HTMLSelectElement).value;
          const controller = this.fields.find((f) => f.key === target);
          const equals = controller?.type === "boolean" ? true : (controller?.options?.[0]?.value ?? "");
          this.change(
            index,
            target ? { showIf: { field: target, equals } } : ({ showIf: undefined } as Partial<DesignerField>),
          );
        }}>
        <option value="">—</option>
        ${others.map((o) => html`<option value=${o.key} ?selected=${field.showIf?.field === o.key}>${o.label["zh-CN"] || o.key}</option>`)}
      </select></label>
      ${
        field.showIf
          ? html`<label>${this.w("equals")} <input name="showIfEquals" .value=${String(field.showIf.equals)} ?disabled=${lock}
              @input=${(e: Event) => {
                const raw = (e.target as HTMLInputElement).value;
                const equals = raw === "true" ? true : raw === "false" ? false : raw;
                this.change(index, { showIf: { field: field.showIf?.field ?? "", equals } });
              }} /></label>`
          : nothing
      }
      <div class="actions">
        <button part="button" type="button" @click=${() => this.move(index, -1)}>${this.w("up")}</button>
        <button part="button" type="button" @click=${() => this.move(index, 1)}>${this.w("down")}</button>
        ${lock ? nothing : html`<button part="button" type="button" name="remove" @click=${() => (this.fields = this.fields.filter((_, i) => i !== index))}>${this.w("remove")}</button>`}
      </div>
    </fieldset>`;
  }

  private renderSummary(): TemplateResult {
    const s = this.state.summary;
    const list = (items: { key: string }[] | undefined) =>
      items && items.length > 0 ? items.map((i) => i.key).join("、") : this.w("none");
    return html`<section part="banner" role="dialog" aria-label=${this.w("summary")}>
      <h3>${this.w("summary")}</h3>
      <p>${this.w("addedFields")}：${list(s?.added)}</p>
      <p>${this.w("nowRequired")}：${list(s?.nowRequired)}</p>
      <p>${this.w("removedFields")}：${list(s?.removed)}</p>
      <button part="button" type="button" name="confirm" @click=${() => this.publish()}>${this.w("confirm")}</button>
    </section>`;
  }

  override render(): TemplateResult {
    const errors = [
      ...(this.state.loadError === undefined ? [] : errorMessages(this.state.loadError)),
      ...(this.saving.status === "error" ? errorMessages(this.saving.error) : []),
    ];
    const preview = this.previewTemplate();
    ensurePreviewElement();
    return html`<div part="form" class="designer">
      <label>${this.w("name")} <input name="formName" .value=${this.name}
        @input=${(e: Event) => (this.name = (e.target as HTMLInputElement).value)} /></label>
      ${this.fields.map((f, i) => this.renderField(f, i))}
      <label>${this.w("add")} <select name="addType" @change=${(e: Event) => {
        const select = e.target as HTMLSelectElement;
        if (select.value) this.add(select.value as FieldType);
        select.value = "";
      }}>
        <option value="">—</option>
        ${fieldTypes.map((t) => html`<option value=${t}>${typeNames[t][this.loc]}</option>`)}
      </select></label>
      ${errors.length > 0 ? html`<ul role="alert" class="error">${errors.map((m) => html`<li>${m}</li>`)}</ul>` : nothing}
      <div class="actions">
        <button part="button" type="button" name="save" @click=${() => this.save()}>${this.w("save")}</button>
        <button part="button" type="button" name="review" @click=${async () => {
          if (await this.save()) this.state = { ...this.state, confirming: true };
        }}>${this.w("review")}</button>
      </div>
      ${this.state.confirming ? this.renderSummary() : nothing}
      ${this.state.published ? html`<p role="status">${this.w("published")}</p>` : nothing}
      <h3>${this.w("preview")}</h3>
      <hv-visit-record-form part="card" .template=${preview} locale=${this.loc} preview></hv-visit-record-form>
    </div>`;
  }
}

/** The preview is the record form itself: registered under its default name when missing. */
function ensurePreviewElement(): void {
  if (typeof customElements !== "undefined" && customElements.get("hv-visit-record-form") === undefined) {
    customElements.define("hv-visit-record-form", class extends HvVisitRecordForm {});
  }
}
