// The scheduler takes obligations in input order (no sorted copy): its plan must not depend on
// that order, nor on the order of students and assignments, even when an obligation id repeats.
import { assignVisitors, deriveObligations, type Obligation, scheduleVisits, type Term } from "@homevisit/core";
import { generateSchool } from "@homevisit/demo-data";
import { describe, expect, it } from "vitest";
import { campaignTerm } from "./fixtures/planning.js";

const term: Term = campaignTerm;

/** A deterministic shuffle (a linear congruential generator), so a failure can be replayed. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let state = seed;
  for (let i = out.length - 1; i > 0; i--) {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

describe("scheduleVisits and the order of its input", () => {
  const data = generateSchool({ seed: 5, students: 400 });
  const school = data.schools[0];
  if (!school) throw new Error("no school");
  const obligations = deriveObligations({
    term,
    school,
    students: data.students,
    flags: data.categoryFlags,
    mentorships: data.mentorships,
  });
  const plan = assignVisitors({
    school,
    term,
    teachers: data.teachers,
    classes: data.classes,
    students: data.students,
    obligations,
    mentorships: data.mentorships,
  });
  const schedule = (input: { obligations: readonly Obligation[]; seed?: number }) =>
    scheduleVisits({
      term,
      assignments: input.seed === undefined ? plan.assignments : shuffled(plan.assignments, input.seed),
      obligations: input.obligations,
      students: input.seed === undefined ? data.students : shuffled(data.students, input.seed + 1),
      busySlots: [],
    });

  it("gives the same plan whatever the order of obligations, assignments and students", () => {
    const reference = schedule({ obligations });
    expect(reference.slots.length).toBeGreaterThan(100);
    expect(reference.slots.some((s) => s.occurrence !== undefined)).toBe(true);
    for (const seed of [1, 2, 3]) {
      expect(schedule({ obligations: shuffled(obligations, seed), seed })).toEqual(reference);
    }
  });

  it("keeps entries of a repeated obligation id in their input order, as a stable sort by id did", () => {
    // Two obligations share an id; neither has an assignment, so both are listed unscheduled.
    const first = { ...(obligations[0] as Obligation), id: "dup", studentId: "s-first" };
    const second = { ...(obligations[1] as Obligation), id: "dup", studentId: "s-second" };
    const result = schedule({ obligations: [second, ...obligations.slice(2, 40), first] });
    const dups = result.unscheduled.filter((u) => u.obligationId === "dup").map((u) => u.studentId);
    expect(dups).toEqual(["s-second", "s-first"]);
  });
});
