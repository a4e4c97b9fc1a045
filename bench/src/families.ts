// The benchmark families. Each returns a section of rows measured beside its baseline.
import { runFormsBench } from "../forms/index.ts";
import { planBenchSectionInChild } from "../plan/plan-bench.ts";
import { runRestBench } from "../rest/index.ts";
import { runSizeBench } from "../size/index.ts";
import { runSoakBench, soakOptionsFromEnv } from "../soak/index.ts";
import { runDraftWritesBench } from "../storage/draft-writes.ts";
import { runStorageBench, storageBenchOptionsFromEnv } from "../storage/index.ts";
import { runValidateBench } from "../validate/index.ts";
import { runWidgetsBench } from "../widgets/index.ts";
import type { BenchSection } from "./harness.ts";

export const families: Record<string, () => Promise<BenchSection>> = {
  // In a child process with the young generation the planning guide advises (planNodeFlags).
  plan: () => planBenchSectionInChild({ runs: 3 }),
  // Full size by default (~303,000 students, 1,000,000 visits); HOMEVISIT_BENCH_* for less.
  storage: () => runStorageBench(storageBenchOptionsFromEnv()),
  // Visit-record drafts through the SQLite store: temporary data and id order side by side.
  writes: () => runDraftWritesBench({ drafts: 4000, runs: 3 }),
  rest: () => runRestBench({ seconds: 5, runs: 3 }),
  // Ten minutes with two host kills and a full disk; HOMEVISIT_SOAK_SECONDS for less.
  soak: () => runSoakBench(soakOptionsFromEnv()),
  validate: async () => {
    const r = await runValidateBench({ runs: 3 });
    return {
      title: "validate: the synthetic city against core's schemas",
      description:
        "Generates the Lishui-like city (~300,000 students, ~25,000 teachers, ~700 schools) and validates every record with core's zod schemas. Baseline: generating the same data without validating, in the same runs.",
      rows: [
        {
          name: `generate + validate ${r.records.toLocaleString("en")} records`,
          medianMs: r.medianMs,
          baselineName: "generate only",
          baselineMedianMs: r.baselineMedianMs,
          notes: `${Math.round(r.recordsPerSecond).toLocaleString("en")} records/s validated; ${r.failures} failures`,
        },
      ],
    };
  },
  // Bundle sizes from the built dist (bench:all builds first); `pnpm run size` enforces the budgets.
  size: runSizeBench,
  // Widget sizes from the built dist and the record form's first render in Chromium (issue 16).
  widgets: () => runWidgetsBench({ runs: 15 }),
  // Issue 17: a school's 60-field form beside the built-in record, same run (budget ≤ 2×).
  forms: () => runFormsBench(),
};
