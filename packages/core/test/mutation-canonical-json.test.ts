import { canonicalJson, isHomevisitError } from "@homevisit/core";
import { describe, expect, it } from "vitest";

/**
 * Canonical JSON's edges (RELIABILITY.md promises 5 and 6: every audit and idempotency hash is
 * taken over this text), written to kill the mutants of `pnpm run mutation` (docs/quality.md).
 */

const kindOf = (value: unknown): unknown => {
  try {
    canonicalJson(value);
    return undefined;
  } catch (error) {
    if (!isHomevisitError(error)) throw error;
    return error.params.kind;
  }
};

describe("canonicalJson edges", () => {
  it("names each boxed primitive and each view as such", () => {
    expect(kindOf(new Number(1))).toBe("boxed primitive");
    expect(kindOf(new Boolean(false))).toBe("boxed primitive");
    expect(kindOf(new String(""))).toBe("boxed primitive");
    expect(kindOf(new DataView(new ArrayBuffer(1)))).toBe("typed array or buffer");
    expect(kindOf(new ArrayBuffer(0))).toBe("typed array or buffer");
    expect(kindOf(Number.NEGATIVE_INFINITY)).toBe("non-finite number");
    expect(kindOf(Object.create({ inherited: 1 }))).toBe("class instance");
  });

  it("writes scalars, empty containers and undefined as JSON does", () => {
    expect(canonicalJson(undefined)).toBe("null");
    expect(canonicalJson(null)).toBe("null");
    expect(canonicalJson("x")).toBe('"x"');
    expect(canonicalJson(0)).toBe("0");
    expect(canonicalJson(-1.5)).toBe("-1.5");
    expect(canonicalJson(true)).toBe("true");
    expect(canonicalJson([])).toBe("[]");
    expect(canonicalJson({})).toBe("{}");
    expect(canonicalJson({ a: undefined })).toBe("{}");
  });

  it("separates items and members by one comma, undefined items as null, undefined members dropped", () => {
    expect(canonicalJson([1, undefined, "a"])).toBe('[1,null,"a"]');
    expect(canonicalJson([undefined])).toBe("[null]");
    expect(canonicalJson({ a: undefined, b: 1, c: undefined, d: [2] })).toBe('{"b":1,"d":[2]}');
    expect(canonicalJson({ z: 1, a: 2, é: 3, B: 4 })).toBe('{"B":4,"a":2,"z":1,"é":3}');
    expect(canonicalJson({ 'q"': "\n" })).toBe('{"q\\"":"\\n"}');
    expect(canonicalJson([{ b: [], a: {} }])).toBe('[{"a":{},"b":[]}]');
  });
});
