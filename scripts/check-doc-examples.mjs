#!/usr/bin/env node
// Every public entry point carries an `@example` (ARCHITECTURE.md's doc-comment rule): this
// walks the exports of every published package's entry files with the TypeScript compiler and
// lists exported functions and classes whose doc comment has no `@example`.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";

const root = new URL("..", import.meta.url).pathname;
const entries = [];
for (const dir of readdirSync(join(root, "packages"))) {
  const pkgFile = join(root, "packages", dir, "package.json");
  if (!existsSync(pkgFile)) continue;
  const pkg = JSON.parse(readFileSync(pkgFile, "utf8"));
  if (pkg.private) continue;
  for (const key of Object.keys(pkg.exports ?? {})) {
    if (key === "./package.json") continue;
    const sub = key === "." ? "index.ts" : `${key.slice(2)}/index.ts`;
    const file = join(root, "packages", dir, "src", sub);
    const alt = join(root, "packages", dir, "src", `${key.slice(2)}.ts`);
    entries.push(existsSync(file) ? file : alt);
  }
}

const program = ts.createProgram(entries, {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  strict: true,
  skipLibCheck: true,
  noEmit: true,
});
const checker = program.getTypeChecker();
const missing = [];
let checked = 0;

function hasExample(decl) {
  return ts.getJSDocTags(decl).some((t) => t.tagName.text === "example");
}

for (const file of entries) {
  const source = program.getSourceFile(file);
  const moduleSymbol = source && checker.getSymbolAtLocation(source);
  if (!moduleSymbol) continue;
  for (let symbol of checker.getExportsOfModule(moduleSymbol)) {
    if (symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
    const decls = symbol.declarations ?? [];
    const callable = decls.filter(
      (d) =>
        ts.isFunctionDeclaration(d) ||
        ts.isClassDeclaration(d) ||
        (ts.isVariableDeclaration(d) &&
          d.initializer &&
          (ts.isArrowFunction(d.initializer) || ts.isFunctionExpression(d.initializer))),
    );
    if (callable.length === 0) continue;
    checked++;
    const documented = callable.some((d) => hasExample(ts.isVariableDeclaration(d) ? d.parent.parent : d));
    if (!documented) {
      const d = callable[0];
      const sf = d.getSourceFile();
      const { line } = sf.getLineAndCharacterOfPosition(d.getStart());
      missing.push(`${sf.fileName.replace(root, "")}:${line + 1} ${symbol.getName()}`);
    }
  }
}

if (missing.length > 0) {
  console.error(`${missing.length} exported entry points have no @example:`);
  for (const m of missing) console.error(`  ${m}`);
  process.exit(1);
}
console.log(`@example present on all ${checked} exported functions and classes`);
