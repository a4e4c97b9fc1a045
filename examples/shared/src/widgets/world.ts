// The widget examples' campus (HTML, React, Vue): one synthetic school from
// @homevisit/demo-data in memory, seeded mid-term — guardians' consents on record, a class with visits done, a plain teacher with
// appointments today and later this week — and three staff logins the page can switch between.
import {
  type Actor,
  type Appointment,
  createEngine,
  type Engine,
  type FixedClock,
  fixedClock,
  type Student,
} from "@homevisit/core";
import { generateSchool } from "@homevisit/demo-data";
import { memoryBlobStore, memoryStorage } from "@homevisit/storage-memory";
import { completeVisit, recordTermConsents, seedClassVisits } from "../mid-term.js";

/** The day the seeded campus lives in (China Standard Time). */
export const campusDay = "2026-11-10";
/** The term of the seeded visits. */
export const campusTerm = "2026-2027-1";

/** Who may sign in on the example page. */
export type PersonaKey = "teacher" | "class_teacher" | "principal" | "school_admin" | "county_bureau";

/** The seeded campus. */
export interface CampusWorld {
  engine: Engine;
  storage: ReturnType<typeof memoryStorage>;
  blobs: ReturnType<typeof memoryBlobStore>;
  clock: FixedClock;
  actors: Record<PersonaKey, Actor>;
  /** Every seeded student's name: markers that must never reach a bureau's page. */
  studentNames: string[];
  /** The plain teacher's students: [today's visit, a contacted family, a proposed one]. */
  assigned: Student[];
  /** Class ids to their Chinese names. */
  classNames: Record<string, string>;
  /** The school's id (the designer's scope). */
  schoolId: string;
}

const classOf = (s: Student) => s.enrolments.find((e) => e.to === undefined)?.classId;

/**
 * A record that passes submission (R4 sections, conduct attested) in the campus term.
 *
 * @example
 * ```ts
 * completeRecord("2026-11-10T16:30:00+08:00", "2026-11-10T17:40:00+08:00").term; // "2026-2027-1"
 * ```
 */
export function completeRecord(arrivedAt: string, departedAt: string) {
  return completeVisit(campusTerm, arrivedAt, departedAt);
}

/**
 * Builds and seeds the campus. Deterministic: the same seed gives the same people and ids.
 *
 * @example
 * ```ts
 * const world = await seedCampus();
 * world.assigned.length; // 3
 * ```
 */
export async function seedCampus(seed = 1): Promise<CampusWorld> {
  const data = generateSchool({ seed, students: 160, date: "2026-10-15" });
  const school = data.schools[0];
  const county = data.counties[0];
  if (!school || !county) throw new Error("no school generated");
  const storage = memoryStorage();
  const blobs = memoryBlobStore();
  const clock = fixedClock(`${campusDay}T08:00:00+08:00`);
  await storage.transaction(async (tx) => {
    await tx.cities.createMany([data.city]);
    await tx.counties.createMany(data.counties);
    await tx.schools.createMany(data.schools);
  });
  await storage.roster.upsert({
    schoolId: school.id,
    asOf: "2026-09-01",
    classes: data.classes,
    teachers: data.teachers,
    students: data.students,
  });
  await storage.transaction(async (tx) => {
    await tx.categoryFlags.createMany(data.categoryFlags);
  });

  const staff = (t: { id: string; roles: Actor["roles"] }): Actor => ({
    id: t.id,
    roles: [...t.roles],
    cityId: data.city.id,
    countyId: county.id,
    schoolId: school.id,
  });
  const classTeacherIds = new Set(data.classes.map((c) => c.classTeacherId));
  const principal = data.teachers.find((t) => t.roles.includes("principal"));
  const teacher = data.teachers.find((t) => t.roles.length === 1 && !classTeacherIds.has(t.id));
  const current = data.students.filter((s) => classOf(s) !== undefined);
  const klass = data.classes.find((c) => c.classTeacherId && current.filter((s) => classOf(s) === c.id).length >= 8);
  const classTeacher = data.teachers.find((t) => t.id === klass?.classTeacherId);
  if (!principal || !teacher || !klass || !classTeacher) throw new Error("the generated school lacks staff");
  const actors: Record<PersonaKey, Actor> = {
    teacher: staff(teacher),
    class_teacher: staff(classTeacher),
    principal: staff(principal),
    // The school's administrator (教务), who designs the school's forms: not on the teaching roster.
    school_admin: {
      id: `admin-${school.id}`,
      roles: ["school_admin"],
      cityId: data.city.id,
      countyId: county.id,
      schoolId: school.id,
    },
    county_bureau: { id: `bureau-${county.id}`, roles: ["county_bureau"], cityId: data.city.id, countyId: county.id },
  };

  const engine = createEngine({ storage, blobs, clock, config: { audit: { hmacKey: "widgets-example-not-secret" } } });
  await recordTermConsents(engine, actors.principal, current, "2026-09-01");

  const classStudents = current.filter((s) => classOf(s) === klass.id);
  const assigned = current.filter((s) => classOf(s) !== klass.id).slice(0, 3);
  const statuses = ["confirmed", "contacted", "proposed"] as const;
  const appointments: Appointment[] = assigned.map((s, i) => ({
    id: `ap-${i + 1}`,
    schoolId: school.id,
    studentId: s.id,
    teacherId: teacher.id,
    companionIds: [],
    kind: "universal",
    channel: { type: "in_home" },
    status: statuses[i] ?? "proposed",
    start: `2026-11-${String(10 + i).padStart(2, "0")}T16:30:00+08:00`,
    durationMinutes: 60,
    location: { town: s.address.town, ...(s.address.village ? { village: s.address.village } : {}) },
    history: [],
    version: 1,
  }));
  await storage.transaction(async (tx) => {
    await tx.appointments.createMany(appointments);
  });

  // Mid-term: the class teacher has visited most of the class already.
  await seedClassVisits(
    engine,
    actors.class_teacher,
    classStudents.map((s) => s.id),
    campusTerm,
    (i) => `2026-11-${String(1 + (i % 9)).padStart(2, "0")}`,
  );

  return {
    engine,
    storage,
    blobs,
    clock,
    actors,
    studentNames: data.students.map((s) => s.name),
    assigned,
    classNames: Object.fromEntries(data.classes.map((c) => [c.id, c.name])),
    schoolId: school.id,
  };
}
