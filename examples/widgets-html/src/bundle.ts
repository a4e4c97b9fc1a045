// The page's script: @homevisit/widgets bundled for the browser with esbuild when the server
// starts, workspace packages resolved to their sources (no build step needed).
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { workspacePackages } from "../../../scripts/workspace.ts";

const root = join(dirname(fileURLToPath(import.meta.url)), "../../..");

/** Module aliases: `@homevisit/<pkg>` (and its subpaths) to the workspace sources. */
export function workspaceAliases(): Record<string, string> {
  const alias: Record<string, string> = {};
  for (const p of workspacePackages(root)) {
    for (const [sub, file] of Object.entries(p.entries))
      alias[sub === "." ? p.name : `${p.name}${sub.slice(1)}`] = file;
  }
  return alias;
}

/**
 * Bundles a browser entry (default: this example's `page.ts`, which registers the widgets) into
 * one minified ES module.
 *
 * @example
 * ```ts
 * const js = await bundleWidgets();
 * js.length > 0; // true
 * ```
 */
export async function bundleWidgets(entry = join(dirname(fileURLToPath(import.meta.url)), "page.ts")): Promise<string> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: "esm",
    platform: "browser",
    target: "es2022",
    minify: true,
    alias: workspaceAliases(),
    logLevel: "silent",
  });
  return result.outputFiles[0]?.text ?? "";
}
