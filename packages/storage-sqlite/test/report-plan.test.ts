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
import { afterAll, describe, expect, it } from "vitest";

const dir = mkdtempSync(join(tmpdir(), "hv-plan-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("sqlite coverage report plan", () => {
  it("uses the covering indexes for city, county and school scopes", async () => {
    const storage = sqliteStorage({ filename: join(dir, "plan.db") });
    try {
      await storage.migrations.migrate();
      await seedTenants(storage);
      await storage.students.createMany(Array.from({ length: 60 }, (_, i) => makeStudent(i)));
      const visit = makers.visitRecords as (i: number) => never;
      await storage.visitRecords.createMany(Array.from({ length: 200 }, (_, i) => visit(i)));
      storage.database.exec("ANALYZE");
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
});
