// Standalone entry: `pnpm run size:report` (after `pnpm run build`). Prints the bundle sizes,
// keeps them in bench/results/size.json like the other families, and writes their section of
// docs/benchmarks.md in place, leaving every other section as it is.
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { measureBundles, type SizeSection, sizeSection } from "./index.ts";

const section = sizeSection(measureBundles());
const measuredAt = new Date().toISOString();
const results = fileURLToPath(new URL("../results/size.json", import.meta.url));
writeFileSync(results, `${JSON.stringify({ ...section, measuredAt }, null, 2)}\n`);

function markdown(s: SizeSection): string {
  const lines = [`## ${s.title}`, "", `${s.description} Measured ${measuredAt}.`, ""];
  for (const table of s.tables) {
    lines.push(`| ${table.columns.join(" | ")} |`, `| ${table.columns.map(() => "---").join(" | ")} |`);
    for (const row of table.rows) lines.push(`| ${row.join(" | ")} |`);
    lines.push("");
  }
  return lines.join("\n");
}

const report = fileURLToPath(new URL("../../docs/benchmarks.md", import.meta.url));
const text = readFileSync(report, "utf8");
const start = text.indexOf(`## ${section.title}`);
const next = start < 0 ? -1 : text.indexOf("\n## ", start + 1);
const block = markdown(section);
const updated =
  start < 0
    ? `${text.trimEnd()}\n\n${block}`
    : `${text.slice(0, start)}${block}${next < 0 ? "" : `\n${text.slice(next + 1)}`}`;
writeFileSync(report, updated.endsWith("\n") ? updated : `${updated}\n`);
console.log(markdown(section));
console.log(`wrote ${report}`);
