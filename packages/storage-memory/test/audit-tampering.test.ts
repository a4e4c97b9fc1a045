// Promise 5 on the memory store: the same tamperings as the SQL stores.
import { memoryStorage } from "@homevisit/storage-memory";
import { runAuditTamperingSuite } from "../../core/test/audit-tampering-suite.js";

runAuditTamperingSuite("memory", async () => {
  const storage = memoryStorage();
  return { storage, raw: storage.raw, cleanup: () => storage.close() };
});
