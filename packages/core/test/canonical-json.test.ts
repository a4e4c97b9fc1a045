import { canonicalJson, isHomevisitError } from "@homevisit/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

/**
 * RELIABILITY.md promise 5 (the audit log is a hash chain over canonical text) and promise 6
 * (an idempotency key replays only the same request): two different values must never share a
 * canonical text, so what is not JSON data is refused with a typed error (promise 7) instead
 * of turning into `{}` or `null`. The property test against the plain definition, for JSON data,
 * is in storage-port.test.ts.
 */

class Visit {
  constructor(readonly id: string) {}
}

const nonJson: [string, unknown][] = [
  ["Date", new Date("2026-09-01T00:00:00Z")],
  ["Map", new Map([["a", 1]])],
  ["Set", new Set([1])],
  ["RegExp", /x/],
  ["typed array or buffer", new Uint8Array([1])],
  ["typed array or buffer", new ArrayBuffer(2)],
  ["boxed primitive", new String("x")],
  ["class instance", new Visit("v1")],
  ["non-finite number", Number.NaN],
  ["non-finite number", Number.POSITIVE_INFINITY],
  ["bigint", 1n],
  ["function", () => 1],
  ["symbol", Symbol("s")],
];

function refusal(value: unknown): { code: string; kind: unknown; text: string } | undefined {
  try {
    canonicalJson(value);
    return undefined;
  } catch (error) {
    if (!isHomevisitError(error)) throw error;
    return { code: error.code, kind: error.params.kind, text: `${error.messageIn("en")} ${error.messageIn("zh-CN")}` };
  }
}

describe("canonicalJson refuses what is not JSON data", () => {
  it.each(nonJson)("refuses a %s at the top, in an array and in an object, with not_json_data", (kind, value) => {
    for (const wrapped of [value, [1, value], { a: { b: value } }]) {
      expect(refusal(wrapped)).toMatchObject({ code: "not_json_data", kind });
    }
  });

  it("a Date no longer hashes like {}: two different dates never share a text", () => {
    expect(refusal({ at: new Date(0) })?.code).toBe("not_json_data");
    expect(canonicalJson({ at: new Date(0).toISOString() })).not.toBe(canonicalJson({ at: {} }));
  });

  it("accepts prototype-less objects and keeps their text", () => {
    const bare = Object.assign(Object.create(null) as Record<string, unknown>, { b: 1, a: 2 });
    expect(canonicalJson(bare)).toBe('{"a":2,"b":1}');
  });

  it("generated non-JSON values anywhere in generated JSON data are refused, and the message never repeats them", () => {
    const marker = fc.constantFrom(
      new Date(1234567890123),
      new Map([["13812345678", "幸福路88号"]]),
      new Set(["13812345678"]),
      new Visit("13812345678"),
      Number.NaN,
      Number.NEGATIVE_INFINITY,
      13812345678n,
    );
    fc.assert(
      fc.property(fc.jsonValue(), marker, fc.array(fc.nat(5), { maxLength: 4 }), (data, bad, route) => {
        // Put the bad value at a generated place: wrap it in arrays and objects along the route.
        let value: unknown = bad;
        for (const step of route) value = step % 2 ? [data, value] : { data, [`k${step}`]: value };
        const refused = refusal(value);
        expect(refused?.code).toBe("not_json_data");
        expect(refused?.text).not.toMatch(/13812345678|幸福路|1234567890123/);
      }),
      { numRuns: 500 },
    );
  });
});
