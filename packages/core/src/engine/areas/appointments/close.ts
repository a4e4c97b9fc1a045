import { closeAppointmentWithRecord } from "../../../domain/appointment/index.js";
import type { VisitRecordDraft } from "../../../domain/visit-record.js";
import { HomevisitError } from "../../../shared/errors/homevisit-error.js";
import type { UseCaseContext } from "../../use-case.js";

/**
 * Closes the appointment a record is submitted against, in the submission's transaction, so
 * that the appointment, its obligation and the record agree: the appointment `completed` with
 * the record linked (the obligation it carries is then met: reassignment leaves it alone), the
 * record carrying the appointment's obligation. A record without an appointment is returned as
 * it is. The appointment must be of the record's student and school, and of the same
 * obligation when the record names one (`visit_record_appointment_mismatch`); a refused,
 * missed or cancelled one cannot be closed (`appointment_illegal_transition`). Emits
 * `appointment.transitioned` and `visit.completed` when the appointment changes status.
 *
 * @example
 * ```ts
 * const record = await closeAppointmentOfRecord(ctx, { ...draft, status: "submitted" });
 * // the appointment is now { status: "completed", recordId: draft.id, … }; record.obligationId is the appointment's
 * ```
 */
export async function closeAppointmentOfRecord(
  ctx: Pick<UseCaseContext, "tx" | "now" | "actor" | "emit" | "auditDetail">,
  record: VisitRecordDraft,
): Promise<VisitRecordDraft> {
  if (record.appointmentId === undefined) return record;
  const stored = await ctx.tx.appointments.get(record.appointmentId);
  const a = stored?.record;
  if (
    stored === undefined ||
    a === undefined ||
    a.studentId !== record.studentId ||
    a.schoolId !== record.schoolId ||
    (record.obligationId !== undefined && a.obligationId !== undefined && a.obligationId !== record.obligationId)
  ) {
    throw new HomevisitError("visit_record_appointment_mismatch", { path: ["appointmentId"] });
  }
  const next = closeAppointmentWithRecord(a, { recordId: record.id, at: ctx.now, by: ctx.actor.id });
  if (next !== a) {
    await ctx.tx.appointments.update(a.id, next, { expectedVersion: stored.version });
    ctx.auditDetail("appointmentClosed", a.id);
    if (a.status !== "completed") {
      const ids = { appointmentId: a.id, studentId: a.studentId, teacherId: a.teacherId };
      ctx.emit("appointment.transitioned", { ...ids, event: "complete", status: "completed" });
      ctx.emit("visit.completed", ids);
    }
  }
  return a.obligationId === undefined || record.obligationId !== undefined
    ? record
    : { ...record, obligationId: a.obligationId };
}
