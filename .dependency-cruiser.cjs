// The house rules of docs/architecture.md, checked in CI (`pnpm run check:layers`): data flows
// one way inside core (shared ← domain ← planning and ports ← engine), contracts never reach
// implementations, other packages use core only through its public entries, and nothing
// anywhere imports in a circle.
const core = "^packages/core/src/";
module.exports = {
  forbidden: [
    { name: "no-circular", severity: "error", from: { path: "^(packages|examples)/" }, to: { circular: true } },
    {
      name: "shared-is-the-ground",
      comment: "shared/ holds primitives, dates, i18n, errors and hashing: it imports no other room of core.",
      severity: "error",
      from: { path: `${core}shared/` },
      to: { path: `${core}(?!shared/)` },
    },
    {
      name: "domain-imports-only-shared",
      comment: "Every schema and pure rule: zod and shared/ only, so it runs anywhere.",
      severity: "error",
      from: { path: `${core}domain/` },
      to: { path: `${core}(?!domain/|shared/)` },
    },
    {
      name: "ports-import-domain-and-shared",
      severity: "error",
      from: { path: `${core}ports/` },
      to: { path: `${core}(?!ports/|domain/|shared/)` },
    },
    {
      name: "planning-imports-domain-and-shared",
      comment: "The planner is pure: it gets busy slots and calendars as data, never through the engine.",
      severity: "error",
      from: { path: `${core}planning/` },
      to: { path: `${core}(?!planning/|domain/|shared/|ports/)` },
    },
    {
      name: "contracts-know-no-implementation",
      comment: "REST, OpenAPI and the client read contracts: a contract imports schemas, never a use case's code.",
      severity: "error",
      from: { path: `${core}engine/(areas/[^/]+/contract|contracts?|http-routes)\\.ts$` },
      to: { path: `${core}engine/(areas/([^/]+/use-cases|area-kit)|runner|engine|use-case)\\.ts$` },
    },
    {
      name: "packages-use-public-entries",
      comment: "Adapters, REST, the client and widgets import @homevisit/core and @homevisit/core/storage only.",
      severity: "error",
      from: { path: "^(packages/(?!core/)[^/]+|examples/[^/]+)/src/" },
      to: { path: `${core}(?!index\\.ts$|storage\\.ts$)` },
    },
    {
      name: "client-is-browser-safe",
      severity: "error",
      from: { path: "^packages/(client|widgets)/src/" },
      to: { path: "^packages/(rest|storage-[a-z]+|demo-data)/|^node:", dependencyTypes: ["local", "core", "npm"] },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "(^|/)(dist|node_modules)/|\\.test\\.ts$" },
    tsConfig: { fileName: "tsconfig.json" },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { extensions: [".ts", ".js", ".mjs", ".cjs"] },
  },
};
