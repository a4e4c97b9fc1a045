// Standalone entry: `npx tsx bench/validate/main.ts [runs] [scale]` from the repository root.
import { runValidateBench } from "./index.ts";

const runs = Number(process.argv[2] ?? 3);
const scale = Number(process.argv[3] ?? 1);
const result = await runValidateBench({ runs, city: { scale } });
console.log(result.name);
console.log(`  records:            ${result.records.toLocaleString("en-US")}`);
console.log(`  generate+validate:  ${result.medianMs.toFixed(0)} ms (median of ${runs})`);
console.log(`  generate (baseline): ${result.baselineMedianMs.toFixed(0)} ms`);
console.log(`  validate alone:     ${result.validateMedianMs.toFixed(0)} ms`);
console.log(`  records/s:          ${result.recordsPerSecond.toLocaleString("en-US")}`);
console.log(`  failures:           ${result.failures}`);
if (result.failures > 0) process.exitCode = 1;
