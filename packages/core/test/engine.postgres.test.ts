// The engine suite on @homevisit/storage-postgres: the real server named by HOMEVISIT_PG_URL
// (CI sets it), else PGlite, through the adapter's own test harness, which gives every store a
// freshly named schema and drops it afterwards.
import { afterAll, beforeAll } from "vitest";
import { freshStore, testBackend } from "../../storage-postgres/test/harness.js";
import { runPluginSuite } from "./engine-plugins-suite.js";
import { runEngineSuite } from "./engine-suite.js";

const factory = async () => {
  const { storage, cleanup } = await freshStore();
  await storage.migrations.migrate();
  return { storage, blobs: storage.blobs, cleanup };
};

runEngineSuite("postgres", factory);
runPluginSuite("postgres", factory);

// PGlite's cold start belongs to set-up, not to the first test's time limit.
beforeAll(async () => {
  await testBackend();
}, 300_000);

afterAll(async () => {
  await (await testBackend()).end();
});
