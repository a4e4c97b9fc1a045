/**
 * The planner: terms, rules, obligations, assignment, schedule, appointments, calendar.
 *
 * Plan per school (ARCHITECTURE.md, Scale): read one school's records, validate them with the
 * record schemas, then `deriveObligations` → `assignVisitors` → `scheduleVisits`, and let that
 * school's objects go before the next. Memory then stays that of the largest school (≤ 3,000
 * students) whatever the size of the county or city; holding a whole city's parsed records and
 * plans at once multiplies the heap and the garbage collector's work. Schools are independent,
 * so a Node host may also spread them over worker threads when it has cores to spare.
 */
export * from "./assignment.js";
export * from "./calendar/index.js";
export * from "./ical.js";
export * from "./obligations.js";
export * from "./placement-quality.js";
export * from "./quality.js";
export * from "./rrule.js";
export * from "./rules.js";
export * from "./schedule.js";
