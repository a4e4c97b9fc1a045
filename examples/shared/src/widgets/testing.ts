// What the widget examples' tests share: Chromium with its checks, filling a record form as a
// teacher would, and the scenarios every framework host page must pass.
export * from "./chromium.js";
export { fillVisitRecord } from "./fill-record.js";
export { frameworkHostCase } from "./host-case.js";
