// One place that knows how package entry points map to source files, shared by the build
// (tsup), the tests (vitest aliases) and the package checks. Convention: the export "." is
// `src/index.ts`; a subpath export "./name" is `src/name/index.ts` (or `src/name.ts`).
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

export interface WorkspacePackage {
  name: string;
  dir: string;
  /** export subpath ("." or "./name") → source file */
  entries: Record<string, string>;
}

export function sourceFor(dir: string, subpath: string): string {
  if (subpath === ".") return join(dir, "src/index.ts");
  const name = subpath.slice(2);
  const asDir = join(dir, "src", name, "index.ts");
  return existsSync(asDir) ? asDir : join(dir, "src", `${name}.ts`);
}

export function readPackage(dir: string): WorkspacePackage {
  const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as {
    name: string;
    exports?: Record<string, unknown>;
  };
  const entries: Record<string, string> = {};
  for (const key of Object.keys(pkg.exports ?? { ".": null })) {
    if (key === "./package.json") continue;
    entries[key] = sourceFor(dir, key);
  }
  return { name: pkg.name, dir, entries };
}

export function workspacePackages(root: string): WorkspacePackage[] {
  const base = join(root, "packages");
  return readdirSync(base)
    .filter((d) => existsSync(join(base, d, "package.json")))
    .map((d) => readPackage(join(base, d)));
}
