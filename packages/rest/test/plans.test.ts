// Plans and appointments over real HTTP on loopback (issue 15's REST remainders, issue 13's
// listing and paging): the school's plans, a plan read a page at a time, its quality figures, an
// ad-hoc appointment, the personalised visit plan, and a submitted record closing its
// appointment — every response checked against the operation's declared statuses.
import { createOpenApiDocument } from "@homevisit/rest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { autumnTerm, completeRecord } from "../../core/test/support/visit-fixtures.js";
import { type Served, serve } from "./http.js";
import { basePath, makeWorld, seedSchool1Staff, type World } from "./world.js";

const term = autumnTerm;
const purpose = { "Homevisit-Purpose": encodeURIComponent("准备家访") };

let w: World;
let server: Served;
// biome-ignore lint/suspicious/noExplicitAny: the document is read as plain JSON.
let doc: any;

beforeAll(async () => {
  w = await makeWorld();
  await seedSchool1Staff(w);
  server = await serve(w.handler);
  doc = createOpenApiDocument(w.engine.useCases, { basePath });
});
afterAll(async () => {
  await server.close();
});

// biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary response bodies.
type Answer = { status: number; body: any; headers: Headers };

/** A call over HTTP as a signed-in actor; the status must be one the operation declares. */
async function call(
  who: string,
  method: string,
  path: string,
  init: { body?: unknown; headers?: Record<string, string>; operation?: string } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { Authorization: `Bearer tok-${who}`, ...(init.headers ?? {}) };
  if (init.body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(`${server.url}${basePath}${path}`, {
    method,
    headers,
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  const text = await response.text();
  const template = init.operation ?? path.split("?")[0];
  const declared = doc.paths[template as string]?.[method.toLowerCase()]?.responses ?? {};
  expect(Object.keys(declared), `${method} ${template} declares ${response.status}`).toContain(String(response.status));
  return { status: response.status, body: text === "" ? null : JSON.parse(text), headers: response.headers };
}

describe("plans over HTTP", () => {
  let planId = "";
  let obligationIds: string[] = [];

  it("a principal generates a plan, finds it under GET /plans with its counts", async () => {
    const generated = await call("principal1", "POST", "/plans", {
      body: { term },
      headers: { "Idempotency-Key": "plan-1" },
    });
    expect(generated.status).toBe(201);
    planId = generated.body.plan.id;
    obligationIds = generated.body.plan.obligations.map((o: { id: string }) => o.id);
    expect(obligationIds.length).toBeGreaterThan(1);

    const listed = await call("principal1", "GET", "/plans");
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((p: { id: string }) => p.id)).toEqual([planId]);
    expect(listed.body.items[0]).toMatchObject({
      termId: term.id,
      status: "draft",
      counts: { obligations: obligationIds.length, appointments: 0 },
    });
    const elsewhere = await call("principal2", "GET", "/plans");
    expect(elsewhere.body.items).toEqual([]);
    const bureau = await call("county1", "GET", "/plans");
    expect(bureau.status).toBe(403);
  });

  it("GET /plans/{planId} pages its obligations with a summary; the pages make the whole", async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const query = `?limit=2${cursor === undefined ? "" : `&cursor=${encodeURIComponent(cursor)}`}`;
      const page = await call("principal1", "GET", `/plans/${planId}${query}`, { operation: "/plans/{planId}" });
      expect(page.status).toBe(200);
      expect(page.body.plan.obligations.length).toBeLessThanOrEqual(2);
      expect(page.body.summary.counts.obligations).toBe(obligationIds.length);
      seen.push(...page.body.plan.obligations.map((o: { id: string }) => o.id));
      cursor = page.body.nextCursor;
    } while (cursor !== undefined);
    expect(seen).toEqual(obligationIds);
    const bad = await call("principal1", "GET", `/plans/${planId}?cursor=nope`, { operation: "/plans/{planId}" });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe("storage_invalid_cursor");
  });

  it("GET /plans/{planId}/quality: the figures to a principal, 403 to a teacher, 404 to another school", async () => {
    const q = await call("principal1", "GET", `/plans/${planId}/quality`, { operation: "/plans/{planId}/quality" });
    expect(q.status).toBe(200);
    expect(q.body.planId).toBe(planId);
    expect(Object.keys(q.body.placement.byKind).sort()).toEqual(
      ["crisis", "mentor_contact", "new_student", "priority", "universal"].sort(),
    );
    expect(q.body.placement.inHome.due).toBeGreaterThan(0);
    expect(q.body.loadSpread).toHaveProperty("ratio");
    for (const u of q.body.placement.unplaced) expect(u.action.en.length).toBeGreaterThan(0);
    const teacher = await call("teacher1", "GET", `/plans/${planId}/quality`, { operation: "/plans/{planId}/quality" });
    expect(teacher.status).toBe(403);
    const other = await call("principal2", "GET", `/plans/${planId}/quality`, { operation: "/plans/{planId}/quality" });
    expect(other.status).toBe(404);
  });

  it("the document lists the plans operations' errors and preconditions", () => {
    const commit = doc.paths["/plans/{planId}/commit"].post;
    expect(JSON.stringify(commit)).toContain("plan_not_draft");
    const create = doc.paths["/appointments"].post;
    expect(JSON.stringify(create)).toContain("appointment_teacher_clash");
    expect(JSON.stringify(doc.paths["/plans/{planId}"].get.parameters)).toContain("cursor");
  });
});

describe("appointments over HTTP", () => {
  it("a class teacher arranges an ad-hoc visit; a clash and a holiday answer typed errors", async () => {
    const body = {
      studentId: "stu-1-1",
      kind: "priority",
      start: "2026-10-14T18:30:00+08:00",
      durationMinutes: 45,
      reason: "连续三天缺课",
    };
    const made = await call("classTeacher1", "POST", "/appointments", {
      body,
      headers: { "Idempotency-Key": "adhoc-1" },
    });
    expect(made.status).toBe(201);
    expect(made.body.appointment).toMatchObject({ status: "proposed", teacherId: "t-c1", reason: "连续三天缺课" });
    const clash = await call("classTeacher1", "POST", "/appointments", {
      body: { ...body, start: "2026-10-14T19:00:00+08:00" },
      headers: { "Idempotency-Key": "adhoc-2" },
    });
    expect(clash.status).toBe(409);
    expect(clash.body.code).toBe("appointment_teacher_clash");
    const holiday = await call("classTeacher1", "POST", "/appointments", {
      body: { ...body, start: "2026-10-02T10:00:00+08:00" },
      headers: { "Idempotency-Key": "adhoc-3" },
    });
    expect(holiday.status).toBe(422);
    expect(holiday.body.code).toBe("appointment_on_holiday");
    const notMine = await call("classTeacher1", "POST", "/appointments", {
      body: { ...body, studentId: "stu-2-1" },
      headers: { "Idempotency-Key": "adhoc-4" },
    });
    expect(notMine.status).toBe(404);
  });

  it("a record submitted against the appointment completes it with the record linked", async () => {
    const listed = await call("classTeacher1", "GET", "/appointments?studentId=stu-1-1", {
      operation: "/appointments",
    });
    const appointment = listed.body.items.find((a: { status: string }) => a.status === "proposed");
    const record = {
      appointmentId: appointment.id,
      ...completeRecord,
      kind: "priority",
      prioritySupport: { supportTypes: ["learning_tutoring"], notes: "每周两次课后辅导" },
    };
    const draft = await call("classTeacher1", "POST", "/students/stu-1-1/visit-records", {
      body: { record },
      headers: { "Idempotency-Key": "draft-adhoc" },
      operation: "/students/{studentId}/visit-records",
    });
    expect(draft.status).toBe(201);
    const submitted = await call("classTeacher1", "POST", `/visit-records/${draft.body.record.id}/submit`, {
      headers: { "If-Match": `"${draft.body.version}"` },
      operation: "/visit-records/{recordId}/submit",
    });
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(200);
    const after = await call("classTeacher1", "GET", "/appointments?studentId=stu-1-1", {
      operation: "/appointments",
    });
    expect(after.body.items.find((a: { id: string }) => a.id === appointment.id).status).toBe("completed");
    const stored = await w.storage.appointments.get(appointment.id);
    expect(stored?.record.recordId).toBe(draft.body.record.id);
  });

  it("GET /students/{studentId}/visit-plan: with a purpose, in scope", async () => {
    const plan = await call("classTeacher1", "GET", "/students/stu-1-1/visit-plan?date=2026-10-15", {
      headers: purpose,
      operation: "/students/{studentId}/visit-plan",
    });
    expect(plan.status).toBe(200);
    expect(plan.body.plan).toMatchObject({ studentId: "stu-1-1", date: "2026-10-15" });
    expect(plan.body.plan.triggers.map((t: { key: string }) => t.key)).toContain("every_visit");
    const noPurpose = await call("classTeacher1", "GET", "/students/stu-1-1/visit-plan", {
      operation: "/students/{studentId}/visit-plan",
    });
    expect(noPurpose.body.code).toBe("purpose_required");
    const elsewhere = await call("classTeacher1", "GET", "/students/stu-2-1/visit-plan", {
      headers: purpose,
      operation: "/students/{studentId}/visit-plan",
    });
    expect(elsewhere.status).toBe(404);
  });
});
