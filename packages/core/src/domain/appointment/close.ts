import { HomevisitError } from "../../shared/errors/homevisit-error.js";
import type { Appointment } from "./schema.js";
import { isTerminal } from "./schema.js";

/**
 * Closes an appointment with the visit record submitted against it: the record is the proof
 * that the visit took place, so the appointment becomes `completed` from any open status (a
 * teacher who skipped "contact", "confirm" or "depart" in the app still visited), with the
 * record linked. An appointment completed earlier by a transition gets the record linked; one
 * already closed by this record is returned unchanged. A refused, missed or cancelled
 * appointment, or one closed by another record, answers `appointment_illegal_transition`.
 *
 * @example
 * ```ts
 * closeAppointmentWithRecord(proposed, { recordId: "v-1", at: "2026-10-12T20:10:00+08:00", by: "t-1" });
 * // { ...proposed, status: "completed", recordId: "v-1", version: 2,
 * //   history: [{ event: "complete", from: "proposed", to: "completed", at: "2026-10-12T20:10:00+08:00", by: "t-1" }] }
 * ```
 */
export function closeAppointmentWithRecord(
  appointment: Appointment,
  input: { recordId: string; at: string; by: string },
): Appointment {
  const from = appointment.status;
  if (from === "completed") {
    if (appointment.recordId === input.recordId) return appointment;
    if (appointment.recordId !== undefined)
      throw new HomevisitError("appointment_illegal_transition", { params: { from, event: "complete" } });
    return { ...appointment, recordId: input.recordId, version: appointment.version + 1 };
  }
  if (isTerminal(from))
    throw new HomevisitError("appointment_illegal_transition", { params: { from, event: "complete" } });
  return {
    ...appointment,
    companionIds: [...appointment.companionIds],
    status: "completed",
    recordId: input.recordId,
    history: [...appointment.history, { event: "complete", from, to: "completed", at: input.at, by: input.by }],
    version: appointment.version + 1,
  };
}
