import { createEngine, type Engine, fixedClock, isHomevisitError, sequentialIds } from "@homevisit/core";
import type { StoredEntityName } from "@homevisit/core/storage";
import { memoryBlobStore, memoryStorage } from "@homevisit/storage-memory";
import { sqliteStorage } from "@homevisit/storage-sqlite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { actors, type EngineHarness, type RoleName, seedWorld } from "./engine-suite.js";
import { codeOf } from "./support/visit-fixtures.js";

/**
 * Idempotent replays of the visit-workflow creates (the use cases marked `idempotent`): a replay
 * with the same key and body returns the first result and writes nothing; the same key with
 * another body answers `idempotency_key_reused`; keys are scoped per actor; a call that failed
 * leaves its key free for the retry. One seeded engine per storage.
 */

const hmacKey = "test-audit-key-0123456789";
const term = { id: "2026-2027-1", schoolYear: 2026, index: 1, start: "2026-09-01", end: "2026-12-31" } as const;
const trip = {
  studentIds: ["s-own"],
  destination: { county: "莲都区", town: "碧湖镇", village: "沙溪村" },
  plannedStart: "2026-11-03T18:30:00+08:00",
  expectedDurationMinutes: 60,
  transportMode: "e_bike" as const,
  noUnlicensedVehicle: true,
  reachablePhone: "13800001111",
};

type Call = (engine: Engine, actor: never, body: unknown, key: string) => Promise<unknown>;

/** Each idempotent workflow create: a body, another body, the actor and a second actor who may call it. */
const creates: Record<
  string,
  { entity: StoredEntityName; first: RoleName; second: RoleName; body: unknown; otherBody: unknown; call: Call }
> = {
  "plans.generate": {
    entity: "termPlans",
    first: "principal",
    second: "school_admin",
    body: { term },
    otherBody: { term: { ...term, end: "2026-12-30" } },
    call: (e, a, body, key) => e.plans.generate(a, body as never, { idempotencyKey: key }),
  },
  "safety.fileReport": {
    entity: "safetyReports",
    first: "teacher",
    second: "class_teacher",
    body: trip,
    otherBody: { ...trip, expectedDurationMinutes: 90 },
    call: (e, a, body, key) => e.safety.fileReport(a, body as never, { idempotencyKey: key }),
  },
  "safety.zeroReport": {
    entity: "zeroReports",
    first: "principal",
    second: "school_admin",
    body: { period: { from: "2026-09-07", to: "2026-09-13" }, nothingHappened: true },
    otherBody: { period: { from: "2026-09-14", to: "2026-09-20" }, nothingHappened: true },
    call: (e, a, body, key) => e.safety.zeroReport(a, body as never, { idempotencyKey: key }),
  },
  "records.draft": {
    entity: "visitRecords",
    first: "teacher",
    second: "principal",
    body: { studentId: "s-own", record: { kind: "universal", term: "2026-2027-1", channel: "phone" } },
    otherBody: { studentId: "s-own", record: { kind: "universal", term: "2026-2027-1", channel: "video" } },
    call: (e, a, body, key) => e.records.draft(a, body as never, { idempotencyKey: key }),
  },
  "support.create": {
    entity: "supportPlans",
    first: "mentor",
    second: "class_teacher",
    body: { studentId: "s-own", mentorId: "t-mentor", goals: ["每周一次学业辅导"], measures: ["learning_tutoring"] },
    otherBody: {
      studentId: "s-own",
      mentorId: "t-mentor",
      goals: ["心理疏导"],
      measures: ["psychological_counselling"],
    },
    call: (e, a, body, key) => e.support.create(a, body as never, { idempotencyKey: key }),
  },
};

/** The id of whatever a create returned: `{ plan }`, `{ report }`, `{ zeroReport }`, `{ record }`. */
function createdId(result: unknown): string {
  const inner = Object.values(result as Record<string, unknown>).find(
    (v): v is { id: string } => typeof v === "object" && v !== null && "id" in v,
  );
  if (!inner) throw new Error(`no created record in ${JSON.stringify(result)}`);
  return inner.id;
}

function runIdempotency(name: string, factory: () => Promise<EngineHarness>): void {
  describe(`workflow idempotency on ${name}`, () => {
    let harness: EngineHarness;
    let engine: Engine;
    const clock = fixedClock("2026-10-08T09:00:00+08:00");

    beforeAll(async () => {
      harness = await factory();
      await seedWorld(harness.storage);
      engine = createEngine({
        storage: harness.storage,
        blobs: harness.blobs,
        clock,
        ids: sequentialIds("i"),
        config: { audit: { hmacKey } },
      });
      await engine.consent.record(actors.principal as never, { studentId: "s-own", guardianId: "g-s-own" });
    });
    afterAll(async () => {
      await harness?.cleanup();
    });

    const state = async (entity: StoredEntityName) => ({
      rows: await harness.storage[entity].count(),
      outbox: await harness.storage.outbox.pending(),
      audit: (await harness.storage.audit.read("sch-1")).length,
    });

    for (const [useCase, { entity, first, second, body, otherBody, call }] of Object.entries(creates)) {
      it(`${useCase}: replay returns the first result, another body is refused, keys are per actor`, async () => {
        const key = `key-${useCase}`;
        const before = await state(entity);
        const created = await call(engine, actors[first] as never, body, key);
        const afterFirst = await state(entity);
        expect(afterFirst.rows).toBe(before.rows + 1);
        expect(afterFirst.audit).toBe(before.audit + 1);

        // A later clock changes nothing: the replay is the stored answer, not a second run.
        clock.set("2026-10-08T09:05:00+08:00");
        const replay = await call(engine, actors[first] as never, body, key);
        expect(replay).toEqual(created);
        expect(await state(entity)).toEqual(afterFirst);

        const reused = await call(engine, actors[first] as never, otherBody, key).catch((e: unknown) => e);
        expect(isHomevisitError(reused) && reused.code).toBe("idempotency_key_reused");
        expect(isHomevisitError(reused) && reused.path).toEqual(["idempotencyKey"]);
        expect(await state(entity)).toMatchObject({ rows: afterFirst.rows, outbox: afterFirst.outbox });

        const theirs = await call(engine, actors[second] as never, body, key);
        expect(createdId(theirs)).not.toBe(createdId(created));
        expect((await state(entity)).rows).toBe(afterFirst.rows + 1);
        clock.set("2026-10-08T09:00:00+08:00");
      });
    }

    it("a key belongs to one use case: the same key on another create is refused", async () => {
      const key = "key-shared";
      await engine.safety.zeroReport(
        actors.principal as never,
        { period: { from: "2026-09-21", to: "2026-09-27" }, nothingHappened: true },
        { idempotencyKey: key },
      );
      expect(await codeOf(engine.plans.generate(actors.principal as never, { term }, { idempotencyKey: key }))).toBe(
        "idempotency_key_reused",
      );
    });

    it("a call that failed leaves its key free: the retry runs once the cause is fixed", async () => {
      const key = "key-zero-after-check-in";
      const filed = await engine.safety.fileReport(actors.teacher as never, {
        ...trip,
        plannedStart: "2026-10-08T07:00:00+08:00",
      });
      const body = { period: { from: "2026-10-05", to: "2026-10-11" }, nothingHappened: true };
      const zero = () => engine.safety.zeroReport(actors.principal as never, body, { idempotencyKey: key });
      expect(await codeOf(zero())).toBe("zero_report_inconsistent");
      await engine.safety.checkIn(actors.teacher as never, { reportId: filed.report.id });
      const done = await zero();
      expect(done.zeroReport.nothingHappened).toBe(true);
      expect(await zero()).toEqual(done);
    });
  });
}

runIdempotency("memory", async () => {
  const storage = memoryStorage();
  await storage.migrations.migrate();
  return { storage, blobs: memoryBlobStore(), cleanup: () => storage.close() };
});

runIdempotency("sqlite", async () => {
  const storage = sqliteStorage({ filename: ":memory:" });
  await storage.migrations.migrate();
  return { storage, blobs: storage.blobs, cleanup: () => storage.close() };
});
