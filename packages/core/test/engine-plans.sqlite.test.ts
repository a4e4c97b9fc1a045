import { sqliteStorage } from "@homevisit/storage-sqlite";
import { runPlansSuite } from "./engine-plans-suite.js";

runPlansSuite("sqlite", async () => {
  const storage = sqliteStorage({ filename: ":memory:" });
  await storage.migrations.migrate();
  return { storage, blobs: storage.blobs, cleanup: () => storage.close() };
});
