// Appointments that agree with records and with the school (issue 15's remainders), on a real
// store: an ad-hoc visit keeps to the hours the school planned with, an amendment that moves a
// record's appointmentId reopens the old appointment and completes the new one, and arranging
// an appointment raises an event a host can tell the family from.
import {
  arrangedAppointmentsPerEvent,
  createEngine,
  type Engine,
  fixedClock,
  isHomevisitError,
  sequentialIds,
} from "@homevisit/core";
import type { Storage } from "@homevisit/core/storage";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { actors, type EngineHarness, seedWorld } from "./engine-suite.js";
import { autumnTerm, completeRecord } from "./support/visit-fixtures.js";

const hmacKey = "test-audit-key-0123456789";
const term = autumnTerm;
const principal = actors.principal as never;
const teacher = actors.teacher as never;
const admin = actors.school_admin as never;

/** The school's own hours: later evenings on school days, afternoons on rest days. */
const schoolHours = {
  schoolDay: [{ from: "18:00", to: "21:00" }],
  restDay: [{ from: "14:00", to: "18:00" }],
};

async function refusal(promise: Promise<unknown>): Promise<{ code: string; error?: unknown }> {
  try {
    await promise;
    return { code: "ok" };
  } catch (error) {
    if (isHomevisitError(error)) return { code: error.code, error };
    throw error;
  }
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  return (await refusal(promise)).code;
}

async function drain(storage: Storage): Promise<{ topic: string; payload: Record<string, unknown> }[]> {
  const claimed = await storage.transaction((tx) =>
    tx.outbox.claim({ consumer: "test", now: "2026-10-08T01:00:00.000Z", leaseSeconds: 3600, limit: 1000 }),
  );
  await storage.transaction((tx) => tx.outbox.ack(claimed.map((c) => c.event.id)));
  return claimed.map((c) => ({ topic: c.event.topic, payload: c.event.payload as Record<string, unknown> }));
}

/** A complete in-home record, against an appointment or none. */
function recordFor(appointmentId: string | undefined, extra: Record<string, unknown> = {}) {
  return { ...(appointmentId === undefined ? {} : { appointmentId }), ...completeRecord, ...extra } as never;
}

/** An appointment of s-own at sch-1 led by t-teacher, written straight to the store. */
function ownAppointment(id: string, extra: Record<string, unknown> = {}) {
  return {
    id,
    schoolId: "sch-1",
    studentId: "s-own",
    teacherId: "t-teacher",
    kind: "universal",
    channel: { type: "in_home" },
    status: "contacted",
    start: "2026-10-22T19:00:00+08:00",
    durationMinutes: 45,
    history: [
      { event: "contact", from: "proposed", to: "contacted", at: "2026-10-07T12:00:00+08:00", by: "t-teacher" },
    ],
    version: 2,
    ...extra,
  } as never;
}

/** Runs the suite against one storage adapter. */
export function runAppointmentsAgreeSuite(name: string, factory: () => Promise<EngineHarness>): void {
  describe(`appointments that agree with records and the school, on ${name}`, () => {
    let harness: EngineHarness;
    let engine: Engine;

    beforeEach(async () => {
      harness = await factory();
      await seedWorld(harness.storage);
      engine = createEngine({
        storage: harness.storage,
        blobs: harness.blobs,
        clock: fixedClock("2026-10-08T09:00:00+08:00"),
        ids: sequentialIds("q"),
        config: { audit: { hmacKey } },
      });
    });
    afterEach(async () => {
      await harness.cleanup();
    });

    describe("ad-hoc appointments keep to the school's allowed hours", () => {
      const arrange = (start: string) => ({
        studentId: "s-own",
        kind: "priority" as const,
        start,
        durationMinutes: 45,
        reason: "连续三天缺课",
      });

      /** Commits a plan for the term scheduled with the school's own hours. */
      async function commitWithSchoolHours(): Promise<void> {
        const generated = await engine.plans.generate(principal, { term, schedule: { allowedHours: schoolHours } });
        expect(generated.plan.allowedHours).toEqual(schoolHours);
        await engine.plans.commit(principal, { planId: generated.plan.id, expectedVersion: generated.version });
      }

      it("inside the school's hours is accepted even outside the defaults; outside them is refused", async () => {
        await commitWithSchoolHours();
        // The school_admin leads no planned visit, so no clash hides the hours check.
        // Wednesday 2026-10-14, a school day: 20:00–20:45 is past the default 20:00, inside 18:00–21:00.
        expect(await codeOf(engine.appointments.create(admin, arrange("2026-10-14T20:00:00+08:00")))).toBe("ok");
        // 16:45 is inside the default 16:30–20:00, outside the school's.
        const early = await refusal(engine.appointments.create(admin, arrange("2026-10-15T16:45:00+08:00")));
        expect(early.code).toBe("appointment_outside_allowed_hours");
        const error = early.error as {
          status: number;
          params: Record<string, unknown>;
          messages: Record<string, string>;
        };
        expect(error.status).toBe(422);
        expect(error.params).toEqual({ hours: "18:00–21:00" });
        // Both messages say which hours are allowed, and neither repeats the time asked for.
        for (const locale of ["zh-CN", "en"]) {
          expect(error.messages[locale]).toContain("18:00–21:00");
          expect(error.messages[locale]).not.toContain("16:45");
          expect(error.messages[locale]).not.toContain("2026-10-15");
        }
        // Saturday 2026-10-17, a rest day: the school's 14:00–18:00, not the default 09:00–17:00.
        const morning = await refusal(engine.appointments.create(admin, arrange("2026-10-17T10:00:00+08:00")));
        expect((morning.error as { params: unknown }).params).toEqual({ hours: "14:00–18:00" });
        expect(await codeOf(engine.appointments.create(admin, arrange("2026-10-17T17:00:00+08:00")))).toBe("ok");
        // Nothing was written for the refusals.
        const adHoc = (await harness.storage.appointments.list({ where: { teacherId: "t-admin" } })).items.filter(
          (a) => a.record.obligationId === undefined,
        );
        expect(adHoc).toHaveLength(2);
      });

      it("a draft plan, a plan of another term or no plan leave the defaults", async () => {
        const draft = await engine.plans.generate(principal, { term, schedule: { allowedHours: schoolHours } });
        expect(draft.plan.status).toBe("draft");
        expect(await codeOf(engine.appointments.create(admin, arrange("2026-10-15T16:45:00+08:00")))).toBe("ok");
        expect(await codeOf(engine.appointments.create(admin, arrange("2026-10-14T20:00:00+08:00")))).toBe(
          "appointment_outside_allowed_hours",
        );
        const spring = {
          id: "2026-2027-2",
          schoolYear: 2026,
          index: 2,
          start: "2027-02-22",
          end: "2027-07-09",
        } as const;
        const other = await engine.plans.generate(principal, {
          term: spring,
          schedule: { allowedHours: schoolHours },
        });
        await engine.plans.commit(principal, { planId: other.plan.id, expectedVersion: other.version });
        expect(await codeOf(engine.appointments.create(admin, arrange("2026-10-16T16:45:00+08:00")))).toBe("ok");
      });

      it("another school's hours do not hold here", async () => {
        await harness.storage.transaction((tx) =>
          tx.termPlans.create({
            id: "plan-sch-2",
            schoolId: "sch-2",
            termId: term.id,
            term,
            status: "committed",
            planNumber: 1,
            obligations: [],
            assignments: [],
            mentorships: [],
            slots: [],
            unassigned: [],
            unscheduled: [],
            quality: {
              coverage: 1,
              uncoveredStudentIds: [],
              teachersWithZeroVisits: [],
              loadImbalance: 1,
              continuityRate: 1,
              studentsWithoutMentor: [],
              loads: [],
              ok: true,
            },
            generatedBy: "t-other",
            generatedAt: "2026-09-01T00:00:00.000Z",
            committedAt: "2026-09-01T00:00:00.000Z",
            allowedHours: schoolHours,
          } as never),
        );
        expect(await codeOf(engine.appointments.create(admin, arrange("2026-10-15T16:45:00+08:00")))).toBe("ok");
      });
    });

    describe("amending a record's appointmentId reconciles both appointments", () => {
      async function submitted(appointmentId: string | undefined, extra: Record<string, unknown> = {}) {
        await engine.consent.record(principal, { studentId: "s-own", guardianId: "g-s-own" });
        const draft = await engine.records.draft(teacher, {
          studentId: "s-own",
          record: recordFor(appointmentId, extra),
        });
        return engine.records.submit(teacher, { recordId: draft.record.id, expectedVersion: draft.version });
      }

      beforeEach(async () => {
        await harness.storage.transaction(async (tx) => {
          await tx.appointments.create(ownAppointment("apt-b"));
          await tx.appointments.create(ownAppointment("apt-c", { start: "2026-10-23T19:00:00+08:00" }));
        });
      });

      it("A → B: A goes back to its status before the record, B is completed with the record linked", async () => {
        const first = await submitted("apt-1");
        expect((await harness.storage.appointments.get("apt-1"))?.record).toMatchObject({
          status: "completed",
          recordId: first.record.id,
        });
        await drain(harness.storage);

        const amended = await engine.records.amend(teacher, {
          recordId: first.record.id,
          record: recordFor("apt-b"),
          reason: "关联到实际进行的那次预约",
          expectedVersion: first.version,
        });
        expect(amended.record.appointmentId).toBe("apt-b");
        const a = (await harness.storage.appointments.get("apt-1"))?.record;
        expect(a?.status).toBe("proposed");
        expect(a?.recordId).toBeUndefined();
        expect(a?.history.map((h) => [h.event, h.from, h.to])).toEqual([
          ["complete", "proposed", "completed"],
          ["reopen", "completed", "proposed"],
        ]);
        expect(a?.history.at(-1)?.recordId).toBe(first.record.id);
        const b = (await harness.storage.appointments.get("apt-b"))?.record;
        expect(b).toMatchObject({ status: "completed", recordId: first.record.id });
        expect(b?.history.at(-1)).toMatchObject({ event: "complete", from: "contacted", to: "completed" });

        const events = await drain(harness.storage);
        expect(events.map((e) => e.topic)).toEqual([
          "appointment.transitioned",
          "appointment.transitioned",
          "visit.completed",
          "visit.amended",
        ]);
        expect(events[0]?.payload).toMatchObject({ appointmentId: "apt-1", event: "reopen", status: "proposed" });
        expect(events[1]?.payload).toMatchObject({ appointmentId: "apt-b", event: "complete", status: "completed" });

        // The reopened appointment is open again: it can be cancelled like any other.
        const reopened = await harness.storage.appointments.get("apt-1");
        const cancelled = await engine.appointments.transition(teacher, {
          appointmentId: "apt-1",
          event: "cancel",
          payload: { cancelledBy: "staff", reason: "已在另一次预约中完成" },
          expectedVersion: reopened?.version ?? 0,
        });
        expect(cancelled.appointment.status).toBe("cancelled");
      });

      it("removing the link reopens the appointment; adding one completes it; the same id changes nothing", async () => {
        const first = await submitted("apt-b");
        const unlinked = await engine.records.amend(teacher, {
          recordId: first.record.id,
          record: recordFor(undefined),
          reason: "预约关联有误",
          expectedVersion: first.version,
        });
        expect(unlinked.record.appointmentId).toBeUndefined();
        expect((await harness.storage.appointments.get("apt-b"))?.record).toMatchObject({ status: "contacted" });
        expect((await harness.storage.appointments.get("apt-b"))?.record.recordId).toBeUndefined();

        const linked = await engine.records.amend(teacher, {
          recordId: first.record.id,
          record: recordFor("apt-c"),
          reason: "补充预约关联",
          expectedVersion: unlinked.version,
        });
        expect((await harness.storage.appointments.get("apt-c"))?.record).toMatchObject({
          status: "completed",
          recordId: first.record.id,
        });
        const before = await harness.storage.appointments.get("apt-c");
        await engine.records.amend(teacher, {
          recordId: first.record.id,
          record: recordFor("apt-c", { teacherReflection: { reflection: "补充反思" } }),
          reason: "补充反思",
          expectedVersion: linked.version,
        });
        expect((await harness.storage.appointments.get("apt-c"))?.version).toBe(before?.version);
      });

      it("an appointment a transition completed stays completed when the record leaves it, only unlinked", async () => {
        await harness.storage.transaction((tx) =>
          tx.appointments.create(
            ownAppointment("apt-phone", {
              channel: { type: "phone" },
              status: "completed",
              history: [
                {
                  event: "contact",
                  from: "proposed",
                  to: "contacted",
                  at: "2026-10-07T12:00:00+08:00",
                  by: "t-teacher",
                },
                {
                  event: "confirm",
                  from: "contacted",
                  to: "confirmed",
                  at: "2026-10-07T12:05:00+08:00",
                  by: "t-teacher",
                },
                {
                  event: "complete",
                  from: "confirmed",
                  to: "completed",
                  at: "2026-10-07T19:00:00+08:00",
                  by: "t-teacher",
                },
              ],
              version: 4,
            }),
          ),
        );
        const first = await submitted("apt-phone");
        expect((await harness.storage.appointments.get("apt-phone"))?.record.recordId).toBe(first.record.id);
        await engine.records.amend(teacher, {
          recordId: first.record.id,
          record: recordFor("apt-b"),
          reason: "关联有误",
          expectedVersion: first.version,
        });
        const phone = (await harness.storage.appointments.get("apt-phone"))?.record;
        expect(phone?.status).toBe("completed");
        expect(phone?.recordId).toBeUndefined();
        expect(phone?.history).toHaveLength(3);
      });

      it("an obligation the record took from the old appointment goes with it", async () => {
        await harness.storage.transaction((tx) =>
          tx.appointments.create(ownAppointment("apt-planned", { obligationId: "universal:s-own:2026-2027-1" })),
        );
        const first = await submitted("apt-planned");
        expect(first.record.obligationId).toBe("universal:s-own:2026-2027-1");
        // The client sends back what it read, obligationId included, with the new appointmentId.
        const amended = await engine.records.amend(teacher, {
          recordId: first.record.id,
          record: recordFor("apt-b", { obligationId: first.record.obligationId }),
          reason: "关联到计划外的那次预约",
          expectedVersion: first.version,
        });
        expect(amended.record.obligationId).toBeUndefined();
        expect((await harness.storage.appointments.get("apt-planned"))?.record.status).toBe("contacted");
      });

      it("another school's appointment and a missing one get the same answer; nothing is written", async () => {
        const first = await submitted("apt-1");
        const snapshot = async () =>
          JSON.stringify([
            await harness.storage.appointments.get("apt-1"),
            await harness.storage.appointments.get("apt-2"),
            await harness.storage.visitRecords.get(first.record.id),
          ]);
        const before = await snapshot();
        const answers = [];
        for (const appointmentId of ["apt-2", "apt-missing"]) {
          const answer = await refusal(
            engine.records.amend(teacher, {
              recordId: first.record.id,
              record: recordFor(appointmentId),
              reason: "关联有误",
              expectedVersion: first.version,
            }),
          );
          const error = answer.error as {
            code: string;
            status: number;
            messages: unknown;
            params: unknown;
            path?: unknown;
          };
          answers.push({ code: error.code, status: error.status, messages: error.messages, params: error.params });
        }
        expect(answers[0]).toMatchObject({ code: "visit_record_appointment_mismatch", status: 422 });
        expect(answers[1]).toEqual(answers[0]);
        expect(await snapshot()).toBe(before);
      });

      it("an appointment another record completed cannot take this one; nothing is written", async () => {
        const first = await submitted("apt-1");
        const second = await submitted("apt-b");
        expect(second.record.appointmentId).toBe("apt-b");
        expect(
          await codeOf(
            engine.records.amend(teacher, {
              recordId: first.record.id,
              record: recordFor("apt-b"),
              reason: "关联有误",
              expectedVersion: first.version,
            }),
          ),
        ).toBe("appointment_illegal_transition");
        expect((await harness.storage.appointments.get("apt-1"))?.record).toMatchObject({
          status: "completed",
          recordId: first.record.id,
        });
        expect((await harness.storage.visitRecords.get(first.record.id))?.record.appointmentId).toBe("apt-1");
      });
    });

    describe("arranging an appointment raises an event with ids only", () => {
      it("an ad-hoc appointment: appointment.arranged", async () => {
        await drain(harness.storage);
        const out = await engine.appointments.create(teacher, {
          studentId: "s-own",
          kind: "crisis",
          start: "2026-10-14T18:30:00+08:00",
          durationMinutes: 45,
          reason: "连续三天缺课",
        });
        const events = await drain(harness.storage);
        expect(events).toEqual([
          {
            topic: "appointment.arranged",
            payload: { appointmentId: out.appointment.id, studentId: "s-own", teacherId: "t-teacher" },
          },
        ]);
        // Neither the kind (crisis names a category) nor the reason leaves the engine.
        expect(JSON.stringify(events)).not.toContain("crisis");
        expect(JSON.stringify(events)).not.toContain("缺课");
      });

      it("a committed plan: appointments.arranged in parts that hold every appointment once", async () => {
        const generated = await engine.plans.generate(principal, { term });
        const template = generated.plan.slots[0];
        if (template === undefined) throw new Error("the plan has no slot");
        // A plan of more than two parts' worth of slots (the store does not check for clashes).
        const count = arrangedAppointmentsPerEvent * 2 + 7;
        const slots = Array.from({ length: count }, () => template);
        const stored = await harness.storage.termPlans.get(generated.plan.id);
        if (stored === undefined) throw new Error("the plan was not stored");
        await harness.storage.transaction((tx) =>
          tx.termPlans.update(generated.plan.id, { ...stored.record, slots }, { expectedVersion: stored.version }),
        );
        await drain(harness.storage);
        const committed = await engine.plans.commit(principal, {
          planId: generated.plan.id,
          expectedVersion: stored.version + 1,
        });
        const parts = (await drain(harness.storage)).filter((e) => e.topic === "appointments.arranged");
        expect(parts.map((e) => [e.payload.part, e.payload.parts])).toEqual([
          [1, 3],
          [2, 3],
          [3, 3],
        ]);
        expect(parts.map((e) => (e.payload.appointmentIds as string[]).length)).toEqual([
          arrangedAppointmentsPerEvent,
          arrangedAppointmentsPerEvent,
          7,
        ]);
        expect(parts.flatMap((e) => e.payload.appointmentIds)).toEqual(committed.plan.appointmentIds);
        for (const e of parts) {
          expect(Object.keys(e.payload).sort()).toEqual(["appointmentIds", "part", "parts", "planId", "termId"]);
          expect(e.payload.planId).toBe(generated.plan.id);
        }
      });
    });
  });
}
