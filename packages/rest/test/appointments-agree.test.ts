// Appointments that agree with the school and with records, over HTTP (issue 15's remainders):
// an ad-hoc visit keeps to the hours the school's committed plan was scheduled with, with the
// engine's answer; an amendment that moves a record's appointmentId reopens the old appointment
// and completes the new one. Requests go to the handler, no server; every status is one the
// operation declares.
import { isHomevisitError } from "@homevisit/core";
import { createOpenApiDocument } from "@homevisit/rest";
import { beforeAll, describe, expect, it } from "vitest";
import { autumnTerm, completeRecord } from "../../core/test/support/visit-fixtures.js";
import { actors, basePath, makeWorld, origin, seedSchool1Staff, type World } from "./world.js";

const term = autumnTerm;
const schoolHours = { schoolDay: [{ from: "18:00", to: "21:00" }], restDay: [{ from: "14:00", to: "18:00" }] };

let w: World;
// biome-ignore lint/suspicious/noExplicitAny: the document is read as plain JSON.
let doc: any;

beforeAll(async () => {
  w = await makeWorld();
  await seedSchool1Staff(w);
  doc = createOpenApiDocument(w.engine.useCases, { basePath });
});

// biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary response bodies.
type Answer = { status: number; body: any };

/** A call as a signed-in actor; the status must be one the operation declares. */
async function call(
  who: string,
  method: string,
  path: string,
  init: { body?: unknown; headers?: Record<string, string>; operation: string },
): Promise<Answer> {
  const headers: Record<string, string> = { Authorization: `Bearer tok-${who}`, ...(init.headers ?? {}) };
  if (init.body !== undefined) headers["Content-Type"] = "application/json";
  const response = await w.handler(
    new Request(`${origin}${basePath}${path}`, {
      method,
      headers,
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    }),
  );
  const text = await response.text();
  const declared = doc.paths[init.operation]?.[method.toLowerCase()]?.responses ?? {};
  expect(Object.keys(declared), `${method} ${init.operation} declares ${response.status}`).toContain(
    String(response.status),
  );
  return { status: response.status, body: text === "" ? null : JSON.parse(text) };
}

const arrange = (start: string) => ({
  studentId: "stu-1-1",
  kind: "priority",
  start,
  durationMinutes: 45,
  reason: "连续三天缺课",
});

describe("ad-hoc appointments over HTTP keep to the school's hours", () => {
  it("inside the hours the school planned with is 201; outside is 422 with the engine's code and message", async () => {
    const generated = await call("principal1", "POST", "/plans", {
      body: { term, schedule: { allowedHours: schoolHours } },
      headers: { "Idempotency-Key": "plan-hours" },
      operation: "/plans",
    });
    expect(generated.status).toBe(201);
    expect(generated.body.plan.allowedHours).toEqual(schoolHours);
    const committed = await call("principal1", "POST", `/plans/${generated.body.plan.id}/commit`, {
      headers: { "If-Match": `"${generated.body.version}"` },
      operation: "/plans/{planId}/commit",
    });
    expect(committed.status).toBe(200);

    // Wednesday 2026-12-16, a school day: 20:00 is past the default 20:00 end, inside the school's.
    const inside = await call("classTeacher1", "POST", "/appointments", {
      body: arrange("2026-12-16T20:00:00+08:00"),
      headers: { "Idempotency-Key": "hours-in" },
      operation: "/appointments",
    });
    expect(inside.status, JSON.stringify(inside.body)).toBe(201);

    // 16:45 the next day: inside the defaults, outside the school's 18:00–21:00.
    const outside = arrange("2026-12-17T16:45:00+08:00");
    for (const locale of ["zh-CN", "en"] as const) {
      const refused = await call("classTeacher1", "POST", "/appointments", {
        body: outside,
        headers: { "Idempotency-Key": `hours-out-${locale}`, "Accept-Language": locale },
        operation: "/appointments",
      });
      expect(refused.status).toBe(422);
      expect(refused.body.code).toBe("appointment_outside_allowed_hours");
      expect(refused.body.detail).toContain("18:00–21:00");
      expect(JSON.stringify(refused.body)).not.toContain("16:45");
      // The same answer as the engine gives the same actor.
      let engineMessage: string | undefined;
      await w.engine.appointments.create(actors.classTeacher1, outside as never).catch((error: unknown) => {
        if (!isHomevisitError(error)) throw error;
        expect(error.code).toBe(refused.body.code);
        expect(error.status).toBe(refused.status);
        engineMessage = error.messages[locale];
      });
      expect(refused.body.detail).toBe(engineMessage);
    }
  });
});

describe("amending a record's appointmentId over HTTP", () => {
  it("the old appointment reopens, the new one completes with the record linked; a foreign id is 422", async () => {
    await w.storage.transaction(async (tx) => {
      for (const [id, start] of [
        ["apt-a", "2026-12-21T19:00:00+08:00"],
        ["apt-b", "2026-12-22T19:00:00+08:00"],
      ] as const) {
        await tx.appointments.create({
          id,
          schoolId: "sch-1",
          studentId: "stu-1-2",
          teacherId: "t-c1",
          kind: "universal",
          channel: { type: "in_home" },
          status: "proposed",
          start,
          durationMinutes: 45,
        });
      }
      await tx.appointments.create({
        id: "apt-foreign",
        schoolId: "sch-2",
        studentId: "stu-2-1",
        teacherId: "t-c2",
        kind: "universal",
        channel: { type: "in_home" },
        status: "proposed",
        start: "2026-12-22T19:00:00+08:00",
        durationMinutes: 45,
      });
    });
    const record = (appointmentId: string) => ({ appointmentId, ...completeRecord });
    const draft = await call("classTeacher1", "POST", "/students/stu-1-2/visit-records", {
      body: { record: record("apt-a") },
      headers: { "Idempotency-Key": "draft-relink" },
      operation: "/students/{studentId}/visit-records",
    });
    expect(draft.status, JSON.stringify(draft.body)).toBe(201);
    const recordId = draft.body.record.id;
    const submitted = await call("classTeacher1", "POST", `/visit-records/${recordId}/submit`, {
      headers: { "If-Match": `"${draft.body.version}"` },
      operation: "/visit-records/{recordId}/submit",
    });
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(200);
    expect((await w.storage.appointments.get("apt-a"))?.record.status).toBe("completed");

    const amend = (appointmentId: string, version: number) =>
      call("classTeacher1", "POST", `/visit-records/${recordId}/amend`, {
        body: { record: record(appointmentId), reason: "关联到实际进行的那次预约" },
        headers: { "If-Match": `"${version}"` },
        operation: "/visit-records/{recordId}/amend",
      });
    const foreign = await amend("apt-foreign", submitted.body.version);
    const missing = await amend("apt-missing", submitted.body.version);
    expect(foreign.status).toBe(422);
    expect(foreign.body.code).toBe("visit_record_appointment_mismatch");
    expect(missing.body).toEqual(foreign.body);
    expect((await w.storage.appointments.get("apt-a"))?.record.recordId).toBe(recordId);

    const moved = await amend("apt-b", submitted.body.version);
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    expect(moved.body.record.appointmentId).toBe("apt-b");
    const a = (await w.storage.appointments.get("apt-a"))?.record;
    expect(a?.status).toBe("proposed");
    expect(a?.recordId).toBeUndefined();
    expect(a?.history.at(-1)).toMatchObject({ event: "reopen", from: "completed", to: "proposed", recordId });
    expect((await w.storage.appointments.get("apt-b"))?.record).toMatchObject({ status: "completed", recordId });
  });
});
