/**
 * The engine: use cases that take the host's actor, enforce the policy matrix, audit, and
 * write domain events to the outbox, all through the storage port.
 */

export * from "./areas/index.js";
export * from "./audit-changes.js";
export * from "./audit-services.js";
export * from "./config.js";
export * from "./consent-gate.js";
export * from "./contract.js";
export * from "./contracts.js";
export * from "./engine.js";
export * from "./event-bus.js";
export * from "./http-routes.js";
export * from "./plugins.js";
export * from "./policy/index.js";
export * from "./runner.js";
export * from "./schema-components.js";
export * from "./targets.js";
export * from "./telemetry.js";
export * from "./use-case.js";
export * from "./util.js";
export * from "./visibility.js";
