// Planning benchmark: one term planned end to end (derive obligations → assign → schedule, per
// school) for a school, a county and the whole synthetic city, beside the floor measured in the
// same run: reading and validating the same input alone (zod parse). Targets: the city in
// under 10 s on 2 cores, within 5× the floor, cost growing linearly from school to city.
import { performance } from "node:perf_hooks";
import { generateCity, generateCounty, generateSchool } from "@homevisit/demo-data";
import type { BenchSection } from "../src/harness.ts";
import { bySchool, planAll, type RawInput, validateInput } from "./plan-input.ts";

export { benchTerm } from "./plan-input.ts";

/** One scope's figures. */
export interface PlanBenchRow {
  scope: "school" | "county" | "city";
  schools: number;
  students: number;
  obligations: number;
  slots: number;
  unscheduled: number;
  /** Median wall time of planning the scope end to end. */
  medianMs: number;
  /** Median wall time of validating the same input alone. */
  floorMs: number;
  /** medianMs ÷ floorMs. */
  ratio: number;
  /** Planning cost per student, to compare scopes (linear growth keeps it flat). */
  microsPerStudent: number;
  /** Highest resident set size seen while planning, MiB. */
  peakRssMiB: number;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

function timed(fn: () => void): number {
  const start = performance.now();
  fn();
  return performance.now() - start;
}

/**
 * Plans one term for a school, a county and the city (or the scopes named), `runs` times each
 * after one warm-up, and returns per-scope medians beside the validation floor.
 *
 * @example
 * ```ts
 * const rows = await runPlanBench({ runs: 3 });
 * // → [{ scope: "school", students: 720, medianMs: 210, floorMs: 60, ratio: 3.5, … }, …]
 * ```
 */
export async function runPlanBench(
  options: { runs?: number; scopes?: readonly PlanBenchRow["scope"][] } = {},
): Promise<PlanBenchRow[]> {
  const runs = options.runs ?? 3;
  const scopes = options.scopes ?? ["school", "county", "city"];
  const rows: PlanBenchRow[] = [];
  for (const scope of scopes) {
    const data =
      scope === "school"
        ? generateSchool({ seed: 1 })
        : scope === "county"
          ? generateCounty({ seed: 1, county: "遂昌县" })
          : generateCity({ seed: 1 });
    const schools = bySchool(data);
    const raw = JSON.parse(
      JSON.stringify({
        students: data.students,
        teachers: data.teachers,
        classes: data.classes,
        categoryFlags: data.categoryFlags,
        mentorships: data.mentorships,
      }),
    ) as RawInput;
    const floorTimes: number[] = [];
    const planTimes: number[] = [];
    let last = { obligations: 0, slots: 0, unscheduled: 0, peakRss: 0 };
    // Warm-up, then alternate floor and plan so both see the same machine state.
    validateInput(raw);
    planAll(schools);
    for (let i = 0; i < runs; i++) {
      floorTimes.push(timed(() => validateInput(raw)));
      planTimes.push(
        timed(() => {
          last = planAll(schools);
        }),
      );
      await new Promise((resolve) => setImmediate(resolve));
    }
    const medianMs = median(planTimes);
    const floorMs = median(floorTimes);
    rows.push({
      scope,
      schools: schools.length,
      students: data.students.length,
      obligations: last.obligations,
      slots: last.slots,
      unscheduled: last.unscheduled,
      medianMs,
      floorMs,
      ratio: floorMs > 0 ? medianMs / floorMs : Number.NaN,
      microsPerStudent: (medianMs * 1000) / Math.max(1, data.students.length),
      peakRssMiB: last.peakRss / 2 ** 20,
    });
  }
  return rows;
}

/** The rows as a section of the bench report (bench/src/harness.ts). */
export async function planBenchSection(options: { runs?: number } = {}): Promise<BenchSection> {
  const rows = await runPlanBench(options);
  return {
    title: "Planning one term",
    description:
      "derive obligations → assign visitors → schedule, per school, for a school, a county (遂昌县) and the city; " +
      "baseline: zod validation of the same input. Targets: city < 10 s on 2 cores, ≤ 5× baseline, linear growth.",
    rows: rows.map((r) => ({
      name: `plan one term: ${r.scope} (${r.schools} schools, ${r.students.toLocaleString("en")} students)`,
      medianMs: r.medianMs,
      baselineName: "validate the same input",
      baselineMedianMs: r.floorMs,
      notes: `${r.microsPerStudent.toFixed(0)} µs/student, ${r.obligations} obligations, ${r.slots} slots, ${r.unscheduled} unscheduled, peak RSS ${r.peakRssMiB.toFixed(0)} MiB`,
    })),
  };
}

// `tsx bench/plan/plan-bench.ts [runs] [scopes…]` prints the rows.
if (import.meta.url === `file://${process.argv[1]}`) {
  const runs = Number(process.argv[2] ?? 3);
  const scopes = process.argv.slice(3) as PlanBenchRow["scope"][];
  const rows = await runPlanBench({ runs, ...(scopes.length > 0 ? { scopes } : {}) });
  console.table(rows.map((r) => ({ ...r, medianMs: Math.round(r.medianMs), floorMs: Math.round(r.floorMs) })));
}
