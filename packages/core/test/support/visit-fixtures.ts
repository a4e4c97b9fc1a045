// The seeded school's visit fixtures, shared by the engine suites (every adapter) and the REST
// tests: the autumn term the seed plans in, a conduct attestation, a visit record complete in
// its built-in sections, and the error code a call ends with.
import { type ConductRuleId, isHomevisitError } from "@homevisit/core";

/** The autumn term of the 2026 school year, in which the seeded school plans and visits. */
export const autumnTerm = {
  id: "2026-2027-1",
  schoolYear: 2026,
  index: 1,
  start: "2026-09-01",
  end: "2026-12-31",
} as const;

/**
 * The six conduct rules attested after the visit: all kept, except the ones given with the
 * teacher's note.
 *
 * @example
 * ```ts
 * conductAttested(); // every rule kept
 * conductAttested({ no_meals_or_reimbursement: "留下吃了午饭" }); // one declared exception
 * ```
 */
export function conductAttested(exceptions: Partial<Record<ConductRuleId, string>> = {}) {
  const item = (rule: ConductRuleId) => {
    const note = exceptions[rule];
    return note === undefined ? { kept: true } : { kept: false, exceptionNote: note };
  };
  return {
    items: {
      no_money_or_gifts: item("no_money_or_gifts"),
      no_meals_or_reimbursement: item("no_meals_or_reimbursement"),
      no_transport_from_family: item("no_transport_from_family"),
      no_private_requests: item("no_private_requests"),
      no_entertainment: item("no_entertainment"),
      no_paid_tutoring: item("no_paid_tutoring"),
    },
    attestedAt: "2026-10-08T08:50:00+08:00",
  };
}

/** Every conduct rule kept. */
export const conductKept = conductAttested();

/**
 * An in-home universal visit on 8 October 2026 (07:30–08:30, the student present), complete in
 * every built-in section and with every conduct rule kept, so it passes submission. Tests
 * spread it and replace the sections they vary.
 */
export const completeRecord = {
  kind: "universal" as const,
  term: autumnTerm.id as string,
  channel: "in_home" as const,
  arrivedAt: "2026-10-08T07:30:00+08:00",
  departedAt: "2026-10-08T08:30:00+08:00",
  attendees: { student: true },
  outreachGoals: ["care" as const],
  familySituation: { notes: "家中情况良好" },
  schoolFeedback: { notes: "在校表现积极" },
  parentOpinions: { opinions: "希望多沟通" },
  teacherReflection: { reflection: "沟通顺畅" },
  conduct: conductKept,
};

/**
 * The code a call ends with: `ok`, or the `HomevisitError`'s code. Anything else is rethrown.
 *
 * @example
 * ```ts
 * expect(await codeOf(engine.records.get(outsider, { recordId }))).toBe("not_found");
 * ```
 */
export async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return "ok";
  } catch (error) {
    if (isHomevisitError(error)) return error.code;
    throw error;
  }
}
