// The soak benchmark family: the demo campus host on SQLite in a child process, a campus's mixed
// load over its real HTTP port for ten minutes, the host killed (SIGKILL) and started again
// twice, and its disk filled once. Counts what a campus would notice: requests served, 5xx
// outside and inside the fault windows, acknowledged writes lost, the audit chain's verdict
// after each restart, and the latency of each route.
import { type ChildProcess, spawnSync } from "node:child_process";
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  rmSync,
  statfsSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { createServer } from "node:net";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { lineOf, spawnTs } from "../src/child.ts";
import type { BenchSection } from "../src/harness.ts";
import {
  Campus,
  countyLoop,
  grantConsents,
  principalLoop,
  type Sample,
  teacherLoop,
  verifyThroughApi,
} from "./clients.ts";
// Type-only imports of the child entries: erased at run time (importing them would start them),
// but they bring both files into the repository's type check.
import type { SoakServerArgs } from "./server.ts";
import type { SoakServerReady, SoakServerSpec, VerifyResult } from "./shared.ts";
import type { verifyDatabase } from "./verify.ts";

/** Options of {@link runSoakBench}. */
export interface SoakOptions {
  /** Length of the loaded run in seconds; default 600. */
  seconds?: number;
  /** Simulated teachers; default 50. */
  teachers?: number;
  /** Simulated principals reading dashboards; default 5. */
  principals?: number;
  /** County officers pulling reports; default 1. */
  countyOfficers?: number;
  /** Host kills (SIGKILL) and restarts during the run; default 2. */
  restarts?: number;
  /** Size of the loop-mounted volume in MiB; default 1024. */
  volumeMiB?: number;
  /** Think-time scale (1 = a teacher acts every one to two seconds). */
  pace?: number;
}

/**
 * The soak's options from the environment: `HOMEVISIT_SOAK_SECONDS` (default 600),
 * `HOMEVISIT_SOAK_TEACHERS` (50), `HOMEVISIT_SOAK_VOLUME_MIB` (1024).
 *
 * @example
 * ```ts
 * soakOptionsFromEnv(); // { seconds: 600 } unless HOMEVISIT_SOAK_SECONDS says otherwise
 * ```
 */
export function soakOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): SoakOptions {
  const number = (name: string) => {
    const value = env[name];
    if (value === undefined || value === "") return undefined;
    const n = Number(value);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number`);
    return n;
  };
  const seconds = number("HOMEVISIT_SOAK_SECONDS");
  const teachers = number("HOMEVISIT_SOAK_TEACHERS");
  const volumeMiB = number("HOMEVISIT_SOAK_VOLUME_MIB");
  return {
    ...(seconds === undefined ? {} : { seconds }),
    ...(teachers === undefined ? {} : { teachers: Math.round(teachers) }),
    ...(volumeMiB === undefined ? {} : { volumeMiB }),
  };
}

/** Longest wait for the host to seed (first start) or reopen its file and listen. */
const startTimeoutMs = 180_000;
/** After the host listens again, how long its clients may still be reconnecting. */
const graceMs = 1_000;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Where the database lives, and how the disk gets full. */
interface Volume {
  mode: "loop-mounted ext4" | "injected SQLITE_FULL (max_page_count)";
  dir: string;
  fill(): void;
  free(): void;
  cleanup(): void;
}

/**
 * A small ext4 image, loop-mounted, when this process is root and `mount` works: the disk
 * really fills. Otherwise the server's injected fault (SQLite's page limit pinned), which
 * SQLite reports with the same SQLITE_FULL as a full disk.
 */
function prepareVolume(base: string, mib: number, server: () => ChildProcess | undefined): Volume {
  const mountPoint = join(base, "volume");
  mkdirSync(mountPoint, { recursive: true });
  const image = join(base, "volume.img");
  const run = (cmd: string, args: string[]) => spawnSync(cmd, args, { stdio: "pipe", encoding: "utf8" });
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  if (isRoot) {
    writeFileSync(image, "");
    const sized = run("truncate", ["-s", `${mib}M`, image]);
    // No reserved blocks: the host runs as root here and would otherwise write into them.
    const made = sized.status === 0 && run("mkfs.ext4", ["-q", "-F", "-m", "0", image]).status === 0;
    if (made && run("mount", ["-o", "loop", image, mountPoint]).status === 0) {
      const filler = join(mountPoint, "filler");
      return {
        mode: "loop-mounted ext4",
        dir: join(mountPoint, "db"),
        fill() {
          const stats = statfsSync(mountPoint);
          run("fallocate", ["-l", String(Math.max(0, stats.bavail * stats.bsize - 1024 * 1024)), filler]);
          // Top up what fallocate left, to the last block.
          const fd = openSync(filler, "a");
          try {
            for (const size of [1 << 20, 1 << 16, 4096, 512]) {
              const chunk = Buffer.alloc(size);
              try {
                for (let i = 0; i < 100_000; i++) writeSync(fd, chunk);
              } catch (error) {
                if ((error as NodeJS.ErrnoException).code !== "ENOSPC") throw error;
              }
            }
          } finally {
            closeSync(fd);
          }
        },
        free() {
          if (existsSync(filler)) unlinkSync(filler);
        },
        cleanup() {
          run("umount", [mountPoint]);
        },
      };
    }
  }
  return {
    mode: "injected SQLITE_FULL (max_page_count)",
    dir: join(base, "db"),
    fill() {
      server()?.kill("SIGUSR1");
    },
    free() {
      server()?.kill("SIGUSR2");
    },
    cleanup() {},
  };
}

/** A span of the run in which faults were in play, ms since the run started. */
interface Window {
  kind: "restart" | "disk full" | "crash";
  start: number;
  end: number;
}

interface Check {
  after: string;
  verify: VerifyResult;
  audit: string;
  auditMs: number;
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}

const ms = (n: number) =>
  Number.isFinite(n) ? (n >= 1000 ? `${(n / 1000).toFixed(2)} s` : `${n.toFixed(1)} ms`) : "–";
const int = (n: number) => n.toLocaleString("en");

/**
 * Runs the soak: starts the demo campus host (bench/soak/server.ts) on a fresh SQLite file,
 * records guardian consents for the simulated teachers' students, then runs `teachers` teachers,
 * `principals` principals and the county officer against its port for `seconds`, killing and
 * restarting the host `restarts` times and filling its disk once. After each restart, after
 * the disk is freed and at the end, every acknowledged write is checked in the database file
 * and the school's audit chain is verified through `POST /audit/verify`; at the end every
 * acknowledged visit record is also read back through the API.
 *
 * @example
 * ```ts
 * const section = await runSoakBench({ seconds: 60 });
 * section.tables?.[0]?.rows; // [["requests served", "12,345"], …]
 * ```
 */
export async function runSoakBench(options: SoakOptions = {}): Promise<BenchSection> {
  const seconds = options.seconds ?? 600;
  const teacherCount = options.teachers ?? 50;
  const principals = options.principals ?? 5;
  const countyOfficers = options.countyOfficers ?? 1;
  const restarts = options.restarts ?? 2;
  const base = mkdtempSync(join(tmpdir(), "homevisit-soak-"));
  let child: ChildProcess | undefined;
  const volume = prepareVolume(base, options.volumeMiB ?? 1024, () => child);
  const serverLog: string[] = [];
  try {
    mkdirSync(volume.dir, { recursive: true });
    const spec: SoakServerSpec = {
      filename: join(volume.dir, "campus.db"),
      port: await freePort(),
      students: Math.max(360, teacherCount * 20),
      teachers: teacherCount,
      studentsPerTeacher: 3,
    };
    const windows: Window[] = [];
    const crashes: string[] = [];
    let expectingExit = false;
    let t0 = performance.now();
    const now = () => performance.now() - t0;

    let campus: Campus | undefined;
    let restartPromise: Promise<void> | undefined;
    const start = async (): Promise<SoakServerReady> => {
      const next = spawnTs("bench/soak/server.ts", [JSON.stringify(spec)] satisfies SoakServerArgs);
      child = next;
      next.stderr?.on("data", (chunk: Buffer) => {
        serverLog.push(chunk.toString());
        if (serverLog.length > 200) serverLog.shift();
      });
      const ready = await lineOf<SoakServerReady>(next, "READY", startTimeoutMs);
      next.once("exit", (code, signal) => {
        if (expectingExit || child !== next) return;
        // The host died by itself: counted as a crash and started again, as a supervisor would.
        const at = now();
        crashes.push(`${(at / 1000).toFixed(1)} s: exit ${code ?? signal}; ${serverLog.join("").slice(-500)}`);
        restartPromise = start().then(
          (again) => {
            if (campus) campus.host = again;
            windows.push({ kind: "crash", start: at, end: now() + graceMs });
          },
          (error: unknown) => {
            crashes.push(`the host did not start again: ${error instanceof Error ? error.message : String(error)}`);
          },
        );
      });
      return ready;
    };

    console.log(`  soak: starting the host (${spec.students} students, database on ${volume.mode})`);
    const firstStart = performance.now();
    const host = await start();
    const seedMs = performance.now() - firstStart;
    campus = new Campus(host, t0, options.pace ?? 1);
    const consents = await grantConsents(campus);
    campus.samples.length = 0;
    t0 = performance.now();
    const theCampus = new Campus(host, t0, options.pace ?? 1);
    for (const [id, ack] of campus.acknowledged.consents) theCampus.acknowledged.consents.set(id, ack);
    campus.close();
    campus = theCampus;

    const tmp = join(base, "acknowledged.json");
    const checks: Check[] = [];
    const check = async (after: string) => {
      const c = campus as Campus;
      writeFileSync(tmp, JSON.stringify(c.snapshot()));
      const verifier = spawnTs("bench/soak/verify.ts", [spec.filename, tmp] satisfies Parameters<
        typeof verifyDatabase
      >);
      const verify = await lineOf<VerifyResult>(verifier, "RESULT", 300_000);
      const auditStart = performance.now();
      const audit = await c.send("POST /audit/verify", c.host.principalKey, "POST", "/audit/verify", { record: false });
      const auditMs = performance.now() - auditStart;
      const body = audit.json ?? {};
      const verdict =
        audit.status !== 200
          ? `answered ${audit.status} ${String(body.code ?? "")}`
          : body.ok === true
            ? `ok, ${int(Number(body.count))} rows`
            : `BROKEN at seq ${String(body.seq)}: ${String(body.problem)} (${int(Number(body.count))} rows)`;
      checks.push({ after, verify, audit: verdict, auditMs });
      console.log(
        `  soak ${(now() / 1000).toFixed(0)} s, after ${after}: ${verify.lost} of ${verify.checked} acknowledged writes lost; audit ${verdict}`,
      );
    };

    const restart = async (n: number) => {
      const killed = child as ChildProcess;
      const startAt = now();
      expectingExit = true;
      const exited = new Promise<void>((resolve) => killed.once("exit", () => resolve()));
      killed.kill("SIGKILL");
      await exited;
      expectingExit = false;
      const again = await start();
      (campus as Campus).host = again;
      windows.push({ kind: "restart", start: startAt, end: now() + graceMs });
      console.log(`  soak ${(startAt / 1000).toFixed(0)} s: host killed and back in ${ms(now() - startAt)}`);
      await check(`restart ${n}`);
    };

    const users: Promise<void>[] = [
      ...host.teachers.map((t) => teacherLoop(campus as Campus, t)),
      ...Array.from({ length: principals }, () => principalLoop(campus as Campus)),
      ...Array.from({ length: countyOfficers }, () => countyLoop(campus as Campus)),
    ];
    const at = (fraction: number) => sleep(Math.max(0, fraction * seconds * 1000 - now()));
    const fillSeconds = Math.max(5, Math.min(45, seconds * 0.06));
    const restartAt = Array.from({ length: restarts }, (_, i) =>
      i === 0 ? 0.28 : 0.28 + ((0.85 - 0.28) * i) / Math.max(1, restarts - 1),
    );
    const faults = (async () => {
      let filled = false;
      for (const [i, fraction] of restartAt.entries()) {
        if (!filled && fraction > 0.5) {
          await at(0.5);
          await fillDisk();
          filled = true;
        }
        await at(fraction);
        await restart(i + 1);
      }
      if (!filled) {
        await at(0.5);
        await fillDisk();
      }
    })();
    async function fillDisk(): Promise<void> {
      const startAt = now();
      volume.fill();
      console.log(
        `  soak ${(startAt / 1000).toFixed(0)} s: disk full (${volume.mode}) for ${fillSeconds.toFixed(0)} s`,
      );
      await sleep(fillSeconds * 1000);
      volume.free();
      windows.push({ kind: "disk full", start: startAt, end: now() + graceMs });
      await sleep(graceMs);
      await check("the disk was freed");
    }

    await faults;
    await sleep(Math.max(0, seconds * 1000 - now()));
    campus.stop();
    await Promise.all(users);
    await restartPromise;
    const runSeconds = now() / 1000;
    const load = loadavg()[2] ?? Number.NaN;
    await check("the run");
    const api = await verifyThroughApi(campus);
    console.log(`  soak: ${api.lost.length} of ${api.checked} acknowledged visit records differ when read back`);

    // The host's own shutdown, as an operator stops it.
    expectingExit = true;
    const finalChild = child as ChildProcess;
    const exited = new Promise<void>((resolve) => finalChild.once("exit", () => resolve()));
    finalChild.kill("SIGTERM");
    await Promise.race([exited, sleep(15_000)]);
    if (finalChild.exitCode === null && finalChild.signalCode === null) finalChild.kill("SIGKILL");
    campus.close();

    return report({
      seconds: runSeconds,
      seedMs,
      teachers: host.teachers.length,
      principals,
      countyOfficers,
      volume: volume.mode,
      consents,
      samples: campus.samples,
      windows,
      checks,
      crashes,
      regressions: campus.regressions,
      api,
      acknowledged: campus.snapshot(),
      students: spec.students,
      load,
    });
  } finally {
    if (child && child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    volume.cleanup();
    rmSync(base, { recursive: true, force: true });
  }
}

interface SoakRun {
  seconds: number;
  seedMs: number;
  teachers: number;
  principals: number;
  countyOfficers: number;
  volume: string;
  consents: number;
  samples: Sample[];
  windows: Window[];
  checks: Check[];
  crashes: string[];
  regressions: string[];
  api: { checked: number; lost: string[] };
  acknowledged: ReturnType<Campus["snapshot"]>;
  students: number;
  /** The machine's 15-minute load average at the end of the run. */
  load: number;
}

function report(run: SoakRun): BenchSection {
  const inWindow = (s: Sample, kinds: Window["kind"][]) =>
    run.windows.some((w) => kinds.includes(w.kind) && s.start < w.end && s.end > w.start);
  const answered = run.samples.filter((s) => s.status > 0);
  const failed = (s: Sample) => s.status >= 500 || s.status === 0;
  const count = (pred: (s: Sample) => boolean) => run.samples.filter(pred).length;
  const codes = (pred: (s: Sample) => boolean) => {
    const by = new Map<string, number>();
    for (const s of run.samples.filter(pred)) {
      const key = s.status === 0 ? `no answer (${s.code ?? "?"})` : `${s.status} ${s.code ?? ""}`.trim();
      by.set(key, (by.get(key) ?? 0) + 1);
    }
    return [...by].map(([k, n]) => `${int(n)} × ${k}`).join(", ") || "none";
  };
  const restartKinds: Window["kind"][] = ["restart", "crash"];
  const outside5xx = count((s) => s.status >= 500 && !inWindow(s, [...restartKinds, "disk full"]));
  const outsideRestart5xx = count((s) => s.status >= 500 && !inWindow(s, restartKinds));
  const outsideNoAnswer = count((s) => s.status === 0 && !inWindow(s, restartKinds));
  const ack = run.acknowledged;
  const photos = ack.visitRecords.reduce((n, r) => n + r.photoBlobIds.length, 0);
  const submitted = ack.visitRecords.filter((r) => r.submitted).length;
  const lostAtEnd = run.checks.at(-1)?.verify.lost ?? Number.NaN;
  const restartWindows = run.windows.filter((w) => w.kind === "restart");
  const diskWindow = run.windows.find((w) => w.kind === "disk full");
  const writesInDisk = (s: Sample) =>
    diskWindow !== undefined && s.start < diskWindow.end && s.end > diskWindow.start && !s.route.startsWith("GET");

  const summary: string[][] = [
    ["length of the run", `${run.seconds.toFixed(0)} s`],
    [
      "users",
      `${run.teachers} teachers, ${run.principals} principals, ${run.countyOfficers} county officer(s); ${int(run.students)}-student school`,
    ],
    ["requests served (an HTTP answer)", int(answered.length)],
    [
      "2xx / 4xx",
      `${int(count((s) => s.status >= 200 && s.status < 300))} / ${int(count((s) => s.status >= 400 && s.status < 500))}`,
    ],
    ["4xx by code", codes((s) => s.status >= 400 && s.status < 500)],
    ["5xx outside restart and disk-full windows (goal 0)", int(outside5xx)],
    [
      "5xx outside restart windows (goal 0; disk-full window included)",
      `${int(outsideRestart5xx)}: ${codes((s) => s.status >= 500 && !inWindow(s, restartKinds))}`,
    ],
    [
      "no answer outside restart windows",
      `${int(outsideNoAnswer)}: ${codes((s) => s.status === 0 && !inWindow(s, restartKinds))}`,
    ],
    [
      `during the ${restartWindows.length} restarts (SIGKILL → listening again + ${graceMs / 1000} s)`,
      `${codes((s) => failed(s) && inWindow(s, restartKinds))}; host back in ${restartWindows.map((w) => ms(w.end - w.start - graceMs)).join(", ")}`,
    ],
    [
      `disk full (${run.volume}), ${diskWindow ? ms(diskWindow.end - diskWindow.start - graceMs) : "–"}`,
      diskWindow
        ? `writes: ${int(count((s) => writesInDisk(s) && s.status >= 200 && s.status < 300))} succeeded, refused: ${codes((s) => writesInDisk(s) && (s.status >= 400 || s.status === 0))}`
        : "not run",
    ],
    ["unplanned host exits", run.crashes.length === 0 ? "0" : `${run.crashes.length}: ${run.crashes.join(" | ")}`],
    [
      "acknowledged writes",
      `${int(ack.visitRecords.length)} visit records (${int(submitted)} submitted, ${int(photos)} photos), ${int(ack.safetyReports.length)} safety reports, ${int(run.consents)} consents`,
    ],
    [
      "acknowledged writes lost (goal 0)",
      `${Number.isFinite(lostAtEnd) ? int(lostAtEnd) : "–"} in the database file; ${int(run.api.lost.length)} of ${int(run.api.checked)} visit records read back through the API differ`,
    ],
    ["versions seen going back after a fault (live)", int(run.regressions.length)],
    ["first start (seeding the school)", ms(run.seedMs)],
    ["machine load average (15 min) at the end", run.load.toFixed(1)],
  ];
  const lostExamples = [...(run.checks.at(-1)?.verify.examples ?? []), ...run.api.lost, ...run.regressions].slice(
    0,
    10,
  );
  if (lostExamples.length > 0) summary.push(["lost writes (first ten)", lostExamples.join("; ")]);

  const checks = run.checks.map((c) => [
    c.after,
    `${int(c.verify.lost)} of ${int(c.verify.checked)}`,
    int(c.verify.danglingPhotos),
    `${(c.verify.databaseBytes / 2 ** 20).toFixed(1)} + ${(c.verify.walBytes / 2 ** 20).toFixed(1)} MiB`,
    c.verify.integrity,
    c.audit,
    ms(c.auditMs),
  ]);

  const routes = [...new Set(run.samples.map((s) => s.route))].sort();
  const perRoute = routes.map((route) => {
    const all = run.samples.filter((s) => s.route === route);
    const latencies = all
      .filter((s) => s.status > 0)
      .map((s) => s.end - s.start)
      .sort((a, b) => a - b);
    const calm = all
      .filter((s) => s.status > 0 && !inWindow(s, [...restartKinds, "disk full"]))
      .map((s) => s.end - s.start)
      .sort((a, b) => a - b);
    return [
      route,
      int(all.length),
      int(all.filter((s) => s.status >= 200 && s.status < 300).length),
      int(all.filter((s) => s.status >= 400 && s.status < 500).length),
      int(all.filter((s) => s.status >= 500).length),
      int(all.filter((s) => s.status === 0).length),
      ms(percentile(latencies, 50)),
      ms(percentile(latencies, 99)),
      ms(percentile(calm, 99)),
      ms(latencies.at(-1) ?? Number.NaN),
    ];
  });

  return {
    title: "Soak: a campus's mixed load with restarts and a full disk",
    description: `The demo campus host (examples/demo-host: SQLite, its seed, its REST mount and persona-cookie login, node:http) in a child process (bench/soak/server.ts, which adds one login persona per simulated teacher: real teachers of the seeded school, three students each by appointment), loaded over 127.0.0.1 for ${run.seconds.toFixed(0)} s by ${run.teachers} teachers (a pre-visit safety report, a draft, the full record, one or two generated JPEG/PNG photos, the submission, a read back, now and then their student and appointment lists; 0.3–2 s between steps), ${run.principals} principals (school coverage by class, teacher, grade or category; the overdue safety scan; student, conduct-report, feedback and audit lists; every 1–3 s) and ${run.countyOfficers} county officer (county coverage by school, grade, category or channel, every 2–5 s). The host is killed with SIGKILL and started again on the same file ${restartWindows.length} times, and its disk is filled once (${run.volume}${run.volume.startsWith("loop") ? ": the database on a small ext4 image, a file written until ENOSPC, then deleted" : ": the page limit pinned to the pages in use, then restored"}). Clients retry a create with the same Idempotency-Key and read a record back after an unknown outcome. After each restart, after the disk is freed and at the end, a separate process checks every acknowledged write (2xx with an id and a version) in the database file — record version, submission, photo ids and their bytes, safety reports, consents — and \`POST /audit/verify\` checks the school's audit chain ("photos named without bytes" counts photo references in any record, acknowledged or not, whose bytes are not stored); at the end every acknowledged visit record is also read back through the API. Latency is measured from send to the last byte, per route, over every answered request; "calm p99" leaves out requests that overlapped a restart or the full disk. No baseline: the figures are counts and latencies, not ratios. Run: \`npm run bench -- soak\` (HOMEVISIT_SOAK_SECONDS shortens it).`,
    rows: [],
    tables: [
      { columns: ["measure", "value"], rows: summary },
      {
        columns: [
          "check after",
          "acknowledged writes lost",
          "photos named without bytes",
          "database + WAL",
          "quick_check",
          "POST /audit/verify",
          "verify took",
        ],
        rows: checks,
      },
      {
        columns: ["route", "requests", "2xx", "4xx", "5xx", "no answer", "p50", "p99", "calm p99", "max"],
        rows: perRoute,
      },
    ],
  };
}
