// Visit-record drafts written through the SQLite store as the REST API writes them: sixteen
// transactions in flight, each creating one record, so they share COMMITs (group commit, each
// part in its own savepoint) and WAL syncs. Four set-ups of the store side by side — SQLite's
// temporary data (savepoint sub-journals) in memory or in a file, record ids time-ordered
// (UUID v7) or random (v4) — beside the baseline: better-sqlite3 itself inserting the same
// rows into the same tables, sixteen to a transaction, with no savepoints. Each set-up writes
// into its own database file seeded with the same school, and they alternate run by run.
//
// Usage (from the repository root): `npm run bench -- writes`, or
//   node --import tsx bench/storage/draft-writes.ts
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomIds, timeOrderedIds, type VisitRecordDraft, visitRecordDraftSchema } from "@homevisit/core";
import { entityIndexes, type StoredEntityName } from "@homevisit/core/storage";
import { type DemoDataset, generateSchool } from "@homevisit/demo-data";
import { entityTables } from "@homevisit/storage-sql";
import { type SqliteStorage, sqliteStorage } from "@homevisit/storage-sqlite";
import { benchVisitRecord } from "../rest/shared.ts";
import { type BenchSection, median } from "../src/harness.ts";

/** Options of {@link runDraftWritesBench}. */
export interface DraftWritesBenchOptions {
  /** Drafts written per run and set-up; default 4,000. */
  drafts?: number;
  /** Measured runs per set-up (after one warm-up run each); default 3. */
  runs?: number;
}

/** Transactions in flight at once, as the REST bench's 16 connections keep them. */
const inFlight = 16;

interface SetUp {
  name: string;
  tempStore: "memory" | "file";
  ids: "time-ordered" | "random";
}

/** The store as it was before this bench: what the other set-ups are compared with in the notes. */
const setUpBefore: SetUp = {
  name: "store before: temporary data in a file, random ids",
  tempStore: "file",
  ids: "random",
};

const setUps: readonly SetUp[] = [
  { name: "store as shipped: temporary data in memory, time-ordered ids", tempStore: "memory", ids: "time-ordered" },
  { name: "store, temporary data in a file, time-ordered ids", tempStore: "file", ids: "time-ordered" },
  { name: "store, temporary data in memory, random ids", tempStore: "memory", ids: "random" },
  setUpBefore,
];

/** Writes one draft and resolves once it is durable. */
type Writer = (draft: VisitRecordDraft) => Promise<unknown>;

async function seed(storage: SqliteStorage, school: DemoDataset): Promise<void> {
  await storage.migrations.migrate();
  await storage.transaction(async (tx) => {
    await tx.cities.create(school.city);
    await tx.counties.createMany(school.counties);
    await tx.schools.createMany(school.schools);
  });
}

function draftsFor(school: DemoDataset, ids: () => string, count: number): VisitRecordDraft[] {
  const student = school.students[0];
  const teacher = school.teachers[0];
  if (student === undefined || teacher === undefined) throw new Error("the bench school has no student or teacher");
  const template = visitRecordDraftSchema.parse({
    ...benchVisitRecord,
    id: "template",
    schoolId: student.schoolId,
    studentId: student.id,
    teacherId: teacher.id,
  });
  return Array.from({ length: count }, () => ({ ...template, id: ids() }));
}

/** Runs `write` for every draft with {@link inFlight} in flight; returns CPU µs and wall µs per draft. */
async function measure(drafts: readonly VisitRecordDraft[], write: Writer): Promise<{ cpuUs: number; wallUs: number }> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < drafts.length) await write(drafts[next++] as VisitRecordDraft);
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  const used = process.cpuUsage(cpu);
  return {
    cpuUs: (used.user + used.system) / drafts.length,
    wallUs: ((performance.now() - started) * 1000) / drafts.length,
  };
}

/** The baseline's writer: prepared INSERTs, sixteen rows per transaction, no savepoints. */
function rawWriter(storage: SqliteStorage, school: DemoDataset): (draft: VisitRecordDraft) => Promise<void> {
  const entity: StoredEntityName = "visitRecords";
  const spec = entityTables[entity];
  const names = Object.keys(spec.columns);
  const columns = ["id", "city_id", "county_id", "school_id", "version", ...names.map((n) => spec.columns[n]?.column)];
  const insert = storage.database.prepare(
    `INSERT INTO ${spec.table} (${[...columns, "data"].join(",")}) VALUES (${[...columns, "data"].map(() => "?").join(",")})`,
  );
  const s = school.schools[0];
  if (s === undefined) throw new Error("the bench school is missing");
  const commitGroup = storage.database.transaction((group: VisitRecordDraft[]) => {
    for (const draft of group) {
      const ix = entityIndexes(entity, draft);
      insert.run(draft.id, s.cityId, s.countyId, s.id, 1, ...names.map((n) => ix[n] ?? null), JSON.stringify(draft));
    }
  });
  // Sixteen writers queue their rows; the first of a group schedules its commit.
  let pending: { draft: VisitRecordDraft; done: () => void }[] = [];
  return (draft) =>
    new Promise<void>((resolve) => {
      if (pending.length === 0) {
        setImmediate(() => {
          const group = pending;
          pending = [];
          commitGroup(group.map((p) => p.draft));
          for (const p of group) p.done();
        });
      }
      pending.push({ draft, done: resolve });
    });
}

/**
 * Writes drafts through the store in its four set-ups and raw, alternating, and returns the
 * section: CPU per draft (all threads, the WAL syncs included) beside the raw baseline's.
 *
 * @example
 * ```ts
 * const section = await runDraftWritesBench({ drafts: 2000, runs: 3 });
 * ```
 */
export async function runDraftWritesBench(options: DraftWritesBenchOptions = {}): Promise<BenchSection> {
  const drafts = options.drafts ?? 4000;
  const runs = options.runs ?? 3;
  const school = generateSchool({ seed: 7, students: 20 });
  const dir = mkdtempSync(join(tmpdir(), "homevisit-bench-writes-"));
  // One writer per set-up and one for the raw baseline (no set-up), each on its own file.
  let writers: { setUp: SetUp | undefined; ids: () => string; write: Writer; cpuUs: number[]; wallUs: number[] }[];
  try {
    const opened = await Promise.all(
      [...setUps, undefined].map(async (setUp, i) => {
        const storage = sqliteStorage({
          filename: join(dir, `writes-${i}.db`),
          tempStore: setUp?.tempStore ?? "memory",
        });
        await seed(storage, school);
        const write: Writer =
          setUp === undefined
            ? rawWriter(storage, school)
            : (draft) => storage.transaction((tx) => tx.visitRecords.create(draft));
        const ids = setUp?.ids === "random" ? randomIds : timeOrderedIds();
        return { storage, writer: { setUp, ids, write, cpuUs: [] as number[], wallUs: [] as number[] } };
      }),
    );
    writers = opened.map((o) => o.writer);
    for (let run = 0; run <= runs; run++) {
      for (const writer of writers) {
        const measured = await measure(draftsFor(school, writer.ids, drafts), writer.write);
        // Run 0 warms the JIT and the files up.
        if (run === 0) continue;
        writer.cpuUs.push(measured.cpuUs);
        writer.wallUs.push(measured.wallUs);
      }
    }
    for (const { storage } of opened) await storage.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const cpuOf = (setUp: SetUp | undefined) => median(writers.find((w) => w.setUp === setUp)?.cpuUs ?? []);
  const rawCpu = cpuOf(undefined);
  const before = cpuOf(setUpBefore);
  return {
    title: "Storage: visit-record drafts through the SQLite store",
    description: `${drafts.toLocaleString("en")} visit-record drafts per run (the REST bench's record, about 1 KB of JSON), written with ${inFlight} transactions in flight so that they share COMMITs and WAL syncs as the REST API's do (group commit: each transaction a savepoint of one SQLite transaction), on a database file with the store's default durability (synchronous "full": the WAL synced off the main thread before each group is acknowledged). Four set-ups of the store — SQLite's temporary data (the savepoints' sub-journals) in memory or in a file (\`tempStore\`), record ids time-ordered (UUID v7, \`timeOrderedIds\`) or random (v4, \`randomIds\`) — each in its own file, alternating with the baseline run by run: better-sqlite3 inserting the same rows into the same tables, ${inFlight} to a transaction, without savepoints. Figures are CPU time per draft, all threads (the WAL syncs included); medians of ${runs} runs after a warm-up. Run: \`npm run bench -- writes\`.`,
    rows: writers.flatMap(({ setUp, cpuUs, wallUs }) => {
      if (setUp === undefined) return [];
      const cpu = median(cpuUs);
      return [
        {
          name: `${setUp.name}: CPU per draft`,
          medianMs: cpu / 1000,
          baselineName: `raw better-sqlite3, ${inFlight} rows per transaction, no savepoints`,
          baselineMedianMs: rawCpu / 1000,
          notes: `${cpu.toFixed(0)} µs vs raw ${rawCpu.toFixed(0)} µs; the set-up before (temporary data in a file, random ids) costs ${(before / cpu).toFixed(2)}× as much; wall ${median(wallUs).toFixed(0)} µs per draft; runs ${cpuUs.map((c) => c.toFixed(0)).join(" / ")} µs`,
        },
      ];
    }),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const section = await runDraftWritesBench();
  for (const row of section.rows) console.log(`${row.name}: ${row.notes}`);
}
