/**
 * `@homevisit/widgets`: Lit web components for the home-visit programme — a visit record form
 * with offline drafts, a teacher's visits, a student's archive, the safety board and coverage
 * charts. Elements are exported as classes and never registered on import: call
 * {@link defineHomevisitWidgets} or `customElements.define` yourself. They talk to the REST API
 * only through `@homevisit/client`, with the host's base URL and login.
 *
 * @packageDocumentation
 */
export * from "./api.js";
export * from "./base.js";
export * from "./chart.js";
export * from "./controllers.js";
export * from "./coverage.js";
export * from "./dates.js";
export * from "./define.js";
export * from "./drafts.js";
export * from "./form-designer.js";
export * from "./i18n.js";
export * from "./my-visits.js";
export * from "./obligations.js";
export * from "./photo.js";
export * from "./record-fields.js";
export * from "./safety-board.js";
export * from "./student-archive.js";
export * from "./styles.js";
export * from "./term-plan.js";
export * from "./visit-record-form.js";
