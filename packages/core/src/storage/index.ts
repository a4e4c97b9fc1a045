/**
 * `@homevisit/core/storage`: the storage and blob store ports, the entities they keep, the
 * audit hash chain and the helpers adapters share. Interfaces and pure functions only.
 *
 * @packageDocumentation
 */
export * from "./adapter-kit.js";
export * from "./audit-chain.js";
export * from "./blob-store.js";
export * from "./coverage.js";
export * from "./entities.js";
export * from "./paging.js";
export * from "./port.js";
export * from "./raw-read-back.js";
export * from "./roster.js";
export * from "./sha256.js";
