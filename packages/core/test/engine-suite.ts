import {
  type Action,
  auditKeyringOf,
  categoriesAt,
  createEngine,
  definePlugin,
  type Engine,
  fixedClock,
  type HomevisitError,
  isHomevisitError,
  policyMatrix,
  sequentialIds,
  visibleThrough,
} from "@homevisit/core";
import {
  type AuditRecord,
  type BlobStore,
  type EntityInput,
  type Storage,
  type StorageTx,
  storedEntityNames,
  verifyAuditChain,
} from "@homevisit/core/storage";
import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { autumnTerm, codeOf } from "./support/visit-fixtures.js";

/** What a storage factory gives the suite. */
export interface EngineHarness {
  storage: Storage;
  blobs: BlobStore;
  cleanup(): Promise<void>;
}

export const markerPhone = "13912345678";
export const markerDetail = "MARKER-幸福路88号";
const hmacKey = "test-audit-key-0123456789";

const base = { cityId: "city-1", countyId: "k-1" };
export const actors = {
  teacher: { id: "t-teacher", roles: ["teacher"], ...base, schoolId: "sch-1" },
  class_teacher: { id: "t-class", roles: ["teacher", "class_teacher"], ...base, schoolId: "sch-1" },
  mentor: { id: "t-mentor", roles: ["teacher", "mentor"], ...base, schoolId: "sch-1" },
  principal: { id: "t-principal", roles: ["principal", "teacher"], ...base, schoolId: "sch-1" },
  school_admin: { id: "t-admin", roles: ["school_admin"], ...base, schoolId: "sch-1" },
  county_bureau: { id: "b-county", roles: ["county_bureau"], ...base },
  city_bureau: { id: "b-city", roles: ["city_bureau"], cityId: "city-1" },
} as const;
export type RoleName = keyof typeof actors;

function student(
  id: string,
  schoolId: string,
  classId: string,
  dateOfBirth: string,
  extra: Record<string, unknown> = {},
) {
  return {
    id,
    schoolId,
    name: `学生${id}`,
    dateOfBirth,
    enrolments: [{ schoolId, classId, grade: 7, from: "2026-09-01", startReason: "entry" }],
    guardians: [
      {
        id: `g-${id}`,
        name: "王芳",
        relation: "mother",
        phone: id === "s-own" ? markerPhone : "13800000000",
        primary: true,
        livesWithStudent: true,
      },
    ],
    address: { county: "莲都区", town: "碧湖镇", village: "沙溪村", detail: id === "s-own" ? markerDetail : "1号" },
    livingSituation: { livesWith: "both_parents" },
    ...extra,
  } as EntityInput<"students">;
}

/** Seeds two schools: sch-1 (the actors') and sch-2 (another school). */
export async function seedWorld(storage: Storage): Promise<void> {
  await storage.transaction(async (tx: StorageTx) => {
    await tx.cities.create({ id: "city-1", name: "丽水市" });
    await tx.counties.create({ id: "k-1", cityId: "city-1", name: "莲都区", setting: "urban" });
    for (const id of ["sch-1", "sch-2"]) {
      await tx.schools.create({
        id,
        cityId: "city-1",
        countyId: "k-1",
        name: `学校${id}`,
        kind: "junior",
        setting: "urban",
      });
    }
    await tx.classes.create({
      id: "c-1",
      schoolId: "sch-1",
      grade: 7,
      name: "七(1)班",
      schoolYear: 2026,
      classTeacherId: "t-class",
    });
    await tx.classes.create({
      id: "c-2",
      schoolId: "sch-2",
      grade: 7,
      name: "七(1)班",
      schoolYear: 2026,
      classTeacherId: "t-other",
    });
    for (const t of ["t-teacher", "t-class", "t-mentor", "t-principal", "t-admin"]) {
      await tx.teachers.create({ id: t, schoolId: "sch-1", name: "李老师", roles: ["teacher"] });
    }
    await tx.teachers.create({ id: "t-other", schoolId: "sch-2", name: "赵老师", roles: ["teacher"] });
    // s-own: 12 years old (under 14) in c-1; s-other: the same at sch-2.
    await tx.students.create(student("s-own", "sch-1", "c-1", "2014-03-01"));
    await tx.students.create(student("s-other", "sch-2", "c-2", "2014-03-01"));
    await tx.appointments.create({
      id: "apt-1",
      schoolId: "sch-1",
      studentId: "s-own",
      teacherId: "t-teacher",
      kind: "universal",
      channel: { type: "in_home" },
      status: "proposed",
      start: "2026-10-20T19:00:00+08:00",
      durationMinutes: 60,
    });
    await tx.appointments.create({
      id: "apt-2",
      schoolId: "sch-2",
      studentId: "s-other",
      teacherId: "t-other",
      kind: "universal",
      channel: { type: "in_home" },
      status: "proposed",
      start: "2026-10-20T19:00:00+08:00",
      durationMinutes: 60,
    });
    await tx.mentorships.create({
      id: "m-1",
      schoolId: "sch-1",
      studentId: "s-own",
      mentorId: "t-mentor",
      since: "2026-09-01",
    });
    await tx.mentorships.create({
      id: "m-2",
      schoolId: "sch-2",
      studentId: "s-other",
      mentorId: "t-mentor",
      since: "2026-09-01",
    });
  });
}

function chainOfActor(actor: { cityId: string; countyId?: string; schoolId?: string }): string {
  return actor.schoolId ?? actor.countyId ?? actor.cityId;
}

/** Everything a store holds, for before/after comparisons. */
export async function snapshot(storage: Storage): Promise<string> {
  const parts: unknown[] = [];
  for (const entity of storedEntityNames) {
    const page = await storage[entity].list({ limit: 1000 });
    parts.push(entity, page.items);
  }
  for (const chain of ["sch-1", "sch-2", "k-1", "city-1"]) parts.push(await storage.audit.head(chain));
  parts.push(await storage.outbox.pending());
  return JSON.stringify(parts);
}

/** Inputs for each record use case of the foundation, aimed at a student or one of its rows. */
type Call = (engine: Engine, actor: unknown, studentId: string) => Promise<unknown>;
const purpose = { purpose: "测试用途" };
const recordCalls: Record<string, { action: Action; call: Call }> = {
  "students.read": {
    action: "students.read",
    call: (e, a, s) => e.students.read(a as never, { studentId: s }, purpose),
  },
  "students.archive": {
    action: "archive.read",
    call: (e, a, s) => e.students.archive(a as never, { studentId: s }, purpose),
  },
  "students.flagCategory": {
    action: "categories.flag",
    call: (e, a, s) =>
      e.students.flagCategory(a as never, { studentId: s, category: "learning_difficulty", evidence: "x" }),
  },
  "consent.record": {
    action: "consent.write",
    call: (e, a, s) => e.consent.record(a as never, { studentId: s, guardianId: `g-${s}` }),
  },
  "consent.status": { action: "consent.read", call: (e, a, s) => e.consent.status(a as never, { studentId: s }) },
  "dataRights.export": {
    action: "data.export",
    call: (e, a, s) => e.dataRights.export(a as never, { studentId: s }, purpose),
  },
  "dataRights.erase": {
    action: "data.erase",
    call: (e, a, s) => e.dataRights.erase(a as never, { studentId: s, expectedVersion: 1 }, purpose),
  },
  "roster.assignMentor": {
    action: "mentorships.write",
    call: (e, a, s) =>
      e.roster.assignMentor(a as never, { studentId: s, mentorId: s === "s-own" ? "t-teacher" : "t-other" }),
  },
};

/** Whether a role reaches s-own under an action, given the seeded relations. */
function expectedAllowed(role: RoleName, action: Action): boolean {
  const reaches = (policyMatrix[action].roles as Record<string, readonly string[] | undefined>)[role] ?? [];
  const relation: Record<RoleName, string[]> = {
    teacher: ["assigned"],
    class_teacher: ["class"],
    mentor: ["mentee"],
    principal: ["school"],
    school_admin: ["school"],
    county_bureau: [],
    city_bureau: [],
  };
  const held = new Set((actors[role].roles as readonly string[]).flatMap((r) => relation[r as RoleName] ?? []));
  if (role === "class_teacher") held.add("class");
  // Every seeded teacher role also holds "teacher": a class teacher or mentor may not be assigned.
  const roles = actors[role].roles as readonly string[];
  return (
    roles.some((r) =>
      ((policyMatrix[action].roles as Record<string, readonly string[] | undefined>)[r] ?? []).some((reach) =>
        held.has(reach),
      ),
    ) || reaches.some((r) => held.has(r))
  );
}

/**
 * The engine suite, run against any storage: the authorization matrix, consent, retention and
 * purge, the audit chain, privacy markers, fault injection, events and idempotency.
 */
export function runEngineSuite(name: string, factory: () => Promise<EngineHarness>): void {
  describe(`engine on ${name}`, () => {
    let harness: EngineHarness;
    let engine: Engine;
    const clock = fixedClock("2026-10-08T09:00:00+08:00");

    const make = (storage: Storage, blobs: BlobStore) =>
      createEngine({ storage, blobs, clock, ids: sequentialIds("e"), config: { audit: { hmacKey } } });

    beforeEach(async () => {
      clock.set("2026-10-08T09:00:00+08:00");
      harness = await factory();
      await seedWorld(harness.storage);
      engine = make(harness.storage, harness.blobs);
    });
    afterEach(async () => {
      await harness.cleanup();
    });

    describe("authorization matrix", () => {
      for (const [useCase, { action, call }] of Object.entries(recordCalls)) {
        for (const role of Object.keys(actors) as RoleName[]) {
          it(`${useCase} × ${role}: own / another school's / missing`, async () => {
            const actor = actors[role];
            const own = await codeOf(call(engine, actor, "s-own"));
            const allowed = expectedAllowed(role, action);
            // Denied on a student the role may see (its list reaches them): 403; else 404.
            const denied = expectedAllowed(role, visibleThrough.students as Action) ? "forbidden" : "not_found";
            if (allowed) expect(own).not.toMatch(/^(not_found|forbidden)$/);
            else expect(own).toBe(denied);
            const before = (await harness.storage.audit.read(chainOfActor(actor))).length;
            let otherError: unknown;
            let missingError: unknown;
            await call(engine, actor, "s-other").catch((e: unknown) => {
              otherError = e;
            });
            await call(engine, actor, "s-missing").catch((e: unknown) => {
              missingError = e;
            });
            expect(isHomevisitError(otherError) && otherError.code).toBe("not_found");
            expect((otherError as HomevisitError).toJSON()).toEqual((missingError as HomevisitError).toJSON());
            expect((otherError as HomevisitError).toJSON("en")).toEqual((missingError as HomevisitError).toJSON("en"));
            const rows = await harness.storage.audit.read(chainOfActor(actor));
            const denials = rows.slice(before).filter((r) => r.result === "denied");
            expect(denials).toHaveLength(2);
            // Promise 10: another school's id and a missing one leave the same row (no entity id,
            // reason not_found, the same keyed reference to the id asked for).
            const shape = ({ seq: _s, prevHash: _p, hash: _h, details, ...rest }: AuditRecord) => ({
              ...rest,
              reason: details?.reason,
              ref: typeof details?.ref,
            });
            expect(shape(denials[0] as AuditRecord)).toEqual(shape(denials[1] as AuditRecord));
            expect(denials[0]?.entityId).toBeUndefined();
            expect(denials[0]?.details?.reason).toBe("not_found");
          });
        }
      }

      it("collection use cases answer forbidden to roles without an entry", async () => {
        expect(await codeOf(engine.audit.verify(actors.teacher as never, {}))).toBe("forbidden");
        expect(await codeOf(engine.audit.verify(actors.city_bureau as never, {}))).toBe("forbidden");
        expect(await codeOf(engine.students.list(actors.county_bureau as never, {}))).toBe("forbidden");
        expect(await codeOf(engine.dataRights.purgeDue(actors.class_teacher as never, {}, purpose))).toBe("forbidden");
        expect(await codeOf(engine.roster.importRoster(actors.teacher as never, { asOf: "2026-10-08" }))).toBe(
          "forbidden",
        );
        expect((await engine.audit.verify(actors.principal as never, {})).ok).toBe(true);
      });

      it("lists are masked and scoped: a teacher sees assigned students only", async () => {
        const page = await engine.students.list(actors.teacher as never, {});
        expect(page.items.map((s) => s.id)).toEqual(["s-own"]);
        expect(page.items[0]?.guardians[0]?.phone).toBe("139****5678");
        expect(JSON.stringify(page)).not.toContain(markerDetail);
        const all = await engine.students.list(actors.principal as never, {});
        expect(all.items.map((s) => s.id)).toEqual(["s-own"]);
      });

      it("a full read needs a purpose, and is audited with it", async () => {
        expect(await codeOf(engine.students.read(actors.principal as never, { studentId: "s-own" }))).toBe(
          "purpose_required",
        );
        const read = await engine.students.read(actors.principal as never, { studentId: "s-own" }, purpose);
        expect(read.student.guardians[0]?.phone).toBe(markerPhone);
        const rows = await harness.storage.audit.read("sch-1");
        expect(rows.at(-1)).toMatchObject({
          action: "students.read",
          purpose: "测试用途",
          result: "ok",
          entityId: "s-own",
        });
      });

      it("server-owned and unknown fields are refused", async () => {
        const body = { studentId: "s-own", category: "disability", evidence: "x" };
        for (const field of ["id", "schoolId", "version", "flaggedBy"]) {
          const error = await engine.students
            .flagCategory(actors.principal as never, { ...body, [field]: "x" } as never)
            .catch((e: unknown) => e);
          expect((error as HomevisitError).code).toBe("server_owned_field");
        }
        const unknown = await engine.students
          .flagCategory(actors.principal as never, { ...body, role: "principal" } as never)
          .catch((e: unknown) => e);
        expect((unknown as HomevisitError).code).toBe("validation_failed");
      });
    });

    describe("consent, retention and purge", () => {
      it("flagging an under-14 student needs consent; withdrawal blocks writes and purges after the grace", async () => {
        const flag = () =>
          engine.students.flagCategory(actors.class_teacher as never, {
            studentId: "s-own",
            category: "family_crisis",
            evidence: "家中突发变故",
          });
        expect(await codeOf(flag())).toBe("consent_required");
        const { consent } = await engine.consent.record(actors.class_teacher as never, {
          studentId: "s-own",
          guardianId: "g-s-own",
          grantedOn: "2026-09-01",
        });
        const { flag: created } = await flag();
        expect(created.flaggedBy).toBe("t-class");
        // A plan made while the consent held: its obligations name the category.
        const planned = await engine.plans.generate(actors.principal as never, { term: autumnTerm, limit: 200 });
        const named = planned.plan.obligations.filter((o) => o.studentId === "s-own" && o.category !== undefined);
        expect(named.map((o) => o.category)).toContain("family_crisis");
        expect(named.some((o) => o.why["zh-CN"].includes("突发"))).toBe(true);
        await engine.consent.withdraw(actors.class_teacher as never, { consentId: consent.id, expectedVersion: 1 });
        expect(await codeOf(flag())).toBe("consent_withdrawn");
        expect((await engine.consent.status(actors.class_teacher as never, { studentId: "s-own" })).state).toBe(
          "withdrawn",
        );
        // Not yet due: nothing purged.
        let result = await engine.dataRights.purgeDue(actors.school_admin as never, {}, purpose);
        expect(result.consentPurges).toBe(0);
        expect(await harness.storage.categoryFlags.count({ studentId: "s-own" })).toBe(1);
        clock.set("2026-11-08T09:00:00+08:00");
        result = await engine.dataRights.purgeDue(actors.school_admin as never, {}, purpose);
        expect(result.consentPurges).toBe(1);
        expect(await harness.storage.categoryFlags.count({ studentId: "s-own" })).toBe(0);
        // The plan keeps the student's visits, but not which category made them.
        const plan = (await harness.storage.termPlans.get(planned.plan.id))?.record;
        const own = plan?.obligations.filter((o) => o.studentId === "s-own") ?? [];
        expect(own.map((o) => o.id)).toEqual(
          planned.plan.obligations.filter((o) => o.studentId === "s-own").map((o) => o.id),
        );
        expect(own.filter((o) => o.category !== undefined)).toEqual([]);
        expect(
          own.filter((o) => /突发|变故|crisis/i.test(`${o.why["zh-CN"]} ${o.why.en}`) && o.kind !== "crisis"),
        ).toEqual([]);
        for (const o of own.filter((x) => x.kind === "crisis"))
          expect(o.why["zh-CN"]).toBe("突发变故家访（监护人已撤回同意，类别信息已清除）");
        const tombstones = await harness.storage.tombstones.list({ where: { schoolId: "sch-1" } });
        expect(tombstones.items).toHaveLength(1);
        expect(tombstones.items[0]?.record.removed).toEqual({ categoryFlags: 1, termPlans: 1 });
        expect(JSON.stringify(tombstones.items)).not.toContain("s-own");
        // A second run is a no-op.
        expect((await engine.dataRights.purgeDue(actors.school_admin as never, {}, purpose)).consentPurges).toBe(0);
      });

      it("consents recorded in the same instant take the order they were recorded in, whatever their ids", async () => {
        // Ids that sort against creation order, and a clock that never moves: only the recorded
        // order can tell which consent is the latest.
        let n = 100;
        const backwards = createEngine({
          storage: harness.storage,
          blobs: harness.blobs,
          clock,
          ids: () => `z-${--n}`,
          config: { audit: { hmacKey } },
        });
        const teacher = actors.class_teacher as never;
        const flag = () =>
          codeOf(
            backwards.students.flagCategory(teacher, {
              studentId: "s-own",
              category: "learning_difficulty",
              evidence: "成绩下滑",
            }),
          );
        const first = await backwards.consent.record(teacher, { studentId: "s-own", guardianId: "g-s-own" });
        const second = await backwards.consent.record(teacher, { studentId: "s-own", guardianId: "g-s-own" });
        expect([first.consent.sequence, second.consent.sequence]).toEqual([1, 2]);
        expect(second.consent.recordedAt).toBe(first.consent.recordedAt);
        expect(second.consent.id < first.consent.id).toBe(true);
        // The second (later) consent is withdrawn: the gate closes, though the first one stands.
        await backwards.consent.withdraw(teacher, { consentId: second.consent.id, expectedVersion: 1 });
        expect(await flag()).toBe("consent_withdrawn");
        const status = await backwards.consent.status(teacher, { studentId: "s-own" });
        expect(status.state).toBe("withdrawn");
        expect(status.consents.map((c) => c.id)).toEqual([second.consent.id, first.consent.id]);
        // A third consent, in the same instant again, reopens it.
        const third = await backwards.consent.record(teacher, { studentId: "s-own", guardianId: "g-s-own" });
        expect(third.consent.sequence).toBe(3);
        expect(await flag()).toBe("ok");
        expect((await backwards.consent.status(teacher, { studentId: "s-own" })).state).toBe("granted");
      });

      it("consents from before the sequence: the same instant counts a withdrawal as the latest", async () => {
        await harness.storage.transaction(async (tx) => {
          for (const [id, status] of [
            ["c-b", "granted"],
            ["c-a", "withdrawn"],
            ["c-c", "granted"],
          ] as const) {
            await tx.consents.create({
              id,
              schoolId: "sch-1",
              studentId: "s-own",
              guardianId: "g-s-own",
              status,
              grantedOn: "2026-09-01",
              recordedBy: "t-class",
              recordedAt: "2026-09-01T08:00:00.000Z",
              ...(status === "withdrawn" ? { withdrawnOn: "2026-09-02", withdrawnBy: "t-class" } : {}),
            });
          }
        });
        const flagged = await codeOf(
          engine.students.flagCategory(actors.class_teacher as never, {
            studentId: "s-own",
            category: "learning_difficulty",
            evidence: "成绩下滑",
          }),
        );
        expect(flagged).toBe("consent_withdrawn");
        // A consent recorded now has a sequence, so it is later than all of them.
        const fresh = await engine.consent.record(actors.class_teacher as never, {
          studentId: "s-own",
          guardianId: "g-s-own",
        });
        expect(fresh.consent.sequence).toBe(1);
        const status = await engine.consent.status(actors.class_teacher as never, { studentId: "s-own" });
        expect(status.consents.map((c) => c.id)).toEqual([fresh.consent.id, "c-a", "c-c", "c-b"]);
        expect(status.state).toBe("granted");
      });

      it("consent is not needed at 14 and over, or when the host turns it off", async () => {
        await harness.storage.transaction(async (tx) => {
          await tx.students.create(student("s-old", "sch-1", "c-1", "2010-01-01"));
        });
        const ok = await engine.students.flagCategory(actors.class_teacher as never, {
          studentId: "s-old",
          category: "learning_difficulty",
          evidence: "成绩下滑",
        });
        expect(ok.flag.studentId).toBe("s-old");
        const relaxed = createEngine({
          storage: harness.storage,
          blobs: harness.blobs,
          clock,
          ids: sequentialIds("r"),
          config: { audit: { hmacKey }, consent: { required: false } },
        });
        const flagged = await relaxed.students.flagCategory(actors.class_teacher as never, {
          studentId: "s-own",
          category: "learning_difficulty",
          evidence: "成绩下滑",
        });
        expect(flagged.version).toBe(1);
      });

      it("retention purge erases departed students whole, blobs included, and a re-import skips them", async () => {
        const photo = await harness.blobs.put({
          id: "photo-1",
          contentType: "image/jpeg",
          bytes: new Uint8Array([1, 2, 3]),
        });
        await harness.storage.transaction(async (tx) => {
          await tx.students.create(
            student("s-left", "sch-1", "c-1", "2000-01-01", {
              enrolments: [
                {
                  schoolId: "sch-1",
                  classId: "c-1",
                  grade: 7,
                  from: "2018-09-01",
                  to: "2021-06-30",
                  startReason: "entry",
                  endReason: "graduated",
                },
              ],
            }),
          );
          await tx.visitRecords.create({
            id: "v-left",
            schoolId: "sch-1",
            studentId: "s-left",
            teacherId: "t-teacher",
            kind: "universal",
            term: "2020-2021-1",
            channel: "in_home",
            arrivedAt: "2020-10-08T19:00:00+08:00",
            photos: [{ blobId: photo.id }],
          });
        });
        const result = await engine.dataRights.purgeDue(actors.principal as never, {}, purpose);
        expect(result.studentsErased).toBe(1);
        expect(await harness.storage.students.get("s-left")).toBeUndefined();
        expect(await harness.storage.visitRecords.get("v-left")).toBeUndefined();
        expect(await harness.blobs.head("photo-1")).toBeUndefined();
        expect(await harness.storage.students.get("s-own")).toBeDefined();
        const tombstone = (await harness.storage.tombstones.list({ where: { schoolId: "sch-1" } })).items[0]?.record;
        expect(tombstone).toMatchObject({ scope: "student", reason: "retention", pendingBlobIds: [] });
        const imported = await engine.roster.importRoster(actors.school_admin as never, {
          asOf: "2026-10-08",
          students: [student("s-left", "sch-1", "c-1", "2000-01-01")],
        });
        expect(imported.skippedErased).toBe(1);
        expect(await harness.storage.students.get("s-left")).toBeUndefined();
      });

      it("erase on request removes every row about the student and emits student.erased", async () => {
        const out = await engine.dataRights.erase(
          actors.principal as never,
          { studentId: "s-own", expectedVersion: 1 },
          purpose,
        );
        expect(out.tombstone.removed).toMatchObject({ students: 1, appointments: 1, mentorships: 1 });
        expect(await harness.storage.students.get("s-own")).toBeUndefined();
        expect(await harness.storage.appointments.count({ studentId: "s-own" })).toBe(0);
        expect(await codeOf(engine.students.read(actors.principal as never, { studentId: "s-own" }, purpose))).toBe(
          "not_found",
        );
        const seen: string[] = [];
        engine.events.subscribe("student.erased", (event) => {
          seen.push(event.payload.tombstoneId);
        });
        await engine.events.deliver({ consumer: "test" });
        expect(seen).toEqual([out.tombstone.id]);
      });

      it("archive lists the student's appointments, for the assigned teacher and the principal alike", async () => {
        for (const actor of [actors.teacher, actors.principal]) {
          const archive = await engine.students.archive(actor as never, { studentId: "s-own" }, purpose);
          expect(archive.appointments.map((a) => a.id)).toEqual(["apt-1"]);
        }
      });

      it("callJson answers a use case's result as the JSON text of the bound call's result", async () => {
        const archive = await engine.students.archive(actors.teacher as never, { studentId: "s-own" }, purpose);
        const json = await engine.callJson("students.archive", actors.teacher, { studentId: "s-own" }, purpose);
        expect(json.text).toBe(JSON.stringify(archive));
        expect(json.value).toEqual(archive);
        // The same authorization, purpose and audit as the bound call: out of scope is not found.
        await expect(
          engine.callJson("students.archive", actors.teacher, { studentId: "s-other" }, purpose),
        ).rejects.toMatchObject({ code: "not_found" });
        await expect(engine.callJson("students.archive", actors.teacher, { studentId: "s-own" })).rejects.toMatchObject(
          { code: "purpose_required" },
        );
        // An idempotent replay answers the first result's text.
        const options = { idempotencyKey: "callJson-1" };
        const input = { studentId: "s-own", guardianId: "g-s-own" };
        const first = await engine.callJson("consent.record", actors.principal, input, options);
        const replay = await engine.callJson("consent.record", actors.principal, input, options);
        expect(replay.text).toBe(first.text);
        await expect(engine.callJson("students.nope", actors.teacher, {})).rejects.toMatchObject({
          code: "use_case_unknown",
          status: 404,
        });
      });

      it("export returns everything about one student", async () => {
        const out = await engine.dataRights.export(actors.principal as never, { studentId: "s-own" }, purpose);
        expect(out.student.id).toBe("s-own");
        expect(out.appointments.map((a) => a.id)).toEqual(["apt-1"]);
        expect(out.mentorships.map((m) => m.id)).toEqual(["m-1"]);
      });
    });

    describe("audit chain", () => {
      it("detects 1,000 random tamperings", async () => {
        for (let i = 0; i < 5; i++)
          await engine.students.read(actors.principal as never, { studentId: "s-own" }, purpose);
        await engine.consent.record(actors.principal as never, { studentId: "s-own", guardianId: "g-s-own" });
        const rows = await harness.storage.audit.read("sch-1");
        const head = await harness.storage.audit.head("sch-1");
        const keys = auditKeyringOf(engine.config);
        expect(verifyAuditChain("sch-1", rows, head, { keys }).ok).toBe(true);
        expect((await engine.audit.verify(actors.principal as never, {})).ok).toBe(true);
        const fields = ["actorId", "action", "entityId", "purpose", "result", "at", "hash", "prevHash"] as const;
        fc.assert(
          fc.property(
            fc.integer({ min: 0, max: rows.length - 1 }),
            fc.constantFrom("edit", "delete", "swap", "truncate"),
            fc.constantFrom(...fields),
            fc.string({ minLength: 1, maxLength: 8 }),
            (index, kind, field, value) => {
              const copy = rows.map((r) => ({ ...r }));
              if (kind === "edit") {
                const row = copy[index] as Record<string, unknown>;
                const next =
                  field === "result" ? (row.result === "ok" ? "denied" : "ok") : `${String(row[field])}${value}`;
                row[field] = field === "at" ? "2030-01-01T00:00:00.000Z" : next;
              } else if (kind === "delete") copy.splice(index, 1);
              else if (kind === "swap") {
                const j = index === 0 ? 1 : index - 1;
                [copy[index], copy[j]] = [copy[j] as (typeof copy)[number], copy[index] as (typeof copy)[number]];
              } else copy.splice(index);
              return !verifyAuditChain("sch-1", copy, head, { keys }).ok;
            },
          ),
          { numRuns: 1000 },
        );
      });
    });

    it("privacy markers never reach audit rows, error bodies or events", async () => {
      await engine.consent.record(actors.principal as never, { studentId: "s-own", guardianId: "g-s-own" });
      const imported = student("s-own", "sch-1", "c-1", "2014-03-01");
      await engine.roster.importRoster(actors.school_admin as never, {
        asOf: "2026-09-01",
        classes: [
          { id: "c-1", schoolId: "sch-1", grade: 7, name: "七(1)班", schoolYear: 2026, classTeacherId: "t-class" },
        ],
        students: [{ ...imported, address: { ...imported.address, town: "新镇" } }],
      });
      await engine.students.flagCategory(actors.principal as never, {
        studentId: "s-own",
        category: "economic_hardship",
        evidence: `电话 ${markerPhone}，住址 ${markerDetail}`,
      });
      await engine.students.read(actors.principal as never, { studentId: "s-own" }, purpose);
      const bad = await engine.students
        .flagCategory(
          actors.principal as never,
          { studentId: "s-own", category: "nope", evidence: markerPhone } as never,
        )
        .catch((e: unknown) => e);
      const errorJson = JSON.stringify([(bad as HomevisitError).toJSON(), (bad as HomevisitError).toJSON("en")]);
      const events: unknown[] = [];
      engine.events.subscribe("*", (event) => {
        events.push(event);
      });
      await engine.events.deliver({ consumer: "privacy" });
      const audit = JSON.stringify(await harness.storage.audit.read("sch-1"));
      for (const text of [audit, errorJson, JSON.stringify(events)]) {
        expect(text.split(markerPhone)).toHaveLength(1);
        expect(text.split(markerDetail)).toHaveLength(1);
      }
      expect(events.length).toBeGreaterThan(0);
    });

    it("fault injection: a failure at any step of a multi-step write leaves the store unchanged", async () => {
      await engine.consent.record(actors.principal as never, { studentId: "s-own", guardianId: "g-s-own" });
      await engine.students.flagCategory(actors.principal as never, {
        studentId: "s-own",
        category: "disability",
        evidence: "x",
      });
      let failAt = 0;
      let calls = 0;
      const faulty = faultyStorage(harness.storage, () => {
        calls++;
        if (calls === failAt) throw new Error(`injected fault at step ${failAt}`);
      });
      const faultyEngine = make(faulty, harness.blobs);
      const before = await snapshot(harness.storage);
      let succeeded = false;
      for (failAt = 1; failAt < 200 && !succeeded; failAt++) {
        calls = 0;
        try {
          await faultyEngine.dataRights.erase(
            actors.principal as never,
            { studentId: "s-own", expectedVersion: 1 },
            purpose,
          );
          succeeded = true;
        } catch (error) {
          expect(String(error)).toContain("injected fault");
          expect(await snapshot(harness.storage)).toBe(before);
        }
      }
      expect(succeeded).toBe(true);
      expect(failAt).toBeGreaterThan(10);
      expect(await harness.storage.students.get("s-own")).toBeUndefined();
    });

    describe("organisation sync", () => {
      const school = (id: string, countyId = "k-1", cityId = "city-1") => ({
        id,
        cityId,
        countyId,
        name: `学校${id}`,
        kind: "primary" as const,
        setting: "rural" as const,
      });
      const schoolClass = (id: string, schoolId: string) => ({
        id,
        schoolId,
        grade: 1,
        name: "一(1)班",
        schoolYear: 2026,
      });
      const zero = { cities: 0, counties: 0, schools: 0, classes: 0 };
      const errorOf = async (promise: Promise<unknown>) => {
        const error = await promise.then(
          () => undefined,
          (e: unknown) => e,
        );
        if (!isHomevisitError(error)) throw new Error(`expected a HomevisitError, got ${String(error)}`);
        return error;
      };
      beforeEach(async () => {
        await harness.storage.transaction(async (tx) => {
          await tx.cities.create({ id: "city-2", name: "温州市" });
          await tx.counties.create({ id: "k-2", cityId: "city-1", name: "青田县", setting: "rural" });
          await tx.schools.create(school("sch-k2", "k-2"));
        });
      });

      it("adds, updates and leaves alone; audits the changes and emits organisation.synced", async () => {
        const first = await engine.organisation.sync(actors.city_bureau as never, {
          counties: [{ id: "k-3", cityId: "city-1", name: "云和县", setting: "rural" }],
          schools: [school("sch-3", "k-3")],
          classes: [schoolClass("c-3", "sch-3")],
        });
        expect(first).toEqual({
          added: { ...zero, counties: 1, schools: 1, classes: 1 },
          updated: zero,
          unchanged: zero,
        });
        const again = await engine.organisation.sync(actors.city_bureau as never, {
          schools: [{ ...school("sch-3", "k-3"), name: "云和县实验小学" }],
          classes: [schoolClass("c-3", "sch-3")],
        });
        expect(again).toEqual({
          added: zero,
          updated: { ...zero, schools: 1 },
          unchanged: { ...zero, classes: 1 },
        });
        const stored = await harness.storage.schools.get("sch-3");
        expect(stored).toMatchObject({ version: 2, record: { name: "云和县实验小学" } });
        expect(stored?.tenant).toEqual({ cityId: "city-1", countyId: "k-3", schoolId: "sch-3" });
        expect((await harness.storage.classes.get("c-3"))?.version).toBe(1);
        const rows = await harness.storage.audit.read("city-1");
        expect(rows.map((r) => [r.action, r.result])).toEqual([
          ["organisation.sync", "ok"],
          ["organisation.sync", "ok"],
        ]);
        expect(rows[1]?.details).toMatchObject({ "updated.schools": 1, "added.classes": 0 });
        expect(rows[1]?.changes?.map((c) => c.field)).toEqual(["schools.name"]);
        expect((await harness.storage.audit.verify("city-1", { keys: auditKeyringOf(engine.config) })).ok).toBe(true);
        const events: unknown[] = [];
        engine.events.subscribe("organisation.synced", (event) => {
          events.push(event.payload);
        });
        await engine.organisation.sync(actors.city_bureau as never, { classes: [schoolClass("c-3", "sch-3")] });
        await engine.events.deliver({ consumer: "org" });
        // Two syncs changed something; the third left everything alone and emitted nothing.
        expect(events).toEqual([
          { cityId: "city-1", added: { ...zero, counties: 1, schools: 1, classes: 1 }, updated: zero },
          { cityId: "city-1", added: zero, updated: { ...zero, schools: 1 } },
        ]);
      });

      it("city bureau: its city / another city / a missing parent", async () => {
        const own = await engine.organisation.sync(actors.city_bureau as never, {
          city: { id: "city-1", name: "丽水市（更新）" },
          schools: [school("sch-new")],
        });
        expect(own.updated.cities).toBe(1);
        expect(own.added.schools).toBe(1);
        const other = await errorOf(
          engine.organisation.sync(actors.city_bureau as never, { schools: [school("sch-x", "k-9", "city-2")] }),
        );
        expect([other.code, other.path]).toEqual(["organisation_out_of_scope", ["schools", 0]]);
        const missing = await errorOf(
          engine.organisation.sync(actors.city_bureau as never, { schools: [school("sch-y", "k-missing")] }),
        );
        expect([missing.code, missing.path]).toEqual(["organisation_parent_missing", ["schools", 0, "countyId"]]);
        expect(await harness.storage.schools.get("sch-y")).toBeUndefined();
      });

      it("county bureau: its county's schools / another county's / a missing school", async () => {
        const own = await engine.organisation.sync(actors.county_bureau as never, {
          schools: [school("sch-k1b")],
          classes: [schoolClass("c-k1b", "sch-k1b")],
        });
        expect(own.added).toEqual({ ...zero, schools: 1, classes: 1 });
        expect((await harness.storage.audit.read("k-1")).at(-1)).toMatchObject({
          action: "organisation.sync",
          actorId: "b-county",
          result: "ok",
        });
        const other = await errorOf(
          engine.organisation.sync(actors.county_bureau as never, { schools: [school("sch-k2", "k-2")] }),
        );
        expect(other.code).toBe("organisation_out_of_scope");
        const county = await errorOf(
          engine.organisation.sync(actors.county_bureau as never, {
            counties: [{ id: "k-2", cityId: "city-1", name: "x", setting: "urban" }],
          }),
        );
        expect(county.code).toBe("organisation_out_of_scope");
        // A class of another county's school answers exactly like a class of a missing school.
        const another = await errorOf(
          engine.organisation.sync(actors.county_bureau as never, { classes: [schoolClass("c-x", "sch-k2")] }),
        );
        const missing = await errorOf(
          engine.organisation.sync(actors.county_bureau as never, { classes: [schoolClass("c-x", "sch-missing")] }),
        );
        expect(another.code).toBe("organisation_parent_missing");
        expect(another.toJSON()).toEqual(missing.toJSON());
        expect(await harness.storage.classes.get("c-x")).toBeUndefined();
      });

      it("school admin: its classes / another school's / a missing school; other staff are refused", async () => {
        const own = await engine.organisation.sync(actors.school_admin as never, {
          classes: [schoolClass("c-1b", "sch-1")],
        });
        expect(own.added.classes).toBe(1);
        expect((await harness.storage.audit.read("sch-1")).at(-1)).toMatchObject({
          action: "organisation.sync",
          entity: "schools",
          entityId: "sch-1",
          result: "ok",
        });
        for (const body of [{ classes: [schoolClass("c-2b", "sch-2")] }, { schools: [school("sch-2")] }]) {
          expect((await errorOf(engine.organisation.sync(actors.school_admin as never, body))).code).toBe(
            "organisation_out_of_scope",
          );
        }
        expect(
          (
            await errorOf(
              engine.organisation.sync(actors.school_admin as never, { classes: [schoolClass("c", "sch-9")] }),
            )
          ).code,
        ).toBe("organisation_out_of_scope");
        expect(await harness.storage.classes.get("c-2b")).toBeUndefined();
        for (const role of ["teacher", "class_teacher", "mentor", "principal"] as const) {
          const before = (await harness.storage.audit.read("sch-1")).length;
          expect(
            (await errorOf(engine.organisation.sync(actors[role] as never, { classes: [schoolClass("c-z", "sch-1")] })))
              .code,
          ).toBe("forbidden");
          const rows = (await harness.storage.audit.read("sch-1")).slice(before);
          expect(rows.map((r) => [r.action, r.result])).toEqual([["organisation.sync", "denied"]]);
        }
      });

      it("refuses moves, duplicates and rows whose parent is missing; a refused sync writes nothing", async () => {
        const before = await snapshot(harness.storage);
        const moved = await errorOf(
          engine.organisation.sync(actors.city_bureau as never, {
            schools: [school("sch-new-ok"), { ...school("sch-1"), countyId: "k-2" }],
          }),
        );
        expect([moved.code, moved.path]).toEqual(["organisation_parent_change", ["schools", 1, "countyId"]]);
        const moveClass = await errorOf(
          engine.organisation.sync(actors.city_bureau as never, { classes: [schoolClass("c-1", "sch-2")] }),
        );
        expect(moveClass.code).toBe("organisation_parent_change");
        const twice = await errorOf(
          engine.organisation.sync(actors.city_bureau as never, { schools: [school("sch-d"), school("sch-d")] }),
        );
        expect([twice.code, twice.params]).toEqual(["organisation_duplicate_id", { id: "sch-d" }]);
        const cityMissing = await errorOf(
          engine.organisation.sync(actors.city_bureau as never, {
            counties: [{ id: "k-4", cityId: "city-1", name: "x", setting: "urban" }],
            schools: [school("sch-4", "k-4", "city-1"), school("sch-5", "k-2", "city-1")],
            classes: [schoolClass("c-4", "sch-4"), schoolClass("c-5", "sch-6")],
          }),
        );
        expect([cityMissing.code, cityMissing.path]).toEqual([
          "organisation_parent_missing",
          ["classes", 1, "schoolId"],
        ]);
        // Every refused call rolled back whole: the earlier rows of the same call are gone too.
        const after = JSON.parse(await snapshot(harness.storage)) as unknown[];
        const was = JSON.parse(before) as unknown[];
        expect(after.slice(0, storedEntityNames.length * 2)).toEqual(was.slice(0, storedEntityNames.length * 2));
        const errors = (await harness.storage.audit.read("city-1")).map((r) => r.details?.code);
        expect(errors).toEqual([
          "organisation_parent_change",
          "organisation_parent_change",
          "organisation_duplicate_id",
          "organisation_parent_missing",
        ]);
      });
    });

    describe("plugin categories", () => {
      const extras = definePlugin({
        id: "lishui-rural-extras",
        categories: [
          { key: "boarding_left_behind", label: { "zh-CN": "寄宿留守儿童", en: "Boarding left-behind child" } },
        ],
      });
      const withPlugin = () =>
        createEngine({
          storage: harness.storage,
          blobs: harness.blobs,
          clock,
          ids: sequentialIds("p"),
          config: { audit: { hmacKey } },
          plugins: [extras],
        });
      const body = { studentId: "s-own", category: "boarding_left_behind", evidence: "父母在外务工，住校" };

      it("flag, read, list, archive and unflag a plugin's category end to end, audited, with events", async () => {
        const plugged = withPlugin();
        await plugged.consent.record(actors.class_teacher as never, { studentId: "s-own", guardianId: "g-s-own" });
        const { flag, version } = await plugged.students.flagCategory(actors.class_teacher as never, body as never);
        expect([flag.category, version]).toEqual(["boarding_left_behind", 1]);
        const stored = await harness.storage.categoryFlags.get(flag.id);
        expect(stored?.record.category).toBe("boarding_left_behind");
        expect((await harness.storage.audit.read("sch-1")).at(-1)).toMatchObject({
          action: "students.flag_category",
          entityId: "s-own",
          result: "ok",
          details: { flagId: flag.id },
        });
        const read = await plugged.students.read(actors.class_teacher as never, { studentId: "s-own" }, purpose);
        expect(read.categories.map((c) => c.category)).toEqual(["boarding_left_behind"]);
        const list = await plugged.students.list(actors.class_teacher as never, {});
        expect(list.items.find((s) => s.id === "s-own")?.priority).toBe(true);
        const archive = await plugged.students.archive(actors.class_teacher as never, { studentId: "s-own" }, purpose);
        expect(archive.flags.map((f) => f.category)).toEqual(["boarding_left_behind"]);
        // A plugin category sorts after the seven in categoriesAt.
        const seven = { ...flag, id: "f-x", category: "disability" as const };
        expect(categoriesAt([flag, seven], "2026-10-08").map((c) => c.category)).toEqual([
          "disability",
          "boarding_left_behind",
        ]);
        const revoked = await plugged.students.unflagCategory(actors.class_teacher as never, {
          flagId: flag.id,
          expectedVersion: 1,
        });
        expect([revoked.version, revoked.flag.revokedBy]).toEqual([2, "t-class"]);
        clock.advance(86_400_000);
        expect(
          (await plugged.students.read(actors.class_teacher as never, { studentId: "s-own" }, purpose)).categories,
        ).toEqual([]);
        const topics: string[] = [];
        plugged.events.subscribe("*", (event) => {
          topics.push(event.topic);
        });
        await plugged.events.deliver({ consumer: "plugin" });
        expect(topics).toEqual(["consent.recorded", "category.flagged", "category.unflagged"]);
        // The engine's registry lists exactly its categories; an engine without the plugin does not.
        const info = (e: Engine) => e.useCases.find((u) => u.name === "students.flagCategory");
        expect(info(plugged)?.input.safeParse(body).success).toBe(true);
        expect(info(engine)?.input.safeParse(body).success).toBe(false);
        expect(plugged.plugins.categoryKeys().at(-1)).toBe("boarding_left_behind");
        expect(plugged.plugins.categoryLabel("boarding_left_behind")?.en).toBe("Boarding left-behind child");
      });

      it("an engine without the plugin refuses the key and an unknown key; nothing is written", async () => {
        const plugged = withPlugin();
        await engine.consent.record(actors.principal as never, { studentId: "s-own", guardianId: "g-s-own" });
        const before = await harness.storage.categoryFlags.count({ studentId: "s-own" });
        expect(await codeOf(engine.students.flagCategory(actors.principal as never, body as never))).toBe(
          "validation_failed",
        );
        const unknown = await engine.students
          .flagCategory(actors.principal as never, { ...body, category: "only_child" } as never)
          .catch((e: unknown) => e);
        expect([(unknown as HomevisitError).code, (unknown as HomevisitError).path]).toEqual([
          "validation_failed",
          ["category"],
        ]);
        expect(
          await codeOf(
            plugged.students.flagCategory(actors.principal as never, { ...body, category: "only_child" } as never),
          ),
        ).toBe("validation_failed");
        expect(await harness.storage.categoryFlags.count({ studentId: "s-own" })).toBe(before);
      });

      it("storage accepts any well-formed key and refuses malformed ones", async () => {
        const flag = {
          id: "f-raw",
          studentId: "s-own",
          validFrom: "2026-10-08",
          evidence: "x",
          flaggedBy: "t-class",
          flaggedAt: "2026-10-08T01:00:00.000Z",
        };
        const created = await harness.storage.categoryFlags.create({ ...flag, category: "school_own_key" } as never);
        expect(created.record.category).toBe("school_own_key");
        for (const category of ["Bad-Key", "x", "a".repeat(49), ""]) {
          expect(
            await codeOf(
              harness.storage.categoryFlags.create({ ...flag, id: `f-${category.length}`, category } as never),
            ),
          ).toBe("validation_failed");
        }
      });
    });

    describe("events and idempotency", () => {
      it("delivers at least once: a failing handler gets the event again after the lease", async () => {
        await engine.roster.assignMentor(actors.principal as never, { studentId: "s-own", mentorId: "t-teacher" });
        let attempts = 0;
        engine.events.subscribe("mentorship.assigned", () => {
          attempts++;
          if (attempts === 1) throw new Error("SMS gateway down");
        });
        const first = await engine.events.deliver({ consumer: "w", leaseSeconds: 60 });
        expect(first).toMatchObject({ claimed: 1, delivered: 0 });
        expect((await engine.events.deliver({ consumer: "w" })).claimed).toBe(0);
        clock.advance(61_000);
        const second = await engine.events.deliver({ consumer: "w" });
        expect(second).toMatchObject({ claimed: 1, delivered: 1 });
        expect(await harness.storage.outbox.pending()).toBe(0);
      });

      it("replays a create with the same key, refuses the key with another body", async () => {
        await engine.consent.record(actors.principal as never, { studentId: "s-own", guardianId: "g-s-own" });
        const body = { studentId: "s-own", category: "disability" as const, evidence: "x" };
        const a = await engine.students.flagCategory(actors.principal as never, body, { idempotencyKey: "k1" });
        const b = await engine.students.flagCategory(actors.principal as never, body, { idempotencyKey: "k1" });
        expect(b).toEqual(a);
        expect(await harness.storage.categoryFlags.count({ studentId: "s-own" })).toBe(1);
        const reused = await codeOf(
          engine.students.flagCategory(actors.principal as never, { ...body, evidence: "y" }, { idempotencyKey: "k1" }),
        );
        expect(reused).toBe("idempotency_key_reused");
        // Keys are per actor: another actor's same key is a new request.
        await engine.students.flagCategory(actors.school_admin as never, body, { idempotencyKey: "k1" });
        expect(await harness.storage.categoryFlags.count({ studentId: "s-own" })).toBe(2);
      });

      it("stale versions answer version_conflict", async () => {
        await engine.consent.record(actors.principal as never, { studentId: "s-own", guardianId: "g-s-own" });
        const { flag } = await engine.students.flagCategory(actors.principal as never, {
          studentId: "s-own",
          category: "disability",
          evidence: "x",
        });
        await engine.students.unflagCategory(actors.principal as never, { flagId: flag.id, expectedVersion: 1 });
        expect(
          await codeOf(
            engine.students.unflagCategory(actors.principal as never, { flagId: flag.id, expectedVersion: 1 }),
          ),
        ).toBe("version_conflict");
      });
    });

    it("every use case of the registry names a matrix action and has a route", () => {
      for (const info of engine.useCases) {
        expect(Object.hasOwn(policyMatrix, info.action)).toBe(true);
        expect(info.http.path.startsWith("/")).toBe(true);
      }
      expect(new Set(engine.useCases.map((u) => u.name)).size).toBe(engine.useCases.length);
    });
  });
}

/** A storage whose repository calls inside transactions run `step` first (which may throw). */
export function faultyStorage(storage: Storage, step: () => void): Storage {
  const wrapTx = (tx: StorageTx): StorageTx =>
    new Proxy(tx, {
      get(target, name) {
        const repo = Reflect.get(target, name) as object;
        if (typeof repo !== "object" || repo === null) return repo;
        return new Proxy(repo, {
          get(r, method) {
            const fn = Reflect.get(r, method) as unknown;
            if (typeof fn !== "function") return fn;
            return (...args: unknown[]) => {
              step();
              return (fn as (...a: unknown[]) => unknown).apply(r, args);
            };
          },
        });
      },
    });
  return new Proxy(storage, {
    get(target, name) {
      if (name === "transaction") {
        return <T>(fn: (tx: StorageTx) => Promise<T>, options?: { readOnly?: boolean }) =>
          target.transaction((tx) => fn(wrapTx(tx)), options);
      }
      return Reflect.get(target, name);
    },
  });
}
