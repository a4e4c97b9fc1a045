import { memoryBlobStore, memoryStorage } from "@homevisit/storage-memory";
import { runFormsRoundTrip } from "./forms-roundtrip-suite.js";

runFormsRoundTrip(
  "memory",
  async () => {
    const storage = memoryStorage();
    await storage.migrations.migrate();
    return { storage, blobs: memoryBlobStore(), cleanup: () => storage.close() };
  },
  60,
);
