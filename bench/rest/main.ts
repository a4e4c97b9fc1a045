// Standalone entry: `npx tsx bench/rest/main.ts [seconds] [runs] [rate]` from the repository root.
import { printSection } from "../src/harness.ts";
import { runRestBench } from "./index.ts";

const [seconds, runs, rate] = process.argv.slice(2).map(Number);
const section = await runRestBench({
  ...(seconds ? { seconds } : {}),
  ...(runs ? { runs } : {}),
  ...(rate ? { rate } : {}),
});
printSection(section);
