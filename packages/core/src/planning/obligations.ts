/** From rules to obligations: see `./obligations/` (kept so that imports of this path still resolve). */
export * from "./obligations/index.js";
