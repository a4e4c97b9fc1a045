import { closeAppointmentWithRecord, reopenAppointmentOfRecord } from "../../../domain/appointment/index.js";
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
type CloseContext = Pick<UseCaseContext, "tx" | "now" | "actor" | "emit" | "auditDetail">;

export async function closeAppointmentOfRecord(ctx: CloseContext, record: VisitRecordDraft): Promise<VisitRecordDraft> {
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

/**
 * Reconciles appointments when an amendment changes a submitted record's `appointmentId`, in
 * the amendment's transaction: the appointment it named before is reopened (back to the status
 * it had before the record completed it, or only unlinked when a transition had completed it;
 * see {@link reopenAppointmentOfRecord}), and the one it names now is closed as a submission
 * closes it ({@link closeAppointmentOfRecord}: the same checks, the same answers, nothing
 * written on a refusal). An `obligationId` equal to the old appointment's goes with the old
 * link (the record took it from there); the new appointment's is taken instead, if any. The
 * same `appointmentId` before and after changes nothing.
 *
 * @example
 * ```ts
 * const record = await relinkAppointmentOfRecord(ctx, before, { ...amended, appointmentId: "ap-2" });
 * // ap-1 is back to { status: "confirmed", recordId: undefined }; ap-2 is { status: "completed", recordId: before.id }
 * ```
 */
export async function relinkAppointmentOfRecord(
  ctx: CloseContext,
  before: VisitRecordDraft,
  record: VisitRecordDraft,
): Promise<VisitRecordDraft> {
  if (before.appointmentId === record.appointmentId) return record;
  let next = record;
  if (before.appointmentId !== undefined) {
    const stored = await ctx.tx.appointments.get(before.appointmentId);
    const a = stored?.record;
    // Only the record's own appointment (its student, its school) is ever touched.
    if (stored !== undefined && a !== undefined && a.studentId === before.studentId && a.schoolId === before.schoolId) {
      const reopened = reopenAppointmentOfRecord(a, { recordId: before.id, at: ctx.now, by: ctx.actor.id });
      if (reopened !== a) {
        await ctx.tx.appointments.update(a.id, reopened, { expectedVersion: stored.version });
        ctx.auditDetail("appointmentReopened", a.id);
        if (reopened.status !== a.status) {
          ctx.emit("appointment.transitioned", {
            appointmentId: a.id,
            studentId: a.studentId,
            teacherId: a.teacherId,
            event: "reopen",
            status: reopened.status,
          });
        }
      }
      if (a.obligationId !== undefined && next.obligationId === a.obligationId) {
        const { obligationId: _taken, ...rest } = next;
        next = rest;
      }
    }
  }
  return closeAppointmentOfRecord(ctx, next);
}
