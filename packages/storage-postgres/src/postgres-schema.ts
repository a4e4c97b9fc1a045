import { HomevisitError } from "@homevisit/core";
import type { Db, SchemaMode } from "@homevisit/storage-sql";
import { sql } from "kysely";

/**
 * Quotes a schema name for SQL after checking it is a plain identifier (lower-case letters,
 * digits, underscores; at most 63 characters), so that no option can inject SQL.
 *
 * @example
 * ```ts
 * quoteSchema("homevisit"); // '"homevisit"'
 * quoteSchema("x; drop"); // throws HomevisitError("validation_failed")
 * ```
 */
export function quoteSchema(schema: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new HomevisitError("validation_failed", { path: ["schema"] });
  return `"${schema}"`;
}

/**
 * Makes the function that creates homevisit's PostgreSQL schema once, before the first
 * transaction: only when it is missing (CREATE SCHEMA needs a privilege a running application
 * may lack), and never in `check` mode. A failed attempt is tried again on the next call.
 *
 * @example
 * ```ts
 * const ensureSchema = schemaCreator(txDb, "homevisit", "migrate");
 * await ensureSchema(); // CREATE SCHEMA IF NOT EXISTS "homevisit" when missing
 * ```
 */
export function schemaCreator(db: Db, schema: string, mode: SchemaMode | undefined): () => Promise<void> {
  const quoted = quoteSchema(schema);
  let schemaReady: Promise<void> | undefined;
  return () => {
    // A check-only store runs no DDL: a missing schema shows up as version 0 (outdated).
    if (mode === "check") return Promise.resolve();
    schemaReady ??= (async () => {
      const exists = async () =>
        (await sql`SELECT 1 AS one FROM pg_namespace WHERE nspname = ${schema}`.execute(db)).rows.length > 0;
      if (!(await exists())) {
        try {
          await sql.raw(`CREATE SCHEMA IF NOT EXISTS ${quoted}`).execute(db);
        } catch (error) {
          // Two processes creating it at once: IF NOT EXISTS does not stop the loser's
          // duplicate catalog row. If the schema is there now, that is all that was asked.
          if (!(await exists())) throw error;
        }
      }
    })().catch((error: unknown) => {
      schemaReady = undefined;
      throw error;
    });
    return schemaReady;
  };
}
