import { runStorageConformance } from "@homevisit/storage-conformance";
import { afterAll } from "vitest";
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

afterAll(async () => {
  await (await testBackend()).end();
});
