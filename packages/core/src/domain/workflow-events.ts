import * as z from "zod";
import { idSchema, termIdSchema } from "../shared/primitives.js";
import { conductRuleIdSchema } from "./conduct.js";

/**
 * The most appointment ids one `appointments.arranged` event carries: 500 ids keep a payload
 * near 20 KB, under the message limits of the usual queues.
 *
 * @example
 * ```ts
 * Math.ceil(12_000 / arrangedAppointmentsPerEvent); // 24 events for a plan of 12,000 visits
 * ```
 */
export const arrangedAppointmentsPerEvent = 500;

/**
 * Events of the visit-workflow areas: plans, appointments, safety, records, conduct, support and
 * feedback. Payloads carry ids, codes and counts only: they leave the engine for the host's
 * SMS, DingTalk or WeChat notifications. Declared without `defineEvents` (same shape): this file
 * is imported by `../events.ts`, and importing back from it would make a cycle.
 */
export const workflowEvents = {
  "plan.generated": z.strictObject({
    planId: idSchema,
    termId: termIdSchema,
    obligations: z.int(),
    unscheduled: z.int(),
  }),
  "plan.committed": z.strictObject({
    planId: idSchema,
    termId: termIdSchema,
    planNumber: z.int(),
    appointments: z.int(),
    mentorships: z.int(),
  }),
  "caseload.reassigned": z.strictObject({
    planId: idSchema,
    teacherId: idSchema,
    moved: z.int(),
    uncovered: z.int(),
    appointmentsMoved: z.int(),
  }),
  /**
   * An appointment arranged outside a plan (`appointments.create`), so the host can tell the
   * family; ids only: the visit's kind can name a category (priority, crisis) and stays out.
   */
  "appointment.arranged": z.strictObject({ appointmentId: idSchema, studentId: idSchema, teacherId: idSchema }),
  /**
   * The appointments a committed plan created, in parts of at most
   * `arrangedAppointmentsPerEvent` ids (one event per part, not per appointment: a school's
   * plan holds thousands, each event is an outbox row in the commit's transaction).
   */
  "appointments.arranged": z.strictObject({
    planId: idSchema,
    termId: termIdSchema,
    appointmentIds: z.array(idSchema).min(1).max(arrangedAppointmentsPerEvent),
    part: z.int().min(1),
    parts: z.int().min(1),
  }),
  "appointment.transitioned": z.strictObject({
    appointmentId: idSchema,
    studentId: idSchema,
    teacherId: idSchema,
    event: z.string().max(32),
    status: z.string().max(32),
  }),
  "visit.completed": z.strictObject({ appointmentId: idSchema, studentId: idSchema, teacherId: idSchema }),
  "appointment.missed": z.strictObject({ appointmentId: idSchema, studentId: idSchema, teacherId: idSchema }),
  "appointment.cancelled": z.strictObject({
    appointmentId: idSchema,
    studentId: idSchema,
    teacherId: idSchema,
    makeUpRequired: z.boolean(),
  }),
  "safety.reported": z.strictObject({ reportId: idSchema, teacherId: idSchema, students: z.int() }),
  "safety.checked_in": z.strictObject({
    reportId: idSchema,
    teacherId: idSchema,
    incident: z.boolean(),
    needsHelp: z.boolean(),
  }),
  "safety.overdue": z.strictObject({ reportId: idSchema, teacherId: idSchema, dueAt: z.string().max(40) }),
  "safety.zero_reported": z.strictObject({ zeroReportId: idSchema, incidents: z.int() }),
  "visit.recorded": z.strictObject({ visitId: idSchema, studentId: idSchema, teacherId: idSchema }),
  "visit.amended": z.strictObject({ visitId: idSchema, studentId: idSchema, teacherId: idSchema }),
  "conduct.exception_reported": z.strictObject({ visitId: idSchema, teacherId: idSchema, ruleId: conductRuleIdSchema }),
  "conduct.reviewed": z.strictObject({ visitId: idSchema, teacherId: idSchema, ruleId: conductRuleIdSchema }),
  "support.planned": z.strictObject({ supportPlanId: idSchema, studentId: idSchema, mentorId: idSchema }),
  "followup.due": z.strictObject({ supportPlanId: idSchema, followUpId: idSchema, ownerId: idSchema }),
  "feedback.raised": z.strictObject({ feedbackId: idSchema, visitId: idSchema }),
  "feedback.updated": z.strictObject({ feedbackId: idSchema, status: z.enum(["open", "analysed", "rectified"]) }),
} as const satisfies Record<string, z.ZodType<Record<string, unknown>>>;
