import { RE2JS } from "re2js";
import { HomevisitError } from "../../shared/errors/homevisit-error.js";
import { checkPattern, toRe2Syntax } from "./safe-pattern.js";

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
  return { source: pattern, re2Source, test: (input) => compiled.test(input) };
}
