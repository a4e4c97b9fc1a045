// Allocation profile of planning one scope end to end: bytes allocated per function (sampled),
// to find the garbage behind the collector's share of planning time.
// `npx tsx --tsconfig tsconfig.json bench/plan/alloc-profile.ts [school|county|city]`
import { Session } from "node:inspector/promises";
import { planAll, rawInput, scopeData } from "./plan-input.ts";

interface HeapNode {
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  selfSize: number;
  children: HeapNode[];
}

const scope = (process.argv[2] ?? "county") as "school" | "county" | "city";
const raw = rawInput(scopeData(scope));
planAll(raw); // warm-up
const session = new Session();
session.connect();
await session.post("HeapProfiler.enable");
// Keep the objects collected during the run too: the garbage is what is being looked for.
await session.post("HeapProfiler.startSampling", {
  samplingInterval: 4096,
  includeObjectsCollectedByMajorGC: true,
  includeObjectsCollectedByMinorGC: true,
});
planAll(raw);
const { profile } = await session.post("HeapProfiler.stopSampling");
const self = new Map<string, number>();
const walk = (node: HeapNode, path: string[]): void => {
  const f = node.callFrame;
  let key = `${f.functionName || "(anonymous)"} ${f.url.split("/").slice(-2).join("/")}:${f.lineNumber + 1}:${f.columnNumber + 1}`;
  // A built-in (sort, set, join, …) is charged to its caller too, to say whose it is.
  if (f.url === "" && path.length > 0) key += ` ← ${path[path.length - 1]}`;
  self.set(key, (self.get(key) ?? 0) + node.selfSize);
  for (const child of node.children) walk(child, [...path, key]);
};
walk(profile.head as unknown as HeapNode, []);
const total = [...self.values()].reduce((a, b) => a + b, 0);
console.log(`${scope}: sampled ${(total / 2 ** 20).toFixed(0)} MiB allocated`);
for (const [key, bytes] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 40)) {
  console.log(
    `${(bytes / 2 ** 20).toFixed(1).padStart(7)} MiB ${((bytes / total) * 100).toFixed(1).padStart(5)}%  ${key}`,
  );
}
