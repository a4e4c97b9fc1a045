// The model-based test of the engine on the memory and the SQLite adapters (engine-model-suite.ts).
import { memoryBlobStore, memoryStorage } from "@homevisit/storage-memory";
import { sqliteStorage } from "@homevisit/storage-sqlite";
import { runModel } from "./engine-model-suite.js";

runModel(
  "memory",
  async () => {
    const storage = memoryStorage();
    await storage.migrations.migrate();
    return { storage, blobs: memoryBlobStore(), cleanup: () => storage.close() };
  },
  100,
);

runModel(
  "sqlite",
  async () => {
    const storage = sqliteStorage({ filename: ":memory:" });
    await storage.migrations.migrate();
    return { storage, blobs: storage.blobs, cleanup: () => storage.close() };
  },
  50,
);
