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
 * //   history: [{ event: "complete", from: "proposed", to: "completed", at: "2026-10-12T20:10:00+08:00", by: "t-1", recordId: "v-1" }] }
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
    history: [
      ...appointment.history,
      { event: "complete", from, to: "completed", at: input.at, by: input.by, recordId: input.recordId },
    ],
    version: appointment.version + 1,
  };
}

/**
 * Undoes {@link closeAppointmentWithRecord} for a record that no longer names the appointment
 * (an amendment moved or removed the link): the record is unlinked, and when the record's
 * submission was what completed the appointment (its `complete` entry names the record), the
 * appointment goes back to the status it had before, with a `reopen` entry in its history. An
 * appointment completed by a transition before the record arrived stays completed: the teacher
 * said so apart from the record. One not linked to the record is returned unchanged.
 *
 * @example
 * ```ts
 * reopenAppointmentOfRecord(closed, { recordId: "v-1", at: "2026-10-13T09:00:00+08:00", by: "t-1" });
 * // { ...closed, status: "proposed", recordId: undefined, version: 3,
 * //   history: [{ event: "complete", …, recordId: "v-1" }, { event: "reopen", from: "completed", to: "proposed", …, recordId: "v-1" }] }
 * ```
 */
export function reopenAppointmentOfRecord(
  appointment: Appointment,
  input: { recordId: string; at: string; by: string },
): Appointment {
  if (appointment.recordId !== input.recordId) return appointment;
  const { recordId: _unlinked, ...rest } = appointment;
  const last = appointment.history.at(-1);
  const closedByRecord =
    appointment.status === "completed" && last?.event === "complete" && last.recordId === input.recordId;
  if (!closedByRecord)
    return { ...rest, companionIds: [...appointment.companionIds], version: appointment.version + 1 };
  return {
    ...rest,
    companionIds: [...appointment.companionIds],
    status: last.from,
    history: [
      ...appointment.history,
      { event: "reopen", from: "completed", to: last.from, at: input.at, by: input.by, recordId: input.recordId },
    ],
    version: appointment.version + 1,
  };
}
