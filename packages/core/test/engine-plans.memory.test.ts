import { memoryBlobStore, memoryStorage } from "@homevisit/storage-memory";
import { runPlansSuite } from "./engine-plans-suite.js";

runPlansSuite("memory", async () => {
  const storage = memoryStorage();
  await storage.migrations.migrate();
  return { storage, blobs: memoryBlobStore(), cleanup: () => storage.close() };
});
