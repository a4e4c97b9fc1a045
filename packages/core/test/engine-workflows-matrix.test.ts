import {
  type Action,
  createEngine,
  type Engine,
  fixedClock,
  type HomevisitError,
  isHomevisitError,
  policyMatrix,
  type Reach,
  sequentialIds,
  visibleThrough,
} from "@homevisit/core";
import type { StoredEntityName } from "@homevisit/core/storage";
import { memoryBlobStore, memoryStorage } from "@homevisit/storage-memory";
import { sqliteStorage } from "@homevisit/storage-sqlite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { actors, type EngineHarness, type RoleName, seedWorld } from "./engine-suite.js";
import { autumnTerm, codeOf, completeRecord, conductAttested } from "./support/visit-fixtures.js";

/**
 * The authorization matrix of the visit-workflow use cases the workflow suite does not cover
 * yet: every role × its own school's object / another school's / a missing one, and every role
 * on the collection-level actions. Another school's objects are copies of the own ones that
 * keep the same teacher and mentor ids (a teacher id reused across schools, a mentor with a
 * mentee at both), so only the school can tell them apart. Writes are probed with a stale
 * version: an authorized caller learns `version_conflict`, an unauthorized one `not_found`, and
 * nothing changes. One seeded engine per storage.
 */

const hmacKey = "test-audit-key-0123456789";
const purpose = { purpose: "测试用途" };
const stale = 99;
const term = autumnTerm;
const roles = Object.keys(actors) as RoleName[];

const fullRecord = {
  ...completeRecord,
  parentOpinions: { opinions: "希望减少作业量", suggestions: "增加体育活动" },
  conduct: conductAttested({ no_meals_or_reimbursement: "留下吃了午饭" }),
} as const;

const safetyBody = {
  studentIds: ["s-own"],
  destination: { county: "莲都区", town: "碧湖镇", village: "沙溪村" },
  // Over before the clock's 09:00, so the trip can be checked in.
  plannedStart: "2026-10-08T07:00:00+08:00",
  expectedDurationMinutes: 60,
  transportMode: "e_bike" as const,
  noUnlicensedVehicle: true,
  reachablePhone: "13800001111",
};

/** The objects the matrix aims at, by kind: the own school's and another school's copy. */
type Kind = "plan" | "record" | "conduct" | "safety" | "support" | "feedback";
type Which = "own" | "other" | "missing";
type World = Record<Kind, { own: string; other: string }>;

const chainOf = (role: RoleName) => {
  const a = actors[role] as { cityId: string; countyId?: string; schoolId?: string };
  return a.schoolId ?? a.countyId ?? a.cityId;
};

/** Reaches every target grants by tenant alone: the same school, county and city. */
function tenantReaches(role: RoleName, target: "record" | "school"): Reach[] {
  const a = actors[role] as { countyId?: string; schoolId?: string };
  // A school-level target (the actor's own school) carries no county for bureau staff.
  if (a.schoolId === undefined) return target === "school" ? ["city"] : a.countyId ? ["county", "city"] : ["city"];
  return ["school", "county", "city"];
}

/** The relations each actor holds on the own object of a kind, beyond its tenant. */
const relations: Record<Kind, Partial<Record<RoleName, Reach[]>>> = {
  // A visit record about s-own written by t-teacher (who also has apt-1 with s-own).
  record: { teacher: ["assigned", "self"], class_teacher: ["class"], mentor: ["mentee"] },
  // A support plan for s-own whose mentor is t-mentor.
  support: { teacher: ["assigned"], class_teacher: ["class"], mentor: ["mentee", "assigned", "self"] },
  // The school's plan: every teacher of the school reads their part of it.
  plan: {
    teacher: ["self"],
    class_teacher: ["self"],
    mentor: ["self"],
    principal: ["self"],
    school_admin: ["self"],
  },
  // School-level work: the tenant decides.
  conduct: {},
  feedback: {},
  // t-teacher's own trip.
  safety: { teacher: ["self"] },
};

/** The stored entity of each kind of object, whose read action decides 403 or 404. */
const entityOf: Record<Kind, string> = {
  plan: "termPlans",
  record: "visitRecords",
  conduct: "conductReports",
  safety: "safetyReports",
  support: "supportPlans",
  feedback: "feedbackItems",
};

function allowed(role: RoleName, action: Action, held: readonly Reach[]): boolean {
  const table = policyMatrix[action].roles as Record<string, readonly Reach[] | undefined>;
  return (actors[role].roles as readonly string[]).some((r) => (table[r] ?? []).some((reach) => held.includes(reach)));
}

type RecordCall = (engine: Engine, actor: never, id: string) => Promise<unknown>;

/** Record-level use cases: a denial answers `not_found`, exactly like a missing id. */
const recordCases: Record<string, { action: Action; kind: Kind; allowedCode: string; call: RecordCall }> = {
  "plans.get": {
    action: "plans.read",
    kind: "plan",
    allowedCode: "ok",
    call: (e, a, id) => e.plans.get(a, { planId: id }),
  },
  "plans.commit": {
    action: "plans.commit",
    kind: "plan",
    allowedCode: "version_conflict",
    call: (e, a, id) => e.plans.commit(a, { planId: id, expectedVersion: stale }),
  },
  "records.get": {
    action: "records.read",
    kind: "record",
    allowedCode: "ok",
    call: (e, a, id) => e.records.get(a, { recordId: id }, purpose),
  },
  "records.update": {
    action: "records.write",
    kind: "record",
    allowedCode: "version_conflict",
    call: (e, a, id) => e.records.update(a, { recordId: id, record: fullRecord as never, expectedVersion: stale }),
  },
  "records.submit": {
    action: "records.write",
    kind: "record",
    allowedCode: "version_conflict",
    call: (e, a, id) => e.records.submit(a, { recordId: id, expectedVersion: stale }),
  },
  "records.amend": {
    action: "records.write",
    kind: "record",
    allowedCode: "version_conflict",
    call: (e, a, id) =>
      e.records.amend(a, { recordId: id, reason: "补充", record: fullRecord as never, expectedVersion: stale }),
  },
  "records.attachPhoto": {
    action: "records.write",
    kind: "record",
    allowedCode: "version_conflict",
    call: (e, a, id) =>
      e.records.attachPhoto(a, { recordId: id, bytes: new Uint8Array([0xff, 0xd8]), expectedVersion: stale }),
  },
  "conduct.resolve": {
    action: "conduct.resolve",
    kind: "conduct",
    allowedCode: "version_conflict",
    call: (e, a, id) => e.conduct.resolve(a, { reportId: id, resolution: "已提醒", expectedVersion: stale }),
  },
  "safety.checkIn": {
    action: "safety.report",
    kind: "safety",
    // The own trip is already checked in: reaching it says so, and changes nothing.
    allowedCode: "safety_already_checked_in",
    call: (e, a, id) => e.safety.checkIn(a, { reportId: id }),
  },
  "support.get": {
    action: "support.read",
    kind: "support",
    allowedCode: "ok",
    call: (e, a, id) => e.support.get(a, { supportPlanId: id }, purpose),
  },
  "support.followUp": {
    action: "support.write",
    kind: "support",
    allowedCode: "version_conflict",
    call: (e, a, id) =>
      e.support.followUp(a, {
        supportPlanId: id,
        expectedVersion: stale,
        add: { action: "电话回访", ownerId: "t-mentor", dueOn: "2026-10-20" },
      }),
  },
  "feedback.update": {
    action: "feedback.write",
    kind: "feedback",
    allowedCode: "version_conflict",
    call: (e, a, id) =>
      e.feedback.update(a, { feedbackId: id, to: "analysed", analysis: "共性问题", expectedVersion: stale }),
  },
};

type CollectionCall = (engine: Engine, actor: never) => Promise<unknown>;

/** Collection-level use cases: a role without a reaching entry gets `forbidden`. */
const collectionCases: Record<
  string,
  { action: Action; target: "school" | "own" | "list"; allowedCode: string; call: CollectionCall }
> = {
  "plans.generate": {
    action: "plans.generate",
    target: "school",
    allowedCode: "ok",
    call: (e, a) => e.plans.generate(a, { term }),
  },
  "plans.reassign": {
    action: "plans.reassign",
    target: "school",
    // The plan was generated, never committed: an authorized caller learns that.
    allowedCode: "plan_not_committed",
    call: (e, a) => e.plans.reassign(a, { termId: term.id, teacherId: "t-admin", leftOn: "2026-10-09" }),
  },
  "appointments.list": {
    action: "appointments.read",
    target: "list",
    allowedCode: "ok",
    call: (e, a) => e.appointments.list(a, {}),
  },
  "appointments.ical": {
    action: "appointments.read",
    target: "list",
    allowedCode: "ok",
    call: (e, a) => e.appointments.ical(a, {}),
  },
  "safety.fileReport": {
    action: "safety.report",
    target: "own",
    allowedCode: "ok",
    call: (e, a) => e.safety.fileReport(a, { ...safetyBody, plannedStart: "2026-11-02T10:00:00+08:00" }),
  },
  "safety.overdue": {
    action: "safety.overdue",
    target: "school",
    allowedCode: "ok",
    call: (e, a) => e.safety.overdue(a, {}),
  },
  "safety.zeroReport": {
    action: "safety.zero_report",
    target: "school",
    allowedCode: "ok",
    call: (e, a) => e.safety.zeroReport(a, { period: { from: "2026-09-01", to: "2026-09-07" }, nothingHappened: true }),
  },
  "conduct.list": {
    action: "conduct.reports",
    target: "school",
    allowedCode: "ok",
    call: (e, a) => e.conduct.list(a, {}),
  },
  "support.dueFollowUps": {
    action: "support.write",
    target: "school",
    allowedCode: "ok",
    call: (e, a) => e.support.dueFollowUps(a, {}),
  },
  "feedback.list": {
    action: "feedback.read",
    target: "school",
    allowedCode: "ok",
    call: (e, a) => e.feedback.list(a, {}),
  },
};

function collectionHeld(role: RoleName, target: "school" | "own" | "list"): Reach[] {
  const base = tenantReaches(role, "school");
  if (target === "school") return base;
  if (target === "own") return [...base, "self"];
  return [...base, "assigned", "class", "mentee", "self"];
}

/** A copy of a stored record at sch-2 about s-other, keeping every teacher and mentor id. */
function elsewhere<T>(record: T, id: string, extra: Record<string, unknown> = {}): T {
  const json = JSON.stringify(record).replaceAll('"s-own"', '"s-other"').replaceAll('"sch-1"', '"sch-2"');
  return { ...(JSON.parse(json) as T), id, ...extra };
}

async function seedWorkflows(engine: Engine, harness: EngineHarness): Promise<World> {
  const { storage } = harness;
  const principal = actors.principal as never;
  await engine.consent.record(principal, { studentId: "s-own", guardianId: "g-s-own" });
  const plan = await engine.plans.generate(principal, { term });
  const drafted = await engine.records.draft(actors.teacher as never, {
    studentId: "s-own",
    record: fullRecord as never,
  });
  await engine.records.submit(actors.teacher as never, { recordId: drafted.record.id, expectedVersion: 1 });
  const conduct = (await engine.conduct.list(principal, {})).items[0]?.report;
  const feedback = (await engine.feedback.list(principal, {})).items[0]?.item;
  const trip = await engine.safety.fileReport(actors.teacher as never, safetyBody);
  await engine.safety.checkIn(actors.teacher as never, { reportId: trip.report.id });
  const support = await engine.support.create(actors.mentor as never, {
    studentId: "s-own",
    goals: ["每周一次学业辅导"],
    measures: ["learning_tutoring"],
  });
  if (!conduct || !feedback) throw new Error("the submitted record raised no conduct report or feedback");

  const record = (await storage.visitRecords.get(drafted.record.id))?.record;
  const checkIn = (await storage.safetyCheckIns.get(trip.report.id))?.record;
  if (!record || !checkIn) throw new Error("seeded rows missing");
  const create = async <N extends StoredEntityName>(entity: N, row: unknown) =>
    (storage[entity] as unknown as { create(r: unknown): Promise<unknown> }).create(row);
  await create("termPlans", elsewhere(plan.plan, "plan-x"));
  await create("visitRecords", elsewhere(record, "vr-x"));
  await create("conductReports", elsewhere(conduct, "vr-x:no_meals_or_reimbursement", { visitId: "vr-x" }));
  await create("feedbackItems", elsewhere(feedback, "fb-x", { visitId: "vr-x" }));
  await create("safetyReports", elsewhere(trip.report, "sr-x"));
  await create("safetyCheckIns", elsewhere(checkIn, "sr-x", { checkIn: { ...checkIn.checkIn, reportId: "sr-x" } }));
  await create("supportPlans", elsewhere(support.plan, "sp-x"));
  return {
    plan: { own: plan.plan.id, other: "plan-x" },
    record: { own: drafted.record.id, other: "vr-x" },
    conduct: { own: conduct.id, other: "vr-x:no_meals_or_reimbursement" },
    safety: { own: trip.report.id, other: "sr-x" },
    support: { own: support.plan.id, other: "sp-x" },
    feedback: { own: feedback.id, other: "fb-x" },
  };
}

/** The entity id a denial row names: conduct reports are audited under their visit. */
const deniedEntityId = (kind: Kind, which: "own" | "other", world: World) =>
  kind === "conduct" ? world.record[which] : world[kind][which];

function runMatrix(name: string, factory: () => Promise<EngineHarness>): void {
  describe(`workflow authorization matrix on ${name}`, () => {
    let harness: EngineHarness;
    let engine: Engine;
    let world: World;
    const clock = fixedClock("2026-10-08T09:00:00+08:00");

    beforeAll(async () => {
      harness = await factory();
      await seedWorld(harness.storage);
      engine = createEngine({
        storage: harness.storage,
        blobs: harness.blobs,
        clock,
        ids: sequentialIds("m"),
        config: { audit: { hmacKey } },
      });
      world = await seedWorkflows(engine, harness);
    });
    afterAll(async () => {
      await harness?.cleanup();
    });

    const idOf = (kind: Kind, which: Which) => (which === "missing" ? `${kind}-missing` : world[kind][which]);

    for (const [useCase, { action, kind, allowedCode, call }] of Object.entries(recordCases)) {
      describe(useCase, () => {
        for (const role of roles) {
          it(`${role}: own / another school's / missing`, async () => {
            const actor = actors[role] as never;
            const chain = chainOf(role);
            const held = [...tenantReaches(role, "record"), ...(relations[kind][role] ?? [])];
            const mayReach = allowed(role, action, held);

            const before = (await harness.storage.audit.read(chain)).length;
            const own = await codeOf(call(engine, actor, idOf(kind, "own")));
            // Denied on what the role may see (the entity's read action reaches it): 403, else 404.
            const visible = allowed(role, visibleThrough[entityOf[kind]] as Action, held);
            expect(own).toBe(mayReach ? allowedCode : visible ? "forbidden" : "not_found");
            const other = await call(engine, actor, idOf(kind, "other")).catch((e: unknown) => e);
            const missing = await call(engine, actor, idOf(kind, "missing")).catch((e: unknown) => e);
            expect(isHomevisitError(other) && other.code).toBe("not_found");
            expect(isHomevisitError(missing) && missing.code).toBe("not_found");
            expect((other as HomevisitError).toJSON()).toEqual((missing as HomevisitError).toJSON());
            expect((other as HomevisitError).toJSON("en")).toEqual((missing as HomevisitError).toJSON("en"));

            const denials = (await harness.storage.audit.read(chain))
              .slice(before)
              .filter((r) => r.result === "denied");
            const expected = [
              ...(mayReach
                ? []
                : [
                    // A bureau sees aggregates only: any child's record is hidden like a missing one.
                    (actors[role] as { schoolId?: string }).schoolId === undefined
                      ? { entityId: undefined, reason: "not_found" }
                      : {
                          entityId: deniedEntityId(kind, "own", world),
                          reason: expect.stringMatching(/^(out_of_scope|role_not_allowed)$/),
                        },
                  ]),
              // Another school's record and a missing one leave the same row (promise 10).
              { entityId: undefined, reason: "not_found" },
              { entityId: undefined, reason: "not_found" },
            ];
            expect(denials.map((d) => ({ entityId: d.entityId, reason: d.details?.reason }))).toEqual(expected);
            // A denial is recorded under the actor's tenant, never as a row of the other school.
            expect(denials.every((d) => d.schoolId === (actors[role] as { schoolId?: string }).schoolId)).toBe(true);
          });
        }
      });
    }

    for (const [useCase, { action, target, allowedCode, call }] of Object.entries(collectionCases)) {
      it(`${useCase}: every role`, async () => {
        for (const role of roles) {
          const chain = chainOf(role);
          const before = (await harness.storage.audit.read(chain)).length;
          const code = await codeOf(call(engine, actors[role] as never));
          const mayReach = allowed(role, action, collectionHeld(role, target));
          expect(code, role).toBe(mayReach ? allowedCode : "forbidden");
          const denials = (await harness.storage.audit.read(chain)).slice(before).filter((r) => r.result === "denied");
          expect(denials.length, role).toBe(mayReach ? 0 : 1);
        }
      });
    }

    it("the other school's objects were left as they were", async () => {
      expect((await harness.storage.termPlans.get("plan-x"))?.version).toBe(1);
      expect((await harness.storage.visitRecords.get("vr-x"))?.version).toBe(1);
      expect((await harness.storage.conductReports.get("vr-x:no_meals_or_reimbursement"))?.record.status).toBe("open");
      expect((await harness.storage.feedbackItems.get("fb-x"))?.record.status).toBe("open");
      expect((await harness.storage.supportPlans.get("sp-x"))?.record.followUps).toEqual([]);
      expect((await harness.storage.safetyCheckIns.get("sr-x"))?.version).toBe(1);
      expect((await harness.storage.termPlans.get(world.plan.own))?.record.status).toBe("draft");
    });
  });

  describe(`workflow writes on ${name}: versions before domain rules, plans over a visited roster`, () => {
    let harness: EngineHarness;
    let engine: Engine;
    let world: World;
    const clock = fixedClock("2026-10-08T09:00:00+08:00");
    const principal = actors.principal as never;

    beforeAll(async () => {
      harness = await factory();
      await seedWorld(harness.storage);
      engine = createEngine({
        storage: harness.storage,
        blobs: harness.blobs,
        clock,
        ids: sequentialIds("v"),
        config: { audit: { hmacKey } },
      });
      world = await seedWorkflows(engine, harness);
    });
    afterAll(async () => {
      await harness?.cleanup();
    });

    it("plans.commit, conduct.resolve, feedback.update: final states answer their rule only at the current version", async () => {
      await engine.plans.commit(principal, { planId: world.plan.own, expectedVersion: 1 });
      await engine.conduct.resolve(principal, {
        reportId: world.conduct.own,
        resolution: "已提醒",
        expectedVersion: 1,
      });
      await engine.feedback.update(principal, {
        feedbackId: world.feedback.own,
        to: "rectified",
        rectification: "已调整",
        expectedVersion: 1,
      });
      expect(await codeOf(engine.plans.commit(principal, { planId: world.plan.own, expectedVersion: 1 }))).toBe(
        "version_conflict",
      );
      expect(await codeOf(engine.plans.commit(principal, { planId: world.plan.own, expectedVersion: 2 }))).toBe(
        "plan_not_draft",
      );
      const resolve = (v: number) =>
        codeOf(
          engine.conduct.resolve(principal, { reportId: world.conduct.own, resolution: "再次", expectedVersion: v }),
        );
      expect(await resolve(1)).toBe("version_conflict");
      expect(await resolve(2)).toBe("conflict");
      const analyse = (v: number) =>
        codeOf(
          engine.feedback.update(principal, { feedbackId: world.feedback.own, to: "analysed", expectedVersion: v }),
        );
      expect(await analyse(1)).toBe("version_conflict");
      expect(await analyse(2)).toBe("feedback_transition_invalid");
    });

    it("plans.generate keeps a mentorship of a student with nothing left to visit, in the planner's shape", async () => {
      // s-own's universal visit is done (the seeded record was submitted): no obligation, but m-1 stays.
      const again = await engine.plans.generate(principal, { term });
      expect(again.plan.obligations.some((o) => o.studentId === "s-own")).toBe(false);
      expect(again.plan.mentorships).toContainEqual({ studentId: "s-own", mentorId: "t-mentor", since: "2026-09-01" });
    });

    it("support.followUp: a stale version answers version_conflict even when consent is gone", async () => {
      const consent = (await harness.storage.consents.list({ where: { studentId: "s-own" } })).items[0];
      await engine.consent.withdraw(principal, { consentId: consent?.record.id ?? "", expectedVersion: 1 });
      const followUp = (v: number) =>
        codeOf(
          engine.support.followUp(actors.mentor as never, {
            supportPlanId: world.support.own,
            expectedVersion: v,
            add: { action: "电话回访", ownerId: "t-mentor", dueOn: "2026-10-20" },
          }),
        );
      expect(await followUp(2)).toBe("version_conflict");
      expect(await followUp(1)).toBe("consent_withdrawn");
    });
  });
}

runMatrix("memory", async () => {
  const storage = memoryStorage();
  await storage.migrations.migrate();
  return { storage, blobs: memoryBlobStore(), cleanup: () => storage.close() };
});

runMatrix("sqlite", async () => {
  const storage = sqliteStorage({ filename: ":memory:" });
  await storage.migrations.migrate();
  return { storage, blobs: storage.blobs, cleanup: () => storage.close() };
});
