// A quick look at one REST route over real HTTP, without the whole bench: starts the API server
// (server.ts api) in its own process, loads one route closed-loop with 16 connections for a few
// seconds (load.ts), and prints throughput and the server's CPU per request. With
// HOMEVISIT_BENCH_PROFILE=<file.cpuprofile>, the server writes a V8 CPU profile of the load
// window only (open it in Chrome DevTools or VS Code). Single runs are noisy on a shared
// machine: compare changes with several alternating runs, and trust `main.ts rest` for figures.
//
// Usage (from the repository root):
//   node --import tsx bench/rest/profile.ts [archive|draft|floor|floor-draft] [seconds] [rate]
//   HOMEVISIT_BENCH_PROFILE=/tmp/archive.cpuprofile node --import tsx bench/rest/profile.ts archive 15
//   node --import tsx bench/rest/profile.ts draft 10 500   (open loop at 500 req/s, as the latency rows)
import { spawn } from "node:child_process";
import { once } from "node:events";
import { readdirSync, readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import type { HandwrittenFloorSpec } from "./handwritten.ts";
import {
  type ApiServerReady,
  type BaselineServerReady,
  benchVisitRecord,
  type LoadResult,
  type LoadSpec,
} from "./shared.ts";

// `floor` and `floor-draft`: the archive read or the draft on the hand-written floor
// (handwritten.ts), the API server started only for its seeded database; a window profile then
// profiles the floor.
const which = process.argv[2] ?? "archive";
const route = which.endsWith("draft") ? "draft" : "archive";
const onFloor = which.startsWith("floor");
const seconds = Number(process.argv[3] ?? 10);
/** Requests per second for an open-loop run (the bench's latency rows); closed loop when absent. */
const rate = process.argv[4] === undefined ? undefined : Number(process.argv[4]);

/** Starts server.ts with its arguments; resolves with the process, its READY value and its CPU reports. */
async function startServer<R>(args: string[], env: NodeJS.ProcessEnv) {
  const proc = spawn("node", ["--import", "tsx", "bench/rest/server.ts", ...args], {
    env: { TSX_TSCONFIG_PATH: "tsconfig.json", ...env },
    stdio: ["pipe", "pipe", "inherit"],
  });
  const reports: number[] = [];
  const ready = await new Promise<R>((resolve) => {
    createInterface({ input: proc.stdout }).on("line", (line) => {
      if (line.startsWith("READY ")) resolve(JSON.parse(line.slice(6)) as R);
      if (line.startsWith("CPU ")) reports.push(Number(line.split(" ")[1]));
    });
  });
  return { proc, ready, cpuMs: reports };
}

const { HOMEVISIT_BENCH_PROFILE: profileFile, ...withoutProfile } = process.env;
const api = await startServer<ApiServerReady>(["api"], onFloor ? withoutProfile : process.env);
const ready = api.ready;
const floor = onFloor
  ? await startServer<BaselineServerReady>(
      [
        "handwritten",
        JSON.stringify({
          databaseFile: ready.databaseFile,
          studentId: ready.archiveStudentId,
          draftStudentId: ready.draftStudentId,
          teacherId: ready.teacherId,
          teacherCookie: ready.teacherCookie,
        } satisfies HandwrittenFloorSpec),
      ],
      { ...withoutProfile, ...(profileFile ? { HOMEVISIT_BENCH_PROFILE: profileFile } : {}) },
    )
  : undefined;
/** The server under load: the API, or the floor. */
const server = floor?.proc ?? api.proc;
const cpuMs = floor?.cpuMs ?? api.cpuMs;
/** The server's user and system CPU time so far, all threads, in ms (Linux: /proc/<pid>/stat). */
const userSystemMs = () => statTimesMs(`/proc/${server.pid}/stat`);
/** User and system CPU time (ms) from a /proc `stat` file: fields 14 and 15, in 10 ms ticks. */
function statTimesMs(file: string): [number, number] {
  const fields = readFileSync(file, "utf8").split(") ")[1]?.split(" ") ?? [];
  const tick = 10; // USER_HZ is 100 on Linux
  return [Number(fields[11]) * tick, Number(fields[12]) * tick];
}
/** CPU time (user + system, ms) per thread: the main thread (its id is the process id), workers, libuv's pool. */
const threadMs = (): Map<string, number> => {
  const byName = new Map<string, number>();
  const dir = `/proc/${server.pid}/task`;
  for (const tid of readdirSync(dir)) {
    try {
      const name = tid === String(server.pid) ? "main" : `${readFileSync(`${dir}/${tid}/comm`, "utf8").trim()}#${tid}`;
      const [user, system] = statTimesMs(`${dir}/${tid}/stat`);
      byName.set(name, (byName.get(name) ?? 0) + user + system);
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return byName;
};
const threads: Map<string, number>[] = [];
const split: [number, number][] = [];
/** Asks the server for its CPU time (and starts or stops its window profile). */
const mark = async () => {
  split.push(userSystemMs());
  threads.push(threadMs());
  const count = cpuMs.length;
  server.kill("SIGUSR2");
  while (cpuMs.length === count) await new Promise((resolve) => setTimeout(resolve, 10));
};

const base = `${floor?.ready.origin ?? ready.origin}${ready.basePath}`;
const headers = { Cookie: ready.teacherCookie, "Accept-Language": "en" };
// Open loop as the bench's latency rows run it: up to 64 sockets, requests sent when due.
const loop =
  rate === undefined ? ({ mode: "max", connections: 16 } as const) : ({ mode: "rate", rate, connections: 64 } as const);
const spec: LoadSpec =
  route === "archive"
    ? {
        ...loop,
        url: `${base}/students/${ready.archiveStudentId}/archive`,
        method: "GET",
        headers: { ...headers, "Homevisit-Purpose": encodeURIComponent("家访准备") },
        seconds,
        warmupSeconds: 3,
      }
    : {
        ...loop,
        url: `${base}/students/${ready.draftStudentId}/visit-records`,
        method: "POST",
        headers: { ...headers, "Content-Type": "application/json" },
        body: JSON.stringify({ record: benchVisitRecord }),
        idempotencyKeys: true,
        seconds,
        warmupSeconds: 3,
      };

await mark();
const load = spawn("node", ["--import", "tsx", "bench/rest/load.ts", JSON.stringify(spec)], {
  stdio: ["ignore", "pipe", "inherit"],
});
let output = "";
load.stdout.on("data", (chunk) => {
  output += chunk;
});
await once(load, "exit");
await mark();
const line = output.split("\n").find((l) => l.startsWith("RESULT "));
if (line === undefined) throw new Error("the load generator gave no result");
const result = JSON.parse(line.slice(7)) as LoadResult;
const cpuPerRequest = (((cpuMs[1] as number) - (cpuMs[0] as number)) * 1000) / result.answered;
const [[user0, system0], [user1, system1]] = split as [[number, number], [number, number]];
const perRequest = (ms: number) => ((ms * 1000) / result.answered).toFixed(0);
console.log(
  `${route}: ${(result.requests / seconds).toFixed(0)} req/s, ${cpuPerRequest.toFixed(0)} µs server CPU per request (user ${perRequest(user1 - user0)}, system ${perRequest(system1 - system0)}; warm-up included), p50 ${result.p50Ms.toFixed(1)} ms, p99 ${result.p99Ms.toFixed(1)} ms`,
);
const [threadsBefore, threadsAfter] = threads as [Map<string, number>, Map<string, number>];
const perThread = [...threadsAfter]
  .map(([name, ms]) => [name, ms - (threadsBefore.get(name) ?? 0)] as const)
  .filter(([, ms]) => ms > 0)
  .sort((a, b) => b[1] - a[1])
  .map(([name, ms]) => `${name} ${perRequest(ms)}`);
console.log(`  by thread (µs per request): ${perThread.join(", ")}`);
for (const started of [floor, api]) {
  if (started === undefined) continue;
  started.proc.stdin.end();
  await once(started.proc, "exit");
}
