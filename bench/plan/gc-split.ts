// CPU time and collections of planning one scope beside its validation floor, run after run,
// to compare two versions of the planner on a busy machine (CPU, not wall time; scavenges
// counted, as the planner's garbage shows there first).
// `npx tsx --tsconfig tsconfig.json bench/plan/gc-split.ts [school|county|city] [runs] [autumn|spring]`
import { PerformanceObserver } from "node:perf_hooks";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { benchSpringTerm, benchTerm, planAll, rawInput, scopeData, validateInput } from "./plan-input.ts";

setFlagsFromString("--expose-gc");
const fullGc = runInNewContext("gc") as () => void;
const scope = (process.argv[2] ?? "county") as "school" | "county" | "city";
const runs = Number(process.argv[3] ?? 3);
const term = process.argv[4] === "spring" ? benchSpringTerm : benchTerm;
const raw = rawInput(scopeData(scope));
let minor = 0;
let major = 0;
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    const kind = (e as unknown as { detail?: { kind?: number } }).detail?.kind;
    if (kind === 1) minor++;
    else if (kind === 4) major++;
  }
}).observe({ entryTypes: ["gc"] });
const cpu = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
async function phase(fn: () => unknown): Promise<string> {
  fullGc();
  await new Promise((r) => setTimeout(r, 20));
  minor = 0;
  major = 0;
  const c = cpu();
  fn();
  const used = cpu() - c;
  await new Promise((r) => setTimeout(r, 20));
  return `${used.toFixed(0).padStart(6)} ms cpu (${minor} scavenges, ${major} mark-compacts)`;
}
validateInput(raw);
planAll(raw, term);
for (let i = 0; i < runs; i++) {
  const floor = await phase(() => validateInput(raw));
  const plan = await phase(() => planAll(raw, term));
  console.log(`${scope} ${term.id} run ${i}: floor ${floor}; plan ${plan}`);
}
