// Runs every benchmark family (or those named on the command line) and writes
// docs/benchmarks.md. Usage: `npm run bench` at the root, or `npm run bench -- validate`.
import { fileURLToPath } from "node:url";
import { families } from "./families.ts";
import { type BenchSection, printSection, writeReport } from "./harness.ts";

const wanted = process.argv.slice(2);
const sections: BenchSection[] = [];
for (const [name, run] of Object.entries(families)) {
  if (wanted.length > 0 && !wanted.includes(name)) continue;
  console.log(`\n… running ${name}`);
  const section = await run();
  printSection(section);
  sections.push(section);
}
const report = fileURLToPath(new URL("../../docs/benchmarks.md", import.meta.url));
writeReport(report, sections);
console.log(`\nwrote ${report}`);
