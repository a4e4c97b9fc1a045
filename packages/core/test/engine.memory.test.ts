import { memoryBlobStore, memoryStorage } from "@homevisit/storage-memory";
import { runEngineSuite } from "./engine-suite.js";

runEngineSuite("memory", async () => {
  const storage = memoryStorage();
  await storage.migrations.migrate();
  return { storage, blobs: memoryBlobStore(), cleanup: () => storage.close() };
});
