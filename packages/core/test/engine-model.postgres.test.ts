// The model-based test of the engine on @homevisit/storage-postgres: the real server named by
// HOMEVISIT_PG_URL (CI sets it), else PGlite; each sequence gets a freshly named schema. Fewer
// runs than on the embedded adapters: every step is a round trip to the server.
import { afterAll, beforeAll } from "vitest";
import { freshStore, testBackend } from "../../storage-postgres/test/harness.js";
import { runModel } from "./engine-model-suite.js";

runModel(
  "postgres",
  async () => {
    const { storage, cleanup } = await freshStore();
    await storage.migrations.migrate();
    return { storage, blobs: storage.blobs, cleanup };
  },
  20,
  15_000,
);

// PGlite's cold start belongs to set-up, not to the first test's time limit.
beforeAll(async () => {
  await testBackend();
}, 300_000);

afterAll(async () => {
  await (await testBackend()).end();
});
