import { actorSchema } from "@homevisit/core";
import { createOpenApiDocument, isJsonContentType, parseIfMatch, parseJsonLimited, restRoutes } from "@homevisit/rest";
import { Validator } from "@seriousme/openapi-schema-validator";
import { describe, expect, it, vi } from "vitest";
import * as z from "zod";
import { parametersOf } from "./doc.js";
import { basePath, json, makeWorld, origin, req } from "./world.js";

const purpose = { "Homevisit-Purpose": encodeURIComponent("准备家访") };

describe("routes and responses", () => {
  it("lists students masked, with no-store, Link paging and Content-Language", async () => {
    const w = await makeWorld();
    const first = await w.handler(req("principal1", "GET", "/students?limit=2"));
    expect(first.status).toBe(200);
    expect(first.headers.get("cache-control")).toBe("no-store");
    expect(first.headers.get("content-type")).toBe("application/json; charset=utf-8");
    const page1 = await json(first);
    expect(page1.items.map((s: { id: string }) => s.id)).toEqual(["stu-1-1", "stu-1-2"]);
    expect(page1.items[0].guardians[0].phone).toBe("138****1001");
    const link = first.headers.get("link");
    expect(link).toMatch(/^<\/api\/homevisit\/students\?limit=2&cursor=[\w-]+>; rel="next"$/);
    const next = (link ?? "").slice(1, (link ?? "").indexOf(">"));
    const second = await json(
      await w.handler(new Request(`${origin}${next}`, { headers: { Authorization: "Bearer tok-principal1" } })),
    );
    expect(second.items.map((s: { id: string }) => s.id)).toEqual(["stu-1-3"]);
    expect(second.nextCursor).toBeUndefined();
  });

  it("reads a full record with a stated purpose and sends its version (and a body digest) as the ETag", async () => {
    const w = await makeWorld();
    const response = await w.handler(req("classTeacher1", "GET", "/students/stu-1-2", { headers: purpose }));
    expect(response.status).toBe(200);
    expect(response.headers.get("etag")).toMatch(/^"1\.[\w-]{22}"$/);
    const body = await json(response);
    expect(body.student.guardians[0].phone).toBe("13800001002");
    const without = await w.handler(req("classTeacher1", "GET", "/students/stu-1-2"));
    expect(without.status).toBe(422);
    expect((await json(without)).code).toBe("purpose_required");
  });

  it("checks the host's actor once per request: the handler parses it, the engine takes it as it is", async () => {
    const w = await makeWorld();
    const spy = vi.spyOn(actorSchema, "safeParse");
    try {
      const response = await w.handler(req("principal1", "GET", "/students"));
      expect(response.status).toBe(200);
      expect(spy).toHaveBeenCalledTimes(1);
      // A script calling the engine with a plain object is still checked by the runner.
      await w.engine.students.list({ id: "t-p1", roles: ["principal"], cityId: "city-1", countyId: "k-1" }, {}).then(
        () => expect.unreachable(),
        (error: { code?: string }) => expect(error.code).toBe("validation_failed"),
      );
      // Checked once more (a failing input is parsed a second time, for its issues' detail).
      expect(spy.mock.calls.length).toBeGreaterThan(1);
    } finally {
      spy.mockRestore();
    }
  });

  it("answers problems in the Accept-Language locale with a stable code", async () => {
    const w = await makeWorld();
    const zh = await w.handler(req("principal1", "GET", "/students/nope", { headers: purpose }));
    expect(zh.status).toBe(404);
    expect(zh.headers.get("content-type")).toBe("application/problem+json; charset=utf-8");
    expect(zh.headers.get("cache-control")).toBe("no-store");
    expect(await json(zh)).toEqual({
      type: "urn:homevisit:problem:not_found",
      title: "未找到",
      status: 404,
      detail: "找不到学生",
      code: "not_found",
      path: [],
      issues: [],
    });
    const en = await w.handler(
      req("principal1", "GET", "/students/nope", { headers: { ...purpose, "Accept-Language": "en-GB,en;q=0.8" } }),
    );
    const body = await json(en);
    expect(body.title).toBe("Not Found");
    expect(body.detail).toBe("The student was not found");
    expect(en.headers.get("content-language")).toBe("en");
  });

  it("answers 401 without an actor, also for unknown routes, and when getActor throws or returns junk", async () => {
    const w = await makeWorld();
    for (const path of ["/students", "/nowhere"]) {
      const response = await w.handler(req(null, "GET", path));
      expect(response.status).toBe(401);
      expect((await json(response)).code).toBe("rest_unauthenticated");
    }
    const throwing = await makeWorld({
      getActor: () => {
        throw new Error("session store down: 13800001001");
      },
    });
    const r1 = await throwing.handler(req("principal1", "GET", "/students"));
    expect(r1.status).toBe(401);
    expect(JSON.stringify(throwing.logs)).not.toContain("13800001001");
    const junk = await makeWorld({ getActor: () => ({ id: "x", roles: ["root"] }) });
    const r2 = await junk.handler(req("principal1", "GET", "/students"));
    expect(r2.status).toBe(401);
    expect(junk.logs.map((l) => l.event)).toEqual(["invalid_actor"]);
  });

  it("answers 404 for unknown routes and 405 with Allow for a known path", async () => {
    const w = await makeWorld();
    const missing = await w.handler(req("principal1", "GET", "/teleport"));
    expect(missing.status).toBe(404);
    expect((await json(missing)).code).toBe("rest_route_not_found");
    const wrong = await w.handler(req("principal1", "PUT", "/students/stu-1-1", { body: {} }));
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get("allow")).toBe("GET, DELETE, HEAD, OPTIONS");
  });

  it("hides a 500's message and stack, and logs no message", async () => {
    const w = await makeWorld();
    const broken = {
      useCases: w.engine.useCases,
      callJson: async () => {
        throw new Error("SQLITE_CORRUPT: phone 13800001001 at /var/lib/db");
      },
    };
    const { createRestHandler } = await import("@homevisit/rest");
    const logs: unknown[] = [];
    const handler = createRestHandler(broken, {
      basePath,
      getActor: () => ({ id: "t-p1", roles: ["principal"], cityId: "city-1", countyId: "k-1", schoolId: "sch-1" }),
      logger: (e) => logs.push(e),
    });
    const response = await handler(req(null, "GET", "/students"));
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(text).not.toContain("SQLITE");
    expect(text).not.toContain("13800001001");
    expect(JSON.parse(text).code).toBe("internal_error");
    expect(logs).toHaveLength(1);
    expect(JSON.stringify(logs)).not.toContain("13800001001");
    expect(logs[0]).toMatchObject({
      level: "error",
      event: "internal_error",
      route: "students.list",
      errorName: "Error",
    });
  });
});

describe("concurrency: ETag and If-Match", () => {
  async function flagged() {
    const w = await makeWorld();
    const created = await w.handler(
      req("classTeacher1", "POST", "/students/stu-1-1/categories", {
        body: { category: "family_crisis", evidence: "父亲重病住院" },
      }),
    );
    expect(created.status).toBe(201);
    // Writes answer the same tag form as reads: the version, then a digest of the body.
    expect(created.headers.get("etag")).toMatch(/^"1\.[\w-]{22}"$/);
    const { flag } = await json(created);
    return { w, flagId: flag.id as string };
  }

  it("requires If-Match on updates (428), refuses a stale one (412) and accepts the current one", async () => {
    const { w, flagId } = await flagged();
    const body = { reason: "家庭情况好转" };
    const missing = await w.handler(req("classTeacher1", "POST", `/category-flags/${flagId}/revoke`, { body }));
    expect(missing.status).toBe(428);
    expect((await json(missing)).code).toBe("rest_precondition_required");
    const stale = await w.handler(
      req("classTeacher1", "POST", `/category-flags/${flagId}/revoke`, { body, headers: { "If-Match": '"7"' } }),
    );
    expect(stale.status).toBe(412);
    expect((await json(stale)).code).toBe("version_conflict");
    const ok = await w.handler(
      req("classTeacher1", "POST", `/category-flags/${flagId}/revoke`, { body, headers: { "If-Match": '"1"' } }),
    );
    expect(ok.status).toBe(200);
    expect(ok.headers.get("etag")).toMatch(/^"2\.[\w-]{22}"$/);
    expect((await json(ok)).flag.revokedBy).toBe("t-c1");
  });

  it("refuses expectedVersion in the body: the version travels in If-Match", async () => {
    const { w, flagId } = await flagged();
    const response = await w.handler(
      req("classTeacher1", "POST", `/category-flags/${flagId}/revoke`, {
        body: { expectedVersion: 1 },
        headers: { "If-Match": '"1"' },
      }),
    );
    expect(response.status).toBe(422);
    expect((await json(response)).code).toBe("rest_version_in_body");
  });

  it("parses If-Match strictly", () => {
    expect(parseIfMatch('"12"')).toBe(12);
    expect(parseIfMatch('W/"3"')).toBe(3);
    expect(() => parseIfMatch(null)).toThrow(expect.objectContaining({ code: "rest_precondition_required" }));
    expect(() => parseIfMatch("*")).toThrow(expect.objectContaining({ code: "rest_precondition_required" }));
    expect(() => parseIfMatch('"abc"')).toThrow(expect.objectContaining({ code: "version_conflict" }));
    expect(() => parseIfMatch('"0"')).toThrow(expect.objectContaining({ code: "version_conflict" }));
  });
});

describe("idempotency", () => {
  const path = "/students/stu-1-1/categories";
  const body = { category: "economic_hardship", evidence: "低保户" };

  it("replays the first response for the same key and body", async () => {
    const w = await makeWorld();
    const headers = { "Idempotency-Key": "flag-001" };
    const first = await w.handler(req("classTeacher1", "POST", path, { body, headers }));
    const second = await w.handler(req("classTeacher1", "POST", path, { body, headers }));
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    const a = await json(first);
    expect(await json(second)).toEqual(a);
    const status = await json(await w.handler(req("classTeacher1", "GET", "/students/stu-1-1", { headers: purpose })));
    expect(status.categories.map((c: { id: string }) => c.id)).toEqual([a.flag.id]);
  });

  it("refuses the same key with another body (422) and keys on routes that are not creates", async () => {
    const w = await makeWorld();
    const headers = { "Idempotency-Key": "flag-002" };
    expect((await w.handler(req("classTeacher1", "POST", path, { body, headers }))).status).toBe(201);
    const other = await w.handler(
      req("classTeacher1", "POST", path, { body: { ...body, evidence: "另一份证明" }, headers }),
    );
    expect(other.status).toBe(422);
    expect((await json(other)).code).toBe("idempotency_key_reused");
    const onRead = await w.handler(req("classTeacher1", "GET", "/students", { headers }));
    expect(onRead.status).toBe(422);
    expect((await json(onRead)).code).toBe("rest_idempotency_unsupported");
  });

  it("scopes keys per actor: another actor's same key is a new create", async () => {
    const w = await makeWorld();
    const headers = { "Idempotency-Key": "flag-003" };
    const a = await json(await w.handler(req("classTeacher1", "POST", path, { body, headers })));
    const b = await json(await w.handler(req("principal1", "POST", path, { body, headers })));
    expect(b.flag.id).not.toBe(a.flag.id);
  });
});

describe("limits and content types", () => {
  const path = "/students/stu-1-1/categories";

  it("refuses a body over the limit by Content-Length before reading it (413)", async () => {
    const w = await makeWorld({ limits: { bodyBytes: 1000 } });
    let pulled = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++;
        controller.enqueue(new Uint8Array(64 * 1024));
      },
    });
    const request = new Request(`${origin}${basePath}${path}`, {
      method: "POST",
      headers: {
        Authorization: "Bearer tok-classTeacher1",
        "Content-Type": "application/json",
        "Content-Length": "5000000",
      },
      body: stream,
      duplex: "half",
    } as RequestInit);
    const response = await w.handler(request);
    expect(response.status).toBe(413);
    expect((await json(response)).code).toBe("rest_body_too_large");
    expect(pulled).toBeLessThanOrEqual(1);
  });

  it("refuses a body longer than its declared Content-Length (413), and reads a framed one whole", async () => {
    const w = await makeWorld({ limits: { bodyBytes: 1000 } });
    const long = JSON.stringify({ category: "family_crisis", evidence: "x".repeat(5000) });
    const request = new Request(`${origin}${basePath}${path}`, {
      method: "POST",
      headers: {
        Authorization: "Bearer tok-classTeacher1",
        "Content-Type": "application/json",
        "Content-Length": "100",
      },
      body: long,
    });
    const response = await w.handler(request);
    expect(response.status).toBe(413);
    const body = JSON.stringify({ category: "family_crisis", evidence: "父亲重病住院" });
    const framed = await w.handler(
      new Request(`${origin}${basePath}${path}`, {
        method: "POST",
        headers: {
          Authorization: "Bearer tok-classTeacher1",
          "Content-Type": "application/json",
          "Content-Length": String(new TextEncoder().encode(body).byteLength),
        },
        body,
      }),
    );
    expect(framed.status).not.toBe(413);
    expect(framed.status).not.toBe(400);
  });

  it("stops reading an endless body without Content-Length as soon as it passes the limit", async () => {
    const w = await makeWorld({ limits: { bodyBytes: 100_000 } });
    let pulled = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++;
        controller.enqueue(new TextEncoder().encode(" ".repeat(16 * 1024)));
      },
    });
    const request = new Request(`${origin}${basePath}${path}`, {
      method: "POST",
      headers: { Authorization: "Bearer tok-classTeacher1", "Content-Type": "application/json" },
      body: stream,
      duplex: "half",
    } as RequestInit);
    const response = await w.handler(request);
    expect(response.status).toBe(413);
    expect(pulled).toBeLessThan(12);
  });

  it("refuses deep nesting, long arrays and long strings with 413, __proto__ with 422", async () => {
    const w = await makeWorld();
    const deep = `{"category":"family_crisis","evidence":"x","x":${"[".repeat(100_000)}${"]".repeat(100_000)}}`;
    const r1 = await w.handler(req("classTeacher1", "POST", path, { body: deep }));
    expect(r1.status).toBe(413);
    expect((await json(r1)).code).toBe("rest_body_too_complex");
    const r2 = await w.handler(
      req("classTeacher1", "POST", path, { body: { evidence: "x", list: new Array(10_001).fill(0) } }),
    );
    expect(r2.status).toBe(413);
    const r3 = await w.handler(req("classTeacher1", "POST", path, { body: { evidence: "长".repeat(100_001) } }));
    expect(r3.status).toBe(413);
    const r4 = await w.handler(
      req("classTeacher1", "POST", path, { body: '{"evidence":"x","__proto__":{"admin":true}}' }),
    );
    expect(r4.status).toBe(422);
    expect(await json(r4)).toMatchObject({ code: "reserved_key", path: ["__proto__"] });
    const r5 = await w.handler(
      req("classTeacher1", "POST", path, { body: { evidence: "x", nested: { constructor: { prototype: 1 } } } }),
    );
    expect((await json(r5)).code).toBe("reserved_key");
  });

  it("refuses wrong content types (415), malformed JSON and invalid UTF-8 (400), non-object bodies (422)", async () => {
    const w = await makeWorld();
    const send = (body: BodyInit, type?: string) =>
      w.handler(
        new Request(`${origin}${basePath}${path}`, {
          method: "POST",
          headers: { Authorization: "Bearer tok-classTeacher1", ...(type ? { "Content-Type": type } : {}) },
          body,
        }),
      );
    expect((await send("category=x", "application/x-www-form-urlencoded")).status).toBe(415);
    expect((await send("{}", "text/plain")).status).toBe(415);
    expect((await send("{}", "application/json; charset=gbk")).status).toBe(415);
    const noType = await send(new Uint8Array([123, 125]));
    expect(noType.status).toBe(415);
    const malformed = await send("{", "application/json");
    expect(malformed.status).toBe(400);
    expect((await json(malformed)).code).toBe("rest_malformed_body");
    expect((await send(new Uint8Array([123, 34, 0xff, 34, 58, 49, 125]), "application/json")).status).toBe(400);
    const array = await send("[1,2]", "application/json; charset=UTF-8");
    expect(array.status).toBe(422);
  });

  it("bounds page sizes", async () => {
    const w = await makeWorld({ limits: { pageSize: 100 } });
    const big = await w.handler(req("principal1", "GET", "/students?limit=101"));
    expect(big.status).toBe(422);
    expect((await json(big)).code).toBe("storage_page_size");
    const engineBound = await w.handler(req("principal1", "GET", "/students?limit=100"));
    // The engine's own bound (200 here) still applies under the adapter's.
    expect(engineBound.status).toBe(200);
    const text = await w.handler(req("principal1", "GET", "/students?limit=ten"));
    expect(text.status).toBe(422);
    // Named by its label, in the request's language, without the value sent.
    expect((await json(text)).issues).toEqual([
      { path: ["limit"], code: "invalid_type", message: "“每页条数”应为数字" },
    ]);
    const english = await w.handler(
      req("principal1", "GET", "/students?limit=0", { headers: { "Accept-Language": "en" } }),
    );
    expect((await json(english)).issues?.[0]?.message).toBe("“Page size” must be at least 1");
    const twice = await w.handler(req("principal1", "GET", "/students?limit=1&limit=2"));
    expect((await json(twice)).code).toBe("rest_repeated_parameter");
  });

  it("tells JSON content types apart", () => {
    expect(isJsonContentType("application/json")).toBe(true);
    expect(isJsonContentType('Application/JSON; charset="utf-8"')).toBe(true);
    expect(isJsonContentType("application/json; charset=latin1")).toBe(false);
    expect(isJsonContentType("application/jsonp")).toBe(false);
  });

  it("parses JSON under limits without touching prototypes", () => {
    const limits = { depth: 3, arrayLength: 2, stringLength: 5 };
    const enc = (s: string) => new TextEncoder().encode(s);
    expect(parseJsonLimited(enc('{"a":[1,{"b":"ok"}]}'), limits)).toEqual({ a: [1, { b: "ok" }] });
    expect(() => parseJsonLimited(enc('[[[["x"]]]]'), limits)).toThrow(
      expect.objectContaining({ code: "rest_body_too_complex" }),
    );
    // Brackets inside strings do not count as nesting.
    expect(parseJsonLimited(enc('["[[[["]'), { ...limits, stringLength: 10 })).toEqual(["[[[["]);
    expect(() => parseJsonLimited(enc('"toolong"'), limits)).toThrow(
      expect.objectContaining({ code: "rest_body_too_complex" }),
    );
    expect(() => parseJsonLimited(enc("[1,2,3]"), limits)).toThrow(
      expect.objectContaining({ code: "rest_body_too_complex" }),
    );
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  });
});

describe("CORS", () => {
  it("answers preflights for allowed origins only, without needing an actor", async () => {
    const w = await makeWorld({
      cors: { origins: ["https://campus.example.edu.cn"], allowHeaders: ["Authorization"] },
    });
    const preflight = (o: string) =>
      w.handler(
        new Request(`${origin}${basePath}/students/stu-1-1`, {
          method: "OPTIONS",
          headers: { Origin: o, "Access-Control-Request-Method": "DELETE" },
        }),
      );
    const ok = await preflight("https://campus.example.edu.cn");
    expect(ok.status).toBe(204);
    expect(ok.headers.get("access-control-allow-origin")).toBe("https://campus.example.edu.cn");
    expect(ok.headers.get("access-control-allow-methods")).toBe("GET, DELETE, HEAD");
    expect(ok.headers.get("access-control-allow-headers")).toContain("If-Match");
    expect(ok.headers.get("access-control-allow-headers")).toContain("If-None-Match");
    expect(ok.headers.get("access-control-allow-headers")).toContain("Authorization");
    const evil = await preflight("https://evil.example");
    expect(evil.headers.get("access-control-allow-origin")).toBeNull();
    const get = await w.handler(
      req("principal1", "GET", "/students", { headers: { Origin: "https://campus.example.edu.cn" } }),
    );
    expect(get.headers.get("access-control-allow-origin")).toBe("https://campus.example.edu.cn");
    expect(get.headers.get("access-control-expose-headers")).toContain("ETag");
    expect(get.headers.get("vary")).toBe("Accept-Language, Origin");
    const offList = await w.handler(
      req("principal1", "GET", "/students", { headers: { Origin: "https://evil.example" } }),
    );
    expect(offList.headers.get("vary")).toBe("Accept-Language, Origin");
  });
});

describe("OpenAPI document", () => {
  it("is served without an actor and is valid OpenAPI 3.1 by an independent validator", async () => {
    const w = await makeWorld();
    const response = await w.handler(new Request(`${origin}${basePath}/openapi.json`));
    expect(response.status).toBe(200);
    const doc = await json(response);
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.servers).toEqual([{ url: basePath, description: expect.any(String) }]);
    const validator = new Validator();
    const result = await validator.validate(doc);
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
    expect(validator.version).toBe("3.1");
  });

  it("has one operation per use case, with parameters, headers and problems from the schemas", async () => {
    const w = await makeWorld();
    const doc = createOpenApiDocument(w.engine.useCases, { basePath });
    const operations = Object.values(doc.paths ?? {}).flatMap((item) =>
      Object.values(item as Record<string, { operationId?: string }>).map((o) => o.operationId),
    );
    expect(operations.sort()).toEqual(
      [...w.engine.useCases.map((u: { name: string }) => u.name), "errors.catalog"].sort(),
    );
    const list = doc.paths?.["/students"]?.get;
    const params = parametersOf(doc, list);
    expect(params.filter((p) => p.in === "query").map((p) => p.name)).toEqual(["classId", "grade", "cursor", "limit"]);
    expect(params.find((p) => p.name === "limit")?.schema?.maximum).toBe(200);
    const revoke = doc.paths?.["/category-flags/{flagId}/revoke"]?.post;
    const revokeParams = parametersOf(doc, revoke);
    expect(revokeParams.find((p) => p.name === "If-Match")).toMatchObject({ in: "header", required: true });
    expect(Object.keys(revoke?.responses ?? {})).toEqual(
      expect.arrayContaining(["200", "412", "428", "413", "415", "422"]),
    );
    const requestBody = revoke?.requestBody as
      | { content: Record<string, { schema: { properties: object } }> }
      | undefined;
    const body = requestBody?.content["application/json"]?.schema;
    expect(Object.keys(body?.properties ?? {})).toEqual(["revokedOn", "reason"]);
    const flag = doc.paths?.["/students/{studentId}/categories"]?.post;
    expect(Object.keys(flag?.responses ?? {})).toContain("201");
    expect(parametersOf(doc, flag).map((p) => p.name)).toContain("Idempotency-Key");
  });

  it("documents a host's own fields: whatever the input schemas carry, custom fields included", () => {
    const custom = z.strictObject({
      studentId: z.string(),
      custom: z.strictObject({ boardingDays: z.int().min(0).max(7), bus: z.enum(["yes", "no"]) }),
    });
    const doc = createOpenApiDocument(
      [
        {
          name: "visits.extra",
          description: { "zh-CN": "自定义", en: "Custom" },
          input: custom,
          output: z.strictObject({ ok: z.boolean() }),
          http: { method: "POST", path: "/students/{studentId}/extra" },
        },
      ],
      {},
    );
    const schema = JSON.stringify(doc.paths?.["/students/{studentId}/extra"]?.post?.requestBody);
    expect(schema).toContain("boardingDays");
    expect(schema).toContain('"maximum":7');
  });

  it("refuses use cases that cannot be routes", () => {
    const base = {
      description: { "zh-CN": "x", en: "x" },
      output: z.strictObject({}),
    };
    expect(() =>
      restRoutes([{ ...base, name: "a.b", input: z.strictObject({}), http: { method: "GET", path: "/x/{id}" } }]),
    ).toThrow(/path parameter \{id\}/);
    expect(() =>
      restRoutes([
        { ...base, name: "a.b", input: z.strictObject({ id: z.string() }), http: { method: "GET", path: "/x/{id}" } },
        { ...base, name: "a.c", input: z.strictObject({ key: z.string() }), http: { method: "GET", path: "/x/{key}" } },
      ]),
    ).toThrow(/share the route/);
    expect(() =>
      restRoutes([{ ...base, name: "a.b", input: z.strictObject({}), http: { method: "TRACE", path: "/x" } }]),
    ).toThrow(/cannot be a route/);
  });
});

describe("uploads", () => {
  const upload = {
    name: "records.attachPhoto",
    description: { "zh-CN": "上传照片", en: "Attach a photo" },
    input: z.strictObject({
      recordId: z.string(),
      bytes: z.instanceof(Uint8Array),
      contentType: z.string().optional(),
      caption: z.string().optional(),
      expectedVersion: z.int().min(1),
    }),
    output: z.strictObject({ size: z.int(), version: z.int() }),
    http: { method: "POST", path: "/visit-records/{recordId}/photos" },
    write: true,
  };
  async function uploadHandler() {
    const { createRestHandler } = await import("@homevisit/rest");
    const calls: unknown[] = [];
    const handler = createRestHandler(
      {
        useCases: [upload],
        callJson: async (_name, _actor, input) => {
          calls.push(input);
          const value = { size: (input as { bytes: Uint8Array }).bytes.byteLength, version: 2 };
          return { text: JSON.stringify(value), value };
        },
      },
      {
        getActor: () => ({ id: "t-1", roles: ["teacher"], cityId: "c", countyId: "k", schoolId: "s" }),
        limits: { uploadBytes: 1000 },
      },
    );
    return { handler, calls };
  }

  it("takes the raw body as bytes, its Content-Type, other fields from the query, the version from If-Match", async () => {
    const { handler, calls } = await uploadHandler();
    const response = await handler(
      new Request(`http://x/visit-records/v-1/photos?caption=${encodeURIComponent("学习角")}`, {
        method: "POST",
        headers: { "Content-Type": "image/jpeg", "If-Match": '"1"' },
        body: new Uint8Array([0xff, 0xd8, 0xff, 0xe0]),
      }),
    );
    expect(response.status).toBe(200);
    expect(response.headers.get("etag")).toMatch(/^"2\.[\w-]{22}"$/);
    expect(calls).toEqual([
      {
        recordId: "v-1",
        bytes: new Uint8Array([0xff, 0xd8, 0xff, 0xe0]),
        contentType: "image/jpeg",
        caption: "学习角",
        expectedVersion: 1,
      },
    ]);
  });

  it("refuses uploads over uploadBytes (413) and without a Content-Type (415)", async () => {
    const { handler, calls } = await uploadHandler();
    const big = await handler(
      new Request("http://x/visit-records/v-1/photos", {
        method: "POST",
        headers: { "Content-Type": "image/jpeg", "If-Match": '"1"' },
        body: new Uint8Array(1001),
      }),
    );
    expect(big.status).toBe(413);
    const untyped = await handler(
      new Request("http://x/visit-records/v-1/photos", {
        method: "POST",
        headers: { "If-Match": '"1"' },
        body: new Uint8Array(4),
      }),
    );
    expect(untyped.status).toBe(415);
    expect(calls).toEqual([]);
  });

  it("documents the upload body and query fields", () => {
    const doc = createOpenApiDocument([upload]);
    const op = doc.paths?.["/visit-records/{recordId}/photos"]?.post;
    expect(Object.keys((op?.requestBody as { content: object } | undefined)?.content ?? {})).toEqual([
      "image/jpeg",
      "image/png",
      "image/webp",
    ]);
    const names = parametersOf(doc, op).map((p) => `${p.in}:${p.name}`);
    expect(names).toEqual(expect.arrayContaining(["query:caption", "header:If-Match", "path:recordId"]));
    expect(names).not.toContain("query:bytes");
    expect(names).not.toContain("query:contentType");
  });
});
