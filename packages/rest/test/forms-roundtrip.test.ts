// Issue 17: generated templates and generated valid answers round-trip over real HTTP. A
// principal designs and publishes the form (POST /forms, POST /forms/{id}/publish), a teacher
// drafts a record with the answers (POST /students/{id}/visit-records) and reads it back
// (GET /visit-records/{id}): the answers come back equal, under the version drafted on, and
// the template's JSON Schema (GET /forms/{id}/schema) names every field answered.
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formWithAnswersArb } from "../../core/test/forms-roundtrip-suite.js";
import { type Served, serve } from "./http.js";
import { basePath, makeWorld, type World } from "./world.js";

const purpose = { "Homevisit-Purpose": encodeURIComponent("核对自定义字段") };

describe("custom answers round-trip over HTTP", () => {
  let served: Served;
  let world: World;
  beforeAll(async () => {
    world = await makeWorld();
    served = await serve(world.handler);
  });
  afterAll(async () => {
    await served.close();
  });

  async function call(who: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    const response = await fetch(`${served.url}${basePath}${path}`, {
      method,
      headers: {
        Authorization: `Bearer tok-${who}`,
        ...(body === undefined ? {} : { "Content-Type": "application/json" }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, etag: response.headers.get("etag"), body: text === "" ? null : JSON.parse(text) };
  }

  it("a value sent over HTTP is read back equal, under the version it was drafted on", async () => {
    let round = 0;
    await fc.assert(
      fc.asyncProperty(formWithAnswersArb, async ([fields, values]) => {
        round += 1;
        const designed = await call("principal1", "POST", "/forms", {
          level: "school",
          scopeId: "sch-1",
          name: { "zh-CN": `生成的表单 ${round}` },
          fields,
        });
        expect(designed.status).toBe(201);
        const formId = designed.body.form.id as string;
        const published = await call("principal1", "POST", `/forms/${formId}/publish`, undefined, {
          "If-Match": `"${designed.body.version}"`,
        });
        expect(published.status).toBe(200);
        const template = published.body.form.template;
        const schema = await call("teacher1", "GET", `/forms/${formId}/schema`);
        expect(schema.status).toBe(200);
        expect(Object.keys(values).every((key) => key in schema.body.properties)).toBe(true);

        const customFields = { templateId: template.id, templateVersion: template.version, values };
        const drafted = await call(
          "classTeacher1",
          "POST",
          "/students/stu-1-1/visit-records",
          { record: { kind: "universal", term: "2026-2027-1", channel: "in_home", customFields } },
          { "Idempotency-Key": `forms-roundtrip-${round}` },
        );
        expect([drafted.status, drafted.body?.issues]).toEqual([201, undefined]);
        const read = await call("classTeacher1", "GET", `/visit-records/${drafted.body.record.id}`, undefined, purpose);
        expect(read.status).toBe(200);
        expect(read.body.record.customFields).toEqual(customFields);
      }),
      { numRuns: 40 },
    );
  });
});
