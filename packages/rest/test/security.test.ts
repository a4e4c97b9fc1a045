// HTTP-level security suite (RELIABILITY.md promises 1–3): object ids of another school guessed in
// the path, the query and the body answer exactly like missing ones; identity claimed in headers,
// query or body is never used; server-owned fields in a body are refused.
import { describe, expect, it } from "vitest";
import { type ActorName, json, makeWorld, req } from "./world.js";

const purpose = { "Homevisit-Purpose": encodeURIComponent("准备家访") };

/** Status and body, for comparing "another school's" with "missing". */
async function answer(response: Response) {
  return { status: response.status, type: response.headers.get("content-type"), body: await response.text() };
}

describe("object-id guessing", () => {
  const readRoutes = ["", "/archive", "/consents", "/export"];

  it("another school's student in the path answers exactly like a missing one", async () => {
    const w = await makeWorld();
    for (const suffix of readRoutes) {
      for (const who of ["principal1", "classTeacher1", "teacher1"] as ActorName[]) {
        const foreign = await answer(
          await w.handler(req(who, "GET", `/students/stu-2-1${suffix}`, { headers: purpose })),
        );
        const missing = await answer(
          await w.handler(req(who, "GET", `/students/stu-9-9${suffix}`, { headers: purpose })),
        );
        expect(foreign.status, `${who} ${suffix}`).toBe(404);
        expect(foreign).toEqual(missing);
      }
    }
  });

  it("writes to another school's student in the path answer like missing ones and change nothing", async () => {
    const w = await makeWorld();
    const body = { category: "family_crisis", evidence: "猜测的编号" };
    const foreign = await answer(await w.handler(req("principal1", "POST", "/students/stu-2-1/categories", { body })));
    const missing = await answer(await w.handler(req("principal1", "POST", "/students/stu-9-9/categories", { body })));
    expect(foreign.status).toBe(404);
    expect(foreign).toEqual(missing);
    const deleted = await answer(
      await w.handler(req("principal1", "DELETE", "/students/stu-2-1", { headers: { ...purpose, "If-Match": '"1"' } })),
    );
    expect(deleted).toEqual(
      await answer(
        await w.handler(
          req("principal1", "DELETE", "/students/stu-9-9", { headers: { ...purpose, "If-Match": '"1"' } }),
        ),
      ),
    );
    const owner = await json(await w.handler(req("principal2", "GET", "/students/stu-2-1", { headers: purpose })));
    expect(owner.categories).toEqual([]);
    expect(owner.version).toBe(1);
  });

  it("another school's flag id in a revoke path answers like a missing one", async () => {
    const w = await makeWorld();
    const created = await json(
      await w.handler(
        req("principal2", "POST", "/students/stu-2-1/categories", {
          body: { category: "disability", evidence: "证明" },
        }),
      ),
    );
    const flagId = created.flag.id as string;
    const headers = { "If-Match": '"1"' };
    const foreign = await answer(
      await w.handler(req("principal1", "POST", `/category-flags/${flagId}/revoke`, { headers })),
    );
    const missing = await answer(
      await w.handler(req("principal1", "POST", "/category-flags/nope/revoke", { headers })),
    );
    expect(foreign.status).toBe(404);
    expect(foreign).toEqual(missing);
  });

  it("another school's ids in the query filter to nothing", async () => {
    const w = await makeWorld();
    const response = await w.handler(req("principal1", "GET", "/students?classId=cls-2"));
    expect(response.status).toBe(200);
    expect((await json(response)).items).toEqual([]);
    const teacher = await json(await w.handler(req("classTeacher1", "GET", "/students?classId=cls-2")));
    expect(teacher.items).toEqual([]);
  });

  it("ids moved into the body are refused: the path names the record", async () => {
    const w = await makeWorld();
    const response = await w.handler(
      req("principal1", "POST", "/students/stu-1-1/categories", {
        body: { studentId: "stu-2-1", category: "family_crisis", evidence: "x" },
      }),
    );
    expect(response.status).toBe(422);
    expect(await json(response)).toMatchObject({ code: "rest_path_field_in_body", path: ["studentId"] });
    const other = await json(await w.handler(req("principal2", "GET", "/students/stu-2-1", { headers: purpose })));
    expect(other.categories).toEqual([]);
  });

  it("another school's guardian in a body does not attach to a student of mine", async () => {
    const w = await makeWorld();
    const response = await w.handler(
      req("principal1", "POST", "/students/stu-1-1/consents", {
        body: { guardianId: "g-stu-2-1", grantedOn: "2026-09-01" },
      }),
    );
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    const status = await json(await w.handler(req("principal1", "GET", "/students/stu-1-1/consents")));
    expect(status.consents).toEqual([]);
  });
});

describe("identity comes only from the host's getActor", () => {
  const claims = {
    "X-User-Id": "t-p2",
    "X-Role": "principal",
    "X-Roles": "principal,school_admin",
    "X-School-Id": "sch-2",
    "X-Forwarded-User": "t-p2",
    "X-Homevisit-Actor": JSON.stringify({ id: "t-p2", roles: ["principal"], cityId: "city-1", schoolId: "sch-2" }),
  };

  it("identity headers alone do not sign anyone in", async () => {
    const w = await makeWorld();
    const response = await w.handler(req(null, "GET", "/students", { headers: claims }));
    expect(response.status).toBe(401);
  });

  it("identity headers do not change who the actor is", async () => {
    const w = await makeWorld();
    const plain = await answer(await w.handler(req("teacher1", "GET", "/students/stu-2-1", { headers: purpose })));
    const claimed = await answer(
      await w.handler(req("teacher1", "GET", "/students/stu-2-1", { headers: { ...purpose, ...claims } })),
    );
    expect(claimed).toEqual(plain);
    expect(claimed.status).toBe(404);
    const list = await json(await w.handler(req("teacher1", "GET", "/students", { headers: claims })));
    // The plain teacher has no assigned students; the claims would have given a whole school.
    expect(list.items).toEqual([]);
  });

  it("identity in the query is refused, never used", async () => {
    const w = await makeWorld();
    for (const query of ["role=principal", "actorId=t-p2", "schoolId=sch-2", "userId=t-p2"]) {
      const response = await w.handler(req("teacher1", "GET", `/students?${query}`));
      expect(response.status, query).toBe(422);
      expect((await json(response)).code).toBe("rest_unknown_parameter");
    }
  });

  it("identity in the body is refused as server-owned, never used", async () => {
    const w = await makeWorld();
    for (const [field, value] of [
      ["actorId", "t-p1"],
      ["schoolId", "sch-1"],
      ["createdBy", "t-p1"],
      ["flaggedBy", "t-p1"],
    ] as const) {
      const response = await w.handler(
        req("teacher1", "POST", "/students/stu-1-1/categories", {
          body: { category: "family_crisis", evidence: "x", [field]: value },
        }),
      );
      expect(response.status, field).toBe(422);
      expect(await json(response)).toMatchObject({ code: "server_owned_field", path: [field] });
    }
  });
});

describe("mass assignment", () => {
  it("server-owned fields in a body answer 422 and write nothing", async () => {
    const w = await makeWorld();
    for (const field of ["id", "version", "createdAt", "flaggedAt", "status", "cityId", "countyId"]) {
      const response = await w.handler(
        req("classTeacher1", "POST", "/students/stu-1-1/categories", {
          body: { category: "economic_hardship", evidence: "x", [field]: field === "version" ? 99 : "forged" },
        }),
      );
      expect(response.status, field).toBe(422);
      expect((await json(response)).code, field).toBe("server_owned_field");
    }
    const student = await json(await w.handler(req("classTeacher1", "GET", "/students/stu-1-1", { headers: purpose })));
    expect(student.categories).toEqual([]);
  });

  it("unknown fields are refused by the strict schemas", async () => {
    const w = await makeWorld();
    const response = await w.handler(
      req("classTeacher1", "POST", "/students/stu-1-1/categories", {
        body: { category: "economic_hardship", evidence: "x", approved: true },
      }),
    );
    expect(response.status).toBe(422);
    const problem = await json(response);
    expect(problem.code).toBe("validation_failed");
    expect(problem.issues[0].code).toBe("unrecognized_keys");
  });

  it("problem bodies never echo input values", async () => {
    const w = await makeWorld();
    const marker = "13999990000";
    const response = await w.handler(
      req("classTeacher1", "POST", "/students/stu-1-1/categories", {
        body: { category: marker, evidence: 12, extra: marker },
      }),
    );
    expect(response.status).toBe(422);
    expect(await response.text()).not.toContain(marker);
  });
});
