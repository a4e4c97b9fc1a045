// A worker thread of `planInWorkers`: plans the schools it is sent and answers with the counts.
import { parentPort } from "node:worker_threads";
import type { Term } from "@homevisit/core";
import { planSchools, type RawSchoolInput } from "./plan-input.ts";

parentPort?.on("message", ({ schools, term }: { schools: RawSchoolInput[]; term: Term }) => {
  const { obligations, slots, unscheduled } = planSchools(schools, term);
  parentPort?.postMessage({ obligations, slots, unscheduled });
});
