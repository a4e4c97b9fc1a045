// The REST bench's server process: the demo campus host on SQLite (the real API); the
// baseline, a bare node:http handler answering the same JSON from memory; or the audited floor,
// that same bare handler writing one audit row through homevisit's SQLite store before each
// GET answer (what RELIABILITY.md promise 5 alone costs a read); or the hand-written floor
// (handwritten.ts: the whole archive read with no library). It runs in its own
// process so the load generator never shares its event loop. Protocol with the parent: one
// `READY <json>` line on stdout once listening; it stops when stdin closes (the parent ended,
// even by a crash) or on SIGTERM.
//
// Usage (from the repository root, so tsx finds tsconfig.json's workspace paths):
//   TSX_TSCONFIG_PATH=tsconfig.json node --import tsx bench/rest/server.ts api
//   TSX_TSCONFIG_PATH=tsconfig.json node --import tsx bench/rest/server.ts baseline <fixture.json>
//   TSX_TSCONFIG_PATH=tsconfig.json node --import tsx bench/rest/server.ts audited <fixture.json>
//   TSX_TSCONFIG_PATH=tsconfig.json node --import tsx bench/rest/server.ts handwritten '<spec json>'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type ServerResponse } from "node:http";
import { Session } from "node:inspector";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { monitorEventLoopDelay, PerformanceObserver } from "node:perf_hooks";
import { sqliteStorage } from "@homevisit/storage-sqlite";
import { personaCookie, startDemoHost } from "../../examples/demo-host/src/host.ts";
import type { DemoWorld } from "../../examples/demo-host/src/seed.ts";
import { type HandwrittenFloorSpec, startHandwrittenFloor } from "./handwritten.ts";
import {
  type ApiServerReady,
  type BaselineFixture,
  type BaselineServerReady,
  benchVisitRecord,
  type ServerPauses,
} from "./shared.ts";

/** Submitted visit records the archive student gets, so the archive has a realistic size. */
const archiveVisits = 6;

async function call(
  origin: string,
  path: string,
  init: { method?: string; cookie: string; body?: unknown; headers?: Record<string, string> },
): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${origin}${path}`, {
    method: init.method ?? "GET",
    headers: {
      Cookie: init.cookie,
      "Accept-Language": "en",
      ...(init.body === undefined ? {} : { "Content-Type": "application/json" }),
      ...init.headers,
    },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  const text = await response.text();
  const json = (text === "" ? {} : JSON.parse(text)) as Record<string, unknown>;
  if (response.status >= 300) {
    throw new Error(`${init.method ?? "GET"} ${path} answered ${response.status} ${String(json.code ?? "")}`);
  }
  return { status: response.status, json };
}

function teacherIdOf(world: DemoWorld): string {
  const actor = world.personas.find((p) => p.key === "teacher")?.actor;
  if (actor === undefined) throw new Error("the demo world has no plain teacher");
  return actor.id;
}

async function startApi(): Promise<{ ready: ApiServerReady; close: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), "homevisit-bench-rest-"));
  const databaseFile = join(dir, "bench.db");
  const host = await startDemoHost({ filename: databaseFile, port: 0 });
  const origin = host.url.replace(/\/$/, "");
  const close = async () => {
    await host.close();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const cookieOf = (key: string) => `${personaCookie}=${key}`;
    const teacherCookie = cookieOf("teacher");
    const principalCookie = cookieOf("principal");
    const [archiveStudentId, draftStudentId] = host.world.assignedStudentIds;
    if (archiveStudentId === undefined || draftStudentId === undefined) {
      throw new Error("the demo teacher has fewer than two assigned students");
    }
    // Guardian consent first: the consent gate refuses records about a child under 14 without it.
    for (const studentId of [archiveStudentId, draftStudentId]) {
      const student = await call(origin, `/api/students/${studentId}`, {
        cookie: principalCookie,
        headers: { "Homevisit-Purpose": encodeURIComponent("基准测试准备") },
      });
      const guardians = (student.json.student as { guardians?: { id: string }[] } | undefined)?.guardians;
      const guardianId = guardians?.[0]?.id;
      if (guardianId === undefined) throw new Error("the demo student has no guardian");
      await call(origin, `/api/students/${studentId}/consents`, {
        method: "POST",
        cookie: principalCookie,
        body: { guardianId, grantedOn: "2026-09-01" },
      });
    }
    for (let i = 0; i < archiveVisits; i++) {
      const drafted = await call(origin, `/api/students/${archiveStudentId}/visit-records`, {
        method: "POST",
        cookie: teacherCookie,
        body: { record: benchVisitRecord },
      });
      const record = drafted.json.record as { id: string };
      await call(origin, `/api/visit-records/${record.id}/submit`, {
        method: "POST",
        cookie: teacherCookie,
        headers: { "If-Match": `"${String(drafted.json.version)}"` },
        body: {},
      });
    }
    return {
      ready: {
        kind: "api",
        origin,
        basePath: "/api",
        teacherCookie,
        archiveStudentId,
        draftStudentId,
        archiveVisits,
        databaseFile,
        teacherId: teacherIdOf(host.world),
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * The audit row of an archive read as the engine writes it (same chain, action, entity and
 * purpose), appended through the store's own transaction, hash chain and group commit.
 */
async function auditedRead(): Promise<{ audit: () => Promise<void>; close: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), "homevisit-bench-audited-"));
  const storage = sqliteStorage({ filename: join(dir, "audit.db") });
  await storage.migrations.migrate();
  return {
    audit: async () => {
      await storage.transaction((tx) =>
        tx.audit.append({
          chainId: "school-1",
          at: new Date().toISOString(),
          actorId: "teacher-1",
          action: "students.archive",
          entity: "students",
          entityId: "student-1",
          schoolId: "school-1",
          purpose: "学期家访总结",
          result: "ok",
        }),
      );
    },
    close: async () => {
      await storage.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function startBaseline(
  fixtureFile: string,
  kind: BaselineServerReady["kind"],
): Promise<{ ready: BaselineServerReady; close: () => Promise<void> }> {
  const fixture = JSON.parse(readFileSync(fixtureFile, "utf8")) as BaselineFixture;
  const archive = Buffer.from(fixture.archive);
  const draft = Buffer.from(fixture.draft);
  const audited = kind === "audited" ? await auditedRead() : undefined;
  const answerArchive = (res: ServerResponse) => {
    // The same response headers the API sends that matter for size: JSON, no-store.
    res.writeHead(200, { "Content-Type": "application/json", "Cache-Control": "no-store" });
    res.end(archive);
  };
  const server = createServer((req, res) => {
    if (req.method === "GET") {
      if (audited === undefined) answerArchive(res);
      else
        audited.audit().then(
          () => answerArchive(res),
          () => res.writeHead(500).end(),
        );
      return;
    }
    // Read and parse the body as a handler must, then answer the captured draft (the audited
    // floor makes its one audit row durable first: the least a durable, audited write costs).
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const answerDraft = () => {
        res.writeHead(201, { "Content-Type": "application/json", "Cache-Control": "no-store" });
        res.end(draft);
      };
      try {
        JSON.parse(Buffer.concat(chunks).toString("utf8"));
      } catch {
        res.writeHead(400).end();
        return;
      }
      if (audited === undefined) answerDraft();
      else audited.audit().then(answerDraft, () => res.writeHead(500).end());
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    ready: { kind, origin: `http://127.0.0.1:${port}` },
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await audited?.close();
    },
  };
}

async function startHandwritten(specJson: string): Promise<{ ready: BaselineServerReady; close: () => Promise<void> }> {
  const floor = await startHandwrittenFloor(JSON.parse(specJson) as HandwrittenFloorSpec);
  return { ready: { kind: "handwritten", origin: floor.origin }, close: floor.close };
}

/**
 * HOMEVISIT_BENCH_PROFILE=<file.cpuprofile>: a V8 CPU profile of the load window only (from
 * the first SIGUSR2 to the second), without the start-up and seeding `--cpu-prof` would mix in;
 * <file.heapprofile>: the window's allocations, sampled (open either in Chrome DevTools).
 */
function windowProfiler(file: string | undefined): { toggle(): void } | undefined {
  if (!file) return undefined;
  const session = new Session();
  session.connect();
  let running = false;
  // A `.heapprofile` file asks for allocations instead: every sampled allocation of the window,
  // the garbage collected since included — what the collector has to clean up after.
  const heap = file.endsWith(".heapprofile");
  return {
    toggle() {
      if (!running) {
        running = true;
        if (heap) {
          session.post("HeapProfiler.enable", () =>
            session.post("HeapProfiler.startSampling", {
              samplingInterval: 1024,
              includeObjectsCollectedByMajorGC: true,
              includeObjectsCollectedByMinorGC: true,
            }),
          );
        } else {
          session.post("Profiler.enable", () => session.post("Profiler.start"));
        }
        return;
      }
      running = false;
      if (heap) {
        session.post("HeapProfiler.stopSampling", (error, result) => {
          if (!error) writeFileSync(file, JSON.stringify(result.profile));
        });
        return;
      }
      session.post("Profiler.stop", (error, result) => {
        if (!error) writeFileSync(file, JSON.stringify(result.profile));
      });
    },
  };
}

/** The servers this entry starts: argv[2]. */
export type ServerKind = "api" | "baseline" | "audited" | "handwritten";

async function main(): Promise<void> {
  const [kind, fixtureFile] = process.argv.slice(2) as [ServerKind | undefined, string | undefined];
  const started =
    kind === "api"
      ? await startApi()
      : kind === "handwritten" && fixtureFile
        ? await startHandwritten(fixtureFile)
        : (kind === "baseline" || kind === "audited") && fixtureFile
          ? await startBaseline(fixtureFile, kind)
          : undefined;
  if (!started) {
    throw new Error(
      "usage: server.ts api | baseline <fixture.json> | audited <fixture.json> | handwritten <spec json>",
    );
  }
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    started.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
  // The parent asks for this process's CPU time before and after a load run: CPU per request
  // is steadier than throughput on a busy machine. With it come the window's pauses of the
  // main thread, to tell a latency tail's causes apart: garbage collection, and how late the
  // event loop ran its callbacks (a blocked main thread) — a tail with neither is waiting on
  // the disk.
  const loopDelay = monitorEventLoopDelay({ resolution: 1 });
  loopDelay.enable();
  const gc = { count: 0, totalMs: 0, maxMs: 0 };
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      gc.count++;
      gc.totalMs += entry.duration;
      gc.maxMs = Math.max(gc.maxMs, entry.duration);
    }
  }).observe({ entryTypes: ["gc"] });
  const profile = windowProfiler(process.env.HOMEVISIT_BENCH_PROFILE);
  process.on("SIGUSR2", () => {
    profile?.toggle();
    const { user, system } = process.cpuUsage();
    const pauses: ServerPauses = {
      gcCount: gc.count,
      gcTotalMs: gc.totalMs,
      gcMaxMs: gc.maxMs,
      loopDelayP99Ms: loopDelay.percentile(99) / 1e6,
      loopDelayMaxMs: loopDelay.max / 1e6,
    };
    Object.assign(gc, { count: 0, totalMs: 0, maxMs: 0 });
    loopDelay.reset();
    process.stdout.write(`CPU ${(user + system) / 1000} ${JSON.stringify(pauses)}\n`);
  });
  process.stdin.on("end", stop);
  process.stdin.on("close", stop);
  process.stdin.resume();
  process.stdout.write(`READY ${JSON.stringify(started.ready)}\n`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
