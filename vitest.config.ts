import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";
import { workspacePackages } from "./scripts/workspace.ts";

const root = fileURLToPath(new URL(".", import.meta.url));

// Tests run against the TypeScript sources of every workspace package, not their builds, so
// `pnpm test` needs no build step. Longest subpaths first so `@homevisit/core/storage` wins
// over `@homevisit/core`.
const alias = workspacePackages(root).flatMap((p) =>
  Object.entries(p.entries).map(([sub, file]) => ({
    find: new RegExp(`^${(sub === "." ? p.name : p.name + sub.slice(1)).replace(/[/.]/g, "\\$&")}$`),
    replacement: file,
  })),
);

export default defineConfig({
  resolve: { alias },
  test: {
    include: ["packages/*/test/**/*.test.ts", "examples/*/test/**/*.test.ts", "scripts/*.test.ts"],
    // These machines are noisy: never rely on wall-clock limits for correctness.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // In CI a JSON report too, from which scripts/test-summary.mjs prints the closing line.
    reporters: process.env.CI ? ["default", ["json", { outputFile: ".vitest-results.json" }]] : ["default"],
  },
});
