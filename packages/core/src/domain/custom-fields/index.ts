/**
 * Custom fields: schools extend visit forms without code. Field definitions are grouped into
 * versioned form templates scoped to a city, county or school; a template compiles to a zod
 * schema and a JSON Schema, and records keep the template id and version they were written with.
 */

export * from "./aggregate.js";
export * from "./compile.js";
export * from "./export-table.js";
export * from "./fields.js";
export * from "./inheritance.js";
export * from "./linear-pattern.js";
export * from "./safe-pattern.js";
export * from "./template.js";
export * from "./typed-values.js";
export * from "./versions.js";
