// What the widget examples' tests share: Chromium with its checks, and the scenarios every
// framework host page must pass.
export * from "./chromium.js";
export { frameworkHostCase } from "./host-case.js";
