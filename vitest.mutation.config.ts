import { defineConfig } from "vitest/config";
import base from "./vitest.config.ts";

// The unit tests that reach the files stryker.config.mjs mutates, and nothing slower: the
// engine and storage suites run them through I/O and would make each mutant take minutes.
// (mergeConfig would append to the base's include list, so the list is replaced here.)
// One area at a time (docs/quality.md): HOMEVISIT_MUTATION_TESTS, a comma-separated list of test
// files, narrows the list to the tests of the files being mutated. A static mutant (one in a
// module-level value: a schema, the policy matrix) runs every listed test, so the photo engine
// tests would otherwise run for every mutant of the audit chain.
const only = process.env.HOMEVISIT_MUTATION_TESTS?.split(",").filter((file) => file.length > 0);

export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: only ?? [
      "packages/core/test/policy.test.ts",
      "packages/core/test/mutation-*.test.ts",
      "packages/core/test/consent-gate.test.ts",
      "packages/core/test/categories.test.ts",
      "packages/core/test/student.test.ts",
      "packages/core/test/storage-port.test.ts",
      "packages/core/test/canonical-json.test.ts",
      "packages/core/test/calendar.test.ts",
      "packages/core/test/obligations-rules.test.ts",
      "packages/core/test/custom-fields.test.ts",
      "packages/core/test/linear-pattern.property.test.ts",
      "packages/core/test/engine-workflows-photos.test.ts",
      "packages/core/test/photo-metadata.property.test.ts",
      "packages/core/test/error-messages-no-input.test.ts",
    ],
    reporters: ["default"],
    // Every mutant the photo and pattern files reach re-runs their property tests: 50 generated
    // cases each instead of 1,000–1,500 keep the run in minutes. CI runs the full count.
    env: { ...base.test?.env, HOMEVISIT_PROPERTY_RUNS: "50" },
  },
});
