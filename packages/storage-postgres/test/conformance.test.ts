import { runStorageConformance } from "@homevisit/storage-conformance";
import { afterAll, beforeAll } from "vitest";
import { freshStore, testBackend } from "./harness.js";

runStorageConformance(
  "postgres",
  async () => {
    const { storage, cleanup } = await freshStore();
    return { storage, raw: storage.raw, cleanup };
  },
  {
    blobs: async () => {
      const { storage, cleanup } = await freshStore();
      await storage.migrations.migrate();
      return { store: storage.blobs, raw: storage.blobs.raw, cleanup };
    },
  },
);

// PGlite's cold start (tens of seconds on a busy machine) belongs to set-up, not to a test.
beforeAll(async () => {
  await testBackend();
}, 300_000);

afterAll(async () => {
  await (await testBackend()).end();
});
