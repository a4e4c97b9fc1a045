export { assignVisitors } from "./assign-visitors.js";
export * from "./options.js";
export { reassignCaseload } from "./reassign.js";
export { isTeacherInPost, obligationLoad } from "./weights.js";
