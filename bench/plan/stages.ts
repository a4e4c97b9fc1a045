// Per-stage CPU time of planning (validate → derive → assign → schedule) beside the floor, for profiling.
// `npx tsx --tsconfig tsconfig.json bench/plan/stages.ts [school|county|city] [runs]`
import { assignVisitors, deriveObligations, scheduleVisits } from "@homevisit/core";
import { generateCity, generateCounty, generateSchool } from "@homevisit/demo-data";
import { benchTerm, parseSchoolInput, rawBySchool, rawInput, validateInput } from "./plan-input.ts";

const scope = process.argv[2] ?? "county";
const runs = Number(process.argv[3] ?? 3);
const data =
  scope === "school"
    ? generateSchool({ seed: 1 })
    : scope === "big"
      ? generateSchool({ seed: 3, students: 3000, kind: "junior", county: "莲都区" })
      : scope === "county"
        ? generateCounty({ seed: 1, county: "遂昌县" })
        : generateCity({ seed: 1 });
const raw = rawInput(data);
const schools = rawBySchool(raw);
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
for (let r = 0; r < runs; r++) {
  const t = { validate: 0, derive: 0, assign: 0, schedule: 0, floor: 0 };
  let c = cpu();
  validateInput(raw);
  t.floor = cpu() - c;
  for (const rawSchool of schools) {
    const c0 = cpu();
    const input = parseSchoolInput(rawSchool);
    c = cpu();
    t.validate += c - c0;
    const derived = deriveObligations({
      term: benchTerm,
      school: input.school,
      students: input.students,
      flags: input.flags,
      mentorships: input.mentorships,
    });
    const c1 = cpu();
    const plan = assignVisitors({
      school: input.school,
      term: benchTerm,
      teachers: input.teachers,
      classes: input.classes,
      students: input.students,
      obligations: derived,
      mentorships: input.mentorships,
    });
    const c2 = cpu();
    scheduleVisits({
      term: benchTerm,
      assignments: plan.assignments,
      obligations: derived,
      students: input.students,
      busySlots: [],
    });
    const c3 = cpu();
    t.derive += c1 - c;
    t.assign += c2 - c1;
    t.schedule += c3 - c2;
  }
  const total = t.validate + t.derive + t.assign + t.schedule;
  console.log(
    `${scope} run ${r}: students ${data.students.length} cpu ms validate ${t.validate.toFixed(0)} derive ${t.derive.toFixed(0)} assign ${t.assign.toFixed(0)} schedule ${t.schedule.toFixed(0)} total ${total.toFixed(0)} floor ${t.floor.toFixed(0)} ratio ${(total / t.floor).toFixed(2)} rss ${(process.memoryUsage.rss() / 2 ** 20).toFixed(0)} MiB`,
  );
}
