// The contract, tried as a vendor on another stack would: the OpenAPI document linted by
// Redocly's recommended ruleset and validated by swagger-parser; a client made with
// openapi-typescript (types) and openapi-fetch (calls) runs the teacher, principal and bureau
// workflows against the real handler, and every response is checked against the document.
import { readFileSync } from "node:fs";
import SwaggerParser from "@apidevtools/swagger-parser";
import { createConfig, lintFromString } from "@redocly/openapi-core";
import createClient from "openapi-fetch";
import { beforeAll, describe, expect, it } from "vitest";
import { contractChecker, generateTypes, type Json } from "./vendor/contract.js";
import type { paths } from "./vendor/generated/homevisit-api.js";
import {
  basePath,
  fullRecord,
  makeVendorWorld,
  origin,
  type Person,
  rosterOfSchool1,
  term,
  tokenOf,
} from "./vendor/world.js";

const world = makeVendorWorld();
let doc: Json;
let contract: ReturnType<typeof contractChecker>;

/** A vendor's client for one signed-in person: only the document's types, only fetch. */
function clientAs(who: Person) {
  const client = createClient<paths>({
    baseUrl: `${origin}${basePath}`,
    headers: { Authorization: `Bearer ${tokenOf(who)}` },
    fetch: (request) => world.handler(request),
  });
  client.use(contract.middleware);
  return client;
}

const purpose = { "Homevisit-Purpose": encodeURIComponent("准备家访") };

beforeAll(async () => {
  const response = await world.handler(new Request(`${origin}${basePath}/openapi.json`));
  doc = await response.json();
  contract = contractChecker(doc);
});

describe("the OpenAPI document", () => {
  it("passes Redocly's recommended ruleset with 0 errors", async () => {
    const config = await createConfig({ extends: ["recommended"] });
    const problems = await lintFromString({ source: JSON.stringify(doc), absoluteRef: "openapi.json", config });
    const errors = problems.filter((p) => p.severity === "error");
    expect(errors.map((e) => `${e.ruleId}: ${e.message} at ${e.location[0]?.pointer}`)).toEqual([]);
  });

  it("is valid for swagger-parser (OpenAPI 3.1 schema and references)", async () => {
    await expect(SwaggerParser.validate(structuredClone(doc))).resolves.toBeDefined();
  });

  it("declares the host's login, and the generated types match the committed ones", async () => {
    expect(doc.components.securitySchemes).toHaveProperty("hostLogin");
    expect(doc.security).toEqual([{ hostLogin: [] }]);
    expect(doc.paths["/errors"].get.security).toEqual([]);
    const committed = readFileSync(new URL("./vendor/generated/homevisit-api.ts", import.meta.url), "utf8");
    // Run `pnpm generate:openapi-types` when this fails.
    expect(await generateTypes(doc)).toBe(committed);
  });

  it("names every domain schema and leaves no schema empty", () => {
    const empty: string[] = [];
    const walk = (node: Json, path: string) => {
      if (node === null || typeof node !== "object") return;
      if (!Array.isArray(node) && /(schema|items|additionalProperties)$/.test(path) && Object.keys(node).length === 0)
        empty.push(path);
      for (const [key, value] of Object.entries(node)) walk(value, `${path}/${key}`);
    };
    walk(doc, "");
    expect(empty).toEqual([]);
    for (const name of ["Student", "VisitRecord", "Appointment", "AppointmentSummary", "Consent", "Me", "SchoolTerm"])
      expect(doc.components.schemas).toHaveProperty(name);
  });

  it("shows one shape per concept: an appointment's channel and start alike in lists and records", () => {
    const s = doc.components.schemas;
    expect(s.AppointmentSummary.properties.channel).toEqual({ $ref: "#/components/schemas/AppointmentChannelSummary" });
    expect(s.AppointmentChannelSummary.properties.type.enum).toEqual(
      s.AppointmentChannel.oneOf?.map((o: Json) => o.properties.type.const) ?? expect.anything(),
    );
    expect(s.AppointmentSummary.properties.start).toEqual(s.Appointment.properties.start);
    expect(s.Appointment.properties.rrule).toEqual({ $ref: "#/components/schemas/AppointmentRrule" });
  });

  it("says who may call each operation, from the policy matrix, and lists its error codes", () => {
    const read = doc.paths["/students/{studentId}"].get;
    expect(read["x-homevisit-policy"]).toMatchObject({
      action: "students.read",
      purposeRequired: true,
      audit: "always",
    });
    expect(read.description).toContain("班主任（class_teacher）");
    expect(read.description).toContain("class teacher (class_teacher)");
    expect(read.parameters.map((p: Json) => p.$ref ?? p.name)).toContain("#/components/parameters/HomevisitPurpose");
    const list = doc.paths["/students"].get;
    expect(list.parameters.map((p: Json) => p.$ref ?? p.name)).not.toContain(
      "#/components/parameters/HomevisitPurpose",
    );
    const codes = (op: Json) => op["x-homevisit-errors"].map((e: Json) => e.code);
    expect(codes(read)).toEqual(expect.arrayContaining(["not_found", "forbidden", "purpose_required"]));
    expect(codes(doc.paths["/students/{studentId}/visit-records"].post)).toContain("consent_required");
    expect(read.responses["422"].description).toContain("purpose_required");
    expect(doc.paths["/reports/coverage"].get.description).toContain("Groups under 5 are suppressed");
    expect(doc.paths["/safety-reports/{reportId}/check-in"].post.description).toContain("check_in_before_start");
  });

  it("publishes the error catalogue as its own document", async () => {
    const catalogue = await world.handler(new Request(`${origin}${basePath}/errors`));
    const body = await catalogue.json();
    expect(body.codes.consent_required).toMatchObject({ status: 403, type: "urn:homevisit:problem:consent_required" });
    const checked = await contract.check(
      "GET",
      "/errors",
      new Response(JSON.stringify(body), {
        status: 200,
        headers: { "Content-Type": "application/json" },
      }),
    );
    expect(checked.problems).toEqual([]);
  });
});

describe("workflows through a generated client", () => {
  it("bureau: syncs the organisation, reads it, gets coverage, and never a child", async () => {
    const city = clientAs("cityBureau");
    const synced = await city.POST("/organisation/sync", {
      params: { header: { "Idempotency-Key": "org-1" } },
      body: {
        city: { id: "lishui", name: "丽水市" },
        counties: [
          { id: "liandu", cityId: "lishui", name: "莲都区", setting: "urban" },
          { id: "suichang", cityId: "lishui", name: "遂昌县", setting: "rural" },
        ],
        schools: [
          { id: "sch-1", cityId: "lishui", countyId: "liandu", name: "莲都实验中学", kind: "junior", setting: "urban" },
          {
            id: "sch-2",
            cityId: "lishui",
            countyId: "suichang",
            name: "遂昌城关中学",
            kind: "junior",
            setting: "town",
          },
        ],
      },
    });
    expect(synced.response.status).toBe(201);
    expect(synced.data?.added.schools).toBe(2);

    const county = clientAs("countyBureau");
    const me = await county.GET("/me");
    expect(me.data).toMatchObject({ id: "b-liandu", roles: ["county_bureau"], countyId: "liandu", classes: [] });
    const organisation = await county.GET("/organisation");
    expect(organisation.data?.schools.map((s) => s.id)).toEqual(["sch-1"]);
    // No school of its own: the calendar's terms of this school year and the last, no plans.
    const terms = await county.GET("/terms");
    expect(terms.data?.items.map((i) => [i.term.id, i.source, i.plans.length])).toEqual([
      ["2026-2027-2", "calendar", 0],
      ["2026-2027-1", "calendar", 0],
      ["2025-2026-2", "calendar", 0],
      ["2025-2026-1", "calendar", 0],
    ]);
    const students = await county.GET("/students");
    expect(students.response.status).toBe(403);
    expect(students.error?.code).toBe("forbidden");
    const student = await county.GET("/students/{studentId}", {
      params: { path: { studentId: "stu-1" }, header: purpose },
    });
    expect(student.response.status).toBe(404);
  });

  it("principal: imports the roster, generates and commits the term plan, finds it under /terms", async () => {
    const principal = clientAs("principal");
    const roster = await principal.POST("/roster", { body: rosterOfSchool1() });
    expect(roster.response.status).toBe(200);
    expect(roster.data?.added).toEqual({ classes: 1, teachers: 3, students: 6 });
    // Before any plan, /terms already names the term to plan, with the calendar's dates.
    const before = await principal.GET("/terms");
    const current = before.data?.items.find((i) => i.current);
    expect(current).toMatchObject({ term: { id: term.id, start: "2026-09-01" }, source: "calendar", plans: [] });

    const plan = await principal.POST("/plans", {
      params: { header: { "Idempotency-Key": "plan-2026-1" } },
      body: { term },
    });
    expect(plan.response.status).toBe(201);
    const planId = plan.data?.plan.id ?? "";
    const etag = plan.response.headers.get("etag") ?? "";
    expect(etag).toMatch(/^"1\.[\w-]+"$/);
    const committed = await principal.POST("/plans/{planId}/commit", {
      params: { path: { planId }, header: { "If-Match": etag } },
    });
    expect(committed.response.status).toBe(200);
    expect(committed.data?.plan.status).toBe("committed");

    const terms = await principal.GET("/terms");
    const planned = terms.data?.items.find((i) => i.term.id === term.id);
    expect(planned).toMatchObject({ term, current: true, source: "plan" });
    expect(planned?.plans.map((p) => p.id)).toEqual([planId]);
    // The school's other terms come from the calendar until a plan is made for them.
    const spring = terms.data?.items.find((i) => i.term.id === "2026-2027-2");
    expect(spring).toMatchObject({ current: false, source: "calendar", plans: [] });
    const organisation = await principal.GET("/organisation");
    expect(organisation.data?.teachers.map((t) => t.name)).toEqual(["李老师", "张校长", "王老师"]);
    expect(organisation.data?.classes[0]).toMatchObject({ id: "cls-1", classTeacherId: "t-c1" });
  });

  it("teacher: finds their visits, is refused consent (403) but not told about other schools (404), records, checks in", async () => {
    const teacher = clientAs("teacher");
    const classTeacher = clientAs("classTeacher");
    const me = await teacher.GET("/me");
    expect(me.data).toMatchObject({ id: "t-t1", name: "王老师", school: { id: "sch-1" } });
    const obligations = await teacher.GET("/me/obligations", { params: { query: { termId: term.id } } });
    const mine = obligations.data?.items.find((o) => o.role === "lead");
    expect(mine).toBeDefined();
    const studentId = mine?.studentId ?? "";

    // Visible, but consent is the class teacher's to record: 403, not 404.
    const refused = await teacher.POST("/students/{studentId}/consents", {
      params: { path: { studentId } },
      body: { guardianId: `g-${studentId.slice(4)}` },
    });
    expect(refused.response.status).toBe(403);
    expect(refused.error?.code).toBe("forbidden");
    const elsewhere = await teacher.POST("/students/{studentId}/consents", {
      params: { path: { studentId: "stu-of-another-school" } },
      body: { guardianId: "g-x" },
    });
    expect(elsewhere.response.status).toBe(404);

    // A 12-year-old: no draft before a guardian's consent is on record.
    const early = await teacher.POST("/students/{studentId}/visit-records", {
      params: { path: { studentId } },
      body: { record: fullRecord },
    });
    expect(early.response.status).toBe(403);
    expect(early.error?.code).toBe("consent_required");
    const consent = await classTeacher.POST("/students/{studentId}/consents", {
      params: { path: { studentId }, header: { "Idempotency-Key": `consent-${studentId}` } },
      body: { guardianId: `g-${studentId.slice(4)}`, grantedOn: "2026-09-02", evidence: "家长会签字" },
    });
    expect(consent.response.status).toBe(201);

    const appointments = await teacher.GET("/appointments", { params: { query: { studentId } } });
    const appointment = appointments.data?.items[0];
    expect(appointment?.channel).toEqual({ type: "in_home" });
    let version = appointment?.version ?? 0;
    for (const event of ["contact", "confirm", "depart"] as const) {
      const moved = await teacher.POST("/appointments/{appointmentId}/transitions", {
        params: { path: { appointmentId: appointment?.id ?? "" }, header: { "If-Match": `"${version}"` } },
        body: { event },
      });
      expect(moved.response.status, event).toBe(200);
      version = moved.data?.version ?? 0;
    }

    const trip = await teacher.POST("/safety-reports", {
      params: { header: { "Idempotency-Key": `trip-${studentId}` } },
      body: {
        studentIds: [studentId],
        destination: { county: "莲都区", town: "碧湖镇", village: "平原村" },
        plannedStart: "2026-10-08T07:00:00+08:00",
        expectedDurationMinutes: 90,
        transportMode: "e_bike",
        noUnlicensedVehicle: true,
        reachablePhone: "13800001111",
      },
    });
    expect(trip.response.status).toBe(201);

    const read = await teacher.GET("/students/{studentId}", { params: { path: { studentId }, header: purpose } });
    expect(read.data?.student.guardians[0]?.phone).toMatch(/^139/);
    const noPurpose = await teacher.GET("/students/{studentId}", {
      params: { path: { studentId } } as never,
    });
    expect(noPurpose.response.status).toBe(422);
    expect(noPurpose.error?.code).toBe("purpose_required");

    const draft = await teacher.POST("/students/{studentId}/visit-records", {
      params: { path: { studentId }, header: { "Idempotency-Key": `draft-${studentId}` } },
      body: { record: fullRecord },
    });
    expect(draft.response.status).toBe(201);
    const recordId = draft.data?.record.id ?? "";
    const saved = await teacher.PUT("/visit-records/{recordId}", {
      params: { path: { recordId }, header: { "If-Match": draft.response.headers.get("etag") ?? "" } },
      body: { record: { ...fullRecord, schoolFeedback: { notes: "在校表现积极，乐于助人" } } },
    });
    expect(saved.response.status).toBe(200);
    const stale = await teacher.PUT("/visit-records/{recordId}", {
      params: { path: { recordId }, header: { "If-Match": draft.response.headers.get("etag") ?? "" } },
      body: { record: fullRecord },
    });
    expect(stale.response.status).toBe(412);
    const submitted = await teacher.POST("/visit-records/{recordId}/submit", {
      params: { path: { recordId }, header: { "If-Match": saved.response.headers.get("etag") ?? "" } },
    });
    expect(submitted.response.status).toBe(200);
    expect(submitted.data?.record.status).toBe("submitted");
    const full = await teacher.GET("/visit-records/{recordId}", { params: { path: { recordId }, header: purpose } });
    expect(full.data?.record.schoolFeedback?.notes).toContain("乐于助人");

    const done = await teacher.POST("/appointments/{appointmentId}/transitions", {
      params: { path: { appointmentId: appointment?.id ?? "" }, header: { "If-Match": `"${version}"` } },
      body: { event: "complete" },
    });
    expect(done.response.status).toBe(200);
    const checkIn = await teacher.POST("/safety-reports/{reportId}/check-in", {
      params: { path: { reportId: trip.data?.report.id ?? "" } },
      body: {},
    });
    expect(checkIn.response.status).toBe(200);
    const again = await teacher.POST("/safety-reports/{reportId}/check-in", {
      params: { path: { reportId: trip.data?.report.id ?? "" } },
      body: {},
    });
    expect(again.response.status).toBe(409);
    const trips = await teacher.GET("/safety-reports");
    expect(trips.data?.items.map((t) => Boolean(t.checkIn))).toEqual([true]);
  });

  it("principal: the school's week — safety board, zero report, coverage, consent status", async () => {
    const principal = clientAs("principal");
    const board = await principal.GET("/safety-reports", {
      params: { query: { from: "2026-10-05", to: "2026-10-11" } },
    });
    expect(board.data?.items).toHaveLength(1);
    const zero = await principal.POST("/safety-zero-reports", {
      params: { header: { "Idempotency-Key": "zero-w41" } },
      body: { period: { from: "2026-10-05", to: "2026-10-11" }, nothingHappened: true },
    });
    expect(zero.response.status).toBe(201);
    const zeros = await principal.GET("/safety-zero-reports", { params: { query: { from: "2026-10-01" } } });
    expect(zeros.data?.items.map((z) => z.zeroReport.period)).toEqual([{ from: "2026-10-05", to: "2026-10-11" }]);
    const coverage = await principal.GET("/reports/coverage", {
      params: { query: { from: term.start, to: term.end, groupBy: "class" } },
    });
    expect(coverage.data?.rows[0]).toMatchObject({ key: "cls-1", enrolled: 6, visited: 1 });
    const students = await principal.GET("/students", { params: { query: { limit: 2 } } });
    expect(students.data?.items).toHaveLength(2);
    expect(students.response.headers.get("link")).toContain('rel="next"');
    const consents = await principal.GET("/students/{studentId}/consents", {
      params: { path: { studentId: "stu-1" } },
    });
    expect(consents.response.status).toBe(200);
    const other = clientAs("otherPrincipal");
    const hidden = await other.GET("/students/{studentId}/consents", { params: { path: { studentId: "stu-1" } } });
    expect(hidden.response.status).toBe(404);
  });

  it("bureau: coverage of the county by school, aggregates only", async () => {
    const county = clientAs("countyBureau");
    const coverage = await county.GET("/reports/coverage", {
      params: { query: { from: term.start, to: term.end, groupBy: "school" } },
    });
    expect(coverage.data?.scope).toEqual({ countyId: "liandu" });
    expect(coverage.data?.rows).toEqual([
      { key: "sch-1", enrolled: 6, visited: 1, visits: 1, rate: expect.closeTo(1 / 6), suppressed: false },
    ]);
    const small = await county.GET("/reports/coverage", {
      params: { query: { from: term.start, to: term.end, groupBy: "teacher" } },
    });
    expect(small.data?.rows.every((r) => r.suppressed && r.visited === null)).toBe(true);
  });

  it("the checker itself refuses an undeclared status and a body that does not match", async () => {
    const teapot = await contract.check("GET", "/me", new Response("{}", { status: 418 }));
    expect(teapot.problems).toEqual(["status 418 is not declared"]);
    const wrong = await contract.check(
      "GET",
      "/me",
      new Response(JSON.stringify({ id: 1 }), {
        status: 200,
        headers: {
          "Content-Type": "application/json",
          "Content-Language": "en",
          Vary: "Accept-Language",
          "Cache-Control": "no-store",
        },
      }),
    );
    expect(wrong.problems.length).toBeGreaterThan(0);
    contract.checked.splice(contract.checked.indexOf(teapot), 1);
    contract.checked.splice(contract.checked.indexOf(wrong), 1);
  });

  it("every response matched the document: declared status, media type, headers and body", () => {
    const failures = contract.checked.filter((c) => c.problems.length > 0);
    expect(failures).toEqual([]);
    expect(contract.checked.length).toBeGreaterThan(40);
  });
});
