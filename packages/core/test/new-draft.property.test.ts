// A new draft is built from the contract's parsed fields without parsing the whole record again
// (src/engine/areas/records/new-draft.ts). It must be exactly what the record schema gives:
// for every editable input the contract accepts, the same record with the same key order, and
// where the whole-record rules refuse it, the same error with the same issues.
import { isHomevisitError, visitRecordDraftSchema } from "@homevisit/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { editableSchema } from "../src/engine/areas/records/contract.js";
import { newVisitRecordDraft } from "../src/engine/areas/records/new-draft.js";

const owner = { id: "v-1", schoolId: "sch-1", studentId: "stu-1", teacherId: "t-1" };

const conductItems = {
  no_money_or_gifts: { kept: true },
  no_meals_or_reimbursement: { kept: true },
  no_transport_from_family: { kept: true },
  no_private_requests: { kept: true },
  no_entertainment: { kept: true },
  no_paid_tutoring: { kept: false, note: "家长坚持付补课费，已婉拒并报告" },
};

/** Editable fields, each present or not, in shuffled key order, with values a teacher sends. */
const editableArb = fc
  .record(
    {
      companionIds: fc.array(fc.constantFrom("t-1", "t-2", "t-3"), { maxLength: 3 }),
      obligationId: fc.constantFrom("rule:stu-1:2026-10-08", "x"),
      appointmentId: fc.constantFrom("ap-1", "ap-2"),
      kind: fc.constantFrom("universal", "new_student", "priority", "crisis"),
      term: fc.constantFrom("2026-2027-1", "2025-2026-2"),
      channel: fc.constantFrom("in_home", "phone", "alternative_venue", "at_school"),
      venue: fc.constantFrom("村委会", undefined),
      venueReason: fc.constantFrom("家中正在装修"),
      arrivedAt: fc.constantFrom("2026-10-08T07:30:00+08:00", "2026-10-08T19:00:00+08:00"),
      departedAt: fc.constantFrom("2026-10-08T08:30:00+08:00"),
      attendees: fc.constantFrom({ student: true }, { student: false }),
      outreachGoals: fc.array(fc.constantFrom("care", "guidance", "support"), { maxLength: 3 }),
      familySituation: fc.constantFrom({ notes: "家中情况良好" }, {}),
      schoolFeedback: fc.constantFrom({ notes: "数学进步明显" }),
      parentOpinions: fc.constantFrom({ opinions: "希望减少作业量", suggestions: "增加体育活动" }),
      teacherReflection: fc.constantFrom({ reflection: "约定下月电话回访" }),
      conduct: fc.constantFrom({ items: conductItems, attestedAt: "2026-10-08T08:50:00+08:00" }),
    },
    { requiredKeys: ["kind", "term", "channel"] },
  )
  .chain((record) =>
    fc.shuffledSubarray(Object.keys(record), { minLength: Object.keys(record).length }).map((keys) => {
      const shuffled: Record<string, unknown> = {};
      for (const key of keys) shuffled[key] = (record as Record<string, unknown>)[key];
      return shuffled;
    }),
  );

function outcome(run: () => unknown): unknown {
  try {
    const value = run();
    return { value, text: JSON.stringify(value), keys: Object.keys(value as object) };
  } catch (error) {
    if (!isHomevisitError(error) && !(error instanceof Error)) throw error;
    return { error: (error as Error & { code?: string }).code ?? (error as Error).name, issues: issuesOf(error) };
  }
}

function issuesOf(error: unknown): unknown {
  const e = error as { issues?: unknown[]; details?: { issues?: unknown[] } };
  return e.issues ?? e.details?.issues;
}

describe("a new draft is what the visit record schema gives", () => {
  it("for every input the contract accepts, value and key order alike", () => {
    fc.assert(
      fc.property(editableArb, fc.constantFrom("v-1", "0195f0c2-7f3a-7000-8c41-5b0e6a7d92f1"), (input, id) => {
        const parsed = editableSchema.safeParse(input);
        if (!parsed.success) return;
        const withOwner = { ...owner, id };
        const expected = outcome(() => visitRecordDraftSchema.parse({ ...parsed.data, ...withOwner, status: "draft" }));
        expect(outcome(() => newVisitRecordDraft(parsed.data, withOwner))).toStrictEqual(expected);
      }),
      { numRuns: 2000 },
    );
  });

  it("answers the schema's error when the teacher is a companion, a goal repeats or the id is not an id", () => {
    const base = editableSchema.parse({ kind: "universal", term: "2026-2027-1", channel: "in_home" });
    const cases: [typeof base, typeof owner][] = [
      [{ ...base, companionIds: ["t-2", "t-1"] }, owner],
      [{ ...base, outreachGoals: ["care", "care"] }, owner],
      [base, { ...owner, id: "not an id" }],
      [base, { ...owner, id: "" }],
    ];
    for (const [fields, who] of cases) {
      const expected = outcome(() => visitRecordDraftSchema.parse({ ...fields, ...who, status: "draft" }));
      expect(expected).toHaveProperty("error");
      expect(outcome(() => newVisitRecordDraft(fields, who))).toStrictEqual(expected);
    }
  });
});
