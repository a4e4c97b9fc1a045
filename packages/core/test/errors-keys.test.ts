import { safeParseInput } from "@homevisit/core";
import { describe, expect, it } from "vitest";
import * as z from "zod";

describe("unknown keys in error messages", () => {
  it("names identifier-like keys but never a key that could be personal data", () => {
    const result = safeParseInput(z.strictObject({ a: z.string() }), { a: "x", hobby: 1, "13812345678": "x" });
    expect(result.success).toBe(false);
    if (result.success) return;
    const text = JSON.stringify(result.error.toJSON("en")) + JSON.stringify(result.error.toJSON("zh-CN"));
    expect(text).toContain("hobby");
    expect(text).not.toContain("13812345678");
  });
});
