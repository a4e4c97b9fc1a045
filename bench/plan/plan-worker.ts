// A worker thread of `planInWorkers`: plans the schools it is sent and answers with the counts.
import { parentPort } from "node:worker_threads";
import { planSchools, type RawSchoolInput } from "./plan-input.ts";

parentPort?.on("message", (schools: RawSchoolInput[]) => {
  const { obligations, slots, unscheduled } = planSchools(schools);
  parentPort?.postMessage({ obligations, slots, unscheduled });
});
