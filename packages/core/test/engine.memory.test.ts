import { memoryBlobStore, memoryStorage } from "@homevisit/storage-memory";
import { runPluginSuite } from "./engine-plugins-suite.js";
import { runEngineSuite } from "./engine-suite.js";

const factory = async () => {
  const storage = memoryStorage();
  await storage.migrations.migrate();
  return { storage, blobs: memoryBlobStore(), cleanup: () => storage.close() };
};

runEngineSuite("memory", factory);
runPluginSuite("memory", factory);
