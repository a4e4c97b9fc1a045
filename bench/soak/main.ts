// Standalone entry: `npx tsx bench/soak/main.ts` from the repository root (prints the tables,
// writes nothing; `npm run bench -- soak` also writes bench/results and docs/benchmarks.md).
import { printSection } from "../src/harness.ts";
import { runSoakBench, soakOptionsFromEnv } from "./index.ts";

printSection(await runSoakBench(soakOptionsFromEnv()));
