import {
  conductReportsOfVisit,
  conductRuleIds,
  fieldSensitivities,
  isSectionFilled,
  outreachGoalLabels,
  outreachGoals,
  requiredSections,
  safeParseInput,
  type VisitChannel,
  validateVisitRecordForSubmission,
  visitChannelLabels,
  visitChannels,
  visitDateOf,
  visitKinds,
  visitRecordDraftSchema,
  visitRecordSubmissionSchema,
  visitSectionKeys,
  visitSectionLabels,
  visitSectionSchemas,
} from "@homevisit/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import * as z from "zod";

const identity = {
  id: "v-1",
  schoolId: "sch-1",
  studentId: "stu-1",
  teacherId: "t-1",
  kind: "universal",
  term: "2026-2027-1",
  channel: "in_home",
} as const;

const allKept = Object.fromEntries(conductRuleIds.map((id) => [id, { kept: true }]));

/** What a class teacher would fill in on a phone after an ordinary evening home visit. */
const submitted = {
  ...identity,
  companionIds: ["t-2"],
  obligationId: "universal_yearly:stu-1:2026-09-01",
  arrivedAt: "2026-10-12T18:40:00+08:00",
  departedAt: "2026-10-12T19:35:00+08:00",
  attendees: { student: true, guardians: [{ relation: "paternal_grandmother" }] },
  outreachGoals: ["care", "guidance"],
  familySituation: { livesWith: "grandparents", hasStudySpace: false, notes: "父母在杭州务工，奶奶照顾" },
  schoolFeedback: { topics: ["learning", "conduct"], notes: "数学进步明显，上课爱发言" },
  parentOpinions: { suggestions: "希望学校多布置阅读" },
  teacherReflection: { selfEvaluation: "effective", reflection: "下次约父亲视频一起聊" },
  followUps: [{ id: "f-1", action: "帮助申请课后服务", ownerId: "t-1", dueOn: "2026-10-20" }],
  photos: [{ blobId: "blob-1", caption: "与奶奶交流" }],
  conduct: { items: allKept, attestedAt: "2026-10-12T19:50:00+08:00" },
  customFields: { templateId: "family-extra", templateVersion: 2, values: { hobby: "画画" } },
};

function problems(input: unknown): string[] {
  const result = validateVisitRecordForSubmission(input);
  return result.success ? [] : result.error.issues.map((i) => `${i.path.join(".")}: ${i.code}`);
}

describe("vocabulary", () => {
  it("has the channels, the four outreach goals and the seven sections with labels", () => {
    expect(visitChannels).toEqual(["in_home", "alternative_venue", "phone", "video", "at_school"]);
    expect(visitChannelLabels.in_home["zh-CN"]).toBe("入户家访");
    expect(outreachGoals).toEqual(["care", "policy", "guidance", "support"]);
    expect(outreachGoals.map((g) => outreachGoalLabels[g].label["zh-CN"])).toEqual([
      "教育关爱进家庭",
      "教育政策进家庭",
      "教育指导进家庭",
      "教育帮扶进家庭",
    ]);
    expect(visitSectionKeys.map((k) => visitSectionLabels[k].task)).toEqual([1, 2, 3, 4, 5, 6, 6]);
  });

  it("marks sections, photos and notes sensitive and ids internal", () => {
    const s = fieldSensitivities(visitRecordDraftSchema);
    for (const key of visitSectionKeys) expect(s[key]).toBe("sensitive");
    expect(s.photos).toBe("sensitive");
    expect(s.venueReason).toBe("sensitive");
    expect(s.venue).toBe("personal");
    expect(s.studentId).toBe("internal");
  });
});

describe("visitRecordDraftSchema", () => {
  it("accepts a bare draft and fills defaults", () => {
    expect(visitRecordDraftSchema.parse(identity)).toEqual({
      ...identity,
      companionIds: [],
      outreachGoals: [],
      followUps: [],
      photos: [],
      status: "draft",
    });
  });

  it("accepts a half-filled draft that could not be submitted", () => {
    const draft = { ...identity, arrivedAt: "2026-10-12T18:40:00+08:00", familySituation: {} };
    expect(visitRecordDraftSchema.safeParse(draft).success).toBe(true);
    expect(validateVisitRecordForSubmission(draft).success).toBe(false);
  });

  it("accepts a full record and keeps its values", () => {
    const parsed = visitRecordDraftSchema.parse(submitted);
    expect(parsed.followUps[0]?.status).toBe("open");
    expect(parsed.schoolFeedback?.topics).toEqual(["learning", "conduct"]);
    expect(parsed.attendees?.teacherIds).toEqual([]);
  });

  it("rejects unknown keys at every level with their paths", () => {
    const cases: [unknown, string][] = [
      [{ ...identity, version: 3 }, ""],
      [{ ...identity, familySituation: { income: 2000 } }, "familySituation"],
      [{ ...identity, attendees: { student: true, neighbour: true } }, "attendees"],
      [{ ...identity, photos: [{ blobId: "b", gps: "28.4,119.9" }] }, "photos.0"],
      [{ ...identity, followUps: [{ ...submitted.followUps[0], priority: 1 }] }, "followUps.0"],
      [{ ...identity, conduct: { items: {}, signed: true } }, "conduct"],
      [{ ...identity, customFields: { ...submitted.customFields, schema: {} } }, "customFields"],
    ];
    for (const [input, path] of cases) {
      const result = safeParseInput(visitRecordDraftSchema, input);
      expect(result.success, path).toBe(false);
      if (result.success) continue;
      expect(result.error.issues.map((i) => [i.path.join("."), i.code])).toEqual([[path, "unrecognized_keys"]]);
    }
  });

  it("rejects bad values with their paths", () => {
    const cases: [unknown, string, string][] = [
      [{ ...identity, channel: "letter" }, "channel", "invalid_value"],
      [{ ...identity, kind: "random" }, "kind", "invalid_value"],
      [{ ...identity, term: "2026" }, "term", "invalid_format"],
      [{ ...identity, arrivedAt: "2026-10-12 18:40" }, "arrivedAt", "invalid_format"],
      [{ ...identity, outreachGoals: ["fun"] }, "outreachGoals.0", "invalid_value"],
      [{ ...identity, outreachGoals: ["care", "care"] }, "outreachGoals", "conflict"],
      [{ ...identity, companionIds: ["t-1"] }, "companionIds", "companion_is_visiting_teacher"],
      [
        { ...identity, attendees: { student: false, guardians: [{ relation: "uncle" }] } },
        "attendees.guardians.0.relation",
        "invalid_value",
      ],
      [
        { ...identity, followUps: [{ ...submitted.followUps[0], dueOn: "next week" }] },
        "followUps.0.dueOn",
        "invalid_format",
      ],
      [
        { ...identity, conduct: { items: { no_paid_tutoring: { kept: false } } } },
        "conduct.items.no_paid_tutoring.exceptionNote",
        "conduct_exception_note_required",
      ],
      [
        { ...identity, customFields: { templateId: "t", templateVersion: 1, values: { constructor: 1 } } },
        "customFields.values.constructor",
        "invalid_key",
      ],
      [
        { ...identity, customFields: { templateId: "t", templateVersion: 0, values: {} } },
        "customFields.templateVersion",
        "too_small",
      ],
    ];
    for (const [input, path, code] of cases) {
      const result = safeParseInput(visitRecordDraftSchema, input);
      expect(result.success, path).toBe(false);
      if (result.success) continue;
      expect(result.error.issues.map((i) => [i.path.join("."), i.code])).toEqual([[path, code]]);
    }
  });
});

describe("requiredSections and isSectionFilled", () => {
  it("asks more of face-to-face, priority and new-student visits", () => {
    expect(requiredSections("phone", "universal")).toEqual(["schoolFeedback", "parentOpinions", "teacherReflection"]);
    expect(requiredSections("in_home", "universal")).toEqual([
      "familySituation",
      "schoolFeedback",
      "parentOpinions",
      "teacherReflection",
    ]);
    expect(requiredSections("in_home", "priority")).toEqual([
      "familySituation",
      "schoolFeedback",
      "prioritySupport",
      "parentOpinions",
      "teacherReflection",
    ]);
    expect(requiredSections("video", "new_student")).toEqual([
      "schoolFeedback",
      "schoolPolicy",
      "parentOpinions",
      "teacherReflection",
    ]);
    expect(requiredSections("at_school", "crisis")).toContain("prioritySupport");
    expect(requiredSections("phone", "mentor_contact")).toContain("prioritySupport");
  });

  it("never requires a section of tasks 3–4 outside a new-student visit, and always task 6", () => {
    for (const channel of visitChannels) {
      for (const kind of visitKinds) {
        const required = requiredSections(channel, kind);
        expect(required).toContain("teacherReflection");
        expect(required).toContain("parentOpinions");
        expect(required).not.toContain("healthyGrowth");
        expect(required.includes("schoolPolicy")).toBe(kind === "new_student");
      }
    }
  });

  it("counts only sections that say something", () => {
    expect(isSectionFilled(undefined)).toBe(false);
    expect(isSectionFilled({})).toBe(false);
    expect(isSectionFilled({ topics: [], notes: " \n" })).toBe(false);
    expect(isSectionFilled({ topics: ["hygiene"] })).toBe(true);
    expect(isSectionFilled({ hasStudySpace: false })).toBe(true);
    expect(isSectionFilled({ notes: "好" })).toBe(true);
  });
});

describe("validateVisitRecordForSubmission", () => {
  it("accepts a complete in-home record", () => {
    const result = validateVisitRecordForSubmission(submitted);
    expect(result.success).toBe(true);
    if (result.success) expect(result.data.status).toBe("draft");
    expect(visitRecordSubmissionSchema.safeParse(submitted).success).toBe(true);
  });

  it("lists every gap of a bare in-home record with paths, in both languages", () => {
    expect(problems(identity)).toEqual([
      "arrivedAt: visit_field_required",
      "departedAt: visit_field_required",
      "attendees: visit_attendee_required",
      "outreachGoals: outreach_goal_required",
      "familySituation: visit_section_required",
      "schoolFeedback: visit_section_required",
      "parentOpinions: visit_section_required",
      "teacherReflection: visit_section_required",
      ...conductRuleIds.map((id) => `conduct.items.${id}: conduct_attestation_incomplete`),
      "conduct.attestedAt: visit_field_required",
    ]);
    const result = validateVisitRecordForSubmission(identity);
    if (result.success) throw new Error("expected failure");
    const section = result.error.issues.find((i) => i.path[0] === "familySituation");
    expect(section?.message).toEqual({
      "zh-CN": "提交前须填写“了解家庭情况”部分（家访任务第 1 项）",
      en: "Fill in the “Family situation” section (visit task 1) before submitting",
    });
    expect(result.error.code).toBe("validation_failed");
  });

  it("rejects departure before or at arrival", () => {
    expect(problems({ ...submitted, departedAt: "2026-10-12T18:00:00+08:00" })).toEqual([
      "departedAt: departure_before_arrival",
    ]);
    expect(problems({ ...submitted, departedAt: submitted.arrivedAt })).toEqual([
      "departedAt: departure_before_arrival",
    ]);
    // Instants compare by time, not by text: 11:00Z is 19:00 in China, after 18:40.
    expect(problems({ ...submitted, departedAt: "2026-10-12T11:00:00Z" })).toEqual([]);
  });

  it("needs the venue and its reason for an alternative venue (R12)", () => {
    const venue = { ...submitted, channel: "alternative_venue" };
    expect(problems(venue)).toEqual(["venueReason: alternative_venue_reason_required", "venue: visit_field_required"]);
    expect(problems({ ...venue, venue: "村委会", venueReason: "  " })).toEqual([
      "venueReason: alternative_venue_reason_required",
    ]);
    expect(problems({ ...venue, venue: "村委会", venueReason: "家中正在装修" })).toEqual([]);
  });

  it("needs an outreach goal only for visits that reach into the family", () => {
    const noGoals = { ...submitted, outreachGoals: [] };
    expect(problems(noGoals)).toEqual(["outreachGoals: outreach_goal_required"]);
    expect(problems({ ...noGoals, channel: "phone" })).toEqual([]);
    expect(problems({ ...noGoals, channel: "at_school" })).toEqual([]);
  });

  it("needs the student or a guardian present", () => {
    expect(problems({ ...submitted, attendees: { student: false, teacherIds: ["t-3"] } })).toEqual([
      "attendees: visit_attendee_required",
    ]);
    expect(problems({ ...submitted, attendees: { student: false, guardians: [{ relation: "mother" }] } })).toEqual([]);
  });

  it("counts an empty section as missing, and needs support for a priority visit", () => {
    expect(problems({ ...submitted, schoolFeedback: { topics: [], notes: "" } })).toEqual([
      "schoolFeedback: visit_section_required",
    ]);
    expect(problems({ ...submitted, kind: "priority" })).toEqual(["prioritySupport: visit_section_required"]);
    expect(
      problems({
        ...submitted,
        kind: "priority",
        prioritySupport: { mentorId: "t-5", supportTypes: ["learning_tutoring"] },
      }),
    ).toEqual([]);
  });

  it("rejects a follow-up due before the visit date (China time)", () => {
    const early = { ...submitted.followUps[0], dueOn: "2026-10-11" };
    expect(problems({ ...submitted, followUps: [submitted.followUps[0], early] })).toEqual([
      "followUps.1.dueOn: follow_up_due_before_visit",
    ]);
    expect(problems({ ...submitted, followUps: [{ ...early, dueOn: "2026-10-12" }] })).toEqual([]);
  });

  it("accepts a declared conduct exception (the school gets a report) but not a missing answer", () => {
    const exception = {
      ...submitted,
      conduct: {
        ...submitted.conduct,
        items: { ...allKept, no_meals_or_reimbursement: { kept: false, exceptionNote: "留下吃了晚饭" } },
      },
    };
    expect(problems(exception)).toEqual([]);
    const { no_entertainment: _, ...five } = allKept;
    expect(problems({ ...submitted, conduct: { ...submitted.conduct, items: five } })).toEqual([
      "conduct.items.no_entertainment: conduct_attestation_incomplete",
    ]);
  });

  it("rejects any record with an unanswered conduct rule at that rule's path (property)", () => {
    fc.assert(
      fc.property(
        fc.subarray([...conductRuleIds], { minLength: 1 }),
        fc.constantFrom(...visitChannels),
        (unanswered, channel: VisitChannel) => {
          const items: Record<string, unknown> = { ...allKept };
          for (const id of unanswered) delete items[id];
          const record = {
            ...submitted,
            channel,
            venue: "村委会",
            venueReason: "家中不便",
            conduct: { ...submitted.conduct, items },
          };
          expect(problems(record)).toEqual(
            unanswered.map((id) => `conduct.items.${id}: conduct_attestation_incomplete`),
          );
        },
      ),
    );
  });

  it("reports a malformed time with the rules' problems, without crashing", () => {
    const result = problems({ ...submitted, arrivedAt: "yesterday", departedAt: "not a time" });
    expect(result).toEqual(["arrivedAt: invalid_format", "departedAt: invalid_format"]);
    expect(problems({ ...submitted, arrivedAt: "2026-13-45T99:00:00+08:00" })).toEqual(["arrivedAt: invalid_format"]);
  });

  it("reports only the shape when a field has the wrong type", () => {
    expect(problems({ ...identity, arrivedAt: 1760265600 })).toEqual(["arrivedAt: invalid_type"]);
    expect(problems(null)).toEqual([": invalid_type"]);
  });

  it("reports unknown keys together with the rules' problems", () => {
    expect(problems({ ...submitted, extra: true })).toEqual([": unrecognized_keys"]);
    expect(problems({ ...submitted, extra: true, outreachGoals: [] })).toEqual([
      ": unrecognized_keys",
      "outreachGoals: outreach_goal_required",
    ]);
  });

  it("does not throw at the last instant a date holds (found by the property below)", () => {
    expect(() =>
      validateVisitRecordForSubmission({ ...submitted, arrivedAt: "+275760-09-12T16:00:00.001Z" }),
    ).not.toThrow();
    expect(visitDateOf({ arrivedAt: "+275760-09-12T16:00:00.001Z" })).toBeUndefined();
  });

  it("never throws, whatever the input (property)", () => {
    const record = fc.record(
      {
        arrivedAt: fc.oneof(
          fc.string(),
          fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
        ),
        departedAt: fc.oneof(
          fc.string(),
          fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
        ),
        channel: fc.constantFrom(...visitChannels, "letter"),
        kind: fc.constantFrom(...visitKinds),
        outreachGoals: fc.array(fc.constantFrom(...outreachGoals, "x")),
        followUps: fc.array(
          fc.record({ id: fc.constant("f"), action: fc.string(), ownerId: fc.constant("t-1"), dueOn: fc.string() }),
          { maxLength: 3 },
        ),
        conduct: fc.anything(),
        attendees: fc.anything(),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(record, (partial) => {
        const result = validateVisitRecordForSubmission({ ...submitted, ...partial });
        if (!result.success) expect(result.error.issues.length).toBeGreaterThan(0);
      }),
    );
  });
});

describe("visitDateOf", () => {
  it("takes the China Standard Time date of arrival", () => {
    expect(visitDateOf({ arrivedAt: "2026-10-12T17:30:00Z" })).toBe("2026-10-13");
    expect(visitDateOf({ arrivedAt: "2026-10-12T23:59:00+08:00" })).toBe("2026-10-12");
    expect(visitDateOf({})).toBeUndefined();
  });
});

describe("status invariants", () => {
  it("needs submittedAt once submitted, and amendedAt with a reason once amended", () => {
    const result = safeParseInput(visitRecordDraftSchema, { ...identity, status: "amended" });
    expect(result.success).toBe(false);
    if (!result.success)
      expect(result.error.issues.map((i) => [i.path.join("."), i.code])).toEqual([
        ["submittedAt", "visit_field_required"],
        ["amendedAt", "visit_field_required"],
        ["amendmentReason", "visit_field_required"],
      ]);
    const amended = {
      ...submitted,
      status: "amended",
      submittedAt: "2026-10-12T20:00:00+08:00",
      amendedAt: "2026-10-14T08:00:00+08:00",
      amendmentReason: "补充家长建议",
    };
    expect(problems(amended)).toEqual([]);
    expect(problems({ ...submitted, status: "submitted" })).toEqual(["submittedAt: visit_field_required"]);
  });
});

describe("conductReportsOfVisit", () => {
  it("addresses the exceptions of a record to its school, teacher and student", () => {
    const record = visitRecordDraftSchema.parse({
      ...submitted,
      conduct: {
        items: { ...allKept, no_meals_or_reimbursement: { kept: false, exceptionNote: "留下吃了晚饭" } },
        attestedAt: "2026-10-12T19:50:00+08:00",
      },
    });
    expect(conductReportsOfVisit(record, "2026-10-12T21:00:00+08:00")).toEqual([
      {
        id: "v-1:no_meals_or_reimbursement",
        schoolId: "sch-1",
        teacherId: "t-1",
        studentId: "stu-1",
        visitId: "v-1",
        ruleId: "no_meals_or_reimbursement",
        note: "留下吃了晚饭",
        declaredAt: "2026-10-12T19:50:00+08:00",
        status: "open",
      },
    ]);
    expect(conductReportsOfVisit(visitRecordDraftSchema.parse(submitted), "2026-10-12T21:00:00+08:00")).toEqual([]);
    expect(conductReportsOfVisit(visitRecordDraftSchema.parse(identity), "2026-10-12T21:00:00+08:00")).toEqual([]);
  });
});

describe("schemas for forms and OpenAPI", () => {
  it("gives every section its schema", () => {
    expect(Object.keys(visitSectionSchemas)).toEqual([...visitSectionKeys]);
    expect(Object.keys(visitSectionSchemas.healthyGrowth.shape)).toEqual(["topics", "notes"]);
  });

  it("converts the record schemas to JSON Schema, rejecting unknown keys", () => {
    for (const schema of [visitRecordDraftSchema, visitRecordSubmissionSchema]) {
      const json = z.toJSONSchema(schema, { io: "input" }) as { additionalProperties?: unknown; required?: string[] };
      expect(json.additionalProperties).toBe(false);
      expect(json.required).toEqual(["id", "schoolId", "studentId", "teacherId", "kind", "term", "channel"]);
    }
  });
});
