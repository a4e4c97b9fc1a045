// The demo behind `npm start`: generates the seeded demo school and prints what core derives
// from it. Arguments: an optional seed and reference date (`tsx src/cli.ts 7 2026-11-20`).
import { isHomevisitError } from "@homevisit/core";
import { renderDemoReport } from "./demo-report.js";
import { defaultReferenceDate, generateSchool } from "./generate.js";

const [seedArg, dateArg] = process.argv.slice(2);
const seed = seedArg === undefined ? 1 : /^-?\d+$/.test(seedArg) ? Number(seedArg) : seedArg;
const date = dateArg ?? defaultReferenceDate;

try {
  console.log(renderDemoReport(generateSchool({ seed, date }), date));
} catch (error) {
  if (!isHomevisitError(error)) throw error;
  console.error(`${error.messageIn("zh-CN")} / ${error.messageIn("en")}`);
  for (const issue of error.issues) console.error(`  ${issue.path.join(".")}: ${issue.message.en}`);
  process.exitCode = 1;
}
