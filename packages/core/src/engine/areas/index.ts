/**
 * The engine's areas. Each area is a folder with its `contract.ts` (names, actions, schemas and
 * routes: all that REST, OpenAPI and the client read) and its `use-cases.ts` (how each use case
 * finds its target and runs).
 */

export * from "./appointments/contract.js";
export * from "./appointments/use-cases.js";
export * from "./area-kit.js";
export * from "./audit/contract.js";
export * from "./audit/use-cases.js";
export * from "./conduct/contract.js";
export * from "./conduct/use-cases.js";
export * from "./consent/contract.js";
export * from "./consent/use-cases.js";
export * from "./contract-kit.js";
export * from "./data-rights/contract.js";
export * from "./data-rights/use-cases.js";
export * from "./feedback/contract.js";
export * from "./feedback/use-cases.js";
export * from "./forms/contract.js";
export * from "./forms/use-cases.js";
export * from "./me/contract.js";
export * from "./me/use-cases.js";
export * from "./organisation/contract.js";
export * from "./organisation/use-cases.js";
export * from "./plans/contract.js";
export * from "./plans/use-cases.js";
export * from "./records/contract.js";
export * from "./records/use-cases.js";
export * from "./reports/contract.js";
export * from "./reports/use-cases.js";
export * from "./roster/contract.js";
export * from "./roster/use-cases.js";
export * from "./safety/contract.js";
export * from "./safety/use-cases.js";
export * from "./students/contract.js";
export * from "./students/use-cases.js";
export * from "./support/contract.js";
export * from "./support/use-cases.js";
