// Model-based test of the engine (RELIABILITY.md): fast-check generates sequences of foundation
// use cases — roster imports, flag and unflag, consent record and withdraw, list, read, erase,
// purgeDue, clock moves — runs them on a real engine and on a plain in-memory model side by
// side, and after every step compares answers (codes, versions, list contents per actor) and
// checks that the audit chain still verifies. Runs on the memory and the SQLite adapters.
import {
  addDays,
  ageOn,
  createEngine,
  definePlugin,
  type Engine,
  type FixedClock,
  fixedClock,
  isHomevisitError,
  previousDay,
} from "@homevisit/core";
import type { BlobStore, EntityInput, EntityRecord, Storage } from "@homevisit/core/storage";
import { memoryBlobStore, memoryStorage } from "@homevisit/storage-memory";
import { sqliteStorage } from "@homevisit/storage-sqlite";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { actors, type EngineHarness, type RoleName, seedWorld } from "./engine-suite.js";

const hmacKey = "model-audit-key-0123456789";
const purpose = { purpose: "模型测试" };
const start = "2026-10-08T09:00:00+08:00";
// One plugin category among them: it must behave like the seven end to end.
const categories = [
  "economic_hardship",
  "learning_difficulty",
  "disability",
  "family_crisis",
  "boarding_left_behind",
] as const;
const extras = definePlugin({
  id: "model-extras",
  categories: [{ key: "boarding_left_behind", label: { "zh-CN": "寄宿留守儿童", en: "Boarding left-behind child" } }],
});

/** Students the commands aim at: the seeded one, a pool the roster brings and goes, and two never reachable. */
const pool = { "p-1": "2014-05-01", "p-2": "2008-01-01", "p-3": "2013-12-31" } as const;
type PoolId = keyof typeof pool;
const poolIds = Object.keys(pool) as PoolId[];
const targets = ["s-own", ...poolIds, "s-other", "s-missing"] as const;

interface ModelStudent {
  dateOfBirth: string;
  /** Which roster name variant is stored (pool students). */
  variant: number;
  /** The last day at the school once the roster dropped the student. */
  leftOn: string | undefined;
  version: number;
}
interface ModelFlag {
  studentId: string;
  category: string;
  revoked: boolean;
  version: number;
}
interface ModelConsent {
  studentId: string;
  status: "granted" | "withdrawn";
  purgeAfter: string | undefined;
  purged: boolean;
  version: number;
}
interface Model {
  today: string;
  /** Students of sch-1 in the store. */
  students: Map<string, ModelStudent>;
  erased: Set<string>;
  flags: Map<string, ModelFlag>;
  /** Consents in the order recorded (the last one of a student decides the consent gate). */
  consents: Map<string, ModelConsent>;
  /** Classes the model added through organisation.sync, by id: the name variant stored. */
  classes: Map<string, number>;
  /** Every flag and consent id ever returned, for commands to aim at (deleted ones included). */
  flagIds: string[];
  consentIds: string[];
}
interface Real {
  engine: Engine;
  storage: Storage;
  clock: FixedClock;
  /** Records as seeded, for rosters that leave them unchanged. */
  seeded: { own: EntityRecord<"students">; teachers: EntityRecord<"teachers">[]; classes: EntityRecord<"classes">[] };
}

/** Which students an actor reaches under an action, given the seeded relations. */
const reach: Record<"flag" | "read" | "consent" | "erase", Partial<Record<RoleName, "own" | "all">>> = {
  flag: { class_teacher: "all", mentor: "own", principal: "all", school_admin: "all" },
  read: { teacher: "own", class_teacher: "all", mentor: "own", principal: "all", school_admin: "all" },
  consent: { class_teacher: "all", principal: "all", school_admin: "all" },
  erase: { principal: "all", school_admin: "all" },
};
const staff: RoleName[] = ["teacher", "class_teacher", "mentor", "principal", "school_admin"];

function reaches(model: Model, action: keyof typeof reach, role: RoleName, studentId: string): boolean {
  if (!model.students.has(studentId)) return false;
  const how = reach[action][role];
  return how === "all" || (how === "own" && studentId === "s-own");
}

function latestConsent(model: Model, studentId: string): ModelConsent | undefined {
  return [...model.consents.values()].filter((c) => c.studentId === studentId).at(-1);
}

/** The code the consent gate answers for a sensitive write, or undefined when it passes. */
function consentGate(model: Model, studentId: string): string | undefined {
  const latest = latestConsent(model, studentId);
  if (latest?.status === "withdrawn") return "consent_withdrawn";
  const student = model.students.get(studentId);
  if (student && ageOn(student.dateOfBirth, model.today) < 14 && latest?.status !== "granted") {
    return "consent_required";
  }
  return undefined;
}

function activeCategories(model: Model, studentId: string): string[] {
  const active = [...model.flags.values()].filter((f) => f.studentId === studentId && !f.revoked);
  return [...new Set(active.map((f) => f.category))].sort();
}

/** Removes a student and everything about them from the model. */
function eraseInModel(model: Model, studentId: string): void {
  model.students.delete(studentId);
  model.erased.add(studentId);
  for (const [id, f] of model.flags) if (f.studentId === studentId) model.flags.delete(id);
  for (const [id, c] of model.consents) if (c.studentId === studentId) model.consents.delete(id);
}

async function outcome<T>(promise: Promise<T>): Promise<{ code: "ok"; value: T } | { code: string }> {
  try {
    return { code: "ok", value: await promise };
  } catch (error) {
    if (isHomevisitError(error)) return { code: error.code };
    throw error;
  }
}

function pick<T>(list: readonly T[], index: number): T | undefined {
  return list.length === 0 ? undefined : list[index % list.length];
}

/** The model's invariants, checked against the store and the engine after every command. */
async function checkInvariants(model: Model, real: Real): Promise<void> {
  const verify = await real.engine.audit.verify(actors.principal as never, {});
  expect(verify.ok).toBe(true);
  const stored = await real.storage.students.list({ where: { schoolId: "sch-1" }, limit: 1000 });
  expect(stored.items.map((s) => [s.record.id, s.version])).toEqual(
    [...model.students.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([id, s]) => [id, s.version]),
  );
  const flags = await real.storage.categoryFlags.list({ where: { schoolId: "sch-1" }, limit: 1000 });
  expect(flags.items.map((f) => [f.record.id, f.version, f.record.revokedOn !== undefined]).sort()).toEqual(
    [...model.flags.entries()].map(([id, f]) => [id, f.version, f.revoked]).sort(),
  );
  const consents = await real.storage.consents.list({ where: { schoolId: "sch-1" }, limit: 1000 });
  expect(consents.items.map((c) => [c.record.id, c.version, c.record.status]).sort()).toEqual(
    [...model.consents.entries()].map(([id, c]) => [id, c.version, c.status]).sort(),
  );
}

type Step = (model: Model, real: Real) => Promise<void>;

class Command implements fc.AsyncCommand<Model, Real> {
  constructor(
    private readonly label: string,
    private readonly step: Step,
  ) {}
  check(): boolean {
    return true;
  }
  async run(model: Model, real: Real): Promise<void> {
    // One second per step keeps `recordedAt` strictly increasing, so "the latest consent" is unambiguous.
    real.clock.advance(1000);
    await this.step(model, real);
    await checkInvariants(model, real);
  }
  toString(): string {
    return this.label;
  }
}

const roleArb = fc.constantFrom<RoleName>(...staff);
const targetArb = fc.constantFrom(...targets);

function importRosterCommand(rows: readonly (readonly [PoolId, number])[]): Command {
  const roster = new Map(rows);
  return new Command(`importRoster(${JSON.stringify([...roster])})`, async (model, real) => {
    const { own, teachers, classes } = real.seeded;
    const entry = (id: PoolId, variant: number) =>
      ({
        ...own,
        id,
        name: variant === 0 ? `学生${id}` : `学生${id}乙`,
        dateOfBirth: pool[id],
        guardians: own.guardians.map((g) => ({ ...g, id: `g-${id}` })),
      }) as EntityInput<"students">;
    const students = [own as EntityInput<"students">, ...[...roster].map(([id, v]) => entry(id, v))];
    const out = await real.engine.roster.importRoster(actors.school_admin as never, {
      asOf: model.today,
      classes,
      teachers,
      students,
    });
    const expected = { added: 0, updated: 0, unchanged: 0, departed: 0, skippedErased: 0 };
    if (model.erased.has("s-own")) expected.skippedErased++;
    else expected.unchanged++;
    for (const [id, variant] of roster) {
      const current = model.students.get(id);
      if (model.erased.has(id)) expected.skippedErased++;
      else if (current === undefined) {
        expected.added++;
        model.students.set(id, { dateOfBirth: pool[id], variant, leftOn: undefined, version: 1 });
      } else if (current.variant === variant && current.leftOn === undefined) expected.unchanged++;
      else {
        expected.updated++;
        model.students.set(id, { ...current, variant, leftOn: undefined, version: current.version + 1 });
      }
    }
    for (const id of poolIds) {
      const current = model.students.get(id);
      if (roster.has(id) || current === undefined || current.leftOn !== undefined) continue;
      expected.departed++;
      // The roster's day is the first day away: the last day at school is the day before.
      const leftOn = previousDay(model.today) < "2026-09-01" ? "2026-09-01" : previousDay(model.today);
      model.students.set(id, { ...current, leftOn, version: current.version + 1 });
    }
    expect({
      added: out.added.students,
      updated: out.updated.students,
      unchanged: out.unchanged.students,
      departed: out.departed.students,
      skippedErased: out.skippedErased,
    }).toEqual(expected);
    expect(out.unchanged.teachers).toBe(teachers.length);
    expect(out.departed.teachers).toBe(0);
  });
}
const importRoster = fc
  .array(fc.tuple(fc.constantFrom(...poolIds), fc.integer({ min: 0, max: 1 })), { maxLength: 3 })
  .map((rows) => importRosterCommand(rows));

function flagCommand(role: RoleName, studentId: string, category: (typeof categories)[number]): Command {
  return new Command(`flag(${role}, ${studentId}, ${category})`, async (model, real) => {
    const got = await outcome(
      real.engine.students.flagCategory(actors[role] as never, {
        studentId,
        category: category as "disability",
        evidence: "模型证据",
      }),
    );
    const expected = !reaches(model, "flag", role, studentId) ? "not_found" : (consentGate(model, studentId) ?? "ok");
    expect(got.code).toBe(expected);
    if (got.code === "ok" && "value" in got) {
      expect(got.value.version).toBe(1);
      expect(got.value.flag).toMatchObject({ studentId, category, validFrom: model.today });
      model.flags.set(got.value.flag.id, { studentId, category, revoked: false, version: 1 });
      model.flagIds.push(got.value.flag.id);
    }
  });
}
const flagCategory = fc
  .tuple(roleArb, targetArb, fc.constantFrom(...categories))
  .map(([role, studentId, category]) => flagCommand(role, studentId, category));

function unflagCommand(role: RoleName, index: number, stale: boolean): Command {
  return new Command(`unflag(${role}, #${index}, stale=${stale})`, async (model, real) => {
    const flagId = pick(model.flagIds, index) ?? "f-missing";
    const flag = model.flags.get(flagId);
    const expectedVersion = stale ? (flag?.version ?? 1) + 1 : (flag?.version ?? 1);
    const got = await outcome(real.engine.students.unflagCategory(actors[role] as never, { flagId, expectedVersion }));
    let expected = "ok";
    if (!flag || !reaches(model, "flag", role, flag.studentId)) expected = "not_found";
    else if (stale) expected = "version_conflict";
    else if (flag.revoked) expected = "conflict";
    expect(got.code).toBe(expected);
    if (got.code === "ok" && flag) {
      flag.revoked = true;
      flag.version++;
      expect("value" in got && got.value.version).toBe(flag.version);
    }
  });
}
const unflagCategory = fc
  .tuple(roleArb, fc.nat(), fc.boolean())
  .map(([role, index, stale]) => unflagCommand(role, index, stale));

function recordConsentCommand(role: RoleName, studentId: string): Command {
  return new Command(`consent.record(${role}, ${studentId})`, async (model, real) => {
    const got = await outcome(
      real.engine.consent.record(actors[role] as never, { studentId, guardianId: `g-${studentId}` }),
    );
    expect(got.code).toBe(reaches(model, "consent", role, studentId) ? "ok" : "not_found");
    if (got.code === "ok" && "value" in got) {
      expect(got.value).toMatchObject({ version: 1, consent: { status: "granted", grantedOn: model.today } });
      const id = got.value.consent.id;
      model.consents.set(id, { studentId, status: "granted", purgeAfter: undefined, purged: false, version: 1 });
      model.consentIds.push(id);
    }
  });
}
const recordConsent = fc.tuple(roleArb, targetArb).map(([role, studentId]) => recordConsentCommand(role, studentId));

function withdrawConsentCommand(role: RoleName, index: number, stale: boolean): Command {
  return new Command(`consent.withdraw(${role}, #${index}, stale=${stale})`, async (model, real) => {
    const consentId = pick(model.consentIds, index) ?? "c-missing";
    const consent = model.consents.get(consentId);
    const expectedVersion = (consent?.version ?? 1) + (stale ? 1 : 0);
    const got = await outcome(real.engine.consent.withdraw(actors[role] as never, { consentId, expectedVersion }));
    let expected = "ok";
    if (!consent || !reaches(model, "consent", role, consent.studentId)) expected = "not_found";
    else if (consent.status === "withdrawn") expected = "consent_withdrawn";
    else if (stale) expected = "version_conflict";
    expect(got.code).toBe(expected);
    if (got.code === "ok" && consent) {
      consent.status = "withdrawn";
      consent.purgeAfter = addDays(model.today, 30);
      consent.version++;
      expect("value" in got && got.value.consent.purgeAfter).toBe(consent.purgeAfter);
    }
  });
}
const withdrawConsent = fc
  .tuple(roleArb, fc.nat(), fc.boolean())
  .map(([role, index, stale]) => withdrawConsentCommand(role, index, stale));

const listStudentsCommand = (role: RoleName) =>
  new Command(`students.list(${role})`, async (model, real) => {
    const page = await real.engine.students.list(actors[role] as never, {});
    const visible = [...model.students.keys()]
      .filter((id) => reaches(model, "read", role, id))
      .sort()
      .map((id) => ({ id, priority: activeCategories(model, id).length > 0 }));
    expect(page.items.map((s) => ({ id: s.id, priority: s.priority }))).toEqual(visible);
    expect(page.nextCursor).toBeUndefined();
  });
const listStudents = roleArb.map(listStudentsCommand);

function readCommand(role: RoleName, studentId: string): Command {
  return new Command(`students.read(${role}, ${studentId})`, async (model, real) => {
    const got = await outcome(real.engine.students.read(actors[role] as never, { studentId }, purpose));
    expect(got.code).toBe(reaches(model, "read", role, studentId) ? "ok" : "not_found");
    if (got.code === "ok" && "value" in got) {
      expect(got.value.version).toBe(model.students.get(studentId)?.version);
      expect(got.value.categories.map((f) => f.category).sort()).toEqual(activeCategories(model, studentId));
    }
  });
}
const readStudent = fc.tuple(roleArb, targetArb).map(([role, studentId]) => readCommand(role, studentId));

function eraseCommand(role: RoleName, studentId: string, stale: boolean): Command {
  return new Command(`erase(${role}, ${studentId}, stale=${stale})`, async (model, real) => {
    const student = model.students.get(studentId);
    const expectedVersion = (student?.version ?? 1) + (stale ? 1 : 0);
    const got = await outcome(
      real.engine.dataRights.erase(actors[role] as never, { studentId, expectedVersion }, purpose),
    );
    let expected = "ok";
    if (!reaches(model, "erase", role, studentId)) expected = "not_found";
    else if (stale) expected = "version_conflict";
    expect(got.code).toBe(expected);
    if (got.code === "ok") eraseInModel(model, studentId);
  });
}
const erase = fc
  .tuple(roleArb, targetArb, fc.boolean())
  .map(([role, studentId, stale]) => eraseCommand(role, studentId, stale));

const purgeDueCommand = () =>
  new Command("purgeDue", async (model, real) => {
    const out = await real.engine.dataRights.purgeDue(actors.school_admin as never, {}, purpose);
    const cutoff = addDays(model.today, -1095);
    let studentsErased = 0;
    for (const [id, s] of [...model.students]) {
      if (s.leftOn !== undefined && s.leftOn < cutoff) {
        eraseInModel(model, id);
        studentsErased++;
      }
    }
    let consentPurges = 0;
    for (const c of model.consents.values()) {
      if (c.status !== "withdrawn" || c.purged || c.purgeAfter === undefined || c.purgeAfter > model.today) continue;
      for (const [id, f] of model.flags) if (f.studentId === c.studentId) model.flags.delete(id);
      c.purged = true;
      c.version++;
      consentPurges++;
    }
    expect({ studentsErased: out.studentsErased, consentPurges: out.consentPurges }).toEqual({
      studentsErased,
      consentPurges,
    });
  });
const purgeDue = fc.constant(null).map(purgeDueCommand);

const advanceCommand = (days: number) =>
  new Command(`advance(${days}d)`, async (model, real) => {
    real.clock.advance(days * 86_400_000);
    model.today = addDays(model.today, days);
  });
const advance = fc.constantFrom(1, 7, 31, 1200).map(advanceCommand);

function syncClassCommand(role: RoleName, id: string, variant: number): Command {
  return new Command(`organisation.sync(${role}, ${id}, v${variant})`, async (model, real) => {
    const schoolClass = { id, schoolId: "sch-1", grade: 8, name: `八(${variant + 1})班`, schoolYear: 2026 };
    const got = await outcome(real.engine.organisation.sync(actors[role] as never, { classes: [schoolClass] }));
    if (role !== "school_admin") {
      expect(got.code).toBe("forbidden");
      return;
    }
    expect(got.code).toBe("ok");
    const before = model.classes.get(id);
    const zero = { cities: 0, counties: 0, schools: 0, classes: 0 };
    const one = { ...zero, classes: 1 };
    expect("value" in got && got.value).toEqual({
      added: before === undefined ? one : zero,
      updated: before !== undefined && before !== variant ? one : zero,
      unchanged: before === variant ? one : zero,
    });
    model.classes.set(id, variant);
  });
}
const syncClass = fc
  .tuple(
    fc.constantFrom<RoleName>("school_admin", "principal"),
    fc.constantFrom("c-m1", "c-m2"),
    fc.integer({ min: 0, max: 1 }),
  )
  .map(([role, id, variant]) => syncClassCommand(role, id, variant));

const commands = fc.commands(
  [
    importRoster,
    flagCategory,
    unflagCategory,
    recordConsent,
    withdrawConsent,
    listStudents,
    readStudent,
    erase,
    purgeDue,
    advance,
    syncClass,
  ],
  { maxCommands: 30 },
);

/** Ids `e-000001`, … : zero-padded so that id order is creation order. */
function paddedIds() {
  let n = 0;
  return () => `e-${String(++n).padStart(6, "0")}`;
}

/** `HOMEVISIT_MODEL_RUNS` scales the runs (e.g. 2000 for a long soak); `HOMEVISIT_MODEL_SEED` replays a failure. */
const scale = Number(process.env.HOMEVISIT_MODEL_RUNS ?? 0);
const seed = process.env.HOMEVISIT_MODEL_SEED === undefined ? undefined : Number(process.env.HOMEVISIT_MODEL_SEED);

function runModel(name: string, factory: () => Promise<EngineHarness>, defaultRuns: number): void {
  const numRuns = scale > 0 ? scale : defaultRuns;
  /** Runs one command sequence on a fresh, seeded store. */
  const runSequence = async (cmds: Iterable<fc.AsyncCommand<Model, Real>>) => {
    const harness = await factory();
    try {
      await seedWorld(harness.storage);
      const clock = fixedClock(start);
      const engine = createEngine({
        storage: harness.storage,
        blobs: harness.blobs as BlobStore,
        clock,
        ids: paddedIds(),
        config: { audit: { hmacKey } },
        plugins: [extras],
      });
      const own = (await harness.storage.students.get("s-own"))?.record;
      if (!own) throw new Error("seed is missing s-own");
      const teachers = (await harness.storage.teachers.list({ where: { schoolId: "sch-1" } })).items;
      const classes = (await harness.storage.classes.list({ where: { schoolId: "sch-1" } })).items;
      const model: Model = {
        today: "2026-10-08",
        students: new Map([["s-own", { dateOfBirth: own.dateOfBirth, variant: 0, leftOn: undefined, version: 1 }]]),
        erased: new Set(),
        flags: new Map(),
        consents: new Map(),
        classes: new Map(),
        flagIds: [],
        consentIds: [],
      };
      const real: Real = {
        engine,
        storage: harness.storage,
        clock,
        seeded: { own, teachers: teachers.map((t) => t.record), classes: classes.map((c) => c.record) },
      };
      await fc.asyncModelRun(() => ({ model, real }), cmds);
    } finally {
      await harness.cleanup();
    }
  };
  describe(`engine model on ${name}`, () => {
    it(`agrees with the in-memory model over ${numRuns} random command sequences`, {
      timeout: 60_000 + numRuns * 1_000,
    }, async () => {
      await fc.assert(fc.asyncProperty(commands, runSequence), { numRuns, ...(seed === undefined ? {} : { seed }) });
    });

    it("a consent purge is not an erasure: the next roster import keeps the student", async () => {
      await runSequence([
        recordConsentCommand("principal", "s-own"),
        flagCommand("principal", "s-own", "disability"),
        withdrawConsentCommand("class_teacher", 0, false),
        advanceCommand(31),
        purgeDueCommand(),
        importRosterCommand([["p-1", 0]]),
        readCommand("principal", "s-own"),
        flagCommand("principal", "s-own", "disability"),
        recordConsentCommand("principal", "s-own"),
        flagCommand("principal", "s-own", "disability"),
        listStudentsCommand("teacher"),
      ]);
    });

    it("erasure, departure, re-import and retention purge", async () => {
      await runSequence([
        importRosterCommand([
          ["p-1", 0],
          ["p-2", 0],
        ]),
        eraseCommand("school_admin", "p-1", true),
        eraseCommand("school_admin", "p-1", false),
        importRosterCommand([
          ["p-1", 1],
          ["p-3", 0],
        ]),
        flagCommand("class_teacher", "p-2", "economic_hardship"),
        unflagCommand("mentor", 0, false),
        unflagCommand("class_teacher", 0, true),
        unflagCommand("class_teacher", 0, false),
        unflagCommand("class_teacher", 0, false),
        importRosterCommand([["p-2", 1]]),
        advanceCommand(1200),
        readCommand("class_teacher", "p-3"),
        purgeDueCommand(),
        listStudentsCommand("class_teacher"),
        importRosterCommand([
          ["p-1", 0],
          ["p-3", 0],
        ]),
      ]);
    });
  });
}

runModel(
  "memory",
  async () => {
    const storage = memoryStorage();
    await storage.migrations.migrate();
    return { storage, blobs: memoryBlobStore(), cleanup: () => storage.close() };
  },
  100,
);

runModel(
  "sqlite",
  async () => {
    const storage = sqliteStorage({ filename: ":memory:" });
    await storage.migrations.migrate();
    return { storage, blobs: storage.blobs, cleanup: () => storage.close() };
  },
  50,
);
