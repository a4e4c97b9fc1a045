// Benchmark `size`: the bundle budgets of `.size-limit.js` (issue 12) as a report section.
// size-limit bundles each check from the built `dist` with esbuild (minified, tree-shaken, for a
// browser) and gzips it; `pnpm run size` runs the same checks in CI and fails on a budget.
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

/** One figure of `size-limit --json`. */
export interface BundleSize {
  name: string;
  /** Bytes, minified and gzipped. */
  size: number;
  sizeLimit?: number;
  /** Absent for context rows that have no budget. */
  passed?: boolean;
}

/** The same shape as the harness's report sections, with the figures as one table. */
export interface SizeSection {
  title: string;
  description: string;
  rows: never[];
  tables: { columns: string[]; rows: string[][] }[];
}

const root = fileURLToPath(new URL("../../", import.meta.url));

/** Runs size-limit over the current `dist` (build first) and returns its figures. */
export function measureBundles(): BundleSize[] {
  const bin = fileURLToPath(new URL("node_modules/size-limit/bin.js", new URL("../../", import.meta.url)));
  let out: string;
  try {
    out = execFileSync(process.execPath, [bin, "--json"], { cwd: root, encoding: "utf8", stdio: "pipe" });
  } catch (error) {
    // A budget over its limit exits 1; the figures are still on stdout.
    out = (error as { stdout?: string }).stdout ?? "";
    if (!out.trim().startsWith("[")) throw error;
  }
  return JSON.parse(out) as BundleSize[];
}

const kB = (bytes: number) => `${(bytes / 1000).toFixed(2)} kB`;

function verdict(r: BundleSize): string {
  if (r.passed === undefined || r.sizeLimit === undefined) return "context";
  return r.passed ? "within" : `**over** by ${kB(r.size - r.sizeLimit)}`;
}

export function sizeSection(results: readonly BundleSize[]): SizeSection {
  return {
    title: "Bundle sizes: what a browser bundle keeps",
    description:
      "Each row is one import bundled from the built packages (`dist`, one file per module) by esbuild, minified and tree-shaken for a browser, then gzipped (kB = 1,000 bytes), as `pnpm run size` measures it in CI (size-limit with @size-limit/esbuild; the checks are in `.size-limit.js`). Budgets are issue 12's; rows without one are context: zod as a whole, and hono's typed client (`hc`) for the job `createClient` does.",
    rows: [],
    tables: [
      {
        columns: ["import", "min + gzip", "budget", "result"],
        rows: results.map((r) => [r.name, kB(r.size), r.sizeLimit === undefined ? "—" : kB(r.sizeLimit), verdict(r)]),
      },
    ],
  };
}

export function runSizeBench(): Promise<SizeSection> {
  return Promise.resolve(sizeSection(measureBundles()));
}
