import {
  type ConductAttestation,
  type ConductRuleId,
  completeConductAttestationSchema,
  conductAttestationItemSchema,
  conductAttestationProblems,
  conductAttestationSchema,
  conductReportSchema,
  conductReportsFrom,
  conductRule,
  conductRuleIds,
  conductRules,
  declinedOffers,
  errorCatalog,
  isConductAttestationComplete,
  safeParseInput,
} from "@homevisit/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

const attestedAt = "2026-10-12T19:40:00+08:00";
const allKept = Object.fromEntries(conductRuleIds.map((id) => [id, { kept: true }])) as Record<
  ConductRuleId,
  { kept: true }
>;
const complete: ConductAttestation = { items: allKept, attestedAt };
const context = {
  visitId: "v-1",
  schoolId: "sch-1",
  teacherId: "t-1",
  studentId: "stu-1",
  declaredAt: "2026-10-12T21:00:00+08:00",
};

describe("conductRules", () => {
  it("lists the six prohibitions in the guidance's order with its words", () => {
    expect(conductRules.map((r) => r.id)).toEqual([
      "no_money_or_gifts",
      "no_meals_or_reimbursement",
      "no_transport_from_family",
      "no_private_requests",
      "no_entertainment",
      "no_paid_tutoring",
    ]);
    expect(conductRules.map((r) => r.order)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(conductRules.map((r) => r.text["zh-CN"])).toEqual([
      "不得接受家长馈赠的钱物",
      "不得接受家长的吃请和报销开支",
      "不得要求家长安排车辆接送",
      "不得借家访名义向家长提出任何私人要求",
      "不得参与家长组织的任何娱乐消费活动",
      "不得以家访名义进行有偿家教",
    ]);
    for (const rule of conductRules) {
      expect(rule.text.en.length).toBeGreaterThan(10);
      expect(rule.label["zh-CN"].length).toBeGreaterThan(0);
      expect(rule.attestation["zh-CN"]).toMatch(/^本次家访/);
    }
  });

  it("finds a rule by id", () => {
    expect(conductRule("no_paid_tutoring").order).toBe(6);
    expect(conductRule("no_transport_from_family").label.en).toBe("No transport from the family");
  });
});

describe("conductAttestationItemSchema", () => {
  it("accepts a kept rule, with or without a declined offer", () => {
    expect(conductAttestationItemSchema.parse({ kept: true })).toEqual({ kept: true });
    expect(conductAttestationItemSchema.parse({ kept: true, offeredAndDeclined: "一篮土鸡蛋" })).toEqual({
      kept: true,
      offeredAndDeclined: "一篮土鸡蛋",
    });
  });

  it("accepts an exception with a note", () => {
    expect(conductAttestationItemSchema.parse({ kept: false, exceptionNote: "家长坚持留饭，吃了午饭" }).kept).toBe(
      false,
    );
  });

  it("requires a note for an exception, blank notes included", () => {
    for (const input of [{ kept: false }, { kept: false, exceptionNote: "   " }]) {
      const result = safeParseInput(conductAttestationItemSchema, input);
      expect(result.success).toBe(false);
      if (result.success) continue;
      expect(result.error.issues).toHaveLength(1);
      expect(result.error.issues[0]?.code).toBe("conduct_exception_note_required");
      expect(result.error.issues[0]?.path).toEqual(["exceptionNote"]);
      expect(result.error.issues[0]?.message["zh-CN"]).toBe(
        errorCatalog.conduct_exception_note_required.message["zh-CN"],
      );
    }
  });

  it("rejects an exception note on a kept rule", () => {
    const result = safeParseInput(conductAttestationItemSchema, { kept: true, exceptionNote: "旧的说明" });
    expect(result.success).toBe(false);
    if (!result.success) expect(result.error.issues[0]?.code).toBe("conduct_exception_note_unexpected");
  });

  it("rejects unknown keys and a missing answer", () => {
    const extra = safeParseInput(conductAttestationItemSchema, { kept: true, gift: "茶叶" });
    expect(extra.success).toBe(false);
    if (!extra.success) expect(extra.error.issues[0]?.code).toBe("unrecognized_keys");
    const missing = safeParseInput(conductAttestationItemSchema, {});
    expect(missing.success).toBe(false);
    if (!missing.success) expect(missing.error.issues[0]?.path).toEqual(["kept"]);
  });
});

describe("conductAttestationSchema (draft) and completeness", () => {
  it("lets a draft hold a partial attestation", () => {
    const partial = { items: { no_money_or_gifts: { kept: true } } };
    expect(conductAttestationSchema.parse(partial)).toEqual(partial);
    expect(isConductAttestationComplete(partial)).toBe(false);
  });

  it("rejects an unknown rule id and unknown top-level keys", () => {
    const rule = safeParseInput(conductAttestationSchema, { items: { no_smoking: { kept: true } } });
    expect(rule.success).toBe(false);
    if (!rule.success) expect(rule.error.issues[0]?.path).toEqual(["items"]);
    const top = safeParseInput(conductAttestationSchema, { items: {}, signature: "x" });
    expect(top.success).toBe(false);
  });

  it("reports the path of a bad item within the attestation", () => {
    const result = safeParseInput(conductAttestationSchema, { items: { no_entertainment: { kept: false } } });
    expect(result.success).toBe(false);
    if (!result.success) expect(result.error.issues[0]?.path).toEqual(["items", "no_entertainment", "exceptionNote"]);
  });

  it("accepts a complete attestation, exceptions included", () => {
    expect(isConductAttestationComplete(complete)).toBe(true);
    const withException = {
      items: { ...allKept, no_meals_or_reimbursement: { kept: false, exceptionNote: "留下吃了午饭" } },
      attestedAt,
    };
    expect(completeConductAttestationSchema.parse(withException)).toEqual(withException);
    expect(conductAttestationProblems(withException)).toEqual([]);
  });

  it("lists each unanswered rule and the missing confirmation with codes and paths", () => {
    const problems = conductAttestationProblems({ items: { no_money_or_gifts: { kept: true } } });
    expect(problems.map((p) => p.path.join("."))).toEqual([
      "items.no_meals_or_reimbursement",
      "items.no_transport_from_family",
      "items.no_private_requests",
      "items.no_entertainment",
      "items.no_paid_tutoring",
      "attestedAt",
    ]);
    expect(problems.slice(0, 5).every((p) => p.code === "conduct_attestation_incomplete")).toBe(true);
    expect(problems[0]?.message).toEqual({
      "zh-CN": "须逐项确认“六个不得”，第 2 条（不吃请不报销）尚未确认",
      en: "Every conduct rule must be attested; rule 2 (No meals or reimbursement) is not yet attested",
    });
    expect(problems[4]?.message.en).toBe(
      "Every conduct rule must be attested; rule 6 (No paid tutoring) is not yet attested",
    );
    expect(problems[5]?.code).toBe("visit_field_required");
  });

  it("treats a missing attestation as nothing answered, and prefixes paths", () => {
    const problems = conductAttestationProblems(undefined, ["conduct"]);
    expect(problems).toHaveLength(7);
    expect(problems[0]?.path).toEqual(["conduct", "items", "no_money_or_gifts"]);
    expect(isConductAttestationComplete(undefined)).toBe(false);
  });

  it("rejects any attestation with an unanswered rule at that rule's path (property)", () => {
    const answer = fc.oneof(
      fc.record({ kept: fc.constant(true as const) }),
      fc.record({ kept: fc.constant(true as const), offeredAndDeclined: fc.string({ maxLength: 40 }) }),
      fc.record({
        kept: fc.constant(false as const),
        exceptionNote: fc.string({ minLength: 1, maxLength: 40 }).filter((s) => s.trim() !== ""),
      }),
    );
    const answers = fc.record(
      Object.fromEntries(conductRuleIds.map((id) => [id, answer])) as Record<ConductRuleId, typeof answer>,
    );
    const missing = fc.subarray([...conductRuleIds], { minLength: 1 });
    fc.assert(
      fc.property(answers, missing, fc.boolean(), (all, unanswered, confirmed) => {
        const items: Record<string, unknown> = { ...all };
        for (const id of unanswered) delete items[id];
        const attestation = confirmed ? { items, attestedAt } : { items };
        const result = safeParseInput(completeConductAttestationSchema, attestation);
        expect(result.success).toBe(false);
        if (result.success) return;
        const incomplete = result.error.issues.filter((i) => i.code === "conduct_attestation_incomplete");
        expect(incomplete.map((i) => i.path)).toEqual(unanswered.map((id) => ["items", id]));
        expect(isConductAttestationComplete(attestation)).toBe(false);
      }),
    );
  });

  it("answers any input with problems, never a throw (property)", () => {
    fc.assert(
      fc.property(fc.anything(), (input) => {
        expect(Array.isArray(conductAttestationProblems(input))).toBe(true);
        expect(typeof isConductAttestationComplete(input)).toBe("boolean");
      }),
    );
  });

  it("accepts every fully answered attestation (property)", () => {
    const answer = fc.oneof(fc.constant({ kept: true }), fc.constant({ kept: false, exceptionNote: "收下了一盒茶叶" }));
    fc.assert(
      fc.property(fc.tuple(...conductRuleIds.map(() => answer)), (answers) => {
        const items = Object.fromEntries(conductRuleIds.map((id, i) => [id, answers[i]]));
        expect(isConductAttestationComplete({ items, attestedAt })).toBe(true);
      }),
    );
  });
});

describe("conductReportsFrom", () => {
  it("produces no report when every rule was kept, declined offers included", () => {
    const attestation: ConductAttestation = {
      items: { ...allKept, no_money_or_gifts: { kept: true, offeredAndDeclined: "红包" } },
      attestedAt,
    };
    expect(conductReportsFrom(attestation, context)).toEqual([]);
    expect(declinedOffers(attestation)).toEqual(["no_money_or_gifts"]);
  });

  it("turns each declared exception into a valid open report, in the rules' order", () => {
    const attestation: ConductAttestation = {
      items: {
        ...allKept,
        no_paid_tutoring: { kept: false, exceptionNote: "家长要求周末补课并付费，已同意一次" },
        no_meals_or_reimbursement: {
          kept: false,
          exceptionNote: "留下吃了午饭",
          offeredAndDeclined: "路费报销",
        },
      },
      attestedAt,
    };
    const reports = conductReportsFrom(attestation, context);
    expect(reports).toEqual([
      {
        id: "v-1:no_meals_or_reimbursement",
        schoolId: "sch-1",
        teacherId: "t-1",
        studentId: "stu-1",
        visitId: "v-1",
        ruleId: "no_meals_or_reimbursement",
        note: "留下吃了午饭",
        offeredAndDeclined: "路费报销",
        declaredAt: attestedAt,
        status: "open",
      },
      {
        id: "v-1:no_paid_tutoring",
        schoolId: "sch-1",
        teacherId: "t-1",
        studentId: "stu-1",
        visitId: "v-1",
        ruleId: "no_paid_tutoring",
        note: "家长要求周末补课并付费，已同意一次",
        declaredAt: attestedAt,
        status: "open",
      },
    ]);
    for (const report of reports) expect(conductReportSchema.parse(report)).toEqual(report);
  });

  it("uses the context's time when the attestation is not confirmed yet", () => {
    const reports = conductReportsFrom(
      { items: { no_entertainment: { kept: false, exceptionNote: "参加了家长组织的聚餐 KTV" } } },
      context,
    );
    expect(reports.map((r) => [r.ruleId, r.declaredAt])).toEqual([["no_entertainment", context.declaredAt]]);
  });

  it("rejects a report without a note or with unknown keys", () => {
    const report = conductReportsFrom({ items: { no_entertainment: { kept: false, exceptionNote: "x" } } }, context)[0];
    expect(safeParseInput(conductReportSchema, { ...report, note: "" }).success).toBe(false);
    const extra = safeParseInput(conductReportSchema, { ...report, teacherName: "王老师" });
    expect(extra.success).toBe(false);
    if (!extra.success) expect(extra.error.issues[0]?.code).toBe("unrecognized_keys");
  });
});
