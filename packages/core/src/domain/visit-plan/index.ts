/**
 * The personalised visit plan (R7): the trigger table (which categories and facts call for
 * which goals, talking points and preparations; `table.ts` is data), its schemas, and
 * `derivePersonalisedPlan`.
 */
export * from "./derive.js";
export * from "./schema.js";
export * from "./table.js";
