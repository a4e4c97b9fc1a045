export * from "./actor.js";
export * from "./masking.js";
export * from "./policy.js";
