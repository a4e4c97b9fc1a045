export * from "./actor.js";
export * from "./masking.js";
export * from "./matrix-doc.js";
export * from "./policy.js";
