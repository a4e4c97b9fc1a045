import {
  type Action,
  type AppointmentEvent,
  appointmentEvents,
  availableTransitions,
  createEngine,
  type Engine,
  fixedClock,
  isHomevisitError,
  policyMatrix,
  sequentialIds,
  visibleThrough,
} from "@homevisit/core";
import type { BlobStore, Storage, StorageTx } from "@homevisit/core/storage";
import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { actors, type EngineHarness, markerPhone, type RoleName, seedWorld, snapshot } from "./engine-suite.js";
import { autumnTerm, codeOf, completeRecord, conductAttested } from "./support/visit-fixtures.js";

const hmacKey = "test-audit-key-0123456789";
const purpose = { purpose: "测试用途" };
const term = autumnTerm;

/** Every pending outbox event, as topics with payloads. */
async function drain(storage: Storage): Promise<{ topic: string; payload: Record<string, unknown> }[]> {
  const claimed = await storage.transaction((tx) =>
    tx.outbox.claim({ consumer: "test", now: "2026-10-08T01:00:00.000Z", leaseSeconds: 3600, limit: 1000 }),
  );
  await storage.transaction((tx) => tx.outbox.ack(claimed.map((c) => c.event.id)));
  return claimed.map((c) => ({ topic: c.event.topic, payload: c.event.payload as Record<string, unknown> }));
}

const paymentPayload: Record<AppointmentEvent, Record<string, unknown>> = {
  contact: {},
  confirm: {},
  reschedule: { start: "2026-10-21T19:00:00+08:00" },
  decline_home: {},
  propose_venue: { venue: "村委会", reason: "家中装修" },
  refuse: { reason: "家长出差" },
  depart: {},
  complete: {},
  miss: {},
  cancel: { cancelledBy: "staff", reason: "教研活动" },
};

const fullRecord = {
  ...completeRecord,
  familySituation: { notes: `家中情况良好，联系电话${markerPhone}` },
  parentOpinions: { opinions: "希望减少作业量", suggestions: "增加体育活动" },
  conduct: conductAttested({ no_meals_or_reimbursement: "留下吃了午饭" }),
} as const;

/** One workflow use case, aimed at the seeded student s-own / s-other / s-missing or their rows. */
type Call = (engine: Engine, actor: never, target: "own" | "other" | "missing") => Promise<unknown>;
const student = (t: string) => (t === "own" ? "s-own" : t === "other" ? "s-other" : "s-missing");
const appointment = (t: string) => (t === "own" ? "apt-1" : t === "other" ? "apt-2" : "apt-missing");

const recordCalls: Record<string, { action: Action; entity: string; call: Call }> = {
  "appointments.transition": {
    action: "appointments.transition",
    entity: "appointments",
    call: (e, a, t) =>
      e.appointments.transition(a, { appointmentId: appointment(t), event: "contact", expectedVersion: 1 }),
  },
  "records.draft": {
    action: "records.write",
    entity: "students",
    call: (e, a, t) =>
      e.records.draft(a, {
        studentId: student(t),
        record: { kind: "universal", term: "2026-2027-1", channel: "phone" },
      }),
  },
  "support.create": {
    action: "support.write",
    entity: "students",
    call: (e, a, t) =>
      e.support.create(a, {
        studentId: student(t),
        mentorId: "t-mentor",
        goals: ["学业辅导"],
        measures: ["learning_tutoring"],
      }),
  },
};

/** Whether a role reaches s-own (and apt-1) under an action, given the seeded relations. */
function expectedAllowed(role: RoleName, action: Action): boolean {
  const held: Record<RoleName, string[]> = {
    teacher: ["assigned", "self"],
    class_teacher: ["class"],
    mentor: ["mentee"],
    principal: ["school"],
    school_admin: ["school"],
    county_bureau: [],
    city_bureau: [],
  };
  const roles = actors[role].roles as readonly string[];
  const table = policyMatrix[action].roles as Record<string, readonly string[] | undefined>;
  return roles.some((r) => (table[r] ?? []).some((reach) => held[role].includes(reach)));
}

/** A storage whose transactions fail at the k-th write (create, update, delete, append …). */
function failingAt(storage: Storage, k: number): Storage & { writes: () => number } {
  let writes = 0;
  const writeMethods = new Set(["create", "createMany", "update", "delete", "append", "begin", "complete"]);
  const wrapTx = (tx: StorageTx): StorageTx =>
    new Proxy(tx, {
      get(target, repo) {
        const inner = (target as unknown as Record<string | symbol, unknown>)[repo];
        if (inner === null || typeof inner !== "object") return inner;
        return new Proxy(inner as object, {
          get(r, method) {
            const fn = (r as Record<string | symbol, unknown>)[method];
            if (typeof fn !== "function") return fn;
            return (...args: unknown[]) => {
              if (typeof method === "string" && writeMethods.has(method)) {
                writes += 1;
                if (writes === k) throw new Error(`injected failure at write ${k}`);
              }
              return (fn as (...a: unknown[]) => unknown).apply(r, args);
            };
          },
        });
      },
    }) as StorageTx;
  return new Proxy(storage, {
    get(target, key) {
      if (key === "writes") return () => writes;
      if (key === "transaction") {
        return <T>(fn: (tx: StorageTx) => Promise<T>, options?: { readOnly?: boolean }) =>
          target.transaction((tx) => fn(wrapTx(tx)), options);
      }
      return (target as unknown as Record<string | symbol, unknown>)[key];
    },
  }) as Storage & { writes: () => number };
}

/**
 * The visit-workflow suite, run against any storage: the authorization matrix, appointments
 * (events, audit, a model-based test), records with conduct reports and feedback, photos through
 * the blob store, safety check-ins and overdue scans, support follow-ups, and plans with fault
 * injection on commit.
 */
export function runWorkflowSuite(name: string, factory: () => Promise<EngineHarness>): void {
  describe(`engine workflows on ${name}`, () => {
    let harness: EngineHarness;
    let engine: Engine;
    const clock = fixedClock("2026-10-08T09:00:00+08:00");
    const make = (storage: Storage, blobs: BlobStore) =>
      createEngine({ storage, blobs, clock, ids: sequentialIds("w"), config: { audit: { hmacKey } } });

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
      for (const [useCase, { action, entity, call }] of Object.entries(recordCalls)) {
        for (const role of Object.keys(actors) as RoleName[]) {
          it(`${useCase} × ${role}: own / another school's / missing`, async () => {
            await engine.consent.record(actors.principal as never, { studentId: "s-own", guardianId: "g-s-own" });
            const actor = actors[role] as never;
            const own = await codeOf(call(engine, actor, "own"));
            // A denial on what the role may see (the entity's read action reaches it) is 403; else 404.
            const denied = expectedAllowed(role, visibleThrough[entity] as Action) ? "forbidden" : "not_found";
            if (expectedAllowed(role, action)) expect(own).toBe("ok");
            else expect(own).toBe(denied);
            const other = await call(engine, actor, "other").catch((e: unknown) => e);
            const missing = await call(engine, actor, "missing").catch((e: unknown) => e);
            expect(isHomevisitError(other) && other.code).toBe("not_found");
            expect(isHomevisitError(other) && isHomevisitError(missing) && other.toJSON()).toEqual(
              isHomevisitError(missing) && missing.toJSON(),
            );
          });
        }
      }

      it("school-level use cases answer forbidden to teachers and bureaus", async () => {
        for (const role of ["teacher", "class_teacher", "mentor", "county_bureau", "city_bureau"] as const) {
          const actor = actors[role] as never;
          expect(await codeOf(engine.plans.generate(actor, { term }))).toBe("forbidden");
          expect(await codeOf(engine.conduct.list(actor, {}))).toBe("forbidden");
          expect(await codeOf(engine.safety.overdue(actor, {}))).toBe("forbidden");
          expect(await codeOf(engine.feedback.list(actor, {}))).toBe("forbidden");
        }
      });

      it("appointment lists are masked and scoped", async () => {
        const mine = await engine.appointments.list(actors.teacher as never, {});
        expect(mine.items.map((a) => a.id)).toEqual(["apt-1"]);
        expect(mine.items[0]?.channel).toEqual({ type: "in_home" });
        const school = await engine.appointments.list(actors.principal as never, {});
        expect(school.items.map((a) => a.id)).toEqual(["apt-1"]);
        const none = await engine.appointments.list(actors.school_admin as never, { status: "completed" });
        expect(none.items).toEqual([]);
        const feed = await engine.appointments.ical(actors.teacher as never, {});
        expect(feed.count).toBe(1);
        expect(feed.ics).toContain("UID:apt-1@homevisit");
        // DTSTAMP is when the feed last changed, not the request time: a later poll of an
        // unchanged feed reads the same bytes (so a calendar app's If-None-Match gets a 304).
        clock.set("2026-10-08T09:45:00+08:00");
        expect((await engine.appointments.ical(actors.teacher as never, {})).ics).toBe(feed.ics);
        await engine.appointments.transition(actors.teacher as never, {
          appointmentId: "apt-1",
          event: "contact",
          expectedVersion: 1,
        });
        const changed = await engine.appointments.ical(actors.teacher as never, {});
        expect(changed.ics).not.toBe(feed.ics);
        expect(changed.ics).toContain("DTSTAMP:20261008T014500Z");
      });
    });

    describe("appointments", () => {
      it("a home visit runs contact → confirm → depart → complete, with events and audit rows", async () => {
        let version = 1;
        for (const event of ["contact", "confirm", "depart", "complete"] as const) {
          const out = await engine.appointments.transition(actors.teacher as never, {
            appointmentId: "apt-1",
            event,
            expectedVersion: version,
          });
          version = out.version;
        }
        expect(version).toBe(5);
        const events = await drain(harness.storage);
        expect(events.map((e) => e.topic)).toEqual([
          "appointment.transitioned",
          "appointment.transitioned",
          "appointment.transitioned",
          "appointment.transitioned",
          "visit.completed",
        ]);
        expect(events.at(-1)?.payload).toEqual({ appointmentId: "apt-1", studentId: "s-own", teacherId: "t-teacher" });
        const rows = await harness.storage.audit.read("sch-1");
        const transitions = rows.filter((r) => r.action === "appointments.transition");
        expect(transitions).toHaveLength(4);
        expect(transitions.at(-1)?.details).toMatchObject({ event: "complete", status: "completed" });
        // History rides along and is sensitive: only a keyed HMAC reaches the audit log.
        const history = transitions.at(-1)?.changes?.find((c) => c.field === "appointments.history");
        expect(history?.after).toMatch(/^hmac:[0-9a-f]{64}$/);
        expect(
          await codeOf(
            engine.appointments.transition(actors.teacher as never, {
              appointmentId: "apt-1",
              event: "contact",
              expectedVersion: 1,
            }),
          ),
        ).toBe("version_conflict");
      });

      it("model-based: the engine follows the state machine's table, versions and statuses", async () => {
        type Model = { status: string; version: number; channel: "in_home" | "alternative_venue" };
        class Transition implements fc.AsyncCommand<Model, Engine> {
          constructor(
            readonly event: AppointmentEvent,
            readonly stale: boolean,
          ) {}
          check = () => true;
          async run(model: Model, real: Engine): Promise<void> {
            const legal = availableTransitions({
              status: model.status as never,
              channel: { type: model.channel } as never,
            }).find((t) => t.event === this.event);
            const result = await real.appointments
              .transition(actors.teacher as never, {
                appointmentId: "apt-1",
                event: this.event,
                payload: paymentPayload[this.event] as never,
                expectedVersion: this.stale ? model.version + 1 : model.version,
              })
              .catch((e: unknown) => e);
            if (this.stale) {
              expect(isHomevisitError(result) && result.code).toBe("version_conflict");
              return;
            }
            if (!legal) {
              expect(isHomevisitError(result) && result.code).toMatch(
                /^appointment_(illegal_transition|wrong_channel)$/,
              );
              return;
            }
            const out = result as { appointment: { status: string }; version: number };
            model.status = legal.to;
            model.version += 1;
            if (this.event === "propose_venue") model.channel = "alternative_venue";
            expect(out.appointment.status).toBe(model.status);
            expect(out.version).toBe(model.version);
            const stored = await harness.storage.appointments.get("apt-1");
            expect(stored?.version).toBe(model.version);
            expect(stored?.record.status).toBe(model.status);
          }
          toString = () => `${this.event}${this.stale ? " (stale)" : ""}`;
        }
        const commands = fc.commands(
          [
            fc
              .tuple(fc.constantFrom(...appointmentEvents), fc.boolean())
              .map(([e, stale]) => new Transition(e, stale && Math.random() < 0.2)),
          ],
          { maxCommands: 12 },
        );
        await fc.assert(
          fc.asyncProperty(commands, async (cmds) => {
            const fresh = await factory();
            await seedWorld(fresh.storage);
            const real = make(fresh.storage, fresh.blobs);
            const saved = harness;
            harness = fresh;
            try {
              await fc.asyncModelRun(
                () => ({ model: { status: "proposed", version: 1, channel: "in_home" as const }, real }),
                cmds,
              );
            } finally {
              harness = saved;
              await fresh.cleanup();
            }
          }),
          { numRuns: 25 },
        );
      });
    });

    describe("records", () => {
      it("draft → submit files conduct reports and feedback; amend audits changed fields; get needs a purpose", async () => {
        await engine.consent.record(actors.principal as never, { studentId: "s-own", guardianId: "g-s-own" });
        const drafted = await engine.records.draft(actors.teacher as never, {
          studentId: "s-own",
          record: fullRecord as never,
        });
        expect(drafted.record.status).toBe("draft");
        const submitted = await engine.records.submit(actors.teacher as never, {
          recordId: drafted.record.id,
          expectedVersion: drafted.version,
        });
        expect(submitted.record.status).toBe("submitted");
        expect(submitted.conductReports).toEqual([{ ruleId: "no_meals_or_reimbursement" }]);
        expect(submitted.feedbackItems).toBe(2);
        const topics = (await drain(harness.storage)).map((e) => e.topic);
        expect(topics).toEqual(
          expect.arrayContaining([
            "conduct.exception_reported",
            "feedback.raised",
            "visit.recorded",
            "consent.recorded",
          ]),
        );
        const reports = await engine.conduct.list(actors.principal as never, {});
        expect(reports.items).toHaveLength(1);
        const reviewed = await engine.conduct.resolve(actors.principal as never, {
          reportId: reports.items[0]?.report.id as string,
          resolution: "已提醒",
          expectedVersion: 1,
        });
        expect(reviewed.report.status).toBe("reviewed");
        const feedback = await engine.feedback.list(actors.principal as never, { status: "open" });
        expect(feedback.items.map((f) => f.item.kind).sort()).toEqual(["opinion", "suggestion"]);
        const fb = feedback.items[0]?.item.id as string;
        await engine.feedback.update(actors.principal as never, {
          feedbackId: fb,
          to: "analysed",
          analysis: "共性问题",
          expectedVersion: 1,
        });
        expect(
          await codeOf(
            engine.feedback.update(actors.principal as never, { feedbackId: fb, to: "analysed", expectedVersion: 2 }),
          ),
        ).toBe("feedback_transition_invalid");

        expect(
          await codeOf(
            engine.records.update(actors.teacher as never, {
              recordId: drafted.record.id,
              record: fullRecord as never,
              expectedVersion: submitted.version,
            }),
          ),
        ).toBe("visit_record_not_draft");
        const amended = await engine.records.amend(actors.teacher as never, {
          recordId: drafted.record.id,
          reason: "补充",
          record: { ...fullRecord, schoolFeedback: { notes: "补充：数学进步明显" } } as never,
          expectedVersion: submitted.version,
        });
        expect(amended.record.status).toBe("amended");
        expect(amended.version).toBe(submitted.version + 1);
        const rows = await harness.storage.audit.read("sch-1");
        const amendRow = rows.find((r) => r.action === "records.amend");
        expect(amendRow?.changes?.map((c) => c.field)).toEqual(
          expect.arrayContaining([
            "visitRecords.schoolFeedback",
            "visitRecords.status",
            "visitRecords.amendmentReason",
          ]),
        );
        expect(JSON.stringify(rows)).not.toContain(markerPhone);
        expect(JSON.stringify(rows)).not.toContain("数学进步");
        expect(await codeOf(engine.records.get(actors.teacher as never, { recordId: drafted.record.id }))).toBe(
          "purpose_required",
        );
        const read = await engine.records.get(actors.class_teacher as never, { recordId: drafted.record.id }, purpose);
        expect(read.record.schoolFeedback?.notes).toBe("补充：数学进步明显");
      });

      it("submission lists every problem; writes without consent are refused", async () => {
        expect(
          await codeOf(
            engine.records.draft(actors.teacher as never, {
              studentId: "s-own",
              record: { kind: "universal", term: "2026-2027-1", channel: "phone" },
            }),
          ),
        ).toBe("consent_required");
        await engine.consent.record(actors.principal as never, { studentId: "s-own", guardianId: "g-s-own" });
        const drafted = await engine.records.draft(actors.teacher as never, {
          studentId: "s-own",
          record: { kind: "universal", term: "2026-2027-1", channel: "phone" },
        });
        const error = await engine.records
          .submit(actors.teacher as never, { recordId: drafted.record.id, expectedVersion: 1 })
          .catch((e: unknown) => e);
        expect(isHomevisitError(error) && error.code).toBe("validation_failed");
        expect(isHomevisitError(error) && error.issues.length).toBeGreaterThan(3);
        expect((await harness.storage.visitRecords.get(drafted.record.id))?.record.status).toBe("draft");
      });

      it("photos go to the blob store stripped of EXIF; the record keeps only the reference", async () => {
        await engine.consent.record(actors.principal as never, { studentId: "s-own", guardianId: "g-s-own" });
        const drafted = await engine.records.draft(actors.teacher as never, {
          studentId: "s-own",
          record: { kind: "universal", term: "2026-2027-1", channel: "in_home" },
        });
        const exif = new TextEncoder().encode("Exif\0\0GPSLatitude=28.45N");
        const sof = [0xff, 0xc0, 0, 17, 8, 0, 48, 0, 64, 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1];
        const jpeg = Uint8Array.from([
          0xff,
          0xd8,
          0xff,
          0xe1,
          0,
          exif.length + 2,
          ...exif,
          ...sof,
          0xff,
          0xda,
          0,
          12,
          3,
          1,
          0,
          2,
          0x11,
          3,
          0x11,
          0,
          0x3f,
          0,
          0x12,
          0xff,
          0xd9,
        ]);
        const out = await engine.records.attachPhoto(actors.teacher as never, {
          recordId: drafted.record.id,
          bytes: jpeg,
          contentType: "image/jpeg",
          caption: "学习角",
          expectedVersion: 1,
        });
        expect(out.photo).toMatchObject({ width: 64, height: 48 });
        expect(out.record.photos).toEqual([{ blobId: out.photo.blobId, caption: "学习角" }]);
        const blob = await harness.blobs.get(out.photo.blobId);
        expect(new TextDecoder("latin1").decode(blob?.bytes)).not.toContain("GPS");
        expect(blob?.ref.contentType).toBe("image/jpeg");
        expect(
          await codeOf(
            engine.records.attachPhoto(actors.teacher as never, {
              recordId: drafted.record.id,
              bytes: new TextEncoder().encode("<svg/>"),
              expectedVersion: 2,
            }),
          ),
        ).toBe("photo_type_unsupported");
      });
    });

    describe("safety", () => {
      it("file, overdue raised once, check in; a zero report needs every trip checked in", async () => {
        const filed = await engine.safety.fileReport(actors.teacher as never, {
          studentIds: ["s-own"],
          destination: { county: "莲都区", town: "碧湖镇", village: "沙溪村" },
          plannedStart: "2026-10-08T10:00:00+08:00",
          expectedDurationMinutes: 60,
          transportMode: "e_bike",
          noUnlicensedVehicle: true,
          reachablePhone: markerPhone,
        });
        expect((await engine.safety.overdue(actors.principal as never, {})).items).toEqual([]);
        clock.set("2026-10-08T11:31:00+08:00");
        const first = await engine.safety.overdue(actors.principal as never, {});
        expect(first.items).toEqual([
          { reportId: filed.report.id, teacherId: "t-teacher", dueAt: "2026-10-08T11:30:00+08:00", raisedNow: true },
        ]);
        const again = await engine.safety.overdue(actors.principal as never, {});
        expect(again.items[0]?.raisedNow).toBe(false);
        const overdueEvents = (await drain(harness.storage)).filter((e) => e.topic === "safety.overdue");
        expect(overdueEvents).toHaveLength(1);
        expect(
          await codeOf(
            engine.safety.zeroReport(actors.principal as never, {
              period: { from: "2026-10-05", to: "2026-10-11" },
              nothingHappened: true,
            }),
          ),
        ).toBe("zero_report_inconsistent");
        expect(await codeOf(engine.safety.checkIn(actors.class_teacher as never, { reportId: filed.report.id }))).toBe(
          "not_found",
        );
        await engine.safety.checkIn(actors.teacher as never, { reportId: filed.report.id });
        expect(await codeOf(engine.safety.checkIn(actors.teacher as never, { reportId: filed.report.id }))).toBe(
          "safety_already_checked_in",
        );
        expect((await engine.safety.overdue(actors.principal as never, {})).items).toEqual([]);
        const zero = await engine.safety.zeroReport(actors.principal as never, {
          period: { from: "2026-10-05", to: "2026-10-11" },
          nothingHappened: true,
        });
        expect(zero.zeroReport.visitCount).toBe(1);
        expect(JSON.stringify(await harness.storage.audit.read("sch-1"))).not.toContain(markerPhone);
      });
      it("checks the report's input as the stored schema does, and names a missing record by its own name", async () => {
        const body = {
          studentIds: ["s-own"],
          destination: { county: "莲都区", town: "碧湖镇", village: "沙溪村" },
          plannedStart: "2026-10-08T10:00:00+08:00",
          expectedDurationMinutes: 60,
          transportMode: "e_bike" as const,
          noUnlicensedVehicle: false,
          reachablePhone: markerPhone,
        };
        const refused = await engine.safety.fileReport(actors.teacher as never, body).catch((e: unknown) => e);
        expect(isHomevisitError(refused) && refused.issues.map((i) => [i.path.join("."), i.code])).toEqual([
          ["noUnlicensedVehicle", "unlicensed_vehicle_declaration_required"],
        ]);
        for (const field of ["teacherId", "reportedAt"]) {
          const extra = await engine.safety
            .fileReport(actors.teacher as never, { ...body, noUnlicensedVehicle: true, [field]: "x" } as never)
            .catch((e: unknown) => e);
          expect(isHomevisitError(extra) && extra.status).toBe(422);
        }
        const missing = await engine.safety
          .checkIn(actors.teacher as never, { reportId: "sr-missing" })
          .catch((e: unknown) => e);
        expect(isHomevisitError(missing) && missing.messages).toEqual({
          "zh-CN": "找不到安全报告",
          en: "The safety report was not found",
        });
      });
    });

    describe("support", () => {
      it("a mentor opens a plan, adds a follow-up; due follow-ups are raised once", async () => {
        await engine.consent.record(actors.principal as never, { studentId: "s-own", guardianId: "g-s-own" });
        const plan = await engine.support.create(actors.mentor as never, {
          studentId: "s-own",
          goals: ["每周一次学业辅导"],
          measures: ["learning_tutoring", "psychological_counselling"],
        });
        expect(plan.plan.mentorId).toBe("t-mentor");
        const withFollowUp = await engine.support.followUp(actors.mentor as never, {
          supportPlanId: plan.plan.id,
          expectedVersion: 1,
          add: { action: "联系心理老师", ownerId: "t-mentor", dueOn: "2026-10-10" },
        });
        expect(withFollowUp.plan.followUps).toHaveLength(1);
        expect((await engine.support.dueFollowUps(actors.principal as never, {})).items).toEqual([]);
        clock.set("2026-10-10T09:00:00+08:00");
        expect((await engine.support.dueFollowUps(actors.principal as never, {})).items[0]?.raisedNow).toBe(true);
        expect((await engine.support.dueFollowUps(actors.principal as never, {})).items[0]?.raisedNow).toBe(false);
        expect((await drain(harness.storage)).filter((e) => e.topic === "followup.due")).toHaveLength(1);
        expect(
          await codeOf(engine.support.get(actors.teacher as never, { supportPlanId: plan.plan.id }, purpose)),
        ).toBe("not_found");
      });
    });

    describe("plans", () => {
      it("generate → get → commit creates proposed appointments; a second commit is refused", async () => {
        const generated = await engine.plans.generate(actors.principal as never, { term });
        expect(generated.plan.status).toBe("draft");
        expect(generated.plan.obligations.length).toBeGreaterThan(0);
        const mine = await engine.plans.get(actors.teacher as never, { planId: generated.plan.id });
        expect(
          mine.plan.assignments.every((a) => a.leadTeacherId === "t-teacher" || a.companionTeacherId === "t-teacher"),
        ).toBe(true);
        const committed = await engine.plans.commit(actors.principal as never, {
          planId: generated.plan.id,
          expectedVersion: 1,
        });
        expect(committed.plan.status).toBe("committed");
        expect(committed.plan.appointmentIds).toHaveLength(generated.plan.slots.length);
        for (const id of committed.plan.appointmentIds) {
          expect((await harness.storage.appointments.get(id))?.record.status).toBe("proposed");
        }
        expect((await drain(harness.storage)).map((e) => e.topic)).toContain("plan.committed");
        expect(
          await codeOf(
            engine.plans.commit(actors.principal as never, { planId: generated.plan.id, expectedVersion: 2 }),
          ),
        ).toBe("plan_not_draft");
      });

      it("fault injection: a failure at any write of plans.commit leaves the store as it was", async () => {
        const generated = await engine.plans.generate(actors.principal as never, { term });
        expect(generated.plan.slots.length + generated.plan.mentorships.length).toBeGreaterThan(0);
        const before = await snapshot(harness.storage);
        let k = 1;
        const ids = sequentialIds("f");
        for (; k < 500; k++) {
          const failing = failingAt(harness.storage, k);
          const faulty = createEngine({
            storage: failing,
            blobs: harness.blobs,
            clock,
            ids,
            config: { audit: { hmacKey } },
          });
          const result = await faulty.plans
            .commit(actors.principal as never, { planId: generated.plan.id, expectedVersion: 1 })
            .then(() => "ok")
            .catch((e: unknown) => (e instanceof Error ? e.message : String(e)));
          if (result === "ok") break;
          expect(result).toBe(`injected failure at write ${k}`);
          expect(await snapshot(harness.storage)).toBe(before);
        }
        // Every write was given its turn to fail before the commit got through.
        expect(k).toBeGreaterThan(2);
        expect((await harness.storage.termPlans.get(generated.plan.id))?.record.status).toBe("committed");
      });

      it("reassign moves a leaving teacher's open work and says what moved", async () => {
        const generated = await engine.plans.generate(actors.principal as never, { term });
        await engine.plans.commit(actors.principal as never, { planId: generated.plan.id, expectedVersion: 1 });
        const leaving = generated.plan.assignments[0]?.leadTeacherId as string;
        const out = await engine.plans.reassign(actors.principal as never, {
          termId: term.id,
          teacherId: leaving,
          leftOn: "2026-10-09",
        });
        expect(out.moved.length).toBeGreaterThan(0);
        expect(out.moved.every((m) => m.from === leaving && m.to !== leaving)).toBe(true);
        const plan = await harness.storage.termPlans.get(generated.plan.id);
        expect(
          plan?.record.assignments.some(
            (a) => a.leadTeacherId === leaving && out.moved.some((m) => m.obligationId === a.obligationId),
          ),
        ).toBe(false);
        expect((await drain(harness.storage)).map((e) => e.topic)).toContain("caseload.reassigned");
      });
    });
  });
}
