import {
  createClient,
  type FetchLike,
  HomevisitClientError,
  isHomevisitClientError,
  paginate,
  responseMeta,
} from "@homevisit/client";
import { describe, expect, it } from "vitest";
import { type ActorName, baseUrl, makeWorld, useCases, type World } from "./world.js";

const noWait = { sleep: async () => undefined };

function clientFor(world: World, who: ActorName | null, fetch?: FetchLike, locale: "zh-CN" | "en" = "en") {
  let n = 0;
  return createClient({
    baseUrl,
    useCases,
    fetch: fetch ?? ((req) => world.handler(req)),
    headers: who === null ? {} : { Authorization: `Bearer tok-${who}` },
    locale,
    idempotencyKey: () => `key-${++n}`,
    ...noWait,
  });
}

async function caught(promise: Promise<unknown>): Promise<HomevisitClientError> {
  try {
    await promise;
  } catch (error) {
    if (isHomevisitClientError(error)) return error;
    throw error;
  }
  throw new Error("expected the call to fail");
}

describe("typed calls against the REST handler", () => {
  it("lists masked students and reads one with a purpose, exposing the ETag", async () => {
    const w = await makeWorld();
    const client = clientFor(w, "principal");
    const list = await client.students.list({ limit: 2 });
    expect(list.items.map((s) => s.id)).toEqual(["stu-1-1", "stu-1-2"]);
    expect(list.items[0]?.guardians[0]?.phone).toBe("138****1001");
    expect(list.nextCursor).toBeTypeOf("string");

    const read = await client.students.read({ studentId: "stu-1-1" }, { purpose: "准备家访" });
    expect(read.student.guardians[0]?.phone).toBe("13800001001");
    expect(read.version).toBe(1);
    expect(responseMeta(read)).toMatchObject({ status: 200, etag: expect.stringMatching(/^"1\./), version: 1 });
    expect(responseMeta(read)?.attempts).toBe(1);
    // The purpose travels percent-encoded; the locale as Accept-Language.
    const sent = w.seen.at(-1);
    expect(sent?.headers.get("homevisit-purpose")).toBe(encodeURIComponent("准备家访"));
    expect(sent?.headers.get("accept-language")).toBe("en");
    expect(new URL(sent?.url ?? "").pathname).toBe("/api/homevisit/students/stu-1-1");
  });

  it("escapes path parameters and sends the rest as query or JSON body", async () => {
    const w = await makeWorld();
    const client = clientFor(w, "principal");
    const error = await caught(client.students.read({ studentId: "a/b" }, { purpose: "x" }));
    expect(new URL(w.seen.at(-1)?.url ?? "").pathname).toBe("/api/homevisit/students/a%2Fb");
    expect(error.status).toBeGreaterThanOrEqual(400);
    await client.students.list({ classId: "cls-1", limit: 5 });
    expect(new URL(w.seen.at(-1)?.url ?? "").search).toBe("?classId=cls-1&limit=5");
    await client.students.flagCategory({ studentId: "stu-1-1", category: "disability", evidence: "残疾证" });
    const post = w.seen.at(-1);
    expect(post?.method).toBe("POST");
    expect(post?.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(await post?.json()).toEqual({ category: "disability", evidence: "残疾证" });
  });

  it("walks pages with paginate", async () => {
    const w = await makeWorld();
    const client = clientFor(w, "principal");
    const ids: string[] = [];
    for await (const s of paginate(client.students.list, { limit: 1 })) ids.push(s.id);
    expect(ids).toEqual(["stu-1-1", "stu-1-2", "stu-1-3"]);
  });
});

describe("errors", () => {
  it("maps problems to HomevisitClientError with code, status, localized message and issue paths", async () => {
    const w = await makeWorld();
    const en = clientFor(w, "principal", undefined, "en");
    const zh = clientFor(w, "principal", undefined, "zh-CN");

    const invalid = await caught(
      en.students.flagCategory({ studentId: "stu-1-1", category: "nope" as "disability", evidence: "" }),
    );
    expect(invalid).toBeInstanceOf(HomevisitClientError);
    expect(invalid.code).toBe("validation_failed");
    expect(invalid.status).toBe(422);
    expect(invalid.message).toBe("The input failed validation");
    expect(invalid.issuePaths).toEqual(expect.arrayContaining(["category", "evidence"]));
    expect(invalid.operation).toBe("students.flagCategory");

    const missing = await caught(zh.students.read({ studentId: "stu-404" }, { purpose: "准备家访" }));
    expect(missing.code).toBe("not_found");
    expect(missing.status).toBe(404);
    expect(missing.message.startsWith("找不到")).toBe(true);
    expect(missing.problem?.type).toBe("urn:homevisit:problem:not_found");

    const anonymous = await caught(clientFor(w, null).students.list());
    expect(anonymous.code).toBe("rest_unauthenticated");
    expect(anonymous.status).toBe(401);
  });

  it("answers an out-of-scope record exactly like a missing one", async () => {
    const w = await makeWorld();
    const county = await caught(clientFor(w, "county").students.read({ studentId: "stu-1-1" }, { purpose: "督导" }));
    const missing = await caught(clientFor(w, "county").students.read({ studentId: "stu-404" }, { purpose: "督导" }));
    expect([county.code, county.status]).toEqual(["not_found", 404]);
    expect(county.message).toBe(missing.message);
  });

  it("reports a response that is not a problem as client_unexpected_response", async () => {
    const w = await makeWorld();
    const html: FetchLike = async () => new Response("<h1>Bad gateway</h1>", { status: 502 });
    const error = await caught(clientFor(w, "principal", html).students.list());
    expect(error.code).toBe("client_unexpected_response");
    expect(error.message).toBe("The home-visit service sent a response that could not be read (HTTP 502)");
  });

  it("rejects a missing path parameter before sending", async () => {
    const w = await makeWorld();
    const error = await caught(clientFor(w, "principal").students.read({ studentId: "" }));
    expect(error.code).toBe("validation_failed");
    expect(error.issuePaths).toEqual(["studentId"]);
    expect(w.seen).toHaveLength(0);
  });
});

describe("retries and idempotency keys", () => {
  it("reuses the idempotency key when the first response is lost, and the create happens once", async () => {
    const w = await makeWorld();
    let calls = 0;
    const lossy: FetchLike = async (req) => {
      calls++;
      const response = await w.handler(req);
      if (calls === 1) throw new TypeError("fetch failed: socket hang up"); // the server did the work
      return response;
    };
    const client = clientFor(w, "classTeacher", lossy);
    const result = await client.students.flagCategory({
      studentId: "stu-1-2",
      category: "family_crisis",
      evidence: "父亲重病",
    });
    expect(responseMeta(result)?.attempts).toBe(2);
    const keys = w.seen.map((r) => r.headers.get("idempotency-key"));
    expect(keys).toEqual(["key-1", "key-1"]);

    const read = await clientFor(w, "principal").students.read({ studentId: "stu-1-2" }, { purpose: "核对" });
    expect(read.categories.map((f) => f.id)).toEqual([result.flag.id]);
  });

  it("retries a 503 and a refused connection, then gives up with client_network_error", async () => {
    const w = await makeWorld();
    let calls = 0;
    const flaky: FetchLike = async (req) => {
      calls++;
      if (calls === 1) {
        const body = {
          type: "urn:homevisit:problem:storage_unavailable",
          title: "",
          status: 503,
          detail: "",
          code: "storage_unavailable",
          path: [],
          issues: [],
        };
        return new Response(JSON.stringify(body), {
          status: 503,
          headers: { "Content-Type": "application/problem+json", "Retry-After": "0" },
        });
      }
      if (calls === 2) throw new TypeError("ECONNREFUSED");
      return w.handler(req);
    };
    const list = await clientFor(w, "principal", flaky).students.list();
    expect(list.items).toHaveLength(3);
    expect(responseMeta(list)?.attempts).toBe(3);

    const down: FetchLike = async () => {
      throw new TypeError("ECONNREFUSED");
    };
    const error = await caught(clientFor(w, "principal", down).students.list());
    expect(error.code).toBe("client_network_error");
    expect(error.attempts).toBe(3);
    expect(error.message).toBe("Could not reach the home-visit service (3 attempts)");
  });

  it("does not retry an update after a network failure (it may have been applied)", async () => {
    const w = await makeWorld();
    const principal = clientFor(w, "principal");
    const flagged = await principal.students.flagCategory({
      studentId: "stu-1-1",
      category: "disability",
      evidence: "证明",
    });
    let calls = 0;
    const down: FetchLike = async () => {
      calls++;
      throw new TypeError("ECONNRESET");
    };
    const error = await caught(
      clientFor(w, "principal", down).students.unflagCategory(
        { flagId: flagged.flag.id, reason: "误标" },
        { ifMatch: flagged },
      ),
    );
    expect([error.code, error.attempts, calls]).toEqual(["client_network_error", 1, 1]);
  });

  it("a caller's own key is sent as given, and a replay returns the first result", async () => {
    const w = await makeWorld();
    const client = clientFor(w, "principal");
    const input = { studentId: "stu-1-3", category: "learning_difficulty", evidence: "期中成绩" } as const;
    const first = await client.students.flagCategory(input, { idempotencyKey: "import-row-17" });
    const again = await client.students.flagCategory(input, { idempotencyKey: "import-row-17" });
    expect(again.flag.id).toBe(first.flag.id);
    const reused = await caught(
      client.students.flagCategory({ ...input, evidence: "另一份" }, { idempotencyKey: "import-row-17" }),
    );
    expect(reused.code).toBe("idempotency_key_reused");
  });
});

describe("ETag and If-Match", () => {
  it("sends If-Match from the previous result; a stale one gets 412, none gets 428", async () => {
    const w = await makeWorld();
    const client = clientFor(w, "principal");
    const flagged = await client.students.flagCategory({
      studentId: "stu-1-1",
      category: "disability",
      evidence: "残疾证",
    });
    expect(flagged.version).toBe(1);

    const missing = await caught(client.students.unflagCategory({ flagId: flagged.flag.id, reason: "误标" }));
    expect([missing.code, missing.status]).toEqual(["rest_precondition_required", 428]);

    // A version that is not the stored one (an ETag string, a number) is stale: 412.
    const stale = await caught(
      client.students.unflagCategory({ flagId: flagged.flag.id, reason: "误标" }, { ifMatch: 'W/"2"' }),
    );
    expect([stale.code, stale.status]).toEqual(["version_conflict", 412]);
    expect(w.seen.at(-1)?.headers.get("if-match")).toBe('"2"');
    // expectedVersion in the input wins over ifMatch.
    const stale2 = await caught(
      client.students.unflagCategory(
        { flagId: flagged.flag.id, reason: "误标", expectedVersion: 3 },
        { ifMatch: flagged },
      ),
    );
    expect(stale2.status).toBe(412);
    expect(w.seen.at(-1)?.headers.get("if-match")).toBe('"3"');

    const revoked = await client.students.unflagCategory(
      { flagId: flagged.flag.id, reason: "误标" },
      { ifMatch: flagged },
    );
    expect(revoked.version).toBe(2);
    expect(revoked.flag.revokedOn).toBe("2026-10-08");
    const sent = w.seen.at(-1);
    expect(sent?.headers.get("if-match")).toBe('"1"');
    expect(await sent?.json()).toEqual({ reason: "误标" }); // the version never rides in the body
  });
});

describe("defaults", () => {
  it("knows the engine's use cases without being told, typed from core's engineAreas", async () => {
    const w = await makeWorld();
    const client = createClient({
      baseUrl,
      fetch: (req) => w.handler(req),
      headers: { Authorization: "Bearer tok-teacher" },
    });
    expect(client.$routes.map((r) => r.name)).toEqual(
      expect.arrayContaining(["students.list", "students.flagCategory"]),
    );
    const route = client.$routes.find((r) => r.name === "students.unflagCategory");
    expect(route).toMatchObject({ httpMethod: "POST", versioned: true, idempotent: false, pathParams: ["flagId"] });
    // A plain teacher without assignments sees no student.
    const page = await client.students.list();
    expect(page.items).toEqual([]);
    const raw = await client.$call("students.list", { limit: 1 });
    expect(raw).toEqual({ items: [] });
  });
});

describe("abort", () => {
  it("stops retrying when the caller aborts", async () => {
    const controller = new AbortController();
    let calls = 0;
    const down: FetchLike = async () => {
      calls++;
      controller.abort(new DOMException("stopped", "AbortError"));
      throw new TypeError("ECONNREFUSED");
    };
    const client = createClient({ baseUrl, useCases, fetch: down, retry: { retries: 5, minDelayMs: 10_000 } });
    const error = await client.students.list({}, { signal: controller.signal }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DOMException);
    expect((error as DOMException).name).toBe("AbortError");
    expect(calls).toBe(1);
  });
});
