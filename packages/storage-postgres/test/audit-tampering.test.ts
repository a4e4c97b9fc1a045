// Promise 5 on PostgreSQL (the server of HOMEVISIT_PG_URL in CI, else PGlite): 1,000 generated
// tamperings of a stored chain, all detected.
import { afterAll, beforeAll } from "vitest";
import { runAuditTamperingSuite } from "../../core/test/audit-tampering-suite.js";
import { freshStore, testBackend } from "./harness.js";

runAuditTamperingSuite("postgres", async () => {
  const { storage, cleanup } = await freshStore();
  return { storage, raw: storage.raw, cleanup };
});

beforeAll(async () => {
  await testBackend();
}, 300_000);

afterAll(async () => {
  await (await testBackend()).end();
});
