// Property-based fuzzing of every route (RELIABILITY.md): random methods, paths, query strings,
// headers and bodies, signed in as any actor or none. No answer may be a 5xx, every error must
// be a problem document, and no promise may be left rejected. HOMEVISIT_FUZZ_RUNS is the total
// number of generated requests across all routes (default 2,000; CI sets ≥ 100,000), split over
// shard files (fuzz-*.test.ts) that vitest runs in parallel workers; HOMEVISIT_FUZZ_SEED replays
// a failure (fast-check prints the seed and path of every counterexample).
import { restRoutes } from "@homevisit/rest";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ActorName, actors, basePath, makeWorld, origin, type World } from "./world.js";

const totalRuns = Number(process.env.HOMEVISIT_FUZZ_RUNS ?? 2000);
const seed = process.env.HOMEVISIT_FUZZ_SEED === undefined ? undefined : Number(process.env.HOMEVISIT_FUZZ_SEED);

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
let world: World;

beforeAll(async () => {
  process.on("unhandledRejection", onUnhandled);
  world = await makeWorld();
});
afterAll(() => {
  process.off("unhandledRejection", onUnhandled);
});

const knownIds = ["stu-1-1", "stu-1-2", "stu-2-1", "cls-1", "cls-2", "g-stu-1-1", "id-1", "id-2", "sch-1", "nope"];
const printable = fc.string({
  unit: fc.constantFrom(..."abcXYZ019-_.~%:/?#&=+ \"'<>[]{}\\中文家访".split("")),
  maxLength: 40,
});
const segment = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...knownIds) },
  { weight: 2, arbitrary: printable },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      "..",
      "%2F",
      "%00",
      "%E4%B8%AD",
      "%",
      "%ZZ",
      "a".repeat(100),
      "__proto__",
      "constructor",
    ),
  },
);
const headerText = fc.string({ unit: fc.constantFrom(...'abcXYZ019-_.,;="*/ %WEä'.split("")), maxLength: 40 });
const anyValue = fc.oneof(
  fc.constantFrom("family_crisis", "economic_hardship", "2026-10-08", "2026-02-30", "stu-1-1", "t-c1", "", "中文"),
  fc.jsonValue({ maxDepth: 3 }),
);

function routeArbitrary(route: ReturnType<typeof restRoutes>[number]) {
  const pathArb = fc
    .tuple(...route.pathParams.map(() => segment))
    .map((values) => route.path.replace(/\{\w+\}/g, () => encodeURI(values.shift() ?? "")));
  const queryKeys = [...Object.keys(route.queryFields), "role", "actorId", "limit", "cursor", "__proto__"];
  const queryArb = fc.array(
    fc.tuple(fc.oneof(fc.constantFrom(...queryKeys), printable), fc.oneof(printable, fc.integer().map(String))),
    { maxLength: 4 },
  );
  const bodyFields = [...route.bodyFields, "expectedVersion", "schoolId", "id", ...route.pathParams];
  const bodyArb = fc.oneof(
    { weight: 1, arbitrary: fc.constant(undefined) },
    {
      weight: 4,
      arbitrary: fc
        .dictionary(fc.oneof(fc.constantFrom(...bodyFields), fc.string({ maxLength: 8 })), anyValue, { maxKeys: 6 })
        .map((o) => JSON.stringify(o)),
    },
    { weight: 1, arbitrary: fc.json({ maxDepth: 4 }) },
    { weight: 1, arbitrary: fc.string({ maxLength: 60 }) },
    { weight: 1, arbitrary: fc.integer({ min: 30, max: 200 }).map((n) => `${"[".repeat(n)}${"]".repeat(n)}`) },
  );
  const headersArb = fc.record(
    {
      "If-Match": fc.oneof(fc.constantFrom('"1"', '"2"', 'W/"1"', "*", '"0"'), headerText),
      "If-None-Match": fc.oneof(fc.constantFrom('"1"', 'W/"1.x"', "*", '"a", "b"', '"', ","), headerText),
      Accept: fc.oneof(
        fc.constantFrom("text/calendar", "application/json", "*/*", "text/*;q=0", "application/json;q=2"),
        headerText,
      ),
      "Idempotency-Key": fc.oneof(fc.constantFrom("k-1", "k-2"), headerText),
      "Content-Type": fc.constantFrom(
        "application/json",
        "application/json; charset=utf-8",
        "application/json; charset=gbk",
        "text/plain",
        "multipart/form-data; boundary=x",
        "application/x-www-form-urlencoded",
      ),
      "Accept-Language": fc.oneof(fc.constantFrom("en", "zh-CN", "fr;q=0.1, en;q=0.5", "*"), headerText),
      "Homevisit-Purpose": fc.oneof(fc.constantFrom(encodeURIComponent("准备家访"), "%E4", "%"), headerText),
      "X-User-Id": fc.constantFrom("t-p1", "t-p2"),
      Origin: fc.constantFrom("http://campus.test", "https://evil.example"),
    },
    { requiredKeys: [] },
  );
  const methodArb = fc.oneof(
    { weight: 4, arbitrary: fc.constant(route.method) },
    { weight: 1, arbitrary: fc.constantFrom("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS") },
  );
  const actorArb = fc.constantFrom<ActorName | null>(...(Object.keys(actors) as ActorName[]), null);
  return fc.record({
    method: methodArb,
    path: pathArb,
    query: queryArb,
    headers: headersArb,
    body: bodyArb,
    actor: actorArb,
  });
}

function toRequest(input: {
  method: string;
  path: string;
  query: [string, string][];
  headers: Record<string, string>;
  body: string | undefined;
  actor: ActorName | null;
}): Request | undefined {
  const search = new URLSearchParams(input.query).toString();
  const headers: Record<string, string> = { ...input.headers };
  if (input.actor !== null) headers.Authorization = `Bearer tok-${input.actor}`;
  const withBody = input.body !== undefined && input.method !== "GET" && input.method !== "HEAD";
  try {
    return new Request(`${origin}${basePath}${input.path}${search ? `?${search}` : ""}`, {
      method: input.method,
      headers,
      ...(withBody ? { body: input.body } : {}),
    });
  } catch {
    return undefined;
  }
}

/** Declares the fuzz suite for shard `shard` of `shards` (routes taken round-robin). */
export function fuzzShard(shard: number, shards: number): void {
  describe(`fuzzing every route (shard ${shard + 1} of ${shards})`, () => {
    it("covers every use case of the engine", async () => {
      const w = await makeWorld();
      expect(restRoutes(w.engine.useCases).length).toBe(w.engine.useCases.length);
    });

    it(`answers ${totalRuns} random requests (this shard's share) without a 5xx or an unhandled rejection`, async () => {
      const all = restRoutes(world.engine.useCases);
      const perRoute = Math.max(1, Math.ceil(totalRuns / all.length));
      const mine = all.filter((_, i) => i % shards === shard);
      const statuses = new Map<number, number>();
      for (const route of mine) {
        await fc.assert(
          fc.asyncProperty(routeArbitrary(route), async (input) => {
            const request = toRequest(input);
            fc.pre(request !== undefined);
            if (request === undefined) return;
            const response = await world.handler(request);
            statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
            const text = await response.text();
            if (response.status >= 500) throw new Error(`${route.name}: ${response.status} ${text}`);
            if (response.status >= 400 && request.method !== "HEAD") {
              expect(response.headers.get("content-type")).toBe("application/problem+json; charset=utf-8");
              const problem = JSON.parse(text) as { code: string; status: number };
              expect(problem.status).toBe(response.status);
              expect(problem.code).toMatch(/^[a-z_]+$/);
            }
            expect(response.headers.get("cache-control")).not.toBeNull();
          }),
          { numRuns: perRoute, ...(seed === undefined ? {} : { seed }) },
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
      expect(unhandled).toEqual([]);
      // The fuzzer reached past authentication and validation into the engine.
      expect([...statuses.keys()].some((s) => s < 300)).toBe(true);
      expect(statuses.get(401) ?? 0).toBeGreaterThan(0);
    });
  });
}
