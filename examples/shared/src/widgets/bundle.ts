// A host page's script: its browser entry bundled with esbuild when the server starts (no Vite,
// no build step), workspace packages resolved to their sources.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type BuildOptions, build } from "esbuild";
import { workspacePackages } from "../../../../scripts/workspace.ts";

const root = join(dirname(fileURLToPath(import.meta.url)), "../../../..");

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
 * Bundles a browser entry into one minified ES module. `options` adds what a framework needs
 * (React's automatic JSX, Vue's compile-time flags, an alias to a full build).
 *
 * @example
 * ```ts
 * const js = await bundleBrowserEntry("src/app.tsx", { jsx: "automatic" });
 * js.length > 0; // true
 * ```
 */
export async function bundleBrowserEntry(
  entry: string,
  options: Pick<BuildOptions, "jsx" | "define" | "alias"> = {},
): Promise<string> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: "esm",
    platform: "browser",
    target: "es2022",
    minify: true,
    jsx: options.jsx,
    define: { "process.env.NODE_ENV": JSON.stringify("production"), ...options.define },
    alias: { ...workspaceAliases(), ...options.alias },
    logLevel: "silent",
  });
  return result.outputFiles[0]?.text ?? "";
}
