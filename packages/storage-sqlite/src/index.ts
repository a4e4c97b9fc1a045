/**
 * `@homevisit/storage-sqlite`: the embedded default storage of homevisit — SQLite through
 * better-sqlite3, a file or `:memory:` — plus blob stores in SQLite and in a directory.
 *
 * @packageDocumentation
 */
export * from "./fs-blobs.js";
export * from "./sqlite-driver.js";
export * from "./sqlite-store.js";
export * from "./wal-checkpoint.js";
export * from "./wal-sync.js";
