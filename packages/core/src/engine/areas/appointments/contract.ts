import * as z from "zod";
import {
  appointmentCancellerSchema,
  appointmentChannelSchema,
  appointmentChannelTypes,
  appointmentDurationSchema,
  appointmentEventSchema,
  appointmentInstantSchema,
  appointmentLocationSchema,
  appointmentSchema,
  appointmentStatusSchema,
} from "../../../domain/appointment/index.js";
import { visitKindSchema } from "../../../domain/planning.js";
import { withLabel } from "../../../shared/field-labels.js";
import { idSchema, isoDateSchema, noteSchema, shortTextSchema } from "../../../shared/primitives.js";
import { withSensitivity } from "../../../shared/sensitivity.js";
import { defineContract } from "../../contract.js";
import { expectedVersionSchema, pageInput } from "../contract-kit.js";

/**
 * The appointments area (R12): every transition of the appointment state machine
 * (`planning/appointments.ts`) as one use case, masked lists, and a teacher's own iCalendar feed.
 */

/**
 * An appointment's channel as lists show it: the same object as the full appointment's
 * `channel`, its `type` only (an alternative venue's place and reason are not shown).
 */
export const appointmentChannelSummarySchema = z
  .strictObject({ type: z.enum(appointmentChannelTypes) })
  .meta({ id: "AppointmentChannelSummary", description: "An appointment's channel, its type only (masked)" });

/** What a list shows of an appointment: no street, no reasons, no notes (RELIABILITY.md 3). */
export const appointmentSummarySchema = z.strictObject({
  id: idSchema,
  schoolId: idSchema,
  studentId: idSchema,
  teacherId: idSchema,
  companionIds: z.array(idSchema),
  kind: visitKindSchema,
  channel: appointmentChannelSummarySchema,
  status: appointmentStatusSchema,
  start: appointmentInstantSchema,
  durationMinutes: z.int(),
  location: appointmentLocationSchema.optional(),
  version: z.int(),
});
/** A masked appointment. */
export type AppointmentSummary = z.infer<typeof appointmentSummarySchema>;

/** What a transition may carry besides the event; which fields an event needs is the state machine's table. */
const transitionPayloadSchema = z.strictObject({
  note: withLabel(noteSchema.optional(), { "zh-CN": "备注", en: "Note" }),
  start: appointmentInstantSchema.optional(),
  durationMinutes: withLabel(appointmentDurationSchema.optional(), {
    "zh-CN": "时长（分钟）",
    en: "Duration (minutes)",
  }),
  venue: withLabel(withSensitivity(shortTextSchema.min(1).optional(), "personal"), {
    "zh-CN": "约定场所",
    en: "Meeting place",
  }),
  reason: withLabel(withSensitivity(shortTextSchema.min(1).optional(), "sensitive"), { "zh-CN": "原因", en: "Reason" }),
  location: withLabel(appointmentLocationSchema.optional(), { "zh-CN": "地点", en: "Location" }),
  cancelledBy: withLabel(appointmentCancellerSchema.optional(), { "zh-CN": "取消方", en: "Cancelled by" }),
  makeUpRequired: withLabel(z.boolean().optional(), { "zh-CN": "须补访", en: "Make-up visit needed" }),
});

const appointmentOutput = z.strictObject({ appointment: appointmentSchema, version: z.int() });

/** The school's visiting hours: those its plan for the term was scheduled with, else the planner's defaults. */
const allowedHoursText = {
  "zh-CN": "学校该学期已提交计划所用的允许时段；无则默认上课日 16:30–20:00，休息日 09:00–17:00",
  en: "those the school's committed plan for the term was scheduled with; else school days 16:30–20:00, rest days 09:00–17:00",
};

/** The appointments area's use cases. */
export const appointmentContracts = {
  /**
   * Arranges a visit outside the plan (an ad-hoc appointment): the actor is the lead teacher,
   * the student one they may arrange visits for (one they already visit, their class's, their
   * mentee; principals and school admins the whole school). Checked like planned visits: on a
   * day visits may happen (official holidays and closed days only for a crisis visit), within
   * the school's allowed hours (those its committed plan for the term was scheduled with, else
   * the planner's defaults), over none of the teacher's lessons or duties (the timetable port), and
   * not overlapping another appointment the teacher leads or
   * accompanies, an occurrence of their recurring contacts included (refused, missed and
   * cancelled ones do not count). Created `proposed`, with no
   * obligation and the reason stored (sensitive), and `appointment.arranged` emitted (ids
   * only) so the host can tell the family; the family is phoned next (R12).
   *
   * @example
   * ```ts
   * await engine.appointments.create(teacher, {
   *   studentId: "stu-1", kind: "priority", channel: { type: "in_home" },
   *   start: "2026-10-14T18:30:00+08:00", durationMinutes: 45, reason: "连续三天缺课",
   * }, { idempotencyKey: "arrange-1" });
   * // { appointment: { id: "…", status: "proposed", reason: "连续三天缺课", location: { town: "碧湖镇", … }, … }, version: 1 }
   * ```
   */
  create: defineContract({
    action: "appointments.create",
    entity: "appointments",
    description: { "zh-CN": "安排计划外的家访预约", en: "Arrange a visit outside the plan" },
    input: z.strictObject({
      studentId: idSchema,
      kind: visitKindSchema.default("universal"),
      channel: withLabel(withSensitivity(appointmentChannelSchema.clone(), "sensitive").default({ type: "in_home" }), {
        "zh-CN": "家访方式",
        en: "Channel",
      }),
      start: appointmentInstantSchema,
      durationMinutes: withLabel(appointmentDurationSchema.default(45), {
        "zh-CN": "时长（分钟）",
        en: "Duration (minutes)",
      }),
      reason: withLabel(withSensitivity(shortTextSchema.min(1), "sensitive"), { "zh-CN": "家访事由", en: "Reason" }),
      location: withLabel(appointmentLocationSchema.optional(), { "zh-CN": "家访地点", en: "Location" }),
    }),
    output: appointmentOutput,
    targetKind: "record",
    idempotent: true,
    errors: [
      "appointment_teacher_clash",
      "appointment_lesson_clash",
      "appointment_outside_allowed_hours",
      "appointment_on_holiday",
    ],
    preconditions: [
      {
        "zh-CN": `预约须落在允许的家访时段内（${allowedHoursText["zh-CN"]}），且在同一天内结束，否则 422 appointment_outside_allowed_hours`,
        en: `The visit must lie within the allowed hours (${allowedHoursText.en}) and end the same day, else 422 appointment_outside_allowed_hours`,
      },
      {
        "zh-CN": "法定节假日与不安排家访的日子只能安排危机家访（kind: crisis），否则 422 appointment_on_holiday",
        en: "On an official holiday or a closed day only a crisis visit (kind: crisis) may be arranged, else 422 appointment_on_holiday",
      },
      {
        "zh-CN": "不得占用本人在宿主课表中的上课或值班时间（家访不影响正常教学），否则 409 appointment_lesson_clash",
        en: "It must not fall on one of the teacher's lessons or duties in the host's timetable (visits never disturb teaching), else 409 appointment_lesson_clash",
      },
      {
        "zh-CN":
          "不得与本人主访或陪访的其他预约（含本人定期联系的当次）时间重叠（已拒绝、未见面、已取消的除外），否则 409 appointment_teacher_clash",
        en: "It must not overlap another appointment the teacher leads or accompanies, an occurrence of their recurring contacts included (refused, missed and cancelled ones aside), else 409 appointment_teacher_clash",
      },
    ],
    http: { method: "POST", path: "/appointments" },
  }),

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
  transition: defineContract({
    action: "appointments.transition",
    entity: "appointments",
    description: { "zh-CN": "更新预约状态", en: "Move an appointment on" },
    input: z.strictObject({
      appointmentId: idSchema,
      event: appointmentEventSchema,
      payload: withLabel(transitionPayloadSchema.default({}), { "zh-CN": "事件内容", en: "Event details" }),
      expectedVersion: expectedVersionSchema,
    }),
    output: appointmentOutput,
    targetKind: "record",
    errors: ["appointment_illegal_transition", "appointment_wrong_channel", "appointment_transition_out_of_order"],
    preconditions: [
      {
        "zh-CN": "事件须是当前状态允许的（见预约状态机），否则 409 appointment_illegal_transition",
        en: "The event must be one the current status allows (the appointment state machine), else 409 appointment_illegal_transition",
      },
    ],
    http: { method: "POST", path: "/appointments/{appointmentId}/transitions" },
  }),

  /**
   * Lists the appointments the actor may see, masked: a teacher their own (lead or companion),
   * a class teacher also their class's, a mentor their mentees', principals and school admins
   * the whole school. Filters by teacher, student, status and start date; ordered by id.
   *
   * @example
   * ```ts
   * await engine.appointments.list(teacher, { status: "confirmed" });
   * // { items: [{ id: "ap-1", channel: { type: "in_home" }, status: "confirmed", location: { town: "碧湖镇" }, … }] }
   * ```
   */
  list: defineContract({
    action: "appointments.read",
    entity: "appointments",
    description: { "zh-CN": "查看家访预约（脱敏）", en: "List appointments (masked)" },
    input: z.strictObject({
      teacherId: idSchema.optional(),
      studentId: idSchema.optional(),
      status: withLabel(appointmentStatusSchema.optional(), { "zh-CN": "预约状态", en: "Status" }),
      from: withLabel(isoDateSchema.optional(), { "zh-CN": "起始日期", en: "From" }),
      to: withLabel(isoDateSchema.optional(), { "zh-CN": "截止日期", en: "To" }),
      ...pageInput,
    }),
    output: z.strictObject({ items: z.array(appointmentSummarySchema), nextCursor: z.string().optional() }),
    targetKind: "collection",
    errors: ["storage_invalid_cursor"],
    http: { method: "GET", path: "/appointments" },
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
  ical: defineContract({
    action: "appointments.read",
    entity: "appointments",
    description: { "zh-CN": "我的家访日历（iCalendar）", en: "My visit calendar (iCalendar)" },
    input: z.strictObject({
      calendarName: withLabel(shortTextSchema.min(1).optional(), { "zh-CN": "日历名称", en: "Calendar name" }),
    }),
    output: z.strictObject({ ics: z.string(), count: z.int() }),
    targetKind: "collection",
    http: { method: "GET", path: "/appointments/calendar.ics" },
  }),
};
