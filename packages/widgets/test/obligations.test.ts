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
      { obligationId: "p2", status: "completed" },
      { obligationId: "u1", status: "proposed" },
      { status: "completed" },
    ];
    const standing = obligationStanding(obligations, appointments, "2026-11-10");
    expect(standing.map((o) => o.obligationId)).toEqual(["u0", "c1", "n1", "p1", "u1", "m1", "p2"]);
    expect(standing.map((o) => [o.obligationId, o.met, o.late])).toContainEqual(["p2", true, false]);
    expect(standing.find((o) => o.obligationId === "u0")?.late).toBe(true);
    expect(standing.find((o) => o.obligationId === "c1")?.dueBy).toBe("2026-11-13");
  });

  it("counts only a completed appointment of the same obligation as met", () => {
    const standing = obligationStanding(
      [ob("c1", "crisis", "2026-11-13")],
      [
        { obligationId: "c1", status: "confirmed" },
        { obligationId: "other", status: "completed" },
      ],
      "2026-11-10",
    );
    expect(standing[0]?.met).toBe(false);
  });
});
