import { RE2JS } from "re2js";
import { HomevisitError } from "../../shared/errors/homevisit-error.js";
import { checkPattern, patternFlags, toRe2Syntax } from "./safe-pattern.js";

/**
 * A custom-field pattern ready to run in time linear in the input (RELIABILITY.md promise 9).
 * Matching is unanchored, as JSON Schema's `pattern` and `RegExp.prototype.test` are: write
 * `^…$` to match a whole value.
 */
export interface LinearPattern {
  /** The pattern as the school wrote it (ECMAScript syntax, `u` flag). */
  readonly source: string;
  /** The same pattern in RE2's syntax, as it runs. */
  readonly re2Source: string;
  /**
   * Whether the pattern matches somewhere in `input`. A string is read as UTF-16 text; bytes
   * (a `Uint8Array` or an array of numbers) as UTF-8, which lets a test count the engine's
   * reads of the input.
   */
  test(input: string | Uint8Array | number[]): boolean;
}

/**
 * Compiles a custom-field pattern with RE2 (re2js: pure JavaScript, so the same in Node and
 * in a browser). RE2 runs without backtracking: a match costs time linear in the input
 * whatever the pattern, so `^\d*\d*\d*\d*\d*\d*!$` on 10,000 digits is as cheap as `^\d+$`.
 * Throws `custom_field_invalid_pattern`, `custom_field_pattern_unsupported` or
 * `custom_field_unsafe_pattern` for a pattern {@link checkPattern} refuses (a template that
 * passed validation never does).
 *
 * @example
 * ```ts
 * const phone = compileLinearPattern("^1[3-9]\\d{9}$");
 * phone.test("13812345678"); // true
 * compileLinearPattern("^\\d*\\d*\\d*!$").test("1".repeat(10_000)); // false, in linear time
 * compileLinearPattern("(\\w)\\1"); // throws custom_field_pattern_unsupported
 * ```
 */
export function compileLinearPattern(pattern: string): LinearPattern {
  const problem = checkPattern(pattern);
  if (problem?.kind === "invalid") {
    throw new HomevisitError("custom_field_invalid_pattern", { params: { reason: problem.reason } });
  }
  if (problem?.kind === "unsupported") {
    throw new HomevisitError("custom_field_pattern_unsupported", { params: { reason: problem.reason } });
  }
  if (problem?.kind === "unsafe") {
    throw new HomevisitError("custom_field_unsafe_pattern", { params: { reason: problem.reason } });
  }
  const re2Source = toRe2Syntax(pattern) as string;
  let compiled: RE2JS;
  try {
    compiled = RE2JS.compile(re2Source);
  } catch {
    // RE2's message quotes the pattern; the reason stays generic (no input in a message).
    throw new HomevisitError("custom_field_pattern_unsupported", { params: { reason: "RE2 cannot run it" } });
  }
  // The common shapes (`^1[3-9]\\d{9}$`, `^[\\u4e00-\\u9fa5]{2,10}$`) cannot backtrack beyond
  // linear work in a native engine (see nativeIsLinear); they run there, some forty times
  // faster than re2js. Bytes (the work-counting tests) always go through RE2.
  const native = nativeIsLinear(pattern) ? new RegExp(pattern, patternFlags) : undefined;
  return {
    source: pattern,
    re2Source,
    test: (input) => (native !== undefined && typeof input === "string" ? native.test(input) : compiled.test(input)),
  };
}

/** The length of the quantifier at `i` (`*`, `+`, `?`, `{n}`, `{n,}`, `{n,m}`, each maybe lazy) and whether its count varies. */
function quantifierAt(pattern: string, i: number): { length: number; varies: boolean } {
  const c = pattern[i];
  let length: number;
  let varies: boolean;
  if (c === "*" || c === "+" || c === "?") {
    length = 1;
    varies = true;
  } else {
    // Anything else is a count or no quantifier at all.
    const match = /^\{(\d+)(,(\d*))?\}/.exec(pattern.slice(i, i + 24));
    if (!match) return { length: 0, varies: false };
    length = match[0].length;
    varies = match[2] !== undefined && match[3] !== match[1];
  }
  if (pattern[i + length] === "?") length++;
  return { length, varies };
}

/**
 * The index just past the escape at `i`: `\\u{…}`, `\\p{…}` and `\\P{…}` whole, any other escape
 * as its backslash and one character. The rest of `\\uXXXX`, `\\xHH` or `\\cX` (hex digits, a
 * letter) is then read as atoms of their own, which changes nothing: a quantifier after them
 * still repeats one atom.
 */
function escapeEnd(pattern: string, i: number): number {
  const next = pattern[i + 1] ?? "";
  if ((next === "u" || next === "p" || next === "P") && pattern[i + 2] === "{") {
    const close = pattern.indexOf("}", i + 3);
    return close < 0 ? -1 : close + 1;
  }
  return i + 2;
}

/**
 * Whether a backtracking engine runs `pattern` (which {@link checkPattern} accepted) in time
 * linear in the input: the pattern starts with `^` (one start position), has no group,
 * alternation or back-reference, so every atom matches exactly one character, and at most one
 * atom repeats a varying number of times. The engine then tries at most n + 1 counts for that
 * atom, each followed by a fixed run of single-character atoms: O(n × pattern length). Anything
 * else (two varying atoms, as `^\\d*\\d*!$`, can cost n², n³…) is left to RE2.
 *
 * @example
 * ```ts
 * nativeIsLinear("^1[3-9]\\d{9}$"); // true
 * nativeIsLinear("^[\\u4e00-\\u9fa5]{2,10}$"); // true
 * nativeIsLinear("^\\d*\\d*!$"); // false (two varying atoms)
 * nativeIsLinear("\\d+$"); // false (unanchored: every start position)
 * ```
 */
export function nativeIsLinear(pattern: string): boolean {
  if (pattern[0] !== "^") return false;
  let varying = 0;
  let i = 1;
  while (i < pattern.length) {
    const c = pattern[i] as string;
    let end: number;
    if (c === "$") {
      if (i !== pattern.length - 1) return false;
      return true;
    }
    if (c === "\\") {
      const next = pattern[i + 1] ?? "";
      if (/[1-9k]/.test(next)) return false;
      // \b and \B are read as atoms: zero-width, but never quantified (the pattern compiled with `u`).
      end = escapeEnd(pattern, i);
      if (end < 0) return false;
    } else if (c === "[") {
      end = i + 1;
      while (end < pattern.length && pattern[end] !== "]") end += pattern[end] === "\\" ? 2 : 1;
      if (end >= pattern.length) return false;
      end++;
    } else if ("()|^*+?{}".includes(c)) {
      return false;
    } else {
      // One UTF-16 unit. A surrogate pair (one character under the `u` flag) is read as two
      // atoms, which changes nothing: a quantifier after it still repeats one atom.
      end = i + 1;
    }
    const quantifier = quantifierAt(pattern, end);
    if (quantifier.varies) varying++;
    if (varying > 1) return false;
    i = end + quantifier.length;
  }
  return true;
}
