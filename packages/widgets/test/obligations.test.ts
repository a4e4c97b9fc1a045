// The order a teacher works through the term's obligations in, and what counts as met.
import { describe, expect, it } from "vitest";
import { type MyObligation, obligationStanding } from "../src/obligations.js";

const ob = (id: string, kind: MyObligation["kind"], to: string): MyObligation => ({
  obligationId: id,
  studentId: `stu-${id}`,
  kind,
  role: "lead",
  window: { from: "2026-09-01", to },
  slots: [],
});

describe("obligationStanding", () => {
  const obligations = [
    ob("u1", "universal", "2026-12-31"),
    ob("m1", "mentor_contact", "2026-11-20"),
    ob("p1", "priority", "2026-12-15"),
    ob("n1", "new_student", "2026-12-31"),
    ob("c1", "crisis", "2026-11-13"),
    ob("u0", "universal", "2026-11-01"),
    ob("p2", "priority", "2026-11-30"),
  ];

  it("puts late ones first, then crisis, new students, priority by due day; met ones last", () => {
    const appointments = [
      { studentId: "stu-p2", kind: "priority" as const, status: "completed", start: "2026-10-20T16:30:00+08:00" },
      { studentId: "stu-u1", kind: "universal" as const, status: "proposed", start: "2026-11-20T16:30:00+08:00" },
      // Completed, but another kind of visit of the same student.
      { studentId: "stu-p1", kind: "universal" as const, status: "completed", start: "2026-10-20T16:30:00+08:00" },
    ];
    const standing = obligationStanding(obligations, appointments, "2026-11-10");
    expect(standing.map((o) => o.obligationId)).toEqual(["u0", "c1", "n1", "p1", "u1", "m1", "p2"]);
    expect(standing.map((o) => [o.obligationId, o.met, o.late])).toContainEqual(["p2", true, false]);
    expect(standing.find((o) => o.obligationId === "u0")?.late).toBe(true);
    expect(standing.find((o) => o.obligationId === "c1")?.dueBy).toBe("2026-11-13");
  });

  it("counts completed visits of the student and kind from the window's first day on, one per slot", () => {
    const crisis = ob("c1", "crisis", "2026-11-13");
    const at = (day: string, status = "completed") => ({
      studentId: "stu-c1",
      kind: "crisis" as const,
      status,
      start: `${day}T10:00:00+08:00`,
    });
    expect(obligationStanding([crisis], [at("2026-11-12", "confirmed")], "2026-11-10")[0]?.met).toBe(false);
    // Before the window (the day before its first, in China Standard Time): another visit.
    expect(obligationStanding([crisis], [at("2026-08-31")], "2026-11-10")[0]?.met).toBe(false);
    expect(obligationStanding([crisis], [at("2026-11-12")], "2026-11-10")[0]?.met).toBe(true);
    // After its end: made late (a plan made mid-term places owed visits there), but made.
    expect(obligationStanding([crisis], [at("2026-11-14")], "2026-11-20")[0]).toMatchObject({ met: true, late: false });
    const contact = {
      ...ob("m1", "mentor_contact", "2026-12-31"),
      studentId: "stu-c1",
      kind: "crisis" as const,
      slots: [
        { date: "2026-10-01", start: "16:30", end: "16:45" },
        { date: "2026-11-01", start: "16:30", end: "16:45" },
      ],
    };
    expect(obligationStanding([contact], [at("2026-10-01")], "2026-11-10")[0]?.met).toBe(false);
    expect(obligationStanding([contact], [at("2026-10-01"), at("2026-11-01")], "2026-11-10")[0]?.met).toBe(true);
  });

  it("says the plan's next day for one not met, even once it is late", () => {
    const late = {
      ...ob("n1", "new_student", "2026-10-13"),
      slots: [{ date: "2026-12-10", start: "16:30", end: "17:15" }],
    };
    expect(obligationStanding([late], [], "2026-12-08")[0]).toMatchObject({ late: true, plannedOn: "2026-12-10" });
    // A day gone is no plan for it.
    expect(obligationStanding([late], [], "2026-12-11")[0]?.plannedOn).toBeUndefined();
    const done = {
      studentId: "stu-n1",
      kind: "new_student" as const,
      status: "completed",
      start: "2026-12-10T16:30:00+08:00",
    };
    expect(obligationStanding([late], [done], "2026-12-11")[0]).toMatchObject({ met: true, late: false });
    expect(obligationStanding([late], [done], "2026-12-11")[0]?.plannedOn).toBeUndefined();
  });
});
