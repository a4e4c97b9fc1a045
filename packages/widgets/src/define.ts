import type { WidgetApi } from "./api.js";
import { HvCoverage } from "./coverage.js";
import { HvFormDesigner } from "./form-designer.js";
import { HvMyVisits } from "./my-visits.js";
import { HvSafetyBoard } from "./safety-board.js";
import { HvStudentArchive } from "./student-archive.js";
import { HvTermPlan } from "./term-plan.js";
import { HvVisitRecordForm } from "./visit-record-form.js";

/** The widgets by their default tag names. */
export const homevisitWidgets = {
  "hv-visit-record-form": HvVisitRecordForm,
  "hv-my-visits": HvMyVisits,
  "hv-student-archive": HvStudentArchive,
  "hv-safety-board": HvSafetyBoard,
  "hv-coverage": HvCoverage,
  "hv-form-designer": HvFormDesigner,
  "hv-term-plan": HvTermPlan,
} as const;

/** A default tag name. */
export type HomevisitTagName = keyof typeof homevisitWidgets;

/**
 * Registers the widgets as custom elements under their default names, or under a prefix of
 * your own (`{ prefix: "campus" }` gives `campus-visit-record-form` …). Guarded: a name already
 * defined is left alone, so calling it twice, or beside another copy, never throws. Importing
 * the package registers nothing; only this call does.
 *
 * @example
 * ```ts
 * import { defineHomevisitWidgets } from "@homevisit/widgets";
 * defineHomevisitWidgets(); // <hv-my-visits>, <hv-coverage> … now work in the page
 * ```
 */
export function defineHomevisitWidgets(
  options: { prefix?: string; registry?: CustomElementRegistry } = {},
): Record<HomevisitTagName, string> {
  const registry = options.registry ?? customElements;
  const names = {} as Record<HomevisitTagName, string>;
  for (const [tag, element] of Object.entries(homevisitWidgets) as [HomevisitTagName, CustomElementConstructor][]) {
    const name = options.prefix ? `${options.prefix}-${tag.slice(3)}` : tag;
    // A subclass per name: one class can back only one name in a registry.
    if (registry.get(name) === undefined) registry.define(name, class extends (element as typeof HTMLElement) {});
    names[tag] = name;
  }
  return names;
}

/** Properties every factory takes. */
export interface WidgetProps {
  api?: WidgetApi;
  baseUrl?: string;
  locale?: string;
}

function make<E extends HTMLElement>(tag: HomevisitTagName, props: object): E {
  const name = defineHomevisitWidgets()[tag];
  return Object.assign(document.createElement(name) as E, props);
}

/**
 * Makes a `<hv-visit-record-form>` (registering the widgets if needed) with typed properties.
 *
 * @example
 * ```ts
 * const form = createVisitRecordForm({ baseUrl: "/api/homevisit", studentId: "stu-0001", term: "2026-2027-1" });
 * form.addEventListener("hv-record-submitted", (e) => console.log(e.detail.recordId));
 * document.body.append(form);
 * ```
 */
export function createVisitRecordForm(
  props: WidgetProps &
    Partial<
      Pick<
        HvVisitRecordForm,
        "studentId" | "studentName" | "term" | "kind" | "appointmentId" | "companions" | "template"
      >
    >,
): HvVisitRecordForm {
  return make<HvVisitRecordForm>("hv-visit-record-form", props);
}

/**
 * Makes a `<hv-my-visits>` with typed properties.
 *
 * @example
 * ```ts
 * document.body.append(createMyVisits({ baseUrl: "/api/homevisit", teacherId: "t-0042" }));
 * ```
 */
export function createMyVisits(
  props: WidgetProps & Partial<Pick<HvMyVisits, "teacherId" | "today" | "phone">>,
): HvMyVisits {
  return make<HvMyVisits>("hv-my-visits", props);
}

/**
 * Makes a `<hv-student-archive>` with typed properties.
 *
 * @example
 * ```ts
 * document.body.append(createStudentArchive({ baseUrl: "/api/homevisit", studentId: "stu-0001" }));
 * ```
 */
export function createStudentArchive(
  props: WidgetProps & Partial<Pick<HvStudentArchive, "studentId" | "studentName">>,
): HvStudentArchive {
  return make<HvStudentArchive>("hv-student-archive", props);
}

/**
 * Makes a `<hv-safety-board>` with typed properties.
 *
 * @example
 * ```ts
 * document.body.append(createSafetyBoard({ baseUrl: "/api/homevisit", teacherNames: { "t-1": "王老师" } }));
 * ```
 */
export function createSafetyBoard(
  props: WidgetProps & Partial<Pick<HvSafetyBoard, "today" | "now" | "teacherNames">>,
): HvSafetyBoard {
  return make<HvSafetyBoard>("hv-safety-board", props);
}

/**
 * Makes a `<hv-coverage>` with typed properties.
 *
 * @example
 * ```ts
 * document.body.append(createCoverage({ baseUrl: "/api/homevisit", groupBy: "class", labels: { "c-7-1": "七年级1班" } }));
 * ```
 */
export function createCoverage(
  props: WidgetProps &
    Partial<
      Pick<
        HvCoverage,
        "from" | "to" | "groupBy" | "groups" | "labels" | "schoolId" | "countyId" | "term" | "terms" | "customFields"
      >
    >,
): HvCoverage {
  return make<HvCoverage>("hv-coverage", props);
}

/**
 * Makes an `<hv-term-plan>` (registering the widgets first) with its properties set.
 *
 * @example
 * ```ts
 * document.body.append(createTermPlan({ baseUrl: "/api/homevisit", term: "2026-2027-1" }));
 * ```
 */
export function createTermPlan(props: WidgetProps & Partial<Pick<HvTermPlan, "term" | "today">>): HvTermPlan {
  return make<HvTermPlan>("hv-term-plan", props);
}

declare global {
  interface HTMLElementTagNameMap {
    "hv-visit-record-form": HvVisitRecordForm;
    "hv-my-visits": HvMyVisits;
    "hv-student-archive": HvStudentArchive;
    "hv-safety-board": HvSafetyBoard;
    "hv-coverage": HvCoverage;
    "hv-form-designer": HvFormDesigner;
    "hv-term-plan": HvTermPlan;
  }
  interface HTMLElementEventMap {
    "hv-record-submitted": import("./visit-record-form.js").RecordSubmittedEvent;
    "hv-record-saved": import("./visit-record-form.js").RecordSavedEvent;
    "hv-appointment-changed": import("./my-visits.js").AppointmentChangedEvent;
    "hv-safety-reported": import("./my-visits.js").SafetyEvent;
    "hv-checked-in": import("./my-visits.js").SafetyEvent;
    "hv-record-requested": import("./my-visits.js").RecordRequestedEvent;
    "hv-archive-opened": import("./student-archive.js").ArchiveOpenedEvent;
    "hv-zero-reported": import("./safety-board.js").ZeroReportedEvent;
    "hv-plan-generated": import("./term-plan.js").PlanEvent;
    "hv-plan-committed": import("./term-plan.js").PlanEvent;
  }
}
