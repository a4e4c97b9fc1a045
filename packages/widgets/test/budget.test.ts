// Bundle budgets (issue 16): each widget ≤ 25 kB min+gzip without Lit, the client and core —
// what a host's bundler adds for one widget when it already ships those. Measured with esbuild
// from the sources, as a bundler would tree-shake the published one-file-per-module build.

import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";

const src = join(dirname(fileURLToPath(import.meta.url)), "../src");
const budget = 25 * 1024;
const widgets = {
  "hv-visit-record-form": "visit-record-form.ts",
  "hv-my-visits": "my-visits.ts",
  "hv-student-archive": "student-archive.ts",
  "hv-safety-board": "safety-board.ts",
  "hv-coverage": "coverage.ts",
  "hv-term-plan": "term-plan.ts",
  "hv-form-designer": "form-designer.ts",
};

/** min+gzip bytes of one module bundled with its own imports, the shared libraries external. */
async function size(file: string): Promise<{ min: number; gzip: number }> {
  const result = await build({
    entryPoints: [join(src, file)],
    bundle: true,
    write: false,
    minify: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    external: ["lit", "lit/*", "@lit/*", "@homevisit/client", "@homevisit/core", "zod"],
    logLevel: "silent",
  });
  const bytes = result.outputFiles[0]?.contents ?? new Uint8Array();
  return { min: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
}

describe("bundle budgets", () => {
  for (const [tag, file] of Object.entries(widgets)) {
    it(`${tag} ≤ 25 kB min+gzip without lit, client and core`, async () => {
      const { min, gzip } = await size(file);
      console.log(`${tag}: ${(min / 1024).toFixed(1)} kB min, ${(gzip / 1024).toFixed(1)} kB min+gzip`);
      expect(gzip).toBeLessThanOrEqual(budget);
      // A widget that bundled nothing would pass any budget.
      expect(gzip).toBeGreaterThan(1024);
    });
  }
});
