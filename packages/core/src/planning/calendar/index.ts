export * from "./holidays.js";
export { calendarYearRange } from "./lunar.js";
export * from "./solar-terms.js";
