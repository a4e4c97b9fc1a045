import type { Actor, Appointment, LocalizedText, Student } from "@homevisit/core";
import type { BlobStore, Storage } from "@homevisit/core/storage";
import { type DemoDataset, generateSchool } from "@homevisit/demo-data";
import { seedMidTerm, shanghaiDay } from "./mid-term.js";

/** The roles the role switcher offers. */
export const personaKeys = ["teacher", "class_teacher", "mentor", "principal", "county_bureau"] as const;
/** One of the role switcher's roles. */
export type PersonaKey = (typeof personaKeys)[number];

/** A demo persona: who the host's (mock) login says is signed in. */
export interface Persona {
  key: PersonaKey;
  label: LocalizedText;
  /** What this persona should see, in one line. */
  expect: LocalizedText;
  /** The display name (a teacher's synthetic name, or the bureau's). */
  name: string;
  actor: Actor;
  /** A student this persona may open (absent for the bureau, which sees none). */
  sampleStudentId: string | undefined;
  /**
   * That student's name, from the host's own roster: the widgets show it as their heading on
   * this persona's page only (the API carries ids; a page for everyone gets no child's name).
   */
  sampleStudentName: string | undefined;
}

/** The seeded school and the personas on it. */
export interface DemoWorld {
  schoolId: string;
  schoolName: string;
  countyName: string;
  students: number;
  personas: Persona[];
  /** A student of the school no persona but the principal relates to, for the scoping check. */
  otherStudentId: string;
  /** The students the plain teacher is assigned to (one appointment each). */
  assignedStudentIds: string[];
  /** Names the host shows instead of ids: the school, classes (七年级1班) and staff. Never a child's. */
  names: { schools: Record<string, string>; classes: Record<string, string>; teachers: Record<string, string> };
}

/** How many students the plain teacher is assigned to (one appointment each). */
const assignedCount = 3;

function currentClassId(student: Student): string | undefined {
  return student.enrolments.find((e) => e.to === undefined)?.classId;
}

/**
 * Picks the demo's people from a generated school and the appointments that give the plain
 * teacher their assigned students, on the days after `now` (a newcomer sees visits to arrange,
 * not a month-old list). Deterministic: the same data set gives the same personas, so a re-run
 * on an existing database finds the same people.
 *
 * @example
 * ```ts
 * const { world } = demoWorld(generateSchool({ seed: 1 }));
 * world.personas.map((p) => p.key); // ["teacher", "class_teacher", "mentor", "principal", "county_bureau"]
 * ```
 */
export function demoWorld(
  data: DemoDataset,
  now: number = Date.now(),
): { world: DemoWorld; appointments: Appointment[] } {
  const school = data.schools[0];
  const county = data.counties[0];
  if (!school || !county) throw new Error("the demo data set has no school");
  const classTeacherIds = new Set(data.classes.map((c) => c.classTeacherId).filter((id) => id !== undefined));
  const mentorIds = new Set(data.mentorships.map((m) => m.mentorId));
  const current = data.students.filter((s) => currentClassId(s) !== undefined);
  const studentsOfClass = (classId: string) => current.filter((s) => currentClassId(s) === classId);

  const principal = data.teachers.find((t) => t.roles.includes("principal"));
  const teacher = data.teachers.find(
    (t) => t.roles.length === 1 && t.roles[0] === "teacher" && !classTeacherIds.has(t.id) && !mentorIds.has(t.id),
  );
  const classRow = data.classes.find((c) => c.classTeacherId !== undefined && studentsOfClass(c.id).length > 0);
  const classTeacher = data.teachers.find((t) => t.id === classRow?.classTeacherId);
  // Prefer a mentor who leads no class, so the persona shows mentoring alone.
  const mentorships = data.mentorships.filter((m) => m.mentorId !== classTeacher?.id && m.mentorId !== principal?.id);
  const mentorship = mentorships.find((m) => !classTeacherIds.has(m.mentorId)) ?? mentorships[0];
  const mentor = data.teachers.find((t) => t.id === mentorship?.mentorId);
  if (!principal || !teacher || !classRow || !classTeacher || !mentorship || !mentor) {
    throw new Error("the demo school lacks a principal, a plain teacher, a class teacher or a mentor");
  }

  // The plain teacher's students: a few from another class than the class teacher's.
  const assigned = current.filter((s) => currentClassId(s) !== classRow.id).slice(0, assignedCount);
  const appointments: Appointment[] = assigned.map((s, i) => ({
    id: `demo-ap-${i + 1}`,
    schoolId: school.id,
    studentId: s.id,
    teacherId: teacher.id,
    companionIds: [],
    kind: "universal",
    channel: { type: "in_home" },
    status: "proposed",
    start: `${shanghaiDay(now + (i + 1) * 86_400_000)}T16:30:00+08:00`,
    durationMinutes: 60,
    location: { town: s.address.town, ...(s.address.village ? { village: s.address.village } : {}) },
    history: [],
    version: 1,
  }));
  const related = new Set([
    ...assigned.map((s) => s.id),
    ...studentsOfClass(classRow.id).map((s) => s.id),
    mentorship.studentId,
  ]);
  const other = current.find((s) => !related.has(s.id));
  if (!other) throw new Error("the demo school is too small");

  const staff = (t: { id: string; roles: Actor["roles"] }): Actor => ({
    id: t.id,
    roles: [...t.roles],
    cityId: data.city.id,
    countyId: county.id,
    schoolId: school.id,
  });
  const personas: Persona[] = [
    {
      key: "teacher",
      label: { "zh-CN": "任课教师", en: "Teacher" },
      expect: {
        "zh-CN": `只看到分配给自己家访的 ${assigned.length} 名学生（脱敏）`,
        en: `Sees only the ${assigned.length} students assigned to them for visits (masked)`,
      },
      name: teacher.name,
      actor: staff(teacher),
      sampleStudentId: assigned[0]?.id,
      sampleStudentName: assigned[0]?.name,
    },
    {
      key: "class_teacher",
      label: { "zh-CN": "班主任", en: "Class teacher" },
      expect: { "zh-CN": `看到本班（${classRow.name}）全体学生`, en: `Sees their whole class (${classRow.name})` },
      name: classTeacher.name,
      actor: staff(classTeacher),
      sampleStudentId: studentsOfClass(classRow.id)[0]?.id,
      sampleStudentName: studentsOfClass(classRow.id)[0]?.name,
    },
    {
      key: "mentor",
      label: { "zh-CN": "德育导师", en: "Mentor" },
      expect: { "zh-CN": "看到自己结对帮扶的学生", en: "Sees the priority students they mentor" },
      name: mentor.name,
      actor: staff(mentor),
      sampleStudentId: mentorship.studentId,
      sampleStudentName: current.find((s) => s.id === mentorship.studentId)?.name,
    },
    {
      key: "principal",
      label: { "zh-CN": "校长", en: "Principal" },
      expect: {
        "zh-CN": "看到全校学生；查看完整档案须说明用途并留痕",
        en: "Sees the whole school; full records need a stated purpose, audited",
      },
      name: principal.name,
      actor: staff(principal),
      sampleStudentId: other.id,
      sampleStudentName: other.name,
    },
    {
      key: "county_bureau",
      label: { "zh-CN": "县教育局", en: "County bureau" },
      expect: {
        "zh-CN": "只看汇总（覆盖率等），看不到任何学生个人记录",
        en: "Sees aggregates (coverage …) only, never a child's record",
      },
      name: `${county.name}教育局`,
      actor: { id: `bureau-${county.id}`, roles: ["county_bureau"], cityId: data.city.id, countyId: county.id },
      sampleStudentId: undefined,
      sampleStudentName: undefined,
    },
  ];
  return {
    world: {
      schoolId: school.id,
      schoolName: school.name,
      countyName: county.name,
      students: current.length,
      personas,
      otherStudentId: other.id,
      assignedStudentIds: assigned.map((s) => s.id),
      names: {
        schools: { [school.id]: school.name },
        classes: Object.fromEntries(data.classes.map((c) => [c.id, c.name])),
        teachers: Object.fromEntries(data.teachers.map((t) => [t.id, t.name])),
      },
    },
    appointments,
  };
}

/** Options of {@link seedDemo}. */
export interface SeedOptions {
  /** Same seed, same school. Default 1. */
  seed?: number;
  /** About how many students. Default 360: small enough to seed in a few seconds. */
  students?: number;
  /** The audit key the host's engine uses: the seeding writes through an engine too. */
  auditKey?: string;
  /** When the seeding happens (epoch ms; default now): "today" of the seeded term. */
  now?: number;
}

/**
 * Seeds a migrated store with one synthetic school from `@homevisit/demo-data`, once: when the
 * school is already there (a re-run on the same database file) nothing is written. Returns the
 * world either way, and whether it seeded.
 *
 * @example
 * ```ts
 * const storage = sqliteStorage({ filename: ".homevisit/demo.db" });
 * await storage.migrations.migrate();
 * (await seedDemo(storage)).seeded; // true the first time, false afterwards
 * ```
 */
export async function seedDemo(
  storage: Storage & { readonly blobs: BlobStore },
  options: SeedOptions = {},
): Promise<{ world: DemoWorld; seeded: boolean }> {
  const data = generateSchool({ seed: options.seed ?? 1, students: options.students ?? 360 });
  const { world, appointments } = demoWorld(data, options.now ?? Date.now());
  if (await storage.schools.get(world.schoolId)) {
    const teacher = world.personas[0]?.actor.id ?? "";
    if (!(await storage.teachers.get(teacher))) {
      throw new Error("the demo database holds another school: delete .homevisit/demo.db and start again");
    }
    return { world, seeded: false };
  }
  await storage.transaction(async (tx) => {
    await tx.cities.createMany([data.city]);
    await tx.counties.createMany(data.counties);
    await tx.schools.createMany(data.schools);
  });
  await storage.roster.upsert({
    schoolId: world.schoolId,
    asOf: "2026-09-01",
    classes: data.classes,
    teachers: data.teachers,
    students: data.students,
  });
  await storage.transaction(async (tx) => {
    await tx.categoryFlags.createMany(data.categoryFlags);
    await tx.mentorships.createMany(
      data.mentorships.map((m, i) => ({ ...m, id: `demo-mentorship-${i + 1}`, schoolId: world.schoolId })),
    );
    // The first student's visit is today's: one open visit per child, as a plan would keep it.
    await tx.appointments.createMany([
      todaysVisit(appointments[0], options.now ?? Date.now()),
      ...appointments.slice(1),
    ]);
  });
  const persona = (key: PersonaKey) => world.personas.find((p) => p.key === key)?.actor as Actor;
  const classTeacher = persona("class_teacher");
  const classId = data.classes.find((c) => c.classTeacherId === classTeacher.id)?.id;
  const current = data.students.filter((s) => currentClassId(s) !== undefined);
  await seedMidTerm({
    storage,
    auditKey: options.auditKey ?? "homevisit-demo-audit-key-not-secret",
    now: options.now ?? Date.now(),
    students: current,
    principal: persona("principal"),
    classTeacher,
    teacher: persona("teacher"),
    classStudentIds: current.filter((s) => currentClassId(s) === classId).map((s) => s.id),
    assigned: world.assignedStudentIds.flatMap((id) => current.filter((s) => s.id === id)),
  });
  return { world, seeded: true };
}

/** The plain teacher's first visit, moved to today (China Standard Time) and confirmed with the family. */
function todaysVisit(first: Appointment | undefined, now: number): Appointment {
  if (first === undefined) throw new Error("the demo teacher has no appointment");
  const day = shanghaiDay(now);
  return {
    ...first,
    id: "demo-ap-today",
    status: "confirmed",
    start: `${day}T16:30:00+08:00`,
    history: [],
    version: 1,
  };
}
