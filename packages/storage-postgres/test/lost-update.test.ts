// RELIABILITY.md's lost-update test: 50 writers × 20 read-modify-write rounds on one record,
// each retrying on version_conflict. Every increment must survive and nothing but
// version_conflict may reach a writer.
import { isHomevisitError } from "@homevisit/core";
import { fixtureTenants, makers } from "@homevisit/storage-conformance";
import { afterAll, beforeAll, expect, it } from "vitest";
import { freshStore, testBackend } from "./harness.js";

// PGlite's cold start (tens of seconds on a busy machine) belongs to set-up, not to a test.
beforeAll(async () => {
  await testBackend();
}, 300_000);

afterAll(async () => {
  await (await testBackend()).end();
});

// On a server: 50 writers × 20 rounds, ending at version 1,001 with the count at 1,000. PGlite
// runs one transaction at a time, so nothing there can interleave inside a write; it runs a
// 10 × 10 round only to keep the code path covered without a quarter of an hour of WASM.
it("loses no update under concurrent read-modify-write: 50 writers × 20 rounds on a server", async () => {
  const { storage, cleanup } = await freshStore();
  try {
    await storage.migrations.migrate();
    await storage.cities.createMany([...fixtureTenants.cities]);
    await storage.counties.createMany([...fixtureTenants.counties]);
    await storage.schools.createMany([...fixtureTenants.schools]);
    const teacher = makers.teachers(1);
    await storage.teachers.create({ ...teacher, name: "计数0" });
    const server = (await testBackend()).kind === "postgres";
    const writers = server ? 50 : 10;
    const rounds = server ? 20 : 10;
    let conflicts = 0;
    const unexpected: string[] = [];
    const writer = async () => {
      for (let round = 0; round < rounds; round++) {
        for (;;) {
          const current = await storage.teachers.get(teacher.id);
          if (!current) throw new Error("the record vanished");
          const count = Number(current.record.name.slice(2));
          try {
            await storage.teachers.update(
              teacher.id,
              { ...current.record, name: `计数${count + 1}` },
              { expectedVersion: current.version },
            );
            break;
          } catch (error) {
            if (isHomevisitError(error) && error.code === "version_conflict") {
              conflicts++;
              continue;
            }
            unexpected.push(isHomevisitError(error) ? error.code : String(error));
            break;
          }
        }
      }
    };
    await Promise.all(Array.from({ length: writers }, writer));
    const final = await storage.teachers.get(teacher.id);
    expect(unexpected).toEqual([]);
    expect(final?.version).toBe(1 + writers * rounds);
    expect(final?.record.name).toBe(`计数${writers * rounds}`);
    // Contention really happened (on a server; PGlite runs one transaction at a time).
    if (server) expect(conflicts).toBeGreaterThan(0);
  } finally {
    await cleanup();
  }
  // ~20,000 transactions under heavy contention: generous on a loaded machine, never a measure.
}, 900_000);
