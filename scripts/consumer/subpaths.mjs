// Every entry point that @homevisit/core's installed package.json exports ("." included).
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

export function coreSubpaths() {
  const require = createRequire(import.meta.url);
  const pkg = JSON.parse(readFileSync(require.resolve("@homevisit/core/package.json"), "utf8"));
  return Object.keys(pkg.exports).filter((key) => key !== "./package.json");
}
