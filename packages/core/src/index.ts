/**
 * `@homevisit/core`: the home-visit (家访) domain as zod schemas with inferred types, and pure
 * functions over them. No I/O: the engine reaches storage, clocks and notifications through
 * ports, so everything here runs in Node and in the browser.
 *
 * The rooms, from the ground up (docs/architecture.md): `shared/` → `domain/` → `planning/` and
 * `ports/` → `engine/`.
 *
 * @packageDocumentation
 */
export * from "./domain/index.js";
export * from "./engine/index.js";
export * from "./planning/index.js";
export * from "./ports/audit-anchor.js";
export * from "./ports/clock.js";
export * from "./ports/events.js";
export * from "./ports/ids.js";
export * from "./ports/notifier.js";
export * from "./ports/timetable.js";
export * from "./shared/index.js";
