// The consumer test's scenario, run once with the packages loaded through `import` (esm.mjs) and
// once through `require` (cjs.cjs): what a new user does first with each published package.
// It is CommonJS so that both entry files share it without loading the packages themselves.
const assert = require("node:assert/strict");
const { mkdtempSync, rmSync } = require("node:fs");
const { tmpdir } = require("node:os");
const { join } = require("node:path");

const origin = "http://campus.test";
const basePath = "/api/homevisit";
const hmacKey = "consumer-test-hmac-key-0001";

/** A small synthetic school from demo-data, seeded through the storage port as a host would. */
async function seed(storage, data) {
  await storage.transaction(async (tx) => {
    await tx.cities.createMany([data.city]);
    await tx.counties.createMany(data.counties);
    await tx.schools.createMany(data.schools);
  });
  const school = data.schools[0];
  await storage.roster.upsert({
    schoolId: school.id,
    asOf: "2026-09-01",
    classes: data.classes,
    teachers: data.teachers,
    students: data.students,
  });
  const principal = data.teachers.find((t) => t.roles.includes("principal"));
  assert.ok(principal, "demo-data makes a principal");
  return {
    id: principal.id,
    roles: ["principal", "teacher"],
    cityId: data.city.id,
    countyId: school.countyId,
    schoolId: school.id,
  };
}

/**
 * @param {string} how "ESM" or "CommonJS", for the messages
 * @param {{ core: any, coreEntries: Record<string, any>, memory: any, rest: any, client: any, sqlite: any, demo: any, conformance?: any }} m
 */
async function run(how, m) {
  const { core, memory, rest, client, sqlite, demo } = m;

  // core: schemas, pure helpers, typed errors with stable codes.
  assert.equal(core.addDays("2027-02-06", -10), "2027-01-27");
  const school = core.parseInput(core.schoolSchema, {
    id: "ls-lianbei-zx",
    cityId: "lishui",
    countyId: "liandu",
    name: "莲北中学",
    kind: "junior",
    setting: "urban",
  });
  assert.equal(school.name, "莲北中学");
  assert.throws(
    () => core.parseInput(core.schoolSchema, { id: "x" }),
    (error) =>
      core.isHomevisitError(error) && error.code === "validation_failed" && error instanceof core.HomevisitError,
  );
  // One class per error kind: every entry point of core hands out the same HomevisitError.
  for (const [entry, exports] of Object.entries(m.coreEntries)) {
    if ("HomevisitError" in exports)
      assert.equal(exports.HomevisitError, core.HomevisitError, `${entry}: HomevisitError`);
  }

  // storage-memory + createEngine: a use case with the host's actor.
  const data = demo.generateSchool({ students: 24, seed: 7 });
  const storage = memory.memoryStorage();
  const actor = await seed(storage, data);
  const engine = core.createEngine({ storage, blobs: memory.memoryBlobStore(), config: { audit: { hmacKey } } });
  const page = await engine.students.list(actor, { limit: 5 });
  assert.equal(page.items.length, 5);

  // rest: one fetch handler, called with a real Request.
  const handler = rest.createRestHandler(engine, { basePath, getActor: () => actor });
  const response = await handler(new Request(`${origin}${basePath}/students?limit=3`));
  assert.equal(response.status, 200);
  assert.equal((await response.json()).items.length, 3);
  const openapi = await handler(new Request(`${origin}${basePath}/openapi.json`));
  assert.match((await openapi.json()).openapi, /^3\.1\./);

  // client: typed calls against that handler's fetch.
  const api = client.createClient({ baseUrl: `${origin}${basePath}`, fetch: (request) => handler(request) });
  const listed = await api.students.list({ limit: 2 });
  assert.equal(listed.items.length, 2);
  await assert.rejects(
    api.students.read({ studentId: "no-such-student" }, { purpose: "consumer test" }),
    (error) => client.isHomevisitClientError(error) && error.status === 404,
  );

  // storage-sqlite: a database file in a temporary folder, migrated, used by the engine.
  const dir = mkdtempSync(join(tmpdir(), "homevisit-consumer-db-"));
  try {
    const db = sqlite.sqliteStorage({ filename: join(dir, "homevisit.db") });
    assert.ok((await db.migrations.migrate()).length > 0);
    const dbActor = await seed(db, data);
    const dbEngine = core.createEngine({ storage: db, blobs: db.blobs, config: { audit: { hmacKey } } });
    assert.equal((await dbEngine.students.list(dbActor, { limit: 4 })).items.length, 4);
    await db.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  if (m.conformance) assert.ok(m.conformance.conformanceSuites.includes("entities"));
  console.log(`${how}: core, storage-memory, engine, rest, client, storage-sqlite, demo-data work`);
}

module.exports = { run };
