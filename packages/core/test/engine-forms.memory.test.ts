import { memoryBlobStore, memoryStorage } from "@homevisit/storage-memory";
import { runFormsSuite } from "./engine-forms-suite.js";

runFormsSuite("memory", async () => {
  const storage = memoryStorage();
  await storage.migrations.migrate();
  return { storage, blobs: memoryBlobStore(), cleanup: () => storage.close() };
});
