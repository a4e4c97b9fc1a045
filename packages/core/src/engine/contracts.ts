import { appointmentContracts } from "./areas/appointments/contract.js";
import { auditContracts } from "./areas/audit/contract.js";
import { conductContracts } from "./areas/conduct/contract.js";
import { consentContracts } from "./areas/consent/contract.js";
import { dataRightsContracts } from "./areas/data-rights/contract.js";
import { feedbackContracts } from "./areas/feedback/contract.js";
import { formContracts } from "./areas/forms/contract.js";
import { meContracts } from "./areas/me/contract.js";
import { organisationContracts } from "./areas/organisation/contract.js";
import { planContracts } from "./areas/plans/contract.js";
import { recordContracts } from "./areas/records/contract.js";
import { reportContracts } from "./areas/reports/contract.js";
import { rosterContracts } from "./areas/roster/contract.js";
import { safetyContracts } from "./areas/safety/contract.js";
import { studentContracts } from "./areas/students/contract.js";
import { supportContracts } from "./areas/support/contract.js";

/**
 * Every use case's contract, by area, as the engine groups them: names, actions, schemas and
 * routes without any implementation. The REST adapter's OpenAPI document, the client's types
 * and its generated route table read these; `engineAreas` joins them to their implementations.
 *
 * @example
 * ```ts
 * engineContracts.students.read.http; // { method: "GET", path: "/students/{studentId}" }
 * useCaseRegistry(engineContracts).length; // one entry per use case
 * ```
 */
export const engineContracts = {
  roster: rosterContracts,
  organisation: organisationContracts,
  students: studentContracts,
  consent: consentContracts,
  dataRights: dataRightsContracts,
  audit: auditContracts,
  plans: planContracts,
  appointments: appointmentContracts,
  safety: safetyContracts,
  records: recordContracts,
  conduct: conductContracts,
  support: supportContracts,
  feedback: feedbackContracts,
  reports: reportContracts,
  me: meContracts,
  forms: formContracts,
} as const;

/** The contracts of the engine's areas, by name. */
export type EngineContracts = typeof engineContracts;
