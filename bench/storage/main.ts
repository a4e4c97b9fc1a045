// Standalone entry: `npx tsx bench/storage/main.ts [students] [visits] [runs]` from the root;
// sizes not given come from the environment as for `npm run bench -- storage` (see index.ts).
import { printSection } from "../src/harness.ts";
import { runStorageBench, storageBenchOptionsFromEnv } from "./index.ts";

const [students, visits, runs] = process.argv.slice(2).map(Number);
const section = await runStorageBench({
  ...storageBenchOptionsFromEnv(),
  ...(students ? { students } : {}),
  ...(visits ? { visits } : {}),
  ...(runs ? { runs } : {}),
});
printSection(section);
