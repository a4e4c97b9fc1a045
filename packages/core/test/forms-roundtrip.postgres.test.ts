// The round trip on @homevisit/storage-postgres: the server HOMEVISIT_PG_URL names, else PGlite.
// Fewer runs than on the embedded stores: every step is a round trip to the server.
import { afterAll, beforeAll } from "vitest";
import { freshStore, testBackend } from "../../storage-postgres/test/harness.js";
import { runFormsRoundTrip } from "./forms-roundtrip-suite.js";

runFormsRoundTrip(
  "postgres",
  async () => {
    const { storage, cleanup } = await freshStore();
    await storage.migrations.migrate();
    return { storage, blobs: storage.blobs, cleanup };
  },
  25,
);

// PGlite's cold start belongs to set-up, not to the first test's time limit.
beforeAll(async () => {
  await testBackend();
}, 300_000);

afterAll(async () => {
  await (await testBackend()).end();
});
