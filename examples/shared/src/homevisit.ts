// The homevisit side of every mount example: an engine over in-memory storage with a demo
// school, and the REST handler. `getActor` stands for the host's own login: here a fixed table of
// session tokens in `Authorization: Bearer …`; a real host reads its session cookie or token.
import { type Actor, createEngine } from "@homevisit/core";
import { createRestHandler } from "@homevisit/rest";
import { memoryBlobStore, memoryStorage } from "@homevisit/storage-memory";

export const basePath = "/api/homevisit";

const sessions: Record<string, Actor> = {
  "demo-principal": {
    id: "t-p1",
    roles: ["principal", "teacher"],
    cityId: "lishui",
    countyId: "liandu",
    schoolId: "sch-1",
  },
};

/** Builds the demo engine and its fetch handler `(request: Request) => Promise<Response>`. */
export async function homevisitHandler(): Promise<(request: Request) => Promise<Response>> {
  const storage = memoryStorage();
  await storage.transaction(async (tx) => {
    await tx.cities.create({ id: "lishui", name: "丽水市" });
    await tx.counties.create({ id: "liandu", cityId: "lishui", name: "莲都区", setting: "urban" });
    await tx.schools.create({
      id: "sch-1",
      cityId: "lishui",
      countyId: "liandu",
      name: "莲都实验中学",
      kind: "junior",
      setting: "urban",
    });
    await tx.students.create({
      id: "stu-1",
      schoolId: "sch-1",
      name: "王同学",
      gender: "female",
      dateOfBirth: "2010-03-01",
      enrolments: [{ schoolId: "sch-1", classId: "cls-1", grade: 9, from: "2025-09-01", startReason: "entry" }],
      guardians: [
        {
          id: "g-1",
          name: "王家长",
          relation: "mother",
          phone: "13800001001",
          primary: true,
          livesWithStudent: true,
          worksAway: false,
        },
      ],
      address: { county: "莲都区", town: "碧湖镇", village: "平原村", detail: "1号", remote: false },
      livingSituation: { livesWith: "both_parents", parentsAway: "none" },
      availability: [],
    });
  });
  const engine = createEngine({
    storage,
    blobs: memoryBlobStore(),
    config: { audit: { hmacKey: "example-host-secret-0001" } },
  });
  return createRestHandler(engine, {
    basePath,
    getActor: (request) => {
      const auth = request.headers.get("authorization") ?? "";
      return sessions[auth.replace(/^Bearer /, "")] ?? null;
    },
  });
}
