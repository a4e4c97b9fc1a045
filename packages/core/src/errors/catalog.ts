import { appointmentErrors } from "./appointments.js";
import { commonErrors } from "./common.js";
import { customFieldErrors } from "./custom-fields.js";
import { domainErrors } from "./domain.js";
import { visitPlanErrors } from "./visit-plan.js";
import { visitErrors } from "./visit.js";

/**
 * Every error code of homevisit with its status and messages. Areas declare their codes with
 * `defineErrors` beside their code; this object joins them.
 */
export const errorCatalog = {
  ...appointmentErrors,
  ...commonErrors,
  ...customFieldErrors,
  ...domainErrors,
  ...visitPlanErrors,
  ...visitErrors,
} as const;

/** A stable error code. */
export type ErrorCode = keyof typeof errorCatalog;
