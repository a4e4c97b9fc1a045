import { sqliteStorage } from "@homevisit/storage-sqlite";
import { runPluginSuite } from "./engine-plugins-suite.js";
import { runEngineSuite } from "./engine-suite.js";

const factory = async () => {
  const storage = sqliteStorage({ filename: ":memory:" });
  await storage.migrations.migrate();
  return { storage, blobs: storage.blobs, cleanup: () => storage.close() };
};

runEngineSuite("sqlite", factory);
runPluginSuite("sqlite", factory);
