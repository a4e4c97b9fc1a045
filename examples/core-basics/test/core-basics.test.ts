import { describe, expect, it } from "vitest";
import { categories, status } from "../src/index.ts";

describe("README example: core in use", () => {
  it("derives new-student status and categories as the README says", () => {
    expect(status).toEqual({ isNew: true, reason: "entry_grade", since: "2026-09-01", schoolYear: 2026 });
    expect(categories).toEqual(["left_behind_or_single_parent"]);
  });
});
