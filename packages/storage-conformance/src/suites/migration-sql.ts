import { expect, it } from "vitest";
import type { ConformanceHarness } from "../harness.js";

/**
 * The `migration sql` suite. The migrations' SQL: reviewable and never dropping data.
 */
export function migrationSqlSuite(h: () => ConformanceHarness): void {
  it("gives the migrations as reviewable SQL that never drops data", async () => {
    const { storage } = h();
    const sql = storage.migrations.sql();
    expect(sql).toMatch(/create table/i);
    // No table, column or schema dropped, no row deleted. An index holds no data of its own:
    // a migration may drop one that no query uses (version 4 does).
    expect(sql).not.toMatch(/drop\s+(table|column|schema)|delete\s+from|truncate/i);
    expect(storage.migrations.sql({ from: storage.migrations.latest })).not.toMatch(/create table/i);
  });
}
