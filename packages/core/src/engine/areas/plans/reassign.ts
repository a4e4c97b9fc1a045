import type * as z from "zod";
import { reassignCaseload } from "../../../planning/assignment.js";
import { HomevisitError } from "../../../shared/errors/homevisit-error.js";
import type { UseCaseContext } from "../../use-case.js";
import { loadAll } from "../../util.js";
import type { planContracts } from "./contract.js";
import { loadSchoolWorld } from "./school-world.js";

type Reassign = (typeof planContracts)["reassign"];

/**
 * Moves a departing teacher's caseload in the term's committed plan: obligations not yet
 * completed go to colleagues, their open appointments follow, mentorships end and restart.
 */
export async function reassignPlan(
  ctx: UseCaseContext,
  schoolId: string,
  input: z.output<Reassign["input"]>,
): Promise<z.output<Reassign["output"]>> {
  const plans = await loadAll((cursor) =>
    ctx.tx.termPlans.list({
      where: { schoolId, termId: input.termId, status: "committed" },
      cursor,
      limit: 1000,
    }),
  );
  const current = plans[0];
  if (!current) throw new HomevisitError("plan_not_committed");
  const plan = current.record;
  const world = await loadSchoolWorld(ctx, schoolId);
  const appointments = await loadAll((cursor) =>
    ctx.tx.appointments.list({ where: { schoolId }, cursor, limit: 1000 }),
  );
  const completed = appointments
    .filter((a) => a.record.status === "completed" && a.record.obligationId !== undefined)
    .map((a) => a.record.obligationId as string);
  const teachers = world.teachers.map((t) =>
    t.id === input.teacherId && (t.leftOn === undefined || t.leftOn > input.leftOn)
      ? { ...t, leftOn: input.leftOn }
      : t,
  );
  const result = reassignCaseload(
    { assignments: plan.assignments, mentorships: plan.mentorships, uncovered: [], missingCompanions: [] },
    {
      school: world.school,
      term: plan.term,
      teachers,
      classes: world.classes,
      students: world.students,
      obligations: plan.obligations,
      teacherId: input.teacherId,
      leftOn: input.leftOn,
      completedObligationIds: completed,
    },
  );
  let appointmentsMoved = 0;
  for (const move of result.moved) {
    if (move.role === "mentor") continue;
    for (const a of appointments) {
      const r = a.record;
      if (r.obligationId !== move.obligationId || ["completed", "missed", "cancelled", "refused"].includes(r.status))
        continue;
      let next = r;
      if (
        move.role === "lead" &&
        r.teacherId === move.from &&
        move.to !== undefined &&
        !r.companionIds.includes(move.to)
      ) {
        next = { ...r, teacherId: move.to, version: r.version + 1 };
      } else if (move.role === "companion" && r.companionIds.includes(move.from)) {
        const companionIds = r.companionIds.filter((c) => c !== move.from);
        if (move.to !== undefined && move.to !== r.teacherId) companionIds.push(move.to);
        next = { ...r, companionIds, version: r.version + 1 };
      }
      if (next === r) continue;
      await ctx.tx.appointments.update(r.id, next, { expectedVersion: a.version });
      appointmentsMoved += 1;
    }
  }
  const mentorMoves = result.moved.filter((m) => m.role === "mentor");
  if (mentorMoves.length > 0) {
    const mentorships = await loadAll((cursor) =>
      ctx.tx.mentorships.list({ where: { schoolId, mentorId: input.teacherId }, cursor, limit: 1000 }),
    );
    for (const m of mentorships) {
      if (m.record.until !== undefined && m.record.until < input.leftOn) continue;
      if (!mentorMoves.some((mv) => mv.studentId === m.record.studentId)) continue;
      const until = input.leftOn < m.record.since ? m.record.since : input.leftOn;
      await ctx.tx.mentorships.update(m.record.id, { ...m.record, until }, { expectedVersion: m.version });
      ctx.emit("mentorship.ended", {
        mentorshipId: m.record.id,
        studentId: m.record.studentId,
        mentorId: input.teacherId,
      });
    }
    for (const move of mentorMoves) {
      if (move.to === undefined) continue;
      const created = await ctx.tx.mentorships.create({
        id: ctx.newId(),
        schoolId,
        studentId: move.studentId,
        mentorId: move.to,
        since: input.leftOn,
      });
      ctx.emit("mentorship.assigned", {
        mentorshipId: created.record.id,
        studentId: move.studentId,
        mentorId: move.to,
      });
    }
  }
  const stored = await ctx.tx.termPlans.update(
    plan.id,
    { ...plan, assignments: result.plan.assignments, mentorships: result.plan.mentorships },
    { expectedVersion: current.version },
  );
  const uncovered = result.moved.filter((m) => m.to === undefined).length;
  ctx.auditDetail("moved", result.moved.length);
  ctx.emit("caseload.reassigned", {
    planId: plan.id,
    teacherId: input.teacherId,
    moved: result.moved.length,
    uncovered,
    appointmentsMoved,
  });
  return {
    planId: plan.id,
    version: stored.version,
    moved: result.moved.map((m) => ({
      ...(m.obligationId === undefined ? {} : { obligationId: m.obligationId }),
      studentId: m.studentId,
      role: m.role,
      from: m.from,
      ...(m.to === undefined ? {} : { to: m.to }),
      reason: m.reason,
    })),
    appointmentsMoved,
  };
}
