import * as z from "zod";
import { previousDay } from "../shared/dates.js";
import { HomevisitError } from "../shared/errors/homevisit-error.js";
import { issuesFromZod } from "../shared/errors/parse.js";
import { type SchoolClass, schoolClassSchema, type Teacher, teacherSchema } from "../domain/organisation.js";
import { idSchema, isoDateSchema } from "../shared/primitives.js";
import { type Student, studentSchema } from "../domain/student.js";
import { canonicalJson } from "./audit-chain.js";
import { withParsedRecords } from "./parsed-records.js";
import type { StorageTx, Stored } from "./storage.js";

/** A school's roster as the host exports it: its classes, teachers and students. */
export const rosterInputSchema = z.strictObject({
  schoolId: idSchema,
  /** The day the roster is valid from; people absent from it left the day before. */
  asOf: isoDateSchema,
  classes: z.array(z.unknown()).max(2_000).default([]),
  teachers: z.array(z.unknown()).max(5_000).default([]),
  students: z.array(z.unknown()).max(50_000).default([]),
});
/** A roster import. Rows are validated one by one with their own schemas. */
export type RosterInput = z.input<typeof rosterInputSchema>;

/** Options of a roster import. */
export interface RosterUpsertOptions {
  /** Rows per bulk insert; default 500. */
  batchSize?: number;
}

/** Counts by kind of roster row. */
export interface RosterCounts {
  classes: number;
  teachers: number;
  students: number;
}

/** What a roster import did. Importing the same roster twice reports only `unchanged`. */
export interface RosterUpsertResult {
  added: RosterCounts;
  updated: RosterCounts;
  unchanged: RosterCounts;
  /** Teachers and students of the school absent from the roster, now marked as left. */
  departed: { teachers: number; students: number };
}

/** The roster's rows, parsed. */
export interface ParsedRoster {
  schoolId: string;
  asOf: string;
  classes: SchoolClass[];
  teachers: Teacher[];
  students: Student[];
}

/**
 * Validates a roster: each row against its schema, every row of the imported school, no id
 * twice. Throws one `validation_failed` (or `roster_*`) error naming the rows at fault.
 *
 * @example
 * ```ts
 * parseRoster({ schoolId: "sch-1", asOf: "2026-09-01", classes: [], teachers: [], students: [bad] });
 * // throws HomevisitError("validation_failed"), issues with paths like ["students", 0, "name"]
 * ```
 */
export function parseRoster(input: RosterInput): ParsedRoster {
  const base = rosterInputSchema.safeParse(input);
  if (!base.success) throw new HomevisitError("validation_failed", { issues: issuesFromZod(base.error.issues) });
  const { schoolId, asOf } = base.data;
  const issues: ReturnType<typeof issuesFromZod> = [];
  const parseAll = <S extends z.ZodType>(key: "classes" | "teachers" | "students", schema: S): z.output<S>[] => {
    const out: z.output<S>[] = [];
    const seen = new Set<string>();
    base.data[key].forEach((row, index) => {
      const parsed = schema.safeParse(row);
      if (!parsed.success) {
        issues.push(...issuesFromZod(parsed.error.issues, [key, index]));
        return;
      }
      const record = parsed.data as { id: string; schoolId: string };
      if (record.schoolId !== schoolId) {
        throw new HomevisitError("roster_wrong_school", { path: [key, index, "schoolId"] });
      }
      if (seen.has(record.id)) {
        throw new HomevisitError("roster_duplicate_id", { path: [key, index, "id"], params: { id: record.id } });
      }
      seen.add(record.id);
      out.push(parsed.data);
    });
    return out;
  };
  const classes = parseAll("classes", schoolClassSchema);
  const teachers = parseAll("teachers", teacherSchema);
  const students = parseAll("students", studentSchema);
  if (issues.length > 0) throw new HomevisitError("validation_failed", { issues });
  return { schoolId, asOf, classes, teachers, students };
}

/** The last day at the school of someone absent from a roster valid from `asOf`. */
function lastDay(asOf: string, notBefore: string | undefined): string {
  const day = previousDay(asOf);
  return notBefore !== undefined && day < notBefore ? notBefore : day;
}

/**
 * A student marked as departed: the open enrolment at the school closes the day before the
 * roster's date with reason `left`. Returns `undefined` when there is nothing open to close.
 *
 * @example
 * ```ts
 * departStudent(student, "2027-02-20")?.enrolments.at(-1); // { …, to: "2027-02-19", endReason: "left" }
 * ```
 */
export function departStudent(student: Student, asOf: string): Student | undefined {
  let changed = false;
  const enrolments = student.enrolments.map((e) => {
    if (e.schoolId !== student.schoolId || e.to !== undefined) return e;
    changed = true;
    return { ...e, to: lastDay(asOf, e.from), endReason: "left" as const };
  });
  return changed ? { ...student, enrolments } : undefined;
}

/**
 * A teacher marked as departed: `leftOn` the day before the roster's date. `undefined` when
 * the teacher had already left.
 *
 * @example
 * ```ts
 * departTeacher(teacher, "2027-02-20")?.leftOn; // "2027-02-19"
 * ```
 */
export function departTeacher(teacher: Teacher, asOf: string): Teacher | undefined {
  if (teacher.leftOn !== undefined) return undefined;
  return { ...teacher, leftOn: lastDay(asOf, teacher.joinedOn) };
}

async function loadAll<T>(
  list: (cursor: string | undefined) => Promise<{ items: Stored<T>[]; nextCursor?: string }>,
): Promise<Stored<T>[]> {
  const out: Stored<T>[] = [];
  let cursor: string | undefined;
  do {
    const page = await list(cursor);
    out.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return out;
}

/**
 * Imports a roster through a transaction's repositories: compares each row with the stored
 * one by content (canonical JSON of the schema output), creates new rows in batches, updates
 * changed ones with their expected version, and marks teachers and students of the school
 * that the roster no longer lists as departed (never deletes). Run it inside one
 * transaction so that an import is all or nothing; adapters use it for `roster.upsert`.
 *
 * @example
 * ```ts
 * await storage.transaction((tx) => upsertRoster(tx, roster)); // first time
 * // { added: { classes: 30, teachers: 80, students: 1200 }, updated: {…0}, unchanged: {…0}, departed: {…0} }
 * await storage.transaction((tx) => upsertRoster(tx, roster)); // same roster again
 * // { added: {…0}, updated: {…0}, unchanged: { classes: 30, teachers: 80, students: 1200 }, departed: {…0} }
 * ```
 */
export async function upsertRoster(
  tx: StorageTx,
  input: RosterInput,
  options: RosterUpsertOptions = {},
): Promise<RosterUpsertResult> {
  const roster = parseRoster(input);
  const batchSize = Math.max(1, Math.min(options.batchSize ?? 500, 5_000));
  const result: RosterUpsertResult = {
    added: { classes: 0, teachers: 0, students: 0 },
    updated: { classes: 0, teachers: 0, students: 0 },
    unchanged: { classes: 0, teachers: 0, students: 0 },
    departed: { teachers: 0, students: 0 },
  };
  const where = { schoolId: roster.schoolId };

  const sync = async <R extends { id: string }>(
    kind: keyof RosterCounts,
    incoming: readonly R[],
    existing: readonly Stored<R>[],
    create: (rows: R[]) => Promise<unknown>,
    update: (row: R, expectedVersion: number) => Promise<unknown>,
    depart?: (row: R) => R | undefined,
  ) => {
    const byId = new Map(existing.map((s) => [s.record.id, s]));
    const fresh: R[] = [];
    for (const row of incoming) {
      const stored = byId.get(row.id);
      if (!stored) {
        fresh.push(row);
      } else if (canonicalJson(stored.record) === canonicalJson(row)) {
        result.unchanged[kind]++;
      } else {
        await withParsedRecords([row], () => update(row, stored.version));
        result.updated[kind]++;
      }
    }
    for (let i = 0; i < fresh.length; i += batchSize) {
      const batch = fresh.slice(i, i + batchSize);
      // The rows were parsed by their own schema in parseRoster: the store need not do it again.
      await withParsedRecords(batch, () => create(batch));
    }
    result.added[kind] += fresh.length;
    if (!depart) return;
    const listed = new Set(incoming.map((r) => r.id));
    for (const stored of existing) {
      if (listed.has(stored.record.id)) continue;
      const departed = depart(stored.record);
      if (!departed) continue;
      await update(departed, stored.version);
      result.departed[kind as "teachers" | "students"]++;
    }
  };

  const classes = await loadAll((cursor) => tx.classes.list({ where, cursor, limit: 1000 }));
  await sync(
    "classes",
    roster.classes,
    classes,
    (rows) => tx.classes.createMany(rows),
    (row, v) => tx.classes.update(row.id, row, { expectedVersion: v }),
  );
  const teachers = await loadAll((cursor) => tx.teachers.list({ where, cursor, limit: 1000 }));
  await sync(
    "teachers",
    roster.teachers,
    teachers,
    (rows) => tx.teachers.createMany(rows),
    (row, v) => tx.teachers.update(row.id, row, { expectedVersion: v }),
    (row) => departTeacher(row, roster.asOf),
  );
  const students = await loadAll((cursor) => tx.students.list({ where, cursor, limit: 1000 }));
  await sync(
    "students",
    roster.students,
    students,
    (rows) => tx.students.createMany(rows),
    (row, v) => tx.students.update(row.id, row, { expectedVersion: v }),
    (row) => departStudent(row, roster.asOf),
  );
  return result;
}
