/**
 * Checks on the regular expressions schools write for text fields (RELIABILITY.md promise 9).
 * A pattern runs on every value a teacher submits, on the server, so a pattern that backtracks
 * (`(a+)+$` exponentially, `^\d*\d*\d*!$` polynomially) would let one form submission stall
 * a worker. Values are therefore matched by RE2 (re2js, pure JavaScript, linear in the input:
 * see `linear-pattern.ts`), and this module refuses at template time what RE2 cannot run
 * (look-around, back-references, some Unicode properties) and translates the ECMAScript syntax
 * that JSON Schema uses into RE2's with the same meaning.
 *
 * The older shape check (a repeated group that itself repeats) stays: the template's JSON
 * Schema is also read by clients that run native, backtracking engines (browsers, Ajv), and
 * the shape check keeps the worst patterns away from them too. It has no import of re2js, so a
 * bundle that only validates templates stays small.
 */

/** The longest pattern a school may write; long patterns are hard to review and to reason about. */
export const maxPatternLength = 200;

/** The largest count a `{n,m}` quantifier may use. */
export const maxQuantifierCount = 1000;

/** The flags every custom-field pattern is compiled with: `u` (Unicode), as JSON Schema does. */
export const patternFlags = "u";

/** Why a pattern was refused. */
export type PatternProblem =
  | { kind: "invalid"; reason: string }
  | { kind: "unsafe"; reason: string; index: number }
  | { kind: "unsupported"; reason: string; index: number };

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

/**
 * What the scanner remembers of a group it has just closed, for the quantifier that may follow.
 * After any other atom it remembers nothing: repeating one character is always safe.
 */
interface ClosedGroup {
  /** Whether anything inside matches a variable number of times (`(a+)`). */
  varies: boolean;
  /** Alternatives that can start alike (`(a|ab)`, `(\d|1)`): ambiguous when repeated. */
  overlapping: boolean;
}

const newFrame = (): Frame => ({ varies: false, alternation: false, firsts: [], branchStart: true });

/**
 * Checks a user-supplied pattern: its length (≤ {@link maxPatternLength}), that it compiles
 * with the `u` flag, that RE2 can run it (no look-ahead, look-behind or back-reference, Unicode
 * properties limited to general categories and scripts: `unsupported`), and that it has none of
 * the shapes that backtrack catastrophically in native engines: a
 * repeated group containing a variable quantifier (`(a+)+`, `(\d+,)*`), a repeated group whose
 * alternatives can start with the same character (`(a|ab)+`, `(\d|1)*`), back-references, or
 * counts above {@link maxQuantifierCount} (`unsafe`). The check is conservative: a rejected pattern can
 * usually be rewritten (`^\d+(?:,\d+)*$` → `^[\d,]+$` plus a length limit). Returns the first
 * problem, or `undefined` when the pattern is acceptable.
 *
 * @example
 * ```ts
 * checkPattern("^\\d{6}$"); // undefined
 * checkPattern("(a+)+$"); // { kind: "unsafe", reason: "nested quantifier at 4", index: 4 }
 * checkPattern("([a-z]"); // { kind: "invalid", reason: "Unterminated group" }
 * checkPattern("(?<=a)b"); // { kind: "unsupported", reason: "look-behind at 0", index: 0 }
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
    // The engine's message reads "Invalid regular expression: /<pattern>/u: <reason>"; only
    // the reason is kept, since an error message never repeats an input (RELIABILITY.md 7).
    const message = error instanceof Error ? error.message : "";
    const reason = message.slice(message.lastIndexOf(": ") + 2);
    return { kind: "invalid", reason: reason.length > 0 && reason.length <= 100 ? reason : "does not compile" };
  }
  const translated = toRe2Syntax(pattern);
  if (typeof translated !== "string") return translated;
  return findUnsafeConstruct(pattern);
}

/**
 * Scans a pattern that already compiles. The scanner only needs to recognise groups, classes,
 * escapes and quantifiers; everything else is an atom.
 */
function findUnsafeConstruct(pattern: string): PatternProblem | undefined {
  const stack: Frame[] = [newFrame()];
  let closed: ClosedGroup | undefined;
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
      // Back-references never get here: toRe2Syntax, which checkPattern runs first, refused them.
      const next = pattern[i + 1] ?? "";
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
      closed = undefined;
      continue;
    }
    if (c === "[") {
      atom(undefined);
      i = skipClass(pattern, i);
      closed = undefined;
      continue;
    }
    if (c === "(") {
      atom(undefined);
      stack.push(newFrame());
      closed = undefined;
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
      closed = { varies: frame.varies, overlapping };
      i += 1;
      continue;
    }
    if (c === "|") {
      const frame = top();
      if (frame.branchStart) frame.firsts.push("*");
      frame.alternation = true;
      frame.branchStart = true;
      closed = undefined;
      i += 1;
      continue;
    }
    const quantifier = readQuantifier(pattern, i);
    if (quantifier) {
      if (quantifier.min > maxQuantifierCount || (quantifier.max ?? 0) > maxQuantifierCount) {
        return { kind: "unsafe", reason: `count above ${maxQuantifierCount} at ${i}`, index: i };
      }
      const repeats = quantifier.max === undefined || quantifier.max > 1;
      if (repeats && closed?.varies) {
        return { kind: "unsafe", reason: `nested quantifier at ${i}`, index: i };
      }
      if (repeats && closed?.overlapping) {
        return { kind: "unsafe", reason: `repeated alternatives that start alike at ${i}`, index: i };
      }
      if (quantifier.max !== quantifier.min) top().varies = true;
      closed = undefined;
      i = quantifier.end;
      continue;
    }
    // `.`, `^` and `$` are not single literal characters.
    atom(c === "." || c === "^" || c === "$" ? undefined : c);
    closed = undefined;
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

/**
 * The length of `(?:` or `(?<name>`. Look-ahead and look-behind never get here: toRe2Syntax,
 * which checkPattern runs first, refused them.
 */
function groupPrefixLength(pattern: string, start: number): number {
  if (!pattern.startsWith("(?<", start)) return 3;
  const close = pattern.indexOf(">", start);
  return close < 0 ? pattern.length - start : close - start + 1;
}

function readQuantifier(pattern: string, i: number): { min: number; max: number | undefined; end: number } | undefined {
  const c = pattern[i];
  let result: { min: number; max: number | undefined; end: number } | undefined;
  if (c === "*") result = { min: 0, max: undefined, end: i + 1 };
  else if (c === "+") result = { min: 1, max: undefined, end: i + 1 };
  else if (c === "?") result = { min: 0, max: 1, end: i + 1 };
  else {
    // Anything else is a count or no quantifier at all.
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

/**
 * The Unicode property names RE2 knows with the meaning ECMAScript gives them: general
 * categories by their short names, and the scripts a Chinese school's forms may need.
 */
const re2GeneralCategories = new Set(
  "C Cc Cf Co Cs L LC Ll Lm Lo Lt Lu M Mc Me Mn N Nd Nl No P Pc Pd Pe Pf Pi Po Ps S Sc Sk Sm So Z Zl Zp Zs".split(" "),
);
const re2Scripts = new Set(
  [
    "Arabic Bopomofo Common Cyrillic Greek Han Hangul Hiragana Inherited Katakana Latin Lisu Miao Mongolian",
    "New_Tai_Lue Nushu Tai_Le Tangut Thai Tibetan Yi",
  ]
    .join(" ")
    .split(" "),
);

/**
 * ECMAScript's `\s` (WhiteSpace and LineTerminator, which include U+3000, the ideographic space
 * of Chinese text) as the inside of an RE2 class; RE2's own `\s` is ASCII only.
 */
const jsWhiteSpace =
  "\\t\\n\\x{0B}\\f\\r \\x{A0}\\x{1680}\\x{2000}-\\x{200A}\\x{2028}\\x{2029}\\x{202F}\\x{205F}\\x{3000}\\x{FEFF}";

/**
 * A pattern that compiles as an ECMAScript `u` regular expression rewritten in RE2's syntax
 * with the same meaning, or the problem that stops it: look-around, back-references and
 * Unicode properties RE2 does not know are `unsupported`. The differences handled: `.` (RE2's
 * also matches `\r`, U+2028 and U+2029), `\s`/`\S` (RE2's are ASCII), `\uXXXX` and `\u{…}`
 * (RE2 writes `\x{…}`), `\cX`, `\0`, `[^]` and `[]`, `[` inside a class (RE2 reads `[:alpha:]`
 * there), named groups, and `\p{Script=…}`.
 *
 * @example
 * ```ts
 * toRe2Syntax("^\\u4e00\\s?.$"); // "^\\x{4e00}[\\t\\n…\\x{3000}\\x{FEFF}]?[^\\n\\r\\x{2028}\\x{2029}]$"
 * toRe2Syntax("a(?=b)"); // { kind: "unsupported", reason: "look-ahead at 1", index: 1 }
 * ```
 */
export function toRe2Syntax(pattern: string): string | PatternProblem {
  let out = "";
  let i = 0;
  let inClass = false;
  const unsupported = (what: string, at: number): PatternProblem => ({
    kind: "unsupported",
    reason: `${what} at ${at}`,
    index: at,
  });
  while (i < pattern.length) {
    const c = pattern[i] as string;
    if (c === "\\") {
      const translated = translateEscape(pattern, i, inClass);
      if (typeof translated !== "string") return translated;
      out += translated;
      i += escapeLength(pattern, i);
      continue;
    }
    if (inClass) {
      if (c === "]") inClass = false;
      // A literal `[` inside a class: RE2 would read `[:alpha:]` as a POSIX class.
      out += c === "[" ? "\\[" : c;
      i += 1;
      continue;
    }
    if (c === "[") {
      if (pattern.startsWith("[^]", i)) {
        out += "[\\x{0}-\\x{10FFFF}]";
        i += 3;
      } else if (pattern.startsWith("[]", i)) {
        out += "[^\\x{0}-\\x{10FFFF}]";
        i += 2;
      } else {
        // A leading `^` (negation) is copied as it is, like the rest of the class.
        out += "[";
        i += 1;
        inClass = true;
      }
      continue;
    }
    if (pattern.startsWith("(?=", i) || pattern.startsWith("(?!", i)) return unsupported("look-ahead", i);
    if (pattern.startsWith("(?<=", i) || pattern.startsWith("(?<!", i)) return unsupported("look-behind", i);
    if (pattern.startsWith("(?<", i)) {
      out += "(?P<";
      i += 3;
      continue;
    }
    if (c === ".") {
      out += "[^\\n\\r\\x{2028}\\x{2029}]";
      i += 1;
      continue;
    }
    out += c;
    i += 1;
  }
  return out;
}

/** The length of the escape at `i` (the backslash included), as {@link translateEscape} reads it. */
function escapeLength(pattern: string, i: number): number {
  const next = pattern[i + 1] ?? "";
  if ((next === "u" || next === "p" || next === "P") && pattern[i + 2] === "{") {
    const close = pattern.indexOf("}", i + 3);
    return close < 0 ? pattern.length - i : close - i + 1;
  }
  if (next === "u") return isSurrogatePair(pattern, i) ? 12 : 6;
  if (next === "x") return 4;
  if (next === "c") return 3;
  return 2;
}

function isSurrogatePair(pattern: string, i: number): boolean {
  const high = Number.parseInt(pattern.slice(i + 2, i + 6), 16);
  const low = Number.parseInt(pattern.slice(i + 8, i + 12), 16);
  return high >= 0xd800 && high <= 0xdbff && pattern.startsWith("\\u", i + 6) && low >= 0xdc00 && low <= 0xdfff;
}

/** One escape in RE2's syntax, or the problem with it. */
function translateEscape(pattern: string, i: number, inClass: boolean): string | PatternProblem {
  const next = pattern[i + 1] ?? "";
  const hex = (code: number) => `\\x{${code.toString(16).toUpperCase()}}`;
  if (/[1-9]/.test(next) || next === "k") return { kind: "unsupported", reason: `back-reference at ${i}`, index: i };
  if (next === "u") {
    if (pattern[i + 2] === "{") {
      const close = pattern.indexOf("}", i + 3);
      return hex(Number.parseInt(pattern.slice(i + 3, close), 16));
    }
    if (isSurrogatePair(pattern, i)) {
      const high = Number.parseInt(pattern.slice(i + 2, i + 6), 16);
      const low = Number.parseInt(pattern.slice(i + 8, i + 12), 16);
      return hex(0x10000 + ((high - 0xd800) << 10) + (low - 0xdc00));
    }
    const code = Number.parseInt(pattern.slice(i + 2, i + 6), 16);
    // A lone surrogate cannot occur in the UTF-16 text RE2 decodes into code points.
    if (code >= 0xd800 && code <= 0xdfff) return { kind: "unsupported", reason: `lone surrogate at ${i}`, index: i };
    return hex(code);
  }
  if (next === "c") return hex((pattern.charCodeAt(i + 2) as number) % 32);
  if (next === "0") return "\\x{0}";
  // Inside a class ECMAScript reads `\b` as a backspace; RE2 has no such escape.
  if (next === "b" && inClass) return "\\x{8}";
  if (next === "s") return inClass ? jsWhiteSpace : `[${jsWhiteSpace}]`;
  if (next === "S") {
    if (inClass) return { kind: "unsupported", reason: `\\S inside a class at ${i}`, index: i };
    return `[^${jsWhiteSpace}]`;
  }
  if ((next === "p" || next === "P") && pattern[i + 2] === "{") {
    const close = pattern.indexOf("}", i + 3);
    const body = pattern.slice(i + 3, close);
    const [key, value] = body.includes("=") ? (body.split("=") as [string, string]) : [undefined, body];
    const known =
      key === undefined
        ? re2GeneralCategories.has(value)
        : key === "Script" || key === "sc"
          ? re2Scripts.has(value)
          : (key === "General_Category" || key === "gc") && re2GeneralCategories.has(value);
    if (!known) return { kind: "unsupported", reason: `Unicode property at ${i}`, index: i };
    return `\\${next}{${value}}`;
  }
  // `\d \D \w \W \b \B \t \n \r \f \v \xHH` and escaped punctuation mean the same in RE2.
  return pattern.slice(i, i + escapeLength(pattern, i));
}
