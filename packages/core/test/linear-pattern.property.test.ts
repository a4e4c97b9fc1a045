import {
  checkPattern,
  compileFormTemplate,
  compileLinearPattern,
  defineFormTemplate,
  isHomevisitError,
  toRe2Syntax,
} from "@homevisit/core";
import fc from "fast-check";
import { RE2JS } from "re2js";
import { describe, expect, it } from "vitest";

/**
 * The number of generated cases: the full count unless HOMEVISIT_PROPERTY_RUNS asks for fewer
 * (the mutation run sets it in vitest.mutation.config.ts, where every mutant re-runs this file).
 */
const propertyRuns = (full: number): number => Math.min(full, Number(process.env.HOMEVISIT_PROPERTY_RUNS) || full);

/**
 * RELIABILITY.md promise 9 ("No input can stall the server: patterns in school templates run in
 * linear time") and the project test "Patterns: generated patterns × adversarial inputs, work
 * linear in input length". Work is measured, never time: the input is handed to RE2 as a UTF-8
 * byte array behind a proxy that counts every read of an input position, whichever of RE2's
 * matchers (DFA, one-pass, bit-state, NFA) runs. A backtracking engine re-reads positions once
 * per path tried, so its count grows with the number of paths (exponential for `(a+)+$`,
 * n⁶ for `^\d*\d*\d*\d*\d*\d*!$`); RE2's grows with n.
 */

/** A byte input that counts the engine's reads of its positions. */
function countedInput(text: string): { input: number[]; reads: () => number } {
  const bytes = [...new TextEncoder().encode(text)];
  let reads = 0;
  const input = new Proxy(bytes, {
    get(target, key, receiver) {
      if (typeof key === "string" && /^\d+$/.test(key)) reads += 1;
      return Reflect.get(target, key, receiver);
    },
  });
  return { input, reads: () => reads };
}

/** Reads of the input by one unanchored match of `re2Source` on `text`. */
function workOf(re2Source: string, text: string): number {
  const counted = countedInput(text);
  RE2JS.compile(re2Source).test(counted.input);
  return counted.reads();
}

// Atoms over a small alphabet so that generated inputs meet the pattern often.
const atomArb = fc.constantFrom(
  "a",
  "b",
  "1",
  "中",
  "\\d",
  "\\w",
  "\\s",
  "\\S",
  "[a-c]",
  "[^a]",
  "[\\s1]",
  ".",
  "\\p{Script=Han}",
  "\\p{L}",
  "\\u4e2d",
  "\\u{1F600}",
  "\\.",
  "[^]",
  "\\b",
);
const quantifierArb = fc.constantFrom("", "", "*", "+", "?", "{2}", "{1,3}", "{0,}", "*?", "+?");

/** Generated patterns: sequences, groups and alternations of atoms with quantifiers. */
const patternArb: fc.Arbitrary<string> = fc
  .letrec<{ pattern: string; term: string }>((tie) => ({
    term: fc.oneof(
      { weight: 4, arbitrary: fc.tuple(atomArb, quantifierArb).map(([a, q]) => (a === "\\b" ? a : a + q)) },
      {
        weight: 1,
        arbitrary: fc
          .tuple(tie("pattern"), quantifierArb, fc.constantFrom("(", "(?:", "(?<g>"))
          .map(([p, q, open]) => `${open}${p})${q}`),
      },
    ),
    pattern: fc.oneof(
      { weight: 3, arbitrary: fc.array(tie("term"), { minLength: 1, maxLength: 4 }).map((t) => t.join("")) },
      { weight: 1, arbitrary: fc.tuple(tie("term"), tie("term")).map(([a, b]) => `${a}|${b}`) },
    ),
  }))
  .pattern.map((p) =>
    p.replace(
      /\(\?<g>/g,
      (() => {
        // Named groups need distinct names.
        let n = 0;
        return () => `(?<g${n++}>`;
      })(),
    ),
  );

const anchoredArb = fc
  .tuple(fc.boolean(), patternArb, fc.boolean())
  .map(([start, p, end]) => `${start ? "^" : ""}${p}${end ? "$" : ""}`);

const textArb = fc.string({
  unit: fc.constantFrom(
    "a",
    "b",
    "c",
    "1",
    "2",
    "中",
    "文",
    " ",
    "\u3000",
    "\u00a0",
    "😀",
    ".",
    "!",
    "_",
    "\r",
    "\u2028",
  ),
  maxLength: 10,
});

describe("custom-field patterns run in RE2 with the meaning ECMAScript gives them", () => {
  it("matches exactly what the native `u` engine matches, on generated patterns and texts", () => {
    fc.assert(
      fc.property(anchoredArb, fc.array(textArb, { minLength: 1, maxLength: 8 }), (pattern, texts) => {
        // Every generated pattern is valid ECMAScript; the native engine is the reference.
        const native = new RegExp(pattern, "u");
        const re2 = toRe2Syntax(pattern);
        expect(typeof re2).toBe("string");
        const compiled = RE2JS.compile(re2 as string);
        for (const text of texts)
          expect([pattern, text, compiled.test(text)]).toEqual([pattern, text, native.test(text)]);
      }),
      { numRuns: propertyRuns(1500) },
    );
  });

  it("compiles every pattern that checkPattern accepts, and refuses the rest with a typed error", () => {
    fc.assert(
      fc.property(anchoredArb, (pattern) => {
        const problem = checkPattern(pattern);
        if (problem === undefined) {
          expect(compileLinearPattern(pattern).source).toBe(pattern);
          return;
        }
        try {
          compileLinearPattern(pattern);
          expect.unreachable("a refused pattern compiled");
        } catch (error) {
          expect(isHomevisitError(error)).toBe(true);
        }
      }),
      { numRuns: propertyRuns(1000) },
    );
  });

  it.each([
    ["(\\w)\\1", "back-reference at 4"],
    ["\\k<x>(?<x>a)", "back-reference at 0"],
    ["(?<=a)b", "look-behind at 0"],
    ["(?<!a)b", "look-behind at 0"],
    ["a(?=b)", "look-ahead at 1"],
    ["a(?!b)", "look-ahead at 1"],
    ["\\p{Emoji}", "Unicode property at 0"],
    ["[\\S]", "\\S inside a class at 1"],
  ])("refuses %j at template time: %s", (pattern, reason) => {
    expect(checkPattern(pattern)).toMatchObject({ kind: "unsupported", reason });
    try {
      defineFormTemplate({
        id: "t",
        version: 1,
        scope: { level: "school", id: "s1" },
        name: { "zh-CN": "模板" },
        status: "draft",
        createdAt: "2026-09-01T08:00:00+08:00",
        fields: [{ type: "text", key: "code", label: { "zh-CN": "编码" }, pattern }],
      });
      expect.unreachable("accepted");
    } catch (error) {
      if (!isHomevisitError(error)) throw error;
      expect(error.issues.map((i) => i.code)).toEqual(["custom_field_pattern_unsupported"]);
      // The message names the construct and where, never the pattern itself.
      expect(error.issues[0]?.message.en).not.toContain(pattern);
      expect(error.issues[0]?.message["zh-CN"]).toContain(reason);
    }
  });

  it("keeps only the engine's reason for an invalid pattern, never the pattern", () => {
    expect(checkPattern("([a-z]")).toEqual({ kind: "invalid", reason: "Unterminated group" });
  });
});

describe("validation work is linear in the input (counted, not timed)", () => {
  it("the issue's pattern on 10,000 and 20,000 digits: reads grow with n, not n⁶", () => {
    const pattern = compileLinearPattern("^\\d*\\d*\\d*\\d*\\d*\\d*!$");
    const small = countedInput("1".repeat(10_000));
    const large = countedInput("1".repeat(20_000));
    expect(pattern.test(small.input)).toBe(false);
    expect(pattern.test(large.input)).toBe(false);
    expect(small.reads()).toBeLessThanOrEqual(4 * 10_000);
    expect(large.reads()).toBeLessThanOrEqual(2 * small.reads() + 64);
    // The same pattern through a compiled template: a 1,000-digit value is refused at once.
    const template = defineFormTemplate({
      id: "t",
      version: 1,
      scope: { level: "school", id: "s1" },
      name: { "zh-CN": "模板" },
      status: "draft",
      createdAt: "2026-09-01T08:00:00+08:00",
      fields: [
        {
          type: "text",
          key: "code",
          label: { "zh-CN": "编码" },
          pattern: "^\\d*\\d*\\d*\\d*\\d*\\d*!$",
          maxLength: 1000,
        },
      ],
    });
    const result = compileFormTemplate(template).safeParse({ code: "1".repeat(1000) });
    expect(result.success).toBe(false);
    // A pattern that fails answers the custom-field code, so the field's own message can be shown.
    if (!result.success) {
      expect(result.error.issues.map((i) => (i as { params?: { code?: string } }).params?.code ?? i.code)).toEqual([
        "custom_field_pattern_mismatch",
      ]);
    }
    expect(compileFormTemplate(template).parse({ code: `${"1".repeat(999)}!` })).toEqual({
      code: `${"1".repeat(999)}!`,
    });
  });

  it("generated patterns (backtracking shapes included) × adversarial inputs: work(2n) ≤ 2·work(n) + c", () => {
    // Shapes that make backtracking engines explode, combined with generated ones: the counts
    // must stay linear for all of them, whether or not checkPattern would let a school use them.
    const explosive = fc.constantFrom(
      "^\\d*\\d*\\d*\\d*\\d*\\d*!$",
      "(a+)+$",
      "^(a|aa)*$",
      "^(\\w+\\s?)*$",
      "(.*a){10}",
      "^(a|a?)+b$",
      "(中+)+!",
    );
    const patterns = fc.oneof(explosive, anchoredArb);
    // Inputs: one generated unit repeated n times, then a character that makes the match fail
    // at the very end: the worst case for a backtracking engine.
    const units = fc.constantFrom("a", "1", "中", "a ", "aa1", "😀");
    const tails = fc.constantFrom("!", "", "\u0000", "b", "中");
    fc.assert(
      fc.property(patterns, units, tails, fc.integer({ min: 500, max: 2000 }), (pattern, unit, tail, n) => {
        const re2 = toRe2Syntax(pattern);
        if (typeof re2 !== "string") return;
        const small = workOf(re2, unit.repeat(n) + tail);
        const large = workOf(re2, unit.repeat(2 * n) + tail);
        const bytes = new TextEncoder().encode(unit.repeat(n) + tail).length;
        // At most a few reads per byte, whatever the pattern (RE2's bit-state matcher may read
        // a position once per instruction of a small program), and doubling n at most doubles it.
        expect(small).toBeLessThanOrEqual(8 * (bytes + 8));
        expect(large).toBeLessThanOrEqual(2 * small + 64);
      }),
      { numRuns: propertyRuns(300) },
    );
  });
});
