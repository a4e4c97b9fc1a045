import { describe, expect, it } from "vitest";
import * as z from "zod";
import {
  conductAttestationSchema,
  conductRules,
  engineContracts,
  fieldKeyLabels,
  guardianSchema,
  homeAddressSchema,
  idSchema,
  instantSchema,
  isoDateSchema,
  labelOf,
  localeFieldSuffixes,
  localTimeSchema,
  newAppointmentSchema,
  optionLabelsOf,
  parseInput,
  phoneSchema,
  postVisitCheckInSchema,
  preVisitSafetyReportFields,
  quotedLabel,
  safeParseInput,
  shortTextSchema,
  studentSchema,
  validateVisitRecordForSubmission,
  visitKindLabels,
  visitRecordDraftSchema,
  visitSectionKeys,
  visitSectionLabels,
  withLabel,
  withOptionLabels,
  withOwnLabel,
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

  it("lists an enum's values by their words, each followed by the value a script sends", () => {
    const messages = messagesOf({ ...draft, kind: "x", channel: "letter" });
    expect(messages.find((m) => m.path === "kind")).toEqual({
      path: "kind",
      "zh-CN":
        "“家访类型”应为以下之一：普访（universal）、新生家访（new_student）、重点家访（priority）、突发变故家访（crisis）、德育导师联系（mentor_contact）",
      en: "“Kind of visit” must be one of: Universal visit (universal), New-student visit (new_student), Priority visit (priority), Crisis visit (crisis), Mentor contact (mentor_contact)",
    });
    expect(messages.find((m) => m.path === "channel")?.["zh-CN"]).toContain("入户家访（in_home）、");
    // Inside a checklist (an array of an enum) and through a field's optional wrapper.
    const nested = messagesOf({
      ...draft,
      schoolFeedback: { topics: ["learning", "weather"] },
      familySituation: { livesWith: "cousins" },
      attendees: { student: true, guardians: [{ relation: "uncle" }] },
    });
    expect(nested.find((m) => m.path === "schoolFeedback.topics.1")?.en).toMatch(
      /^“Topics” must be one of: Thinking \(thinking\), Learning \(learning\)/,
    );
    expect(nested.find((m) => m.path === "familySituation.livesWith")?.["zh-CN"]).toMatch(
      /^“与谁同住”应为以下之一：父母双方（both_parents）/,
    );
    expect(nested.find((m) => m.path === "attendees.guardians.0.relation")?.en).toContain(
      "Foster parent (foster_parent)",
    );
  });

  it("gives words to every value of every enum a person picks: a visit record, an appointment, every use case's input", () => {
    const missing: string[] = [];
    const visit = (schema: z.ZodType, path: string, seen: Set<z.ZodType>) => {
      if (seen.has(schema)) return;
      seen.add(schema);
      const def = (schema as unknown as { _zod: { def: Record<string, unknown> } })._zod.def;
      if (def.type === "enum") {
        const words = optionLabelsOf(schema);
        for (const value of Object.values(def.entries as Record<string, string>)) {
          if (words?.[value] === undefined) missing.push(`${path}: ${value}`);
        }
        return;
      }
      const children: [string, unknown][] = [
        ...Object.entries((def.shape as Record<string, unknown>) ?? {}),
        ["", def.innerType],
        ["[]", def.element],
        ["{}", def.valueType],
        ["", def.in],
        ["", def.out],
        ...((def.options as unknown[]) ?? []).map((o): [string, unknown] => ["|", o]),
      ];
      for (const [key, child] of children) {
        if (child && typeof child === "object" && "_zod" in child)
          visit(child as z.ZodType, `${path}${key ? `.${key}` : ""}`, seen);
      }
    };
    visit(visitRecordDraftSchema, "visitRecord", new Set());
    visit(newAppointmentSchema, "appointment", new Set());
    for (const [area, contracts] of Object.entries(engineContracts)) {
      for (const [name, contract] of Object.entries(contracts as Record<string, { input: z.ZodType }>)) {
        visit(contract.input, `${area}.${name}`, new Set());
      }
    }
    expect(missing).toEqual([]);
  });

  it("keeps the words for the values on a field's own copy, and lists bare values where there are none", () => {
    const own = withOwnLabel(withOptionLabels(z.enum(["universal", "crisis"]), visitKindLabels), {
      "zh-CN": "首选类型",
      en: "Preferred kind",
    });
    expect(optionLabelsOf(own)?.crisis).toEqual(visitKindLabels.crisis);
    expect(labelOf(own)).toEqual({ "zh-CN": "首选类型", en: "Preferred kind" });
    const bare = safeParseInput(z.strictObject({ size: z.enum(["s", "m"]) }), { size: "xl" });
    expect(bare.success ? undefined : bare.error.issues[0]?.message).toEqual({
      "zh-CN": "字段“size”应为以下之一：s, m",
      en: "Field “size” must be one of: s, m",
    });
  });

  it("labels every input field of every use case, except ids and versions (they come from paths and headers)", () => {
    /** Whether a field's schema, or one it wraps (optional, default, pipe), carries a label. */
    const labelled = (schema: z.ZodType): boolean => {
      let current: z.ZodType | undefined = schema;
      for (let guard = 0; current !== undefined && guard < 20; guard++) {
        if (labelOf(current) !== undefined) return true;
        const def = (current as unknown as { _zod: { def: Record<string, unknown> } })._zod.def;
        const inner = def.innerType ?? (def.type === "pipe" ? def.in : undefined);
        current = inner as z.ZodType | undefined;
      }
      return false;
    };
    const unlabelled: string[] = [];
    for (const [area, contracts] of Object.entries(engineContracts)) {
      for (const [name, contract] of Object.entries(contracts as Record<string, { input: z.ZodType }>)) {
        let input = contract.input as unknown as { _zod: { def: Record<string, unknown> } };
        while (input._zod.def.type === "pipe") input = input._zod.def.in as typeof input;
        const shape = (input._zod.def.shape ?? {}) as Record<string, z.ZodType>;
        for (const [key, schema] of Object.entries(shape)) {
          if (/Ids?$/.test(key) || key === "expectedVersion") continue;
          if (!labelled(schema)) unlabelled.push(`${area}.${name}: ${key}`);
        }
      }
    }
    expect(unlabelled).toEqual([]);
  });

  it("keeps the schemas many fields share unlabelled: a label set on one would name every other", () => {
    for (const shared of [isoDateSchema, idSchema, instantSchema, localTimeSchema, phoneSchema, shortTextSchema])
      expect(labelOf(shared as z.ZodType)).toBeUndefined();
    // A term's first day is not a follow-up's due date.
    const result = safeParseInput(engineContracts.plans.generate.input, { term: { id: "2026-2027-1", start: "x" } });
    const issues = result.success
      ? []
      : result.error.issues.map((issue) => ({ path: issue.path.join("."), ...issue.message }));
    expect(issues.find((i) => i.path === "term.start")?.en).toBe("“First day of the term” must be a date (YYYY-MM-DD)");
    expect(issues.find((i) => i.path === "term.schoolYear")?.["zh-CN"]).toBe("缺少“学年”");
  });

  it("names every field of every use case's input by words, never by its key", () => {
    const unnamed: string[] = [];
    for (const [area, contracts] of Object.entries(engineContracts))
      for (const [name, contract] of Object.entries(contracts as Record<string, { input: z.ZodType }>))
        for (const path of unnamedFields(contract.input)) unnamed.push(`${area}.${name}: ${path}`);
    expect(unnamed).toEqual([]);
  });

  it("names a text in one locale by its field and the locale", () => {
    const result = safeParseInput(engineContracts.forms.draft.input, {
      scopeId: "sch-1",
      name: { "zh-CN": "" },
      fields: [],
    });
    const name = result.success ? undefined : result.error.issues.find((i) => i.path.join(".") === "name.zh-CN");
    expect(name?.message.en).toMatch(/^“[^”]+ \(Chinese\)”/);
    expect(name?.message["zh-CN"]).toMatch(/^“[^”]+（中文）”/);
    // A school's own field keyed `en` keeps its label.
    const own = z.strictObject({
      values: z.strictObject({
        en: z
          .string()
          .max(1)
          .meta({ label: { "zh-CN": "英语成绩", en: "English grade" } }),
      }),
    });
    const graded = safeParseInput(own, { values: { en: "ab" } });
    expect(graded.success ? "" : graded.error.issues[0]?.message.en).toMatch(/^“English grade”/);
  });
});

interface WalkDef {
  type: string;
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  valueType?: z.ZodType;
  innerType?: z.ZodType;
  in?: z.ZodType;
  out?: z.ZodType;
  options?: z.ZodType[];
}
const defOf = (schema: z.ZodType) => (schema as unknown as { _zod: { def: WalkDef } })._zod.def;

/**
 * The fields of an input a message would name by key, as `a.b[].c`: what `parseInput` names a
 * field by, followed the same way (through optional, default and pipe wrappers, into arrays,
 * records and unions; an array's items by the array's label; ids and versions by their words;
 * a text in one locale by its field's). Values that cannot fail (unknown) are left out.
 */
function unnamedFields(input: z.ZodType): string[] {
  const found = new Set<string>();
  const visit = (
    schema: z.ZodType,
    path: string,
    key: string | undefined,
    inherited: boolean,
    parentNamed: boolean,
  ) => {
    let current: z.ZodType | undefined = schema;
    let named = inherited || (key !== undefined && Object.hasOwn(fieldKeyLabels, key));
    if (key !== undefined && Object.hasOwn(localeFieldSuffixes, key) && parentNamed) named = true;
    for (let guard = 0; current !== undefined && guard < 20; guard++) {
      if (labelOf(current) !== undefined) named = true;
      const def = defOf(current);
      if (def.innerType !== undefined) current = def.innerType;
      else if (def.type === "pipe" && def.in !== undefined)
        current = defOf(def.in).type === "transform" ? def.out : def.in;
      else break;
    }
    if (current === undefined) return;
    const def = defOf(current);
    if (def.type === "unknown" || def.type === "any") return;
    if (path !== "" && !named) found.add(path);
    if (def.type === "object")
      for (const [k, v] of Object.entries(def.shape ?? {}))
        visit(v, path === "" ? k : `${path}.${k}`, k, false, named || path === "");
    else if (def.type === "array" && def.element) visit(def.element, `${path}[]`, undefined, named, named);
    else if (def.type === "record" && def.valueType) visit(def.valueType, `${path}{}`, undefined, named, named);
    else if (def.type === "union") for (const option of def.options ?? []) visit(option, path, key, named, parentNamed);
  };
  visit(input, "", undefined, false, true);
  return [...found];
}
