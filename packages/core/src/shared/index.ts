/** Primitives, dates, localised text, sensitivity, errors and hashing: what every room uses. */
export * from "./canonical-json.js";
export * from "./crypto/hmac.js";
export * from "./dates.js";
export * from "./errors/index.js";
export * from "./field-labels.js";
export * from "./i18n.js";
export * from "./primitives.js";
export * from "./sensitivity.js";
