/**
 * The engine: use cases that take the host's actor, enforce the policy matrix, audit, and
 * write domain events to the outbox, all through the storage port.
 */
export * from "./areas/index.js";
export * from "./audit.js";
export * from "./audit-changes.js";
export * from "./clock.js";
export * from "./config.js";
export * from "./consent.js";
export * from "./consent-gate.js";
export * from "./data-rights.js";
export * from "./engine.js";
export * from "./event-bus.js";
export * from "./events.js";
export * from "./hmac.js";
export * from "./ids.js";
export * from "./notifier.js";
export * from "./organisation.js";
export * from "./plugins.js";
export * from "./records.js";
export * from "./reports.js";
export * from "./roster.js";
export * from "./runner.js";
export * from "./students.js";
export * from "./targets.js";
export * from "./use-case.js";
export * from "./util.js";
