// Bundle budgets (issue 16): each widget ≤ 25 kB min+gzip without Lit, the client and core —
// what a host's bundler adds for one widget when it already ships those. Measured with esbuild
// from the sources, as a bundler would tree-shake the published one-file-per-module build.

import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { widgetBudget, widgetModules, widgetSize } from "./support/measure.js";

const src = join(dirname(fileURLToPath(import.meta.url)), "../src");

describe("bundle budgets", () => {
  for (const [tag, name] of Object.entries(widgetModules)) {
    it(`${tag} ≤ 25 kB min+gzip without lit, client and core`, async () => {
      const { min, gzip } = await widgetSize(join(src, `${name}.ts`));
      console.log(`${tag}: ${(min / 1024).toFixed(1)} kB min, ${(gzip / 1024).toFixed(1)} kB min+gzip`);
      expect(gzip).toBeLessThanOrEqual(widgetBudget);
      // A widget that bundled nothing would pass any budget.
      expect(gzip).toBeGreaterThan(1024);
    });
  }
});
