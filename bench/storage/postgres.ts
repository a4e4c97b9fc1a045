// The PostgreSQL half of the storage benchmark: import the synthetic city (students with
// guardians, their classes and teachers) and a term of visit records through the adapter,
// then run the city coverage report; beside each, in the same run, the baseline: raw `pg`
// inserting the same rows into the same tables with multi-row INSERTs, and a hand-written
// GROUP BY. Target: the adapter within 1.5× of raw. Needs a real server (PGlite is not for
// benchmarks): the URL comes from the argument or HOMEVISIT_PG_URL, else the bench is skipped.
import { performance } from "node:perf_hooks";
import type { VisitRecordDraft } from "@homevisit/core";
import { enrolmentFacts, entityIndexes, type StoredEntityName, type TenantKeys } from "@homevisit/core/storage";
import { type DemoDataset, generateCity } from "@homevisit/demo-data";
import { type PgPool, postgresStorage } from "@homevisit/storage-postgres";
import { entityTables } from "@homevisit/storage-sql";
import pg from "pg";
import { type BenchRow, median } from "../src/harness.ts";

/** Options of {@link runPostgresStorageBench}. */
export interface PostgresStorageBenchOptions {
  /** Students of the synthetic city; default 300,000 (Lishui). */
  students?: number;
  /** Visit records; default 1,000,000. */
  visits?: number;
  /** Measured runs of each import (adapter and raw alternate); default 3. */
  runs?: number;
  /** Measured rounds of the report after each run's imports (after one warm-up); default 5. */
  reportRounds?: number;
  /** The server; default HOMEVISIT_PG_URL. Without one the bench is skipped. */
  url?: string;
}

const term = { id: "2026-2027-1", from: "2026-09-01", to: "2027-01-31" };
const channels = ["in_home", "in_home", "in_home", "phone", "video", "alternative_venue"] as const;
// Rows per transaction on the adapter, rows per INSERT on the baseline.
const txBatch = 5_000;
const insertBatch = 1_000;

/** Visit records spread over the term: every student visited, some more than once. */
function makeVisits(city: DemoDataset, count: number): VisitRecordDraft[] {
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
      kind: i % 5 === 0 ? "priority" : "universal",
      term: term.id,
      channel: channels[i % channels.length] ?? "in_home",
      status: i % 10 === 0 ? "draft" : "submitted",
      arrivedAt: `${day}T19:00:00+08:00`,
      ...(i % 10 === 0 ? {} : { submittedAt: `${day}T21:00:00+08:00` }),
    } as VisitRecordDraft);
  }
  return visits;
}

function tenantLookup(city: DemoDataset) {
  const bySchool = new Map<string, TenantKeys>();
  for (const s of city.schools) bySchool.set(s.id, { cityId: s.cityId, countyId: s.countyId, schoolId: s.id });
  return (schoolId: string) => bySchool.get(schoolId) as TenantKeys;
}

/** The adapter's import: batches of `createMany`, each batch one transaction. */
async function importThroughAdapter(
  storage: ReturnType<typeof postgresStorage>,
  city: DemoDataset,
  visits: readonly VisitRecordDraft[],
): Promise<{ cityMs: number; visitsMs: number }> {
  const start = performance.now();
  await storage.transaction(async (tx) => {
    await tx.cities.create(city.city);
    await tx.counties.createMany(city.counties);
    await tx.schools.createMany(city.schools);
  });
  const load = async <N extends StoredEntityName>(entity: N, rows: readonly unknown[]) => {
    for (let i = 0; i < rows.length; i += txBatch) {
      const batch = rows.slice(i, i + txBatch);
      await storage.transaction((tx) =>
        (tx[entity] as unknown as { createMany(r: readonly unknown[]): Promise<unknown> }).createMany(batch),
      );
    }
  };
  await load("classes", city.classes);
  await load("teachers", city.teachers);
  await load("students", city.students);
  const cityMs = performance.now() - start;
  const visitsStart = performance.now();
  await load("visitRecords", visits);
  return { cityMs, visitsMs: performance.now() - visitsStart };
}

/** The baseline: the same rows into the same tables, by hand, with multi-row INSERTs. */
async function importRaw(
  pool: pg.Pool,
  schema: string,
  city: DemoDataset,
  visits: readonly VisitRecordDraft[],
): Promise<{ cityMs: number; visitsMs: number }> {
  const tenantOf = tenantLookup(city);
  const client = await pool.connect();
  try {
    await client.query(`SET search_path TO "${schema}"`);
    const insert = async (table: string, columns: string[], rows: unknown[][]) => {
      for (let i = 0; i < rows.length; i += insertBatch) {
        const batch = rows.slice(i, i + insertBatch);
        const params: unknown[] = [];
        const tuples = batch.map((row) => {
          const marks = row.map((value) => {
            params.push(value);
            return `$${params.length}`;
          });
          return `(${marks.join(",")})`;
        });
        await client.query(`INSERT INTO ${table} (${columns.join(",")}) VALUES ${tuples.join(",")}`, params);
      }
    };
    const entityRows = <N extends StoredEntityName>(
      entity: N,
      records: readonly unknown[],
      tenant: (r: never) => TenantKeys,
    ) => {
      const spec = entityTables[entity];
      const names = Object.keys(spec.columns);
      const columns = [
        "id",
        "city_id",
        "county_id",
        "school_id",
        "version",
        ...names.map((n) => spec.columns[n]?.column ?? n),
        "data",
      ];
      const rows = records.map((r) => {
        const t = tenant(r as never);
        const ix = entityIndexes(entity, r as never);
        return [
          (r as { id: string }).id,
          t.cityId,
          t.countyId,
          t.schoolId,
          1,
          ...names.map((n) => ix[n] ?? null),
          JSON.stringify(r),
        ];
      });
      return { table: spec.table, columns, rows };
    };
    const load = async <N extends StoredEntityName>(
      entity: N,
      records: readonly unknown[],
      tenant: (r: never) => TenantKeys,
    ) => {
      for (let i = 0; i < records.length; i += txBatch) {
        const { table, columns, rows } = entityRows(entity, records.slice(i, i + txBatch), tenant);
        await client.query("BEGIN");
        await insert(table, columns, rows);
        if (entity === "students") {
          const facts = records.slice(i, i + txBatch).flatMap((s) => {
            const student = s as DemoDataset["students"][number];
            return enrolmentFacts(student, tenantOf(student.schoolId)).map((e, seq) => [
              e.studentId,
              seq,
              e.cityId,
              e.countyId,
              e.schoolId,
              e.classId,
              e.grade,
              e.from,
              e.to,
            ]);
          });
          await insert(
            "hv_enrolments",
            ["student_id", "seq", "city_id", "county_id", "school_id", "class_id", "grade", "date_from", "date_to"],
            facts,
          );
        }
        await client.query("COMMIT");
      }
    };
    const start = performance.now();
    await load("cities", [city.city], () => ({ cityId: city.city.id, countyId: null, schoolId: null }));
    await load("counties", city.counties, (c: DemoDataset["counties"][number]) => ({
      cityId: c.cityId,
      countyId: c.id,
      schoolId: null,
    }));
    await load("schools", city.schools, (s: DemoDataset["schools"][number]) => tenantOf(s.id));
    const bySchool = (r: { schoolId: string }) => tenantOf(r.schoolId);
    await load("classes", city.classes, bySchool);
    await load("teachers", city.teachers, bySchool);
    await load("students", city.students, bySchool);
    const cityMs = performance.now() - start;
    const visitsStart = performance.now();
    await load("visitRecords", visits, bySchool);
    return { cityMs, visitsMs: performance.now() - visitsStart };
  } finally {
    client.release();
  }
}

/** The hand-written city coverage by school. */
async function rawCoverage(pool: pg.Pool, schema: string, cityId: string) {
  const { rows } = await pool.query(
    `WITH e AS (
       SELECT DISTINCT school_id, student_id FROM "${schema}".hv_enrolments
       WHERE city_id = $1 AND date_from <= $3 AND (date_to IS NULL OR date_to >= $2)),
     v AS (
       SELECT student_id, channel FROM "${schema}".hv_visit_records
       WHERE city_id = $1 AND completed = 1 AND visited_on BETWEEN $2 AND $3)
     SELECT e.school_id AS key, count(DISTINCT e.student_id) AS enrolled,
       count(DISTINCT v.student_id) FILTER (WHERE v.channel = 'in_home') AS visited, count(v.student_id) AS visits
     FROM e LEFT JOIN v ON v.student_id = e.student_id GROUP BY e.school_id ORDER BY 1`,
    [cityId, term.from, term.to],
  );
  return rows;
}

/**
 * Runs the PostgreSQL storage benchmark and returns its rows; an empty list (with one line
 * saying so) when no server URL is available.
 *
 * @example
 * ```ts
 * const rows = await runPostgresStorageBench({ students: 30_000, visits: 100_000, runs: 3 });
 * // [{ name: "import city: 30,000 students …", medianMs: 9100, baselineName: "raw pg multi-row INSERT …", … }, …]
 * ```
 */
export async function runPostgresStorageBench(options: PostgresStorageBenchOptions = {}): Promise<BenchRow[]> {
  const url = options.url ?? process.env.HOMEVISIT_PG_URL;
  if (!url) {
    console.log(
      "storage/postgres: skipped — no PostgreSQL server (set HOMEVISIT_PG_URL); PGlite is not for benchmarks",
    );
    return [];
  }
  const students = options.students ?? 300_000;
  const visitCount = options.visits ?? 1_000_000;
  const runs = Math.max(1, options.runs ?? 3);
  const reportRounds = Math.max(1, options.reportRounds ?? 5);
  const city = generateCity({ scale: students / 300_000 });
  const visits = makeVisits(city, visitCount);
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  const schemas: string[] = [];
  const fresh = async (label: string) => {
    const schema = `hv_bench_${label}_${process.pid}_${schemas.length}`;
    schemas.push(schema);
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    const storage = postgresStorage({ pool: pool as unknown as PgPool, schema });
    await storage.migrations.migrate();
    return { schema, storage };
  };
  const times = {
    adapterCity: [] as number[],
    adapterVisits: [] as number[],
    rawCity: [] as number[],
    rawVisits: [] as number[],
  };
  const reportTimes = { adapter: [] as number[], raw: [] as number[] };
  let agree = true;
  try {
    for (let run = 0; run < runs; run++) {
      const a = await fresh("adapter");
      const r = await fresh("raw");
      const measureAdapter = async () => {
        const adapter = await importThroughAdapter(a.storage, city, visits);
        times.adapterCity.push(adapter.cityMs);
        times.adapterVisits.push(adapter.visitsMs);
      };
      const measureRaw = async () => {
        const raw = await importRaw(pool, r.schema, city, visits);
        times.rawCity.push(raw.cityMs);
        times.rawVisits.push(raw.visitsMs);
      };
      // The order alternates between runs (the adapter first in even runs), so that neither
      // side always imports into a server busy writing back the other's gigabytes; an even
      // number of runs puts both in both places.
      if (run % 2 === 0) {
        await measureAdapter();
        await measureRaw();
      } else {
        await measureRaw();
        await measureAdapter();
      }
      await pool.query(`ANALYZE`);
      const query = { scope: { cityId: city.city.id }, from: term.from, to: term.to, groupBy: "school" } as const;
      // One unmeasured round warms the caches of both, then they alternate.
      let report = await a.storage.reports.coverage(query);
      let baseline = await rawCoverage(pool, r.schema, city.city.id);
      for (let i = 0; i < reportRounds; i++) {
        let t = performance.now();
        report = await a.storage.reports.coverage(query);
        reportTimes.adapter.push(performance.now() - t);
        t = performance.now();
        baseline = await rawCoverage(pool, r.schema, city.city.id);
        reportTimes.raw.push(performance.now() - t);
      }
      agree &&=
        JSON.stringify(report) ===
        JSON.stringify(
          baseline.map((b: Record<string, unknown>) => ({
            key: b.key,
            enrolled: Number(b.enrolled),
            visited: Number(b.visited),
            visits: Number(b.visits),
          })),
        );
      await a.storage.close();
      for (const schema of schemas.splice(0)) await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    }
  } finally {
    for (const schema of schemas) await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
    await pool.end();
  }
  const fmt = (n: number) => n.toLocaleString("en-US");
  const ratio = (a: number[], b: number[]) => (median(a) / median(b)).toFixed(2);
  const target = (a: number[], b: number[]) => `${ratio(a, b)}× raw (target ≤ 1.5×)`;
  return [
    {
      name: `import city: ${fmt(city.students.length)} students with guardians, ${fmt(city.classes.length)} classes, ${fmt(city.teachers.length)} teachers (postgres adapter)`,
      medianMs: median(times.adapterCity),
      baselineName: "raw pg multi-row INSERT of the same rows",
      baselineMedianMs: median(times.rawCity),
      notes: `${target(times.adapterCity, times.rawCity)}; ${fmt(Math.round(city.students.length / (median(times.adapterCity) / 1000)))} students/s`,
    },
    {
      name: `import ${fmt(visits.length)} visit records (postgres adapter)`,
      medianMs: median(times.adapterVisits),
      baselineName: "raw pg multi-row INSERT of the same rows",
      baselineMedianMs: median(times.rawVisits),
      notes: `${target(times.adapterVisits, times.rawVisits)}; ${fmt(Math.round(visits.length / (median(times.adapterVisits) / 1000)))} records/s`,
    },
    {
      name: `city coverage report by school (${fmt(city.schools.length)} schools, postgres adapter)`,
      medianMs: median(reportTimes.adapter),
      baselineName: "hand-written GROUP BY",
      baselineMedianMs: median(reportTimes.raw),
      notes: `${target(reportTimes.adapter, reportTimes.raw)}; figures ${agree ? "identical" : "DIFFER"}`,
    },
  ];
}
