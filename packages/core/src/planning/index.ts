/** The planner: terms, rules, obligations, assignment, schedule, appointments, calendar. */
export * from "./appointments.js";
export * from "./ical.js";
export * from "./types.js";
