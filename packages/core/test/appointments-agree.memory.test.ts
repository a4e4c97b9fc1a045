import { memoryBlobStore, memoryStorage } from "@homevisit/storage-memory";
import { runAppointmentsAgreeSuite } from "./appointments-agree-suite.js";

runAppointmentsAgreeSuite("memory", async () => {
  const storage = memoryStorage();
  await storage.migrations.migrate();
  return { storage, blobs: memoryBlobStore(), cleanup: () => storage.close() };
});
