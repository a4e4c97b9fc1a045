// The widgets for the demo page, bundled with esbuild when the host starts (so `npm start`
// works from a fresh clone with no build step): workspace packages resolve to their sources.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { workspacePackages } from "../../../scripts/workspace.ts";

const here = dirname(fileURLToPath(import.meta.url));

/**
 * Bundles `widgets-entry.ts` into one minified ES module for the browser.
 *
 * @example
 * ```ts
 * const script = await bundleDemoWidgets(); // served at /widgets.js
 * ```
 */
export async function bundleDemoWidgets(): Promise<string> {
  const alias: Record<string, string> = {};
  for (const p of workspacePackages(join(here, "../../.."))) {
    for (const [sub, file] of Object.entries(p.entries))
      alias[sub === "." ? p.name : `${p.name}${sub.slice(1)}`] = file;
  }
  const result = await build({
    entryPoints: [join(here, "widgets-entry.ts")],
    bundle: true,
    write: false,
    format: "esm",
    platform: "browser",
    target: "es2022",
    minify: true,
    alias,
    logLevel: "silent",
  });
  return result.outputFiles[0]?.text ?? "";
}
