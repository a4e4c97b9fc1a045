import { describe, expect, it } from "vitest";
import { auditChanges } from "../src/engine/audit-changes.js";

describe("custom answers in the audit log", () => {
  it("logs each answer as its own field, values as keyed HMACs, the form version in clear", () => {
    const before = {
      id: "v-1",
      customFields: { templateId: "tpl", templateVersion: 1, values: { deskPhone: "13800000000", housing: "own" } },
    };
    const after = {
      id: "v-1",
      customFields: { templateId: "tpl", templateVersion: 2, values: { deskPhone: "13900000000", housing: "own" } },
    };
    const changes = auditChanges({ entity: "visitRecords", before, after }, (text) => `h(${text.length})`);
    expect(changes.map((c) => c.field)).toEqual([
      "visitRecords.customFields.templateVersion",
      "visitRecords.customFields.values.deskPhone",
    ]);
    expect(changes[0]).toMatchObject({ before: "1", after: "2" });
    expect(JSON.stringify(changes)).not.toContain("1380000");
    expect(changes[1]?.after).toMatch(/^hmac:/);
  });
});
