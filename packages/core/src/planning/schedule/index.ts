export { scheduleConflicts } from "./conflicts.js";
export {
  type ArrangedVisit,
  type DayTypeFunction,
  type ScheduleOptions,
  type ScheduleOptionsInput,
  type SchedulePlan,
  type ScheduleStudent,
  type ScheduleVisitsInput,
  scheduleOptionsSchema,
  type TimeRange,
  timeRangeSchema,
  type UnscheduledObligation,
} from "./options.js";
export * from "./replan-diff.js";
export { scheduleVisits } from "./schedule-visits.js";
