import type { Db, SqlStorageDriver } from "./sql-driver.js";

/** Small conversions and the multi-row insert every part of the SQL layer uses. */

/** An instant as UTC ISO text, the form the SQL tables compare. */
export const toIso = (instant: string) => new Date(Date.parse(instant)).toISOString();
/** The lease time of a new outbox row: long past, so the first claim takes it. */
export const epochIso = new Date(0).toISOString();
/** A driver's number (PostgreSQL answers `count(*)` as text or bigint) as a number. */
export const num = (v: unknown) =>
  typeof v === "bigint" ? Number(v) : typeof v === "string" ? Number(v) : (v as number);

/** A stored JSON text, or the text itself when it is not JSON (a damaged row is a break, not a crash). */
export function parseStoredJson(text: unknown): unknown {
  try {
    return JSON.parse(String(text));
  } catch {
    return text;
  }
}

/** The batch size of multi-row inserts: well under SQLite's and PostgreSQL's parameter limits. */
export const insertBatch = 400;

/** Rows per `insertRows` call of `createMany` when the driver does not say (see `insertChunkRows`). */
export const defaultInsertChunkRows = 400;

/** Inserts rows; with `skipExisting`, returns the keys of the rows skipped because they exist. */
export async function insertRows(
  driver: SqlStorageDriver,
  conn: Db,
  table: string,
  columns: readonly string[],
  rows: readonly unknown[][],
  skipExisting = false,
): Promise<readonly unknown[]> {
  if (rows.length === 0) return [];
  if (driver.insertRows) return driver.insertRows(conn, table, columns, rows, { skipExisting });
  const skipped: unknown[] = [];
  const key = columns[0] as string;
  for (let i = 0; i < rows.length; i += insertBatch) {
    const batch = rows.slice(i, i + insertBatch);
    const values = batch.map((row) => Object.fromEntries(columns.map((c, j) => [c, row[j] ?? null])));
    if (!skipExisting) {
      await conn.insertInto(table).values(values).execute();
      continue;
    }
    const inserted = await conn
      .insertInto(table)
      .values(values)
      .onConflict((oc) => oc.doNothing())
      .returning(key)
      .execute();
    const fresh = new Set(inserted.map((r) => r[key]));
    for (const row of batch) if (!fresh.has(row[0])) skipped.push(row[0]);
  }
  return skipped;
}
