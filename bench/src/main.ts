// Runs every benchmark family (or those named on the command line) and writes
// docs/benchmarks.md. Usage: `npm run bench` at the root, or `npm run bench -- validate`.
// Each family's latest section is kept in bench/results/<family>.json, so running one family
// updates its part of the report and keeps the others' last figures (each with its own date).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { families } from "./families.ts";
import { type BenchSection, printSection, writeReport } from "./harness.ts";

const resultsDir = fileURLToPath(new URL("../results/", import.meta.url));
mkdirSync(resultsDir, { recursive: true });
const resultFile = (name: string) => `${resultsDir}${name}.json`;

const wanted = process.argv.slice(2);
for (const [name, run] of Object.entries(families)) {
  if (wanted.length > 0 && !wanted.includes(name)) continue;
  console.log(`\n… running ${name}`);
  const section = await run();
  printSection(section);
  const measuredAt = new Date().toISOString();
  writeFileSync(resultFile(name), `${JSON.stringify({ ...section, measuredAt }, null, 2)}\n`);
}

const sections: BenchSection[] = [];
for (const name of Object.keys(families)) {
  if (!existsSync(resultFile(name))) continue;
  const saved = JSON.parse(readFileSync(resultFile(name), "utf8")) as BenchSection & { measuredAt: string };
  sections.push({ ...saved, description: `${saved.description} Measured ${saved.measuredAt}.` });
}
const report = fileURLToPath(new URL("../../docs/benchmarks.md", import.meta.url));
writeReport(report, sections);
console.log(`\nwrote ${report}`);
