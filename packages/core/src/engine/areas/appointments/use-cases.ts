import { type Appointment, proposeAppointment, transitionAppointment } from "../../../domain/appointment/index.js";
import { appointmentsToICalendar } from "../../../planning/ical.js";
import { expandRecurrence } from "../../../planning/rrule.js";
import { decodeCursor, encodeCursor } from "../../../ports/paging.js";
import type { TimetableSource } from "../../../ports/timetable.js";
import { shanghaiDate } from "../../../shared/dates.js";
import { studentTarget } from "../../targets.js";
import { implementUseCase, type UseCaseContext } from "../../use-case.js";
import { loadAll } from "../../util.js";
import { actorStudentRelations, checkVersion, listTarget, rowAllowed, studentRecordTarget } from "../area-kit.js";
import { checkAdHocAppointment } from "./ad-hoc.js";
import { type AppointmentSummary, appointmentContracts } from "./contract.js";
import { schoolAllowedHours } from "./school-hours.js";

/**
 * Masks an appointment for lists: the channel's type only (an alternative venue's reason is
 * about the family), the town and village, no street detail, no history, no reasons.
 *
 * @example
 * ```ts
 * toAppointmentSummary(appointment, 3);
 * // { id: "ap-1", channel: { type: "in_home" }, status: "confirmed", location: { town: "碧湖镇" }, version: 3, … }
 * ```
 */
export function toAppointmentSummary(a: Appointment, version: number): AppointmentSummary {
  return {
    id: a.id,
    schoolId: a.schoolId,
    studentId: a.studentId,
    teacherId: a.teacherId,
    companionIds: [...a.companionIds],
    kind: a.kind,
    channel: { type: a.channel.type },
    status: a.status,
    start: a.start,
    durationMinutes: a.durationMinutes,
    ...(a.location === undefined ? {} : { location: a.location }),
    version,
  };
}

/** What the appointments area needs from the engine besides storage. */
export interface AppointmentDeps {
  /** The host's timetable: an ad-hoc visit over a lesson or duty is refused. Without it nobody is busy. */
  timetable?: TimetableSource | undefined;
}

/**
 * The ad-hoc appointment use case, bound to the host's timetable port.
 *
 * @example
 * ```ts
 * const create = createAppointmentUseCase({ timetable: staticTimetable(slots) });
 * ```
 */
export function createAppointmentUseCase(deps: AppointmentDeps = {}) {
  return implementUseCase(appointmentContracts.create, {
    resolveTarget: (ctx, input) => studentTarget(ctx, input.studentId),
    async run(ctx, input) {
      const student = ctx.target.data.record;
      const teacherId = ctx.actor.id;
      const date = shanghaiDate(input.start);
      // The teacher's appointments that day, as lead or companion (companions have no index).
      const sameDay = await loadAll((cursor) =>
        ctx.tx.appointments.list({ where: { schoolId: student.schoolId, startDate: date }, cursor, limit: 1000 }),
      );
      const mine = sameDay
        .map((row) => row.record)
        .filter((a) => a.teacherId === teacherId || a.companionIds.includes(teacherId));
      mine.push(...(await recurringOn(ctx, student.schoolId, teacherId, date)));
      const busy =
        deps.timetable === undefined
          ? []
          : await deps.timetable.busySlots({
              schoolId: student.schoolId,
              teacherIds: [teacherId],
              from: date,
              to: date,
            });
      checkAdHocAppointment(
        { kind: input.kind, start: input.start, durationMinutes: input.durationMinutes, teacherId },
        mine,
        busy,
        await schoolAllowedHours(ctx, student.schoolId, date),
      );
      const home = student.address;
      const location =
        input.location ??
        (input.channel.type === "in_home"
          ? { county: home.county, town: home.town, ...(home.village === undefined ? {} : { village: home.village }) }
          : undefined);
      const appointment = proposeAppointment({
        id: ctx.newId(),
        schoolId: student.schoolId,
        studentId: student.id,
        teacherId,
        kind: input.kind,
        channel: input.channel,
        start: input.start,
        durationMinutes: input.durationMinutes,
        reason: input.reason,
        ...(location === undefined ? {} : { location }),
      });
      const stored = await ctx.tx.appointments.create(appointment);
      ctx.recordChange({ entity: "appointments", before: undefined, after: stored.record });
      ctx.auditDetail("kind", input.kind);
      ctx.auditDetail("channel", input.channel.type);
      ctx.emit("appointment.arranged", { appointmentId: appointment.id, studentId: student.id, teacherId });
      return { appointment: stored.record, version: stored.version };
    },
  });
}

/** The appointments area's use cases. */
export const appointmentUseCases = {
  create: createAppointmentUseCase(),

  transition: implementUseCase(appointmentContracts.transition, {
    async resolveTarget(ctx, input) {
      const stored = await ctx.tx.appointments.get(input.appointmentId);
      if (!stored) return undefined;
      const a = stored.record;
      return studentRecordTarget(ctx, "appointments", stored, a.studentId, [a.teacherId, ...a.companionIds]);
    },
    async run(ctx, input) {
      const before = ctx.target.data.stored.record;
      checkVersion(ctx.target.data.stored, input.expectedVersion);
      const next = transitionAppointment(before, input.event, {
        ...input.payload,
        at: ctx.now,
        by: ctx.actor.id,
      } as never);
      const stored = await ctx.tx.appointments.update(before.id, next, { expectedVersion: input.expectedVersion });
      ctx.recordChange({ entity: "appointments", before, after: stored.record });
      ctx.auditDetail("event", input.event);
      ctx.auditDetail("status", stored.record.status);
      const ids = { appointmentId: before.id, studentId: before.studentId, teacherId: before.teacherId };
      ctx.emit("appointment.transitioned", { ...ids, event: input.event, status: stored.record.status });
      if (stored.record.status === "completed") ctx.emit("visit.completed", ids);
      if (stored.record.status === "missed") ctx.emit("appointment.missed", ids);
      if (stored.record.status === "cancelled") {
        ctx.emit("appointment.cancelled", {
          ...ids,
          makeUpRequired: stored.record.cancellation?.makeUpRequired ?? false,
        });
      }
      return { appointment: stored.record, version: stored.version };
    },
  }),

  list: implementUseCase(appointmentContracts.list, {
    resolveTarget: (ctx) => listTarget(ctx, "appointments"),
    async run(ctx, input) {
      const schoolId = ctx.target.data.schoolId;
      if (schoolId === undefined) return { items: [] };
      const rows = await loadAll((cursor) =>
        ctx.tx.appointments.list({
          where: {
            schoolId,
            ...(input.teacherId === undefined ? {} : { teacherId: input.teacherId }),
            ...(input.studentId === undefined ? {} : { studentId: input.studentId }),
            ...(input.status === undefined ? {} : { status: input.status }),
          },
          cursor,
          limit: 1000,
        }),
      );
      const rel = await actorStudentRelations(ctx.tx, ctx.actor, schoolId, ctx.today);
      const after = input.cursor === undefined ? undefined : decodeCursor(input.cursor);
      const visible = rows.filter((row) => {
        const a = row.record;
        const day = shanghaiDate(a.start);
        if (input.from !== undefined && day < input.from) return false;
        if (input.to !== undefined && day > input.to) return false;
        if (after !== undefined && a.id <= after) return false;
        const own = a.teacherId === ctx.actor.id || a.companionIds.includes(ctx.actor.id);
        return rowAllowed(ctx.actor, "appointments.read", ctx.target.policy, {
          schoolId: row.tenant.schoolId,
          own,
          assigned: own,
          classTeacher: rel.classTeacher.has(a.studentId),
          mentor: rel.mentor.has(a.studentId),
        });
      });
      const page = visible.slice(0, input.limit);
      const items = page.map((row) => toAppointmentSummary(row.record, row.version));
      const last = page.at(-1);
      return visible.length > input.limit && last ? { items, nextCursor: encodeCursor(last.record.id) } : { items };
    },
  }),

  ical: implementUseCase(appointmentContracts.ical, {
    async resolveTarget(ctx) {
      const target = await listTarget(ctx, "appointments");
      // Only the actor's own feed: the "self" reach decides.
      return { ...target, policy: { ...target.data, own: true, assigned: true } };
    },
    async run(ctx, input) {
      const schoolId = ctx.target.data.schoolId;
      if (schoolId === undefined) return { ics: "", count: 0 };
      const rows = await loadAll((cursor) => ctx.tx.appointments.list({ where: { schoolId }, cursor, limit: 1000 }));
      const mine = rows
        .map((r) => r.record)
        .filter(
          (a) => a.status !== "cancelled" && (a.teacherId === ctx.actor.id || a.companionIds.includes(ctx.actor.id)),
        );
      const ics = appointmentsToICalendar(mine, {
        calendarName: input.calendarName ?? (ctx.config.locale === "en" ? "Home visits" : "我的家访"),
        dtstamp: feedStamp(mine, ctx.now),
        locale: ctx.config.locale,
        teacherId: ctx.actor.id,
      });
      return { ics, count: mine.length };
    },
  }),
};

/**
 * The occurrences on `date` of the recurring appointments (a mentor's weekly contacts) the
 * teacher leads that started earlier: each as an appointment at that day's wall-clock time.
 */
async function recurringOn(
  ctx: { tx: UseCaseContext["tx"] },
  schoolId: string,
  teacherId: string,
  date: string,
): Promise<Appointment[]> {
  const rows = await loadAll((cursor) =>
    ctx.tx.appointments.list({ where: { schoolId, teacherId }, cursor, limit: 1000 }),
  );
  const out: Appointment[] = [];
  for (const { record: a } of rows) {
    const first = shanghaiDate(a.start);
    if (a.rrule === undefined || first >= date) continue;
    const days = expandRecurrence(`RRULE:${a.rrule}`, { from: date, to: date }, { anchor: first });
    if (days.includes(date)) out.push({ ...a, start: `${date}${a.start.slice(10)}` });
  }
  return out;
}

/**
 * The DTSTAMP of a teacher's feed: when its content last changed (the latest transition of its
 * appointments), else the start of today (UTC) — not the request time, so that an unchanged feed
 * reads the same bytes on every poll and a calendar app's `If-None-Match` gets a 304.
 */
function feedStamp(appointments: readonly Appointment[], now: string): string {
  let latest: number | undefined;
  for (const a of appointments) {
    for (const t of a.history) {
      const at = Date.parse(t.at);
      if (latest === undefined || at > latest) latest = at;
    }
  }
  return latest === undefined ? `${now.slice(0, 10)}T00:00:00.000Z` : new Date(latest).toISOString();
}

/**
 * The appointments area's use cases bound to the host's timetable port (the engine binds them so).
 *
 * @example
 * ```ts
 * const appointments = appointmentUseCasesFor({ timetable: staticTimetable(slots) });
 * ```
 */
export function appointmentUseCasesFor(deps: AppointmentDeps) {
  return { ...appointmentUseCases, create: createAppointmentUseCase(deps) };
}
