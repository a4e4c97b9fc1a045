/**
 * `@homevisit/client`: a typed fetch client of the homevisit REST API for browsers and Node,
 * derived from the engine's use case schemas in core — every route typed, errors as typed
 * problems, automatic idempotency keys on retried creates, ETag / `If-Match` handling, and
 * opt-in conditional GETs (`If-None-Match`). It
 * imports nothing server-side (no storage, no `node:` modules).
 *
 * @packageDocumentation
 */
export * from "./cache.js";
export * from "./client.js";
export * from "./errors.js";
export * from "./route-table.js";
export * from "./routes.js";
export * from "./transport.js";
