/**
 * `@homevisit/core`: the home-visit (家访) domain as zod schemas with inferred types, and pure
 * functions over them. No I/O: the engine reaches storage, clocks and notifications through
 * ports, so everything here runs in Node and in the browser.
 *
 * @packageDocumentation
 */
export * from "./categories.js";
export * from "./conduct.js";
export * from "./custom-fields/index.js";
export * from "./dates.js";
export * from "./engine/index.js";
export * from "./errors/index.js";
export * from "./i18n.js";
export * from "./organisation.js";
export * from "./planning/index.js";
export * from "./policy/index.js";
export * from "./primitives.js";
export * from "./safety.js";
export * from "./sensitivity.js";
export * from "./student.js";
export * from "./visit-plan.js";
export * from "./visit-record.js";
