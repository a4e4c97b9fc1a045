/** The planner: terms, rules, obligations, assignment, schedule, appointments, calendar. */
export * from "./appointments.js";
export * from "./assignment.js";
export * from "./calendar/index.js";
export * from "./ical.js";
export * from "./obligations.js";
export * from "./quality.js";
export * from "./rrule.js";
export * from "./rules.js";
export * from "./schedule.js";
export * from "./timetable.js";
export * from "./types.js";
