// The client must run in a browser: bundling it for the browser platform pulls in no `node:`
// module, no storage adapter and no server package. esbuild fails the build on a Node built-in
// for platform "browser", and the metafile lists every module that made it in.
import { readdirSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";

const root = join(dirname(fileURLToPath(import.meta.url)), "../../..");

// Workspace packages resolve to their sources, as in the tests (no build needed).
const alias = Object.fromEntries(
  readdirSync(join(root, "packages")).map((dir) => [`@homevisit/${dir}`, join(root, "packages", dir, "src/index.ts")]),
);
alias["@homevisit/core/storage"] = join(root, "packages/core/src/storage.ts");

describe("browser safety", () => {
  it("bundles for the browser with no node: import and nothing server-side", async () => {
    const result = await build({
      entryPoints: [join(root, "packages/client/src/index.ts")],
      bundle: true,
      write: false,
      metafile: true,
      platform: "browser",
      format: "esm",
      target: "es2022",
      alias,
      logLevel: "silent",
    });
    const inputs = Object.keys(result.metafile.inputs).map((p) => relative(root, join(root, p)));
    const output = result.outputFiles[0]?.text ?? "";
    expect(inputs.some((p) => p.startsWith("packages/client/src/"))).toBe(true);
    expect(
      inputs.filter((p) => p.startsWith("node:") || /(^|\/)node_modules\/(better-sqlite3|pg|kysely|hono)\//.test(p)),
    ).toEqual([]);
    expect(inputs.filter((p) => /packages\/(rest|storage-[a-z]+|demo-data)\//.test(p))).toEqual([]);
    expect(output).not.toMatch(/from\s*["']node:|require\(["'](node:)?(fs|path|crypto|http|net)["']\)/);
  });
});
