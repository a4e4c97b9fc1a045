// Issue 17: generated templates and generated valid answers round-trip through the engine and
// each store: a school publishes the template, a teacher drafts a record with the answers, and
// the record read back holds exactly those answers under the version it was drafted on.
import { defineFormTemplate, type FieldDefinitionInput } from "@homevisit/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { definitionsArb, valuesArb } from "./custom-fields-arbitraries.js";
import { formsFixture } from "./engine-forms-suite.js";
import { actors, type EngineHarness } from "./engine-suite.js";

const a = (role: keyof typeof actors) => actors[role] as never;

/**
 * Definitions a record can carry without anything else in the store: a photo answer must name
 * the record's own photos, which the REST and photo suites cover.
 */
export const roundTripDefinitionsArb: fc.Arbitrary<FieldDefinitionInput[]> = definitionsArb
  .map((fields) => fields.filter((f) => f.type !== "photo"))
  .filter((fields) => fields.length > 0);

/** A template's fields with a valid answer for each required field and some optional ones. */
export const formWithAnswersArb = roundTripDefinitionsArb.chain((fields) =>
  fc.tuple(
    fc.constant(fields),
    valuesArb(
      defineFormTemplate({
        id: "generated",
        version: 1,
        scope: { level: "school", id: "sch-1" },
        name: { "zh-CN": "生成的表单" },
        status: "draft",
        createdAt: "2026-09-01T08:00:00+08:00",
        fields,
      }),
    ),
  ),
);

export function runFormsRoundTrip(name: string, factory: () => Promise<EngineHarness>, numRuns: number): void {
  const inWorld = formsFixture(factory);
  describe(`custom answers round-trip (${name})`, () => {
    it("a value written through the engine is read back equal, under the version it was drafted on", async () => {
      await inWorld(async ({ engine }) => {
        let round = 0;
        await fc.assert(
          fc.asyncProperty(formWithAnswersArb, async ([fields, values]) => {
            round += 1;
            const designed = await engine.forms.draft(a("school_admin"), {
              level: "school",
              scopeId: "sch-1",
              name: { "zh-CN": `生成的表单 ${round}` },
              fields: fields as never,
            });
            const published = await engine.forms.publish(a("school_admin"), {
              formId: designed.form.id,
              expectedVersion: designed.version,
            });
            const template = published.form.template;
            const customFields = { templateId: template.id, templateVersion: template.version, values };
            const drafted = await engine.records.draft(a("teacher"), {
              studentId: "s-own",
              record: { kind: "universal", term: "2026-2027-1", channel: "in_home", customFields } as never,
            });
            const read = await engine.records.get(
              a("teacher"),
              { recordId: drafted.record.id },
              { purpose: "核对自定义字段" },
            );
            expect(read.record.customFields).toEqual(customFields);
            // Equal as JSON too: nothing gained a key, lost one, or changed type on the way.
            expect(JSON.stringify(sorted(read.record.customFields?.values ?? {}))).toBe(JSON.stringify(sorted(values)));
          }),
          { numRuns },
        );
      });
    });
  });
}

function sorted(values: Readonly<Record<string, unknown>>): [string, unknown][] {
  return Object.entries(values).sort(([x], [y]) => (x < y ? -1 : 1));
}
