import {
  type CustomFieldValues,
  changeTemplateStatus,
  checkPattern,
  compileFormTemplate,
  defineFormTemplate,
  errorCatalog,
  type FieldDefinitionInput,
  type FormTemplate,
  type FormTemplateInput,
  fieldDefinitionSchema,
  HomevisitError,
  isHomevisitError,
  nextTemplateVersion,
  resolveTemplate,
  sensitivityOf,
  showIfOrder,
  templatesInScope,
  validateCustomFields,
  visibleFields,
} from "@homevisit/core";
import { describe, expect, expectTypeOf, it } from "vitest";

const base = {
  id: "family-extra",
  version: 1,
  scope: { level: "school", id: "s1" },
  name: { "zh-CN": "家庭补充信息" },
  status: "published",
  createdAt: "2026-09-01T08:00:00+08:00",
} as const satisfies Omit<FormTemplateInput, "fields">;

const petFields: FieldDefinitionInput[] = [
  { type: "boolean", key: "hasPets", label: { "zh-CN": "家中是否养宠物", en: "Pets at home" } },
  {
    type: "text",
    key: "petKind",
    label: { "zh-CN": "宠物种类" },
    required: true,
    showIf: { field: "hasPets", equals: true },
  },
  {
    type: "select",
    key: "hobby",
    label: { "zh-CN": "爱好" },
    help: { "zh-CN": "孩子课余最常做的事" },
    options: [
      { value: "music", label: { "zh-CN": "音乐", en: "Music" } },
      { value: "sport", label: { "zh-CN": "运动" } },
    ],
  },
  { type: "phone", key: "altPhone", label: { "zh-CN": "备用电话" }, sensitivity: "personal" },
  { type: "rating", key: "studyCorner", label: { "zh-CN": "学习环境" }, sensitivity: "internal" },
];

function template(fields: FieldDefinitionInput[], extra: Partial<FormTemplateInput> = {}): FormTemplate {
  return defineFormTemplate({ ...base, ...extra, fields });
}

/** The issues of a thrown HomevisitError as `path → code`. */
function issuesOf(run: () => unknown): { path: string; code: string }[] {
  try {
    run();
  } catch (error) {
    if (!isHomevisitError(error)) throw error;
    expect(error.code).toBe("validation_failed");
    return error.issues.map((i) => ({ path: i.path.join("."), code: i.code }));
  }
  throw new Error("expected a HomevisitError");
}

function definitionIssues(fields: unknown[]): { path: string; code: string }[] {
  return issuesOf(() => defineFormTemplate({ ...base, fields: fields as FieldDefinitionInput[] }));
}

describe("defineFormTemplate", () => {
  it("applies defaults, falls back to zh-CN for en and freezes the template", () => {
    const t = template(petFields);
    expect(t.name).toEqual({ "zh-CN": "家庭补充信息", en: "家庭补充信息" });
    expect(t.fields[0]).toEqual({
      type: "boolean",
      key: "hasPets",
      label: { "zh-CN": "家中是否养宠物", en: "Pets at home" },
      required: false,
      sensitivity: "sensitive",
    });
    expect(t.fields[4]).toMatchObject({ type: "rating", max: 5, sensitivity: "internal" });
    expect(Object.isFrozen(t)).toBe(true);
    expect(Object.isFrozen(t.fields[2])).toBe(true);
  });

  it("parses a definition on its own", () => {
    expect(
      fieldDefinitionSchema.parse({ type: "photo", key: "housePhotos", label: { "zh-CN": "住房照片" } }),
    ).toMatchObject({ maxCount: 9, required: false });
  });

  it.each([
    ["__proto__", "reserved_key"],
    ["constructor", "reserved_key"],
    ["studentId", "reserved_key"],
    ["createdAt", "reserved_key"],
    ["status", "reserved_key"],
    ["Hobby", "custom_field_invalid_key"],
    ["1st", "custom_field_invalid_key"],
    ["pet-kind", "custom_field_invalid_key"],
    ["", "custom_field_invalid_key"],
    [`a${"b".repeat(64)}`, "custom_field_invalid_key"],
  ])("rejects the key %j with %s", (key, code) => {
    expect(definitionIssues([{ type: "boolean", key, label: { "zh-CN": "问" } }])).toEqual([
      { path: "fields.0.key", code },
    ]);
  });

  it("rejects a duplicate key at the second occurrence", () => {
    expect(
      definitionIssues([
        { type: "boolean", key: "a", label: { "zh-CN": "甲" } },
        { type: "integer", key: "b", label: { "zh-CN": "乙" } },
        { type: "text", key: "a", label: { "zh-CN": "丙" } },
      ]),
    ).toEqual([{ path: "fields.2.key", code: "custom_field_duplicate_key" }]);
  });

  it.each([
    ["([a-z]", "custom_field_invalid_pattern"],
    ["a{2,1}", "custom_field_invalid_pattern"],
    ["\\", "custom_field_invalid_pattern"],
    ["", "custom_field_invalid_pattern"],
    ["x".repeat(201), "custom_field_invalid_pattern"],
    ["(a+)+$", "custom_field_unsafe_pattern"],
    ["^(\\d+,)*$", "custom_field_unsafe_pattern"],
    ["(a|aa)+$", "custom_field_unsafe_pattern"],
    ["(\\w)\\1", "custom_field_pattern_unsupported"],
    ["(?<=a)b", "custom_field_pattern_unsupported"],
    ["a(?!b)", "custom_field_pattern_unsupported"],
    ["^\\p{Emoji}$", "custom_field_pattern_unsupported"],
    ["a{5000}", "custom_field_unsafe_pattern"],
  ])("rejects the pattern %j with %s", (pattern, code) => {
    expect(definitionIssues([{ type: "text", key: "code", label: { "zh-CN": "编码" }, pattern }])).toEqual([
      { path: "fields.0.pattern", code },
    ]);
  });

  it("rejects select and multiselect fields without options, and duplicate option values", () => {
    expect(
      definitionIssues([
        { type: "select", key: "a", label: { "zh-CN": "甲" } },
        { type: "multiselect", key: "b", label: { "zh-CN": "乙" }, options: [] },
        {
          type: "select",
          key: "c",
          label: { "zh-CN": "丙" },
          options: [
            { value: "x", label: { "zh-CN": "叉" } },
            { value: "y", label: { "zh-CN": "歪" } },
            { value: "x", label: { "zh-CN": "又一个叉" } },
          ],
        },
      ]),
    ).toEqual([
      { path: "fields.0.options", code: "custom_field_options_missing" },
      { path: "fields.1.options", code: "custom_field_options_missing" },
      { path: "fields.2.options.2.value", code: "custom_field_duplicate_option" },
    ]);
  });

  it("rejects inverted ranges on the upper bound", () => {
    const options = [{ value: "x", label: { "zh-CN": "叉" } }];
    expect(
      definitionIssues([
        { type: "number", key: "a", label: { "zh-CN": "甲" }, min: 2.5, max: 1 },
        { type: "integer", key: "b", label: { "zh-CN": "乙" }, min: 10, max: 3 },
        { type: "date", key: "c", label: { "zh-CN": "丙" }, min: "2027-01-01", max: "2026-12-31" },
        { type: "time", key: "d", label: { "zh-CN": "丁" }, min: "18:00", max: "08:00" },
        { type: "text", key: "e", label: { "zh-CN": "戊" }, minLength: 10, maxLength: 5 },
        { type: "textarea", key: "f", label: { "zh-CN": "己" }, minLength: 3000 },
        { type: "multiselect", key: "g", label: { "zh-CN": "庚" }, options, minItems: 3, maxItems: 2 },
        { type: "number", key: "h", label: { "zh-CN": "辛" }, min: 1, max: 1 },
      ]),
    ).toEqual([
      { path: "fields.0.max", code: "custom_field_bad_range" },
      { path: "fields.1.max", code: "custom_field_bad_range" },
      { path: "fields.2.max", code: "custom_field_bad_range" },
      { path: "fields.3.max", code: "custom_field_bad_range" },
      { path: "fields.4.maxLength", code: "custom_field_bad_range" },
      { path: "fields.5.maxLength", code: "custom_field_bad_range" },
      { path: "fields.6.maxItems", code: "custom_field_bad_range" },
      { path: "fields.6.minItems", code: "custom_field_bad_range" },
    ]);
  });

  it("rejects show-if conditions on unknown fields, cycles, bad values and several operators", () => {
    expect(
      definitionIssues([
        { type: "boolean", key: "a", label: { "zh-CN": "甲" }, showIf: { field: "nobody", notEmpty: true } },
        { type: "boolean", key: "b", label: { "zh-CN": "乙" }, showIf: { field: "b", equals: true } },
        { type: "boolean", key: "c", label: { "zh-CN": "丙" }, showIf: { field: "d", equals: true } },
        { type: "boolean", key: "d", label: { "zh-CN": "丁" }, showIf: { field: "c", equals: false } },
        { type: "text", key: "e", label: { "zh-CN": "戊" }, showIf: { field: "a", equals: "yes" } },
        {
          type: "select",
          key: "f",
          label: { "zh-CN": "己" },
          options: [{ value: "x", label: { "zh-CN": "叉" } }],
        },
        { type: "text", key: "g", label: { "zh-CN": "庚" }, showIf: { field: "f", in: ["x", "nope"] } },
        { type: "text", key: "h", label: { "zh-CN": "辛" }, showIf: { field: "f", equals: "x", notEmpty: true } },
      ]),
    ).toEqual([
      { path: "fields.7.showIf", code: "custom_field_show_if_invalid" },
      { path: "fields.0.showIf.field", code: "custom_field_show_if_unknown_field" },
      { path: "fields.4.showIf.equals", code: "custom_field_show_if_bad_value" },
      { path: "fields.6.showIf.in.1", code: "custom_field_show_if_bad_value" },
      { path: "fields.1.showIf.field", code: "custom_field_show_if_cycle" },
      { path: "fields.3.showIf.field", code: "custom_field_show_if_cycle" },
    ]);
  });

  it("reports problems of several fields and of the template in one error", () => {
    const issues = issuesOf(() =>
      defineFormTemplate({
        ...base,
        version: 0,
        fields: [
          { type: "select", key: "id", label: { "zh-CN": "编号" } },
          { type: "text", key: "x", label: { "zh-CN": "" } },
          { type: "colour", key: "y", label: { "zh-CN": "颜色" } },
          { type: "text", key: "x", label: { "zh-CN": "叉" }, secret: true },
        ] as FieldDefinitionInput[],
      }),
    );
    expect(issues).toEqual(
      expect.arrayContaining([
        { path: "version", code: "too_small" },
        { path: "fields.0.key", code: "reserved_key" },
        { path: "fields.0.options", code: "custom_field_options_missing" },
        { path: "fields.1.label.zh-CN", code: "too_small" },
        { path: "fields.2.type", code: "invalid_union" },
        { path: "fields.3", code: "unrecognized_keys" },
        { path: "fields.3.key", code: "custom_field_duplicate_key" },
      ]),
    );
  });

  it("has zh-CN and en messages for every custom-field code", () => {
    const codes = Object.keys(errorCatalog).filter((c) => c.startsWith("custom_field_"));
    expect(codes.length).toBeGreaterThanOrEqual(15);
    for (const code of codes) {
      const message = errorCatalog[code as keyof typeof errorCatalog].message;
      expect(message["zh-CN"]).toMatch(/\S/);
      expect(message.en).toMatch(/\S/);
      expect(message["zh-CN"]).not.toBe(message.en);
    }
  });
});

describe("typed values", () => {
  it("types the parsed values of a template defined from a literal", () => {
    const typed = defineFormTemplate({
      ...base,
      id: "typed",
      fields: [
        { type: "boolean", key: "hasPets", label: { "zh-CN": "宠物" }, required: true },
        {
          type: "select",
          key: "hobby",
          label: { "zh-CN": "爱好" },
          options: [
            { value: "music", label: { "zh-CN": "音乐" } },
            { value: "sport", label: { "zh-CN": "运动" } },
          ],
        },
        {
          type: "photo",
          key: "housePhotos",
          label: { "zh-CN": "住房" },
          required: true,
          showIf: { field: "hasPets", equals: true },
        },
      ],
    });
    const values = compileFormTemplate(typed).parse({ hasPets: false, hobby: "sport" });
    expect(values).toEqual({ hasPets: false, hobby: "sport" });
    expectTypeOf(values.hasPets).toEqualTypeOf<boolean>();
    expectTypeOf(values.hobby).toEqualTypeOf<"music" | "sport" | undefined>();
    expectTypeOf(values.housePhotos).toEqualTypeOf<{ blobId: string; caption?: string | undefined }[] | undefined>();
    // A template from storage has the loose values type.
    const loose = compileFormTemplate(JSON.parse(JSON.stringify(typed)) as FormTemplate).parse({
      hasPets: true,
      housePhotos: [{ blobId: "b1" }],
    });
    expectTypeOf(loose).toEqualTypeOf<CustomFieldValues>();
  });
});

describe("checkPattern", () => {
  it.each([
    "^\\d{6}$",
    "^[\\u4e00-\\u9fa5]{2,10}$",
    "^(\\+86)?1[3-9]\\d{9}$",
    "(a|b)+",
    "(ab{2})+",
    "^\\p{Script=Han}+$",
  ])("accepts %j", (pattern) => {
    expect(checkPattern(pattern)).toBeUndefined();
  });

  it("says where the unsafe construct is", () => {
    expect(checkPattern("^x(a+)+$")).toEqual({ kind: "unsafe", reason: "nested quantifier at 6", index: 6 });
  });
});

describe("compileFormTemplate", () => {
  const t = template(petFields);
  const compiled = compileFormTemplate(t);

  it("accepts valid values and returns them", () => {
    const values = { hasPets: true, petKind: "猫", hobby: "music", altPhone: "13812345678", studyCorner: 4 };
    expect(compiled.parse(values)).toEqual(values);
    expect(compiled.parse({})).toEqual({});
  });

  it("drops values of hidden fields, even invalid ones, and does not require them", () => {
    expect(compiled.parse({ hasPets: false, petKind: "猫" })).toEqual({ hasPets: false });
    expect(compiled.parse({ petKind: 42 })).toEqual({});
    expect(compiled.visibleFields({ hasPets: false })).toEqual(["hasPets", "hobby", "altPhone", "studyCorner"]);
    expect(visibleFields(t, { hasPets: true })).toEqual(["hasPets", "petKind", "hobby", "altPhone", "studyCorner"]);
  });

  it("requires a required field while it is shown, with the path prefix", () => {
    const error = compiled.safeParse({ hasPets: true }, { path: ["customFields", "values"] });
    expect(error.success).toBe(false);
    if (error.success) return;
    expect(error.error.issues.map((i) => [i.path, i.code])).toEqual([
      [["customFields", "values", "petKind"], "custom_field_required"],
    ]);
    expect(error.error.issues[0]?.message).toEqual({
      "zh-CN": "必须填写“宠物种类”",
      en: 'The field "宠物种类" is required',
    });
    expect(error.error.status).toBe(422);
  });

  it("rejects wrong values, unknown keys and __proto__ with exact paths", () => {
    const issues = issuesOf(() =>
      compiled.parse(
        JSON.parse(
          '{"hasPets":"yes","hobby":"chess","altPhone":"12345","studyCorner":6,"extra":1,"__proto__":{"admin":true}}',
        ),
      ),
    );
    expect(issues).toEqual(
      expect.arrayContaining([
        { path: "hasPets", code: "invalid_type" },
        { path: "hobby", code: "invalid_value" },
        { path: "altPhone", code: "invalid_format" },
        { path: "studyCorner", code: "too_big" },
        { path: "", code: "unrecognized_keys" },
      ]),
    );
    expect(issues).toHaveLength(5);
  });

  it("rejects __proto__ and Object.prototype names as unknown keys, never drops them silently", () => {
    expect(issuesOf(() => compiled.parse(JSON.parse('{"__proto__":{"admin":true}}')))).toEqual([
      { path: "", code: "unrecognized_keys" },
    ]);
    expect(issuesOf(() => compiled.parse({ toString: "x", hasOwnProperty: 1 }))).toEqual([
      { path: "", code: "unrecognized_keys" },
    ]);
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  });

  it("rejects control characters in text, keeps line breaks in a textarea", () => {
    const c = compileFormTemplate(
      template([
        { type: "text", key: "line", label: { "zh-CN": "单行" } },
        { type: "textarea", key: "para", label: { "zh-CN": "多行" } },
      ]),
    );
    expect(c.parse({ para: "第一行\n第二行\t完" })).toEqual({ para: "第一行\n第二行\t完" });
    expect(issuesOf(() => c.parse({ line: "a\nb", para: "x\u0000y" }))).toEqual([
      { path: "line", code: "custom_field_control_characters" },
      { path: "para", code: "custom_field_control_characters" },
    ]);
  });

  it("rejects a non-object", () => {
    expect(issuesOf(() => compiled.parse(["hasPets"]))).toEqual([{ path: "", code: "invalid_type" }]);
    expect(issuesOf(() => compiled.parse(null))).toEqual([{ path: "", code: "invalid_type" }]);
  });

  it("never puts the submitted value into an error", () => {
    const marker = "13999998888";
    const result = compiled.safeParse({ altPhone: `${marker}x`, hobby: marker });
    expect(result.success).toBe(false);
    if (result.success) return;
    expect(JSON.stringify(result.error.toJSON("en"))).not.toContain(marker);
    expect(JSON.stringify(result.error.toJSON("zh-CN"))).not.toContain(marker);
  });

  it("carries each field's sensitivity on the schema and in the JSON Schema", () => {
    expect(compiled.sensitivities).toEqual({
      hasPets: "sensitive",
      petKind: "sensitive",
      hobby: "sensitive",
      altPhone: "personal",
      studyCorner: "internal",
    });
    expect(sensitivityOf(compiled.fieldSchemas.altPhone as never)).toBe("personal");
    expect(sensitivityOf(compiled.fieldSchemas.studyCorner as never)).toBe("internal");
    const props = compiled.jsonSchema.properties as Record<string, Record<string, unknown>>;
    expect(props.altPhone?.["x-sensitivity"]).toBe("personal");
    expect(props.hasPets?.["x-sensitivity"]).toBe("sensitive");
  });

  it("builds a JSON Schema a widget can render", () => {
    const schema = compiled.jsonSchema;
    expect(schema).toMatchObject({
      $schema: "https://json-schema.org/draft/2020-12/schema",
      type: "object",
      title: "家庭补充信息",
      additionalProperties: false,
      required: [],
      "x-order": ["hasPets", "petKind", "hobby", "altPhone", "studyCorner"],
      "x-template": { id: "family-extra", version: 1, scope: { level: "school", id: "s1" } },
      allOf: [
        {
          if: { properties: { hasPets: { const: true } }, required: ["hasPets"] },
          // biome-ignore lint/suspicious/noThenProperty: the JSON Schema keyword.
          then: { required: ["petKind"] },
        },
      ],
    });
    const props = schema.properties as Record<string, Record<string, unknown>>;
    expect(props.hasPets).toEqual({
      type: "boolean",
      title: "家中是否养宠物",
      "x-title": { "zh-CN": "家中是否养宠物", en: "Pets at home" },
      "x-widget": "boolean",
      "x-sensitivity": "sensitive",
    });
    expect(props.hobby).toMatchObject({
      type: "string",
      title: "爱好",
      description: "孩子课余最常做的事",
      oneOf: [
        { const: "music", title: "音乐", "x-title": { "zh-CN": "音乐", en: "Music" } },
        { const: "sport", title: "运动", "x-title": { "zh-CN": "运动", en: "运动" } },
      ],
    });
    expect(props.hobby).not.toHaveProperty("enum");
    expect(props.petKind).toMatchObject({ type: "string", minLength: 1, maxLength: 200 });
    expect(props.petKind?.["x-show-if"]).toEqual({ field: "hasPets", equals: true });
    expect(props.studyCorner).toMatchObject({ type: "integer", minimum: 1, maximum: 5, "x-widget": "rating" });
    expect(JSON.parse(JSON.stringify(schema))).toEqual(schema);
  });

  it("describes every field type in the JSON Schema", () => {
    const all = compileFormTemplate(
      template([
        { type: "text", key: "code", label: { "zh-CN": "编码" }, pattern: "^\\d{6}$", required: true },
        { type: "textarea", key: "note", label: { "zh-CN": "备注" }, maxLength: 300 },
        { type: "number", key: "income", label: { "zh-CN": "收入" }, min: 0, max: 1e6 },
        { type: "integer", key: "siblings", label: { "zh-CN": "兄弟姐妹" }, min: 0, max: 10 },
        { type: "date", key: "movedIn", label: { "zh-CN": "入住" }, min: "2000-01-01", max: "2030-12-31" },
        { type: "time", key: "bestTime", label: { "zh-CN": "方便时间" }, min: "08:00" },
        {
          type: "multiselect",
          key: "languages",
          label: { "zh-CN": "家庭语言" },
          options: [
            { value: "mandarin", label: { "zh-CN": "普通话" } },
            { value: "dialect", label: { "zh-CN": "方言" } },
          ],
        },
        { type: "photo", key: "housePhotos", label: { "zh-CN": "住房" }, maxCount: 3 },
      ]),
    );
    const props = all.jsonSchema.properties as Record<string, Record<string, unknown>>;
    expect(all.jsonSchema.required).toEqual(["code"]);
    expect(props.code).toMatchObject({ type: "string", pattern: "^\\d{6}$", minLength: 1 });
    expect(props.note).toMatchObject({ type: "string", maxLength: 300, "x-multiline": true });
    expect(props.income).toMatchObject({ type: "number", minimum: 0, maximum: 1e6 });
    expect(props.siblings).toMatchObject({ type: "integer", minimum: 0, maximum: 10 });
    expect(props.movedIn).toMatchObject({ type: "string", format: "date", formatMinimum: "2000-01-01" });
    expect(props.bestTime).toMatchObject({ type: "string", formatMinimum: "08:00", "x-widget": "time" });
    expect(props.languages).toMatchObject({
      type: "array",
      uniqueItems: true,
      maxItems: 2,
      items: { type: "string", oneOf: [{ const: "mandarin" }, { const: "dialect" }] },
    });
    expect(props.housePhotos).toMatchObject({
      type: "array",
      maxItems: 3,
      items: { type: "object", required: ["blobId"], additionalProperties: false },
    });
    // Values follow the same rules.
    expect(all.parse({ code: "323000", movedIn: "2010-05-01", bestTime: "19:30", languages: ["dialect"] })).toEqual({
      code: "323000",
      movedIn: "2010-05-01",
      bestTime: "19:30",
      languages: ["dialect"],
    });
    expect(
      issuesOf(() =>
        all.parse({
          code: "32300",
          movedIn: "1999-12-31",
          bestTime: "07:59",
          languages: ["dialect", "dialect"],
          housePhotos: [{ blobId: "b1" }, { blobId: "b/2" }],
          siblings: 1.5,
        }),
      ),
    ).toEqual([
      { path: "code", code: "custom_field_pattern_mismatch" },
      { path: "siblings", code: "invalid_type" },
      { path: "movedIn", code: "custom_field_out_of_range" },
      { path: "bestTime", code: "custom_field_out_of_range" },
      { path: "languages", code: "custom_field_repeated_choice" },
      { path: "housePhotos.1.blobId", code: "invalid_format" },
    ]);
  });

  it("treats multiselect controllers as 'includes' and hides chains of fields", () => {
    const t2 = template([
      {
        type: "multiselect",
        key: "support",
        label: { "zh-CN": "帮扶" },
        options: [
          { value: "aid", label: { "zh-CN": "资助" } },
          { value: "tutoring", label: { "zh-CN": "辅导" } },
        ],
      },
      {
        type: "select",
        key: "aidKind",
        label: { "zh-CN": "资助方式" },
        showIf: { field: "support", equals: "aid" },
        options: [{ value: "cash", label: { "zh-CN": "现金" } }],
      },
      {
        type: "textarea",
        key: "aidNote",
        label: { "zh-CN": "说明" },
        required: true,
        showIf: { field: "aidKind", notEmpty: true },
      },
    ]);
    const c = compileFormTemplate(t2);
    expect(c.visibleFields({ support: ["tutoring"], aidKind: "cash" })).toEqual(["support"]);
    expect(c.parse({ support: ["tutoring"], aidKind: "cash", aidNote: "" })).toEqual({ support: ["tutoring"] });
    expect(issuesOf(() => c.parse({ support: ["tutoring", "aid"], aidKind: "cash" }))).toEqual([
      { path: "aidNote", code: "custom_field_required" },
    ]);
    expect(showIfOrder({ fields: [...t2.fields].reverse() })).toEqual(["support", "aidKind", "aidNote"]);
  });

  it("compiles a template once per id and version, and afresh when a draft changed", () => {
    const own = template(petFields, { id: "cache-test", status: "draft" });
    const first = compileFormTemplate(own);
    expect(compileFormTemplate(own)).toBe(first);
    // A copy read back from storage reuses the compiled template.
    const copy = JSON.parse(JSON.stringify(own)) as FormTemplate;
    expect(compileFormTemplate(copy)).toBe(first);
    const edited = { ...copy, fields: copy.fields.slice(0, 1) };
    const recompiled = compileFormTemplate(edited);
    expect(recompiled).not.toBe(first);
    expect(recompiled.visibleFields({})).toEqual(["hasPets"]);
  });

  it("validates a template it is given, even one that bypassed defineFormTemplate", () => {
    const bad = {
      ...t,
      version: 99,
      fields: [{ type: "text", key: "p", label: { "zh-CN": "甲", en: "A" }, pattern: "(a+)+$" }],
    } as unknown as FormTemplate;
    expect(issuesOf(() => compileFormTemplate(bad))).toEqual([
      { path: "fields.0.pattern", code: "custom_field_unsafe_pattern" },
    ]);
  });
});

describe("versions", () => {
  const v1 = template(petFields);
  const v2 = nextTemplateVersion(v1, {
    createdAt: "2027-02-20T08:00:00+08:00",
    fields: [
      ...petFields.filter((f) => f.key !== "hobby"),
      { type: "date", key: "returnDate", label: { "zh-CN": "父母返乡日期" }, required: true },
    ],
  });
  const v2published = changeTemplateStatus(v2, "published");
  const v1retired = changeTemplateStatus(v1, "retired");
  const store = [v1retired, v2published];

  it("numbers the next version and starts it as a draft", () => {
    expect(v2.version).toBe(2);
    expect(v2.status).toBe("draft");
    expect(v2.id).toBe("family-extra");
    expect(v2.name).toEqual(v1.name);
    expect(v1.version).toBe(1);
    const v3 = nextTemplateVersion(v1, { createdAt: "2027-03-01T08:00:00+08:00" }, { existing: store });
    expect(v3.version).toBe(3);
    expect(v3.fields).toEqual(v1.fields);
  });

  it("keeps old records valid after a new version is published", () => {
    const oldRecord = { templateId: "family-extra", templateVersion: 1, values: { hobby: "sport", hasPets: false } };
    // Before and after v2 exists, the v1 record validates against v1.
    expect(validateCustomFields([v1], oldRecord)).toEqual(oldRecord);
    expect(validateCustomFields(store, oldRecord)).toEqual(oldRecord);
    // The same values would not pass v2: hobby was removed and returnDate is required.
    const asV2 = { ...oldRecord, templateVersion: 2 };
    expect(issuesOf(() => validateCustomFields(store, asV2))).toEqual([
      { path: "customFields.values", code: "unrecognized_keys" },
      { path: "customFields.values.returnDate", code: "custom_field_required" },
    ]);
    expect(validateCustomFields(store, { ...asV2, values: { returnDate: "2027-01-28" } }).values).toEqual({
      returnDate: "2027-01-28",
    });
  });

  it("names a missing template version at the record's path", () => {
    try {
      validateCustomFields(store, { templateId: "family-extra", templateVersion: 7, values: {} }, { path: ["body"] });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(HomevisitError);
      expect((error as HomevisitError).code).toBe("custom_field_template_not_found");
      expect((error as HomevisitError).path).toEqual(["body", "templateVersion"]);
      expect((error as HomevisitError).messageIn("en")).toBe("Form template family-extra version 7 was not found");
    }
    expect(
      issuesOf(() => validateCustomFields(store, { templateId: "family-extra", values: {} })).map((i) => i.path),
    ).toEqual(["customFields.templateVersion"]);
  });

  it("refuses to change a kept key's type", () => {
    expect(
      issuesOf(() =>
        nextTemplateVersion(
          v2,
          {
            createdAt: "2027-03-01T08:00:00+08:00",
            fields: [
              { type: "integer", key: "studyCorner", label: { "zh-CN": "学习环境" } },
              { type: "boolean", key: "hobby", label: { "zh-CN": "爱好" } },
            ],
          },
          { existing: store },
        ),
      ),
    ).toEqual([
      { path: "fields.0.type", code: "custom_field_type_changed" },
      { path: "fields.1.type", code: "custom_field_type_changed" },
    ]);
  });

  it("moves status only forward", () => {
    expect(changeTemplateStatus(v2, "retired").status).toBe("retired");
    expect(() => changeTemplateStatus(v1retired, "published")).toThrow(
      expect.objectContaining({ code: "custom_field_illegal_transition" }),
    );
    expect(() => changeTemplateStatus(v2published, "draft")).toThrow(HomevisitError);
  });

  it("resolves a version, and refuses ambiguous ones", () => {
    expect(resolveTemplate(store, "family-extra", 2)).toBe(v2published);
    expect(resolveTemplate([...store, JSON.parse(JSON.stringify(v2published))], "family-extra", 2)).toBe(v2published);
    const clash = template(petFields.slice(0, 1), { scope: { level: "city", id: "lishui" } });
    expect(() => resolveTemplate([v1, clash], "family-extra", 1)).toThrow(
      expect.objectContaining({ code: "custom_field_template_ambiguous", status: 409 }),
    );
    expect(() => resolveTemplate(store, "nope", 1)).toThrow(
      expect.objectContaining({ code: "custom_field_template_not_found" }),
    );
  });
});

describe("templatesInScope", () => {
  const field: FieldDefinitionInput[] = [{ type: "boolean", key: "ok", label: { "zh-CN": "好" } }];
  const make = (
    id: string,
    version: number,
    level: "city" | "county" | "school",
    scopeId: string,
    status = "published",
  ) => template(field, { id, version, scope: { level, id: scopeId }, status: status as "published" });
  const cityV1 = make("extra", 1, "city", "lishui");
  const cityV2 = make("extra", 2, "city", "lishui");
  const cityDraft = make("extra", 5, "city", "lishui", "draft");
  const countyV3 = make("extra", 3, "county", "liandu");
  const schoolV4 = make("extra", 4, "school", "s1");
  const schoolRetired = make("safety", 1, "school", "s1", "retired");
  const otherCity = make("other", 1, "city", "hangzhou");
  const cityOnly = make("after-school", 1, "city", "lishui");
  const all = [cityV1, cityV2, cityDraft, countyV3, schoolV4, schoolRetired, otherCity, cityOnly];

  it("lets the school override the county override the city, and takes the latest published", () => {
    expect(templatesInScope(all, { cityId: "lishui", countyId: "liandu", schoolId: "s1" })).toEqual([
      cityOnly,
      schoolV4,
    ]);
    expect(templatesInScope(all, { cityId: "lishui", countyId: "liandu", schoolId: "s2" })).toEqual([
      cityOnly,
      countyV3,
    ]);
    expect(templatesInScope(all, { cityId: "lishui", countyId: "jinyun", schoolId: "s9" })).toEqual([cityOnly, cityV2]);
    expect(templatesInScope(all, { cityId: "wenzhou" })).toEqual([]);
  });
});
