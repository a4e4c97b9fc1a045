import { checkPattern, compileLinearPattern, isHomevisitError, nativeIsLinear, toRe2Syntax } from "@homevisit/core";
import { describe, expect, it, vi } from "vitest";

/**
 * Custom-field patterns (RELIABILITY.md promise 9) construct by construct: which problem
 * checkPattern reports, at which index; what toRe2Syntax writes for each ECMAScript construct;
 * which patterns run natively; and which error compileLinearPattern throws. Written to kill the
 * mutants of `pnpm run mutation` (docs/quality.md).
 */

type Problem = ReturnType<typeof checkPattern>;

const checked: [string, Problem][] = [
  ["a", undefined],
  // An escape before an unsafe construct: only \u{…}, \p{…} and \P{…} are skipped whole,
  // so a count or a nested repeat after any other escape is still found.
  ["\\d{2000}", { kind: "unsafe", reason: "count above 1000 at 2", index: 2 }],
  ["\\u0041(a+)+", { kind: "unsafe", reason: "nested quantifier at 10", index: 10 }],
  // A class is one atom up to its own `]`: the `+` inside `[a+]` repeats nothing.
  ["([a+]b)+", undefined],
  [".", undefined],
  ["^a.b$", undefined],
  ["\\s", undefined],
  ["\\S", undefined],
  ["[\\s]", undefined],
  ["[\\S]", { kind: "unsupported", reason: "\\S inside a class at 1", index: 1 }],
  ["[^]", undefined],
  ["[]", undefined],
  ["[^a]", undefined],
  ["[a[]", undefined],
  ["[\\]a]", undefined],
  ["(?<name>a)", undefined],
  ["(?:a)", undefined],
  ["(?=a)", { kind: "unsupported", reason: "look-ahead at 0", index: 0 }],
  ["(?!a)", { kind: "unsupported", reason: "look-ahead at 0", index: 0 }],
  ["(?<=a)", { kind: "unsupported", reason: "look-behind at 0", index: 0 }],
  ["(?<!a)", { kind: "unsupported", reason: "look-behind at 0", index: 0 }],
  ["\\u4e00", undefined],
  ["\\u{1F600}", undefined],
  ["\\ud83d\\ude00", undefined],
  ["\\ud83d", { kind: "unsupported", reason: "lone surrogate at 0", index: 0 }],
  ["\\udc00", { kind: "unsupported", reason: "lone surrogate at 0", index: 0 }],
  ["\\cJ", undefined],
  ["\\0", undefined],
  ["[\\b]", undefined],
  ["\\b", undefined],
  ["\\p{L}", undefined],
  ["\\P{Lu}", undefined],
  ["\\p{Script=Han}", undefined],
  ["\\p{sc=Latin}", undefined],
  ["\\p{gc=Nd}", undefined],
  ["\\p{General_Category=Lu}", undefined],
  ["\\p{Emoji}", { kind: "unsupported", reason: "Unicode property at 0", index: 0 }],
  ["\\p{Script=Klingon}", { kind: "invalid", reason: "Invalid property name" }],
  ["\\p{Foo=L}", { kind: "invalid", reason: "Invalid property name" }],
  ["\\x41", undefined],
  ["\\d\\w\\D\\W\\B\\t\\n\\r\\f\\v", undefined],
  ["\\.", undefined],
  ["\\1", { kind: "invalid", reason: "Invalid escape" }],
  ["(a)\\1", { kind: "unsupported", reason: "back-reference at 3", index: 3 }],
  ["\\k<n>", { kind: "invalid", reason: "Invalid named capture referenced" }],
  ["(?<n>a)\\k<n>", { kind: "unsupported", reason: "back-reference at 7", index: 7 }],
  ["", { kind: "invalid", reason: "empty pattern" }],
  ["(", { kind: "invalid", reason: "Unterminated group" }],
  ["[", { kind: "invalid", reason: "Unterminated character class" }],
  ["a{2", { kind: "invalid", reason: "Incomplete quantifier" }],
  ["(a+)+", { kind: "unsafe", reason: "nested quantifier at 4", index: 4 }],
  ["(a*)*", { kind: "unsafe", reason: "nested quantifier at 4", index: 4 }],
  ["(a|ab)+", { kind: "unsafe", reason: "repeated alternatives that start alike at 6", index: 6 }],
  ["(a|b)+", undefined],
  ["(\\d|1)*", { kind: "unsafe", reason: "repeated alternatives that start alike at 6", index: 6 }],
  ["(a|)+", { kind: "unsafe", reason: "repeated alternatives that start alike at 4", index: 4 }],
  ["(|a)+", { kind: "unsafe", reason: "repeated alternatives that start alike at 4", index: 4 }],
  ["(a|b|a)*", { kind: "unsafe", reason: "repeated alternatives that start alike at 7", index: 7 }],
  ["(a|.)+", { kind: "unsafe", reason: "repeated alternatives that start alike at 5", index: 5 }],
  ["(a+)?", undefined],
  ["(a+){1}", undefined],
  ["(a+){2}", { kind: "unsafe", reason: "nested quantifier at 4", index: 4 }],
  ["(a+){1,}", { kind: "unsafe", reason: "nested quantifier at 4", index: 4 }],
  ["(a+){0,1}", undefined],
  ["(?:a+)+", { kind: "unsafe", reason: "nested quantifier at 6", index: 6 }],
  ["a{1001}", { kind: "unsafe", reason: "count above 1000 at 1", index: 1 }],
  ["a{1000}", undefined],
  ["a{0,1001}", { kind: "unsafe", reason: "count above 1000 at 1", index: 1 }],
  ["a{1,1000}", undefined],
  ["(a{2})+", undefined],
  ["(a{2,3})+", { kind: "unsafe", reason: "nested quantifier at 8", index: 8 }],
  ["(a{2,})+", { kind: "unsafe", reason: "nested quantifier at 7", index: 7 }],
  ["(a{2,2})+", undefined],
  ["((a)+)+", { kind: "unsafe", reason: "nested quantifier at 6", index: 6 }],
  ["((a+))+", { kind: "unsafe", reason: "nested quantifier at 6", index: 6 }],
  ["(a)+", undefined],
  ["a+?", undefined],
  ["(a+?)+", { kind: "unsafe", reason: "nested quantifier at 5", index: 5 }],
  ["(\\w+\\s)+", { kind: "unsafe", reason: "nested quantifier at 7", index: 7 }],
  ["([a-z]+)*", { kind: "unsafe", reason: "nested quantifier at 8", index: 8 }],
  ["(\\.|a)+", undefined],
  ["(\\.|\\.)+", { kind: "unsafe", reason: "repeated alternatives that start alike at 7", index: 7 }],
  ["(\\d|\\d)+", { kind: "unsafe", reason: "repeated alternatives that start alike at 7", index: 7 }],
  ["(\\u{41}|b)+", { kind: "unsafe", reason: "repeated alternatives that start alike at 10", index: 10 }],
  ["(\\p{L}|b)+", { kind: "unsafe", reason: "repeated alternatives that start alike at 9", index: 9 }],
  ["(a|b)c+", undefined],
  ["(^|a)+", { kind: "unsafe", reason: "repeated alternatives that start alike at 5", index: 5 }],
  ["(a|$)+", { kind: "unsafe", reason: "repeated alternatives that start alike at 5", index: 5 }],
  ["(a|^)+", { kind: "unsafe", reason: "repeated alternatives that start alike at 5", index: 5 }],
  ["a{,5}", { kind: "invalid", reason: "Incomplete quantifier" }],
  ["(a|b)\\1", { kind: "unsupported", reason: "back-reference at 5", index: 5 }],
  ["(?<x>a|ab)+", { kind: "unsafe", reason: "repeated alternatives that start alike at 10", index: 10 }],
  ["(?:a|ab)+", { kind: "unsafe", reason: "repeated alternatives that start alike at 8", index: 8 }],
  ["(?=a)+", { kind: "invalid", reason: "Invalid quantifier" }],
  ["a)", { kind: "invalid", reason: "Unmatched ')'" }],
  ["[a-z]{2,10}", undefined],
  ["(ab|ac)+", { kind: "unsafe", reason: "repeated alternatives that start alike at 7", index: 7 }],
  ["(ab|cd)+", undefined],
  ["([ab]|c)+", { kind: "unsafe", reason: "repeated alternatives that start alike at 8", index: 8 }],
  ["(a\\|b|a)+", { kind: "unsafe", reason: "repeated alternatives that start alike at 8", index: 8 }],
  // Only the first atom of a branch counts: `(ab|b)` starts with `a` or `b`.
  ["(ab|b)+", undefined],
  // The braces of `\u{…}` are not a count, and the scan goes on after them.
  ["\\u{1001}", undefined],
  ["\\u{41}(a+)+", { kind: "unsafe", reason: "nested quantifier at 10", index: 10 }],
  // An escaped `)` closes nothing.
  ["(a\\)+)+", { kind: "unsafe", reason: "nested quantifier at 6", index: 6 }],
  // Escaped capitals and `\0` are classes or code points, not the letter or digit they show.
  ["(\\D|a)+", { kind: "unsafe", reason: "repeated alternatives that start alike at 6", index: 6 }],
  ["(\\0|a)+", { kind: "unsafe", reason: "repeated alternatives that start alike at 6", index: 6 }],
  // A group without `|` cannot start alike with itself, whatever its first atom.
  ["(\\d)+", undefined],
  ["([ab])+", undefined],
  // A group that does not vary does not make the group around it vary.
  ["((a))+", undefined],
  // `?` varies (zero or one); a lazy marker after a fixed count is not a second quantifier.
  ["(a?)+", { kind: "unsafe", reason: "nested quantifier at 4", index: 4 }],
  ["(a{2}?)+", undefined],
  ["(a{10})+", undefined],
  // Classes: two in a row, an escaped `]` inside, brackets and quantifiers inside are literals.
  ["[a][b]", undefined],
  ["[\\](a+)+]", undefined],
  ["[a](a+)+", { kind: "unsafe", reason: "nested quantifier at 7", index: 7 }],
  ["([)]+)+", { kind: "unsafe", reason: "nested quantifier at 6", index: 6 }],
  // A named group after the start: its name is skipped from where the group opens.
  ["a(?<x>b|bc)+", { kind: "unsafe", reason: "repeated alternatives that start alike at 11", index: 11 }],
  // An open count is checked by its minimum.
  ["a{1001,}", { kind: "unsafe", reason: "count above 1000 at 1", index: 1 }],
  // A count belongs to the atom just before it, not to one further back.
  ["(ab)+c{1,2}", undefined],
];

const translated: [string, unknown][] = [
  ["a", "a"],
  [".", "[^\\n\\r\\x{2028}\\x{2029}]"],
  ["^a.b$", "^a[^\\n\\r\\x{2028}\\x{2029}]b$"],
  [
    "\\s",
    "[\\t\\n\\x{0B}\\f\\r \\x{A0}\\x{1680}\\x{2000}-\\x{200A}\\x{2028}\\x{2029}\\x{202F}\\x{205F}\\x{3000}\\x{FEFF}]",
  ],
  [
    "\\S",
    "[^\\t\\n\\x{0B}\\f\\r \\x{A0}\\x{1680}\\x{2000}-\\x{200A}\\x{2028}\\x{2029}\\x{202F}\\x{205F}\\x{3000}\\x{FEFF}]",
  ],
  [
    "[\\s]",
    "[\\t\\n\\x{0B}\\f\\r \\x{A0}\\x{1680}\\x{2000}-\\x{200A}\\x{2028}\\x{2029}\\x{202F}\\x{205F}\\x{3000}\\x{FEFF}]",
  ],
  ["[\\S]", { kind: "unsupported", reason: "\\S inside a class at 1", index: 1 }],
  ["[^]", "[\\x{0}-\\x{10FFFF}]"],
  ["[]", "[^\\x{0}-\\x{10FFFF}]"],
  ["[^a]", "[^a]"],
  ["[a[]", "[a\\[]"],
  ["[\\]a]", "[\\]a]"],
  ["(?<name>a)", "(?P<name>a)"],
  ["(?:a)", "(?:a)"],
  ["(?=a)", { kind: "unsupported", reason: "look-ahead at 0", index: 0 }],
  ["(?!a)", { kind: "unsupported", reason: "look-ahead at 0", index: 0 }],
  ["(?<=a)", { kind: "unsupported", reason: "look-behind at 0", index: 0 }],
  ["(?<!a)", { kind: "unsupported", reason: "look-behind at 0", index: 0 }],
  ["\\u4e00", "\\x{4E00}"],
  ["\\u{1F600}", "\\x{1F600}"],
  ["\\ud83d\\ude00", "\\x{1F600}"],
  ["\\ud83d", { kind: "unsupported", reason: "lone surrogate at 0", index: 0 }],
  ["\\udc00", { kind: "unsupported", reason: "lone surrogate at 0", index: 0 }],
  ["\\cJ", "\\x{A}"],
  ["\\0", "\\x{0}"],
  ["[\\b]", "[\\x{8}]"],
  ["\\b", "\\b"],
  ["\\p{L}", "\\p{L}"],
  ["\\P{Lu}", "\\P{Lu}"],
  ["\\p{Script=Han}", "\\p{Han}"],
  ["\\p{sc=Latin}", "\\p{Latin}"],
  ["\\p{gc=Nd}", "\\p{Nd}"],
  ["\\p{General_Category=Lu}", "\\p{Lu}"],
  ["\\p{Emoji}", { kind: "unsupported", reason: "Unicode property at 0", index: 0 }],
  ["\\x41", "\\x41"],
  ["\\d\\w\\D\\W\\B\\t\\n\\r\\f\\v", "\\d\\w\\D\\W\\B\\t\\n\\r\\f\\v"],
  ["\\.", "\\."],
  ["(a)\\1", { kind: "unsupported", reason: "back-reference at 3", index: 3 }],
  ["(?<n>a)\\k<n>", { kind: "unsupported", reason: "back-reference at 7", index: 7 }],
  ["(a+)+", "(a+)+"],
  ["(a*)*", "(a*)*"],
  ["(a|ab)+", "(a|ab)+"],
  ["(a|b)+", "(a|b)+"],
  ["(\\d|1)*", "(\\d|1)*"],
  ["(a|)+", "(a|)+"],
  ["(|a)+", "(|a)+"],
  ["(a|b|a)*", "(a|b|a)*"],
  ["(a|.)+", "(a|[^\\n\\r\\x{2028}\\x{2029}])+"],
  ["(a+)?", "(a+)?"],
  ["(a+){1}", "(a+){1}"],
  ["(a+){2}", "(a+){2}"],
  ["(a+){1,}", "(a+){1,}"],
  ["(a+){0,1}", "(a+){0,1}"],
  ["(?:a+)+", "(?:a+)+"],
  ["a{1001}", "a{1001}"],
  ["a{1000}", "a{1000}"],
  ["a{0,1001}", "a{0,1001}"],
  ["a{1,1000}", "a{1,1000}"],
  ["(a{2})+", "(a{2})+"],
  ["(a{2,3})+", "(a{2,3})+"],
  ["(a{2,})+", "(a{2,})+"],
  ["(a{2,2})+", "(a{2,2})+"],
  ["((a)+)+", "((a)+)+"],
  ["((a+))+", "((a+))+"],
  ["(a)+", "(a)+"],
  ["a+?", "a+?"],
  ["(a+?)+", "(a+?)+"],
  [
    "(\\w+\\s)+",
    "(\\w+[\\t\\n\\x{0B}\\f\\r \\x{A0}\\x{1680}\\x{2000}-\\x{200A}\\x{2028}\\x{2029}\\x{202F}\\x{205F}\\x{3000}\\x{FEFF}])+",
  ],
  ["([a-z]+)*", "([a-z]+)*"],
  ["(\\.|a)+", "(\\.|a)+"],
  ["(\\.|\\.)+", "(\\.|\\.)+"],
  ["(\\d|\\d)+", "(\\d|\\d)+"],
  ["(\\u{41}|b)+", "(\\x{41}|b)+"],
  ["(\\p{L}|b)+", "(\\p{L}|b)+"],
  ["(a|b)c+", "(a|b)c+"],
  ["(^|a)+", "(^|a)+"],
  ["(a|$)+", "(a|$)+"],
  ["(a|^)+", "(a|^)+"],
  ["(a|b)\\1", { kind: "unsupported", reason: "back-reference at 5", index: 5 }],
  ["(?<x>a|ab)+", "(?P<x>a|ab)+"],
  ["(?:a|ab)+", "(?:a|ab)+"],
  ["[a-z]{2,10}", "[a-z]{2,10}"],
  ["(ab|ac)+", "(ab|ac)+"],
  ["(ab|cd)+", "(ab|cd)+"],
  ["([ab]|c)+", "([ab]|c)+"],
  ["(a\\|b|a)+", "(a\\|b|a)+"],
  // What follows an escape or a class is translated too.
  ["\\u4e00a", "\\x{4E00}a"],
  ["\\ud83d\\ude00a", "\\x{1F600}a"],
  ["\\u{41}\\u{42}", "\\x{41}\\x{42}"],
  ["[a].", "[a][^\\n\\r\\x{2028}\\x{2029}]"],
  ["\\x41a", "\\x41a"],
  ["[\\cJ]", "[\\x{A}]"],
  ["(?<n>a)(?<m>b)", "(?P<n>a)(?P<m>b)"],
  // Surrogate pairs at the ends of both ranges; a lone surrogate at each end; a high one
  // followed by text that is not a `\u` escape.
  ["\\ud800\\udc00", "\\x{10000}"],
  ["\\udbff\\udfff", "\\x{10FFFF}"],
  ["\\ud800", { kind: "unsupported", reason: "lone surrogate at 0", index: 0 }],
  ["\\udfff", { kind: "unsupported", reason: "lone surrogate at 0", index: 0 }],
  ["\\ud83dabdc00", { kind: "unsupported", reason: "lone surrogate at 0", index: 0 }],
  ["(a)(b)(c)(d)(e)(f)(g)(h)(i)\\9", { kind: "unsupported", reason: "back-reference at 27", index: 27 }],
  // Properties: `\P` is checked like `\p`; a key other than Script, sc, General_Category and
  // gc, a script given as a category and a category given as a script are refused.
  ["\\P{Emoji}", { kind: "unsupported", reason: "Unicode property at 0", index: 0 }],
  ["\\p{Foo=L}", { kind: "unsupported", reason: "Unicode property at 0", index: 0 }],
  ["\\p{Script=Lu}", { kind: "unsupported", reason: "Unicode property at 0", index: 0 }],
  ["\\p{gc=Han}", { kind: "unsupported", reason: "Unicode property at 0", index: 0 }],
  ["\\p{Han}", { kind: "unsupported", reason: "Unicode property at 0", index: 0 }],
  // A count after a translated escape stays; the text after a copied escape is translated.
  [
    "\\s{2}",
    "[\\t\\n\\x{0B}\\f\\r \\x{A0}\\x{1680}\\x{2000}-\\x{200A}\\x{2028}\\x{2029}\\x{202F}\\x{205F}\\x{3000}\\x{FEFF}]{2}",
  ],
  ["\\d.", "\\d[^\\n\\r\\x{2028}\\x{2029}]"],
  // Surrogates: a pair further in; two code points below the surrogates; a high one followed
  // by one that is not low, a low one by anything; the first code point after them.
  ["abcdefgh\\ud83d\\ude00", "abcdefgh\\x{1F600}"],
  ["\\u4e00\\u4e00", "\\x{4E00}\\x{4E00}"],
  ["\\u4e00\\udc00", { kind: "unsupported", reason: "lone surrogate at 6", index: 6 }],
  ["\\udc00\\udc00", { kind: "unsupported", reason: "lone surrogate at 0", index: 0 }],
  ["\\ud83d\\u4e00", { kind: "unsupported", reason: "lone surrogate at 0", index: 0 }],
  ["\\ud83d\\ue000", { kind: "unsupported", reason: "lone surrogate at 0", index: 0 }],
  ["\\ue000", "\\x{E000}"],
];

/** Every Unicode property name toRe2Syntax passes on to RE2, as safe-pattern.ts lists them. */
const generalCategories =
  "C Cc Cf Co Cs L LC Ll Lm Lo Lt Lu M Mc Me Mn N Nd Nl No P Pc Pd Pe Pf Pi Po Ps S Sc Sk Sm So Z Zl Zp Zs".split(" ");
const scripts = [
  "Arabic",
  "Bopomofo",
  "Common",
  "Cyrillic",
  "Greek",
  "Han",
  "Hangul",
  "Hiragana",
  "Inherited",
  "Katakana",
  "Latin",
  "Lisu",
  "Miao",
  "Mongolian",
  "New_Tai_Lue",
  "Nushu",
  "Tai_Le",
  "Tangut",
  "Thai",
  "Tibetan",
  "Yi",
];

describe("checkPattern: the first problem, by kind, reason and index", () => {
  it.each(checked)("%j", (pattern, problem) => {
    expect(checkPattern(pattern)).toEqual(problem);
  });

  it("measures length in UTF-16 units: 200 pass, 201 do not; an empty pattern is invalid", () => {
    expect(checkPattern("a".repeat(200))).toBeUndefined();
    expect(checkPattern("a".repeat(201))).toEqual({ kind: "invalid", reason: "longer than 200 characters" });
    expect(checkPattern("")).toEqual({ kind: "invalid", reason: "empty pattern" });
  });
});

describe("toRe2Syntax: the same meaning in RE2's syntax", () => {
  it.each(translated)("%j", (pattern, re2) => {
    expect(toRe2Syntax(pattern)).toEqual(re2);
  });
});

describe("toRe2Syntax: the Unicode properties RE2 runs with ECMAScript's meaning", () => {
  it("every general category, bare and as gc=, and every script as Script= and sc=", () => {
    for (const name of generalCategories) {
      expect([name, toRe2Syntax(`\\p{${name}}`), toRe2Syntax(`\\P{gc=${name}}`)]).toEqual([
        name,
        `\\p{${name}}`,
        `\\P{${name}}`,
      ]);
    }
    for (const name of scripts) {
      expect([name, toRe2Syntax(`\\p{Script=${name}}`), toRe2Syntax(`\\P{sc=${name}}`)]).toEqual([
        name,
        `\\p{${name}}`,
        `\\P{${name}}`,
      ]);
    }
  });
});

describe("nativeIsLinear: only anchored, group-free patterns with at most one varying atom", () => {
  it.each([
    ["^a$", true],
    ["^a", true],
    ["^$", true],
    ["^", true],
    ["^\\d{3}$", true],
    ["^\\d*a\\d{2}$", true],
    ["^\\d{2,}x\\d$", true],
    ["^a{2,2}b*$", true],
    ["^a{2}b{3,}$", true],
    ["^[a-z]+$", true],
    ["^[a\\]]+$", true],
    ["^\\u{1F600}+$", true],
    ["^\\u4e00+\\x41$", true],
    ["^\\cJ+$", true],
    ["^\\bA+\\B$", true],
    ["^\\p{L}+$", true],
    ["^😀+$", true],
    ["^a??$", true],
    ["^a{2}?b+$", true],
    ["^.+$", true],
    ["^\\.+$", true],
    ["^a{2,}$", true],
    ["^a+b{1,1}$", true],
    ["a$", false],
    ["^a$b", false],
    ["^\\d*\\d*$", false],
    ["^\\d*a\\d+$", false],
    ["^a{2,3}b*$", false],
    ["^(a)$", false],
    ["^a|b$", false],
    ["^[a-z]+[0-9]+$", false],
    ["^[abc", false],
    ["^\\1", false],
    ["^\\k", false],
    ["^\\u{1F600+$", false],
    ["^😀+a*$", false],
    ["^a^", false],
    ["^a{", false],
    ["^a}", false],
    ["^a)", false],
    ["^a?b?", false],
    ["^a+?b+", false],
    // One varying atom after a fixed one; a count of two digits; `\P{…}` read whole.
    ["^a?b$", true],
    ["^a{10}$", true],
    ["^\\P{Lu}+$", true],
    ["^\\9", false],
    // U+FFFF is one UTF-16 unit: the `+` after it is its quantifier, so `a*` is a second one.
    ["^\uFFFF+a*$", false],
    // A count is read where it stands: after the atom, never further on.
    ["^ab{2}$", true],
    ["^\\d{2,}\\d*$", false],
    ["^\\u{41}\\u{42}+$", true],
    // Classes: one right after another, an escaped `]` and a quantifier character inside.
    ["^[a][b]+$", true],
    ["^[\\]*]a*$", true],
    ["^[*]a*$", true],
  ])("%j → %s", (pattern, linear) => {
    expect(nativeIsLinear(pattern)).toBe(linear);
  });
});

describe("compileLinearPattern", () => {
  const codeOf = (pattern: string) => {
    try {
      compileLinearPattern(pattern);
      return undefined;
    } catch (error) {
      if (!isHomevisitError(error)) throw error;
      return { code: error.code, reason: error.params.reason };
    }
  };

  it("throws the error of each kind of problem, with its reason", () => {
    expect(codeOf("(")).toEqual({ code: "custom_field_invalid_pattern", reason: "Unterminated group" });
    expect(codeOf("(?=a)")).toEqual({ code: "custom_field_pattern_unsupported", reason: "look-ahead at 0" });
    expect(codeOf("(a+)+")).toEqual({ code: "custom_field_unsafe_pattern", reason: "nested quantifier at 4" });
    // RE2's own limits (a repetition of repetitions above 1,000): a generic reason, no input.
    expect(codeOf("(a{1000}){1000}")).toEqual({
      code: "custom_field_pattern_unsupported",
      reason: "RE2 cannot run it",
    });
    expect(codeOf("^1[3-9]\\d{9}$")).toBeUndefined();
  });

  it("keeps both sources and matches text natively and bytes through RE2 alike", () => {
    const phone = compileLinearPattern("^1[3-9]\\d{9}$");
    expect(phone.source).toBe("^1[3-9]\\d{9}$");
    expect(phone.re2Source).toBe("^1[3-9]\\d{9}$");
    const bytes = [...new TextEncoder().encode("13812345678")];
    expect([phone.test("13812345678"), phone.test(bytes), phone.test(Uint8Array.from(bytes))]).toEqual([
      true,
      true,
      true,
    ]);
    expect([phone.test("23812345678"), phone.test([...new TextEncoder().encode("23812345678")])]).toEqual([
      false,
      false,
    ]);
    const dot = compileLinearPattern("^a.b$");
    expect(dot.re2Source).toBe("^a[^\\n\\r\\x{2028}\\x{2029}]b$");
    expect([dot.test("a\rb"), dot.test("axb"), dot.test([0x61, 0x0d, 0x62]), dot.test([0x61, 0x78, 0x62])]).toEqual([
      false,
      true,
      false,
      true,
    ]);
    const twice = compileLinearPattern("^\\d*\\d*!$");
    expect([twice.test("12!"), twice.test(`${"1".repeat(2000)}?`)]).toEqual([true, false]);
  });

  it("runs on the backtracking engine only what nativeIsLinear accepts, and only text", () => {
    // Which engine answers is not visible in a match's result (both mean the same): the spy
    // records the native expressions that ran. A pattern with two varying atoms must never
    // reach a backtracking engine (RELIABILITY.md promise 9).
    const spy = vi.spyOn(RegExp.prototype, "test");
    try {
      const phone = compileLinearPattern("^1[3-9]\\d{9}$");
      const twice = compileLinearPattern("^\\d*\\d*!$");
      const native = () => spy.mock.contexts.map((re) => (re as RegExp).source);
      expect([phone.test("13812345678"), twice.test("12!")]).toEqual([true, true]);
      expect(native().filter((source) => source === "^1[3-9]\\d{9}$")).toHaveLength(1);
      expect(native().filter((source) => source === "^\\d*\\d*!$")).toHaveLength(0);
      expect(phone.test([...new TextEncoder().encode("13812345678")])).toBe(true);
      expect(native().filter((source) => source === "^1[3-9]\\d{9}$")).toHaveLength(1);
    } finally {
      spy.mockRestore();
    }
  });
});
