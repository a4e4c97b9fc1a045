import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { seedTenants } from "@homevisit/storage-conformance";
import { sqliteStorage } from "@homevisit/storage-sqlite";
import Database from "better-sqlite3";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { crashRosterSize } from "./support/crash-roster.js";

// 120 kills in CI (RELIABILITY.md asks for 100+); fewer locally, where child start-up on a busy
// machine makes each kill cost a second or more. HOMEVISIT_CRASH_KILLS overrides both.
const kills = Number(process.env.HOMEVISIT_CRASH_KILLS ?? (process.env.CI ? 120 : 24));
const here = fileURLToPath(new URL(".", import.meta.url));
let dir = "";
let child = "";

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "hv-crash-"));
  // Inside the package's node_modules, so the bundle finds better-sqlite3 (native, not bundled).
  const cache = join(here, "../node_modules/.cache");
  mkdirSync(cache, { recursive: true });
  child = join(mkdtempSync(join(cache, "hv-crash-")), "import-child.mjs");
  // One bundle, so each of the 100+ child processes starts in milliseconds, not seconds.
  await build({
    entryPoints: [join(here, "support/import-child.ts")],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    outfile: child,
    external: ["better-sqlite3"],
    tsconfig: join(here, "../../../tsconfig.json"),
    // CommonJS dependencies bundled into ESM need a `require`; the alias keeps clear of the
    // bundle's own `createRequire` import.
    banner: {
      js: "import { createRequire as hvBannerRequire } from 'node:module'; const require = hvBannerRequire(import.meta.url);",
    },
    logLevel: "silent",
  });
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  if (child) rmSync(dirname(child), { recursive: true, force: true });
});

function runUntilKilled(file: string, firstRound: number, killAfterMs: number): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const acked: number[] = [];
    const proc: ChildProcess = spawn(process.execPath, [child, file, String(firstRound)], {
      cwd: join(here, ".."),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let buffer = "";
    let timer: NodeJS.Timeout | undefined;
    let stderr = "";
    proc.stderr?.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    proc.stdout?.on("data", (d: Buffer) => {
      buffer += d.toString();
      const lines = buffer.split("\n");
      buffer = lines.pop() ?? "";
      for (const line of lines) {
        if (line === "READY" && !timer) timer = setTimeout(() => proc.kill("SIGKILL"), killAfterMs);
        const m = /^ACK (\d+)$/.exec(line);
        if (m) acked.push(Number(m[1]));
      }
    });
    proc.on("error", reject);
    proc.on("exit", (_code, signal) => {
      if (timer) clearTimeout(timer);
      if (signal !== "SIGKILL") reject(new Error(`child exited without being killed: ${stderr.slice(0, 500)}`));
      else resolve(acked);
    });
  });
}

interface LaneResult {
  kills: number;
  ackedRuns: number;
  lastAcked: number;
}

/** One database file, killed `kills` times in a row, checked after every kill. */
async function lane(file: string, kills: number): Promise<LaneResult> {
  const setup = sqliteStorage({ filename: file });
  await setup.migrations.migrate();
  await seedTenants(setup);
  await setup.close();

  let lastAcked = -1;
  let nextRound = 0;
  let ackedRuns = 0;
  for (let k = 0; k < kills; k++) {
    // Kill at random points: inside the first import, or a few imports in. Every third kill
    // comes as soon as the child is ready, inside its first import: an import of 60 students
    // takes a few milliseconds, so purely random moments would almost never land before the
    // first commit, and the check below that some do would fail by chance.
    const killAfterMs = k % 3 === 0 ? 0 : Math.floor(Math.random() * 1500);
    const acked = await runUntilKilled(file, nextRound, killAfterMs);
    if (acked.length > 0) {
      ackedRuns++;
      lastAcked = Math.max(lastAcked, ...acked);
    }
    nextRound = Math.max(nextRound, lastAcked + 1) + 1;

    const db = new Database(file, { readonly: true });
    try {
      expect(db.pragma("integrity_check", { simple: true })).toBe("ok");
      const rows = db
        .prepare("SELECT data FROM hv_students WHERE school_id = 'sch-1' AND id NOT LIKE 'stu-base%'")
        .all() as { data: string }[];
      const rounds = new Set(rows.map((r) => /第(\d+)轮/.exec(JSON.parse(r.data).name)?.[1]));
      if (lastAcked >= 0) {
        // Every acknowledged import is there whole: all students, all of one round, and that
        // round is the last acknowledged one or a later one committed just before the kill.
        expect(rows.length).toBe(crashRosterSize);
        expect(rounds.size).toBe(1);
        expect(Number([...rounds][0])).toBeGreaterThanOrEqual(lastAcked);
      } else {
        // Nothing acknowledged yet: either nothing or one whole import, never a part.
        expect(rows.length === 0 || (rows.length === crashRosterSize && rounds.size === 1)).toBe(true);
      }
      const enrolments = db.prepare("SELECT count(*) AS n FROM hv_enrolments WHERE school_id = 'sch-1'").get() as {
        n: number;
      };
      expect(enrolments.n).toBe(rows.length + 1); // + the fixture's base student
    } finally {
      db.close();
    }
  }
  return { kills, ackedRuns, lastAcked };
}

describe("sqlite crash safety", () => {
  it(`survives ${kills} SIGKILLs during roster imports: integrity ok, acknowledged commits present, no half import`, async () => {
    const lanes = 4;
    const results = await Promise.all(
      Array.from({ length: lanes }, (_, i) => lane(join(dir, `crash-${i}.db`), Math.ceil(kills / lanes))),
    );
    const total = results.reduce((n, r) => n + r.kills, 0);
    const ackedRuns = results.reduce((n, r) => n + r.ackedRuns, 0);
    expect(total).toBeGreaterThanOrEqual(kills);
    // The kills must land both before and after commits for the test to mean anything.
    expect(ackedRuns).toBeGreaterThan(0);
    expect(ackedRuns).toBeLessThan(total);
    console.log(`crash test: ${total} kills in ${lanes} lanes, ${ackedRuns} runs acknowledged imports`);
  }, 900_000);
});
