import { sqliteStorage } from "@homevisit/storage-sqlite";
import { runEngineSuite } from "./engine-suite.js";

runEngineSuite("sqlite", async () => {
  const storage = sqliteStorage({ filename: ":memory:" });
  await storage.migrations.migrate();
  return { storage, blobs: storage.blobs, cleanup: () => storage.close() };
});
