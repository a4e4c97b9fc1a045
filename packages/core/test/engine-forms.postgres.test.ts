// The forms suite (issue 17) on @homevisit/storage-postgres: the real server named by
// HOMEVISIT_PG_URL (CI sets it), else PGlite; each test gets a freshly named schema.
import { afterAll, beforeAll } from "vitest";
import { freshStore, testBackend } from "../../storage-postgres/test/harness.js";
import { runFormsSuite } from "./engine-forms-suite.js";

runFormsSuite("postgres", async () => {
  const { storage, cleanup } = await freshStore();
  await storage.migrations.migrate();
  return { storage, blobs: storage.blobs, cleanup };
});

// PGlite's cold start belongs to set-up, not to the first test's time limit.
beforeAll(async () => {
  await testBackend();
}, 300_000);

afterAll(async () => {
  await (await testBackend()).end();
});
