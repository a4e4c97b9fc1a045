#!/usr/bin/env node
// The consumer test: every published package packed as it would be published (`pnpm pack`),
// installed with npm into a fresh project outside the workspace (under the OS temp folder), then
// used from ESM, from CommonJS and from TypeScript (node16 and bundler resolution, strict).
// Run after `pnpm run build`. Needs the npm registry (for zod, hono, better-sqlite3 …) and builds
// better-sqlite3 from source (npm_config_nodedir, as in CI). HOMEVISIT_CONSUMER_KEEP=1 keeps
// the project folder for a look afterwards.
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const fixtures = join(root, "scripts/consumer");
const started = Date.now();

function run(command, args, cwd, env = {}) {
  console.log(`$ ${command} ${args.join(" ")}`);
  execFileSync(command, args, { cwd, stdio: "inherit", env: { ...process.env, ...env } });
}

// The pnpm running this script (CI brings the pinned one through npx; none may be on PATH).
const execPath = process.env.npm_execpath ?? "";
const pnpm = !/pnpm/.test(execPath)
  ? ["pnpm", []]
  : /\.[cm]?js$/.test(execPath)
    ? [process.execPath, [execPath]]
    : [execPath, []];

const published = readdirSync(join(root, "packages"))
  .map((name) => join(root, "packages", name))
  .filter((dir) => existsSync(join(dir, "package.json")))
  .map((dir) => ({ dir, pkg: JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) }))
  .filter(({ pkg }) => pkg.private !== true);

for (const { dir, pkg } of published) {
  if (!existsSync(join(dir, "dist"))) throw new Error(`${pkg.name} has no dist: run \`pnpm run build\` first`);
}

const project = mkdtempSync(join(tmpdir(), "homevisit-consumer-"));
const tarballs = join(project, "tarballs");
try {
  // pnpm pack turns `workspace:^` into the version range a published package would carry.
  const deps = {};
  for (const { dir, pkg } of published) {
    const out = execFileSync(pnpm[0], [...pnpm[1], "pack", "--pack-destination", tarballs], {
      cwd: dir,
      encoding: "utf8",
    });
    const file = out.trim().split("\n").pop()?.trim() ?? "";
    if (!file.endsWith(".tgz")) throw new Error(`pnpm pack of ${pkg.name} printed no tarball:\n${out}`);
    const listing = execFileSync("tar", ["-tzf", file], { encoding: "utf8" }).split("\n");
    for (const needed of ["package/README.md", "package/LICENSE", "package/package.json"]) {
      if (!listing.includes(needed)) throw new Error(`${pkg.name}: ${needed.slice(8)} is missing from the tarball`);
    }
    if (listing.some((f) => f.startsWith("package/src/") || f.startsWith("package/test/"))) {
      throw new Error(`${pkg.name}: the tarball carries src/ or test/`);
    }
    deps[pkg.name] = `file:${file}`;
    console.log(`packed ${pkg.name}: ${listing.filter(Boolean).length} files`);
  }

  // A user's project: the tarballs as dependencies; `overrides` make the packages' own
  // `@homevisit/*` ranges resolve to the same tarballs (nothing is on a registry yet).
  const overrides = Object.fromEntries(Object.keys(deps).map((name) => [name, `$${name}`]));
  const manifest = {
    name: "homevisit-consumer",
    private: true,
    type: "module",
    dependencies: deps,
    devDependencies: { typescript: "5.9.3", "@types/node": "^20.19.0" },
    overrides,
  };
  writeFileSync(join(project, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  for (const file of readdirSync(fixtures)) cpSync(join(fixtures, file), join(project, file));

  // better-sqlite3 compiles here: node-gyp finds Node's headers through npm_config_nodedir.
  run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"], project, {
    npm_config_nodedir: process.env.npm_config_nodedir ?? "/usr",
  });

  run(process.execPath, ["esm.mjs"], project);
  run(process.execPath, ["cjs.cjs"], project);
  const tsc = join(project, "node_modules/typescript/bin/tsc");
  run(process.execPath, [tsc, "-p", "tsconfig.node16.json"], project);
  run(process.execPath, [tsc, "-p", "tsconfig.bundler.json"], project);
  console.log(
    `consumer test passed: ${published.length} packages from tarballs, ESM + CommonJS + TypeScript (node16, bundler) in ${Math.round((Date.now() - started) / 1000)} s`,
  );
} finally {
  if (process.env.HOMEVISIT_CONSUMER_KEEP === "1") console.log(`kept ${project}`);
  else rmSync(project, { recursive: true, force: true });
}
