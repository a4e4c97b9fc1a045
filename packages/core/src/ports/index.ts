/**
 * The storage and blob store ports, the entities they keep, the audit hash chain and the helpers
 * adapters share; published as `@homevisit/core/storage`. Imports only `../domain/` and
 * `../shared/`.
 */
export * from "./adapter-kit.js";
export * from "./audit-chain.js";
export * from "./blob-store.js";
export * from "./coverage.js";
export * from "./entities.js";
export * from "./paging.js";
export * from "./storage.js";
export * from "./raw-read-back.js";
export * from "./roster.js";
export * from "../shared/crypto/sha256.js";
