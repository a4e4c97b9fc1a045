/**
 * `@homevisit/storage-conformance`: the one suite every homevisit storage adapter runs, the
 * in-memory one included. Call {@link runStorageConformance} from a vitest test file with a
 * factory that makes a fresh, empty store and a raw read-back hook that shows what the store
 * really holds.
 *
 * @packageDocumentation
 */
import { isHomevisitError } from "@homevisit/core";
import {
  type AuditEntryInput,
  type BlobStore,
  type CoverageQuery,
  computeCoverage,
  coverageGroupings,
  type EntityInput,
  type EntityRecord,
  enrolmentFacts,
  entityIndexes,
  flagFact,
  prepareRecord,
  type RawReadBack,
  type RosterInput,
  type Storage,
  type StoredEntityName,
  sha256Hex,
  storedEntities,
  storedEntityNames,
  type TenantKeys,
  visitFact,
} from "@homevisit/core/storage";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { baseStudentId, change, fixtureTenants, invalid, makers, makeStudent, schoolOf } from "./fixtures.js";

export * from "./fixtures.js";

/** What the factory hands each test: a fresh, empty store. */
export interface ConformanceHarness {
  storage: Storage;
  raw: RawReadBack;
  cleanup(): Promise<void>;
}

/** A blob store under test and a read-back of its bytes. */
export interface BlobHarness {
  store: BlobStore;
  /** The bytes as really stored, bypassing the port. */
  raw(id: string): Promise<Uint8Array | undefined>;
  cleanup(): Promise<void>;
}

/** The named suites. */
export const conformanceSuites = [
  "entities",
  "tenant isolation",
  "transactions",
  "optimistic concurrency",
  "idempotency",
  "outbox",
  "audit",
  "roster",
  "migrations",
  "migration sql",
  "reports",
  "blobs",
] as const;
/** A suite name. */
export type ConformanceSuite = (typeof conformanceSuites)[number];

/** Options of {@link runStorageConformance}. */
export interface ConformanceOptions {
  /**
   * Suites this adapter opts out of, each with the reason, which is printed in the skipped
   * test's name. Opt out only of what the adapter cannot do by design.
   */
  skip?: Partial<Record<ConformanceSuite, string>>;
  /** The adapter's blob store; without it the blob suite is skipped with a note. */
  blobs?: () => Promise<BlobHarness>;
  /** Concurrency of the lost-update check (writers × rounds); default 10 × 10. */
  writers?: { count: number; rounds: number };
}

async function expectCode(promise: Promise<unknown>, code: string): Promise<void> {
  let caught: unknown;
  try {
    await promise;
  } catch (error) {
    caught = error;
  }
  if (!isHomevisitError(caught)) throw new Error(`Expected HomevisitError ${code}, got ${String(caught)}`);
  expect(caught.code).toBe(code);
}

/**
 * Creates the fixture tenants and one base student per school.
 *
 * @example
 * ```ts
 * await seedTenants(storage); // cities, counties, schools and stu-base-<school> rows
 * ```
 */
export async function seedTenants(storage: Storage): Promise<void> {
  await storage.transaction(async (tx) => {
    await tx.cities.createMany(fixtureTenants.cities);
    await tx.counties.createMany(fixtureTenants.counties);
    await tx.schools.createMany(fixtureTenants.schools);
    await tx.students.createMany(
      fixtureTenants.schools.map((s, i) => makeStudent(i, { id: baseStudentId(i), schoolId: s.id })),
    );
  });
}

function seededInputs(entity: StoredEntityName): EntityInput<StoredEntityName>[] {
  if (entity === "cities") return [...fixtureTenants.cities];
  if (entity === "counties") return [...fixtureTenants.counties];
  if (entity === "schools") return [...fixtureTenants.schools];
  if (entity === "students")
    return fixtureTenants.schools.map((s, i) => makeStudent(i, { id: baseStudentId(i), schoolId: s.id }));
  return [];
}

function tenantOfSchool(schoolId: string): TenantKeys {
  const school = fixtureTenants.schools.find((s) => s.id === schoolId);
  if (!school) throw new Error(`unknown fixture school ${schoolId}`);
  return { cityId: school.cityId, countyId: school.countyId, schoolId: school.id };
}

/** The tenant keys a fixture record must end up with. */
function expectedTenant(entity: StoredEntityName, input: EntityInput<StoredEntityName>): TenantKeys {
  const source = prepareRecord(entity, input as never).tenant;
  if ("keys" in source) return source.keys;
  if (source.parent === "schools") return tenantOfSchool(source.id);
  if (source.parent === "students") {
    const index = fixtureTenants.schools.findIndex((_, i) => baseStudentId(i) === source.id);
    return tenantOfSchool(schoolOf(index).id);
  }
  throw new Error(`no fixture tenant for ${entity}`);
}

const sortIds = (ids: string[]) => [...ids].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

/**
 * Registers the conformance suites for an adapter as vitest `describe` blocks. Each test gets
 * a fresh store from `factory`, migrates it and seeds the fixture tenants.
 *
 * @example
 * ```ts
 * // packages/storage-memory/test/conformance.test.ts
 * import { runStorageConformance } from "@homevisit/storage-conformance";
 * import { memoryStorage } from "@homevisit/storage-memory";
 *
 * runStorageConformance("memory", async () => {
 *   const storage = memoryStorage();
 *   return { storage, raw: storage.raw, cleanup: () => storage.close() };
 * }, { skip: { migrations: "nothing to migrate in memory" } });
 * ```
 */
export function runStorageConformance(
  adapter: string,
  factory: () => Promise<ConformanceHarness>,
  options: ConformanceOptions = {},
): void {
  const skip = options.skip ?? {};

  const suite = (name: ConformanceSuite, body: (h: () => ConformanceHarness) => void) => {
    const reason = skip[name];
    if (reason !== undefined) {
      describe(`${adapter} storage: ${name}`, () => {
        it.skip(`opted out: ${reason}`, () => {});
      });
      return;
    }
    describe(`${adapter} storage: ${name}`, () => {
      let harness: ConformanceHarness | undefined;
      beforeEach(async () => {
        harness = await factory();
        await harness.storage.migrations.migrate();
        await seedTenants(harness.storage);
      });
      afterEach(async () => {
        await harness?.cleanup();
        harness = undefined;
      });
      body(() => {
        if (!harness) throw new Error("no harness");
        return harness;
      });
    });
  };

  suite("entities", (h) => {
    for (const entity of storedEntityNames) {
      const maker = makers[entity] as ((i: number) => EntityInput<"students">) | undefined;
      if (!maker) {
        describe(entity, () => {
          it.skip(`needs a fixture maker in @homevisit/storage-conformance (fixtures.ts) for ${entity}`, () => {});
        });
        continue;
      }
      describe(entity, () => {
        const repo = () => h().storage[entity] as unknown as import("@homevisit/core/storage").Collection<"students">;
        const make = maker;

        it("creates at version 1 and stores the schema output with its tenant keys and indexes", async () => {
          const input = make(1);
          const stored = await repo().create(input);
          const expected = prepareRecord(entity, input as never);
          expect(stored.version).toBe(1);
          expect(stored.record).toEqual(expected.record);
          expect(stored.tenant).toEqual(expectedTenant(entity, input));
          const raw = await h().raw.record(entity, expected.id);
          expect(raw?.data).toEqual(JSON.parse(JSON.stringify(expected.record)));
          expect(raw?.version).toBe(1);
          expect(raw?.tenant).toEqual(expectedTenant(entity, input));
          expect(raw?.indexes).toEqual(entityIndexes(entity, expected.record as never));
          expect(await repo().get(expected.id)).toEqual(stored);
        });

        it("refuses a duplicate id, an invalid record and a missing parent", async () => {
          const before = await h().raw.count(entity);
          await repo().create(make(2));
          await expectCode(repo().create(make(2)), "conflict");
          await expectCode(repo().create(invalid(entity, make(3)) as never), "validation_failed");
          expect(await h().raw.count(entity)).toBe(before + 1);
          const orphan = { ...(make(4) as Record<string, unknown>) };
          const source = prepareRecord(entity, make(4) as never).tenant;
          if (!("parent" in source)) return; // cities, counties and schools carry their own tenant keys
          if (source.parent === "schools") orphan.schoolId = "sch-missing";
          else if (source.parent === "students") orphan.studentId = "stu-missing";
          await expectCode(repo().create(orphan as never), "not_found");
          expect(await h().raw.count(entity)).toBe(before + 1);
        });

        it("updates with the expected version, refuses stale and missing ones, deletes", async () => {
          const input = make(5);
          const created = await repo().create(input);
          const changed = change(entity, input as never) as EntityInput<"students">;
          const id = created.record.id;
          const updated = await repo().update(id, changed, { expectedVersion: 1 });
          expect(updated.version).toBe(2);
          expect(updated.record).toEqual(prepareRecord(entity, changed as never).record);
          expect((await h().raw.record(entity, id))?.data).toEqual(JSON.parse(JSON.stringify(updated.record)));
          await expectCode(repo().update(id, input, { expectedVersion: 1 }), "version_conflict");
          expect((await h().raw.record(entity, id))?.version).toBe(2);
          await expectCode(
            repo().update("no-such-id", { ...input, id: "no-such-id" } as never, { expectedVersion: 1 }),
            "not_found",
          );
          await expectCode(repo().delete(id, { expectedVersion: 1 }), "version_conflict");
          await repo().delete(id, { expectedVersion: 2 });
          expect(await repo().get(id)).toBeUndefined();
          expect(await h().raw.record(entity, id)).toBeUndefined();
          await expectCode(repo().delete(id, { expectedVersion: 2 }), "not_found");
        });

        it("pages through every row once, in id order, with bounded pages", async () => {
          const inputs = Array.from({ length: 23 }, (_, i) => make(100 + i));
          const created = await repo().createMany(inputs);
          expect(created.map((c) => c.version)).toEqual(inputs.map(() => 1));
          const expected = sortIds([
            ...seededInputs(entity).map((r) => (r as { id: string }).id),
            ...created.map((c) => c.record.id),
          ]);
          const seen: string[] = [];
          let cursor: string | undefined;
          let pages = 0;
          do {
            const page = await repo().list({ limit: 5, ...(cursor ? { cursor } : {}) });
            expect(page.items.length).toBeLessThanOrEqual(5);
            seen.push(...page.items.map((i) => i.record.id));
            cursor = page.nextCursor;
            pages++;
          } while (cursor !== undefined && pages < 100);
          expect(seen).toEqual(expected);
          expect(await repo().count()).toBe(expected.length);
          await expectCode(repo().list({ limit: 5000 }), "storage_page_size");
          await expectCode(repo().list({ cursor: "bogus" }), "storage_invalid_cursor");
          await expectCode(repo().list({ where: { nonsense: 1 } as never }), "storage_unknown_filter");
          const some = [created[3]?.record.id ?? "", "missing", created[0]?.record.id ?? ""];
          expect((await repo().getMany(some)).map((s) => s.record.id)).toEqual([some[0], some[2]]);
          expect((await repo().list({ where: { ids: some } })).items.map((s) => s.record.id)).toEqual(
            sortIds([some[0] ?? "", some[2] ?? ""]),
          );
        });

        it("filters by each indexed column, by value and by list of values", async () => {
          const inputs = Array.from({ length: 12 }, (_, i) => make(200 + i));
          await repo().createMany(inputs);
          const all = [...seededInputs(entity), ...inputs].map((r) => prepareRecord(entity, r as never));
          const names = Object.keys(storedEntities[entity].indexes);
          for (const name of names) {
            const values = [...new Set(all.map((p) => p.indexes[name] ?? null))];
            for (const wanted of [values.slice(0, 1), values.slice(0, 2)]) {
              const filter = wanted.length === 1 ? wanted[0] : wanted;
              const expected = sortIds(all.filter((p) => wanted.includes(p.indexes[name] ?? null)).map((p) => p.id));
              const page = await repo().list({ where: { [name]: filter } as never, limit: 1000 });
              expect(
                page.items.map((i) => i.record.id),
                `${entity}.${name} = ${JSON.stringify(filter)}`,
              ).toEqual(expected);
              expect(await repo().count({ [name]: filter } as never)).toBe(expected.length);
            }
          }
        });
      });
    }
  });

  suite("tenant isolation", (h) => {
    it("never returns another tenant's rows", async () => {
      const { storage } = h();
      const students = Array.from({ length: 24 }, (_, i) => makeStudent(i));
      await storage.students.createMany(students);
      for (const school of fixtureTenants.schools) {
        const page = await storage.students.list({ where: { schoolId: school.id }, limit: 1000 });
        expect(page.items.length).toBeGreaterThan(0);
        for (const item of page.items) {
          expect(item.tenant.schoolId).toBe(school.id);
          expect(item.record.schoolId).toBe(school.id);
        }
      }
      const county = await storage.students.list({ where: { countyId: "k-1" }, limit: 1000 });
      expect(new Set(county.items.map((i) => i.tenant.schoolId))).toEqual(new Set(["sch-1", "sch-2"]));
      const city2 = await storage.students.list({ where: { cityId: "city-2" }, limit: 1000 });
      expect(new Set(city2.items.map((i) => i.tenant.schoolId))).toEqual(new Set(["sch-4"]));
      expect(await storage.students.count({ cityId: "city-1" })).toBe(
        students.filter((s) => s.schoolId !== "sch-4").length + 3,
      );
      // Filters combine with AND: a school of another county gives nothing.
      expect((await storage.students.list({ where: { countyId: "k-1", schoolId: "sch-3" } })).items).toEqual([]);
    });

    it("children inherit their parent's tenant keys, stored in the row", async () => {
      const { storage, raw } = h();
      const flag = makers.categoryFlags(3);
      const stored = await storage.categoryFlags.create(flag);
      expect(stored.tenant).toEqual(expectedTenant("categoryFlags", flag));
      expect((await raw.record("categoryFlags", stored.record.id))?.tenant).toEqual(stored.tenant);
      const flags = await storage.categoryFlags.list({ where: { schoolId: stored.tenant.schoolId ?? "" } });
      expect(flags.items.map((f) => f.record.id)).toEqual([stored.record.id]);
      expect((await storage.categoryFlags.list({ where: { schoolId: "sch-9" } })).items).toEqual([]);
    });

    it("refuses to move a record to another tenant by update", async () => {
      const { storage, raw } = h();
      const created = await storage.students.create(makeStudent(1));
      const moved = makeStudent(1, { schoolId: "sch-3" });
      await expectCode(
        storage.students.update(created.record.id, moved, { expectedVersion: 1 }),
        "storage_tenant_change",
      );
      expect((await raw.record("students", created.record.id))?.tenant.schoolId).toBe(created.tenant.schoolId);
    });
  });

  suite("transactions", (h) => {
    it("commits all writes of a transaction together and shows them to later reads", async () => {
      const { storage } = h();
      const result = await storage.transaction(async (tx) => {
        await tx.students.create(makeStudent(1));
        await tx.students.create(makeStudent(2));
        expect((await tx.students.get("stu-0001"))?.version).toBe(1);
        return "done";
      });
      expect(result).toBe("done");
      expect((await storage.students.getMany(["stu-0001", "stu-0002"])).length).toBe(2);
    });

    it("rolls back every write when the function throws, and rethrows the same error", async () => {
      const { storage, raw } = h();
      const before = await raw.count("students");
      const boom = new Error("boom");
      await expect(
        storage.transaction(async (tx) => {
          await tx.students.create(makeStudent(1));
          await tx.students.create(makeStudent(2));
          throw boom;
        }),
      ).rejects.toBe(boom);
      expect(await raw.count("students")).toBe(before);
      await expectCode(
        storage.transaction(async (tx) => {
          await tx.students.create(makeStudent(3));
          await tx.students.create(makeStudent(3)); // conflict half-way
        }),
        "conflict",
      );
      expect(await storage.students.get("stu-0003")).toBeUndefined();
    });

    it("undoes a whole createMany that meets an existing id, and the transaction goes on", async () => {
      const { storage, raw } = h();
      await storage.students.create(makeStudent(7));
      const before = await raw.count("students");
      // The clash is in the middle, so rows before and after it would be written by an adapter
      // that inserted first and checked afterwards without undoing.
      const batch = [makeStudent(5), makeStudent(6), makeStudent(7), makeStudent(8)];
      await storage.transaction(async (tx) => {
        await expectCode(tx.students.createMany(batch), "conflict");
        await tx.students.create(makeStudent(9));
      });
      expect(await raw.count("students")).toBe(before + 1);
      for (const n of [5, 6, 8]) expect(await storage.students.get(makeStudent(n).id)).toBeUndefined();
      expect((await storage.students.get(makeStudent(9).id))?.version).toBe(1);
      const enrolled = await storage.reports.coverage({
        scope: { schoolId: makeStudent(5).schoolId },
        from: "2000-01-01",
        to: "2100-12-31",
        groupBy: "school",
      });
      // Enrolment side rows follow their student: none were left for the undone ones.
      expect(enrolled.reduce((sum, row) => sum + (row.enrolled ?? 0), 0)).toBe(
        (await storage.students.list({ where: { schoolId: makeStudent(5).schoolId }, limit: 1000 })).items.filter((s) =>
          s.record.enrolments.some((e) => e.schoolId === s.record.schoolId),
        ).length,
      );
    });

    it("writes a createMany larger than one insert chunk whole, or undoes it whole on a clash in a late chunk", async () => {
      const { storage, raw } = h();
      // SQL adapters insert a bulk call a chunk at a time (64 rows on SQLite, 1,000 on
      // PostgreSQL): a clash in a later chunk must undo the earlier chunks too.
      const inputs = Array.from({ length: 1_100 }, (_, i) => makeStudent(3_000 + i));
      await storage.students.create(inputs[1_050] as (typeof inputs)[number]);
      const before = await raw.count("students");
      await storage.transaction(async (tx) => {
        await expectCode(tx.students.createMany(inputs), "conflict");
        await tx.students.create(makeStudent(2_999));
      });
      expect(await raw.count("students")).toBe(before + 1);
      for (const i of [0, 63, 64, 999, 1_000, 1_099]) {
        expect(await storage.students.get((inputs[i] as { id: string }).id)).toBeUndefined();
      }
      const fresh = inputs.filter((_, i) => i !== 1_050);
      const created = await storage.students.createMany(fresh);
      expect(created.map((c) => c.record.id)).toEqual(fresh.map((s) => s.id));
      expect(await raw.count("students")).toBe(before + 1 + fresh.length);
      expect((await storage.students.get((fresh[1_000] as { id: string }).id))?.version).toBe(1);
    });

    it("leaves the store as before when a multi-step write fails at any step", async () => {
      const { storage, raw } = h();
      await storage.students.create(makeStudent(1));
      const snapshot = async () => ({
        student: await raw.record("students", "stu-0001"),
        flags: await raw.count("categoryFlags"),
        audit: await storage.audit.head("sch-2"),
        outbox: await storage.outbox.pending(),
      });
      const before = await snapshot();
      for (let failAt = 1; failAt <= 4; failAt++) {
        const fail = (step: number) => {
          if (step === failAt) throw new Error(`fail at ${step}`);
        };
        await expect(
          storage.transaction(async (tx) => {
            const s = await tx.students.get("stu-0001");
            await tx.students.update("stu-0001", { ...(s?.record as object), name: "改名" } as never, {
              expectedVersion: s?.version ?? 0,
            });
            fail(1);
            await tx.categoryFlags.create({ ...makers.categoryFlags(1), id: `flag-fault-${failAt}` });
            fail(2);
            await tx.audit.append(auditEntry("sch-2", failAt));
            fail(3);
            await tx.outbox.append({ id: `evt-fault-${failAt}`, topic: "student.updated", at: at(0), payload: {} });
            fail(4);
          }),
        ).rejects.toThrow(`fail at ${failAt}`);
        expect(await snapshot()).toEqual(before);
      }
    });

    it("runs concurrent transactions without losing any", async () => {
      const { storage } = h();
      await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          storage.transaction(async (tx) => {
            await tx.students.create(makeStudent(300 + i));
            await tx.outbox.append({ id: `evt-${i}`, topic: "student.created", at: at(i), payload: { i } });
          }),
        ),
      );
      expect(await storage.students.count({ ids: Array.from({ length: 20 }, (_, i) => `stu-0${300 + i}`) })).toBe(20);
      expect(await storage.outbox.pending()).toBe(20);
    });
  });

  suite("optimistic concurrency", (h) => {
    it("refuses a stale update and changes nothing", async () => {
      const { storage, raw } = h();
      const t = await storage.teachers.create(makers.teachers(1));
      await storage.teachers.update(t.record.id, { ...makers.teachers(1), termCapacity: 5 }, { expectedVersion: 1 });
      await expectCode(
        storage.teachers.update(t.record.id, { ...makers.teachers(1), termCapacity: 9 }, { expectedVersion: 1 }),
        "version_conflict",
      );
      const stored = await raw.record("teachers", t.record.id);
      expect(stored?.version).toBe(2);
      expect((stored?.data as { termCapacity?: number } | undefined)?.termCapacity).toBe(5);
    });

    it("loses no update under concurrent read-modify-write with retry", async () => {
      const { storage } = h();
      const { count, rounds } = options.writers ?? { count: 10, rounds: 10 };
      await storage.teachers.create({ ...makers.teachers(1), termCapacity: 0 });
      let conflicts = 0;
      const writer = async () => {
        for (let round = 0; round < rounds; round++) {
          for (;;) {
            const current = await storage.teachers.get("t-0001");
            if (!current) throw new Error("missing");
            try {
              await storage.teachers.update(
                "t-0001",
                { ...current.record, termCapacity: (current.record.termCapacity ?? 0) + 1 },
                { expectedVersion: current.version },
              );
              break;
            } catch (error) {
              if (!isHomevisitError(error) || error.code !== "version_conflict") throw error;
              conflicts++;
            }
          }
        }
      };
      await Promise.all(Array.from({ length: count }, writer));
      const final = await storage.teachers.get("t-0001");
      expect(final?.record.termCapacity).toBe(Math.min(count * rounds, 500));
      expect(final?.version).toBe(1 + count * rounds);
      expect(conflicts).toBeGreaterThanOrEqual(0);
    });
  });

  suite("idempotency", (h) => {
    const begin = (actorId: string, key: string, requestHash: string) => ({ actorId, key, requestHash, now: at(0) });

    it("records, replays, detects reuse with another body, scopes per actor and releases", async () => {
      const { storage, raw } = h();
      expect(await storage.idempotency.begin(begin("t1", "k1", "h1"))).toEqual({ status: "started" });
      expect(await raw.idempotency("t1", "k1")).toMatchObject({ status: "in_flight", requestHash: "h1" });
      expect(await storage.idempotency.begin(begin("t1", "k1", "h1"))).toEqual({ status: "in_flight" });
      await storage.idempotency.complete({ actorId: "t1", key: "k1", response: { id: "v1", n: [1, 2] } });
      expect(await raw.idempotency("t1", "k1")).toMatchObject({
        status: "completed",
        response: { id: "v1", n: [1, 2] },
      });
      expect(await storage.idempotency.begin(begin("t1", "k1", "h1"))).toEqual({
        status: "completed",
        response: { id: "v1", n: [1, 2] },
      });
      expect(await storage.idempotency.begin(begin("t1", "k1", "h2"))).toEqual({ status: "mismatch" });
      expect(await storage.idempotency.begin(begin("t2", "k1", "h2"))).toEqual({ status: "started" });
      await storage.idempotency.release({ actorId: "t2", key: "k1" });
      expect(await raw.idempotency("t2", "k1")).toBeUndefined();
      expect(await storage.idempotency.begin(begin("t2", "k1", "h3"))).toEqual({ status: "started" });
    });

    it("lets exactly one of concurrent same-key requests start", async () => {
      const { storage } = h();
      const results = await Promise.all(
        Array.from({ length: 12 }, () => storage.idempotency.begin(begin("t1", "same", "h"))),
      );
      expect(results.filter((r) => r.status === "started").length).toBe(1);
      expect(results.filter((r) => r.status === "in_flight").length).toBe(11);
    });

    it("rolls back with the transaction and purges old records", async () => {
      const { storage, raw } = h();
      await expect(
        storage.transaction(async (tx) => {
          await tx.idempotency.begin(begin("t1", "k9", "h"));
          throw new Error("rollback");
        }),
      ).rejects.toThrow("rollback");
      expect(await raw.idempotency("t1", "k9")).toBeUndefined();
      await storage.idempotency.begin({ ...begin("t1", "old", "h"), now: "2026-01-01T00:00:00Z" });
      await storage.idempotency.begin({ ...begin("t1", "new", "h"), now: "2026-12-01T00:00:00Z" });
      expect(await storage.idempotency.purge({ before: "2026-06-01T00:00:00Z" })).toBe(1);
      expect(await raw.idempotency("t1", "old")).toBeUndefined();
      expect(await raw.idempotency("t1", "new")).toBeDefined();
    });
  });

  suite("outbox", (h) => {
    it("hands events out oldest first under a lease, again after the lease, never after ack", async () => {
      const { storage, raw } = h();
      for (let i = 1; i <= 5; i++) {
        await storage.outbox.append({
          id: `evt-${i}`,
          topic: "visit.completed",
          schoolId: "sch-1",
          at: at(i),
          payload: { visitId: `v${i}` },
        });
      }
      await expectCode(
        storage.outbox.append({ id: "evt-1", topic: "visit.completed", at: at(0), payload: {} }),
        "conflict",
      );
      const t0 = "2026-10-08T10:00:00Z";
      const first = await storage.outbox.claim({ consumer: "a", now: t0, leaseSeconds: 60, limit: 3 });
      expect(first.map((c) => c.event.id)).toEqual(["evt-1", "evt-2", "evt-3"]);
      expect(first.map((c) => c.attempts)).toEqual([1, 1, 1]);
      expect(first[0]?.event).toEqual({
        id: "evt-1",
        topic: "visit.completed",
        schoolId: "sch-1",
        at: at(1),
        payload: { visitId: "v1" },
      });
      const second = await storage.outbox.claim({ consumer: "b", now: t0, leaseSeconds: 60, limit: 10 });
      expect(second.map((c) => c.event.id)).toEqual(["evt-4", "evt-5"]);
      expect(await storage.outbox.claim({ consumer: "c", now: t0, leaseSeconds: 60, limit: 10 })).toEqual([]);
      expect(await storage.outbox.ack(["evt-1", "evt-2", "evt-4"])).toBe(3);
      expect(await raw.outbox("evt-1")).toEqual({ acked: true, attempts: 1 });
      expect(await storage.outbox.pending()).toBe(2);
      const later = "2026-10-08T10:01:01Z";
      const again = await storage.outbox.claim({ consumer: "c", now: later, leaseSeconds: 60, limit: 10 });
      expect(again.map((c) => [c.event.id, c.attempts])).toEqual([
        ["evt-3", 2],
        ["evt-5", 2],
      ]);
      expect(await storage.outbox.ack(["evt-3", "evt-5", "evt-1"])).toBe(2);
      expect(
        await storage.outbox.claim({ consumer: "d", now: "2027-01-01T00:00:00Z", leaseSeconds: 1, limit: 10 }),
      ).toEqual([]);
    });

    it("gives concurrent consumers disjoint batches and keeps nothing of a rolled-back append", async () => {
      const { storage, raw } = h();
      await expect(
        storage.transaction(async (tx) => {
          await tx.outbox.append({ id: "evt-rb", topic: "x.y", at: at(0), payload: {} });
          throw new Error("rollback");
        }),
      ).rejects.toThrow("rollback");
      expect(await raw.outbox("evt-rb")).toBeUndefined();
      for (let i = 0; i < 30; i++)
        await storage.outbox.append({ id: `e${100 + i}`, topic: "x.y", at: at(i), payload: {} });
      const now = "2026-10-08T10:00:00Z";
      const batches = await Promise.all(
        ["a", "b", "c", "d"].map((consumer) => storage.outbox.claim({ consumer, now, leaseSeconds: 30, limit: 10 })),
      );
      const ids = batches.flat().map((c) => c.event.id);
      expect(ids.length).toBe(30);
      expect(new Set(ids).size).toBe(30);
    });
  });

  suite("audit", (h) => {
    it("appends a verifiable chain per tenant, with the head in step", async () => {
      const { storage, raw } = h();
      for (let i = 0; i < 10; i++) await storage.audit.append(auditEntry(i % 2 ? "sch-1" : "sch-2", i));
      const rows = await storage.audit.read("sch-1");
      expect(rows.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5]);
      expect(rows[1]?.prevHash).toBe(rows[0]?.hash);
      expect(await raw.auditRows("sch-1")).toEqual(JSON.parse(JSON.stringify(rows)));
      expect(await storage.audit.head("sch-1")).toEqual({ chainId: "sch-1", count: 5, hash: rows[4]?.hash });
      expect(await storage.audit.verify("sch-1")).toEqual({ ok: true, count: 5, head: rows[4]?.hash });
      expect(await storage.audit.verify("sch-2")).toMatchObject({ ok: true, count: 5 });
      expect(await storage.audit.verify("nobody")).toMatchObject({ ok: true, count: 0 });
      expect((await storage.audit.read("sch-1", { fromSeq: 4, limit: 1 })).map((r) => r.seq)).toEqual([4]);
      await expectCode(storage.audit.append({ ...auditEntry("sch-1", 1), action: "Bad Action" }), "validation_failed");
    });

    it("does not fork under concurrent appends and drops rolled-back rows", async () => {
      const { storage } = h();
      await Promise.all(Array.from({ length: 25 }, (_, i) => storage.audit.append(auditEntry("sch-3", i))));
      await expect(
        storage.transaction(async (tx) => {
          await tx.audit.append(auditEntry("sch-3", 99));
          throw new Error("rollback");
        }),
      ).rejects.toThrow("rollback");
      expect(await storage.audit.verify("sch-3")).toMatchObject({ ok: true, count: 25 });
    });

    it("detects tampering with stored rows", async () => {
      const { storage, raw } = h();
      for (let i = 0; i < 6; i++) await storage.audit.append(auditEntry("sch-1", i));
      await raw.tamperAudit("sch-1", 3, { actorId: "intruder" });
      expect(await storage.audit.verify("sch-1")).toMatchObject({ ok: false, seq: 3, problem: "hash_mismatch" });
    });

    it("keys rows and signs the head with the caller's key; keeps unkeyed rows verifiable", async () => {
      const { storage, raw } = h();
      const key = { id: "k-test", secret: "conformance-chain-key-0001" };
      for (let i = 0; i < 3; i++) await storage.audit.append(auditEntry("sch-1", i)); // v1, as before keys
      for (let i = 3; i < 6; i++) await storage.audit.append(auditEntry("sch-1", i), { key });
      const rows = await storage.audit.read("sch-1");
      expect(rows.map((r) => r.v ?? 1)).toEqual([1, 1, 1, 2, 2, 2]);
      expect(rows[3]).toMatchObject({ v: 2, keyId: "k-test", seq: 4, prevHash: rows[2]?.hash });
      const head = await storage.audit.head("sch-1");
      expect(head).toMatchObject({ count: 6, hash: rows[5]?.hash, keyId: "k-test" });
      expect(head.mac).toMatch(/^[0-9a-f]{64}$/);
      expect(await raw.auditHead("sch-1")).toEqual(head);
      expect(await storage.audit.verify("sch-1", { keys: [key] })).toEqual({ ok: true, count: 6, head: rows[5]?.hash });
      // Without the key, keyed rows cannot be trusted: reported, never thrown.
      expect(await storage.audit.verify("sch-1")).toMatchObject({ ok: false, seq: 4, problem: "unknown_key" });
    });

    it("goes on after a forged row takes the next place: a new segment, the break reported", async () => {
      const { storage, raw } = h();
      const key = { id: "k-test", secret: "conformance-chain-key-0001" };
      for (let i = 0; i < 4; i++) await storage.audit.append(auditEntry("sch-1", i), { key });
      const rows = (await raw.auditRows("sch-1")) as Record<string, unknown>[];
      const forged = { ...rows[3], seq: 5, prevHash: rows[3]?.hash, actorId: "intruder" };
      await raw.writeAuditRows("sch-1", [...rows, forged]);
      const record = await storage.audit.append(auditEntry("sch-1", 9), { key });
      expect(record).toMatchObject({ seq: 6, resumedAfter: 4, prevHash: rows[3]?.hash });
      const second = await storage.audit.append(auditEntry("sch-1", 10), { key });
      expect(second).toMatchObject({ seq: 7, prevHash: record.hash });
      expect(second.resumedAfter).toBeUndefined();
      const result = await storage.audit.verify("sch-1", { keys: [key] });
      expect(result).toMatchObject({ ok: false, seq: 5, problem: "hash_mismatch" });
      expect(result.ok === false && result.breaks).toEqual([
        { problem: "hash_mismatch", seq: 5, lastSeq: 5 },
        { problem: "segment_restart", seq: 5, lastSeq: 5 },
      ]);
    });

    it("reports a lost head and damaged rows as breaks, never as a thrown error", async () => {
      const { storage, raw } = h();
      const key = { id: "k-test", secret: "conformance-chain-key-0001" };
      for (let i = 0; i < 3; i++) await storage.audit.append(auditEntry("sch-1", i), { key });
      await raw.writeAuditHead("sch-1", undefined);
      const record = await storage.audit.append(auditEntry("sch-1", 5), { key });
      expect(record).toMatchObject({ seq: 4, resumedAfter: 0 });
      const rows = await raw.auditRows("sch-1");
      await raw.writeAuditRows("sch-1", [rows[0], "not json {", { seq: 3 }, rows[3]]);
      const result = await storage.audit.verify("sch-1", { keys: [key] });
      expect(result.ok).toBe(false);
      expect(result.ok === false && result.breaks?.map((b) => b.problem)).toContain("invalid_row");
    });
  });

  suite("roster", (h) => {
    const roster = (n: number, overrides: Partial<RosterInput> = {}): RosterInput => ({
      schoolId: "sch-3",
      asOf: "2026-09-01",
      classes: [7, 8, 9].map((g) => ({
        id: `sch-3-c${g}`,
        schoolId: "sch-3",
        grade: g,
        name: `${g}年级1班`,
        schoolYear: 2026,
      })),
      teachers: Array.from({ length: 4 }, (_, i) => ({ ...makers.teachers(i * 4 + 2), leftOn: undefined })),
      students: Array.from({ length: n }, (_, i) => makeStudent(i * 4 + 2)),
      ...overrides,
    });

    it("adds, then changes nothing on a second import of the same roster", async () => {
      const { storage, raw } = h();
      const before = await raw.count("students");
      const first = await storage.roster.upsert(roster(30));
      expect(first).toEqual({
        added: { classes: 3, teachers: 4, students: 30 },
        updated: { classes: 0, teachers: 0, students: 0 },
        unchanged: { classes: 0, teachers: 0, students: 0 },
        departed: { teachers: 0, students: 1 }, // the fixture base student of sch-3
      });
      expect(await raw.count("students")).toBe(before + 30);
      const versions = await Promise.all(
        roster(30).students?.map((s) => raw.record("students", (s as { id: string }).id)) ?? [],
      );
      const second = await storage.roster.upsert(roster(30), { batchSize: 7 });
      expect(second).toEqual({
        added: { classes: 0, teachers: 0, students: 0 },
        updated: { classes: 0, teachers: 0, students: 0 },
        unchanged: { classes: 3, teachers: 4, students: 30 },
        departed: { teachers: 0, students: 0 },
      });
      const after = await Promise.all(
        roster(30).students?.map((s) => raw.record("students", (s as { id: string }).id)) ?? [],
      );
      expect(after).toEqual(versions);
    });

    it("reports added, updated and departed rows and never deletes", async () => {
      const { storage, raw } = h();
      await storage.roster.upsert(roster(30));
      const next = roster(30);
      const students = [...(next.students ?? [])] as EntityInput<"students">[];
      students.splice(0, 3); // three left
      students[0] = { ...students[0], name: "新名字" } as EntityInput<"students">;
      students[1] = { ...students[1], name: "另一个" } as EntityInput<"students">;
      students.push(makeStudent(1002), makeStudent(1006));
      const result = await storage.roster.upsert({
        ...next,
        asOf: "2027-02-20",
        students,
        teachers: next.teachers?.slice(1),
      });
      expect(result).toEqual({
        added: { classes: 0, teachers: 0, students: 2 },
        updated: { classes: 0, teachers: 0, students: 2 },
        unchanged: { classes: 3, teachers: 3, students: 25 },
        departed: { teachers: 1, students: 3 },
      });
      const gone = await raw.record("students", makeStudent(2).id);
      expect(gone?.version).toBe(2);
      expect(gone?.indexes.leftOn).toBe("2027-02-19");
      const teacher = await raw.record("teachers", makers.teachers(2).id);
      expect((teacher?.data as { leftOn?: string } | undefined)?.leftOn).toBe("2027-02-19");
      expect(await storage.students.count({ schoolId: "sch-3", leftOn: null })).toBe(29);
    });

    it("imports nothing when any row is invalid or of another school", async () => {
      const { storage, raw } = h();
      const before = await raw.count("students");
      const bad = roster(10);
      const rows = [...(bad.students ?? [])];
      rows[7] = { ...(rows[7] as object), guardians: [] };
      await expectCode(storage.roster.upsert({ ...bad, students: rows }), "validation_failed");
      await expectCode(storage.roster.upsert({ ...bad, schoolId: "sch-1" }), "roster_wrong_school");
      expect(await raw.count("students")).toBe(before);
      expect(await raw.count("classes")).toBe(0);
    });
  });

  suite("migrations", (h) => {
    it("is at the latest version after migrate, and re-running is a no-op", async () => {
      const { storage } = h();
      const m = storage.migrations;
      expect(m.latest).toBeGreaterThanOrEqual(1);
      expect(await m.current()).toBe(m.latest);
      expect(await m.pending()).toEqual([]);
      expect(await m.migrate()).toEqual([]);
    });

    it("refuses a database whose schema is newer than the library", async () => {
      const { storage, raw } = h();
      await raw.setSchemaVersion(storage.migrations.latest + 1);
      await expectCode(storage.migrations.migrate(), "storage_schema_too_new");
    });
  });

  suite("migration sql", (h) => {
    it("gives the migrations as reviewable SQL that never drops data", async () => {
      const { storage } = h();
      const sql = storage.migrations.sql();
      expect(sql).toMatch(/create table/i);
      // No table, column or schema dropped, no row deleted. An index holds no data of its own:
      // a migration may drop one that no query uses (version 4 does).
      expect(sql).not.toMatch(/drop\s+(table|column|schema)|delete\s+from|truncate/i);
      expect(storage.migrations.sql({ from: storage.migrations.latest })).not.toMatch(/create table/i);
    });
  });

  suite("reports", (h) => {
    it("computes coverage like core's definition, for every grouping and scope", async () => {
      const { storage } = h();
      const students = Array.from({ length: 24 }, (_, i) => makeStudent(i));
      // A class change in the period: counts in both classes, once in the school.
      students[5] = makeStudent(5, {
        enrolments: [
          {
            schoolId: "sch-2",
            classId: "sch-2-c8-1",
            grade: 8,
            from: "2026-09-01",
            to: "2026-10-31",
            startReason: "entry",
            endReason: "class_change",
          },
          { schoolId: "sch-2", classId: "sch-2-c8-2", grade: 8, from: "2026-11-01", startReason: "class_change" },
        ],
      });
      await storage.students.createMany(students);
      await storage.categoryFlags.createMany(Array.from({ length: 9 }, (_, i) => makers.categoryFlags(i)));
      const visits = Array.from({ length: 40 }, (_, i) => makers.visitRecords(i));
      await storage.visitRecords.createMany(visits);

      const enrolments = [];
      for (const s of await all(storage, "students")) enrolments.push(...enrolmentFacts(s.record, s.tenant));
      const flags = (await all(storage, "categoryFlags")).map((f) => flagFact(f.record));
      const visitFacts = (await all(storage, "visitRecords")).flatMap((v) => visitFact(v.record, v.tenant) ?? []);

      const scopes: CoverageQuery["scope"][] = [
        { cityId: "city-1" },
        { countyId: "k-1" },
        { schoolId: "sch-2" },
        { cityId: "city-2" },
      ];
      for (const scope of scopes) {
        for (const groupBy of coverageGroupings) {
          const query: CoverageQuery = { scope, from: "2026-09-01", to: "2026-10-20", groupBy };
          const expected = computeCoverage(query, { enrolments, flags, visits: visitFacts });
          expect(await storage.reports.coverage(query), `${JSON.stringify(scope)} by ${groupBy}`).toEqual(expected);
        }
      }
      const bySchool = await storage.reports.coverage({
        scope: { cityId: "city-1" },
        from: "2026-09-01",
        to: "2027-01-31",
        groupBy: "school",
      });
      expect(bySchool.map((r) => r.key)).toEqual(["sch-1", "sch-2", "sch-3"]);
      expect(bySchool.every((r) => (r.enrolled ?? 0) >= r.visited)).toBe(true);
      await expectCode(
        storage.reports.coverage({
          scope: { cityId: "city-1" },
          from: "2027-01-31",
          to: "2026-09-01",
          groupBy: "school",
        }),
        "validation_failed",
      );
    });
  });

  describe(`${adapter} storage: blobs`, () => {
    const reason = skip.blobs ?? (options.blobs ? undefined : "no blob store given to the suite");
    if (reason !== undefined || !options.blobs) {
      it.skip(`opted out: ${reason}`, () => {});
      return;
    }
    const makeBlobs = options.blobs;
    let harness: BlobHarness | undefined;
    beforeEach(async () => {
      harness = await makeBlobs();
    });
    afterEach(async () => {
      await harness?.cleanup();
    });

    it("stores bytes exactly, with size and sha256, replaces and deletes", async () => {
      const b = harness as BlobHarness;
      const bytes = Uint8Array.from({ length: 256 * 3 }, (_, i) => i % 256);
      const ref = await b.store.put({ id: "photo-1", contentType: "image/jpeg", bytes });
      expect(ref).toEqual({ id: "photo-1", contentType: "image/jpeg", size: 768, sha256: sha256Hex(bytes) });
      expect(await b.raw("photo-1")).toEqual(bytes);
      const got = await b.store.get("photo-1");
      expect(got?.ref).toEqual(ref);
      expect(Array.from(got?.bytes ?? [])).toEqual(Array.from(bytes));
      expect(await b.store.head("photo-1")).toEqual(ref);
      const empty = await b.store.put({ id: "photo-1", contentType: "image/png", bytes: new Uint8Array() });
      expect(empty.size).toBe(0);
      expect((await b.store.head("photo-1"))?.contentType).toBe("image/png");
      expect(await b.store.delete("photo-1")).toBe(true);
      expect(await b.store.delete("photo-1")).toBe(false);
      expect(await b.store.get("photo-1")).toBeUndefined();
      expect(await b.store.head("missing")).toBeUndefined();
      expect(await b.raw("photo-1")).toBeUndefined();
    });

    it("refuses ids that could escape the store and bad content types", async () => {
      const b = harness as BlobHarness;
      for (const id of ["../etc/passwd", "a/b", "", "x".repeat(65)]) {
        await expectCode(
          b.store.put({ id, contentType: "image/jpeg", bytes: new Uint8Array([1]) }),
          "validation_failed",
        );
      }
      await expectCode(
        b.store.put({ id: "ok", contentType: "not a type", bytes: new Uint8Array([1]) }),
        "validation_failed",
      );
    });

    it("keeps a 2 MB blob intact", async () => {
      const b = harness as BlobHarness;
      const bytes = new Uint8Array(2 * 1024 * 1024);
      for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 31 + 7) % 251;
      await b.store.put({ id: "big", contentType: "image/jpeg", bytes });
      expect(sha256Hex((await b.store.get("big"))?.bytes ?? new Uint8Array())).toBe(sha256Hex(bytes));
    });
  });
}

async function all<N extends StoredEntityName>(storage: Storage, entity: N) {
  const out: { record: EntityRecord<N>; tenant: TenantKeys }[] = [];
  let cursor: string | undefined;
  do {
    const page = await (storage[entity] as unknown as import("@homevisit/core/storage").Collection<N>).list({
      limit: 1000,
      ...(cursor ? { cursor } : {}),
    });
    out.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}

function at(i: number): string {
  return `2026-10-08T09:${String(i % 60).padStart(2, "0")}:00+08:00`;
}

function auditEntry(chainId: string, i: number): AuditEntryInput {
  return {
    chainId,
    at: at(i),
    actorId: `t${i % 3}`,
    action: "student.update",
    entity: "students",
    entityId: `s${i}`,
    schoolId: chainId,
    result: "ok",
    changes: [{ field: "name", before: "hmac:aa", after: "hmac:bb" }],
  };
}
