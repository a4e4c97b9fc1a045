// The form's pure parts, in Node: building the record the engine takes from the form's values,
// and judging it with the server's own submission schema before a byte leaves the phone.
import { validateVisitRecordForSubmission } from "@homevisit/core";
import { describe, expect, it } from "vitest";
import { message, widgetLocale } from "../src/i18n.js";
import { type FormValues, recordFromValues, shanghaiInstant, submissionProblems } from "../src/record-fields.js";

const rules = [
  "no_money_or_gifts",
  "no_meals_or_reimbursement",
  "no_transport_from_family",
  "no_private_requests",
  "no_entertainment",
  "no_paid_tutoring",
];

const complete: FormValues = {
  kind: "universal",
  term: "2026-2027-1",
  channel: "in_home",
  arrivedAt: "2026-11-10T16:30",
  departedAt: "2026-11-10T17:40",
  studentPresent: true,
  guardians: ["mother"],
  outreachGoals: ["support", "care"],
  "familySituation.notes": "与祖母同住",
  "schoolFeedback.topics": ["learning"],
  "parentOpinions.opinions": "希望增加阅读",
  "teacherReflection.reflection": "约定每周电话沟通",
  ...Object.fromEntries(rules.map((r) => [`conduct.${r}`, "kept"])),
};

describe("recordFromValues", () => {
  it("builds a record the server's submission schema accepts", () => {
    const record = recordFromValues(complete, { now: "2026-11-10T09:45:00.000Z" });
    expect(record.arrivedAt).toBe("2026-11-10T16:30:00+08:00");
    // The four goals in the guidance's order, whatever order they were ticked in.
    expect(record.outreachGoals).toEqual(["care", "support"]);
    expect(record.conduct?.attestedAt).toBe("2026-11-10T09:45:00.000Z");
    const checked = validateVisitRecordForSubmission({
      ...record,
      id: "v-1",
      schoolId: "s-1",
      studentId: "stu-1",
      teacherId: "t-1",
    });
    expect(checked.success).toBe(true);
    expect(submissionProblems(record, "stu-1", "en")).toEqual([]);
  });

  it("leaves empty sections out and attests only when all six rules are answered", () => {
    const record = recordFromValues({ ...complete, "conduct.no_paid_tutoring": "", "healthyGrowth.notes": "  " }, {});
    expect(record.healthyGrowth).toBeUndefined();
    expect(record.conduct?.attestedAt).toBeUndefined();
    expect(Object.keys(record.conduct?.items ?? {})).toHaveLength(5);
  });

  it("declares an exception with its note", () => {
    const record = recordFromValues(
      {
        ...complete,
        "conduct.no_meals_or_reimbursement": "exception",
        "conductNote.no_meals_or_reimbursement": "留下吃了午饭",
      },
      {},
    );
    expect(record.conduct?.items.no_meals_or_reimbursement).toEqual({ kept: false, exceptionNote: "留下吃了午饭" });
  });

  it("lists every gap at once, with the catalog's message in the widget's locale", () => {
    const record = recordFromValues({ kind: "universal", term: "2026-2027-1", channel: "in_home" }, {});
    const problems = submissionProblems(record, "stu-1", "en");
    const names = problems.map((p) => p.name);
    expect(names).toEqual(
      expect.arrayContaining(["arrivedAt", "departedAt", "attendees", "outreachGoals", "familySituation"]),
    );
    expect(names.filter((n) => n.startsWith("conduct.items."))).toHaveLength(6);
    const zh = submissionProblems(record, "stu-1", "zh-CN");
    expect(zh.map((p) => p.message)).not.toEqual(problems.map((p) => p.message));
  });

  it("puts the school's custom fields under their template", () => {
    const record = recordFromValues(
      { ...complete, "custom.boarding": true, "custom.distanceKm": "12.5", "custom.unused": "x" },
      {
        template: {
          id: "tpl-1",
          version: 3,
          fields: [
            { type: "boolean", key: "boarding", label: { "zh-CN": "住校", en: "Boarding" } },
            { type: "number", key: "distanceKm", label: { "zh-CN": "距离", en: "Distance" } },
          ],
        } as never,
      },
    );
    expect(record.customFields).toEqual({
      templateId: "tpl-1",
      templateVersion: 3,
      values: { boarding: true, distanceKm: 12.5 },
    });
  });
});

describe("the widgets' words", () => {
  it("are complete in en and zh-CN and fill placeholders", () => {
    expect(message("en", "pendingDrafts", { count: 2 })).toBe("2 draft(s) waiting on this device");
    expect(message("zh-CN", "pendingDrafts", { count: 2 })).toBe("本机待发送草稿 2 份");
    expect(widgetLocale("en-US")).toBe("en");
    expect(widgetLocale("fr")).toBe("zh-CN");
    expect(shanghaiInstant("")).toBeUndefined();
  });
});
