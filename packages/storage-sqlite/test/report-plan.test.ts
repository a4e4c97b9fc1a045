// The coverage report reads index pages only: on SQLite, EXPLAIN QUERY PLAN of the report for
// each scope shows the covering indexes of schema version 3 on both the enrolments and the
// visits (a city of 300,000 students and 1,000,000 visits then reports in well under a second;
// bench/storage measures it).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CoverageQuery } from "@homevisit/core/storage";
import { makers, makeStudent, seedTenants } from "@homevisit/storage-conformance";
import { coverageStatement } from "@homevisit/storage-sql";
import { sqliteStorage } from "@homevisit/storage-sqlite";
import { Kysely, SqliteDialect } from "kysely";
import { afterAll, describe, expect, it, vi } from "vitest";

const dir = mkdtempSync(join(tmpdir(), "hv-plan-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A migrated store with the conformance tenants, some students and visits, and ANALYZE run. */
async function seededStore(file: string, students: number, visits: number) {
  const storage = sqliteStorage({ filename: join(dir, file) });
  await storage.migrations.migrate();
  await seedTenants(storage);
  await storage.students.createMany(Array.from({ length: students }, (_, i) => makeStudent(i)));
  const visit = makers.visitRecords as (i: number) => never;
  await storage.visitRecords.createMany(Array.from({ length: visits }, (_, i) => visit(i)));
  storage.database.exec("ANALYZE");
  return storage;
}

describe("sqlite coverage report plan", () => {
  it("uses the covering indexes for city, county and school scopes", async () => {
    const storage = await seededStore("plan.db", 60, 200);
    try {
      // Only compiles the statement to SQLite's SQL text; the plan is asked of the store's database.
      // biome-ignore lint/suspicious/noExplicitAny: the schema is dynamic
      const compiler = new Kysely<any>({ dialect: new SqliteDialect({ database: storage.database }) });
      const scopes = { city: { cityId: "city-1" }, county: { countyId: "k-1" }, school: { schoolId: "sch-1" } };
      for (const [level, scope] of Object.entries(scopes)) {
        const query = { scope, from: "2026-09-01", to: "2027-01-31", groupBy: "school" } as CoverageQuery;
        const compiled = coverageStatement(query).compile(compiler);
        const plan = (
          storage.database.prepare(`EXPLAIN QUERY PLAN ${compiled.sql}`).all(...compiled.parameters) as {
            detail: string;
          }[]
        ).map((r) => r.detail);
        expect(plan.join("\n"), level).toContain(`USING COVERING INDEX hv_visit_records_${level}_cover`);
        expect(plan.join("\n"), level).toContain(`USING COVERING INDEX hv_enrolments_${level}_cover`);
      }
    } finally {
      await storage.close();
    }
  });

  it("finds the library's visit-record lists by index after version 4 dropped the unused ones", async () => {
    const storage = await seededStore("visits.db", 20, 50);
    try {
      const indexes = (
        storage.database
          .prepare(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'hv_visit_records' ORDER BY name",
          )
          .all() as { name: string }[]
      ).map((r) => r.name);
      expect(indexes).toEqual([
        "hv_visit_records_city",
        "hv_visit_records_city_cover",
        "hv_visit_records_county",
        "hv_visit_records_county_cover",
        "hv_visit_records_school",
        "hv_visit_records_school_cover",
        "hv_visit_records_student_id",
        "hv_visit_records_teacher_id",
        "sqlite_autoindex_hv_visit_records_1",
      ]);
      // The lists the engine makes (archive and data rights by student, plan progress by
      // school and completion) and a teacher's own records: each searches an index.
      const prepared = vi.spyOn(storage.database, "prepare");
      await storage.visitRecords.list({ where: { studentId: "stu-0001" } });
      await storage.visitRecords.list({ where: { schoolId: "sch-1", completed: 1 } });
      await storage.visitRecords.list({ where: { teacherId: "t-1", status: ["submitted"] } });
      const lists = prepared.mock.calls
        .map(([text]) => text)
        .filter((text) => text.startsWith('select "version", "city_id", "county_id", "school_id", "data" from'));
      expect(lists).toHaveLength(3);
      prepared.mockRestore();
      for (const text of lists) {
        const parameters = Array.from(text.matchAll(/\?/g), () => "x");
        const plan = (
          storage.database.prepare(`EXPLAIN QUERY PLAN ${text}`).all(...parameters) as { detail: string }[]
        ).map((r) => r.detail);
        expect(plan.join("\n"), text).toMatch(/^SEARCH hv_visit_records USING INDEX/);
      }
    } finally {
      await storage.close();
    }
  });
});
