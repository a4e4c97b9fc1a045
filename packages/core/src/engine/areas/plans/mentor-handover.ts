import { type Appointment, openAppointmentStatuses } from "../../../domain/appointment/index.js";
import type { StoredMentorship } from "../../../domain/consent.js";
import type { Mentorship } from "../../../domain/planning.js";
import type { TermPlan } from "../../../domain/workflow-records.js";
import type { Stored } from "../../../ports/storage.js";
import { addDays, shanghaiDate } from "../../../shared/dates.js";
import type { UseCaseContext } from "../../use-case.js";
import { loadAll } from "../../util.js";

/**
 * An open appointment as a plan's mentors leave it: a mentee's contact from `from` on is the
 * mentor's the plan names for them, whoever it was arranged with (a mentee handed to a new mentor
 * is contacted by the new one). Anything else is returned as it is.
 *
 * @example
 * ```ts
 * followingMentor(contact, new Map([["stu-1", "t-new"]]), "2026-10-09").teacherId; // "t-new"
 * ```
 */
export function followingMentor(
  appointment: Appointment,
  mentorOf: ReadonlyMap<string, string>,
  from: string,
): Appointment {
  if (appointment.kind !== "mentor_contact") return appointment;
  const mentor = mentorOf.get(appointment.studentId);
  if (mentor === undefined || mentor === appointment.teacherId || shanghaiDate(appointment.start) < from)
    return appointment;
  return { ...appointment, teacherId: mentor };
}

/**
 * The plan's mentorships, a mentor it appoints beginning on the plan's first day rather than on a
 * day before the plan was made; the ones in force stay as they are.
 *
 * @example
 * ```ts
 * startingFrom([{ studentId: "s1", mentorId: "t2", since: "2026-09-01" }], [], "2026-10-09")[0]?.since; // "2026-10-09"
 * ```
 */
export function startingFrom(
  planned: readonly Mentorship[],
  inForce: readonly Mentorship[],
  first: string,
): Mentorship[] {
  const kept = new Set(inForce.map((m) => `${m.studentId}/${m.mentorId}`));
  return planned.map((m) =>
    m.since < first && !kept.has(`${m.studentId}/${m.mentorId}`) ? { ...m, since: first } : m,
  );
}

/**
 * How many students a plan hands to a new mentor: they have a mentor in force, and the plan names
 * another.
 *
 * @example
 * ```ts
 * handovers([{ studentId: "s1", mentorId: "t2", since: "2026-10-09" }], [{ studentId: "s1", mentorId: "t1", since: "2026-09-01" }]); // 1
 * ```
 */
export function handovers(planned: readonly Mentorship[], inForce: readonly Mentorship[]): number {
  const current = new Map<string, Set<string>>();
  for (const m of inForce) current.set(m.studentId, (current.get(m.studentId) ?? new Set()).add(m.mentorId));
  return planned.filter((m) => {
    const mentors = current.get(m.studentId);
    return mentors !== undefined && !mentors.has(m.mentorId);
  }).length;
}

/**
 * Starts a committed plan's new mentorships and ends the ones they replace: a student has one
 * mentor at a time. A new mentor begins on the mentorship's day, or today when the plan is
 * committed later (never before the commit that appoints them); the mentor replaced ends the day
 * before (or on their own first day, when that is later), and their open contacts with the
 * student from then on pass to the new mentor, as the plan showed them. Returns how many began.
 */
export async function handOverMentorships(ctx: UseCaseContext<Stored<TermPlan>>, plan: TermPlan): Promise<number> {
  const existing = await loadAll((cursor) =>
    ctx.tx.mentorships.list({ where: { schoolId: plan.schoolId }, cursor, limit: 1000 }),
  );
  const activeByStudent = new Map<string, Stored<StoredMentorship>[]>();
  for (const m of existing) {
    if (m.record.until !== undefined && m.record.until < ctx.today) continue;
    activeByStudent.set(m.record.studentId, [...(activeByStudent.get(m.record.studentId) ?? []), m]);
  }
  let begun = 0;
  for (const m of plan.mentorships) {
    const active = activeByStudent.get(m.studentId) ?? [];
    if (active.some((a) => a.record.mentorId === m.mentorId)) continue;
    const since = m.since < ctx.today ? ctx.today : m.since;
    for (const old of active) {
      const dayBefore = addDays(since, -1);
      const until = dayBefore < old.record.since ? old.record.since : dayBefore;
      await ctx.tx.mentorships.update(old.record.id, { ...old.record, until }, { expectedVersion: old.version });
      ctx.emit("mentorship.ended", {
        mentorshipId: old.record.id,
        studentId: old.record.studentId,
        mentorId: old.record.mentorId,
      });
    }
    await passContacts(ctx, m.studentId, m.mentorId, since);
    const created = await ctx.tx.mentorships.create({ ...m, since, id: ctx.newId(), schoolId: plan.schoolId });
    begun += 1;
    ctx.emit("mentorship.assigned", {
      mentorshipId: created.record.id,
      studentId: m.studentId,
      mentorId: m.mentorId,
    });
  }
  return begun;
}

/** Gives a student's open contacts from `since` on to their new mentor. */
async function passContacts(ctx: UseCaseContext, studentId: string, mentorId: string, since: string): Promise<void> {
  const open = await loadAll((cursor) =>
    ctx.tx.appointments.list({
      where: { studentId, status: [...openAppointmentStatuses] },
      cursor,
      limit: 1000,
    }),
  );
  const mentorOf = new Map([[studentId, mentorId]]);
  for (const a of open) {
    const next = followingMentor(a.record, mentorOf, since);
    if (next !== a.record) await ctx.tx.appointments.update(a.record.id, next, { expectedVersion: a.version });
  }
}
