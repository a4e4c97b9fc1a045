import { sqliteStorage } from "@homevisit/storage-sqlite";
import { runFormsRoundTrip } from "./forms-roundtrip-suite.js";

runFormsRoundTrip(
  "sqlite",
  async () => {
    const storage = sqliteStorage({ filename: ":memory:" });
    await storage.migrations.migrate();
    return { storage, blobs: storage.blobs, cleanup: () => storage.close() };
  },
  60,
);
