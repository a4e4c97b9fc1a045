// The soak's server process: the demo campus host on SQLite (examples/demo-host: its seed, its
// REST mount, its persona-cookie login mock, node:http through @hono/node-server), started on
// a given database file and port, so the soak can SIGKILL it and start it again on the same
// file. One addition, made here rather than in the demo: a campus has many teachers, the demo's
// role switcher five personas, so this process adds one persona per simulated teacher (a real
// teacher of the seeded school, with three students assigned by appointment) to the world the
// demo's own `getActor` reads. Everything else is the demo's code.
//
// Protocol with the parent: one `READY <json>` line on stdout once listening. SIGUSR1/SIGUSR2
// switch the injected disk-full fault on and off when the soak runs without a loop-mounted
// volume (SQLite's `max_page_count` pinned to the pages in use: writes then fail with
// SQLITE_FULL, as on a full disk). It stops on SIGTERM or when stdin closes.
//
// Usage (from the repository root):
//   TSX_TSCONFIG_PATH=tsconfig.json node --import tsx bench/soak/server.ts '{"filename":…,"port":…,…}'
import { mkdirSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { dirname } from "node:path";
import { type Appointment, createEngine } from "@homevisit/core";
import { generateSchool } from "@homevisit/demo-data";
import { sqliteStorage } from "@homevisit/storage-sqlite";
import { getRequestListener } from "@hono/node-server";
import { createDemoApp, personaCookie } from "../../examples/demo-host/src/host.ts";
import { type Persona, seedDemo } from "../../examples/demo-host/src/seed.ts";
import type { SoakServerReady, SoakServerSpec } from "./shared.ts";

/** The arguments this entry takes: the SoakServerSpec as JSON. */
export type SoakServerArgs = [specJson: string];

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve((server.address() as AddressInfo).port));
  });
}

async function main(): Promise<void> {
  const spec = JSON.parse(process.argv[2] ?? "") as SoakServerSpec;
  mkdirSync(dirname(spec.filename), { recursive: true });
  const storage = sqliteStorage({ filename: spec.filename });
  await storage.migrations.migrate();
  const { world, seeded } = await seedDemo(storage, { students: spec.students });

  // The same generated school the seed wrote (same seed, same size): its teachers and students.
  const data = generateSchool({ seed: 1, students: spec.students });
  const taken = new Set([...world.personas.map((p) => p.actor.id)]);
  const teachers = data.teachers
    .filter((t) => t.roles.includes("teacher") && !t.roles.includes("principal") && !taken.has(t.id))
    .slice(0, spec.teachers);
  if (teachers.length < spec.teachers) throw new Error(`the school has only ${teachers.length} plain teachers`);
  const reserved = new Set([...world.assignedStudentIds, world.otherStudentId]);
  const pool = data.students.filter((s) => s.enrolments.some((e) => e.to === undefined) && !reserved.has(s.id));
  const perTeacher = spec.studentsPerTeacher;
  if (pool.length < teachers.length * perTeacher) throw new Error("the school has too few students");
  const county = data.counties[0];
  const school = data.schools[0];
  if (!county || !school) throw new Error("the demo data set has no school");

  const soakTeachers: SoakServerReady["teachers"] = teachers.map((t, i) => ({
    key: `soak-teacher-${String(i + 1).padStart(2, "0")}`,
    id: t.id,
    students: pool.slice(i * perTeacher, (i + 1) * perTeacher).map((s) => ({
      id: s.id,
      guardianId: (s.guardians[0] as { id: string }).id,
      destination: { county: s.address.county, town: s.address.town, village: s.address.village },
    })),
  }));
  // Appointments give each simulated teacher their students, as the demo's seed does for its
  // one plain teacher; written once, on the run's first start.
  const appointments: Appointment[] = soakTeachers.flatMap((t) =>
    t.students.map((s, j) => ({
      id: `soak-ap-${t.id}-${j + 1}`,
      schoolId: school.id,
      studentId: s.id,
      teacherId: t.id,
      companionIds: [],
      kind: "universal" as const,
      channel: { type: "in_home" as const },
      status: "proposed" as const,
      start: `2026-11-${String(10 + j).padStart(2, "0")}T16:30:00+08:00`,
      durationMinutes: 60,
      location: { town: s.destination.town, village: s.destination.village },
      history: [],
      version: 1,
    })),
  );
  if (!(await storage.appointments.get(appointments[0]?.id ?? ""))) {
    await storage.transaction(async (tx) => {
      await tx.appointments.createMany(appointments);
    });
  }
  // The demo's persona type lists its five role-switcher keys; the login mock itself matches
  // any key of the world's list, which is what lets the simulated teachers sign in.
  const personas: Persona[] = soakTeachers.map((t) => ({
    key: t.key as Persona["key"],
    label: { "zh-CN": "任课教师", en: "Teacher" },
    expect: { "zh-CN": "只看到分配给自己的学生", en: "Sees only their assigned students" },
    name: t.key,
    actor: { id: t.id, roles: ["teacher"], cityId: data.city.id, countyId: county.id, schoolId: school.id },
    sampleStudentId: t.students[0]?.id,
    sampleStudentName: undefined,
  }));

  const engine = createEngine({
    storage,
    blobs: storage.blobs,
    // The demo host's own key and default: the soak's restarts must verify the same chain.
    config: { audit: { hmacKey: process.env.HOMEVISIT_AUDIT_KEY ?? "homevisit-demo-audit-key-not-secret" } },
  });
  const app = createDemoApp(engine, { ...world, personas: [...world.personas, ...personas] });
  const server = createServer(getRequestListener(app, { overrideGlobalObjects: true }));
  const port = await listen(server, spec.port);

  const database = storage.database;
  const pageLimit = Number(database.pragma("max_page_count", { simple: true }));
  process.on("SIGUSR1", () => {
    const pages = Number(database.pragma("page_count", { simple: true }));
    database.pragma(`max_page_count = ${pages}`);
    process.stdout.write(`DISKFULL ${pages}\n`);
  });
  process.on("SIGUSR2", () => {
    database.pragma(`max_page_count = ${pageLimit}`);
    process.stdout.write("DISKFREE\n");
  });

  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    })
      .then(() => storage.close())
      .then(
        () => process.exit(0),
        () => process.exit(1),
      );
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
  process.stdin.on("end", stop);
  process.stdin.on("close", stop);
  process.stdin.resume();

  const ready: SoakServerReady = {
    origin: `http://127.0.0.1:${port}`,
    seeded,
    personaCookie,
    principalKey: "principal",
    countyKey: "county_bureau",
    countyId: county.id,
    teachers: soakTeachers,
  };
  process.stdout.write(`READY ${JSON.stringify(ready)}\n`);
}

if (process.argv[2]) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(1);
  });
}
