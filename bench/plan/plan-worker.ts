// A worker thread of `planInWorkers`: plans the schools it is sent and answers with the counts.
import { parentPort } from "node:worker_threads";
import { type PlanCounts, planSchool, type SchoolInput } from "./plan-input.ts";

parentPort?.on("message", (schools: SchoolInput[]) => {
  const total: PlanCounts = { obligations: 0, slots: 0, unscheduled: 0 };
  for (const input of schools) {
    const counts = planSchool(input);
    total.obligations += counts.obligations;
    total.slots += counts.slots;
    total.unscheduled += counts.unscheduled;
  }
  parentPort?.postMessage(total);
});
