// A small world for the REST tests: two schools in two counties, a principal, a class teacher
// and a teacher per school, students in one class each, and the REST handler over the real
// engine with the in-memory storage adapter.
//
// `getActor` here stands for the HOST's own login (a session lookup keyed by an opaque token in
// the `Authorization` header the host issued): it is not part of homevisit, which never reads
// identity from a request itself.
import { type Actor, createEngine, fixedClock, sequentialIds } from "@homevisit/core";
import type { EntityInput } from "@homevisit/core/storage";
import { createRestHandler, type RestHandlerOptions, type RestLogEntry } from "@homevisit/rest";
import { memoryBlobStore, memoryStorage } from "@homevisit/storage-memory";

export const basePath = "/api/homevisit";
export const origin = "http://campus.test";

export const actors = {
  principal1: { id: "t-p1", roles: ["principal", "teacher"], cityId: "city-1", countyId: "k-1", schoolId: "sch-1" },
  classTeacher1: {
    id: "t-c1",
    roles: ["teacher", "class_teacher"],
    cityId: "city-1",
    countyId: "k-1",
    schoolId: "sch-1",
  },
  teacher1: { id: "t-t1", roles: ["teacher"], cityId: "city-1", countyId: "k-1", schoolId: "sch-1" },
  principal2: { id: "t-p2", roles: ["principal", "teacher"], cityId: "city-1", countyId: "k-2", schoolId: "sch-2" },
  classTeacher2: {
    id: "t-c2",
    roles: ["teacher", "class_teacher"],
    cityId: "city-1",
    countyId: "k-2",
    schoolId: "sch-2",
  },
  county1: { id: "b-k1", roles: ["county_bureau"], cityId: "city-1", countyId: "k-1" },
} satisfies Record<string, Actor>;
export type ActorName = keyof typeof actors;

/** The host's session table: opaque tokens → actors. */
export const tokens: Record<string, ActorName> = Object.fromEntries(
  Object.keys(actors).map((name) => [`tok-${name}`, name as ActorName]),
);

function hostGetActor(request: Request): Actor | null {
  const auth = request.headers.get("authorization");
  const token = auth?.startsWith("Bearer ") ? auth.slice(7) : undefined;
  const name = token === undefined ? undefined : tokens[token];
  return name === undefined ? null : actors[name];
}

function student(id: string, schoolId: string, classId: string, n: number): EntityInput<"students"> {
  return {
    id,
    schoolId,
    name: `王同学${n}`,
    gender: n % 2 ? "female" : "male",
    dateOfBirth: `2010-03-0${1 + (n % 9)}`,
    enrolments: [{ schoolId, classId, grade: 9, from: "2025-09-01", startReason: "entry" }],
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
  engine: ReturnType<typeof createEngine>;
  /** The engine's storage, for records no route creates directly (appointments). */
  storage: ReturnType<typeof memoryStorage>;
  logs: RestLogEntry[];
  ids: { school1Students: string[]; school2Students: string[] };
}

/** Builds the world; `options` override the handler's options. */
export async function makeWorld(options: Partial<RestHandlerOptions> = {}): Promise<World> {
  const storage = memoryStorage();
  const ids = { school1Students: ["stu-1-1", "stu-1-2", "stu-1-3"], school2Students: ["stu-2-1", "stu-2-2"] };
  await storage.transaction(async (tx) => {
    await tx.cities.create({ id: "city-1", name: "丽水市" });
    await tx.counties.create({ id: "k-1", cityId: "city-1", name: "莲都区", setting: "urban" });
    await tx.counties.create({ id: "k-2", cityId: "city-1", name: "遂昌县", setting: "rural" });
    await tx.schools.create({
      id: "sch-1",
      cityId: "city-1",
      countyId: "k-1",
      name: "莲都实验中学",
      kind: "junior",
      setting: "urban",
    });
    await tx.schools.create({
      id: "sch-2",
      cityId: "city-1",
      countyId: "k-2",
      name: "遂昌城关中学",
      kind: "junior",
      setting: "town",
    });
    await tx.classes.create({
      id: "cls-1",
      schoolId: "sch-1",
      grade: 9,
      name: "9(1)班",
      schoolYear: 2026,
      classTeacherId: "t-c1",
    });
    await tx.classes.create({
      id: "cls-2",
      schoolId: "sch-2",
      grade: 9,
      name: "9(1)班",
      schoolYear: 2026,
      classTeacherId: "t-c2",
    });
    for (const [i, id] of ids.school1Students.entries()) await tx.students.create(student(id, "sch-1", "cls-1", i + 1));
    for (const [i, id] of ids.school2Students.entries())
      await tx.students.create(student(id, "sch-2", "cls-2", i + 11));
  });
  const engine = createEngine({
    storage,
    blobs: memoryBlobStore(),
    clock: fixedClock("2026-10-08T09:00:00+08:00"),
    ids: sequentialIds("id"),
    config: { audit: { hmacKey: "rest-tests-hmac-key-0001" } },
  });
  const logs: RestLogEntry[] = [];
  const handler = createRestHandler(engine, {
    basePath,
    getActor: hostGetActor,
    logger: (entry) => logs.push(entry),
    ...options,
  });
  return { handler, engine, storage, logs, ids };
}

/**
 * Seeds school 1's staff that planning needs: the principal (who also teaches), the class
 * teacher of cls-1 and a subject teacher. The login personas of {@link actors} need no rows;
 * plans and appointments do.
 *
 * @example
 * ```ts
 * const w = await makeWorld();
 * await seedSchool1Staff(w);
 * ```
 */
export async function seedSchool1Staff(w: World): Promise<void> {
  await w.storage.transaction(async (tx) => {
    await tx.teachers.create({ id: "t-p1", schoolId: "sch-1", name: "张校长", roles: ["principal", "teacher"] });
    await tx.teachers.create({ id: "t-c1", schoolId: "sch-1", name: "李老师", roles: ["teacher", "class_teacher"] });
    await tx.teachers.create({ id: "t-t1", schoolId: "sch-1", name: "王老师", roles: ["teacher"] });
  });
}

/** A request as a signed-in actor. */
export function req(
  who: ActorName | null,
  method: string,
  path: string,
  init: { body?: unknown; headers?: Record<string, string> } = {},
): Request {
  const headers: Record<string, string> = { ...(init.headers ?? {}) };
  if (who !== null) headers.Authorization = `Bearer tok-${who}`;
  let body: BodyInit | undefined;
  if (init.body !== undefined) {
    body = typeof init.body === "string" ? init.body : JSON.stringify(init.body);
    headers["Content-Type"] ??= "application/json";
  }
  return new Request(`${origin}${basePath}${path}`, { method, headers, ...(body === undefined ? {} : { body }) });
}

/** The JSON body of a response (or null). */
// biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary response bodies.
export async function json(response: Response): Promise<any> {
  const text = await response.text();
  return text === "" ? null : JSON.parse(text);
}
