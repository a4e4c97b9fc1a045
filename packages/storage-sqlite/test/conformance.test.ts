import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runStorageConformance, skipAllBut } from "@homevisit/storage-conformance";
import { fileBlobStore, sqliteStorage } from "@homevisit/storage-sqlite";

// A file database in WAL mode, as deployed; `:memory:` is covered by the blob suite below.
runStorageConformance(
  "sqlite",
  async () => {
    const dir = mkdtempSync(join(tmpdir(), "hv-sqlite-"));
    const storage = sqliteStorage({ filename: join(dir, "test.db"), synchronous: "normal" });
    return {
      storage,
      raw: storage.raw,
      cleanup: async () => {
        await storage.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
  {
    writers: { count: 20, rounds: 10 },
    blobs: async () => {
      const storage = sqliteStorage();
      await storage.migrations.migrate();
      return { store: storage.blobs, raw: storage.blobs.raw, cleanup: () => storage.close() };
    },
  },
);

// The file-system blob store runs the same blob suite (the storage suites above are SQLite's).
runStorageConformance(
  "sqlite + file blobs",
  async () => {
    const storage = sqliteStorage();
    return { storage, raw: storage.raw, cleanup: () => storage.close() };
  },
  {
    skip: skipAllBut(["blobs"], "run above on a file database; this block checks the file blob store"),
    blobs: async () => {
      const dir = mkdtempSync(join(tmpdir(), "hv-blobs-"));
      const store = fileBlobStore({ directory: dir });
      return { store, raw: store.raw, cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
    },
  },
);
