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
    // Blobs live in the host's object store (or the SQL layer's blob table) — not part of this adapter yet.
    skip: { blobs: "the PostgreSQL adapter has no blob store yet" },
  },
);

afterAll(async () => {
  await (await testBackend()).end();
});
