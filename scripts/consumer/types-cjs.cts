// The same packages typed through their `require` conditions (`.d.cts`), as a CommonJS
// TypeScript project sees them under node16.
import client = require("@homevisit/client");
import core = require("@homevisit/core");
import rest = require("@homevisit/rest");
import memory = require("@homevisit/storage-memory");
import sqlite = require("@homevisit/storage-sqlite");

export async function firstStudents(actor: core.Actor): Promise<string[]> {
  const engine = core.createEngine({
    storage: memory.memoryStorage(),
    blobs: memory.memoryBlobStore(),
    config: { audit: { hmacKey: "k".repeat(16) } },
  });
  const handler = rest.createRestHandler(engine, { getActor: () => actor });
  const api = client.createClient({ baseUrl: "http://campus.test", fetch: handler });
  const page = await api.students.list({ limit: 2 });
  // @ts-expect-error studentId is required
  await api.students.read({}, { purpose: "check" });
  const error: core.HomevisitError | undefined = undefined;
  void error;
  void sqlite.sqliteStorage;
  return page.items.map((s) => s.id);
}
