// The REST benchmark family: the homevisit REST API of the demo campus host on SQLite, loaded
// over loopback by a generator in another process, beside a bare node:http handler serving the
// same JSON from memory in the same run. Three processes: this one (orchestration only), the
// server under test, and the load generator.
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { lineOf, spawnTs, stopChild } from "../src/child.ts";
import { type BenchRow, type BenchSection, median } from "../src/harness.ts";
// Type-only imports of the child entries: erased at run time (importing them would start them),
// but they bring both files into the repository's type check.
import type { HandwrittenFloorSpec } from "./handwritten.ts";
import type { runLoad } from "./load.ts";
import type { ServerKind } from "./server.ts";
import {
  type ApiServerReady,
  type BaselineFixture,
  type BaselineServerReady,
  benchVisitRecord,
  type LoadResult,
  type LoadSpec,
  type ServerPauses,
} from "./shared.ts";

/** Options of {@link runRestBench}. */
export interface RestBenchOptions {
  /** Measured seconds per scenario and run; default 5. */
  seconds?: number;
  /** Measured runs of every scenario (API and baseline alternate); default 3. */
  runs?: number;
  /** The fixed rate of the latency scenarios, requests per second; default 500. */
  rate?: number;
  /** Connections kept busy in the throughput scenarios; default 16. */
  connections?: number;
}

/** Longest wait for a server to seed and listen (the api seeds a school: a few seconds). */
const startTimeoutMs = 120_000;

async function startServer<T>(
  args: [ServerKind, ...string[]],
  children: ChildProcess[],
): Promise<T & { child: ChildProcess }> {
  const child = spawnTs("bench/rest/server.ts", args);
  children.push(child);
  return { ...(await lineOf<T>(child, "READY", startTimeoutMs)), child };
}

/**
 * The server's CPU time so far (user + system, ms) and its main-thread pauses since the last
 * report: asked by SIGUSR2, answered on its stdout. CPU per request is steadier than
 * throughput on a machine that is busy with other work.
 */
async function serverReport(child: ChildProcess): Promise<{ cpuMs: number; pauses: ServerPauses }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("the server did not report its CPU time")), 10_000);
    const onData = (chunk: Buffer) => {
      const line = chunk
        .toString()
        .split("\n")
        .find((l) => l.startsWith("CPU "));
      if (line === undefined) return;
      clearTimeout(timer);
      child.stdout?.off("data", onData);
      const [, cpu = "", pauses = "{}"] = line.match(/^CPU (\S+) (.*)$/) ?? [];
      resolve({ cpuMs: Number(cpu), pauses: JSON.parse(pauses) as ServerPauses });
    };
    child.stdout?.on("data", onData);
    child.kill("SIGUSR2");
  });
}

async function load(spec: LoadSpec, children: ChildProcess[]): ReturnType<typeof runLoad> {
  const child = spawnTs("bench/rest/load.ts", [JSON.stringify(spec)]);
  children.push(child);
  try {
    return await lineOf<LoadResult>(child, "RESULT", (spec.seconds + (spec.warmupSeconds ?? 0)) * 1000 + 60_000);
  } finally {
    await stopChild(child);
  }
}

/** One scenario measured on both servers. */
interface Scenario {
  name: string;
  baselineName: string;
  method: "GET" | "POST";
  mode: "max" | "rate";
  /** Path on the api server; the baseline answers any path. */
  path: string;
  headers: Record<string, string>;
  body?: string;
  idempotencyKeys?: boolean;
  /**
   * Floors loaded in the same rotation, each with its own row: the hand-written archive read,
   * and the audited floor (the bare handler plus one durable audit row per request).
   */
  floors?: FloorKey[];
}

const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : "–");

/**
 * Runs the REST benchmark: reading a student's archive (`GET /students/{id}/archive` with a
 * stated purpose) and drafting a visit record (`POST /students/{id}/visit-records`, a fresh
 * `Idempotency-Key` per request) against the demo campus host on SQLite, each at full speed
 * (`connections` in flight, throughput) and at a fixed `rate` (open loop, p50/p99 latency), with
 * the same scenarios against a bare node:http handler answering the same JSON from memory.
 * Server and load generator are separate child processes on 127.0.0.1, killed at the end even
 * on failure. Rows: "ms per request" (1000 / throughput) for the throughput scenarios, the
 * median p99 for the fixed-rate ones; throughput, p50 and p99 in the notes.
 *
 * Targets: reads at ≥ 0.5× the baseline's throughput (ratio ≤ 2.00×), p99 under 20 ms at 500
 * requests per second.
 *
 * @example
 * ```ts
 * const section = await runRestBench({ seconds: 5, runs: 3 });
 * section.rows.map((r) => [r.name, r.medianMs, r.baselineMedianMs, r.notes]);
 * // [["GET archive, 16 connections: ms per request", 0.9, 0.2, "1,100 req/s …"], …]
 * ```
 */
export async function runRestBench(options: RestBenchOptions = {}): Promise<BenchSection> {
  const seconds = options.seconds ?? 5;
  const runs = options.runs ?? 3;
  const rate = options.rate ?? 500;
  const connections = options.connections ?? 16;
  const children: ChildProcess[] = [];
  const dir = mkdtempSync(join(tmpdir(), "homevisit-bench-rest-fixture-"));
  try {
    const api = await startServer<ApiServerReady>(["api"], children);
    const purpose = encodeURIComponent("学期家访总结");
    const archivePath = `${api.basePath}/students/${api.archiveStudentId}/archive`;
    const draftPath = `${api.basePath}/students/${api.draftStudentId}/visit-records`;
    const draftBody = JSON.stringify({ record: benchVisitRecord });
    const common = { Cookie: api.teacherCookie, "Accept-Language": "zh-CN" };

    // The baseline's JSON, captured once from the real API.
    const archiveResponse = await fetch(`${api.origin}${archivePath}`, {
      headers: { ...common, "Homevisit-Purpose": purpose },
    });
    const draftResponse = await fetch(`${api.origin}${draftPath}`, {
      method: "POST",
      headers: { ...common, "Content-Type": "application/json", "Idempotency-Key": "bench-fixture" },
      body: draftBody,
    });
    if (archiveResponse.status !== 200 || draftResponse.status !== 201) {
      throw new Error(`capturing the fixture: archive ${archiveResponse.status}, draft ${draftResponse.status}`);
    }
    const fixture: BaselineFixture = { archive: await archiveResponse.text(), draft: await draftResponse.text() };
    const fixtureFile = join(dir, "fixture.json");
    writeFileSync(fixtureFile, JSON.stringify(fixture));
    const baseline = await startServer<BaselineServerReady>(["baseline", fixtureFile], children);
    const audited = await startServer<BaselineServerReady>(["audited", fixtureFile], children);
    const handwrittenSpec: HandwrittenFloorSpec = {
      databaseFile: api.databaseFile,
      studentId: api.archiveStudentId,
      draftStudentId: api.draftStudentId,
      teacherId: api.teacherId,
      teacherCookie: api.teacherCookie,
    };
    const handwritten = await startServer<BaselineServerReady>(
      ["handwritten", JSON.stringify(handwrittenSpec)],
      children,
    );

    const bare = "bare node:http, same JSON from memory";
    const scenarios: Scenario[] = [
      {
        name: `GET archive (${(fixture.archive.length / 1024).toFixed(1)} KiB), ${connections} connections: ms per request`,
        baselineName: bare,
        method: "GET",
        mode: "max",
        path: archivePath,
        headers: { ...common, "Homevisit-Purpose": purpose },
        floors: ["handwritten", "audited"],
      },
      {
        name: `GET archive at ${rate} req/s: p99 latency`,
        baselineName: bare,
        method: "GET",
        mode: "rate",
        path: archivePath,
        headers: { ...common, "Homevisit-Purpose": purpose },
        floors: ["handwritten", "audited"],
      },
      {
        name: `POST visit record draft, ${connections} connections: ms per request`,
        baselineName: `${bare} (body parsed)`,
        method: "POST",
        mode: "max",
        path: draftPath,
        headers: { ...common, "Content-Type": "application/json" },
        body: draftBody,
        idempotencyKeys: true,
        floors: ["handwritten", "audited"],
      },
      {
        name: `POST visit record draft at ${rate} req/s: p99 latency`,
        baselineName: `${bare} (body parsed)`,
        method: "POST",
        mode: "rate",
        path: draftPath,
        headers: { ...common, "Content-Type": "application/json" },
        body: draftBody,
        idempotencyKeys: true,
        floors: ["handwritten", "audited"],
      },
    ];

    const rows: BenchRow[] = [];
    const servers: Record<ServerKey, { origin: string; child: ChildProcess }> = {
      api,
      base: baseline,
      audited,
      handwritten,
    };
    for (const scenario of scenarios) {
      const keys: ServerKey[] = ["base", "api", ...(scenario.floors ?? [])];
      const measured = Object.fromEntries(keys.map((k) => [k, [] as Measured[]])) as Record<ServerKey, Measured[]>;
      for (let i = 0; i < runs; i++) {
        // Alternate the servers so drift on a noisy machine hits them all alike.
        for (const key of keys) {
          const server = servers[key];
          const spec: LoadSpec = {
            mode: scenario.mode,
            url: `${server.origin}${scenario.path}`,
            method: scenario.method,
            headers: scenario.headers,
            ...(scenario.body === undefined ? {} : { body: scenario.body }),
            ...(scenario.idempotencyKeys ? { idempotencyKeys: true } : {}),
            ...(scenario.mode === "rate" ? { rate, connections: 64 } : { connections }),
            seconds,
            warmupSeconds: i === 0 ? 1 : 0,
          };
          const before = await serverReport(server.child);
          const result = await load(spec, children);
          const after = await serverReport(server.child);
          measured[key].push({
            result,
            cpuMicros: ((after.cpuMs - before.cpuMs) * 1000) / Math.max(1, result.answered),
            pauses: after.pauses,
          });
        }
      }
      rows.push(rowOf(scenario, measured.api, measured.base, rate));
      for (const floor of scenario.floors ?? []) rows.push(floorRowOf(scenario, floor, measured, rate));
    }
    return {
      title: "REST: archive reads and visit-record drafts over loopback",
      description: `The homevisit REST API in the demo campus host (examples/demo-host: node:http + @hono/node-server, engine on SQLite in a temporary file, one synthetic school, the demo's cookie login mock as the plain teacher), loaded over 127.0.0.1 by a node:http keep-alive generator in a separate process. The archive read is \`GET /students/{id}/archive\` with a stated purpose (audited), for a student with ${api.archiveVisits} submitted visit records; the draft is \`POST /students/{id}/visit-records\` with a fresh Idempotency-Key per request (one SQLite transaction with the audit row). Throughput rows: ${connections} requests always in flight for ${seconds} s, median of ${runs} runs as ms per request (1000 / req/s). Latency rows: open loop at ${rate} req/s for ${seconds} s, latency from each request's due time, median of ${runs} runs' p99. Baseline: a bare node:http handler serving the same JSON (captured from the API) from memory, in the same run, alternating with the API. Two floors, loaded in the same rotation: the hand-written floor (bench/rest/handwritten.ts) does each route's work with no library, raw better-sqlite3 on the API's own database file — for the archive it finds the student, checks the teacher's class, appointments and mentorships, reads the visit records, appointments and flags and answers their JSON with a keyed ETag; for the draft it parses the body, checks the record's shape, the teacher's relation and the guardian's consent, reads the school's form templates, and stores the record with its index columns, its idempotency entry and its audit row (changed fields, structured values as keyed HMACs); both make their writes and one hash-chained audit row durable by group commit (WAL flushed by fdatasync off the main thread) before answering — the best any implementation could do here; the audited floor is the bare handler plus only the audit row, appended through homevisit's SQLite store and durable before the answer (what promise 5 alone costs through the library; for the draft, after parsing the body: the least any durable, audited write costs on this disk). Latency rows list every run's p99 and the server's main-thread pauses in the window (longest garbage collection, event-loop delay p99 and max): a tail with neither is waiting on the disk's fdatasync. Targets: reads ≥ 0.5× the baseline's throughput (ratio ≤ 2.00×), the archive ≥ 0.67× the hand-written floor's throughput and ≤ 1.5× its CPU per request; p99 under 20 ms at ${rate} req/s in every run.`,
      rows,
    };
  } finally {
    await Promise.all(children.map((child) => stopChild(child)));
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The servers a scenario may load. */
type ServerKey = "api" | "base" | FloorKey;
/** The floors: what the best implementation, or the audit row alone, costs. */
type FloorKey = "audited" | "handwritten";

/** One load run against one server. */
interface Measured {
  result: LoadResult;
  /** Server CPU per answered request, µs. */
  cpuMicros: number;
  pauses: ServerPauses;
}

const floorNames: Record<FloorKey, string> = {
  handwritten: "hand-written floor (raw better-sqlite3, the same reads and writes with their audit row, no library)",
  audited: "audited floor (bare handler + one durable audit row through the SQLite store)",
};

const tput = (ms: Measured[]) => median(ms.map((m) => m.result.throughput));
const pct = (ms: Measured[], key: "p50Ms" | "p99Ms") => median(ms.map((m) => m.result[key]));
const cpuOf = (ms: Measured[]) => median(ms.map((m) => m.cpuMicros));

/** Each run's p99, and in how many of them it met the target. */
function p99Runs(ms: Measured[], limitMs: number): string {
  const met = ms.filter((m) => m.result.p99Ms < limitMs).length;
  return `p99 per run ${ms.map((m) => fmt(m.result.p99Ms, 1)).join(" / ")} ms (under ${limitMs} ms in ${met} of ${ms.length})`;
}

/** The longest main-thread pauses over the runs. */
function pausesOf(ms: Measured[]): string {
  const most = (key: keyof ServerPauses) => Math.max(...ms.map((m) => m.pauses[key] ?? Number.NaN));
  const gcs = median(ms.map((m) => m.pauses.gcCount));
  return `main thread: ${fmt(gcs, 0)} GCs per run, longest ${fmt(most("gcMaxMs"), 1)} ms; event-loop delay p99 ${fmt(most("loopDelayP99Ms"), 1)} ms, max ${fmt(most("loopDelayMaxMs"), 1)} ms`;
}

/** A floor's row: beside the bare baseline, and the API against it. */
function floorRowOf(
  scenario: Scenario,
  floor: FloorKey,
  measured: Record<ServerKey, Measured[]>,
  rate: number,
): BenchRow {
  const f = measured[floor];
  const base = measured.base;
  const api = measured.api;
  const [route] = scenario.name.split(/,| at /);
  if (scenario.mode === "rate") {
    return {
      name: `${route}, ${floorNames[floor]}, at ${rate} req/s: p99 latency`,
      medianMs: pct(f, "p99Ms"),
      baselineName: scenario.baselineName,
      baselineMedianMs: pct(base, "p99Ms"),
      notes: `floor p50 ${fmt(pct(f, "p50Ms"), 2)} ms, ${p99Runs(f, 20)}; server CPU per request ${Math.round(cpuOf(f))} µs; ${pausesOf(f)}; the API's p99 at ${(pct(api, "p99Ms") / pct(f, "p99Ms")).toFixed(2)}× this floor's`,
    };
  }
  const cpuRatio = cpuOf(api) / cpuOf(f);
  const share = tput(api) / tput(f);
  // Each rotation's own ratios too: the API and the floor of one rotation ran minutes apart at
  // most, so a machine that changed speed between rotations moves these less than the medians.
  const perRun = (ratio: (a: Measured, b: Measured) => number) =>
    api.map((m, i) => ratio(m, f[i] as Measured).toFixed(2)).join(" / ");
  const runs = `; per rotation: throughput ${perRun((a, b) => a.result.throughput / b.result.throughput)}×, CPU ${perRun((a, b) => a.cpuMicros / b.cpuMicros)}×`;
  const targets =
    floor === "handwritten" && scenario.method === "GET"
      ? `${runs}; targets ≥ 0.67× this floor's throughput: ${share >= 0.67 ? "met" : "MISSED"}, ≤ 1.5× its CPU: ${cpuRatio <= 1.5 ? "met" : "MISSED"}`
      : floor === "handwritten"
        ? runs
        : "";
  return {
    name: `${route}, ${floorNames[floor]}: ms per request`,
    medianMs: 1000 / tput(f),
    baselineName: "bare node:http, same JSON from memory",
    baselineMedianMs: 1000 / tput(base),
    notes: `floor ${Math.round(tput(f)).toLocaleString("en")} req/s, p99 ${fmt(pct(f, "p99Ms"), 2)} ms, server CPU per request ${Math.round(cpuOf(f))} µs (baseline ${Math.round(cpuOf(base))} µs); floor at ${(tput(f) / tput(base)).toFixed(2)}× the baseline's throughput; the API at ${share.toFixed(2)}× this floor's throughput and ${cpuRatio.toFixed(2)}× its CPU per request${targets}`,
  };
}

function rowOf(scenario: Scenario, api: Measured[], base: Measured[], rate: number): BenchRow {
  const all = [...api, ...base].map((m) => m.result);
  // Requests still open when the drain ended: an overloaded server, not a failed request.
  const unanswered = all.reduce((n, r) => n + (r.statuses.timeout ?? 0), 0);
  const errors = all.reduce((n, r) => n + r.errors, 0) - unanswered;
  const statuses = [...new Set(api.flatMap((m) => Object.keys(m.result.statuses)))]
    .filter((s) => s !== "timeout")
    .join("/");
  const apiTput = tput(api);
  const baseTput = tput(base);
  const figures = `API ${Math.round(apiTput).toLocaleString("en")} req/s, p50 ${fmt(pct(api, "p50Ms"), 2)} ms, p99 ${fmt(pct(api, "p99Ms"), 2)} ms; baseline ${Math.round(baseTput).toLocaleString("en")} req/s, p50 ${fmt(pct(base, "p50Ms"), 2)} ms, p99 ${fmt(pct(base, "p99Ms"), 2)} ms; server CPU per request ${Math.round(cpuOf(api))} µs (baseline ${Math.round(cpuOf(base))} µs); statuses ${statuses}; ${errors} errors; ${unanswered} still unanswered 10 s after the window`;
  if (scenario.mode === "max") {
    const share = apiTput / baseTput;
    const target = scenario.method === "GET" ? `; target ≥ 0.5× baseline: ${share >= 0.5 ? "met" : "MISSED"}` : "";
    return {
      name: scenario.name,
      medianMs: 1000 / apiTput,
      baselineName: scenario.baselineName,
      baselineMedianMs: 1000 / baseTput,
      notes: `${figures}; API at ${share.toFixed(2)}× the baseline's throughput${target}`,
    };
  }
  const met = api.every((m) => m.result.p99Ms < 20);
  return {
    name: scenario.name,
    medianMs: pct(api, "p99Ms"),
    baselineName: scenario.baselineName,
    baselineMedianMs: pct(base, "p99Ms"),
    notes: `${figures}; ${p99Runs(api, 20)}; ${pausesOf(api)}; target p99 < 20 ms at ${rate} req/s in every run: ${met ? "met" : "MISSED"}`,
  };
}
