import * as z from "zod";
import {
  type Appointment,
  appointmentChannelTypes,
  appointmentDurationSchema,
  appointmentEventSchema,
  appointmentInstantSchema,
  appointmentLocationSchema,
  appointmentSchema,
  appointmentStatusSchema,
  transitionAppointment,
} from "../../domain/appointment.js";
import { appointmentsToICalendar } from "../../planning/ical.js";
import { visitKindSchema } from "../../domain/planning.js";
import { idSchema, isoDateSchema, noteSchema, shortTextSchema } from "../../shared/primitives.js";
import { withSensitivity } from "../../shared/sensitivity.js";
import { shanghaiDate } from "../../ports/entities.js";
import { decodeCursor, encodeCursor } from "../../ports/paging.js";
import { defineUseCase } from "../use-case.js";
import { loadAll } from "../util.js";
import {
  actorStudentRelations,
  checkVersion,
  expectedVersionSchema,
  listTarget,
  pageInput,
  rowAllowed,
  studentRecordTarget,
} from "./shared.js";

/**
 * The appointments area (R12): every transition of the appointment state machine
 * (`planning/appointments.ts`) as one use case, masked lists, and a teacher's own iCalendar feed.
 */

/** What a list shows of an appointment: no street, no reasons, no notes (RELIABILITY.md 3). */
export const appointmentSummarySchema = z.strictObject({
  id: idSchema,
  schoolId: idSchema,
  studentId: idSchema,
  teacherId: idSchema,
  companionIds: z.array(idSchema),
  kind: visitKindSchema,
  channel: z.enum(appointmentChannelTypes),
  status: appointmentStatusSchema,
  start: z.string(),
  durationMinutes: z.int(),
  location: appointmentLocationSchema.optional(),
  version: z.int(),
});
/** A masked appointment. */
export type AppointmentSummary = z.infer<typeof appointmentSummarySchema>;

/**
 * Masks an appointment for lists: the channel's type only (an alternative venue's reason is
 * about the family), the town and village, no street detail, no history, no reasons.
 *
 * @example
 * ```ts
 * toAppointmentSummary(appointment, 3);
 * // { id: "ap-1", channel: "in_home", status: "confirmed", location: { town: "碧湖镇" }, version: 3, … }
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
    channel: a.channel.type,
    status: a.status,
    start: a.start,
    durationMinutes: a.durationMinutes,
    ...(a.location === undefined ? {} : { location: a.location }),
    version,
  };
}

/** What a transition may carry besides the event; which fields an event needs is the state machine's table. */
const transitionPayloadSchema = z.strictObject({
  note: noteSchema.optional(),
  start: appointmentInstantSchema.optional(),
  durationMinutes: appointmentDurationSchema.optional(),
  venue: withSensitivity(shortTextSchema.min(1).optional(), "personal"),
  reason: withSensitivity(shortTextSchema.min(1).optional(), "sensitive"),
  location: appointmentLocationSchema.optional(),
  cancelledBy: z.enum(["staff", "family"]).optional(),
  makeUpRequired: z.boolean().optional(),
});

const appointmentOutput = z.strictObject({ appointment: appointmentSchema, version: z.int() });

/** The appointments area's use cases. */
export const appointmentUseCases = {
  /**
   * Moves an appointment through one event of the state machine (contact, confirm, reschedule,
   * decline_home, propose_venue, refuse, depart, complete, miss, cancel). `at` is the engine's
   * clock and `by` the actor; `expectedVersion` is the version read (stale: `version_conflict`).
   * Emits `appointment.transitioned`, and `visit.completed`, `appointment.missed` or
   * `appointment.cancelled` when the appointment ends so.
   *
   * @example
   * ```ts
   * await engine.appointments.transition(teacher, { appointmentId: "ap-1", event: "contact", expectedVersion: 1 });
   * // { appointment: { id: "ap-1", status: "contacted", version: 2, history: [{ event: "contact", … }], … }, version: 2 }
   * ```
   */
  transition: defineUseCase({
    action: "appointments.transition",
    entity: "appointments",
    description: { "zh-CN": "更新预约状态", en: "Move an appointment on" },
    input: z.strictObject({
      appointmentId: idSchema,
      event: appointmentEventSchema,
      payload: transitionPayloadSchema.default({}),
      expectedVersion: expectedVersionSchema,
    }),
    output: appointmentOutput,
    targetKind: "record",
    http: { method: "POST", path: "/appointments/{appointmentId}/transitions" },
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

  /**
   * Lists the appointments the actor may see, masked: a teacher their own (lead or companion),
   * a class teacher also their class's, a mentor their mentees', principals and school admins
   * the whole school. Filters by teacher, student, status and start date; ordered by id.
   *
   * @example
   * ```ts
   * await engine.appointments.list(teacher, { status: "confirmed" });
   * // { items: [{ id: "ap-1", channel: "in_home", status: "confirmed", location: { town: "碧湖镇" }, … }] }
   * ```
   */
  list: defineUseCase({
    action: "appointments.read",
    entity: "appointments",
    description: { "zh-CN": "查看家访预约（脱敏）", en: "List appointments (masked)" },
    input: z.strictObject({
      teacherId: idSchema.optional(),
      studentId: idSchema.optional(),
      status: appointmentStatusSchema.optional(),
      from: isoDateSchema.optional(),
      to: isoDateSchema.optional(),
      ...pageInput,
    }),
    output: z.strictObject({ items: z.array(appointmentSummarySchema), nextCursor: z.string().optional() }),
    targetKind: "collection",
    http: { method: "GET", path: "/appointments" },
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

  /**
   * The actor's own iCalendar feed: every appointment they lead or accompany, not cancelled,
   * with masked names and the town/village only (see `appointmentsToICalendar`).
   *
   * @example
   * ```ts
   * const { ics } = await engine.appointments.ical(teacher, {});
   * ics.startsWith("BEGIN:VCALENDAR"); // true
   * ```
   */
  ical: defineUseCase({
    action: "appointments.read",
    entity: "appointments",
    description: { "zh-CN": "我的家访日历（iCalendar）", en: "My visit calendar (iCalendar)" },
    input: z.strictObject({ calendarName: shortTextSchema.min(1).optional() }),
    output: z.strictObject({ ics: z.string(), count: z.int() }),
    targetKind: "collection",
    http: { method: "GET", path: "/appointments/calendar.ics" },
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
