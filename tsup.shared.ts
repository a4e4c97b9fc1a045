// The one build config every published package uses: ESM and CommonJS, with types for both
// (many campus platforms are CommonJS Express apps). Entry points come from package.json's
// `exports`, through the same convention the tests use (scripts/workspace.ts).
//
// One output file per source module (`bundle: false`): a bundler can then drop every module a
// host does not import (`sideEffects: false` holds), and an error class exists once however
// many entry points a host loads. ESM is `dist/**/*.js` + `.d.ts`; CommonJS sits beside it as
// `.cjs` + `.d.cts`, its relative specifiers rewritten from `.js` to `.cjs`, so the
// `exports` maps keep their shape.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig, type Options } from "tsup";
import { readPackage } from "./scripts/workspace.ts";

const require = createRequire(import.meta.url);

/** `./x.js` → `./x.cjs` in `require("…")`, `import("…")`, `from "…"` (relative specifiers only). */
export function toCjsSpecifiers(code: string): string {
  return code.replace(/((?:require|import)\s*\(\s*|from\s*)(["'])(\.{1,2}\/[^"'\n]*?)\.js\2/g, "$1$2$3.cjs$2");
}

// esbuild leaves `import.meta` empty in CommonJS; the few node-only modules that read
// `import.meta.url` (storage-sqlite's checkpoint worker) get it from `__filename`.
const IMPORT_META_URL = "__homevisitImportMetaUrl";

function filesUnder(dir: string, suffix: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(suffix))
    .map((f) => join(dir, f));
}

/**
 * Types for both formats from one `tsc` run: `.d.ts` per module, and a `.d.cts` twin whose
 * relative imports point at the other `.d.cts` files (what `require` resolves to).
 */
function emitTypes(dir: string): void {
  const tsc = require.resolve("typescript/lib/tsc.js");
  const args = ["-p", join(dir, "tsconfig.build.json"), "--noEmit", "false", "--declaration", "--emitDeclarationOnly"];
  execFileSync(process.execPath, [tsc, ...args, "--outDir", join(dir, "dist")], { stdio: "inherit" });
  for (const file of filesUnder(join(dir, "dist"), ".d.ts")) {
    writeFileSync(file.replace(/\.d\.ts$/, ".d.cts"), toCjsSpecifiers(readFileSync(file, "utf8")));
  }
}

/**
 * An export whose target in package.json is not where its module lands (`"./storage"` →
 * `dist/storage/index.js` while the source is `src/storage.ts`) gets a one-line re-export there,
 * in each of the four flavours, so source files can move without touching the exports map.
 */
function linkExports(dir: string, entries: Record<string, string>): void {
  const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as {
    exports?: Record<string, { import?: { default?: string } }>;
  };
  for (const [sub, source] of Object.entries(entries)) {
    const target = pkg.exports?.[sub]?.import?.default;
    if (target === undefined) continue;
    const built = join(dir, "dist", relative(join(dir, "src"), source).replace(/\.ts$/, ".js"));
    const wanted = join(dir, target);
    if (built === wanted) continue;
    let spec = relative(dirname(wanted), built).replaceAll("\\", "/");
    if (!spec.startsWith(".")) spec = `./${spec}`;
    const base = wanted.replace(/\.js$/, "");
    const cjsSpec = spec.replace(/\.js$/, ".cjs");
    mkdirSync(dirname(wanted), { recursive: true });
    writeFileSync(`${base}.js`, `export * from "${spec}";\n`);
    writeFileSync(`${base}.d.ts`, `export * from "${spec}";\n`);
    writeFileSync(`${base}.cjs`, `"use strict";\nmodule.exports = require("${cjsSpec}");\n`);
    writeFileSync(`${base}.d.cts`, `export * from "${cjsSpec}";\n`);
  }
}

/** Every relative specifier in the output names a file that exists, and every export target exists. */
function checkOutput(dir: string): void {
  const dist = join(dir, "dist");
  const problems: string[] = [];
  const specifier = /(?:(?:require|import)\s*\(\s*|from\s*)["'](\.{1,2}\/[^"'\n]*)["']/g;
  for (const suffix of [".js", ".cjs", ".d.ts", ".d.cts"]) {
    for (const file of filesUnder(dist, suffix)) {
      for (const [, spec] of readFileSync(file, "utf8").matchAll(specifier)) {
        if (!spec) continue;
        const target = join(dirname(file), spec);
        const candidates = suffix.startsWith(".d.")
          ? [target.replace(/\.js$/, ".d.ts").replace(/\.cjs$/, ".d.cts")]
          : [target];
        if (!candidates.some((c) => existsSync(c))) problems.push(`${relative(dir, file)}: "${spec}" not found`);
        if (suffix.endsWith("cjs") && spec.endsWith(".js")) problems.push(`${relative(dir, file)}: "${spec}" is ESM`);
      }
    }
  }
  const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { exports?: unknown };
  const targets = JSON.stringify(pkg.exports ?? {}).match(/"\.\/dist\/[^"]+"/g) ?? [];
  for (const t of targets) if (!existsSync(join(dir, JSON.parse(t) as string))) problems.push(`exports: ${t} missing`);
  if (problems.length > 0) throw new Error(`build output of ${dir}:\n  ${problems.join("\n  ")}`);
}

export function packageConfig(configUrl: string, overrides: Options = {}) {
  const dir = dirname(fileURLToPath(configUrl));
  const pkg = readPackage(dir);
  for (const [sub, file] of Object.entries(pkg.entries)) {
    if (!existsSync(file)) throw new Error(`${pkg.name}: export "${sub}" expects ${relative(dir, file)}`);
  }
  return defineConfig({
    entry: ["src/**/*.ts", "!src/**/*.test.ts", "!src/**/*.d.ts"],
    bundle: false,
    format: ["esm", "cjs"],
    outExtension: ({ format }) => ({ js: format === "cjs" ? ".cjs" : ".js" }),
    dts: false,
    sourcemap: true,
    clean: true,
    // One line per package instead of one per output file (a hundred in core).
    silent: true,
    target: "es2022",
    platform: "neutral",
    tsconfig: `${dir}/tsconfig.build.json`,
    esbuildOptions(options, { format }) {
      if (format === "cjs") options.define = { ...options.define, "import.meta.url": IMPORT_META_URL };
    },
    plugins: [
      {
        name: "homevisit-cjs-specifiers",
        renderChunk(code) {
          if (this.format !== "cjs") return;
          let out = toCjsSpecifiers(code);
          // Same line as the directive, so the source map's lines stay right.
          if (out.includes(IMPORT_META_URL)) {
            out = out.replace(
              /^("use strict";)?/,
              `$1var ${IMPORT_META_URL} = require("node:url").pathToFileURL(__filename).href;`,
            );
          }
          return { code: out };
        },
      },
    ],
    async onSuccess() {
      emitTypes(dir);
      linkExports(dir, pkg.entries);
      checkOutput(dir);
      const count = filesUnder(join(dir, "dist"), ".js").length;
      console.log(`${pkg.name}: ${count} module(s) as ESM (.js, .d.ts) and CommonJS (.cjs, .d.cts)`);
    },
    ...overrides,
  });
}
