/**
 * The visit-workflow areas of the engine: plans, appointments, safety, records (with photos),
 * conduct, support and feedback, each an object of use cases for `createEngine` to bind.
 */
export * from "./appointments.js";
export * from "./conduct.js";
export * from "./feedback.js";
export * from "./plans.js";
export * from "./records.js";
export * from "./safety.js";
export * from "./shared.js";
export * from "./support.js";
