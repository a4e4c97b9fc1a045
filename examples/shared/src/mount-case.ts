// The case every mount example runs over real HTTP on 127.0.0.1 (port 0: any free port):
// sign-in via the host's token, a masked list, a JSON POST that must reach homevisit whole,
// problems for a missing session and a form post, and the OpenAPI document. One copy, so a
// change to the API's answers is made once for every host.
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/** A started example server: its base URL and how to stop it. */
export interface StartedServer {
  url: string;
  close: () => Promise<void>;
}

/**
 * Registers the mount case for one host's example.
 *
 * @example
 * ```ts
 * import { describeMount } from "@homevisit-examples/shared/mount-case";
 * import { start } from "../src/server.js";
 * describeMount("koa", start);
 * ```
 */
export function describeMount(host: string, start: () => Promise<StartedServer>): void {
  let server: StartedServer;
  beforeAll(async () => {
    server = await start();
  });
  afterAll(async () => {
    await server.close();
  });

  const auth = { Authorization: "Bearer demo-principal" };
  describe(`${host} mount`, () => {
    it("lists students masked, with no-store", async () => {
      const response = await fetch(`${server.url}/api/homevisit/students`, { headers: auth });
      expect(response.status).toBe(200);
      expect(response.headers.get("cache-control")).toBe("no-store");
      const body = (await response.json()) as { items: { id: string; guardians: { phone: string }[] }[] };
      expect(body.items.map((s) => s.id)).toEqual(["stu-1"]);
      expect(body.items[0]?.guardians[0]?.phone).toBe("138****1001");
    });

    it("passes JSON bodies and headers through untouched", async () => {
      const response = await fetch(`${server.url}/api/homevisit/students/stu-1/categories`, {
        method: "POST",
        headers: { ...auth, "Content-Type": "application/json", "Idempotency-Key": "k-1" },
        body: JSON.stringify({ category: "family_crisis", evidence: "父亲重病住院" }),
      });
      expect(response.status).toBe(201);
      expect(response.headers.get("etag")).toMatch(/^"1(\.[\w-]+)?"$/);
      const body = (await response.json()) as { flag: { category: string; flaggedBy: string } };
      expect(body.flag).toMatchObject({ category: "family_crisis", flaggedBy: "t-p1" });
    });

    it("answers problems: 401 without a session, 415 for a form post", async () => {
      const anonymous = await fetch(`${server.url}/api/homevisit/students`);
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers.get("content-type")).toBe("application/problem+json; charset=utf-8");
      expect(((await anonymous.json()) as { code: string }).code).toBe("rest_unauthenticated");
      const form = await fetch(`${server.url}/api/homevisit/students/stu-1/categories`, {
        method: "POST",
        headers: { ...auth, "Content-Type": "application/x-www-form-urlencoded" },
        body: "category=family_crisis",
      });
      expect(form.status).toBe(415);
    });

    it("serves the OpenAPI document", async () => {
      const response = await fetch(`${server.url}/api/homevisit/openapi.json`);
      expect(response.status).toBe(200);
      expect(((await response.json()) as { openapi: string }).openapi).toBe("3.1.0");
    });
  });
}
