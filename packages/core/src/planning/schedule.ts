/** The scheduler: see `./schedule/` (kept so that imports of this path still resolve). */
export * from "./schedule/index.js";
