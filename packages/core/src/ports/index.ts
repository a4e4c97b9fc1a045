/**
 * The storage and blob store ports, the entities they keep, the audit hash chain and the helpers
 * adapters share; published as `@homevisit/core/storage`. Imports only `../domain/` and
 * `../shared/`.
 */

// The roster shape `upsertRoster` takes: adapters and their tests build it.
export * from "../domain/roster.js";
// Adapters hash and compare rows with it; it lives with the other primitives in shared/.
export { canonicalJson } from "../shared/canonical-json.js";
export * from "../shared/crypto/sha256.js";
export * from "./adapter-kit.js";
export * from "./audit-anchor.js";
export * from "./audit-chain.js";
// Only the check itself: its plain half is exported for its tests, not for adapters.
export { checkAuditEntry } from "./audit-entry-check.js";
export * from "./blob-store.js";
export * from "./coverage.js";
export * from "./entities.js";
export * from "./paging.js";
export * from "./raw-read-back.js";
export * from "./roster.js";
export * from "./storage.js";
