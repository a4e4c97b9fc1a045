// Mutation testing of core's security-relevant rules (issue 14, item 9): `pnpm run mutation`.
// Not part of .ci/run: a full run takes many minutes. Scores and the survivors that remain, each
// explained, are in docs/quality.md. Stryker does not mutate number literals: constants such as
// the pattern length limit are checked by hand or by properties.
export default {
  packageManager: "pnpm",
  testRunner: "vitest",
  // Under pnpm the runner plugin is not found by name from core's folder: load it by path.
  plugins: ["./node_modules/@stryker-mutator/vitest-runner/dist/src/index.js"],
  // `related: false`: the tests import core through the "@homevisit/core" alias, which vitest's
  // related-files search does not follow, so by default only tests with relative imports ran.
  vitest: { configFile: "vitest.mutation.config.ts", related: false },
  mutate: [
    "packages/core/src/engine/policy/policy.ts",
    "packages/core/src/engine/policy/masking.ts",
    "packages/core/src/engine/policy/actor.ts",
    "packages/core/src/engine/consent-gate.ts",
    "packages/core/src/domain/categories.ts",
    "packages/core/src/ports/audit-chain.ts",
    "packages/core/src/planning/rules.ts",
    "packages/core/src/domain/custom-fields/safe-pattern.ts",
    "packages/core/src/domain/custom-fields/linear-pattern.ts",
    "packages/core/src/domain/photo.ts",
    "packages/core/src/shared/canonical-json.ts",
  ],
  // Per-test coverage lets each mutant run only the tests that reach it.
  coverageAnalysis: "perTest",
  reporters: ["clear-text", "progress", "json", "html"],
  jsonReporter: { fileName: "reports/mutation/mutation.json" },
  htmlReporter: { fileName: "reports/mutation/mutation.html" },
  tempDirName: ".stryker-tmp",
  concurrency: 4,
  timeoutMS: 60_000,
  thresholds: { high: 90, low: 80, break: null },
};
