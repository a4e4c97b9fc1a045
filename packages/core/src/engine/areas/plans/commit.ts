import type * as z from "zod";
import { proposeAppointment } from "../../../domain/appointment/index.js";
import { arrangedAppointmentsPerEvent } from "../../../domain/workflow-events.js";
import type { TermPlan } from "../../../domain/workflow-records.js";
import type { Stored } from "../../../ports/storage.js";
import { HomevisitError } from "../../../shared/errors/homevisit-error.js";
import type { UseCaseContext } from "../../use-case.js";
import { loadAll } from "../../util.js";
import { checkVersion } from "../area-kit.js";
import { defaultPageLimit } from "../contract-kit.js";
import type { planContracts } from "./contract.js";
import { handOverMentorships } from "./mentor-handover.js";
import { pagedPlan } from "./read.js";

type Commit = (typeof planContracts)["commit"];

/**
 * Commits a draft plan: the term's committed plan before it is superseded, each slot becomes a
 * proposed appointment (but one kept from a visit already arranged, whose appointment stands),
 * new mentorships start.
 */
export async function commitPlan(
  ctx: UseCaseContext<Stored<TermPlan>>,
  input: z.output<Commit["input"]>,
): Promise<z.output<Commit["output"]>> {
  checkVersion(ctx.target.data, input.expectedVersion);
  const plan = ctx.target.data.record;
  if (plan.status !== "draft") throw new HomevisitError("plan_not_draft");
  const others = await loadAll((cursor) =>
    ctx.tx.termPlans.list({
      where: { schoolId: plan.schoolId, termId: plan.termId, status: "committed" },
      cursor,
      limit: 1000,
    }),
  );
  for (const other of others) {
    await ctx.tx.termPlans.update(
      other.record.id,
      { ...other.record, status: "superseded" },
      { expectedVersion: other.version },
    );
  }
  const obligationOf = new Map(plan.obligations.map((o) => [o.id, o]));
  const students = await ctx.tx.students.getMany([
    ...new Set(plan.slots.filter((s) => s.appointmentId === undefined).map((s) => s.studentId)),
  ]);
  const addressOf = new Map(students.map((s) => [s.record.id, s.record.address]));
  // A slot kept from a visit arranged before the plan has its appointment already.
  const appointmentIds = plan.slots.map((slot) => slot.appointmentId ?? ctx.newId());
  const appointments = plan.slots.flatMap((slot, i) => {
    if (slot.appointmentId !== undefined) return [];
    const address = addressOf.get(slot.studentId);
    return proposeAppointment({
      id: appointmentIds[i] as string,
      schoolId: plan.schoolId,
      studentId: slot.studentId,
      teacherId: slot.teacherId,
      companionIds: slot.companionId === undefined ? [] : [slot.companionId],
      obligationId: slot.obligationId.slice(0, 200),
      kind: obligationOf.get(slot.obligationId)?.kind ?? "universal",
      start: localStart(slot.date, slot.start),
      durationMinutes: Math.max(5, minutesBetween(slot.start, slot.end)),
      ...(address ? { location: { county: address.county, town: address.town, village: address.village } } : {}),
    });
  });
  if (appointments.length > 0) await ctx.tx.appointments.createMany(appointments);
  const mentorships = await handOverMentorships(ctx, plan);
  const next: TermPlan = {
    ...plan,
    status: "committed",
    committedBy: ctx.actor.id,
    committedAt: ctx.now,
    appointmentIds,
  };
  const stored = await ctx.tx.termPlans.update(plan.id, next, { expectedVersion: input.expectedVersion });
  ctx.recordChange({
    entity: "termPlans",
    before: { status: plan.status, planNumber: plan.planNumber },
    after: { status: next.status, planNumber: next.planNumber },
  });
  ctx.auditDetail("appointments", appointments.length);
  ctx.auditDetail("mentorships", mentorships);
  ctx.emit("plan.committed", {
    planId: plan.id,
    termId: plan.termId,
    planNumber: plan.planNumber,
    appointments: appointments.length,
    mentorships,
  });
  // Families are told per appointment by the host; one event per part of the plan keeps a
  // school's thousands of appointments to a few outbox rows in this transaction.
  const parts = Math.ceil(appointments.length / arrangedAppointmentsPerEvent);
  for (let i = 0; i < parts; i++) {
    const appointmentIds = appointments
      .slice(i * arrangedAppointmentsPerEvent, (i + 1) * arrangedAppointmentsPerEvent)
      .map((a) => a.id);
    ctx.emit("appointments.arranged", { planId: plan.id, termId: plan.termId, appointmentIds, part: i + 1, parts });
  }
  return pagedPlan(stored.record, stored.version, undefined, defaultPageLimit);
}

function localStart(date: string, time: string): string {
  return `${date}T${time}:00+08:00`;
}

function minutesBetween(from: string, to: string): number {
  const m = (t: string) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3, 5));
  return m(to) - m(from);
}
