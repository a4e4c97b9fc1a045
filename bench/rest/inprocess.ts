// In-process profile of the REST API's two bench routes: the demo host's fetch handler on SQLite
// (a temp file, as the demo host runs it), called with `new Request(...)` in a loop, no sockets.
// Prints CPU µs per request for the audited archive read and the idempotent draft POST.
//
// Usage (from the repository root):
//   [CONCURRENCY=n] node --import tsx [--cpu-prof] bench/rest/inprocess.ts [archive|draft|engine|both] [iterations]
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createEngine } from "@homevisit/core";
import { sqliteStorage } from "@homevisit/storage-sqlite";
import { apiBasePath, createDemoApp, personaCookie } from "../../examples/demo-host/src/host.ts";
import { seedDemo } from "../../examples/demo-host/src/seed.ts";
import { benchVisitRecord } from "./shared.ts";

const timing = process.env.STMT_TIMING === "1" ? await import("./statement-timing.ts") : undefined;
const which = process.argv[2] ?? "both";
const iterations = Number(process.argv[3] ?? 3000);
const dir = mkdtempSync(join(tmpdir(), "homevisit-inproc-"));
// SYNC=normal drops the WAL fsync per commit: for CPU profiles of the JavaScript side only
// (V8 samples wall time, and a blocked fsync would dominate them).
const storage = sqliteStorage({
  filename: join(dir, "bench.db"),
  synchronous: process.env.SYNC === "normal" ? "normal" : "full",
});
timing?.patch(storage.database);
await storage.migrations.migrate();
if (process.env.WAL_AUTOCHECKPOINT) storage.database.pragma(`wal_autocheckpoint = ${process.env.WAL_AUTOCHECKPOINT}`);
const { world } = await seedDemo(storage, {});
const engine = createEngine({
  storage,
  blobs: storage.blobs,
  config: { audit: { hmacKey: "homevisit-demo-audit-key-not-secret" } },
});
const app = createDemoApp(engine, world);
const origin = "http://127.0.0.1:3000";
const teacher = `${personaCookie}=teacher`;
const principal = `${personaCookie}=principal`;

async function call(
  method: string,
  path: string,
  cookie: string,
  body?: unknown,
  headers: Record<string, string> = {},
) {
  const response = await app(
    new Request(`${origin}${apiBasePath}${path}`, {
      method,
      headers: {
        Cookie: cookie,
        "Accept-Language": "en",
        ...(body === undefined ? {} : { "Content-Type": "application/json" }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    }),
  );
  const text = await response.text();
  if (response.status >= 300) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return JSON.parse(text) as Record<string, unknown>;
}

const [archiveId, draftId] = world.assignedStudentIds as [string, string];
for (const id of [archiveId, draftId]) {
  const s = await call("GET", `/students/${id}`, principal, undefined, {
    "Homevisit-Purpose": encodeURIComponent("准备"),
  });
  const guardianId = (s.student as { guardians: { id: string }[] }).guardians[0]?.id;
  await call("POST", `/students/${id}/consents`, principal, { guardianId, grantedOn: "2026-09-01" });
}
for (let i = 0; i < 6; i++) {
  const d = await call("POST", `/students/${archiveId}/visit-records`, teacher, { record: benchVisitRecord });
  await call(
    "POST",
    `/visit-records/${(d.record as { id: string }).id}/submit`,
    teacher,
    {},
    { "If-Match": `"${String(d.version)}"` },
  );
}

const purpose = encodeURIComponent("家访准备");
const draftBody = JSON.stringify({ record: benchVisitRecord });
let n = 0;
const teacherActor = world.personas.find((p) => p.key === "teacher")?.actor;
const routes = {
  // The engine alone, without HTTP: what the REST layer adds is the difference.
  engine: async () => {
    await engine.students.archive(teacherActor as never, { studentId: archiveId }, { purpose: "家访准备" });
    return new Response("{}");
  },
  archive: () =>
    app(
      new Request(`${origin}${apiBasePath}/students/${archiveId}/archive`, {
        headers: { Cookie: teacher, "Accept-Language": "en", "Homevisit-Purpose": purpose },
      }),
    ),
  draft: () =>
    app(
      new Request(`${origin}${apiBasePath}/students/${draftId}/visit-records`, {
        method: "POST",
        headers: {
          Cookie: teacher,
          "Accept-Language": "en",
          "Content-Type": "application/json",
          "Idempotency-Key": `inproc-${process.pid}-${n++}`,
        },
        body: draftBody,
      }),
    ),
};

// ROUNDS=n measures each route n times in a row: on a shared machine the lowest round is the
// figure least disturbed by other processes.
const rounds = Number(process.env.ROUNDS ?? 1);
const chosen = which === "both" ? (["archive", "draft"] as const) : [which as keyof typeof routes];
for (const name of chosen.flatMap((route) => Array.from({ length: rounds }, () => route))) {
  const route = routes[name];
  for (let i = 0; i < 300; i++) await (await route()).arrayBuffer(); // warm-up
  timing?.stats.clear();
  const before = process.cpuUsage();
  const t0 = performance.now();
  const walls = new Float64Array(iterations);
  // CONCURRENCY=n keeps n requests in flight (group commit then shares COMMITs and syncs).
  const inFlight = Math.max(1, Number(process.env.CONCURRENCY ?? 1));
  let next = 0;
  const worker = async () => {
    while (next < iterations) {
      const i = next++;
      const started = performance.now();
      const r = await route();
      await r.arrayBuffer();
      if (r.status >= 300) throw new Error(`${name}: ${r.status}`);
      walls[i] = performance.now() - started;
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  walls.sort();
  const pct = (p: number) => (walls[Math.min(iterations - 1, Math.floor((p / 100) * iterations))] as number).toFixed(2);
  const cpu = process.cpuUsage(before);
  const wall = performance.now() - t0;
  console.log(
    timing?.report(iterations) ?? "",
    `${name}: ${((cpu.user + cpu.system) / iterations).toFixed(0)} µs CPU/req (user ${(cpu.user / iterations).toFixed(0)}, sys ${(cpu.system / iterations).toFixed(0)}), ${((wall * 1000) / iterations).toFixed(0)} µs wall/req; wall p50 ${pct(50)} ms, p99 ${pct(99)} ms, p99.9 ${pct(99.9)} ms, max ${pct(100)} ms`,
  );
}
await storage.close();
if (process.env.KEEP_DB === "1") console.log(`kept ${dir}`);
else rmSync(dir, { recursive: true, force: true });
