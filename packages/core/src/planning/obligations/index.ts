export { deriveObligations } from "./derive.js";
export { mentorContactRrule } from "./mentor.js";
export { type DeriveObligationsInput, type ObligationStudent, type PastVisit, pastVisitSchema } from "./model.js";
export { type DeriveTeacherObligationsInput, deriveTeacherObligations } from "./teachers.js";
