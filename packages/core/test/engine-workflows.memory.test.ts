import { memoryBlobStore, memoryStorage } from "@homevisit/storage-memory";
import { runWorkflowSuite } from "./engine-workflows-suite.js";

runWorkflowSuite("memory", async () => {
  const storage = memoryStorage();
  await storage.migrations.migrate();
  return { storage, blobs: memoryBlobStore(), cleanup: () => storage.close() };
});
