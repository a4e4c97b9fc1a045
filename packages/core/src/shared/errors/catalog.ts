import { appointmentErrors } from "./appointments.js";
import { assignmentErrors } from "./assignment.js";
import { calendarErrors } from "./calendar.js";
import { clientErrors } from "./client.js";
import { commonErrors } from "./common.js";
import { customFieldErrors } from "./custom-fields.js";
import { domainErrors } from "./domain.js";
import { engineErrors } from "./engine.js";
import { engineWorkflowErrors } from "./engine-workflows.js";
import { obligationErrors } from "./obligations.js";
import { organisationSyncErrors } from "./organisation-sync.js";
import { restErrors } from "./rest.js";
import { scheduleErrors } from "./schedule.js";
import { storageErrors } from "./storage.js";
import { visitErrors } from "./visit.js";
import { visitPlanErrors } from "./visit-plan.js";

/**
 * Every error code of homevisit with its status and messages. Areas declare their codes with
 * `defineErrors` beside their code; this object joins them.
 */
export const errorCatalog = {
  ...appointmentErrors,
  ...assignmentErrors,
  ...calendarErrors,
  ...clientErrors,
  ...commonErrors,
  ...customFieldErrors,
  ...domainErrors,
  ...engineErrors,
  ...engineWorkflowErrors,
  ...obligationErrors,
  ...organisationSyncErrors,
  ...restErrors,
  ...scheduleErrors,
  ...storageErrors,
  ...visitPlanErrors,
  ...visitErrors,
} as const;

/** A stable error code. */
export type ErrorCode = keyof typeof errorCatalog;
