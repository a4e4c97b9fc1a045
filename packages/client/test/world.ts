// A small world for the client tests: one school with a principal, a class teacher and a
// teacher, three students, and the REST handler over the real engine on the in-memory adapter,
// called in process (`fetch: (req) => handler(req)`).
//
// `getActor` stands for the HOST's login (an opaque bearer token the host issued): homevisit
// itself never reads identity from a request.
import { type Actor, createEngine, engineAreas, fixedClock, sequentialIds } from "@homevisit/core";
import type { EntityInput } from "@homevisit/core/storage";
import { createRestHandler } from "@homevisit/rest";
import { memoryBlobStore, memoryStorage } from "@homevisit/storage-memory";

export const origin = "http://campus.test";
export const basePath = "/api/homevisit";
export const baseUrl = `${origin}${basePath}`;

/** The use cases the client is typed from: the engine's areas, passed explicitly. */
export const useCases = engineAreas;

export const actors = {
  principal: { id: "t-p1", roles: ["principal", "teacher"], cityId: "city-1", countyId: "k-1", schoolId: "sch-1" },
  classTeacher: {
    id: "t-c1",
    roles: ["teacher", "class_teacher"],
    cityId: "city-1",
    countyId: "k-1",
    schoolId: "sch-1",
  },
  teacher: { id: "t-t1", roles: ["teacher"], cityId: "city-1", countyId: "k-1", schoolId: "sch-1" },
  county: { id: "b-k1", roles: ["county_bureau"], cityId: "city-1", countyId: "k-1" },
} satisfies Record<string, Actor>;
export type ActorName = keyof typeof actors;

function student(id: string, n: number): EntityInput<"students"> {
  return {
    id,
    schoolId: "sch-1",
    name: `王同学${n}`,
    gender: n % 2 ? "female" : "male",
    dateOfBirth: `2010-03-0${1 + (n % 9)}`,
    enrolments: [{ schoolId: "sch-1", classId: "cls-1", grade: 9, from: "2025-09-01", startReason: "entry" }],
    guardians: [
      {
        id: `g-${id}`,
        name: `王家长${n}`,
        relation: "mother",
        phone: `1380000${String(1000 + n).slice(-4)}`,
        primary: true,
        livesWithStudent: true,
        worksAway: false,
      },
    ],
    address: { county: "莲都区", town: "碧湖镇", village: "平原村", detail: `${n}号`, remote: false },
    livingSituation: { livesWith: "both_parents", parentsAway: "none" },
    availability: [],
  };
}

export interface World {
  handler: (request: Request) => Promise<Response>;
  studentIds: string[];
  /** Every request the handler saw, in order. */
  seen: Request[];
}

/** Builds the world. */
export async function makeWorld(): Promise<World> {
  const storage = memoryStorage();
  const studentIds = ["stu-1", "stu-2", "stu-3"];
  await storage.transaction(async (tx) => {
    await tx.cities.create({ id: "city-1", name: "丽水市" });
    await tx.counties.create({ id: "k-1", cityId: "city-1", name: "莲都区", setting: "urban" });
    await tx.schools.create({
      id: "sch-1",
      cityId: "city-1",
      countyId: "k-1",
      name: "莲都实验中学",
      kind: "junior",
      setting: "urban",
    });
    await tx.classes.create({
      id: "cls-1",
      schoolId: "sch-1",
      grade: 9,
      name: "9(1)班",
      schoolYear: 2026,
      classTeacherId: "t-c1",
    });
    for (const [i, id] of studentIds.entries()) await tx.students.create(student(id, i + 1));
  });
  const engine = createEngine({
    storage,
    blobs: memoryBlobStore(),
    clock: fixedClock("2026-10-08T09:00:00+08:00"),
    ids: sequentialIds("id"),
    config: { audit: { hmacKey: "client-tests-hmac-key-0001" } },
  });
  const seen: Request[] = [];
  const rest = createRestHandler(engine, {
    basePath,
    getActor: (request) => {
      const auth = request.headers.get("authorization");
      const name = auth?.startsWith("Bearer tok-") ? (auth.slice(11) as ActorName) : undefined;
      return name !== undefined && Object.hasOwn(actors, name) ? actors[name] : null;
    },
  });
  const handler = (request: Request) => {
    seen.push(request.clone());
    return rest(request);
  };
  return { handler, studentIds, seen };
}
