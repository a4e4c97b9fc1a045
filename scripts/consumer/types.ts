// Type-checked (never run) with `moduleResolution` node16 and bundler, strict: the published
// `.d.ts` files resolve and carry real types, so mistakes fail to compile.
import { createClient, isHomevisitClientError } from "@homevisit/client";
import { type Actor, addDays, createEngine, parseInput, type School, schoolSchema } from "@homevisit/core";
import { type DemoDataset, generateSchool } from "@homevisit/demo-data";
import { createRestHandler } from "@homevisit/rest";
import { runStorageConformance } from "@homevisit/storage-conformance";
import { memoryBlobStore, memoryStorage } from "@homevisit/storage-memory";
import { postgresStorage } from "@homevisit/storage-postgres";
import { sqliteStorage } from "@homevisit/storage-sqlite";

const day: string = addDays("2026-10-01", 1);
const school: School = parseInput(schoolSchema, {
  id: "s-1",
  cityId: "c",
  countyId: "k",
  name: "莲北中学",
  kind: "junior",
  setting: "urban",
});
// @ts-expect-error a school's kind is one of the schema's values
const wrong: School = { ...school, kind: "college" };

const data: DemoDataset = generateSchool({ students: 20 });
declare const actor: Actor;
const engine = createEngine({
  storage: memoryStorage(),
  blobs: memoryBlobStore(),
  config: { audit: { hmacKey: "k".repeat(16) } },
});
const page = await engine.students.list(actor, { limit: 5 });
const ids: string[] = page.items.map((s) => s.id);

const handler: (request: Request) => Promise<Response> = createRestHandler(engine, { getActor: () => actor });
const api = createClient({ baseUrl: "http://campus.test", fetch: handler });
const listed = await api.students.list({ limit: 2 });
const first: string | undefined = listed.items[0]?.id;
// @ts-expect-error limit is a number
await api.students.list({ limit: "2" });
try {
  await api.students.read({ studentId: "x" }, { purpose: "check" });
} catch (error) {
  if (isHomevisitClientError(error)) console.log(error.code satisfies string, error.status satisfies number);
}

const sqlite = sqliteStorage({ filename: ":memory:" });
const migrated: number[] = await sqlite.migrations.migrate();
const pg: typeof postgresStorage = postgresStorage;
const suite: typeof runStorageConformance = runStorageConformance;

export { data, day, first, ids, migrated, pg, suite, wrong };
