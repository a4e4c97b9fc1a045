import {
  type Actor,
  actorSchema,
  authorize,
  isPolicyAction,
  maskAddress,
  maskPhone,
  type PolicyTarget,
  policyMatrix,
  type Role,
  roles,
  safeParseInput,
  toStudentSummary,
} from "@homevisit/core";
import { describe, expect, it } from "vitest";

const base = { cityId: "lishui", countyId: "liandu", schoolId: "s-01" };
function actorWith(role: Role): Actor {
  return { id: `a-${role}`, roles: [role], ...base };
}
const relations: Record<string, PolicyTarget> = {
  assigned: { ...base, assigned: true },
  class: { ...base, classTeacher: true },
  mentee: { ...base, mentor: true },
  own: { ...base, own: true },
  unrelatedSameSchool: { ...base },
  otherSchool: {
    cityId: "lishui",
    countyId: "liandu",
    schoolId: "s-02",
    assigned: true,
    classTeacher: true,
    mentor: true,
  },
  otherCounty: { cityId: "lishui", countyId: "qingtian", schoolId: "s-99" },
};

describe("authorization matrix", () => {
  it("denies actions that are not in the matrix", () => {
    expect(authorize(actorWith("principal"), "students.delete_all", base)).toEqual({
      allowed: false,
      reason: "no_entry",
    });
    expect(authorize(actorWith("principal"), "__proto__", base)).toEqual({ allowed: false, reason: "no_entry" });
    expect(isPolicyAction("toString")).toBe(false);
  });

  it("never lets bureau staff reach a child's record", () => {
    for (const [action, entry] of Object.entries(policyMatrix)) {
      for (const role of ["county_bureau", "city_bureau"] as const) {
        for (const target of Object.values(relations)) {
          const decision = authorize(actorWith(role), action, target);
          if (entry.access === "record") expect(decision.allowed, `${role} ${action}`).toBe(false);
        }
      }
    }
  });

  it("never reaches into another school with a record action, whatever the relation flags say", () => {
    for (const action of Object.keys(policyMatrix)) {
      for (const role of roles) {
        const entry = policyMatrix[action as keyof typeof policyMatrix];
        if (entry.access !== "record") continue;
        const decision = authorize(actorWith(role), action, relations.otherSchool as PolicyTarget);
        expect(decision.allowed, `${role} ${action}`).toBe(false);
      }
    }
  });

  it("gives each role exactly the reach the matrix lists (role × action × relation)", () => {
    const table: string[] = [];
    for (const action of Object.keys(policyMatrix)) {
      for (const role of roles) {
        for (const [relation, target] of Object.entries(relations)) {
          const d = authorize(actorWith(role), action, target);
          table.push(`${action} ${role} ${relation} ${d.allowed ? `allow:${d.reach}` : `deny:${d.reason}`}`);
        }
      }
    }
    // Spot checks that pin the policy's meaning.
    expect(table).toContain("records.write teacher assigned allow:assigned");
    expect(table).toContain("records.write teacher unrelatedSameSchool deny:out_of_scope");
    expect(table).toContain("records.write class_teacher class allow:class");
    expect(table).toContain("records.read mentor mentee allow:mentee");
    expect(table).toContain("records.read principal unrelatedSameSchool allow:school");
    expect(table).toContain("records.read county_bureau unrelatedSameSchool deny:role_not_allowed");
    expect(table).toContain("reports.coverage county_bureau otherSchool allow:county");
    expect(table).toContain("reports.coverage county_bureau otherCounty deny:out_of_scope");
    expect(table).toContain("reports.coverage city_bureau otherCounty allow:city");
    expect(table).toContain("reports.coverage teacher unrelatedSameSchool deny:role_not_allowed");
    expect(table).toContain("safety.report teacher own allow:self");
    expect(table).toContain("safety.report teacher assigned deny:out_of_scope");
    expect(table).toContain("roster.import teacher unrelatedSameSchool deny:role_not_allowed");
    expect(table).toContain("data.export principal unrelatedSameSchool allow:school");
  });

  it("marks full views as needing a purpose and audits them", () => {
    expect(policyMatrix["students.read"].purposeRequired).toBe(true);
    expect(policyMatrix["students.read"].audit).toBe("always");
    expect(policyMatrix["students.list"].purposeRequired).toBe(false);
  });
});

describe("actor", () => {
  it("requires a school for school roles and a county for county staff", () => {
    const noSchool = safeParseInput(actorSchema, { id: "t1", roles: ["teacher"], cityId: "lishui", countyId: "x" });
    expect(noSchool.success).toBe(false);
    if (!noSchool.success) expect(noSchool.error.issues.map((i) => i.path)).toEqual([["schoolId"]]);
    const county = safeParseInput(actorSchema, { id: "b1", roles: ["county_bureau"], cityId: "lishui" });
    expect(county.success).toBe(false);
    expect(safeParseInput(actorSchema, { id: "c1", roles: ["city_bureau"], cityId: "lishui" }).success).toBe(true);
  });

  it("rejects claims it does not know", () => {
    const r = safeParseInput(actorSchema, { id: "x", roles: ["superuser"], cityId: "lishui" });
    expect(r.success).toBe(false);
  });
});

describe("masking", () => {
  it("masks mobiles and other numbers", () => {
    expect(maskPhone("13812345678")).toBe("138****5678");
    expect(maskPhone("0578-2123456")).toBe("********3456");
    expect(maskPhone("123")).toBe("***");
  });

  it("cuts an address to the village", () => {
    expect(
      maskAddress({
        county: "莲都区",
        town: "老竹畲族镇",
        village: "沙溪村",
        detail: "沙溪村12号",
        coordinates: { lat: 28.4, lng: 119.9 },
        remote: false,
      }),
    ).toEqual({ county: "莲都区", town: "老竹畲族镇", village: "沙溪村" });
  });

  it("summarises a student without categories, birth date or full phone", () => {
    const student = {
      id: "s-1",
      schoolId: "s-01",
      name: "李䶮",
      dateOfBirth: "2013-04-02",
      enrolments: [{ schoolId: "s-01", classId: "7-3", grade: 7, from: "2026-09-01", startReason: "entry" as const }],
      guardians: [
        {
          id: "g1",
          name: "李建国",
          relation: "father" as const,
          phone: "13912345678",
          primary: true,
          livesWithStudent: false,
          worksAway: true,
        },
      ],
      address: { county: "莲都区", town: "老竹畲族镇", village: "沙溪村", detail: "12号", remote: false },
      livingSituation: { livesWith: "grandparents" as const, parentsAway: "both" as const },
      availability: [],
    };
    const flags = [
      {
        id: "f1",
        studentId: "s-1",
        category: "economic_hardship" as const,
        validFrom: "2026-09-01",
        evidence: "低保户",
        flaggedBy: "t1",
        flaggedAt: "2026-09-01T08:00:00+08:00",
      },
    ];
    const summary = toStudentSummary(student, flags, "2026-10-01");
    const text = JSON.stringify(summary);
    expect(summary.priority).toBe(true);
    expect(summary.grade).toBe(7);
    expect(text).not.toContain("13912345678");
    expect(text).not.toContain("economic_hardship");
    expect(text).not.toContain("低保户");
    expect(text).not.toContain("12号");
    expect(text).not.toContain("2013-04-02");
    expect(text).toContain("139****5678");
  });
});
