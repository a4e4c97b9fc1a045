import { sqliteStorage } from "@homevisit/storage-sqlite";
import { runAppointmentsAgreeSuite } from "./appointments-agree-suite.js";

runAppointmentsAgreeSuite("sqlite", async () => {
  const storage = sqliteStorage({ filename: ":memory:" });
  await storage.migrations.migrate();
  return { storage, blobs: storage.blobs, cleanup: () => storage.close() };
});
