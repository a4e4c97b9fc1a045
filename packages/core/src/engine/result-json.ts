import type { JsonValue } from "../storage/port.js";

/** The JSON text each result object was parsed from, for adapters that send it as it came. */
const texts = new WeakMap<object, string>();

/**
 * A use case's result as the engine hands it out: a plain JSON value parsed from `text` (so
 * the caller, the idempotency record and a replay all see the same value, detached from
 * anything the engine keeps), with the text remembered for {@link engineResultJson}.
 */
export function jsonResult(text: string): JsonValue {
  const value = JSON.parse(text) as JsonValue;
  if (value !== null && typeof value === "object") texts.set(value, text);
  return value;
}

/**
 * The JSON text of a result exactly as the engine returned it: what `JSON.stringify(result)`
 * gives, without serialising it again. Adapters that send a result on unchanged (the REST
 * handler does) use it to save the second serialisation of every response. A result changed
 * after the call no longer matches the text the engine remembers for it, so pass only results
 * straight from an engine call; any other value is serialised here.
 *
 * @example
 * ```ts
 * const archive = await engine.students.archive(actor, { studentId: "s-1" }, { purpose: "家访准备" });
 * const body = engineResultJson(archive); // '{"studentId":"s-1","visits":[…],…}'
 * ```
 */
export function engineResultJson(result: unknown): string {
  if (result !== null && typeof result === "object") {
    const text = texts.get(result);
    if (text !== undefined) return text;
  }
  return JSON.stringify(result);
}
