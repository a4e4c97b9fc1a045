export * from "./holidays.js";
export { calendarYearRange } from "./lunar.js";
export * from "./planning-calendar.js";
export * from "./provisional.js";
export * from "./school-terms.js";
export * from "./solar-terms.js";
