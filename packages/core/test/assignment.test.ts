import {
  type Assignment,
  assignmentOptionsSchema,
  assignVisitors,
  isHomevisitError,
  obligationLoad,
  planQuality,
  reassignCaseload,
} from "@homevisit/core";
import { describe, expect, it } from "vitest";
import { obligation, school, schoolClass, smallSchool, student, teacher, term } from "./fixtures/planning.js";

describe("assignVisitors", () => {
  it("gives every student a lead, prefers the class's teachers, and spreads the load to everyone", () => {
    const { teachers, classes, students, obligations } = smallSchool(2, 12);
    const plan = assignVisitors({ school, term, teachers, classes, students, obligations });

    expect(plan.uncovered).toEqual([]);
    expect(plan.assignments).toHaveLength(24);
    const quality = planQuality(plan, { term, teachers, obligations, students });
    expect(quality.coverage).toBe(1);
    expect(quality.teachersWithZeroVisits).toEqual([]);
    expect(quality.loadImbalance).toBeLessThanOrEqual(1.5);
    expect(quality.ok).toBe(true);
    // Class 1's students mostly go to class 1's teachers.
    const class1 = plan.assignments.filter((a) => a.studentId.startsWith("s1-"));
    const byOwnTeachers = class1.filter((a) => ["t1a", "t1b", "t1c"].includes(a.leadTeacherId));
    expect(byOwnTeachers.length).toBeGreaterThanOrEqual(8);
    // The principal carries visits too (R6), and every assignment explains itself.
    expect(plan.assignments.some((a) => a.leadTeacherId === "principal")).toBe(true);
    for (const a of plan.assignments) expect(a.reasons.length).toBeGreaterThan(0);
  });

  it("keeps last term's visitor when still in post (continuity) and explains it", () => {
    const { teachers, classes, students, obligations } = smallSchool(1, 6);
    const previousAssignments: Assignment[] = [
      { obligationId: "old:s1-01", studentId: "s1-01", leadTeacherId: "tx1", reasons: [] },
      { obligationId: "old:s1-02", studentId: "s1-02", leadTeacherId: "gone", reasons: [] },
    ];
    const plan = assignVisitors({ school, term, teachers, classes, students, obligations, previousAssignments });
    const s1 = plan.assignments.find((a) => a.studentId === "s1-01");
    expect(s1?.leadTeacherId).toBe("tx1");
    expect(s1?.reasons[0]?.en).toContain("Continuity");
    const quality = planQuality(plan, { term, teachers, obligations, students, previousAssignments });
    expect(quality.continuityRate).toBe(1); // "gone" is not in post, so only s1-01 could continue
  });

  it("gives nothing to a teacher who left before the term and respects capacity", () => {
    const teachers = [
      teacher("a", { classIds: ["c1"], termCapacity: 2 }),
      teacher("b", { classIds: ["c1"], leftOn: "2026-08-20" }),
      teacher("c", { termCapacity: 1 }),
    ];
    const students = ["s1", "s2", "s3", "s4"].map((id) => student(id));
    const obligations = students.map((s) => obligation(s.id));
    const plan = assignVisitors({ school, term, teachers, classes: [schoolClass("c1", "a")], students, obligations });
    expect(plan.assignments.every((a) => a.leadTeacherId !== "b")).toBe(true);
    expect(plan.assignments.filter((a) => a.leadTeacherId === "a")).toHaveLength(2);
    expect(plan.assignments.filter((a) => a.leadTeacherId === "c")).toHaveLength(1);
    expect(plan.uncovered).toHaveLength(1);
    expect(plan.uncovered[0]?.code).toBe("assignment_capacity_exhausted");
    expect(plan.uncovered[0]?.reason["zh-CN"]).toContain("名额已满");
    const quality = planQuality(plan, { term, teachers, obligations, students });
    expect(quality.coverage).toBe(0.75);
    expect(quality.uncovered.map((u) => u.studentId)).toEqual([plan.uncovered[0]?.studentId]);
    expect(quality.ok).toBe(false);
  });

  it("lists every obligation as uncovered when the school has no teacher in post", () => {
    const students = [student("s1")];
    const plan = assignVisitors({
      school,
      term,
      teachers: [teacher("a", { leftOn: "2026-06-30" })],
      classes: [],
      students,
      obligations: [obligation("s1"), obligation("ghost")],
    });
    expect(plan.assignments).toEqual([]);
    expect(plan.uncovered.map((u) => u.code).sort()).toEqual([
      "assignment_no_eligible_teacher",
      "assignment_student_missing",
    ]);
  });

  it("one lead carries all of a student's visits; a companion goes where two adults are needed", () => {
    const teachers = [teacher("a", { classIds: ["c1"] }), teacher("b", { classIds: ["c1"] }), teacher("c")];
    const students = [student("s1", { remote: true, travelMinutes: 90 }), student("s2"), student("s3")];
    const obligations = [
      obligation("s1"),
      obligation("s1", { kind: "priority", category: "left_behind_or_single_parent", needsCompanion: true }),
      obligation("s2"),
      obligation("s3", { kind: "new_student" }),
    ];
    const plan = assignVisitors({ school, term, teachers, classes: [schoolClass("c1", "a")], students, obligations });
    const s1 = plan.assignments.filter((a) => a.studentId === "s1");
    expect(new Set(s1.map((a) => a.leadTeacherId)).size).toBe(1);
    // remote home: both of s1's visits need two adults, and the companion is someone else
    for (const a of s1) {
      expect(a.companionTeacherId).toBeDefined();
      expect(a.companionTeacherId).not.toBe(a.leadTeacherId);
    }
    expect(plan.assignments.find((a) => a.studentId === "s2")?.companionTeacherId).toBeUndefined();
    // s1 is in a priority category: a mentor
    expect(plan.mentorships).toEqual([{ studentId: "s1", mentorId: expect.any(String), since: term.start }]);
    expect(plan.missingCompanions).toEqual([]);
  });

  it("keeps a mentor in post, replaces one who left, and routes mentor contacts to the mentor", () => {
    const teachers = [teacher("a", { classIds: ["c1"], roles: ["teacher", "mentor"] }), teacher("b"), teacher("c")];
    const students = [student("s1"), student("s2"), student("s3")];
    const obligations = [
      obligation("s1", { kind: "priority", category: "economic_hardship" }),
      obligation("s1", {
        kind: "mentor_contact",
        rrule: "RRULE:FREQ=MONTHLY;COUNT=4",
        from: "2026-09-07",
        to: "2027-01-15",
      }),
      obligation("s2", { kind: "crisis", category: "family_crisis" }),
      obligation("s3"),
    ];
    const plan = assignVisitors({
      school,
      term,
      teachers,
      classes: [schoolClass("c1")],
      students,
      obligations,
      mentorships: [
        { studentId: "s1", mentorId: "b", since: "2025-09-01" },
        { studentId: "s2", mentorId: "left-long-ago", since: "2025-09-01" },
      ],
    });
    expect(plan.mentorships).toEqual([
      { studentId: "s1", mentorId: "b", since: "2025-09-01" },
      { studentId: "s2", mentorId: "a", since: term.start },
    ]);
    const contact = plan.assignments.find((a) => a.obligationId.startsWith("mentor_contact:"));
    expect(contact?.leadTeacherId).toBe("b");
    expect(contact?.reasons[0]?.en).toContain("mentor");
  });

  it("is deterministic and independent of input order", () => {
    const { teachers, classes, students, obligations } = smallSchool(3, 10, 2);
    const a = assignVisitors({ school, term, teachers, classes, students, obligations });
    const b = assignVisitors({
      school,
      term,
      teachers: [...teachers].reverse(),
      classes: [...classes].reverse(),
      students: [...students].reverse(),
      obligations: [...obligations].reverse(),
    });
    expect(b).toEqual(a);
  });

  it("weights load by kind and travel", () => {
    const options = assignmentOptionsSchema.parse({});
    const window = { from: "2026-09-07", to: "2026-12-31" };
    expect(obligationLoad({ kind: "crisis", window }, { travelMinutes: 30 }, options)).toEqual({ load: 3, visits: 1 });
    expect(obligationLoad({ kind: "universal", window }, undefined, options)).toEqual({ load: 1, visits: 1 });
    expect(
      obligationLoad({ kind: "mentor_contact", window, rrule: "RRULE:FREQ=MONTHLY;COUNT=3" }, undefined, options),
    ).toEqual({ load: 1.5, visits: 3 });
  });

  it("rejects unknown options with a validation error", () => {
    const { teachers, classes, students, obligations } = smallSchool(1, 2);
    try {
      assignVisitors({
        school,
        term,
        teachers,
        classes,
        students,
        obligations,
        options: { bogus: 1 } as unknown as Parameters<typeof assignVisitors>[0]["options"],
      });
      expect.unreachable();
    } catch (error) {
      expect(isHomevisitError(error) && error.code).toBe("validation_failed");
    }
  });

  it("does every teacher take part, even those with no class of their own", () => {
    // Four teachers of one class could absorb everything; the admin and the principal must still visit.
    const teachers = [
      teacher("a", { classIds: ["c1"] }),
      teacher("b", { classIds: ["c1"] }),
      teacher("adm", { roles: ["school_admin"] }),
      teacher("p", { roles: ["principal"] }),
    ];
    const students = Array.from({ length: 6 }, (_, i) => student(`s${i}`));
    const obligations = students.map((s) => obligation(s.id));
    const options = { preferredLoadTolerance: 2 };
    const plan = assignVisitors({
      school,
      term,
      teachers,
      classes: [schoolClass("c1", "a")],
      students,
      obligations,
      options,
    });
    const quality = planQuality(plan, { term, teachers, obligations, students, options });
    expect(quality.teachersWithZeroVisits).toEqual([]);
    expect(plan.assignments.filter((a) => a.reasons[0]?.en.startsWith("All take part")).length).toBeGreaterThan(0);
  });
});

describe("reassignCaseload", () => {
  it("moves a leaving teacher's open caseload and mentees, and says what moved", () => {
    const { teachers, classes, students, obligations } = smallSchool(2, 10);
    const withPriority = [
      ...obligations,
      obligation("s1-01", { kind: "priority", category: "disability", from: "2026-11-01", to: "2026-12-20" }),
    ];
    const plan = assignVisitors({ school, term, teachers, classes, students, obligations: withPriority });
    const leaving = plan.assignments.find((a) => a.studentId === "s1-01")?.leadTeacherId ?? "";
    const mentor = plan.mentorships.find((m) => m.studentId === "s1-01")?.mentorId;
    const before = plan.assignments.filter((a) => a.leadTeacherId === leaving || a.companionTeacherId === leaving);
    expect(before.length).toBeGreaterThan(0);

    const { plan: next, moved } = reassignCaseload(plan, {
      school,
      term,
      teachers,
      classes,
      students,
      obligations: withPriority,
      teacherId: leaving,
      leftOn: "2026-10-15",
    });
    expect(next.assignments).toHaveLength(plan.assignments.length);
    expect(next.assignments.filter((a) => a.leadTeacherId === leaving || a.companionTeacherId === leaving)).toEqual([]);
    const movedLeads = moved.filter((m) => m.role === "lead");
    expect(movedLeads.map((m) => m.obligationId).sort()).toEqual(
      before
        .filter((a) => a.leadTeacherId === leaving)
        .map((a) => a.obligationId)
        .sort(),
    );
    for (const m of movedLeads) {
      expect(m.from).toBe(leaving);
      expect(m.to).toBeDefined();
      expect(m.to).not.toBe(leaving);
      expect(m.reason.en).toContain(`Takes over from teacher ${leaving}`);
    }
    if (mentor === leaving) {
      expect(moved.some((m) => m.role === "mentor" && m.studentId === "s1-01")).toBe(true);
      expect(next.mentorships.find((m) => m.studentId === "s1-01")?.since).toBe("2026-10-16");
    }
    // Everyone still covered, nobody else changed.
    expect(planQuality(next, { term, teachers, obligations: withPriority, students }).coverage).toBe(1);
    const untouched = plan.assignments.filter((a) => a.leadTeacherId !== leaving && a.companionTeacherId !== leaving);
    for (const a of untouched) expect(next.assignments).toContainEqual(a);
  });

  it("leaves completed and past obligations with the teacher who did them", () => {
    const teachers = [teacher("a", { classIds: ["c1"] }), teacher("b", { classIds: ["c1"] })];
    const students = [student("s1"), student("s2")];
    const obligations = [
      obligation("s1", { from: "2026-09-07", to: "2026-09-30" }),
      obligation("s2", { from: "2026-09-07", to: "2026-12-31" }),
    ];
    const plan = {
      assignments: [
        { obligationId: obligations[0]?.id ?? "", studentId: "s1", leadTeacherId: "a", reasons: [] },
        { obligationId: obligations[1]?.id ?? "", studentId: "s2", leadTeacherId: "a", reasons: [] },
      ],
      mentorships: [],
      uncovered: [],
      missingCompanions: [],
    };
    const result = reassignCaseload(plan, {
      school,
      term,
      teachers,
      classes: [schoolClass("c1")],
      students,
      obligations,
      teacherId: "a",
      leftOn: "2026-10-15",
    });
    expect(result.plan.assignments.map((a) => [a.studentId, a.leadTeacherId])).toEqual([
      ["s1", "a"],
      ["s2", "b"],
    ]);
    expect(result.moved).toHaveLength(1);
  });

  it("throws not-found for an unknown teacher", () => {
    const empty = { assignments: [], mentorships: [], uncovered: [], missingCompanions: [] };
    expect(() =>
      reassignCaseload(empty, {
        school,
        term,
        teachers: [],
        classes: [],
        students: [],
        obligations: [],
        teacherId: "nobody",
        leftOn: "2026-10-01",
      }),
    ).toThrowError(expect.objectContaining({ code: "assignment_teacher_not_found" }));
  });
});
