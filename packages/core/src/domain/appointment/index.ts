/**
 * Appointments (R12): the schema of an agreed visit time and its channel, and the state machine
 * that moves it from proposed to completed (or refused, cancelled, missed) with a reason; a
 * submitted visit record closes its appointment.
 */
export * from "./close.js";
export * from "./schema.js";
export * from "./state-machine.js";
