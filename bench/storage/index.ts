// The storage benchmark family: SQLite (always) and PostgreSQL (when HOMEVISIT_PG_URL names a
// server), each adapter beside its raw driver in the same run.
import type { BenchRow, BenchSection } from "../src/harness.ts";
import { runPostgresStorageBench } from "./postgres.ts";
import { runSqliteStorageBench } from "./sqlite.ts";

/** Options of {@link runStorageBench}. */
export interface StorageBenchOptions {
  /** Students of the synthetic city; default 300,000. */
  students?: number;
  /** Visit records; default 1,000,000. */
  visits?: number;
  /** Measured runs; default 3. */
  runs?: number;
  /** The PostgreSQL server; default HOMEVISIT_PG_URL (skipped without one). */
  postgresUrl?: string;
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
  const rows: BenchRow[] = [
    ...(await runSqliteStorageBench(options)),
    ...(await runPostgresStorageBench({ ...options, ...(options.postgresUrl ? { url: options.postgresUrl } : {}) })),
  ];
  return {
    title: "Storage: city import and coverage report",
    description:
      "The synthetic city (students with guardians, classes, teachers) and a term of visit records imported through each storage adapter, then the city coverage report by school, computed in SQL. Baseline: the raw driver doing the same inserts into the same tables (SQLite: one transaction, prepared statements; PostgreSQL: multi-row INSERT) and a hand-written GROUP BY. Targets: adapters within 1.5× of raw; the report under 1 s on SQLite.",
    rows,
  };
}
