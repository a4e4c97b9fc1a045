// The one build config every published package uses: ESM and CommonJS, with types for both
// (many campus platforms are CommonJS Express apps). Entry points come from package.json's
// `exports`, through the same convention the tests use (scripts/workspace.ts).
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig, type Options } from "tsup";
import { readPackage } from "./scripts/workspace.ts";

export function packageConfig(configUrl: string, overrides: Options = {}) {
  const dir = dirname(fileURLToPath(configUrl));
  const pkg = readPackage(dir);
  const entry: Record<string, string> = {};
  for (const [sub, file] of Object.entries(pkg.entries)) {
    entry[sub === "." ? "index" : `${sub.slice(2)}/index`] = file;
  }
  return defineConfig({
    entry,
    format: ["esm", "cjs"],
    dts: true,
    sourcemap: true,
    clean: true,
    target: "es2022",
    platform: "neutral",
    tsconfig: `${dir}/tsconfig.build.json`,
    ...overrides,
  });
}
