import type * as z from "zod";
import { type Appointment, openAppointmentStatuses } from "../../../domain/appointment/index.js";
import { assignVisitors } from "../../../planning/assignment.js";
import { deriveObligations } from "../../../planning/obligations.js";
import { planQuality } from "../../../planning/quality.js";
import { defaultObligationRules, resolveObligationRules } from "../../../planning/rules.js";
import { type ArrangedVisit, scheduleVisits } from "../../../planning/schedule.js";
import { visitDate } from "../../../ports/entities.js";
import type { TimetableSource } from "../../../ports/timetable.js";
import { addDays, shanghaiDate, shanghaiTime } from "../../../shared/dates.js";
import type { UseCaseContext } from "../../use-case.js";
import { loadAll } from "../../util.js";
import type { planContracts } from "./contract.js";
import { followingMentor, handovers, startingFrom } from "./mentor-handover.js";
import { pagedPlan } from "./read.js";
import { loadSchoolWorld } from "./school-world.js";

type Generate = (typeof planContracts)["generate"];

/**
 * The first day a plan places visits on: the one the caller chose, else the day after today
 * (the families are told first), else the term's first day when that is later.
 */
function firstPlanDay(termStart: string, today: string, chosen: string | undefined): string {
  if (chosen !== undefined) return chosen;
  const tomorrow = addDays(today, 1);
  return tomorrow > termStart ? tomorrow : termStart;
}

/**
 * The school's open appointments in the term as visits already arranged: a plan made mid-term
 * keeps them (the families were told) instead of booking the same visits again.
 */
function arrangedVisits(open: readonly Appointment[], term: { start: string; end: string }): ArrangedVisit[] {
  const out: ArrangedVisit[] = [];
  for (const a of open) {
    const date = shanghaiDate(a.start);
    if (date < term.start || date > term.end) continue;
    // A visit that would run past midnight holds the rest of its day.
    const end = new Date(Date.parse(a.start) + a.durationMinutes * 60_000).toISOString();
    out.push({
      appointmentId: a.id,
      ...(a.obligationId === undefined ? {} : { obligationId: a.obligationId }),
      studentId: a.studentId,
      kind: a.kind,
      teacherId: a.teacherId,
      companionIds: a.companionIds,
      date,
      start: shanghaiTime(a.start),
      end: shanghaiDate(end) === date ? shanghaiTime(end) : "23:59",
    });
  }
  return out;
}

/**
 * Generates a school's draft plan for a term: obligations from the rules and the school's
 * records, visitors assigned (continuing the last committed plan), visits scheduled around the
 * host's timetable, and the plan's quality, stored as one draft.
 */
export async function generatePlan(
  ctx: UseCaseContext,
  schoolId: string,
  input: z.output<Generate["input"]>,
  timetable: TimetableSource | undefined,
): Promise<z.output<Generate["output"]>> {
  const world = await loadSchoolWorld(ctx, schoolId);
  const studentIds = world.students.map((s) => s.id);
  const [flags, visits, plans, open] = await Promise.all([
    studentIds.length === 0
      ? []
      : loadAll((cursor) => ctx.tx.categoryFlags.list({ where: { studentId: studentIds }, cursor, limit: 1000 })),
    loadAll((cursor) => ctx.tx.visitRecords.list({ where: { schoolId, completed: 1 }, cursor, limit: 1000 })),
    loadAll((cursor) => ctx.tx.termPlans.list({ where: { schoolId }, cursor, limit: 1000 })),
    loadAll((cursor) =>
      ctx.tx.appointments.list({ where: { schoolId, status: [...openAppointmentStatuses] }, cursor, limit: 1000 }),
    ),
  ]);
  let rules = defaultObligationRules;
  for (const override of ctx.plugins.obligationRules()) rules = resolveObligationRules({ school: override }, rules);
  const obligations = deriveObligations({
    term: input.term,
    school: world.school,
    students: world.students,
    flags: flags.map((f) => f.record),
    mentorships: world.mentorships,
    rules,
    categoryLabels: ctx.plugins.pluginCategoryLabels(),
    date: ctx.today,
    previousVisits: visits.flatMap((v) => {
      const date = visitDate(v.record);
      return date === null ? [] : [{ studentId: v.record.studentId, date, inHome: v.record.channel === "in_home" }];
    }),
  });
  const previous = plans
    .map((p) => p.record)
    .filter((p) => p.status === "committed" && p.termId !== input.term.id)
    .sort((a, b) => a.term.start.localeCompare(b.term.start))
    .at(-1);
  const assigned = assignVisitors({
    school: world.school,
    term: input.term,
    teachers: world.teachers,
    classes: world.classes,
    students: world.students,
    obligations,
    mentorships: world.mentorships,
    ...(previous ? { previousAssignments: previous.assignments } : {}),
    ...(input.assignment ? { options: input.assignment } : {}),
  });
  const scheduleFrom = firstPlanDay(input.term.start, ctx.today, input.scheduleFrom);
  const busySlots =
    timetable === undefined
      ? []
      : await timetable.busySlots({
          schoolId,
          teacherIds: world.teachers.map((t) => t.id),
          from: scheduleFrom,
          to: input.term.end,
        });
  const mentorships = startingFrom(assigned.mentorships, world.mentorships, scheduleFrom);
  const mentorOf = new Map(mentorships.map((m) => [m.studentId, m.mentorId]));
  const schedule = scheduleVisits({
    term: input.term,
    ...(scheduleFrom === input.term.start
      ? {}
      : {
          notBefore: scheduleFrom,
          // A month's contact not made yet is still owed in what is left of its month.
          contactsMade: visits.flatMap((v) => {
            const date = v.record.kind === "mentor_contact" ? visitDate(v.record) : null;
            return date === null ? [] : [{ studentId: v.record.studentId, date }];
          }),
        }),
    assignments: assigned.assignments,
    obligations,
    students: world.students,
    busySlots,
    // A mentee handed to a new mentor: their contacts already arranged pass to the new one.
    arranged: arrangedVisits(
      open.map((a) => followingMentor(a.record, mentorOf, scheduleFrom)),
      input.term,
    ),
    ...(input.schedule ? { options: input.schedule } : {}),
  });
  const quality = planQuality(assigned, {
    term: input.term,
    teachers: world.teachers,
    obligations,
    students: world.students,
    ...(previous ? { previousAssignments: previous.assignments } : {}),
    ...(input.assignment ? { options: input.assignment } : {}),
  });
  const committedBefore = plans.filter((p) => p.record.termId === input.term.id && p.record.status !== "draft").length;
  const stored = await ctx.tx.termPlans.create({
    id: ctx.newId(),
    schoolId,
    termId: input.term.id,
    term: input.term,
    status: "draft",
    planNumber: committedBefore + 1,
    obligations: JSON.parse(JSON.stringify(obligations)),
    assignments: assigned.assignments,
    mentorships,
    slots: schedule.slots,
    unassigned: [...assigned.uncovered, ...assigned.missingCompanions].map((u) => ({
      obligationId: u.obligationId,
      studentId: u.studentId,
      code: u.code,
      reason: u.reason,
    })),
    unscheduled: schedule.unscheduled.map((u) => ({
      obligationId: u.obligationId,
      studentId: u.studentId,
      ...(u.occurrence === undefined ? {} : { occurrence: u.occurrence }),
      code: u.code,
      reason: u.reason,
    })),
    quality: {
      coverage: quality.coverage,
      uncoveredStudentIds: quality.uncovered.map((u) => u.studentId),
      teachersWithZeroVisits: quality.teachersWithZeroVisits,
      loadImbalance: quality.loadImbalance,
      continuityRate: quality.continuityRate,
      studentsWithoutMentor: quality.studentsWithoutMentor,
      mentorHandovers: handovers(mentorships, world.mentorships),
      loads: quality.loads,
      ok: quality.ok,
    },
    generatedBy: ctx.actor.id,
    generatedAt: ctx.now,
    ...(scheduleFrom === input.term.start ? {} : { scheduleFrom }),
    // Kept so that ad-hoc appointments of the term keep to the hours the school planned with.
    ...(input.schedule ? { allowedHours: input.schedule.allowedHours } : {}),
  });
  ctx.auditDetail("obligations", obligations.length);
  ctx.auditDetail("slots", schedule.slots.length);
  ctx.emit("plan.generated", {
    planId: stored.record.id,
    termId: input.term.id,
    obligations: obligations.length,
    unscheduled: schedule.unscheduled.length,
  });
  return pagedPlan(stored.record, stored.version, undefined, input.limit);
}
