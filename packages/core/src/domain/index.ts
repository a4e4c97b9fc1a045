/**
 * The domain: every zod schema and pure rule of the programme (organisation, students,
 * categories, visit records, conduct, safety, appointments, consent, plans, custom fields).
 * Imports nothing but zod and `../shared/`.
 */
export * from "./appointment/index.js";
export * from "./categories.js";
export * from "./conduct.js";
export * from "./consent.js";
export * from "./custom-fields/index.js";
export * from "./organisation.js";
export * from "./photo.js";
export * from "./planning.js";
export * from "./roster.js";
export * from "./safety.js";
export * from "./student.js";
export * from "./visit-plan/index.js";
export * from "./visit-record.js";
export * from "./visit-sections.js";
export * from "./workflow-events.js";
export * from "./workflow-records.js";
