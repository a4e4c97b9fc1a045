import { runStorageConformance } from "@homevisit/storage-conformance";
import { memoryBlobStore, memoryStorage } from "@homevisit/storage-memory";

runStorageConformance(
  "memory",
  async () => {
    const storage = memoryStorage();
    return { storage, raw: storage.raw, cleanup: () => storage.close() };
  },
  {
    // The memory store keeps no tables, so it has no SQL to show; its migrations still version.
    skip: { "migration sql": "the memory store has no SQL schema" },
    blobs: async () => {
      const store = memoryBlobStore();
      return { store, raw: store.raw, cleanup: async () => {} };
    },
  },
);
