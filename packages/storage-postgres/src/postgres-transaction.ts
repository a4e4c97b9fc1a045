import type { Db } from "@homevisit/storage-sql";
import { sql } from "kysely";
import { isRetryable, translatePgError } from "./postgres-errors.js";

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** What {@link transactionRunner} needs: the pool without a session schema, and how to set one. */
export interface TransactionRunnerOptions {
  /** Kysely over connections that carry no search path of their own. */
  db: Db;
  /** The quoted schema, set with `SET LOCAL` so that COMMIT and ROLLBACK undo it themselves. */
  quotedSchema: string;
  /** Re-runs after a deadlock or serialisation failure. */
  retries: number;
  /** Awaited before every transaction (the schema's creation). */
  before(): Promise<void>;
}

/**
 * Makes the driver's `transaction`: one borrowed connection, `BEGIN` (a read-only transaction
 * sees one snapshot), the schema as `SET LOCAL search_path`, `COMMIT` or `ROLLBACK`, and the
 * whole function run again after a retryable failure, with jittered backoff.
 *
 * @example
 * ```ts
 * const transaction = transactionRunner({ db: txDb, quotedSchema: '"homevisit"', retries: 8, before: ensureSchema });
 * await transaction((conn) => sql`SELECT 1`.execute(conn), { readOnly: true });
 * ```
 */
export function transactionRunner(
  options: TransactionRunnerOptions,
): <T>(fn: (conn: Db) => Promise<T>, mode: { readOnly: boolean }) => Promise<T> {
  const { db, quotedSchema, retries, before } = options;
  return async (fn, { readOnly }) => {
    await before();
    for (let attempt = 0; ; attempt++) {
      try {
        return await db.connection().execute(async (conn) => {
          // A read-only transaction sees one snapshot (REPEATABLE READ), so that a verify reading
          // the audit head and then its rows never sees an append in between.
          const begin = readOnly ? "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY" : "BEGIN";
          await sql.raw(`${begin}; SET LOCAL search_path TO ${quotedSchema}`).execute(conn);
          let result: Awaited<ReturnType<typeof fn>>;
          try {
            result = await fn(conn);
          } catch (error) {
            await rollback(conn);
            throw error;
          }
          try {
            await sql.raw("COMMIT").execute(conn);
          } catch (error) {
            await rollback(conn);
            throw error;
          }
          return result;
        });
      } catch (error) {
        const translated = translatePgError(error);
        if (!isRetryable(translated) || attempt >= retries) throw translated;
        // Jittered backoff, so the writers that collided do not collide again in step.
        await delay(Math.min(200, 2 ** attempt * 5) * (0.5 + Math.random()));
      }
    }
  };
}

/** Ends the transaction without its effects; a failure here changes nothing the caller can act on. */
async function rollback(conn: Db): Promise<void> {
  await sql
    .raw("ROLLBACK")
    .execute(conn)
    .catch(() => undefined);
}
