import type { RosterInput } from "@homevisit/core/storage";
import { makeStudent } from "@homevisit/storage-conformance";

/** Students per roster in the crash test: small, so that a kill often lands mid-import. */
export const crashRosterSize = 60;

/**
 * The roster of round `round` for school sch-1: every student's name carries the round, so a
 * completed import leaves all 60 names at one round and a half import would mix two.
 */
export function crashRoster(round: number): RosterInput {
  return {
    schoolId: "sch-1",
    asOf: "2026-09-01",
    students: Array.from({ length: crashRosterSize }, (_, i) => makeStudent(i * 4, { name: `学生${i}第${round}轮` })),
  };
}
