import { describe, expect, it } from "vitest";
import * as z from "zod";
import {
  conductAttestationSchema,
  conductRules,
  engineContracts,
  guardianSchema,
  homeAddressSchema,
  instantSchema,
  labelOf,
  newAppointmentSchema,
  parseInput,
  postVisitCheckInSchema,
  preVisitSafetyReportFields,
  quotedLabel,
  safeParseInput,
  studentSchema,
  validateVisitRecordForSubmission,
  visitRecordDraftSchema,
  visitSectionKeys,
  visitSectionLabels,
  withLabel,
} from "../src/index.js";

const draft = {
  id: "v1",
  schoolId: "s1",
  studentId: "st1",
  teacherId: "t1",
  kind: "universal",
  term: "2026-2027-1",
  channel: "in_home",
};

/** Fields the engine sets from the actor, the target and the clock: never typed by a person. */
const serverSet = new Set(["id", "schoolId", "studentId", "teacherId", "status"]);

function messagesOf(input: unknown) {
  const result = safeParseInput(visitRecordDraftSchema, input);
  if (result.success) throw new Error("expected a validation failure");
  return result.error.issues.map((issue) => ({ path: issue.path.join("."), ...issue.message }));
}

describe("field labels", () => {
  it("labels every field of a visit record a person writes, in both locales", () => {
    const unlabelled = Object.entries(visitRecordDraftSchema.shape)
      .filter(([key]) => !serverSet.has(key))
      .filter(([, schema]) => labelOf(schema as z.ZodType) === undefined)
      .map(([key]) => key);
    expect(unlabelled).toEqual([]);
    for (const [key, schema] of Object.entries(visitRecordDraftSchema.shape)) {
      const label = labelOf(schema as z.ZodType);
      if (label === undefined) continue;
      expect(label["zh-CN"], key).toMatch(/\p{Script=Han}/u);
      expect(label.en, key).toMatch(/^[A-Z]/);
    }
  });

  it.each([
    ["a new appointment", newAppointmentSchema, ["id", "schoolId", "studentId", "teacherId"]],
    ["a pre-visit safety report", preVisitSafetyReportFields, ["id", "schoolId", "teacherId", "reportedAt"]],
    ["a post-visit check-in", postVisitCheckInSchema, ["reportId", "teacherId"]],
    ["a student", studentSchema, ["id", "schoolId"]],
    ["a guardian", guardianSchema, ["id"]],
    ["a home address", homeAddressSchema, []],
  ] as const)("labels every field of %s a person writes", (_name, schema, serverOwned) => {
    const shape = (schema as unknown as { shape: Record<string, z.ZodType> }).shape;
    const unlabelled = Object.entries(shape)
      .filter(([key, field]) => !(serverOwned as readonly string[]).includes(key) && labelOf(field) === undefined)
      .map(([key]) => key);
    expect(unlabelled).toEqual([]);
  });

  it("labels what a person writes to record or withdraw a consent", () => {
    const inputs = [engineContracts.consent.record.input, engineContracts.consent.withdraw.input];
    const unlabelled = inputs.flatMap((input) =>
      Object.entries((input as unknown as { shape: Record<string, z.ZodType> }).shape)
        .filter(
          ([key, field]) =>
            !["studentId", "consentId", "expectedVersion"].includes(key) && labelOf(field) === undefined,
        )
        .map(([key]) => key),
    );
    expect(unlabelled).toEqual([]);
  });

  it("names a wrong field by its label, not its key, at any depth", () => {
    const messages = messagesOf({
      ...draft,
      arrivedAt: "noon",
      attendees: { student: "yes" },
      followUps: [{ id: "f1", action: "", ownerId: "t1", dueOn: "soon" }],
    });
    expect(messages).toContainEqual({
      path: "arrivedAt",
      "zh-CN": "“到达时间”应为带时区的日期时间（ISO 8601）",
      en: "“Arrival time” must be a date-time with a time zone (ISO 8601)",
    });
    expect(messages.find((m) => m.path === "attendees.student")?.en).toBe("“Student present” must be true or false");
    expect(messages.find((m) => m.path === "followUps.0.action")?.["zh-CN"]).toBe("“跟进事项”不能为空");
    expect(messages.find((m) => m.path === "followUps.0.dueOn")?.en).toBe("“Due date” must be a date (YYYY-MM-DD)");
    // Named by key, a message would read 字段“arrivedAt” / Field “arrivedAt”.
    for (const m of messages) expect(`${m["zh-CN"]} ${m.en}`).not.toMatch(/字段|Field “|arrivedAt|dueOn/);
  });

  it("names shared schemas by the label they carry everywhere (kind, term, channel)", () => {
    const messages = messagesOf({ ...draft, kind: "x", term: "autumn", channel: "letter" });
    expect(messages.map((m) => m.en.split(" must")[0]?.split(" is")[0])).toEqual([
      "“Kind of visit”",
      "“Term”",
      "“Channel”",
    ]);
  });

  it("fills the submission rules' messages with the field's, the section's and the rule's own words", () => {
    const result = validateVisitRecordForSubmission({ ...draft, status: "draft" });
    if (result.success) throw new Error("a bare record cannot be submitted");
    const byPath = new Map(result.error.issues.map((issue) => [issue.path.join("."), issue.message]));
    expect(byPath.get("arrivedAt")).toEqual({
      "zh-CN": "提交家访记录前须填写“到达时间”",
      en: "Fill in “Arrival time” before submitting the visit record",
    });
    for (const key of visitSectionKeys) {
      const message = byPath.get(key);
      if (message === undefined) continue;
      expect(message["zh-CN"]).toContain(quotedLabel(visitSectionLabels[key].label)["zh-CN"]);
      expect(message.en).toContain(quotedLabel(visitSectionLabels[key].label).en);
    }
    for (const rule of conductRules) {
      const message = byPath.get(`conduct.items.${rule.id}`);
      expect(message?.["zh-CN"]).toContain(`（${rule.label["zh-CN"]}）`);
      expect(message?.en).toContain(`(${rule.label.en})`);
    }
    expect(byPath.get("conduct.attestedAt")?.en).toBe(
      "Fill in “Time of the conduct attestation” before submitting the visit record",
    );
  });

  it("labels a field's own schema only: the shared schema it wraps stays unlabelled", () => {
    expect(labelOf(visitRecordDraftSchema.shape.arrivedAt)).toEqual({ "zh-CN": "到达时间", en: "Arrival time" });
    expect(labelOf(instantSchema)).toBeUndefined();
    const items = conductAttestationSchema.shape.items.shape;
    expect(labelOf(items.no_money_or_gifts)).not.toEqual(labelOf(items.no_paid_tutoring));
  });

  it("keeps labels out of the JSON Schema and OpenAPI documents", () => {
    expect(JSON.stringify(z.toJSONSchema(visitRecordDraftSchema, { io: "input", unrepresentable: "any" }))).not.toMatch(
      /"label"|到达时间/,
    );
  });

  it("lets a host label its own fields, and a custom field's meta label still wins", () => {
    const schema = z.strictObject({
      pickupPoint: withLabel(z.string().max(3).optional(), { "zh-CN": "接送地点", en: "Pick-up point" }),
      custom: z
        .string()
        .max(1)
        .meta({ label: { "zh-CN": "家长意见", en: "Parents' opinion" } }),
    });
    expect(() => parseInput(schema, { pickupPoint: "村口大榕树下", custom: "ab" })).toThrow();
    const result = safeParseInput(schema, { pickupPoint: "村口大榕树下", custom: "ab" });
    expect(result.success ? [] : result.error.issues.map((i) => i.message.en.split(" ")[0])).toEqual([
      "“Pick-up",
      "“Parents'",
    ]);
  });
});
