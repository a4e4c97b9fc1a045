// Plans and appointments through the engine on a real store (issue 15's REST remainders): the
// school's plan list, a plan read a page at a time, its quality figures, an ad-hoc appointment,
// the personalised visit plan, and a submitted record closing its appointment.
import { createEngine, type Engine, fixedClock, sequentialIds, staticTimetable } from "@homevisit/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { actors, type EngineHarness, seedWorld } from "./engine-suite.js";
import { autumnTerm, codeOf, completeRecord } from "./support/visit-fixtures.js";

const hmacKey = "test-audit-key-0123456789";
const purpose = { purpose: "家访准备" };
const term = autumnTerm;
const principal = actors.principal as never;
const teacher = actors.teacher as never;

/** A complete in-home record against an appointment. */
function recordFor(appointmentId: string) {
  return { appointmentId, ...completeRecord } as never;
}

/** Runs the plans suite against one storage adapter. */
export function runPlansSuite(name: string, factory: () => Promise<EngineHarness>): void {
  describe(`plans and appointments over the engine on ${name}`, () => {
    let harness: EngineHarness;
    let engine: Engine;

    beforeEach(async () => {
      harness = await factory();
      await seedWorld(harness.storage);
      // A second student at sch-1, so plans have more than one obligation to page through.
      const own = await harness.storage.students.get("s-own");
      if (!own) throw new Error("seed missing");
      await harness.storage.transaction((tx) =>
        tx.students.create({
          ...own.record,
          id: "s-own-2",
          guardians: own.record.guardians.map((g) => ({ ...g, id: "g-2" })),
        }),
      );
      engine = createEngine({
        storage: harness.storage,
        blobs: harness.blobs,
        clock: fixedClock("2026-10-08T09:00:00+08:00"),
        ids: sequentialIds("p"),
        config: { audit: { hmacKey } },
      });
    });
    afterEach(async () => {
      await harness.cleanup();
    });

    describe("answers that hold a plan are paged", () => {
      it("generate and commit answer the first page and the whole plan's summary; get pages on to the same plan", async () => {
        const generated = await engine.plans.generate(principal, { term, limit: 1 });
        expect(generated.plan.obligations).toHaveLength(1);
        expect(generated.summary.counts.obligations).toBeGreaterThan(1);
        expect(generated.nextCursor).toBeDefined();
        // The pages of the draft, read on with the cursor, are the obligations the summary counts.
        const ids = generated.plan.obligations.map((o) => o.id);
        let cursor = generated.nextCursor;
        while (cursor !== undefined) {
          const page = await engine.plans.get(principal, { planId: generated.plan.id, cursor, limit: 1 });
          ids.push(...page.plan.obligations.map((o) => o.id));
          cursor = page.nextCursor;
        }
        expect(new Set(ids).size).toBe(generated.summary.counts.obligations);

        const committed = await engine.plans.commit(principal, {
          planId: generated.plan.id,
          expectedVersion: generated.version,
        });
        expect(committed.plan.obligations.length).toBe(Math.min(50, committed.summary.counts.obligations));
        expect(committed.summary.counts.appointments).toBe(committed.summary.counts.slots);
        expect(committed.plan.appointmentIds).toHaveLength(committed.plan.slots.length);
        expect(committed.nextCursor === undefined).toBe(committed.summary.counts.obligations <= 50);
      });
    });

    describe("a submitted record closes its appointment", () => {
      it("the planned appointment becomes completed with the record linked, and its obligation is met", async () => {
        const generated = await engine.plans.generate(principal, { term });
        const committed = await engine.plans.commit(principal, { planId: generated.plan.id, expectedVersion: 1 });
        const appointments = await Promise.all(
          committed.plan.appointmentIds.map((id) => harness.storage.appointments.get(id)),
        );
        const planned = appointments.find(
          (a) => a?.record.studentId === "s-own" && a.record.obligationId !== undefined,
        );
        if (!planned) throw new Error("no planned appointment for s-own");
        expect(planned.record.status).toBe("proposed");

        await engine.consent.record(principal, { studentId: "s-own", guardianId: "g-s-own" });
        const draft = await engine.records.draft(principal, {
          studentId: "s-own",
          record: recordFor(planned.record.id),
        });
        const submitted = await engine.records.submit(principal, { recordId: draft.record.id, expectedVersion: 1 });

        const after = await harness.storage.appointments.get(planned.record.id);
        expect(after?.record.status).toBe("completed");
        expect(after?.record.recordId).toBe(draft.record.id);
        expect(after?.record.history.at(-1)).toMatchObject({ event: "complete", from: "proposed", to: "completed" });
        // The record carries the appointment's obligation: the three agree.
        expect(submitted.record.obligationId).toBe(planned.record.obligationId);
        expect((await harness.storage.visitRecords.get(draft.record.id))?.record.obligationId).toBe(
          planned.record.obligationId,
        );
        // Met: reassigning its lead leaves that obligation where it is.
        const moved = await engine.plans.reassign(principal, {
          termId: term.id,
          teacherId: planned.record.teacherId,
          leftOn: "2026-10-09",
        });
        expect(moved.moved.some((m) => m.obligationId === planned.record.obligationId)).toBe(false);
      });

      it("a cancelled appointment cannot be closed, another student's does not fit; nothing is written", async () => {
        await engine.consent.record(principal, { studentId: "s-own", guardianId: "g-s-own" });
        await engine.appointments.transition(teacher, {
          appointmentId: "apt-1",
          event: "cancel",
          payload: { cancelledBy: "family", reason: "家长出差" },
          expectedVersion: 1,
        });
        const draft = await engine.records.draft(principal, { studentId: "s-own", record: recordFor("apt-1") });
        expect(await codeOf(engine.records.submit(principal, { recordId: draft.record.id, expectedVersion: 1 }))).toBe(
          "appointment_illegal_transition",
        );
        expect((await harness.storage.visitRecords.get(draft.record.id))?.record.status).toBe("draft");
        expect((await harness.storage.appointments.get("apt-1"))?.record.status).toBe("cancelled");

        const other = await engine.records.draft(principal, { studentId: "s-own", record: recordFor("apt-2") });
        expect(await codeOf(engine.records.submit(principal, { recordId: other.record.id, expectedVersion: 1 }))).toBe(
          "visit_record_appointment_mismatch",
        );
        expect((await harness.storage.appointments.get("apt-2"))?.record.status).toBe("proposed");
      });
    });

    describe("ad-hoc appointments", () => {
      const arrange = (start: string, extra: Record<string, unknown> = {}) => ({
        studentId: "s-own",
        kind: "priority" as const,
        start,
        durationMinutes: 45,
        reason: "连续三天缺课",
        ...extra,
      });

      it("a teacher arranges a visit for a student they visit; it closes with its record", async () => {
        const out = await engine.appointments.create(teacher, arrange("2026-10-14T18:30:00+08:00"), {
          idempotencyKey: "adhoc-1",
        });
        expect(out.appointment).toMatchObject({
          studentId: "s-own",
          teacherId: "t-teacher",
          status: "proposed",
          channel: { type: "in_home" },
          reason: "连续三天缺课",
          location: { town: "碧湖镇", village: "沙溪村" },
        });
        expect(out.appointment.obligationId).toBeUndefined();
        const again = await engine.appointments.create(teacher, arrange("2026-10-14T18:30:00+08:00"), {
          idempotencyKey: "adhoc-1",
        });
        expect(again.appointment.id).toBe(out.appointment.id);

        await engine.consent.record(principal, { studentId: "s-own", guardianId: "g-s-own" });
        const draft = await engine.records.draft(teacher, {
          studentId: "s-own",
          record: recordFor(out.appointment.id),
        });
        await engine.records.submit(teacher, { recordId: draft.record.id, expectedVersion: 1 });
        const closed = await harness.storage.appointments.get(out.appointment.id);
        expect(closed?.record).toMatchObject({ status: "completed", recordId: draft.record.id });
      });

      it("checked like planned visits: clashes, allowed hours, holidays; typed errors", async () => {
        await engine.appointments.create(teacher, arrange("2026-10-14T18:30:00+08:00"));
        // Overlaps the one just made, and apt-1 (2026-10-20 19:00, 60 min).
        expect(await codeOf(engine.appointments.create(teacher, arrange("2026-10-14T19:00:00+08:00")))).toBe(
          "appointment_teacher_clash",
        );
        expect(await codeOf(engine.appointments.create(teacher, arrange("2026-10-20T19:00:00+08:00")))).toBe(
          "appointment_teacher_clash",
        );
        // Back to back is no clash.
        expect(await codeOf(engine.appointments.create(teacher, arrange("2026-10-14T19:15:00+08:00")))).toBe("ok");
        // A school day: after lessons only; ending past 20:00 is out too.
        expect(await codeOf(engine.appointments.create(teacher, arrange("2026-10-15T12:00:00+08:00")))).toBe(
          "appointment_outside_allowed_hours",
        );
        expect(await codeOf(engine.appointments.create(teacher, arrange("2026-10-15T19:30:00+08:00")))).toBe(
          "appointment_outside_allowed_hours",
        );
        // A Saturday: daytime.
        expect(await codeOf(engine.appointments.create(teacher, arrange("2026-10-17T10:00:00+08:00")))).toBe("ok");
        // National Day: only a crisis visit.
        expect(await codeOf(engine.appointments.create(teacher, arrange("2026-10-02T10:00:00+08:00")))).toBe(
          "appointment_on_holiday",
        );
        expect(
          await codeOf(engine.appointments.create(teacher, arrange("2026-10-02T10:00:00+08:00", { kind: "crisis" }))),
        ).toBe("ok");
        // A cancelled appointment frees its time.
        await engine.appointments.transition(teacher, {
          appointmentId: "apt-1",
          event: "cancel",
          payload: { cancelledBy: "family", reason: "家长出差" },
          expectedVersion: 1,
        });
        expect(await codeOf(engine.appointments.create(teacher, arrange("2026-10-20T19:00:00+08:00")))).toBe("ok");
      });

      it("a mentor's recurring contacts hold the teacher on each occurrence", async () => {
        await harness.storage.transaction((tx) =>
          tx.appointments.create({
            id: "apt-weekly",
            schoolId: "sch-1",
            studentId: "s-own",
            teacherId: "t-teacher",
            kind: "mentor_contact",
            channel: { type: "at_school" },
            status: "confirmed",
            start: "2026-09-02T17:00:00+08:00",
            durationMinutes: 30,
            rrule: "FREQ=WEEKLY;BYDAY=WE;COUNT=12",
          }),
        );
        // Wednesday 2026-10-21 is an occurrence; Thursday is not; after the twelfth it is free.
        expect(await codeOf(engine.appointments.create(teacher, arrange("2026-10-21T17:15:00+08:00")))).toBe(
          "appointment_teacher_clash",
        );
        expect(await codeOf(engine.appointments.create(teacher, arrange("2026-10-22T17:15:00+08:00")))).toBe("ok");
        expect(await codeOf(engine.appointments.create(teacher, arrange("2026-12-02T17:15:00+08:00")))).toBe("ok");
      });

      it("a visit never disturbs teaching: the teacher's lessons from the timetable port are refused", async () => {
        const withLessons = createEngine({
          storage: harness.storage,
          blobs: harness.blobs,
          clock: fixedClock("2026-10-08T09:00:00+08:00"),
          ids: sequentialIds("l"),
          config: { audit: { hmacKey } },
          timetable: staticTimetable([{ teacherId: "t-teacher", date: "2026-10-14", from: "18:00", to: "19:00" }]),
        });
        expect(await codeOf(withLessons.appointments.create(teacher, arrange("2026-10-14T18:30:00+08:00")))).toBe(
          "appointment_lesson_clash",
        );
        expect(await codeOf(withLessons.appointments.create(teacher, arrange("2026-10-14T17:30:00+08:00")))).toBe(
          "appointment_lesson_clash",
        );
        expect(await codeOf(withLessons.appointments.create(teacher, arrange("2026-10-14T19:00:00+08:00")))).toBe("ok");
        // Another teacher's lessons do not hold this one.
        expect(await codeOf(withLessons.appointments.create(teacher, arrange("2026-10-15T18:00:00+08:00")))).toBe("ok");
      });

      it("scoped like the student: another school's student is not found, a bureau is refused", async () => {
        expect(
          await codeOf(
            engine.appointments.create(teacher, arrange("2026-10-14T18:30:00+08:00", { studentId: "s-other" })),
          ),
        ).toBe("not_found");
        expect(
          await codeOf(engine.appointments.create(actors.county_bureau as never, arrange("2026-10-14T18:30:00+08:00"))),
        ).toBe("not_found");
        expect((await harness.storage.appointments.list({ where: { studentId: "s-own" } })).items).toHaveLength(1);
      });
    });

    describe("plans: list, paged read, quality", () => {
      it("lists the school's plans with counts, newest first; a teacher's counts are their part", async () => {
        const first = await engine.plans.generate(principal, { term });
        const next = { id: "2026-2027-2", schoolYear: 2026, index: 2, start: "2027-02-22", end: "2027-07-09" } as const;
        const second = await engine.plans.generate(principal, { term: next });
        const listed = await engine.plans.list(principal, {});
        expect(listed.items.map((p) => p.id)).toEqual([second.plan.id, first.plan.id]);
        expect(listed.items[1]?.counts).toEqual({
          obligations: first.plan.obligations.length,
          assignments: first.plan.assignments.length,
          slots: first.plan.slots.length,
          unassigned: first.plan.unassigned.length,
          unscheduled: first.plan.unscheduled.length,
          mentorships: first.plan.mentorships.length,
          appointments: 0,
          arranged: 0,
        });
        const paged = await engine.plans.list(principal, { limit: 1 });
        expect(paged.items.map((p) => p.id)).toEqual([second.plan.id]);
        const rest = await engine.plans.list(principal, { limit: 1, cursor: paged.nextCursor });
        expect(rest.items.map((p) => p.id)).toEqual([first.plan.id]);
        expect(rest.nextCursor).toBeUndefined();
        expect((await engine.plans.list(principal, { termId: term.id })).items.map((p) => p.id)).toEqual([
          first.plan.id,
        ]);

        const mine = await engine.plans.list(teacher, { termId: term.id });
        const own = first.plan.assignments.filter(
          (a) => a.leadTeacherId === "t-teacher" || a.companionTeacherId === "t-teacher",
        ).length;
        expect(mine.items[0]?.counts.assignments).toBe(own);
        expect(await codeOf(engine.plans.list(actors.county_bureau as never, {}))).toBe("forbidden");
      });

      it("a plan reads a page of obligations at a time with a summary; the pages make the whole", async () => {
        const generated = await engine.plans.generate(principal, { term });
        const whole = generated.plan;
        expect(whole.obligations.length).toBeGreaterThan(1);
        const seen: string[] = [];
        const slots: unknown[] = [];
        let cursor: string | undefined;
        let pages = 0;
        do {
          const page = await engine.plans.get(principal, { planId: whole.id, limit: 1, ...(cursor ? { cursor } : {}) });
          expect(page.plan.obligations).toHaveLength(1);
          expect(page.summary.counts.obligations).toBe(whole.obligations.length);
          const ids = new Set(page.plan.obligations.map((o) => o.id));
          expect(page.plan.slots.every((s) => ids.has(s.obligationId))).toBe(true);
          expect(page.plan.assignments.every((a) => ids.has(a.obligationId))).toBe(true);
          seen.push(...ids);
          slots.push(...page.plan.slots);
          cursor = page.nextCursor;
          pages++;
        } while (cursor !== undefined);
        expect(pages).toBe(whole.obligations.length);
        expect(seen).toEqual(whole.obligations.map((o) => o.id));
        expect(slots).toHaveLength(whole.slots.length);
        // Without a limit: a default page, the old call's shape.
        const read = await engine.plans.get(principal, { planId: whole.id });
        expect(read.plan.obligations).toEqual(whole.obligations);
        expect(await codeOf(engine.plans.get(principal, { planId: whole.id, cursor: "nope" }))).toBe(
          "storage_invalid_cursor",
        );
      });

      it("quality: placement by kind, crisis, idle teachers, load spread, unplaced with actions; principals only", async () => {
        const generated = await engine.plans.generate(principal, { term });
        const q = await engine.plans.quality(principal, { planId: generated.plan.id });
        expect(q.planId).toBe(generated.plan.id);
        expect(q.coverage).toBe(generated.plan.quality.coverage);
        const kinds = Object.values(q.placement.byKind);
        const due = kinds.reduce((n, k) => n + k.due, 0);
        const placed = kinds.reduce((n, k) => n + k.placed, 0);
        expect(due).toBeGreaterThan(0);
        // A one-off obligation counts once however many slots; a recurring one per occurrence.
        const recurring = new Set(generated.plan.obligations.filter((o) => o.rrule !== undefined).map((o) => o.id));
        const oneOff = new Set(
          generated.plan.slots.filter((s) => !recurring.has(s.obligationId)).map((s) => s.obligationId),
        );
        const occurrences = generated.plan.slots.filter((s) => recurring.has(s.obligationId)).length;
        expect(placed).toBe(oneOff.size + occurrences);
        expect(due - placed).toBe(q.placement.unplaced.length);
        expect(q.placement.unplaced.every((u) => u.action.en.length > 0 && u.reason.en.length > 0)).toBe(true);
        expect(q.loads.map((l) => l.teacherId)).toEqual([...q.loads.map((l) => l.teacherId)].sort());
        expect(q.loadSpread.max).toBe(Math.max(...q.loads.map((l) => l.load)));
        const busy = new Set(generated.plan.slots.flatMap((s) => [s.teacherId, s.companionId]));
        expect(q.placement.idleTeachers.every((t) => !busy.has(t))).toBe(true);
        expect(q.placement.provisionalSlots).toBe(generated.plan.slots.filter((s) => s.provisional).length);

        expect(await codeOf(engine.plans.quality(teacher, { planId: generated.plan.id }))).toBe("forbidden");
        expect(await codeOf(engine.plans.quality(actors.county_bureau as never, { planId: generated.plan.id }))).toBe(
          "not_found",
        );
      });
    });

    describe("a plan made after the term began", () => {
      it("starts the day after it is made: no visit on a day gone, an ended window's visit placed and marked overdue", async () => {
        // The clock says 2026-10-08: September's windows have ended, the term runs on.
        const generated = await engine.plans.generate(principal, { term, limit: 200 });
        expect(generated.plan.scheduleFrom).toBe("2026-10-09");
        expect(generated.summary.scheduleFrom).toBe("2026-10-09");
        expect(generated.plan.slots.length).toBeGreaterThan(0);
        expect(generated.plan.slots.every((s) => s.date >= "2026-10-09")).toBe(true);
        const windows = new Map(generated.plan.obligations.map((o) => [o.id, o]));
        for (const s of generated.plan.slots) {
          const o = windows.get(s.obligationId);
          expect(s.overdue === true).toBe(o !== undefined && o.rrule === undefined && o.window.to < "2026-10-09");
        }
        const q = await engine.plans.quality(principal, { planId: generated.plan.id });
        expect(q.scheduleFrom).toBe("2026-10-09");
        expect(q.placement.overdueSlots).toBe(generated.plan.slots.filter((s) => s.overdue).length);
        const listed = await engine.plans.list(principal, {});
        expect(listed.items.find((p) => p.id === generated.plan.id)?.scheduleFrom).toBe("2026-10-09");
      });

      it("books a mentor's contact still owed in its month from the first day; one made in the month is not booked again", async () => {
        // s-own, flagged on 09-05 and mentored by t-mentor: a monthly contact on the 5th. On
        // 10-08 October's (10-05, its month runs to 11-04) has not been made.
        await harness.storage.transaction((tx) =>
          tx.categoryFlags.create({
            id: "f-contact",
            studentId: "s-own",
            category: "economic_hardship",
            validFrom: "2026-09-05",
            evidence: "父亲失业",
            flaggedBy: "t-class",
            flaggedAt: "2026-09-05T09:00:00+08:00",
          }),
        );
        const owedNow = (plan: Awaited<ReturnType<Engine["plans"]["generate"]>>["plan"]) =>
          plan.slots.filter((s) => s.contact === true && s.occurrence !== undefined && s.occurrence < "2026-10-09");
        const first = await engine.plans.generate(principal, { term, limit: 200 });
        const owed = owedNow(first.plan);
        expect(owed.length).toBeGreaterThan(0);
        for (const slot of owed) expect(slot.date >= "2026-10-09").toBe(true);
        const [slot] = owed;
        if (slot === undefined) throw new Error("no contact owed");
        const student = slot.studentId;
        // The mentor records a contact in that month's span, before the plan's first day.
        await engine.consent.record(principal, { studentId: "s-own", guardianId: "g-s-own" });
        const draft = await engine.records.draft(
          actors.mentor as never,
          {
            studentId: student,
            record: {
              ...completeRecord,
              kind: "mentor_contact",
              channel: "phone",
              arrivedAt: "2026-10-07T18:00:00+08:00",
              departedAt: "2026-10-07T18:20:00+08:00",
              prioritySupport: { categories: ["economic_hardship"], supportTypes: ["learning_tutoring"] },
            },
          } as never,
        );
        await engine.records.submit(actors.mentor as never, { recordId: draft.record.id, expectedVersion: 1 });
        const second = await engine.plans.generate(principal, { term, limit: 200 });
        expect(owedNow(second.plan).filter((s) => s.studentId === student && s.occurrence === slot.occurrence)).toEqual(
          [],
        );
        // The next month's contact is still planned.
        expect(second.plan.slots.some((s) => s.studentId === student && s.contact === true && s.date > slot.date)).toBe(
          true,
        );
      });

      it("takes the first day the principal chooses, inside the term; outside it is refused with nothing stored", async () => {
        const chosen = await engine.plans.generate(principal, { term, scheduleFrom: "2026-11-02", limit: 200 });
        expect(chosen.plan.scheduleFrom).toBe("2026-11-02");
        expect(chosen.plan.slots.every((s) => s.date >= "2026-11-02")).toBe(true);
        const before = (await engine.plans.list(principal, {})).items.length;
        const refused = await engine.plans.generate(principal, { term, scheduleFrom: "2027-01-05" }).catch((e) => e);
        expect(refused.code).toBe("validation_failed");
        expect(refused.issues.map((i: { code: string; path: string[] }) => [i.code, i.path])).toEqual([
          ["plan_start_outside_term", ["scheduleFrom"]],
        ]);
        // It names no value the caller sent (the term's days are theirs).
        expect(refused.issues[0].message.en).toBe(
          "The plan's first day must lie within the term: not before its first day, nor after its last",
        );
        expect((await engine.plans.list(principal, {})).items).toHaveLength(before);
        // On the term's first day the plan is the whole term's, as a plan made before it began.
        const whole = await engine.plans.generate(principal, { term, scheduleFrom: term.start, limit: 200 });
        expect(whole.plan.scheduleFrom).toBeUndefined();
        expect(whole.plan.slots.some((s) => s.date < "2026-10-08")).toBe(true);
        expect(whole.plan.slots.some((s) => s.overdue)).toBe(false);
      });
    });

    describe("mentors a plan appoints", () => {
      it("a mentee handed to a new mentor has one mentor at a time: the old ends the day before the plan's first day", async () => {
        // Two priority students of t-mentor, who may keep only one (mentorCapacity 1).
        await harness.storage.transaction(async (tx) => {
          for (const studentId of ["s-own", "s-own-2"])
            await tx.categoryFlags.create({
              id: `f-${studentId}`,
              studentId,
              category: "economic_hardship",
              validFrom: "2026-09-05",
              evidence: "父亲失业",
              flaggedBy: "t-class",
              flaggedAt: "2026-09-05T09:00:00+08:00",
            });
          await tx.mentorships.create({
            id: "m-own-2",
            schoolId: "sch-1",
            studentId: "s-own-2",
            mentorId: "t-mentor",
            since: "2026-09-01",
          });
          // Each has a contact with t-mentor arranged for November (an earlier plan's).
          for (const studentId of ["s-own", "s-own-2"])
            await tx.appointments.create({
              id: `apt-contact-${studentId}`,
              schoolId: "sch-1",
              studentId,
              teacherId: "t-mentor",
              companionIds: [],
              kind: "mentor_contact",
              channel: { type: "phone" },
              status: "proposed",
              start: "2026-11-05T17:00:00+08:00",
              durationMinutes: 15,
              obligationId: `mentor_contact:${studentId}:2026-09-05`,
            });
        });
        const ended: string[] = [];
        engine.events.subscribe("mentorship.ended", (e) => {
          ended.push(e.payload.mentorshipId);
        });
        const generated = await engine.plans.generate(principal, {
          term,
          assignment: { mentorCapacity: 1 },
          limit: 200,
        });
        const handed = generated.plan.mentorships.filter((m) => m.mentorId !== "t-mentor");
        expect(handed).toHaveLength(1);
        // Appointed by a plan made on 10-08, from its first day: not from the term's start.
        expect(handed[0]?.since).toBe("2026-10-09");
        // The principal reads how many students change mentor before committing.
        const quality = await engine.plans.quality(principal, { planId: generated.plan.id });
        expect(quality.mentorHandovers).toBe(1);
        await engine.plans.commit(principal, { planId: generated.plan.id, expectedVersion: generated.version });
        const stored = (await harness.storage.mentorships.list({ limit: 100 })).items.map((m) => m.record);
        const studentId = handed[0]?.studentId as string;
        const ofStudent = stored
          .filter((m) => m.studentId === studentId)
          .sort((a, b) => a.since.localeCompare(b.since));
        expect(ofStudent.map((m) => [m.mentorId === "t-mentor", m.since, m.until])).toEqual([
          [true, "2026-09-01", "2026-10-08"],
          [false, "2026-10-09", undefined],
        ]);
        await engine.events.deliver({ consumer: "test" });
        expect(ended).toEqual([ofStudent[0]?.id]);
        // The handed mentee's arranged contact passed to the new mentor, in the plan and in the
        // store; the other's stays with t-mentor.
        const newMentor = handed[0]?.mentorId;
        const kept = generated.plan.slots.filter((slot) => slot.appointmentId?.startsWith("apt-contact-"));
        expect(kept.map((slot) => [slot.studentId, slot.teacherId]).sort()).toEqual(
          [
            [studentId, newMentor],
            [studentId === "s-own" ? "s-own-2" : "s-own", "t-mentor"],
          ].sort(),
        );
        const contact = await harness.storage.appointments.get(`apt-contact-${studentId}`);
        expect(contact?.record.teacherId).toBe(newMentor);
        // Every student of the school has at most one mentor in force on any day from today on.
        const inForce = stored.filter((m) => m.until === undefined || m.until >= "2026-10-09");
        const perStudent = new Map<string, number>();
        for (const m of inForce) perStudent.set(m.studentId, (perStudent.get(m.studentId) ?? 0) + 1);
        expect([...perStudent.values()].every((n) => n === 1)).toBe(true);
      });
    });

    describe("a plan made while visits are arranged", () => {
      const open = async () =>
        (await harness.storage.appointments.list({ limit: 1000 })).items
          .map((a) => a.record)
          .filter((a) => !["completed", "cancelled", "missed", "refused"].includes(a.status));

      it("keeps the visits a committed plan arranged: a second plan books no family twice", async () => {
        const first = await engine.plans.generate(principal, { term, limit: 200 });
        const committed = await engine.plans.commit(principal, {
          planId: first.plan.id,
          expectedVersion: first.version,
        });
        const arranged = committed.plan.appointmentIds;
        expect(arranged.length).toBeGreaterThan(0);
        const before = await open();

        const second = await engine.plans.generate(principal, { term, limit: 200 });
        const kept = second.plan.slots.filter((s) => s.appointmentId !== undefined);
        const openIds = new Set(before.map((a) => a.id));
        expect(kept.every((s) => openIds.has(s.appointmentId as string))).toBe(true);
        // Every visit the committed plan arranged is kept (apt-1 of the seed may be kept too).
        for (const id of arranged) expect(kept.some((s) => s.appointmentId === id)).toBe(true);
        expect(second.summary.counts.arranged).toBe(kept.length);
        const q = await engine.plans.quality(principal, { planId: second.plan.id });
        expect(q.placement.arrangedSlots).toBe(kept.length);

        const done = await engine.plans.commit(principal, { planId: second.plan.id, expectedVersion: second.version });
        const after = await open();
        const fresh = second.plan.slots.length - kept.length;
        expect(after.length).toBe(before.length + fresh);
        // One slot, one appointment: the kept ones by their own id.
        expect(done.plan.appointmentIds).toHaveLength(second.plan.slots.length);
        second.plan.slots.forEach((s, i) => {
          if (s.appointmentId !== undefined) expect(done.plan.appointmentIds[i]).toBe(s.appointmentId);
        });
        // No one-off obligation has two open appointments.
        const oneOff = new Set(second.plan.obligations.filter((o) => o.rrule === undefined).map((o) => o.id));
        const perObligation = new Map<string, number>();
        for (const a of after)
          if (a.obligationId !== undefined && oneOff.has(a.obligationId))
            perObligation.set(a.obligationId, (perObligation.get(a.obligationId) ?? 0) + 1);
        expect([...perObligation.values()].every((n) => n === 1)).toBe(true);
      });

      it("an ad-hoc visit already arranged serves the student's obligation of its kind, and holds the teacher's evening", async () => {
        const adHoc = await engine.appointments.create(teacher, {
          studentId: "s-own",
          kind: "new_student",
          start: "2026-10-14T18:30:00+08:00",
          durationMinutes: 45,
          reason: "家长约定的时间",
        });
        const plan = await engine.plans.generate(principal, { term, limit: 200 });
        // The new student's visit, which the plan would otherwise give the 9th.
        const visit = plan.plan.obligations.find((o) => o.studentId === "s-own" && o.kind === "new_student");
        expect(visit).toBeDefined();
        const slots = plan.plan.slots.filter((s) => s.obligationId === visit?.id);
        expect(slots).toEqual([
          expect.objectContaining({
            appointmentId: adHoc.appointment.id,
            date: "2026-10-14",
            start: "18:30",
            end: "19:15",
          }),
        ]);
        // No other visit of the teacher overlaps it (travel included).
        for (const s of plan.plan.slots)
          if (s !== slots[0] && s.teacherId === "t-teacher" && s.date === "2026-10-14")
            expect(s.end <= "18:00" || s.start >= "19:45").toBe(true);
      });
    });

    describe("a student's data rights over the plans", () => {
      it("export holds their plan entries; erasure takes them out of every plan: obligations, slots with their appointments, gaps", async () => {
        const draft = await engine.plans.generate(principal, { term, limit: 200 });
        const committed = await engine.plans.commit(principal, {
          planId: draft.plan.id,
          expectedVersion: draft.version,
        });
        const other = await engine.plans.generate(principal, { term, limit: 200 });
        expect(JSON.stringify(committed.plan)).toContain('"s-own"');
        // Before: their data export holds both plans, narrowed to their entries.
        const exported = await engine.dataRights.export(principal, { studentId: "s-own" }, purpose);
        expect(exported.termPlans.map((p) => p.planId).sort()).toEqual([committed.plan.id, other.plan.id].sort());
        for (const part of exported.termPlans) {
          expect(part.obligations.length).toBeGreaterThan(0);
          const rows = [
            ...part.obligations,
            ...part.assignments,
            ...part.slots,
            ...part.unassigned,
            ...part.unscheduled,
          ];
          expect(rows.every((r) => r.studentId === "s-own")).toBe(true);
        }
        const student = await harness.storage.students.get("s-own");
        const out = await engine.dataRights.erase(
          principal,
          { studentId: "s-own", expectedVersion: student?.version ?? 1 },
          purpose,
        );
        expect(out.tombstone.removed).toMatchObject({ students: 1, termPlans: 2 });
        for (const planId of [committed.plan.id, other.plan.id]) {
          const stored = (await harness.storage.termPlans.get(planId))?.record;
          expect(stored).toBeDefined();
          // Not their id, nor an obligation id made from it (s-own-2 is another child).
          expect(JSON.stringify(stored)).not.toMatch(/s-own(?!-2)/);
          // The other students' visits stay, each slot with its appointment.
          expect(stored?.slots.some((s) => s.studentId === "s-own-2")).toBe(true);
          if (planId === committed.plan.id) expect(stored?.appointmentIds).toHaveLength(stored?.slots.length ?? -1);
        }
      });
    });

    describe("the personalised visit plan (R7)", () => {
      it("follows the student's categories; needs a purpose; scoped like a student read", async () => {
        await harness.storage.transaction((tx) =>
          tx.categoryFlags.create({
            id: "f-1",
            studentId: "s-own-2",
            category: "economic_hardship",
            validFrom: "2026-09-10",
            evidence: "父亲失业",
            flaggedBy: "t-class",
            flaggedAt: "2026-09-10T09:00:00+08:00",
          }),
        );
        const flagged = await engine.plans.visitPlan(principal, { studentId: "s-own-2", date: "2026-10-15" }, purpose);
        expect(flagged.plan.studentId).toBe("s-own-2");
        expect(flagged.plan.triggers.map((t) => t.key)).toContain("economic_hardship");
        expect(flagged.plan.mentorNeeded).toBe(true);
        const plain = await engine.plans.visitPlan(principal, { studentId: "s-own" }, purpose);
        expect(plain.plan.date).toBe("2026-10-08");
        expect(plain.plan.triggers.map((t) => t.key)).not.toContain("economic_hardship");
        expect(await codeOf(engine.plans.visitPlan(principal, { studentId: "s-own" }))).toBe("purpose_required");
        expect(await codeOf(engine.plans.visitPlan(teacher, { studentId: "s-other" }, purpose))).toBe("not_found");
      });
    });
  });
}
