import {
  actorSchema,
  authorize,
  cadenceProblem,
  categoriesAt,
  customObligationRuleSchema,
  defaultObligationRules,
  isHomevisitError,
  maskPhone,
  newStudentStatus,
  parseInput,
  policyMatrix,
  resolveObligationRules,
  type StoredCategoryFlag,
  type Student,
  toStudentSummary,
} from "@homevisit/core";
import { type AuditHead, type AuditRecord, chainAuditEntry, verifyAuditChain } from "@homevisit/core/storage";
import { describe, expect, it } from "vitest";
import { auditEntryAt } from "./support/audit-fixtures.js";

/**
 * Tests that kill the mutants issue 14 found surviving (StrykerJS, `pnpm run mutation`; see
 * docs/quality.md). Each names the RELIABILITY.md promise it holds.
 */

const lishuiCity = { cityId: "lishui", countyId: "liandu", schoolId: "s-01" };

describe("policy: reach (promise 1)", () => {
  const cityBureau = { id: "c-1", roles: ["city_bureau" as const], cityId: "lishui" };
  it("a city bureau reaches its own city's aggregates and nothing of another city", () => {
    for (const action of ["reports.coverage", "organisation.sync"]) {
      expect(authorize(cityBureau, action, lishuiCity)).toMatchObject({ allowed: true, reach: "city" });
      expect(authorize({ ...cityBureau, cityId: "quzhou" }, action, lishuiCity)).toEqual({
        allowed: false,
        reason: "out_of_scope",
      });
    }
  });

  it("a county bureau of another county is out of scope; an actor without a county reaches no county", () => {
    const county = { id: "k-1", roles: ["county_bureau" as const], cityId: "lishui", countyId: "liandu" };
    expect(authorize(county, "reports.coverage", lishuiCity)).toMatchObject({ allowed: true, reach: "county" });
    expect(authorize({ ...county, countyId: "jinyun" }, "reports.coverage", lishuiCity)).toMatchObject({
      allowed: false,
    });
  });

  it("only the actions that change data are writes: a read is never audited as a write", () => {
    const writes = Object.entries(policyMatrix)
      .filter(([, entry]) => entry.write)
      .map(([action]) => action);
    const reads = Object.keys(policyMatrix).filter((a) => !writes.includes(a));
    // Every read, list, get and report action is declared without `write` and must stay so.
    for (const action of reads)
      expect([action, policyMatrix[action as keyof typeof policyMatrix].write]).toEqual([action, false]);
    for (const action of ["students.list", "students.read", "reports.coverage"]) expect(reads).toContain(action);
    for (const action of ["roster.import", "plans.commit", "organisation.sync"]) expect(writes).toContain(action);
    expect(reads.length).toBeGreaterThan(5);
  });
});

describe("masking (promise 3)", () => {
  const student = {
    id: "s-001",
    schoolId: "s-01",
    name: "李䶮",
    birthDate: "2013-03-01",
    gender: "female",
    address: { county: "莲都区", town: "老竹畲族镇", village: "沙溪村", detail: "12号", remote: false },
    guardians: [{ name: "李强", relation: "father", phone: "13812345678", primary: true }],
    enrolments: [{ schoolId: "s-01", classId: "7-3", grade: 7, from: "2025-09-01" }],
  } as unknown as Student;
  const flag: StoredCategoryFlag = {
    id: "f1",
    studentId: "s-001",
    category: "family_crisis",
    validFrom: "2026-10-08",
    evidence: "父亲重病住院",
    flaggedBy: "t1",
    flaggedAt: "2026-10-08T09:00:00+08:00",
  } as StoredCategoryFlag;

  it("shows priority only while a category applies", () => {
    expect(toStudentSummary(student, [], "2026-11-01").priority).toBe(false);
    expect(toStudentSummary(student, [flag], "2026-10-01").priority).toBe(false);
    expect(toStudentSummary(student, [flag], "2026-11-01").priority).toBe(true);
  });

  it.each([
    ["13812345678", "138****5678"],
    // Anchors: a mobile must be exactly 11 digits starting with 1, else only the last four show.
    ["x13812345678", "********5678"],
    ["138123456789", "********6789"],
    ["23812345678", "*******5678"],
    ["0578-2123456", "********3456"],
    ["1234", "****"],
    ["123", "***"],
    ["12345", "*2345"],
  ])("masks %j as %j", (phone, masked) => {
    expect(maskPhone(phone)).toBe(masked);
  });
});

describe("actor (promise 2)", () => {
  const issuesOf = (input: unknown) => {
    try {
      parseInput(actorSchema, input);
      return [];
    } catch (error) {
      if (!isHomevisitError(error)) throw error;
      return error.issues.map((i) => i.path.join("."));
    }
  };
  it("refuses school staff without a county or a school", () => {
    expect(issuesOf({ id: "t1", roles: ["teacher"], cityId: "lishui", schoolId: "s-01" })).toEqual(["countyId"]);
    expect(issuesOf({ id: "t1", roles: ["principal"], cityId: "lishui", countyId: "liandu" })).toEqual(["schoolId"]);
  });
  it("refuses a mixed teacher and county-bureau actor without a school", () => {
    expect(issuesOf({ id: "t1", roles: ["teacher", "county_bureau"], cityId: "lishui", countyId: "liandu" })).toEqual([
      "schoolId",
    ]);
  });
  it("refuses a county bureau without a county and accepts a city bureau with a city alone", () => {
    expect(issuesOf({ id: "k1", roles: ["county_bureau"], cityId: "lishui" })).toEqual(["countyId"]);
    expect(issuesOf({ id: "c1", roles: ["city_bureau"], cityId: "lishui" })).toEqual([]);
    expect(issuesOf({ id: "t1", roles: ["teacher"], ...lishuiCity })).toEqual([]);
  });
});

describe("audit chain: which problem at which sequence (promise 5)", () => {
  const entry = (i: number, chainId: string) => auditEntryAt(i, chainId, { changes: [] });
  const chain = (chainId: string, n: number) => {
    const rows: AuditRecord[] = [];
    let head: AuditHead | undefined;
    for (let i = 0; i < n; i++) {
      const next = chainAuditEntry(head, entry(i, chainId));
      rows.push(next.record);
      head = next.head;
    }
    return { rows, head: head as AuditHead };
  };

  it("a whole chain copied from another school fails as wrong_chain at its first row, even without a head", () => {
    const other = chain("sch-2", 5);
    const result = verifyAuditChain("sch-1", other.rows);
    expect(result).toMatchObject({ ok: false, problem: "wrong_chain", seq: 1 });
  });

  it("a row the schema would normalise (an added trailing space) fails as invalid_row at its sequence", () => {
    const { rows, head } = chain("sch-1", 6);
    const edited = rows.map((r, i) => (i === 3 ? { ...r, actorId: `${r.actorId} ` } : r));
    expect(verifyAuditChain("sch-1", edited, head)).toMatchObject({ ok: false, problem: "invalid_row", seq: 4 });
    // An intact chain verifies.
    expect(verifyAuditChain("sch-1", rows, head)).toMatchObject({ ok: true, count: 6 });
  });

  it("an edited field fails as hash_mismatch at the edited row", () => {
    const { rows, head } = chain("sch-1", 6);
    const edited = rows.map((r, i) => (i === 2 ? { ...r, entityId: "s999" } : r));
    expect(verifyAuditChain("sch-1", edited, head)).toMatchObject({ ok: false, problem: "hash_mismatch", seq: 3 });
  });
});

describe("categories (promise 4: what is recorded is what applies)", () => {
  const school = { id: "s-01", kind: "junior" as const, entryGrades: [7] };
  const pupil = (enrolments: Student["enrolments"]) => ({ enrolments });

  it("a student is new only in the school year the stay began", () => {
    const e = [{ schoolId: "s-01", classId: "7-3", grade: 7, from: "2025-09-01" }] as Student["enrolments"];
    expect(newStudentStatus(pupil(e), school, "2025-10-01")).toMatchObject({ isNew: true, schoolYear: 2025 });
    expect(newStudentStatus(pupil(e), school, "2026-10-01")).toEqual({ isNew: false });
  });

  it("an enrolment that ended before the date does not count", () => {
    const e = [
      { schoolId: "s-01", classId: "7-3", grade: 7, from: "2026-09-01", to: "2026-09-30" },
    ] as Student["enrolments"];
    expect(newStudentStatus(pupil(e), school, "2026-09-15")).toMatchObject({ isNew: true });
    expect(newStudentStatus(pupil(e), school, "2026-10-15")).toEqual({ isNew: false });
  });

  it("overlapping flags of one category make one period, from the earliest start to the latest end", () => {
    const base = { studentId: "s1", category: "family_crisis", evidence: "x", flaggedBy: "t1" };
    const flags = [
      { ...base, id: "a", validFrom: "2026-09-01", validTo: "2026-10-15", flaggedAt: "2026-09-01T09:00:00+08:00" },
      { ...base, id: "b", validFrom: "2026-10-01", validTo: "2026-11-30", flaggedAt: "2026-10-01T09:00:00+08:00" },
      { ...base, id: "c", validFrom: "2026-12-01", validTo: "2026-12-31", flaggedAt: "2026-12-01T09:00:00+08:00" },
    ] as StoredCategoryFlag[];
    const [active] = categoriesAt(flags, "2026-10-10");
    expect(active).toMatchObject({ category: "family_crisis", since: "2026-09-01", until: "2026-12-31" });
    expect(active?.flag.id).toBe("b");
    expect(categoriesAt(flags, "2027-01-01")).toEqual([]);
  });
});

describe("obligation rules (promise 7)", () => {
  it.each([
    ["FREQ=WEEKLY;INTERVAL=99", "INTERVAL has a bad value"],
    ["FREQ=WEEKLY;INTERVAL=0", "INTERVAL has a bad value"],
    ["FREQ=YEARLY;BYMONTH=13", "BYMONTH has a bad value"],
    ["FREQ=YEARLY;BYMONTH=1,13", "BYMONTH has a bad value"],
    ["FREQ=MONTHLY;BYMONTHDAY=32", "BYMONTHDAY has a bad value"],
    ["FREQ=MONTHLY;BYSETPOS=6", "BYSETPOS has a bad value"],
    ["FREQ=WEEKLY;WKST=XX", "WKST has a bad value"],
  ])("refuses %j", (cadence, reason) => {
    expect(cadenceProblem(cadence)).toBe(reason);
  });

  it.each([
    "FREQ=WEEKLY;INTERVAL=52",
    "FREQ=YEARLY;BYMONTH=12",
    "FREQ=MONTHLY;BYMONTHDAY=-31",
    "FREQ=WEEKLY;INTERVAL=9",
  ])("accepts %j", (cadence) => {
    expect(cadenceProblem(cadence)).toBeUndefined();
  });

  it("never repeats a refused part in its reason", () => {
    expect(cadenceProblem("FREQ=WEEKLY;13812345678")).not.toContain("13812345678");
    expect(cadenceProblem("FREQ=WEEKLY;X13812345678=1")).not.toContain("13812345678");
  });

  it("refuses empty and two-entry-capped lists alike: at least one entry, up to the limit", () => {
    const rule = {
      id: "boarding_per_term",
      label: { "zh-CN": "寄宿生每学期家访", en: "Boarders each term" },
      frequency: { per: "term", visits: 1 },
    };
    const custom = (extra: Record<string, unknown>) =>
      customObligationRuleSchema.safeParse({ ...rule, ...extra }).success;
    expect(custom({ categories: [] })).toBe(false);
    expect(custom({ grades: [] })).toBe(false);
    expect(custom({ settings: [] })).toBe(false);
    // `.min(1)` mutated to `.max(1)` would refuse these two-entry lists.
    expect(
      custom({ categories: ["family_crisis", "economic_hardship"], grades: [7, 8], settings: ["rural", "town"] }),
    ).toBe(true);
  });

  it("an invalid base is reported under the path base, not merged", () => {
    try {
      resolveObligationRules({}, { ...defaultObligationRules, crisis: { ...defaultObligationRules.crisis, days: -1 } });
      expect.unreachable("accepted");
    } catch (error) {
      if (!isHomevisitError(error)) throw error;
      expect(error.code).toBe("validation_failed");
      expect(error.issues.map((i) => i.path[0])).toEqual(["base"]);
    }
    expect(resolveObligationRules({}, defaultObligationRules).crisis).toEqual(defaultObligationRules.crisis);
  });
});
