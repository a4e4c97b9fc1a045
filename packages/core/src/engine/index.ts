/**
 * The engine: use cases that take the host's actor, enforce the policy matrix, audit, and
 * write domain events to the outbox, all through the storage port.
 */
export * from "./areas/index.js";
export * from "./areas/audit.js";
export * from "./audit-changes.js";
export * from "./config.js";
export * from "./areas/consent.js";
export * from "./consent-gate.js";
export * from "./areas/data-rights.js";
export * from "./engine.js";
export * from "./event-bus.js";
export * from "./events.js";
export * from "./areas/organisation.js";
export * from "./plugins.js";
export * from "./policy/index.js";
export * from "./areas/reports.js";
export * from "./areas/roster.js";
export * from "./runner.js";
export * from "./areas/students.js";
export * from "./targets.js";
export * from "./use-case.js";
export * from "./util.js";
