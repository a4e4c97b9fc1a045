// The planner's cheap orders must sort exactly as the collator did: the output order depends on them.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cmpDate, sortedById } from "../src/planning/order.js";

const byLocale = <T extends { id: string }>(items: readonly T[]): T[] =>
  [...items].sort((a, b) => a.id.localeCompare(b.id));

describe("planner orders", () => {
  it("sorts plain ids (lowercase letters, digits, hyphens) as localeCompare does", () => {
    const plainChar = fc.constantFrom(..."abcxyz0129-".split(""));
    const id = fc.array(plainChar, { minLength: 1, maxLength: 8 }).map((cs) => cs.join(""));
    fc.assert(
      fc.property(fc.array(id, { maxLength: 40 }), (ids) => {
        const items = ids.map((value, i) => ({ id: value, i }));
        expect(sortedById(items)).toEqual(byLocale(items));
      }),
      { numRuns: 500 },
    );
  });

  it("falls back to the collator for other ids, where the orders differ", () => {
    const items = [{ id: "b" }, { id: "B" }, { id: "a_1" }, { id: "a-1" }, { id: "a1" }, { id: "A" }];
    // Code units would put every capital first; the collator does not.
    expect(sortedById(items).map((x) => x.id)).toEqual(byLocale(items).map((x) => x.id));
    expect(sortedById(items).map((x) => x.id)).not.toEqual(items.map((x) => x.id).sort());
  });

  it("orders dates as localeCompare does", () => {
    const date = fc
      .date({ min: new Date("2000-01-01T00:00:00Z"), max: new Date("2099-12-31T00:00:00Z"), noInvalidDate: true })
      .map((d) => d.toISOString().slice(0, 10));
    fc.assert(
      fc.property(date, date, (a, b) => {
        expect(Math.sign(cmpDate(a, b))).toBe(Math.sign(a.localeCompare(b)));
      }),
      { numRuns: 500 },
    );
  });
});
