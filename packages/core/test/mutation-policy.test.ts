import {
  type Actor,
  authorize,
  isPolicyAction,
  type PolicyTarget,
  policyMatrix,
  reachLabels,
  roleLabels,
  roles,
} from "@homevisit/core";
import { describe, expect, it } from "vitest";

/**
 * The policy matrix pinned row by row (RELIABILITY.md promise 1), and each reach decided at its
 * edges. Killing the mutants of `pnpm run mutation` (docs/quality.md): a role added to or dropped
 * from an action, a reach widened, a read turned into a write or an audit switched off must fail
 * here, so any such change to who may do what is a deliberate edit of this table.
 */

/** action, "role: reaches, …", access, write, purpose required, audit. */
const expected: [string, string, string, boolean, boolean, string][] = [
  ["roster.import", "principal: school, school_admin: school", "record", true, false, "writes"],
  [
    "students.list",
    "teacher: assigned mentee self, class_teacher: assigned class mentee self, mentor: assigned mentee self, principal: school self, school_admin: school self",
    "record",
    false,
    false,
    "writes",
  ],
  [
    "students.read",
    "teacher: assigned mentee self, class_teacher: assigned class mentee self, mentor: assigned mentee self, principal: school self, school_admin: school self",
    "record",
    false,
    true,
    "always",
  ],
  [
    "categories.flag",
    "class_teacher: class, mentor: mentee, principal: school, school_admin: school",
    "record",
    true,
    false,
    "writes",
  ],
  [
    "archive.read",
    "teacher: assigned mentee self, class_teacher: assigned class mentee self, mentor: assigned mentee self, principal: school self, school_admin: school self",
    "record",
    false,
    true,
    "always",
  ],
  ["plans.generate", "principal: school, school_admin: school", "record", true, false, "writes"],
  ["plans.commit", "principal: school, school_admin: school", "record", true, false, "writes"],
  ["plans.reassign", "principal: school, school_admin: school", "record", true, false, "writes"],
  [
    "plans.read",
    "teacher: assigned mentee self, class_teacher: assigned class mentee self, mentor: assigned mentee self, principal: school, school_admin: school",
    "record",
    false,
    false,
    "writes",
  ],
  [
    "appointments.transition",
    "teacher: assigned self, class_teacher: assigned self, mentor: assigned self, principal: school, school_admin: school",
    "record",
    true,
    false,
    "writes",
  ],
  [
    "appointments.create",
    "teacher: assigned mentee, class_teacher: assigned class mentee, mentor: assigned mentee, principal: school, school_admin: school",
    "record",
    true,
    false,
    "writes",
  ],
  [
    "safety.report",
    "teacher: self, class_teacher: self, mentor: self, principal: self, school_admin: self",
    "record",
    true,
    false,
    "writes",
  ],
  ["safety.overdue", "principal: school, school_admin: school", "record", false, false, "writes"],
  [
    "records.write",
    "teacher: assigned, class_teacher: assigned class, mentor: assigned mentee, principal: school",
    "record",
    true,
    false,
    "writes",
  ],
  [
    "records.read",
    "teacher: assigned mentee self, class_teacher: assigned class mentee self, mentor: assigned mentee self, principal: school self, school_admin: school self",
    "record",
    false,
    true,
    "always",
  ],
  ["conduct.reports", "principal: school, school_admin: school", "record", false, false, "always"],
  [
    "support.write",
    "mentor: mentee, class_teacher: class, principal: school, school_admin: school",
    "record",
    true,
    false,
    "writes",
  ],
  [
    "feedback.write",
    "teacher: assigned, class_teacher: assigned class, mentor: assigned mentee, principal: school, school_admin: school",
    "record",
    true,
    false,
    "writes",
  ],
  [
    "appointments.read",
    "teacher: assigned self, class_teacher: assigned class self, mentor: assigned mentee self, principal: school, school_admin: school",
    "record",
    false,
    false,
    "writes",
  ],
  ["safety.zero_report", "principal: school, school_admin: school", "record", true, false, "writes"],
  ["conduct.resolve", "principal: school, school_admin: school", "record", true, false, "writes"],
  [
    "support.read",
    "mentor: mentee, class_teacher: class, principal: school, school_admin: school",
    "record",
    false,
    true,
    "always",
  ],
  ["feedback.read", "principal: school, school_admin: school", "record", false, false, "writes"],
  ["consent.write", "class_teacher: class, principal: school, school_admin: school", "record", true, false, "writes"],
  [
    "consent.read",
    "teacher: assigned mentee self, class_teacher: assigned class mentee self, mentor: assigned mentee self, principal: school self, school_admin: school self",
    "record",
    false,
    false,
    "writes",
  ],
  ["mentorships.write", "principal: school, school_admin: school", "record", true, false, "writes"],
  [
    "organisation.sync",
    "city_bureau: city, county_bureau: county, school_admin: school",
    "aggregate",
    true,
    false,
    "writes",
  ],
  ["data.export", "principal: school, school_admin: school", "record", false, true, "always"],
  ["data.erase", "principal: school, school_admin: school", "record", true, true, "writes"],
  ["audit.read", "school_admin: school, principal: school", "record", false, false, "always"],
  [
    "me.read",
    "teacher: self, class_teacher: self, mentor: self, principal: self, school_admin: self, county_bureau: self, city_bureau: self",
    "aggregate",
    false,
    false,
    "writes",
  ],
  [
    "safety.read",
    "teacher: self, class_teacher: self, mentor: self, principal: school self, school_admin: school self",
    "record",
    false,
    false,
    "writes",
  ],
  [
    "organisation.read",
    "teacher: school, class_teacher: school, mentor: school, principal: school, school_admin: school, county_bureau: county, city_bureau: city",
    "aggregate",
    false,
    false,
    "writes",
  ],
  [
    "forms.design",
    "school_admin: school, principal: school, county_bureau: county, city_bureau: city",
    "aggregate",
    true,
    false,
    "writes",
  ],
  [
    "forms.read",
    "teacher: school, class_teacher: school, mentor: school, principal: school, school_admin: school, county_bureau: county, city_bureau: city",
    "aggregate",
    false,
    false,
    "writes",
  ],
  [
    "reports.coverage",
    "principal: school, school_admin: school, county_bureau: county, city_bureau: city",
    "aggregate",
    false,
    false,
    "always",
  ],
];

const flatten = (roleReaches: Record<string, readonly string[] | undefined>) =>
  Object.entries(roleReaches)
    .map(([role, reaches]) => `${role}: ${(reaches ?? []).join(" ")}`)
    .join(", ");

describe("policy matrix: every row as decided", () => {
  it("holds exactly the actions of the table, in order", () => {
    expect(Object.keys(policyMatrix)).toEqual(expected.map(([action]) => action));
  });

  it.each(expected)(
    "%s: %s (%s, write %s, purpose %s, audit %s)",
    (action, reachText, access, write, purpose, audit) => {
      const entry = policyMatrix[action as keyof typeof policyMatrix];
      expect(flatten(entry.roles)).toBe(reachText);
      expect({ access: entry.access, write: entry.write, purpose: entry.purposeRequired, audit: entry.audit }).toEqual({
        access,
        write,
        purpose,
        audit,
      });
      // Both languages say what the action is.
      expect(entry.description["zh-CN"].length).toBeGreaterThan(2);
      expect(entry.description.en.length).toBeGreaterThan(5);
      expect(isPolicyAction(action)).toBe(true);
    },
  );

  it("names every reach and every role in both languages", () => {
    expect(Object.keys(reachLabels)).toEqual(["assigned", "class", "mentee", "self", "school", "county", "city"]);
    expect(Object.keys(roleLabels)).toEqual([...roles]);
    for (const label of [...Object.values(reachLabels), ...Object.values(roleLabels)]) {
      expect(label["zh-CN"].length).toBeGreaterThan(1);
      expect(label.en.length).toBeGreaterThan(3);
    }
    expect(roleLabels.city_bureau).toEqual({ "zh-CN": "市教育局", en: "city bureau" });
    expect(reachLabels.county.en).toBe("aggregates of their county");
  });

  it("knows no action outside the table, including inherited names", () => {
    for (const action of ["records.delete_everything", "toString", "constructor", "__proto__", ""]) {
      expect(isPolicyAction(action)).toBe(false);
      expect(authorize(staff("teacher"), action, { cityId: "lishui" })).toEqual({ allowed: false, reason: "no_entry" });
    }
  });
});

function staff(...roleList: Actor["roles"]): Actor {
  return { id: "t-1", roles: roleList, cityId: "lishui", countyId: "liandu", schoolId: "s-01" };
}

const here: PolicyTarget = { cityId: "lishui", countyId: "liandu", schoolId: "s-01" };
const otherSchool: PolicyTarget = { cityId: "lishui", countyId: "liandu", schoolId: "s-02" };

describe("policy reaches: each relation counts only in the actor's own school", () => {
  it.each([
    ["assigned", "records.write", { assigned: true }],
    ["class", "categories.flag", { classTeacher: true }],
    ["mentee", "support.write", { mentor: true }],
  ] as const)("%s", (reach, action, relation) => {
    const actor = staff("teacher", "class_teacher", "mentor");
    expect(authorize(actor, action, { ...here, ...relation })).toMatchObject({ allowed: true, reach });
    // The same relation in another school, or no relation at all, is out of scope.
    expect(authorize(actor, action, { ...otherSchool, ...relation })).toEqual({
      allowed: false,
      reason: "out_of_scope",
    });
    expect(authorize(actor, action, here)).toEqual({ allowed: false, reason: "out_of_scope" });
    // A relation marked anything but true does not count.
    const loose = Object.fromEntries(Object.keys(relation).map((k) => [k, "yes"]));
    expect(authorize(actor, action, { ...here, ...loose } as PolicyTarget)).toEqual({
      allowed: false,
      reason: "out_of_scope",
    });
  });

  it("self: only the actor's own record, whatever the school", () => {
    expect(authorize(staff("teacher"), "safety.report", { ...otherSchool, own: true })).toMatchObject({
      allowed: true,
      reach: "self",
    });
    expect(authorize(staff("teacher"), "safety.report", here)).toEqual({ allowed: false, reason: "out_of_scope" });
  });

  it("school: the actor's school only, and never for an actor without a school", () => {
    expect(authorize(staff("principal"), "students.read", here)).toMatchObject({ allowed: true, reach: "school" });
    expect(authorize(staff("principal"), "students.read", otherSchool)).toEqual({
      allowed: false,
      reason: "out_of_scope",
    });
    const noSchool = { id: "p-1", roles: ["principal"], cityId: "lishui", countyId: "liandu" } as Actor;
    expect(authorize(noSchool, "students.read", { cityId: "lishui", countyId: "liandu" })).toEqual({
      allowed: false,
      reason: "out_of_scope",
    });
  });

  it("county: the actor's county only, and never for an actor without a county", () => {
    const county = { id: "k-1", roles: ["county_bureau"], cityId: "lishui", countyId: "liandu" } as Actor;
    expect(authorize(county, "reports.coverage", here)).toMatchObject({ allowed: true, reach: "county" });
    expect(authorize(county, "reports.coverage", { ...here, countyId: "jinyun" })).toEqual({
      allowed: false,
      reason: "out_of_scope",
    });
    const noCounty = { id: "k-2", roles: ["county_bureau"], cityId: "lishui" } as Actor;
    expect(authorize(noCounty, "reports.coverage", { cityId: "lishui" })).toEqual({
      allowed: false,
      reason: "out_of_scope",
    });
  });

  it("answers which reach allowed, the first that applies in the matrix's order", () => {
    const decision = authorize(staff("class_teacher"), "students.read", {
      ...here,
      assigned: true,
      classTeacher: true,
    });
    expect(decision).toEqual({ allowed: true, reach: "assigned", entry: policyMatrix["students.read"] });
  });

  it("a role without an entry is role_not_allowed; a later role of the same actor still counts", () => {
    expect(authorize(staff("teacher"), "plans.commit", here)).toEqual({ allowed: false, reason: "role_not_allowed" });
    expect(authorize(staff("teacher", "principal"), "plans.commit", here)).toMatchObject({
      allowed: true,
      reach: "school",
    });
    // A role that is listed but reaches nothing makes the denial out_of_scope, even after an unlisted one.
    expect(authorize(staff("teacher", "principal"), "plans.commit", otherSchool)).toEqual({
      allowed: false,
      reason: "out_of_scope",
    });
  });
});
