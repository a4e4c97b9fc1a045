import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

// The calendar module is built the way the package is (tsup, ESM and CJS) and loaded by plain
// Node through `import` and through `require`: the two ways a host can reach it. It reads the
// generated table; tyme4ts (the oracle of test/lunar-table.test.ts) must not be loaded.
const core = fileURLToPath(new URL("..", import.meta.url));
const root = join(core, "..", "..");
// Inside node_modules, as a published package's files would sit.
const out = join(core, "node_modules", ".cache", `lunar-interop-${process.pid}`);

afterAll(() => rmSync(out, { recursive: true, force: true }));

function run(args: string[], cwd: string) {
  const result = spawnSync(process.execPath, args, { cwd, encoding: "utf8" });
  return { status: result.status, stdout: result.stdout.trim(), stderr: result.stderr };
}

describe("lunar calendar module", () => {
  it("works from both the ESM and the CJS build", () => {
    mkdirSync(out, { recursive: true });
    const tsup = join(root, "node_modules", "tsup", "dist", "cli-default.js");
    expect(existsSync(tsup)).toBe(true);
    const build = run(
      [
        tsup,
        "src/planning/calendar/lunar.ts",
        "--format",
        "esm,cjs",
        "--out-dir",
        out,
        "--no-config",
        "--target",
        "es2022",
        "--platform",
        "neutral",
      ],
      core,
    );
    expect(build.stderr).not.toMatch(/error/i);
    expect(build.status).toBe(0);

    const cjs = run(
      [
        "-e",
        `const m = require(${JSON.stringify(join(out, "lunar.cjs"))});
         console.log(m.lunarNewYearDate(2027), m.lunarNewYearDate(2030), m.solarTermStartDate(2026, 7));`,
      ],
      out,
    );
    expect(cjs.stderr).toBe("");
    expect(cjs.stdout).toBe("2027-02-06 2030-02-03 2026-04-05");

    const esm = run(
      [
        "--input-type=module",
        "-e",
        `const m = await import(${JSON.stringify(join(out, "lunar.js"))});
         console.log(m.lunarNewYearDate(2027), m.lunarNewYearDate(2030), m.solarTermStartDate(2026, 7));`,
      ],
      out,
    );
    expect(esm.stderr).toBe("");
    expect(esm.stdout).toBe("2027-02-06 2030-02-03 2026-04-05");
    // The table replaces the astronomy library at run time: neither build names it.
    for (const file of ["lunar.cjs", "lunar.js"])
      expect(readFileSync(join(out, file), "utf8")).not.toContain("tyme4ts");
  });
});
