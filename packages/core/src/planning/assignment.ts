/** Who visits whom: see `./assignment/` (kept so that imports of this path still resolve). */
export * from "./assignment/index.js";
