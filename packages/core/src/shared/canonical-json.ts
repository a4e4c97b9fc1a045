import { HomevisitError } from "./errors/homevisit-error.js";

/**
 * What {@link canonicalJson} refuses, named by kind only: the value itself may be personal data
 * and never goes into a message.
 */
export type NonJsonKind =
  | "Date"
  | "Map"
  | "Set"
  | "RegExp"
  | "typed array or buffer"
  | "boxed primitive"
  | "class instance"
  | "non-finite number"
  | "bigint"
  | "function"
  | "symbol";

function kindOf(value: object): NonJsonKind {
  if (value instanceof Date) return "Date";
  if (value instanceof Map) return "Map";
  if (value instanceof Set) return "Set";
  if (value instanceof RegExp) return "RegExp";
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return "typed array or buffer";
  if (value instanceof Number || value instanceof String || value instanceof Boolean) return "boxed primitive";
  return "class instance";
}

function refuse(kind: NonJsonKind): never {
  throw new HomevisitError("not_json_data", { params: { kind } });
}

/**
 * JSON with object keys sorted and `undefined` members dropped, so equal values give equal
 * text whatever order their keys were written in. Arrays keep their order (`undefined` items
 * become `null`, as in `JSON.stringify`).
 *
 * Only JSON data is accepted: strings, finite numbers, booleans, `null`, arrays and plain
 * objects (prototype `Object.prototype` or `null`). Anything else — a `Date`, `Map`, `Set`,
 * typed array, class instance, `NaN`, `Infinity`, bigint, function or symbol — throws
 * `not_json_data` instead of turning silently into `{}` or `null`: every stored audit hash
 * and idempotency hash depends on this text, and two different values must never share it.
 *
 * @example
 * ```ts
 * canonicalJson({ b: 1, a: [2, { d: undefined, c: "x" }] }); // '{"a":[2,{"c":"x"}],"b":1}'
 * canonicalJson({ at: new Date() }); // throws not_json_data (kind "Date")
 * ```
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") {
    if (typeof value === "number" && !Number.isFinite(value)) refuse("non-finite number");
    if (typeof value === "bigint") refuse("bigint");
    if (typeof value === "function") refuse("function");
    if (typeof value === "symbol") refuse("symbol");
    return JSON.stringify(value) ?? "null";
  }
  // Built by appending to one string, without entry arrays: every audit row hashes its
  // canonical text, so this runs on every audited request.
  if (Array.isArray(value)) {
    let out = "[";
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (i > 0) out += ",";
      out += item === undefined ? "null" : canonicalJson(item);
    }
    return `${out}]`;
  }
  // Plain means a prototype whose own prototype is null: Object.prototype of any realm, or no
  // prototype at all. A class instance, Date or Map has one more link in its chain.
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== null && Object.getPrototypeOf(proto) !== null) refuse(kindOf(value));
  const record = value as Record<string, unknown>;
  // The default sort orders by UTF-16 code units, as `<` compares strings.
  const keys = Object.keys(record).sort();
  let out = "{";
  let first = true;
  for (const key of keys) {
    const item = record[key];
    if (item === undefined) continue;
    if (first) first = false;
    else out += ",";
    out += quotedKey(key);
    out += ":";
    out += canonicalJson(item);
  }
  return `${out}}`;
}

/**
 * Keys already quoted: records share a few dozen field names, and quoting one with
 * `JSON.stringify` for every field of every hashed value was a third of this function's time.
 * Bounded, since keys of free-form records (custom field answers) are many.
 */
const quotedKeys = new Map<string, string>();
const maxQuotedKeys = 2048;

function quotedKey(key: string): string {
  let quoted = quotedKeys.get(key);
  if (quoted === undefined) {
    quoted = JSON.stringify(key);
    if (quotedKeys.size < maxQuotedKeys) quotedKeys.set(key, quoted);
  }
  return quoted;
}
