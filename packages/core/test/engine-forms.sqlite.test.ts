import { sqliteStorage } from "@homevisit/storage-sqlite";
import { runFormsSuite } from "./engine-forms-suite.js";

runFormsSuite("sqlite", async () => {
  const storage = sqliteStorage({ filename: ":memory:" });
  await storage.migrations.migrate();
  return { storage, blobs: storage.blobs, cleanup: () => storage.close() };
});
