/**
 * `@homevisit/core/storage`: the storage and blob store ports, the entities they keep, the
 * audit hash chain and the helpers adapters share. Interfaces and pure functions only.
 *
 * @packageDocumentation
 */
export * from "./ports/index.js";
