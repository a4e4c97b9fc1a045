import type { z } from "zod";
import type { ErrorPath } from "../shared/errors/homevisit-error.js";
import { parseInput } from "../shared/errors/parse.js";

/**
 * The planner's options, parsed once when a call leaves them out. A city plans hundreds of
 * schools with the default options: parsing `{}` for each call (and each stage) put the
 * schema's parser and its garbage on the planner's hot path, for the same answer every time.
 * The shared answer is frozen all the way down, so no call can change it for the next.
 */
const defaults = new WeakMap<z.ZodType, unknown>();

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/**
 * Parses `input` against `schema`, or, when it is absent, returns the schema's parsed
 * defaults, computed once per schema and frozen.
 *
 * @example
 * ```ts
 * const options = parsedOptions(scheduleOptionsSchema, input.options, ["options"]);
 * options.maxPerDay; // 3 unless the caller set it
 * ```
 */
export function parsedOptions<S extends z.ZodType>(schema: S, input: unknown, path: ErrorPath): z.output<S> {
  if (input !== undefined) return parseInput(schema, input, { path });
  let parsed = defaults.get(schema) as z.output<S> | undefined;
  if (parsed === undefined) {
    parsed = deepFreeze(parseInput(schema, {}, { path }));
    defaults.set(schema, parsed);
  }
  return parsed;
}
