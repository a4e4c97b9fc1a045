// The SQLite half of the storage benchmark: import the synthetic city (students with guardians,
// their classes and teachers) and a term of visit records through the adapter, then run the
// city coverage report; beside each, in the same run, the baseline: better-sqlite3 itself
// inserting the same rows into the same tables in one transaction with prepared statements,
// and a hand-written GROUP BY. Targets: the adapter within 1.5× of raw; the city coverage
// report over 1M visits under 1 s.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import type { VisitRecordDraft } from "@homevisit/core";
import { enrolmentFacts, entityIndexes, type StoredEntityName, type TenantKeys } from "@homevisit/core/storage";
import { type DemoDataset, generateCity } from "@homevisit/demo-data";
import { entityTables } from "@homevisit/storage-sql";
import { type SqliteStorage, sqliteStorage } from "@homevisit/storage-sqlite";
import { type BenchRow, median } from "../src/harness.ts";

/** Options of {@link runSqliteStorageBench}. */
export interface SqliteStorageBenchOptions {
  /** Students of the synthetic city; default 300,000 (Lishui). */
  students?: number;
  /** Visit records; default 1,000,000. */
  visits?: number;
  /** Measured runs of each import (adapter and raw alternate); default 3. */
  runs?: number;
  /** Measured rounds of the report after each run's imports (after one warm-up); default 5. */
  reportRounds?: number;
}

const term = { id: "2026-2027-1", from: "2026-09-01", to: "2027-01-31" };
const channels = ["in_home", "in_home", "in_home", "phone", "video", "alternative_venue"] as const;
/** Rows per `createMany` call inside the one import transaction. */
const batch = 5_000;

/** CPU time (user + system) of this process since `since`, in ms. */
const cpuMs = (since: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
};

/** Visit records spread over the term: every student visited, some more than once. */
export function makeVisits(city: DemoDataset, count: number): VisitRecordDraft[] {
  const teachersBySchool = new Map<string, string[]>();
  for (const t of city.teachers) {
    const list = teachersBySchool.get(t.schoolId) ?? [];
    list.push(t.id);
    teachersBySchool.set(t.schoolId, list);
  }
  const visits: VisitRecordDraft[] = [];
  for (let i = 0; i < count; i++) {
    const student = city.students[i % city.students.length];
    if (!student) break;
    const teachers = teachersBySchool.get(student.schoolId) ?? [];
    const day = new Date(Date.UTC(2026, 8, 1 + ((i * 7) % 150))).toISOString().slice(0, 10);
    visits.push({
      id: `v-${i}`,
      schoolId: student.schoolId,
      studentId: student.id,
      teacherId: teachers[i % Math.max(1, teachers.length)] ?? "t-none",
      companionIds: [],
      kind: i % 5 === 0 ? "priority" : "universal",
      term: term.id,
      channel: channels[i % channels.length] ?? "in_home",
      outreachGoals: [],
      followUps: [],
      photos: [],
      status: i % 10 === 0 ? "draft" : "submitted",
      arrivedAt: `${day}T19:00:00+08:00`,
      ...(i % 10 === 0 ? {} : { submittedAt: `${day}T21:00:00+08:00` }),
    } as VisitRecordDraft);
  }
  return visits;
}

/** The adapter's import: the whole city in one transaction, `createMany` in batches. */
async function importThroughAdapter(storage: SqliteStorage, city: DemoDataset, visits: readonly VisitRecordDraft[]) {
  const load = async (entity: StoredEntityName, rows: readonly unknown[]) => {
    await storage.transaction(async (tx) => {
      const repo = tx[entity] as unknown as { createMany(r: readonly unknown[]): Promise<unknown> };
      for (let i = 0; i < rows.length; i += batch) await repo.createMany(rows.slice(i, i + batch));
    });
  };
  const start = performance.now();
  const cpu = process.cpuUsage();
  await storage.transaction(async (tx) => {
    await tx.cities.create(city.city);
    await tx.counties.createMany(city.counties);
    await tx.schools.createMany(city.schools);
    for (const [entity, rows] of [
      ["classes", city.classes],
      ["teachers", city.teachers],
      ["students", city.students],
    ] as const) {
      const repo = tx[entity] as unknown as { createMany(r: readonly unknown[]): Promise<unknown> };
      for (let i = 0; i < rows.length; i += batch) await repo.createMany(rows.slice(i, i + batch));
    }
  });
  const cityMs = performance.now() - start;
  const cityCpuMs = cpuMs(cpu);
  const visitsStart = performance.now();
  const visitsCpu = process.cpuUsage();
  await load("visitRecords", visits);
  return { cityMs, visitsMs: performance.now() - visitsStart, cityCpuMs, visitsCpuMs: cpuMs(visitsCpu) };
}

/** The baseline: the same rows into the same tables with better-sqlite3 prepared statements. */
function importRaw(storage: SqliteStorage, city: DemoDataset, visits: readonly VisitRecordDraft[]) {
  const db = storage.database;
  const bySchool = new Map<string, TenantKeys>(
    city.schools.map((s) => [s.id, { cityId: s.cityId, countyId: s.countyId, schoolId: s.id }]),
  );
  const tenantOf = (schoolId: string) => bySchool.get(schoolId) as TenantKeys;
  const insertEntity = (entity: StoredEntityName, records: readonly unknown[], tenant: (r: never) => TenantKeys) => {
    const spec = entityTables[entity];
    const names = Object.keys(spec.columns);
    const columns = [
      "id",
      "city_id",
      "county_id",
      "school_id",
      "version",
      ...names.map((n) => spec.columns[n]?.column),
      "data",
    ];
    const statement = db.prepare(
      `INSERT INTO ${spec.table} (${columns.join(",")}) VALUES (${columns.map(() => "?").join(",")})`,
    );
    for (const r of records) {
      const t = tenant(r as never);
      const ix = entityIndexes(entity, r as never);
      statement.run(
        (r as { id: string }).id,
        t.cityId,
        t.countyId,
        t.schoolId,
        1,
        ...names.map((n) => ix[n] ?? null),
        JSON.stringify(r),
      );
    }
  };
  const enrolment = db.prepare(
    "INSERT INTO hv_enrolments (student_id, seq, city_id, county_id, school_id, class_id, grade, date_from, date_to) VALUES (?,?,?,?,?,?,?,?,?)",
  );
  const start = performance.now();
  const cpu = process.cpuUsage();
  db.transaction(() => {
    insertEntity("cities", [city.city], () => ({ cityId: city.city.id, countyId: null, schoolId: null }));
    insertEntity("counties", city.counties, (c: DemoDataset["counties"][number]) => ({
      cityId: c.cityId,
      countyId: c.id,
      schoolId: null,
    }));
    insertEntity("schools", city.schools, (s: DemoDataset["schools"][number]) => tenantOf(s.id));
    const school = (r: { schoolId: string }) => tenantOf(r.schoolId);
    insertEntity("classes", city.classes, school);
    insertEntity("teachers", city.teachers, school);
    insertEntity("students", city.students, school);
    for (const s of city.students) {
      enrolmentFacts(s, tenantOf(s.schoolId)).forEach((e, seq) => {
        enrolment.run(e.studentId, seq, e.cityId, e.countyId, e.schoolId, e.classId, e.grade, e.from, e.to);
      });
    }
  })();
  const cityMs = performance.now() - start;
  const cityCpuMs = cpuMs(cpu);
  const visitsStart = performance.now();
  const visitsCpu = process.cpuUsage();
  db.transaction(() => insertEntity("visitRecords", visits, (v: { schoolId: string }) => tenantOf(v.schoolId)))();
  return { cityMs, visitsMs: performance.now() - visitsStart, cityCpuMs, visitsCpuMs: cpuMs(visitsCpu) };
}

/** The hand-written city coverage by school. */
function rawCoverage(storage: SqliteStorage, cityId: string) {
  return storage.database
    .prepare(
      `WITH e AS (
         SELECT DISTINCT school_id, student_id FROM hv_enrolments
         WHERE city_id = ? AND date_from <= ? AND (date_to IS NULL OR date_to >= ?)),
       v AS (
         SELECT student_id, channel FROM hv_visit_records
         WHERE city_id = ? AND completed = 1 AND visited_on BETWEEN ? AND ?)
       SELECT e.school_id AS key, count(DISTINCT e.student_id) AS enrolled,
         count(DISTINCT CASE WHEN v.channel = 'in_home' THEN e.student_id END) AS visited, count(v.student_id) AS visits
       FROM e LEFT JOIN v ON v.student_id = e.student_id GROUP BY e.school_id ORDER BY 1`,
    )
    .all(cityId, term.to, term.from, cityId, term.from, term.to) as {
    key: string;
    enrolled: number;
    visited: number;
    visits: number;
  }[];
}

/**
 * Runs the SQLite storage benchmark on database files in a temporary directory and returns
 * its rows (adapter beside raw better-sqlite3, medians of `runs`).
 *
 * @example
 * ```ts
 * const rows = await runSqliteStorageBench({ students: 30_000, visits: 100_000, runs: 3 });
 * // [{ name: "import city: 30,000 students … (sqlite adapter)", medianMs: …, baselineName: "raw better-sqlite3 …", … }, …]
 * ```
 */
export async function runSqliteStorageBench(options: SqliteStorageBenchOptions = {}): Promise<BenchRow[]> {
  const students = options.students ?? 300_000;
  const visitCount = options.visits ?? 1_000_000;
  const runs = Math.max(1, options.runs ?? 3);
  const reportRounds = Math.max(1, options.reportRounds ?? 5);
  const city = generateCity({ scale: students / 300_000 });
  const visits = makeVisits(city, visitCount);
  const dir = mkdtempSync(join(tmpdir(), "hv-bench-sqlite-"));
  const times = {
    adapterCity: [] as number[],
    adapterVisits: [] as number[],
    rawCity: [] as number[],
    rawVisits: [] as number[],
  };
  // CPU time of each import: SQLite inserts on this thread, so it is the import's own work.
  const cpuTimes = {
    adapterCity: [] as number[],
    adapterVisits: [] as number[],
    rawCity: [] as number[],
    rawVisits: [] as number[],
  };
  const reportTimes = { adapter: [] as number[], raw: [] as number[] };
  // CPU time of this process during the adapter's report: SQLite runs it on this thread, so it
  // is the report's own work, which a machine shared with other jobs does not inflate as it
  // does wall time.
  const reportCpu: number[] = [];
  let agree = true;
  try {
    // One unmeasured import of a small city through both first, so that neither measured
    // import pays for the first run's JIT warm-up and fresh files alone.
    const warm = generateCity({ scale: 0.01 });
    const warmVisits = makeVisits(warm, 5_000);
    for (const name of ["warm-adapter", "warm-raw"]) {
      const w = sqliteStorage({ filename: join(dir, `${name}.db`) });
      await w.migrations.migrate();
      if (name === "warm-adapter") await importThroughAdapter(w, warm, warmVisits);
      else importRaw(w, warm, warmVisits);
      await w.close();
    }
    for (let run = 0; run < runs; run++) {
      const a = sqliteStorage({ filename: join(dir, `adapter-${run}.db`) });
      await a.migrations.migrate();
      const r = sqliteStorage({ filename: join(dir, `raw-${run}.db`) });
      await r.migrations.migrate();
      const measureAdapter = async () => {
        const adapter = await importThroughAdapter(a, city, visits);
        times.adapterCity.push(adapter.cityMs);
        times.adapterVisits.push(adapter.visitsMs);
        cpuTimes.adapterCity.push(adapter.cityCpuMs);
        cpuTimes.adapterVisits.push(adapter.visitsCpuMs);
      };
      const measureRaw = () => {
        const raw = importRaw(r, city, visits);
        times.rawCity.push(raw.cityMs);
        times.rawVisits.push(raw.visitsMs);
        cpuTimes.rawCity.push(raw.cityCpuMs);
        cpuTimes.rawVisits.push(raw.visitsCpuMs);
      };
      // The order alternates between runs (the adapter first in even runs): on a shared
      // machine the same import's wall time moved by up to 1.6× between first and second
      // place, so a fixed order would give one side the same place every time. An even number
      // of runs puts both in both places.
      if (run % 2 === 0) {
        await measureAdapter();
        measureRaw();
      } else {
        measureRaw();
        await measureAdapter();
      }
      a.database.exec("ANALYZE");
      r.database.exec("ANALYZE");
      const query = { scope: { cityId: city.city.id }, from: term.from, to: term.to, groupBy: "school" } as const;
      let report = await a.reports.coverage(query);
      let baseline = rawCoverage(r, city.city.id);
      for (let i = 0; i < reportRounds; i++) {
        let t = performance.now();
        const cpu = process.cpuUsage();
        report = await a.reports.coverage(query);
        reportTimes.adapter.push(performance.now() - t);
        const used = process.cpuUsage(cpu);
        reportCpu.push((used.user + used.system) / 1000);
        t = performance.now();
        baseline = rawCoverage(r, city.city.id);
        reportTimes.raw.push(performance.now() - t);
      }
      agree &&= JSON.stringify(report) === JSON.stringify(baseline);
      await a.close();
      await r.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const fmt = (n: number) => n.toLocaleString("en-US");
  const ratio = (x: number[], y: number[]) => `${(median(x) / median(y)).toFixed(2)}× raw (target ≤ 1.5×)`;
  const cpuRatio = (x: number[], y: number[]) =>
    `CPU time ${fmt(Math.round(median(x)))} ms vs raw ${fmt(Math.round(median(y)))} ms (${(median(x) / median(y)).toFixed(2)}×)`;
  return [
    {
      name: `import city: ${fmt(city.students.length)} students with guardians, ${fmt(city.classes.length)} classes, ${fmt(city.teachers.length)} teachers (sqlite adapter)`,
      medianMs: median(times.adapterCity),
      baselineName: "raw better-sqlite3, one transaction, prepared statements",
      baselineMedianMs: median(times.rawCity),
      notes: `${ratio(times.adapterCity, times.rawCity)}; ${fmt(Math.round(city.students.length / (median(times.adapterCity) / 1000)))} students/s; ${cpuRatio(cpuTimes.adapterCity, cpuTimes.rawCity)}`,
    },
    {
      name: `import ${fmt(visits.length)} visit records (sqlite adapter)`,
      medianMs: median(times.adapterVisits),
      baselineName: "raw better-sqlite3, one transaction, prepared statements",
      baselineMedianMs: median(times.rawVisits),
      notes: `${ratio(times.adapterVisits, times.rawVisits)}; ${fmt(Math.round(visits.length / (median(times.adapterVisits) / 1000)))} records/s; ${cpuRatio(cpuTimes.adapterVisits, cpuTimes.rawVisits)}`,
    },
    {
      name: `city coverage report by school over ${fmt(visits.length)} visits (${fmt(city.schools.length)} schools, sqlite adapter)`,
      medianMs: median(reportTimes.adapter),
      baselineName: "hand-written GROUP BY",
      baselineMedianMs: median(reportTimes.raw),
      notes: `${ratio(reportTimes.adapter, reportTimes.raw)}; target < 1 s: ${median(reportTimes.adapter) < 1000 ? "met" : "MISSED"} (CPU time ${median(reportCpu).toFixed(0)} ms); figures ${agree ? "identical" : "DIFFER"}`,
    },
  ];
}
