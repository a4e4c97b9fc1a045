// Promise 5 on SQLite: 1,000 generated tamperings of a stored chain, all detected (the suite
// lives beside the engine suites in core's tests and runs on every store).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sqliteStorage } from "@homevisit/storage-sqlite";
import { runAuditTamperingSuite } from "../../core/test/audit-tampering-suite.js";

runAuditTamperingSuite("sqlite", async () => {
  const dir = mkdtempSync(join(tmpdir(), "hv-tamper-"));
  const storage = sqliteStorage({ filename: join(dir, "tamper.db"), synchronous: "normal" });
  return {
    storage,
    raw: storage.raw,
    cleanup: async () => {
      await storage.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
