import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient, isHomevisitClientError, responseMeta } from "@homevisit/client";
import { engineAreas, useCaseRegistry } from "@homevisit/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DemoHost, personaCookie, startDemoHost } from "../src/host.js";
import { demoScript } from "../src/pages.js";

// The demo host over real HTTP on a free port with a temporary database: the role switcher,
// the mock login cookie, and the API's scoping as each persona sees it.
const dir = mkdtempSync(join(tmpdir(), "homevisit-demo-"));
const filename = join(dir, ".homevisit/demo.db");
let host: DemoHost;

beforeAll(async () => {
  host = await startDemoHost({ filename, port: 0, students: 200 });
});
afterAll(async () => {
  await host?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function signIn(persona: string): Promise<string> {
  const response = await fetch(new URL("/persona", host.url), {
    method: "POST",
    body: new URLSearchParams({ persona }),
    redirect: "manual",
  });
  expect(response.status).toBe(303);
  const cookie = response.headers.get("set-cookie") ?? "";
  expect(cookie).toContain(`${personaCookie}=${persona}`);
  return cookie.split(";")[0] ?? "";
}

async function api(cookie: string, path: string, purpose?: string) {
  const headers: Record<string, string> = { Cookie: cookie, "Accept-Language": "en" };
  if (purpose !== undefined) headers["Homevisit-Purpose"] = encodeURIComponent(purpose);
  const response = await fetch(new URL(`/api${path}`, host.url), { headers });
  const text = await response.text();
  return { status: response.status, body: text === "" ? null : JSON.parse(text) };
}

describe("demo host", () => {
  it("serves the role switcher with the five personas, and seeds once", async () => {
    expect(host.seeded).toBe(true);
    expect(host.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const page = await fetch(host.url);
    expect(page.status).toBe(200);
    const html = await page.text();
    for (const persona of host.world.personas) expect(html).toContain(persona.actor.id);
    expect(host.world.personas.map((p) => p.key)).toEqual([
      "teacher",
      "class_teacher",
      "mentor",
      "principal",
      "county_bureau",
    ]);
    expect(html).toContain("login mock");
  });

  it("answers 401 without a persona: the cookie is the only identity", async () => {
    const anonymous = await api("", "/students");
    expect(anonymous.status).toBe(401);
    // A header claiming a role changes nothing.
    const response = await fetch(new URL("/api/students", host.url), { headers: { "X-Role": "principal" } });
    expect(response.status).toBe(401);
  });

  it("a teacher sees only their assigned students, masked", async () => {
    const cookie = await signIn("teacher");
    const list = await api(cookie, "/students?limit=200");
    expect(list.status).toBe(200);
    const ids = list.body.items.map((s: { id: string }) => s.id).sort();
    expect(ids).toEqual([...host.world.assignedStudentIds].sort());
    expect(ids).toHaveLength(3);
    for (const s of list.body.items) {
      for (const g of s.guardians) if (g.phone !== undefined) expect(g.phone).toMatch(/^\d{3}\*{4}\d{4}$/);
    }
    const assigned = await api(cookie, `/students/${host.world.assignedStudentIds[0]}`, "家访准备");
    expect(assigned.status).toBe(200);
    const other = await api(cookie, `/students/${host.world.otherStudentId}`, "家访准备");
    expect([other.status, other.body.code]).toEqual([404, "not_found"]);
  });

  it("a class teacher sees their class, the principal the whole school", async () => {
    const classList = await api(await signIn("class_teacher"), "/students?limit=200");
    const whole = await api(await signIn("principal"), "/students?limit=200");
    expect(classList.status).toBe(200);
    expect(whole.status).toBe(200);
    expect(classList.body.items.length).toBeGreaterThan(0);
    expect(whole.body.items.length).toBe(Math.min(200, host.world.students));
    expect(classList.body.items.length).toBeLessThan(whole.body.items.length);
    const classIds = new Set(classList.body.items.map((s: { classId?: string }) => s.classId));
    expect(classIds.size).toBe(1);
  });

  it("the county bureau gets no child's record", async () => {
    const cookie = await signIn("county_bureau");
    const record = await api(cookie, `/students/${host.world.otherStudentId}`, "督导");
    expect([403, 404]).toContain(record.status);
    const list = await api(cookie, "/students");
    expect([403, 404]).toContain(list.status);
  });

  // The coverage report is the bureau's view.
  const coverage = useCaseRegistry(engineAreas).find((u) => u.name === "reports.coverage");
  it.runIf(coverage !== undefined)("the county bureau gets the coverage report (aggregates)", async () => {
    const path = coverage?.http.path ?? "";
    expect(path).not.toContain("{");
    const report = await api(await signIn("county_bureau"), `${path}?from=2026-09-01&to=2027-08-31&groupBy=school`);
    expect(report.status).toBe(200);
    const body = report.body as { scope: unknown; rows: { key: string; suppressed: boolean }[] };
    // The bureau's own county, by school; no child's record in sight.
    expect(body.rows.length).toBeGreaterThan(0);
    expect(JSON.stringify(body)).not.toMatch(/"name"|"phone"/);
    // Without a period the API answers with a validation problem, not a crash.
    expect((await api(await signIn("county_bureau"), path)).status).toBe(422);
  });

  it("serves the OpenAPI document and an HTML reference rendered from it", async () => {
    const doc = await fetch(new URL("/api/openapi.json", host.url));
    expect(doc.status).toBe(200);
    const json = (await doc.json()) as { openapi: string; paths: Record<string, unknown> };
    expect(json.openapi).toBe("3.1.0");
    expect(Object.keys(json.paths)).toContain("/students/{studentId}");
    const reference = await fetch(new URL("/reference", host.url));
    expect(reference.status).toBe(200);
    const html = await reference.text();
    expect(html).toContain("students.flagCategory");
    expect(html).toContain("/api/students/{studentId}");
    expect(html).not.toMatch(/<script[^>]+src="https?:/);
  });

  it("the page's script shows, for the chosen persona, what the API returns", async () => {
    const cookie = await signIn("teacher");
    const page = await (await fetch(host.url, { headers: { Cookie: cookie } })).text();
    const json = /<script type="application\/json" id="demo-data">(.*?)<\/script>/s.exec(page)?.[1] ?? "";
    // A minimal DOM and a fetch that carries the cookie, as a browser on this page would.
    const elements = { "demo-data": { textContent: json }, calls: { innerHTML: "", textContent: "" } };
    const document = { getElementById: (id: keyof typeof elements) => elements[id] };
    const pageFetch = (path: string, init: RequestInit = {}) =>
      fetch(new URL(path, host.url), {
        ...init,
        headers: { ...(init.headers as Record<string, string>), Cookie: cookie },
      });
    const run = new Function("document", "fetch", `${demoScript}\nreturn ready;`) as (
      d: unknown,
      f: unknown,
    ) => Promise<void>;
    await run(document, pageFetch);
    const html = elements.calls.innerHTML;
    expect(html).toContain('<span class="status ok">200</span> <code>GET /api/students?limit=100</code>');
    expect(html).toContain('<span class="status denied">404</span>');
    expect(html.match(/<tr><td>/g)).toHaveLength(3);
    expect(html).toMatch(/\d{3}\*{4}\d{4}/);
  });

  it("takes a free port when the one asked for is busy", async () => {
    const second = await startDemoHost({ filename: join(dir, "second.db"), port: host.port, students: 60 });
    try {
      expect(second.port).not.toBe(host.port);
      expect((await fetch(second.url)).status).toBe(200);
    } finally {
      await second.close();
    }
  });

  it("reuses the database on a re-run", async () => {
    await host.close();
    host = await startDemoHost({ filename, port: 0, students: 200 });
    expect(host.seeded).toBe(false);
    const list = await api(await signIn("teacher"), "/students");
    expect(list.body.items).toHaveLength(3);
  });
});

describe("the demo campus mid-term, built from the widgets", () => {
  it("has consents on record: the teacher's first draft is not refused for consent", async () => {
    const client = createClient({
      baseUrl: new URL("/api", host.url).href,
      headers: { Cookie: await signIn("teacher") },
    });
    const [studentId] = host.world.assignedStudentIds;
    const draft = await client.records.draft({
      studentId: studentId ?? "",
      record: { kind: "universal", term: "2026-2027-1", channel: "phone" },
    });
    expect(draft.record.status).toBe("draft");
  });

  it("shows a principal an overdue check-in and the class's visits in coverage", async () => {
    const client = createClient({
      baseUrl: new URL("/api", host.url).href,
      headers: { Cookie: await signIn("principal") },
    });
    const { items } = await client.safety.overdue({});
    expect(items).toHaveLength(1);
    // The trip left at an after-school hour (16:30, an hour's visit and the grace), whatever
    // time the host was started: never a trip at 2 a.m.
    expect(items[0]?.dueAt).toMatch(/T18:00:00\+08:00$/);
    const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    const coverage = await client.reports.coverage({ from: "2026-01-01", to: today, groupBy: "class" });
    expect(coverage.rows.some((r) => (r.visited ?? 0) > 0)).toBe(true);
  });

  it("serves each persona's workspace of widgets and their script", async () => {
    const teacher = await (await fetch(host.url, { headers: { Cookie: await signIn("teacher") } })).text();
    expect(teacher).toContain("<hv-my-visits");
    expect(teacher).toContain("<hv-visit-record-form");
    const bureau = await (await fetch(host.url, { headers: { Cookie: await signIn("county_bureau") } })).text();
    expect(bureau).toContain("<hv-coverage");
    expect(bureau).not.toContain("<hv-student-archive");
    const script = await fetch(new URL("/widgets.js", host.url));
    expect(script.status).toBe(200);
    expect(await script.text()).toContain("hv-visit-record-form");
  });
});

describe("the typed client against the demo host over HTTP", () => {
  it("lists and moves the teacher's appointments with If-Match from the previous result", async () => {
    const cookie = await signIn("teacher");
    const client = createClient({ baseUrl: new URL("/api", host.url).href, headers: { Cookie: cookie }, locale: "en" });
    const { items } = await client.appointments.list();
    // The assigned students' appointments, one of them twice (today's visit, seeded mid-term).
    expect([...new Set(items.map((a) => a.studentId))].sort()).toEqual([...host.world.assignedStudentIds].sort());
    const first = items.find((a) => a.status === "proposed");
    if (first === undefined) throw new Error("no appointment");
    const moved = await client.appointments.transition(
      { appointmentId: first.id, event: "contact" },
      { ifMatch: first },
    );
    expect(moved.appointment.status).toBe("contacted");
    expect(moved.version).toBe(first.version + 1);
    // Writes answer the same tag form as reads: the version, then a digest of the body.
    expect(responseMeta(moved)?.etag).toMatch(new RegExp(`^"${moved.version}\\.[\\w-]{22}"$`));
    const stale = await client.appointments
      .transition({ appointmentId: first.id, event: "confirm" }, { ifMatch: first })
      .catch((error: unknown) => error);
    expect(isHomevisitClientError(stale) && [stale.code, stale.status]).toEqual(["version_conflict", 412]);
  });

  // The demo host keeps node-server's light Request/Response (overrideGlobalObjects): bodies,
  // limits, ETags and idempotent replays must behave through them as through Node's own.
  it("reads bodies, refuses oversized ones and replays creates through node-server's light objects", async () => {
    const principal = await signIn("principal");
    const [studentId] = host.world.assignedStudentIds;
    const url = new URL(`/api/students/${studentId}/consents`, host.url);
    const post = (body: string, headers: Record<string, string> = {}) =>
      fetch(url, {
        method: "POST",
        headers: { Cookie: principal, "Accept-Language": "en", "Content-Type": "application/json", ...headers },
        body,
      });
    const huge = await post(JSON.stringify({ note: "x".repeat(2 * 1024 * 1024) }));
    expect([huge.status, ((await huge.json()) as { code: string }).code]).toEqual([413, "rest_body_too_large"]);

    const read = await api(principal, `/students/${studentId}`, "demo check");
    const guardianId = read.body.student.guardians[0].id as string;
    const body = JSON.stringify({ guardianId, grantedOn: "2026-09-01" });
    const first = await post(body, { "Idempotency-Key": "demo-light-objects" });
    const again = await post(body, { "Idempotency-Key": "demo-light-objects" });
    expect([first.status, again.status]).toEqual([201, 201]);
    expect(await again.text()).toBe(await first.text());
    expect(first.headers.get("cache-control")).toBe("no-store");
    expect(first.headers.get("content-type")).toContain("application/json");
  });
});
