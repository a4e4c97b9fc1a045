// Standalone entry: `npx tsx bench/storage/main.ts [students] [visits] [runs]` from the root.
import { printSection } from "../src/harness.ts";
import { runStorageBench } from "./index.ts";

const [students, visits, runs] = process.argv.slice(2).map(Number);
const section = await runStorageBench({
  ...(students ? { students } : {}),
  ...(visits ? { visits } : {}),
  ...(runs ? { runs } : {}),
});
printSection(section);
