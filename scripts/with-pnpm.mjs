#!/usr/bin/env node
// Brings the pinned pnpm (from package.json's `packageManager`), installs the workspace, then
// runs `pnpm <args>`. This is what makes the README's two commands (`npm start`, `npm test`)
// work on a fresh machine that has only Node 20: pnpm is never assumed to be installed.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const { packageManager } = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const wanted = packageManager.split("@")[1];

/** Runs a command in the repository root, inheriting stdio; returns its exit status. */
function run(cmd, args, env = process.env) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: "inherit", env });
  if (r.error) return 127;
  return r.status ?? 1;
}

function installedPnpmVersion() {
  const r = spawnSync("pnpm", ["--version"], { cwd: root, encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

// Use a globally installed pnpm only when it is exactly the pinned version.
const pnpm = installedPnpmVersion() === wanted ? ["pnpm", []] : ["npx", ["--yes", `pnpm@${wanted}`]];

// better-sqlite3 builds from source on machines without a matching prebuilt binary; node-gyp
// then needs Node's headers, which Debian's nodejs ships under /usr (see STACK.md).
const env = { ...process.env };
if (!env.npm_config_nodedir && process.platform === "linux") env.npm_config_nodedir = "/usr";

const installArgs = ["install", ...(process.env.CI ? ["--frozen-lockfile"] : [])];
if (!process.env.HOMEVISIT_SKIP_INSTALL) {
  const status = run(pnpm[0], [...pnpm[1], ...installArgs], env);
  if (status !== 0) process.exit(status);
}
process.exit(run(pnpm[0], [...pnpm[1], ...process.argv.slice(2)], env));
