import {
  departStudent,
  departTeacher,
  parseRoster,
  type RosterCounts,
  type RosterInput,
  type RosterUpsertOptions,
  type RosterUpsertResult,
} from "../domain/roster.js";
import { canonicalJson } from "../shared/canonical-json.js";
import type { EntityRecord } from "./entities.js";
import { type PreparedRecord, preparedFromParsed } from "./prepared-record.js";
import type { StorageTx, Stored } from "./storage.js";

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

  // The rows were parsed by their own schemas in parseRoster: they reach the store prepared,
  // not to be parsed again.
  const sync = async <K extends keyof RosterCounts, R extends EntityRecord<K>>(
    kind: K,
    incoming: readonly R[],
    existing: readonly Stored<R>[],
    create: (rows: PreparedRecord<K>[]) => Promise<unknown>,
    update: (row: R | PreparedRecord<K>, expectedVersion: number) => Promise<unknown>,
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
        await update(preparedFromParsed(kind, row), stored.version);
        result.updated[kind]++;
      }
    }
    for (let i = 0; i < fresh.length; i += batchSize) {
      await create(fresh.slice(i, i + batchSize).map((row) => preparedFromParsed(kind, row)));
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
