// Next.js calls a route handler's exported functions with a Request; so does this test (no
// Next dev server needed): the same objects Next passes in production.
import { describe, expect, it } from "vitest";
import { GET, POST } from "../src/app/api/homevisit/[...path]/route.js";

const base = "http://localhost:3000/api/homevisit";
const auth = { Authorization: "Bearer demo-principal" };

describe("Next.js route handler", () => {
  it("lists students masked, with no-store", async () => {
    const response = await GET(new Request(`${base}/students`, { headers: auth }));
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    const body = (await response.json()) as { items: { id: string; guardians: { phone: string }[] }[] };
    expect(body.items.map((s) => s.id)).toEqual(["stu-1"]);
    expect(body.items[0]?.guardians[0]?.phone).toBe("138****1001");
  });

  it("creates with a JSON body and answers problems", async () => {
    const created = await POST(
      new Request(`${base}/students/stu-1/categories`, {
        method: "POST",
        headers: { ...auth, "Content-Type": "application/json" },
        body: JSON.stringify({ category: "family_crisis", evidence: "父亲重病住院" }),
      }),
    );
    expect(created.status).toBe(201);
    expect(created.headers.get("etag")).toMatch(/^"1(\.[\w-]+)?"$/);
    const anonymous = await GET(new Request(`${base}/students`));
    expect(anonymous.status).toBe(401);
    expect(((await anonymous.json()) as { code: string }).code).toBe("rest_unauthenticated");
  });
});
