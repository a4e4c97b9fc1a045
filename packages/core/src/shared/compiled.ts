import * as z from "zod";

/**
 * Record schemas that are parsed in bulk (a city's roster, every row storage reads back) go
 * through zod's ahead-of-time compiler: `z.compile` turns the schema into one generated
 * function that checks a valid record without zod's per-node payloads, issue arrays and
 * closures, several times faster on a student (docs/benchmarks.md). The semantics do not change: the generated
 * code accepts exactly what the schema accepts, and any input it does not accept is handed to
 * the ordinary parser, so rejections carry the same issues, paths and messages as before.
 *
 * The compiled schema is a clone of the same kind with the same definition (shape, checks,
 * refinements), so `.shape`, `.extend()`, `instanceof z.ZodObject`, JSON Schema and the
 * sensitivity marks of its fields are as before. Only the record itself is compiled: a mark
 * registered on the record schema would not follow the clone, so none is placed on them.
 * Where code generation is not allowed (a browser page whose CSP forbids `eval`), `z.compile`
 * hands back the schema unchanged and it parses as before, only slower.
 */
export function compiledSchema<T extends z.ZodType>(schema: T): T {
  // A host that set `z.config({ jitless: true })` (a page whose CSP forbids `eval`) asked zod not
  // to generate code: trying anyway would log a CSP violation per schema in its console.
  if (z.config().jitless === true) return schema;
  return z.compile(schema);
}
