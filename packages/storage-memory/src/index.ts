/**
 * `@homevisit/storage-memory`: the storage port in memory, for tests, demos and the browser.
 * Records are kept as JSON text (as a database would), so no caller ever shares an object
 * with the store; transactions run one at a time and roll back through an undo journal.
 *
 * @packageDocumentation
 */
export * from "./memory-blobs.js";
export * from "./memory-store.js";
