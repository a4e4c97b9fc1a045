// Model-based test of the engine (RELIABILITY.md): fast-check generates sequences of use cases —
// roster imports, flag and unflag, consent record and withdraw, visit records drafted, submitted
// and amended, list, read, erase, purgeDue, clock moves — runs them on a real engine and on a
// plain in-memory model side by side, and after every step compares answers (codes, versions,
// statuses, list contents per actor) and checks that the audit chain still verifies. The clock
// moves only when a command moves it, so most steps share one instant (consents recorded in the
// same instant must still be ordered as recorded). `runModel` runs it on one adapter: memory and
// SQLite in engine-model.test.ts, PostgreSQL in engine-model.postgres.test.ts.
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
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { actors, type EngineHarness, type RoleName, seedWorld } from "./engine-suite.js";
import { completeRecord } from "./support/visit-fixtures.js";

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
interface ModelRecord {
  studentId: string;
  /** Who drafted it: the record's visiting teacher, who keeps reaching it. */
  author: RoleName;
  status: "draft" | "submitted" | "amended";
  /** Whether its sections pass the submission checks. */
  complete: boolean;
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
  /** Visit records of sch-1 by id. */
  records: Map<string, ModelRecord>;
  /** Classes the model added through organisation.sync, by id: the name variant stored. */
  classes: Map<string, number>;
  /** Every flag and consent id ever returned, for commands to aim at (deleted ones included). */
  flagIds: string[];
  consentIds: string[];
  recordIds: string[];
}
interface Real {
  engine: Engine;
  storage: Storage;
  clock: FixedClock;
  /** Records as seeded, for rosters that leave them unchanged. */
  seeded: { own: EntityRecord<"students">; teachers: EntityRecord<"teachers">[]; classes: EntityRecord<"classes">[] };
}

/** Which students an actor reaches under an action, given the seeded relations. */
const reach: Record<"flag" | "read" | "consent" | "erase" | "write", Partial<Record<RoleName, "own" | "all">>> = {
  flag: { class_teacher: "all", mentor: "own", principal: "all", school_admin: "all" },
  /** Visit records (records.write): the assigned teacher, the class teacher, the mentor, the principal. */
  write: { teacher: "own", class_teacher: "all", mentor: "own", principal: "all" },
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

/** Whether an actor may write a stored visit record: as for its student, or as its author. */
function reachesRecord(model: Model, role: RoleName, record: ModelRecord): boolean {
  if (reaches(model, "write", role, record.studentId)) return true;
  // The author counts as assigned (records.write's teacher, class teacher and mentor entries).
  return record.author === role && reach.write[role] !== undefined && model.students.has(record.studentId);
}

/**
 * What a denial answers: 403 `forbidden` when the caller may see the student (the entity's read
 * reach), 404 `not_found` when they may not, exactly as for a missing id.
 */
function denied(model: Model, role: RoleName, studentId: string | undefined): string {
  return studentId !== undefined && reaches(model, "read", role, studentId) ? "forbidden" : "not_found";
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
  for (const [id, r] of model.records) if (r.studentId === studentId) model.records.delete(id);
}

async function outcome<T>(promise: Promise<T>): Promise<{ code: "ok"; value: T } | { code: string }> {
  try {
    return { code: "ok", value: await promise };
  } catch (error) {
    if (isHomevisitError(error)) return { code: error.code };
    throw error;
  }
}

/** The item at `index` (wrapping round); -1 is the latest. */
function pick<T>(list: readonly T[], index: number): T | undefined {
  if (index < 0) return list.at(-1);
  return list.length === 0 ? undefined : list[index % list.length];
}

/** An index for `pick`: the latest item half the time, so chains (draft → submit → amend) happen. */
const recentIndexArb = fc.oneof(fc.constant(-1), fc.nat());
/** True one time in `n`: stale versions and incomplete records, rare enough that chains go on. */
const oneIn = (n: number) => fc.integer({ min: 1, max: n }).map((i) => i === 1);

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
  const records = await real.storage.visitRecords.list({ where: { schoolId: "sch-1" }, limit: 1000 });
  expect(records.items.map((r) => [r.record.id, r.version, r.record.status, r.record.studentId]).sort()).toEqual(
    [...model.records.entries()].map(([id, r]) => [id, r.version, r.status, r.studentId]).sort(),
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
    // No tick per step: consents recorded in one instant must be ordered as recorded.
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
        category,
        evidence: "模型证据",
      }),
    );
    const expected = !reaches(model, "flag", role, studentId)
      ? denied(model, role, studentId)
      : (consentGate(model, studentId) ?? "ok");
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
    if (!flag || !reaches(model, "flag", role, flag.studentId)) expected = denied(model, role, flag?.studentId);
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
    expect(got.code).toBe(reaches(model, "consent", role, studentId) ? "ok" : denied(model, role, studentId));
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
    if (!consent || !reaches(model, "consent", role, consent.studentId))
      expected = denied(model, role, consent?.studentId);
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

/** A record's sections: complete ones pass the submission checks; a note varies with amendments. */
function recordBody(complete: boolean, note = "在校表现积极") {
  if (!complete) return { kind: "universal" as const, term: "2026-2027-1", channel: "phone" as const };
  return {
    ...completeRecord,
    schoolFeedback: { notes: note },
    parentOpinions: { opinions: "希望减少作业量" },
  };
}

function draftRecordCommand(role: RoleName, studentId: string, complete: boolean): Command {
  return new Command(`records.draft(${role}, ${studentId}, complete=${complete})`, async (model, real) => {
    const got = await outcome(
      real.engine.records.draft(actors[role] as never, { studentId, record: recordBody(complete) }),
    );
    const expected = !reaches(model, "write", role, studentId)
      ? denied(model, role, studentId)
      : (consentGate(model, studentId) ?? "ok");
    expect(got.code).toBe(expected);
    if (got.code === "ok" && "value" in got) {
      expect(got.value).toMatchObject({ version: 1, record: { status: "draft", studentId } });
      const id = got.value.record.id;
      model.records.set(id, { studentId, author: role, status: "draft", complete, version: 1 });
      model.recordIds.push(id);
    }
  });
}
// Record commands lean towards the writers and the students they reach (p-2 is 14 and needs no
// consent), so that submissions and amendments succeed often enough to matter.
const writerArb = fc.constantFrom<RoleName>("principal", "class_teacher", "principal", "class_teacher", ...staff);
const recordTargetArb = fc.constantFrom("s-own", "p-2", "s-own", "p-2", ...targets);
const draftRecord = fc
  .tuple(
    writerArb,
    recordTargetArb,
    oneIn(4).map((incomplete) => !incomplete),
  )
  .map(([role, studentId, complete]) => draftRecordCommand(role, studentId, complete));

function submitRecordCommand(role: RoleName, index: number, stale: boolean): Command {
  return new Command(`records.submit(${role}, #${index}, stale=${stale})`, async (model, real) => {
    const recordId = pick(model.recordIds, index) ?? "v-missing";
    const record = model.records.get(recordId);
    const expectedVersion = (record?.version ?? 1) + (stale ? 1 : 0);
    const got = await outcome(real.engine.records.submit(actors[role] as never, { recordId, expectedVersion }));
    let expected = "ok";
    if (!record || !reachesRecord(model, role, record)) expected = denied(model, role, record?.studentId);
    else if (stale) expected = "version_conflict";
    else if (record.status !== "draft") expected = "visit_record_not_draft";
    else expected = consentGate(model, record.studentId) ?? (record.complete ? "ok" : "validation_failed");
    expect(got.code).toBe(expected);
    if (got.code === "ok" && "value" in got && record) {
      record.status = "submitted";
      record.version++;
      expect(got.value).toMatchObject({ version: record.version, record: { status: "submitted" }, feedbackItems: 1 });
      expect(got.value.conductReports).toEqual([]);
    }
  });
}
const submitRecord = fc
  .tuple(writerArb, recentIndexArb, oneIn(5))
  .map(([role, index, stale]) => submitRecordCommand(role, index, stale));

function amendRecordCommand(role: RoleName, index: number, stale: boolean, complete: boolean): Command {
  return new Command(`records.amend(${role}, #${index}, stale=${stale}, complete=${complete})`, async (model, real) => {
    const recordId = pick(model.recordIds, index) ?? "v-missing";
    const record = model.records.get(recordId);
    const expectedVersion = (record?.version ?? 1) + (stale ? 1 : 0);
    const got = await outcome(
      real.engine.records.amend(actors[role] as never, {
        recordId,
        expectedVersion,
        reason: "补充在校表现",
        record: recordBody(complete, `修订${expectedVersion}`),
      }),
    );
    let expected = "ok";
    if (!record || !reachesRecord(model, role, record)) expected = denied(model, role, record?.studentId);
    else if (stale) expected = "version_conflict";
    else if (record.status === "draft") expected = "visit_record_not_submitted";
    else expected = consentGate(model, record.studentId) ?? (complete ? "ok" : "validation_failed");
    expect(got.code).toBe(expected);
    if (got.code === "ok" && "value" in got && record) {
      record.status = "amended";
      record.version++;
      expect(got.value).toMatchObject({
        version: record.version,
        record: {
          status: "amended",
          amendmentReason: "补充在校表现",
          schoolFeedback: { notes: `修订${expectedVersion}` },
        },
      });
    }
  });
}
const amendRecord = fc
  .tuple(
    writerArb,
    recentIndexArb,
    oneIn(5),
    oneIn(4).map((incomplete) => !incomplete),
  )
  .map(([role, index, stale, complete]) => amendRecordCommand(role, index, stale, complete));

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
    if (!reaches(model, "erase", role, studentId)) expected = denied(model, role, studentId);
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
    // Twice each: a record needs a consent and a draft before submit and amend can succeed.
    recordConsent,
    draftRecord,
    draftRecord,
    submitRecord,
    submitRecord,
    amendRecord,
    amendRecord,
    listStudents,
    readStudent,
    erase,
    purgeDue,
    advance,
    syncClass,
  ],
  { maxCommands: 40, size: "medium" },
);

/** Ids `e-000001`, … : zero-padded so that id order is creation order. */
function paddedIds() {
  let n = 0;
  return () => `e-${String(++n).padStart(6, "0")}`;
}

/** `HOMEVISIT_MODEL_RUNS` scales the runs (e.g. 2000 for a long soak); `HOMEVISIT_MODEL_SEED` replays a failure. */
const scale = Number(process.env.HOMEVISIT_MODEL_RUNS ?? 0);
const seed = process.env.HOMEVISIT_MODEL_SEED === undefined ? undefined : Number(process.env.HOMEVISIT_MODEL_SEED);

/**
 * The model test on one adapter: `defaultRuns` random command sequences (`HOMEVISIT_MODEL_RUNS`
 * overrides), and the fixed sequences below. `msPerRun` sizes the time limit.
 */
export function runModel(
  name: string,
  factory: () => Promise<EngineHarness>,
  defaultRuns: number,
  msPerRun = 1_000,
): void {
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
        records: new Map(),
        flagIds: [],
        consentIds: [],
        recordIds: [],
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
      timeout: 60_000 + numRuns * msPerRun,
    }, async () => {
      // Half the runs start with a consent for s-own and p-2 (14, no consent needed) on the roll,
      // so that record commands get past the gate and reach submission and amendment.
      const property = fc.asyncProperty(fc.boolean(), commands, (prelude, cmds) =>
        runSequence(
          prelude ? [recordConsentCommand("principal", "s-own"), importRosterCommand([["p-2", 0]]), ...cmds] : cmds,
        ),
      );
      await fc.assert(property, { numRuns, ...(seed === undefined ? {} : { seed }) });
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

    it("records: draft, submit, amend, with the consent gate and consents in one instant", async () => {
      await runSequence([
        draftRecordCommand("teacher", "s-own", true),
        recordConsentCommand("class_teacher", "s-own"),
        recordConsentCommand("principal", "s-own"),
        draftRecordCommand("teacher", "s-own", true),
        draftRecordCommand("class_teacher", "s-own", false),
        submitRecordCommand("mentor", 0, false),
        submitRecordCommand("class_teacher", 1, false),
        submitRecordCommand("teacher", 0, true),
        amendRecordCommand("teacher", 0, false, true),
        submitRecordCommand("teacher", 0, false),
        submitRecordCommand("teacher", 0, false),
        amendRecordCommand("school_admin", 0, false, true),
        amendRecordCommand("teacher", 0, false, false),
        // The later of two consents recorded in the same instant is withdrawn: writes stop.
        withdrawConsentCommand("class_teacher", 1, false),
        amendRecordCommand("teacher", 0, false, true),
        recordConsentCommand("class_teacher", "s-own"),
        amendRecordCommand("teacher", 0, false, true),
        amendRecordCommand("principal", 0, false, true),
        importRosterCommand([["p-2", 0]]),
        draftRecordCommand("class_teacher", "p-2", true),
        submitRecordCommand("teacher", 2, false),
        submitRecordCommand("class_teacher", 2, false),
        eraseCommand("principal", "p-2", false),
        amendRecordCommand("class_teacher", 2, false, true),
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
