// CPU profile of planning one scope end to end (the bench's planAll), without the generator:
// prints the heaviest functions by self time and writes the .cpuprofile for a viewer.
// `npx tsx --tsconfig tsconfig.json bench/plan/profile.ts [school|county|city] [out.cpuprofile]`
import { writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { planAll, rawInput, scopeData } from "./plan-input.ts";

const scope = (process.argv[2] ?? "county") as "school" | "county" | "city";
const out = process.argv[3];
const raw = rawInput(scopeData(scope));
planAll(raw); // warm-up
const session = new Session();
session.connect();
await session.post("Profiler.enable");
await session.post("Profiler.setSamplingInterval", { interval: 500 });
await session.post("Profiler.start");
const t0 = performance.now();
planAll(raw);
const wall = performance.now() - t0;
const { profile } = await session.post("Profiler.stop");
if (out) writeFileSync(out, JSON.stringify(profile));
const self = new Map<string, number>();
const deltas = profile.timeDeltas ?? [];
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const samples = profile.samples ?? [];
for (let i = 0; i < samples.length; i++) {
  const node = byId.get(samples[i] as number);
  if (!node) continue;
  const f = node.callFrame;
  const key = `${f.functionName || "(anonymous)"} ${f.url.split("/").slice(-2).join("/")}:${f.lineNumber + 1}`;
  self.set(key, (self.get(key) ?? 0) + (deltas[i] ?? 0) / 1000);
}
const total = [...self.values()].reduce((a, b) => a + b, 0);
console.log(`${scope}: wall ${wall.toFixed(0)} ms, sampled ${total.toFixed(0)} ms`);
for (const [key, ms] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 40)) {
  console.log(`${ms.toFixed(0).padStart(7)} ms ${((ms / total) * 100).toFixed(1).padStart(5)}%  ${key}`);
}
