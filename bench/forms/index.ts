// Issue 17: a school's 60-field form must not make a record's validation more than twice as
// dear as the built-in record alone. Both measured in the same run, on the same records.
import {
  compileFormTemplate,
  defineFormTemplate,
  type FieldDefinitionInput,
  validateVisitRecordForSubmission,
} from "@homevisit/core";
import type { BenchSection } from "../src/harness.ts";
import { median } from "../src/harness.ts";

const types = [
  "text",
  "textarea",
  "number",
  "integer",
  "boolean",
  "date",
  "time",
  "select",
  "multiselect",
  "phone",
  "rating",
  "text",
] as const;

function field(i: number): FieldDefinitionInput {
  const type = types[i % types.length] as (typeof types)[number];
  const base = { key: `f${i}`, label: { "zh-CN": `字段${i}`, en: `Field ${i}` }, required: i % 3 === 0 };
  const options = [1, 2, 3, 4].map((n) => ({ value: `o${n}`, label: { "zh-CN": `选项${n}` } }));
  if (type === "select" || type === "multiselect") return { ...base, type, options } as FieldDefinitionInput;
  if (type === "text" && i % 2 === 1)
    return { ...base, type, pattern: "^[\\u4e00-\\u9fa5A-Za-z0-9 ]{1,40}$" } as FieldDefinitionInput;
  if (i % 10 === 5)
    return { ...base, type, required: true, showIf: { field: "f4", equals: true } } as FieldDefinitionInput;
  return { ...base, type } as FieldDefinitionInput;
}

function value(def: FieldDefinitionInput, i: number): unknown {
  switch (def.type) {
    case "text":
      return `回答 ${i}`;
    case "textarea":
      return `家中情况良好，第 ${i} 条说明。`;
    case "number":
      return i + 0.5;
    case "integer":
    case "rating":
      return 1 + (i % 5);
    case "boolean":
      return true;
    case "date":
      return "2026-10-08";
    case "time":
      return "19:30";
    case "select":
      return "o2";
    case "multiselect":
      return ["o1", "o3"];
    case "phone":
      return "13800000000";
    default:
      return undefined;
  }
}

const conduct = {
  items: Object.fromEntries(
    [
      "no_money_or_gifts",
      "no_meals_or_reimbursement",
      "no_transport_from_family",
      "no_private_requests",
      "no_entertainment",
      "no_paid_tutoring",
    ].map((k) => [k, { kept: true }]),
  ),
  attestedAt: "2026-10-08T08:50:00+08:00",
};

function record(i: number) {
  return {
    id: `v-${i}`,
    schoolId: "sch-1",
    studentId: `s-${i}`,
    teacherId: "t-1",
    status: "submitted",
    submittedAt: "2026-10-08T09:00:00+08:00",
    kind: "universal",
    term: "2026-2027-1",
    channel: "in_home",
    arrivedAt: "2026-10-08T07:30:00+08:00",
    departedAt: "2026-10-08T08:30:00+08:00",
    attendees: { student: true },
    outreachGoals: ["care", "guidance"],
    familySituation: { notes: `家中情况良好 ${i}` },
    schoolFeedback: { notes: "在校表现积极" },
    parentOpinions: { opinions: "希望减少作业量" },
    teacherReflection: { reflection: "沟通顺畅" },
    conduct,
  };
}

/** Validates N records built-in only, then built-in plus a 60-field form, in the same run. */
export async function runFormsBench(options: { records?: number; runs?: number } = {}): Promise<BenchSection> {
  const n = options.records ?? 2000;
  const runs = options.runs ?? 15;
  const fields = Array.from({ length: 60 }, (_, i) => field(i));
  const template = defineFormTemplate({
    id: "bench-form",
    version: 1,
    scope: { level: "school", id: "sch-1" },
    name: { "zh-CN": "60 字段表单" },
    fields,
    status: "published",
    createdAt: "2026-09-01T08:00:00+08:00",
  });
  const compiled = compileFormTemplate(template);
  const records = Array.from({ length: n }, (_, i) => record(i));
  const answers = records.map((_, r) =>
    Object.fromEntries(fields.map((f, i) => [f.key, value(f, i + r)]).filter(([, v]) => v !== undefined)),
  );
  let failures = 0;
  const builtInOnly = () => {
    for (const r of records) if (!validateVisitRecordForSubmission(r).success) failures++;
  };
  const withFormToo = () => {
    records.forEach((r, i) => {
      if (!validateVisitRecordForSubmission(r).success) failures++;
      if (!compiled.safeParse(answers[i]).success) failures++;
    });
  };
  // The machine is shared: the two are timed alternately, in pairs, so a burst of load from
  // elsewhere falls on both; CPU time (this process's own) is less disturbed than wall time.
  const timed = (fn: () => void) => {
    const wall = performance.now();
    const cpu = process.cpuUsage();
    fn();
    const used = process.cpuUsage(cpu);
    return { wall: performance.now() - wall, cpu: (used.user + used.system) / 1000 };
  };
  for (let i = 0; i < 2; i++) {
    builtInOnly();
    withFormToo();
  }
  const pairs = Array.from({ length: runs }, () => {
    const base = timed(builtInOnly);
    const form = timed(withFormToo);
    return { base, form };
  });
  const builtIn = median(pairs.map((p) => p.base.wall));
  const withForm = median(pairs.map((p) => p.form.wall));
  const cpuRatio = median(pairs.map((p) => p.form.cpu / p.base.cpu));
  const wallRatio = median(pairs.map((p) => p.form.wall / p.base.wall));
  return {
    title: "forms: a record with a school's 60-field form",
    description:
      "Submission check of a complete visit record, built-in sections only (baseline) and with a 60-field custom form (12 types, patterns run in linear time, show-if) in the same run, timed alternately in pairs. Issue 17 budget: at most 2× the baseline. Before the plain checks compiled once per template version (zod per date, time and phone answer, re2js per pattern), with this same harness on 2026-12-06: 335.9 ms against 87.8 ms, CPU 4.03×, wall 4.55×.",
    rows: [
      {
        name: `${n.toLocaleString("en")} records + 60 custom fields`,
        medianMs: withForm,
        baselineName: "built-in record only",
        baselineMedianMs: builtIn,
        notes: `median of ${runs} paired ratios: CPU ${cpuRatio.toFixed(2)}×, wall ${wallRatio.toFixed(2)}× (budget ≤ 2×); ${failures} failures`,
      },
    ],
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const section = await runFormsBench();
  console.log(JSON.stringify(section.rows, null, 1));
}
