// Planning schools in parallel on worker threads: a Node-only helper for hosts that plan a whole
// county or city at once. Core stays single-threaded (it must run in a browser); planning is
// per school, so schools are independent and split cleanly across threads. The raw records are
// copied to the workers (structured clone), and that copy is part of the measured time; each
// worker validates and plans its schools.
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import type { Term } from "@homevisit/core";
import type { PlanCounts, RawSchoolInput } from "./plan-input.ts";

/** A pool of planning threads, kept across runs. */
export interface PlanWorkers {
  /** Plans every school, split across the threads; resolves with the summed counts. */
  plan(schools: readonly RawSchoolInput[], term: Term): Promise<PlanCounts>;
  close(): Promise<void>;
}

/**
 * Starts `size` planning threads (default: the machine's parallelism). Schools go to the
 * threads in largest-first order, each to the least-loaded thread by student count.
 *
 * @example
 * ```ts
 * const workers = startPlanWorkers(2);
 * await workers.plan(rawBySchool(rawInput(generateCity({ seed: 1 })))); // → { obligations: 466_000, slots: …, unscheduled: … }
 * await workers.close();
 * ```
 */
export function startPlanWorkers(size = availableParallelism()): PlanWorkers {
  const threads = Array.from({ length: size }, () => new Worker(new URL("./plan-worker.mjs", import.meta.url)));
  return {
    async plan(schools, term) {
      const shares: RawSchoolInput[][] = threads.map(() => []);
      const loads = threads.map(() => 0);
      const ordered = [...schools].sort((a, b) => b.students.length - a.students.length);
      for (const school of ordered) {
        let least = 0;
        for (let i = 1; i < loads.length; i++) if ((loads[i] ?? 0) < (loads[least] ?? 0)) least = i;
        shares[least]?.push(school);
        loads[least] = (loads[least] ?? 0) + school.students.length;
      }
      const answers = await Promise.all(
        threads.map(
          (thread, i) =>
            new Promise<PlanCounts>((resolve, reject) => {
              thread.once("message", resolve);
              thread.once("error", reject);
              thread.postMessage({ schools: shares[i], term });
            }),
        ),
      );
      const total: PlanCounts = { obligations: 0, slots: 0, unscheduled: 0 };
      for (const a of answers) {
        total.obligations += a.obligations;
        total.slots += a.slots;
        total.unscheduled += a.unscheduled;
      }
      return total;
    },
    async close() {
      await Promise.all(threads.map((t) => t.terminate()));
    },
  };
}
