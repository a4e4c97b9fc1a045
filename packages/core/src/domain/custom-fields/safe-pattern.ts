/**
 * Checks on the regular expressions schools write for text fields. A pattern runs on every
 * value a teacher submits, on the server, so a pattern that backtracks exponentially
 * (`(a+)+$`) would let one form submission stall a worker. The checks are a static
 * approximation: they reject the shapes that cause catastrophic backtracking in practice
 * (a repeated group that itself repeats, back-references) and leave the rest alone.
 */

/** The longest pattern a school may write; long patterns are hard to review and to reason about. */
export const maxPatternLength = 200;

/** The largest count a `{n,m}` quantifier may use. */
export const maxQuantifierCount = 1000;

/** The flags every custom-field pattern is compiled with: `u` (Unicode), as JSON Schema does. */
export const patternFlags = "u";

/** Why a pattern was refused. */
export type PatternProblem = { kind: "invalid"; reason: string } | { kind: "unsafe"; reason: string; index: number };

interface Frame {
  /** Whether anything inside the group matches a variable number of times. */
  varies: boolean;
  /** Whether the group has `|`. */
  alternation: boolean;
  /** The first atom of each branch: a literal character, or `*` for anything wider. */
  firsts: string[];
  /** Whether the next atom starts a branch. */
  branchStart: boolean;
}

/** What the scanner remembers of the atom just read, for the quantifier that may follow. */
interface Atom {
  group: boolean;
  varies: boolean;
  /** A group with alternatives that can start alike (`(a|ab)`, `(\d|1)`): ambiguous when repeated. */
  overlapping: boolean;
}

const newFrame = (): Frame => ({ varies: false, alternation: false, firsts: [], branchStart: true });

/**
 * Checks a user-supplied pattern: its length (≤ {@link maxPatternLength}), that it compiles
 * with the `u` flag, and that it has none of the shapes that backtrack catastrophically: a
 * repeated group containing a variable quantifier (`(a+)+`, `(\d+,)*`), a repeated group whose
 * alternatives can start with the same character (`(a|ab)+`, `(\d|1)*`), back-references, or
 * counts above {@link maxQuantifierCount}. The check is conservative: a rejected pattern can
 * usually be rewritten (`^\d+(?:,\d+)*$` → `^[\d,]+$` plus a length limit). Returns the first
 * problem, or `undefined` when the pattern is acceptable.
 *
 * @example
 * ```ts
 * checkPattern("^\\d{6}$"); // undefined
 * checkPattern("(a+)+$"); // { kind: "unsafe", reason: "nested quantifier at 4", index: 4 }
 * checkPattern("([a-z]"); // { kind: "invalid", reason: "…Unterminated group" }
 * ```
 */
export function checkPattern(pattern: string): PatternProblem | undefined {
  if (pattern.length === 0) return { kind: "invalid", reason: "empty pattern" };
  if (pattern.length > maxPatternLength) {
    return { kind: "invalid", reason: `longer than ${maxPatternLength} characters` };
  }
  try {
    new RegExp(pattern, patternFlags);
  } catch (error) {
    // The engine's message names the construct at fault and never echoes personal data: the
    // pattern is the school's, not a family's.
    return { kind: "invalid", reason: error instanceof Error ? error.message : "does not compile" };
  }
  return findUnsafeConstruct(pattern);
}

/**
 * Scans a pattern that already compiles. The scanner only needs to recognise groups, classes,
 * escapes and quantifiers; everything else is an atom.
 */
function findUnsafeConstruct(pattern: string): PatternProblem | undefined {
  const stack: Frame[] = [newFrame()];
  let last: Atom | undefined;
  const top = (): Frame => stack[stack.length - 1] as Frame;
  // Notes the first atom of a branch; `literal` is the character when the atom is one.
  const atom = (literal: string | undefined): void => {
    const frame = top();
    if (frame.branchStart) frame.firsts.push(literal ?? "*");
    frame.branchStart = false;
  };
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i] as string;
    if (c === "\\") {
      const next = pattern[i + 1] ?? "";
      if (/[1-9]/.test(next) || next === "k") {
        return { kind: "unsafe", reason: `back-reference at ${i}`, index: i };
      }
      // \u{…}, \p{…}, \P{…} carry braces that are not quantifiers.
      if ((next === "u" || next === "p" || next === "P") && pattern[i + 2] === "{") {
        const close = pattern.indexOf("}", i + 3);
        i = close < 0 ? pattern.length : close + 1;
        atom(undefined);
      } else {
        // An escaped punctuation character is a literal; letters are classes (\d, \w, \s …).
        atom(/[A-Za-z0-9]/.test(next) ? undefined : next);
        i += 2;
      }
      last = { group: false, varies: false, overlapping: false };
      continue;
    }
    if (c === "[") {
      atom(undefined);
      i = skipClass(pattern, i);
      last = { group: false, varies: false, overlapping: false };
      continue;
    }
    if (c === "(") {
      atom(undefined);
      stack.push(newFrame());
      last = undefined;
      i += pattern[i + 1] === "?" ? groupPrefixLength(pattern, i) : 1;
      continue;
    }
    if (c === ")") {
      const frame = stack.length > 1 ? (stack.pop() as Frame) : newFrame();
      // An empty branch matches where every other branch starts.
      if (frame.branchStart) frame.firsts.push("*");
      const overlapping =
        frame.alternation && (frame.firsts.includes("*") || new Set(frame.firsts).size !== frame.firsts.length);
      // Variation anywhere inside makes every enclosing group vary.
      if (frame.varies) top().varies = true;
      last = { group: true, varies: frame.varies, overlapping };
      i += 1;
      continue;
    }
    if (c === "|") {
      const frame = top();
      if (frame.branchStart) frame.firsts.push("*");
      frame.alternation = true;
      frame.branchStart = true;
      last = undefined;
      i += 1;
      continue;
    }
    const quantifier = readQuantifier(pattern, i);
    if (quantifier) {
      if (quantifier.min > maxQuantifierCount || (quantifier.max ?? 0) > maxQuantifierCount) {
        return { kind: "unsafe", reason: `count above ${maxQuantifierCount} at ${i}`, index: i };
      }
      const repeats = quantifier.max === undefined || quantifier.max > 1;
      if (repeats && last?.group && last.varies) {
        return { kind: "unsafe", reason: `nested quantifier at ${i}`, index: i };
      }
      if (repeats && last?.group && last.overlapping) {
        return { kind: "unsafe", reason: `repeated alternatives that start alike at ${i}`, index: i };
      }
      if (quantifier.max !== quantifier.min) top().varies = true;
      last = undefined;
      i = quantifier.end;
      continue;
    }
    // `.`, `^` and `$` are not single literal characters.
    atom(c === "." || c === "^" || c === "$" ? undefined : c);
    last = { group: false, varies: false, overlapping: false };
    i += 1;
  }
  return undefined;
}

/** The index just after a character class starting at `start`. */
function skipClass(pattern: string, start: number): number {
  let i = start + 1;
  while (i < pattern.length) {
    if (pattern[i] === "\\") i += 2;
    else if (pattern[i] === "]") return i + 1;
    else i += 1;
  }
  return i;
}

/** The length of `(?:`, `(?=`, `(?!`, `(?<=`, `(?<!` or `(?<name>`. */
function groupPrefixLength(pattern: string, start: number): number {
  const rest = pattern.slice(start, start + 4);
  if (rest.startsWith("(?<=") || rest.startsWith("(?<!")) return 4;
  if (rest.startsWith("(?<")) {
    const close = pattern.indexOf(">", start);
    return close < 0 ? pattern.length - start : close - start + 1;
  }
  return 3;
}

function readQuantifier(pattern: string, i: number): { min: number; max: number | undefined; end: number } | undefined {
  const c = pattern[i];
  let result: { min: number; max: number | undefined; end: number } | undefined;
  if (c === "*") result = { min: 0, max: undefined, end: i + 1 };
  else if (c === "+") result = { min: 1, max: undefined, end: i + 1 };
  else if (c === "?") result = { min: 0, max: 1, end: i + 1 };
  else if (c === "{") {
    const match = /^\{(\d+)(,(\d*))?\}/.exec(pattern.slice(i));
    if (!match) return undefined;
    const min = Number(match[1]);
    const max = match[2] === undefined ? min : match[3] === "" ? undefined : Number(match[3]);
    result = { min, max, end: i + match[0].length };
  }
  // A lazy marker changes nothing about the worst case.
  if (result && pattern[result.end] === "?") result.end += 1;
  return result;
}
