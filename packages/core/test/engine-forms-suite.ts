// Issue 17: schools extend their forms without code. Stored templates per scope (city, county,
// school) inherited and extended, never weakened; draft → preview → publish → retire; records
// remember the version they were drafted on; custom fields checked like built-in sections
// (draft: partial; submit: complete, even with no `customFields` at all).
import { createEngine, definePlugin, type Engine, fixedClock, isHomevisitError, sequentialIds } from "@homevisit/core";
import { describe, expect, it } from "vitest";
import { actors, type EngineHarness, seedWorld } from "./engine-suite.js";
import { codeOf, completeRecord } from "./support/visit-fixtures.js";

const hmacKey = "forms-audit-key-0123456789";

/** A record complete in its built-in sections. */
export const fullRecord = { ...completeRecord, parentOpinions: { opinions: "无" } } as const;

const a = (role: keyof typeof actors) => actors[role] as never;

async function issuesOf(promise: Promise<unknown>): Promise<{ path: string; code: string; zh: string }[]> {
  try {
    await promise;
    return [];
  } catch (error) {
    if (!isHomevisitError(error)) throw error;
    return error.issues.map((i) => ({ path: i.path.join("."), code: i.code, zh: i.message["zh-CN"] }));
  }
}

const countyFields = [
  {
    type: "select",
    key: "housing",
    label: { "zh-CN": "住房情况", en: "Housing" },
    required: true,
    options: [
      { value: "own", label: { "zh-CN": "自有", en: "Owned" } },
      { value: "rent", label: { "zh-CN": "租住", en: "Rented" } },
    ],
  },
] as const;

const schoolOwn = [
  { type: "boolean", key: "hasStudyDesk", label: { "zh-CN": "有书桌", en: "Has a desk" }, required: true },
  {
    type: "text",
    key: "deskPhone",
    label: { "zh-CN": "联系电话", en: "Contact phone" },
    required: true,
    pattern: "^1[3-9]\\d{9}$",
    patternMessage: { "zh-CN": "请填写 11 位手机号", en: "Enter an 11-digit mobile number" },
    showIf: { field: "hasStudyDesk", equals: true },
    sensitivity: "personal",
  },
] as const;

/** What every forms test starts from: a seeded store and an engine on it. */
export interface FormsWorld {
  harness: EngineHarness;
  engine: Engine;
}

/**
 * The one set-up of the forms tests: a fresh store from `factory`, the seeded world, an engine
 * at a fixed time with sequential ids and an audit key, and the guardian consent of the own
 * student (custom answers may be sensitive). The store is closed after the test, pass or fail.
 */
export function formsFixture(factory: () => Promise<EngineHarness>) {
  return async function inWorld<T>(
    test: (world: FormsWorld) => Promise<T>,
    plugins: Parameters<typeof createEngine>[0]["plugins"] = [],
  ): Promise<T> {
    const harness = await factory();
    try {
      await seedWorld(harness.storage);
      const engine = createEngine({
        storage: harness.storage,
        blobs: harness.blobs,
        clock: fixedClock("2026-10-08T09:00:00+08:00"),
        ids: sequentialIds("f"),
        config: { audit: { hmacKey } },
        plugins,
      });
      await engine.consent.record(a("principal"), { studentId: "s-own", guardianId: "g-s-own" });
      return await test({ harness, engine });
    } finally {
      await harness.cleanup();
    }
  };
}

export function runFormsSuite(name: string, factory: () => Promise<EngineHarness>): void {
  describe(`forms (${name})`, () => {
    const inWorld = formsFixture(factory);

    async function publishCountyAndSchool(engine: Engine) {
      const county = await engine.forms.draft(a("county_bureau"), {
        level: "county",
        scopeId: "k-1",
        name: { "zh-CN": "莲都区家访表" },
        fields: countyFields as never,
      });
      await engine.forms.publish(a("county_bureau"), { formId: county.form.id, expectedVersion: county.version });
      const school = await engine.forms.draft(a("school_admin"), {
        level: "school",
        scopeId: "sch-1",
        name: { "zh-CN": "一中家访表" },
        fields: [...countyFields, ...schoolOwn] as never,
      });
      const published = await engine.forms.publish(a("school_admin"), {
        formId: school.form.id,
        expectedVersion: school.version,
      });
      return { county, school, published };
    }

    it("refuses a submission that leaves out customFields while a plugin field is required", async () => {
      const plugin = definePlugin({
        id: "desk",
        customFields: {
          visitRecord: [{ type: "boolean", key: "hasStudyDesk", label: { "zh-CN": "有书桌" }, required: true }],
        },
      });
      await inWorld(
        async ({ engine }) => {
          const drafted = await engine.records.draft(a("teacher"), { studentId: "s-own", record: fullRecord as never });
          // The record remembers the version it was drafted on, even without values.
          expect(drafted.record.customFields).toEqual({
            templateId: "plugins-visit-record",
            templateVersion: 1,
            values: {},
          });
          const issues = await issuesOf(
            engine.records.submit(a("teacher"), { recordId: drafted.record.id, expectedVersion: drafted.version }),
          );
          expect(issues).toEqual([
            { path: "customFields.values.hasStudyDesk", code: "custom_field_required", zh: "必须填写“有书桌”" },
          ]);
        },
        [plugin],
      );
    });

    it("checks a draft as far as it goes and a submission completely, built-in and custom alike", async () => {
      await inWorld(async ({ engine }) => {
        await publishCountyAndSchool(engine);
        // Draft: a required custom field may be missing, like a built-in section.
        const drafted = await engine.records.draft(a("teacher"), {
          studentId: "s-own",
          record: { kind: "universal", term: "2026-2027-1", channel: "in_home" } as never,
        });
        expect(drafted.record.customFields?.values).toEqual({});
        // …but a value given is checked, with the school's own message.
        const bad = await issuesOf(
          engine.records.update(a("teacher"), {
            recordId: drafted.record.id,
            expectedVersion: drafted.version,
            record: {
              kind: "universal",
              term: "2026-2027-1",
              channel: "in_home",
              customFields: {
                templateId: drafted.record.customFields?.templateId,
                templateVersion: drafted.record.customFields?.templateVersion,
                values: { hasStudyDesk: true, deskPhone: "12345" },
              },
            } as never,
          }),
        );
        expect(bad).toEqual([
          { path: "customFields.values.deskPhone", code: "custom_field_pattern_mismatch", zh: "请填写 11 位手机号" },
        ]);
        // Submit: every built-in gap and every custom gap in one answer.
        const issues = await issuesOf(
          engine.records.submit(a("teacher"), { recordId: drafted.record.id, expectedVersion: drafted.version }),
        );
        const paths = issues.map((i) => i.path);
        expect(paths).toEqual(
          expect.arrayContaining(["customFields.values.housing", "customFields.values.hasStudyDesk", "schoolFeedback"]),
        );
        expect(issues.find((i) => i.path === "customFields.values.housing")?.zh).toBe("必须填写“住房情况”");
      });
    });

    it("lets a school extend the county's form but never drop or weaken a county field", async () => {
      await inWorld(async ({ engine }) => {
        const county = await engine.forms.draft(a("county_bureau"), {
          level: "county",
          scopeId: "k-1",
          name: { "zh-CN": "莲都区家访表" },
          fields: countyFields as never,
        });
        await engine.forms.publish(a("county_bureau"), { formId: county.form.id, expectedVersion: county.version });
        const dropped = await issuesOf(
          engine.forms.draft(a("school_admin"), {
            level: "school",
            scopeId: "sch-1",
            name: { "zh-CN": "一中家访表" },
            fields: schoolOwn as never,
          }),
        );
        expect(dropped.map((i) => [i.path, i.code])).toEqual([["fields", "form_inherited_field_removed"]]);
        const weakened = await issuesOf(
          engine.forms.draft(a("school_admin"), {
            level: "school",
            scopeId: "sch-1",
            name: { "zh-CN": "一中家访表" },
            fields: [{ ...countyFields[0], required: false }, ...schoolOwn] as never,
          }),
        );
        expect(weakened.map((i) => [i.path, i.code])).toEqual([["fields.0.required", "form_inherited_field_weakened"]]);
        // Levels: a county bureau does not design a school's form, a teacher designs nothing.
        expect(
          await codeOf(
            engine.forms.draft(a("county_bureau"), {
              level: "school",
              scopeId: "sch-1",
              name: { "zh-CN": "x" },
              fields: countyFields as never,
            }),
          ),
        ).toBe("form_scope_forbidden");
        expect(
          await codeOf(
            engine.forms.draft(a("teacher"), { level: "school", scopeId: "sch-1", name: { "zh-CN": "x" }, fields: [] }),
          ),
        ).not.toBe("ok");
        // Another county's school is out of reach, like a missing one.
        expect(
          await codeOf(
            engine.forms.draft(a("school_admin"), {
              level: "school",
              scopeId: "sch-2",
              name: { "zh-CN": "x" },
              fields: countyFields as never,
            }),
          ),
        ).toBe("not_found");
      });
    });

    it("publishes with a summary, serves the JSON Schema, and offers a newer version to an open draft", async () => {
      await inWorld(async ({ engine }) => {
        const { published } = await publishCountyAndSchool(engine);
        expect(published.summary.added.map((f) => f.key)).toEqual(["hasStudyDesk", "deskPhone"]);
        expect(published.summary.inherited).toBe(1);
        const current = await engine.forms.current(a("teacher"), {});
        expect(current.formId).toBe(published.form.id);
        const schema = (await engine.forms.schema(a("teacher"), { formId: published.form.id })) as {
          properties: Record<string, { "x-sensitivity": string; title: string }>;
          required: string[];
        };
        expect(Object.keys(schema.properties)).toEqual(["housing", "hasStudyDesk", "deskPhone"]);
        expect(schema.properties.deskPhone?.["x-sensitivity"]).toBe("personal");
        expect(schema.required).toEqual(["housing", "hasStudyDesk"]);

        const drafted = await engine.records.draft(a("teacher"), {
          studentId: "s-own",
          record: {
            ...fullRecord,
            customFields: {
              templateId: published.form.template.id,
              templateVersion: 1,
              values: { housing: "rent", hasStudyDesk: false },
            },
          } as never,
        });
        // Version 2 adds a field; the open draft keeps version 1 until it moves, without loss.
        const v2 = await engine.forms.draft(a("principal"), {
          level: "school",
          scopeId: "sch-1",
          name: { "zh-CN": "一中家访表" },
          fields: [
            ...countyFields,
            ...schoolOwn,
            { type: "rating", key: "homeStudyCorner", label: { "zh-CN": "学习角评分" } },
          ] as never,
        });
        // Teachers do not see drafts.
        expect(await codeOf(engine.forms.get(a("teacher"), { formId: v2.form.id }))).toBe("not_found");
        const preview = await engine.forms.preview(a("principal"), { formId: v2.form.id });
        expect(preview.summary.added.map((f) => f.key)).toEqual(["homeStudyCorner"]);
        const p2 = await engine.forms.publish(a("principal"), { formId: v2.form.id, expectedVersion: v2.version });
        expect(p2.retired).toEqual([published.form.id]);
        // The old version still validates the draft drafted on it.
        const kept = await engine.records.update(a("teacher"), {
          recordId: drafted.record.id,
          expectedVersion: drafted.version,
          record: { ...fullRecord, customFields: drafted.record.customFields } as never,
        });
        expect(kept.record.customFields?.templateVersion).toBe(1);
        const moved = await engine.forms.upgradeRecord(a("teacher"), {
          recordId: drafted.record.id,
          expectedVersion: kept.version,
        });
        expect(moved).toMatchObject({ templateVersion: 2, added: ["homeStudyCorner"] });
        const submitted = await engine.records.submit(a("teacher"), {
          recordId: drafted.record.id,
          expectedVersion: moved.version,
        });
        expect(submitted.record.customFields).toEqual({
          templateId: published.form.template.id,
          templateVersion: 2,
          values: { housing: "rent", hasStudyDesk: false },
        });
        // A version a school never published for itself is unknown to records.
        expect(
          await codeOf(
            engine.records.draft(a("teacher"), {
              studentId: "s-own",
              record: { ...fullRecord, customFields: { templateId: "nope", templateVersion: 1, values: {} } } as never,
            }),
          ),
        ).toBe("custom_fields_template_unknown");
      });
    });

    it("reports custom answers to the bureau as aggregates (small groups hidden) and exports them version-aware", async () => {
      await inWorld(async ({ harness, engine }) => {
        const { published } = await publishCountyAndSchool(engine);
        const templateId = published.form.template.id;
        await harness.storage.transaction(async (tx) => {
          for (let i = 0; i < 8; i++) {
            await tx.visitRecords.create({
              ...fullRecord,
              id: `v-agg-${i}`,
              schoolId: "sch-1",
              studentId: "s-own",
              teacherId: "t-teacher",
              status: "submitted",
              submittedAt: "2026-10-08T09:00:00+08:00",
              customFields: {
                templateId,
                templateVersion: 1,
                values: {
                  housing: i < 6 ? "own" : "rent",
                  hasStudyDesk: i % 2 === 0,
                  ...(i % 2 === 0 ? { deskPhone: "13800000000" } : {}),
                },
              },
            } as never);
          }
        });
        const report = await engine.reports.coverage(a("county_bureau"), {
          from: "2026-09-01",
          to: "2026-12-31",
          groupBy: "school",
          customFields: ["housing", "hasStudyDesk", "unknownKey"],
        });
        const housing = report.customSections?.find((s) => s.key === "housing");
        expect(housing?.answered).toBe(8);
        expect(housing?.groups.map((g) => [g.key, g.count, g.suppressed])).toEqual([
          ["own", 6, false],
          ["rent", null, true],
        ]);
        expect(report.customSections?.map((s) => s.key)).toEqual(["housing", "hasStudyDesk"]);
        // No child's value reaches the bureau: not the phone typed in any record.
        expect(JSON.stringify(report)).not.toContain("13800000000");

        expect(await codeOf(engine.forms.export(a("principal"), { from: "2026-09-01", to: "2026-12-31" }))).toBe(
          "purpose_required",
        );
        const table = await engine.forms.export(
          a("principal"),
          { from: "2026-09-01", to: "2026-12-31" },
          { purpose: "学期总结" },
        );
        expect(table.columns.map((c) => c.key).slice(-3)).toEqual(["housing", "hasStudyDesk", "deskPhone"]);
        expect(table.rows[0]?.slice(-3)).toEqual(["自有", "是", "13800000000"]);
        const withoutPersonal = await engine.forms.export(
          a("principal"),
          { from: "2026-09-01", to: "2026-12-31", exclude: ["personal"] },
          { purpose: "学期总结" },
        );
        expect(withoutPersonal.columns.map((c) => c.key)).not.toContain("deskPhone");
        expect(
          await codeOf(
            engine.forms.export(
              a("county_bureau"),
              { schoolId: "sch-1", from: "2026-09-01", to: "2026-12-31" },
              { purpose: "x" },
            ),
          ),
        ).not.toBe("ok");
      });
    });

    it("a photo answer must be one of the record's own photos", async () => {
      await inWorld(async ({ engine }) => {
        const county = await engine.forms.draft(a("county_bureau"), {
          level: "county",
          scopeId: "k-1",
          name: { "zh-CN": "莲都区家访表" },
          fields: [{ type: "photo", key: "deskPhoto", label: { "zh-CN": "书桌照片" } }] as never,
        });
        const p = await engine.forms.publish(a("county_bureau"), {
          formId: county.form.id,
          expectedVersion: county.version,
        });
        const issues = await issuesOf(
          engine.records.draft(a("teacher"), {
            studentId: "s-own",
            record: {
              ...fullRecord,
              customFields: {
                templateId: p.form.template.id,
                templateVersion: 1,
                values: { deskPhoto: [{ blobId: "someone-elses" }] },
              },
            } as never,
          }),
        );
        expect(issues.map((i) => [i.path, i.code])).toEqual([
          ["customFields.values.deskPhoto.0.blobId", "custom_field_photo_unknown"],
        ]);
      });
    });

    it("a county's new field reaches its schools at once; the school's form returns when republished", async () => {
      await inWorld(async ({ engine }) => {
        const { county } = await publishCountyAndSchool(engine);
        const v2 = await engine.forms.draft(a("county_bureau"), {
          level: "county",
          scopeId: "k-1",
          name: { "zh-CN": "莲都区家访表" },
          fields: [...countyFields, { type: "boolean", key: "leftBehind", label: { "zh-CN": "留守" } }] as never,
        });
        await engine.forms.publish(a("county_bureau"), { formId: v2.form.id, expectedVersion: v2.version });
        const current = await engine.forms.current(a("teacher"), {});
        expect(current.template?.scope).toEqual({ level: "county", id: "k-1" });
        expect(current.template?.fields.map((f) => f.key)).toEqual(["housing", "leftBehind"]);
        expect(current.stale).toHaveLength(1);
        expect(county.form.template.version).toBe(1);
      });
    });
  });
}
