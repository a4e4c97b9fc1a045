// The storage benchmark family: SQLite and PostgreSQL (when HOMEVISIT_PG_URL names a server),
// each adapter beside its raw driver in the same run.
//
// `npm run bench -- storage` runs it at full size: the synthetic city (~303,000 students with
// guardians) and 1,000,000 visit records, one import run per store (adapter and raw), the
// report five times after a warm-up. The full-size SQLite half takes ~15 minutes on a quiet
// 2-core machine (both imports, 2 × 1.8 GB of database files in the temporary directory).
// Environment variables change the sizes, e.g. for a quick check:
//
//   HOMEVISIT_BENCH_STUDENTS=30000 HOMEVISIT_BENCH_VISITS=100000 HOMEVISIT_BENCH_RUNS=3 npm run bench -- storage
//
//   HOMEVISIT_BENCH_STUDENTS  students of the synthetic city (default 300000; ~303,028 generated)
//   HOMEVISIT_BENCH_VISITS    visit records (default 1000000)
//   HOMEVISIT_BENCH_RUNS      import runs per store, medians reported (default 1); the adapter
//                             imports first in even runs, the raw driver in odd ones, so 2
//                             puts both in both places
//   HOMEVISIT_BENCH_DIALECTS  "sqlite", "postgres" or "sqlite,postgres" (default both; PostgreSQL
//                             only with HOMEVISIT_PG_URL, else skipped with a line saying so)
//
// Standalone, without the harness (no docs/benchmarks.md written):
//   npx tsx bench/storage/main.ts [students] [visits] [runs]
import type { BenchRow, BenchSection } from "../src/harness.ts";
import { runPostgresStorageBench } from "./postgres.ts";
import { runSqliteStorageBench } from "./sqlite.ts";

/** Options of {@link runStorageBench}. */
export interface StorageBenchOptions {
  /** Students of the synthetic city; default 300,000. */
  students?: number;
  /** Visit records; default 1,000,000. */
  visits?: number;
  /** Measured import runs per store; default 3. */
  runs?: number;
  /** Measured rounds of the report per run; default 5. */
  reportRounds?: number;
  /** The PostgreSQL server; default HOMEVISIT_PG_URL (skipped without one). */
  postgresUrl?: string;
  /** Which stores to measure; default both. */
  dialects?: readonly ("sqlite" | "postgres")[];
}

/**
 * The options of the `storage` family from the environment (see the head of this file):
 * full size and one import run unless told otherwise.
 *
 * @example
 * ```ts
 * storageBenchOptionsFromEnv({ HOMEVISIT_BENCH_STUDENTS: "30000" });
 * // { students: 30000, visits: 1000000, runs: 1, dialects: ["sqlite", "postgres"] }
 * ```
 */
export function storageBenchOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): StorageBenchOptions {
  const count = (name: string, fallback: number) => {
    const value = Number(env[name]);
    return Number.isFinite(value) && value > 0 ? Math.floor(value) : fallback;
  };
  const dialects = (env.HOMEVISIT_BENCH_DIALECTS ?? "sqlite,postgres")
    .split(",")
    .map((d) => d.trim())
    .filter((d): d is "sqlite" | "postgres" => d === "sqlite" || d === "postgres");
  return {
    students: count("HOMEVISIT_BENCH_STUDENTS", 300_000),
    visits: count("HOMEVISIT_BENCH_VISITS", 1_000_000),
    runs: count("HOMEVISIT_BENCH_RUNS", 1),
    dialects,
  };
}

/**
 * Runs the storage benchmark: import the city and the visits, then the city coverage report,
 * on SQLite and PostgreSQL, each beside the raw driver. Returns one section for the harness.
 *
 * @example
 * ```ts
 * const section = await runStorageBench({ students: 30_000, visits: 100_000, runs: 3 });
 * section.rows.map((r) => [r.name, r.medianMs, r.baselineMedianMs]);
 * ```
 */
export async function runStorageBench(options: StorageBenchOptions = {}): Promise<BenchSection> {
  const dialects = options.dialects ?? ["sqlite", "postgres"];
  const rows: BenchRow[] = [
    ...(dialects.includes("sqlite") ? await runSqliteStorageBench(options) : []),
    ...(dialects.includes("postgres")
      ? await runPostgresStorageBench({ ...options, ...(options.postgresUrl ? { url: options.postgresUrl } : {}) })
      : []),
  ];
  return {
    title: "Storage: city import and coverage report",
    description:
      "The synthetic city (students with guardians, classes, teachers) and a term of visit records imported through each storage adapter, then the city coverage report by school, computed in SQL. Baseline: the raw driver doing the same inserts into the same tables (SQLite: one transaction, prepared statements; PostgreSQL: multi-row INSERT) and a hand-written GROUP BY. Targets: adapters within 1.5× of raw; the report under 1 s on SQLite.",
    rows,
  };
}
