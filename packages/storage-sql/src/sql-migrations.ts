import { HomevisitError } from "@homevisit/core";
import type { Migrations } from "@homevisit/core/storage";
import { sql } from "kysely";
import { latestSchemaVersion, migrationScript, schemaTableDdl, sqlMigrations } from "./schema.js";
import type { Db, SqlStorageDriver } from "./sql-driver.js";
import { num } from "./sql-rows.js";

/** The store's migrations and the schema check every transaction waits for. */
export interface SchemaGuard {
  readonly migrations: Migrations;
  /** Refuses to work on a schema this library does not know (or, in check mode, does not match), before the first transaction. */
  ensureChecked(): Promise<void>;
  /** Reads the version again before the next transaction (it was changed). */
  forget(): void;
  /** Whether the audit heads' MAC table exists (schema 5), as found by the last check. */
  keyedHeads(): boolean;
}

/** The schema version, read without DDL (so it also works on a read replica). */
async function readVersion(driver: SqlStorageDriver, conn: Db): Promise<number> {
  const table =
    driver.dialect === "sqlite"
      ? await sql`SELECT 1 AS found FROM sqlite_master WHERE type = 'table' AND name = 'hv_schema'`.execute(conn)
      : await sql`SELECT 1 AS found WHERE to_regclass('hv_schema') IS NOT NULL`.execute(conn);
  if (table.rows.length === 0) return 0;
  const row = await conn.selectFrom("hv_schema").select(sql<number>`max(version)`.as("v")).executeTakeFirst();
  return num(row?.v ?? 0) || 0;
}

const tooNew = (found: number) =>
  new HomevisitError("storage_schema_too_new", { params: { found, supported: latestSchemaVersion } });
const outdated = (found: number) =>
  new HomevisitError("storage_schema_outdated", { params: { found, supported: latestSchemaVersion } });

/**
 * Migrations over a driver, each version in its own transaction, and the check of the version
 * found. With `checkOnly`, no DDL ever runs and the one schema accepted is the library's own.
 */
export function schemaGuard(driver: SqlStorageDriver, checkOnly: boolean): SchemaGuard {
  /** The schema version the database was found at (read before the first transaction). */
  let schemaVersion = latestSchemaVersion;
  /** In check mode, the one schema the store accepts is the library's own version. */
  const verify = (found: number) => {
    if (found > latestSchemaVersion) throw tooNew(found);
    if (checkOnly && found < latestSchemaVersion) throw outdated(found);
  };
  let checked: Promise<void> | undefined;

  const migrations: Migrations = {
    latest: latestSchemaVersion,
    current: () => driver.transaction((conn) => readVersion(driver, conn), { readOnly: true }),
    async pending() {
      const current = await migrations.current();
      return sqlMigrations.filter((m) => m.version > current).map((m) => ({ version: m.version, name: m.name }));
    },
    async migrate(options = {}) {
      if (checkOnly) {
        // No DDL in check mode: migrating is someone else's job (the primary's, or an admin's
        // with the reviewed script); here it only verifies that it was done.
        verify(await migrations.current());
        return [];
      }
      const to = Math.min(options.to ?? latestSchemaVersion, latestSchemaVersion);
      const applied: number[] = [];
      for (const m of sqlMigrations) {
        if (m.version > to) break;
        // Each version in its own transaction, re-checking the version inside it so that two
        // processes migrating at once apply each step exactly once.
        const ran = await driver.transaction(
          async (conn) => {
            await driver.lockMigrations?.(conn);
            await sql.raw(schemaTableDdl).execute(conn);
            const current = await readVersion(driver, conn);
            if (current > latestSchemaVersion) throw tooNew(current);
            if (current >= m.version) return false;
            for (const statement of m.statements(driver.dialect)) await sql.raw(statement).execute(conn);
            await conn.insertInto("hv_schema").values({ version: m.version, name: m.name }).execute();
            return true;
          },
          { readOnly: false },
        );
        if (ran) applied.push(m.version);
      }
      if (applied.length === 0) {
        const current = await migrations.current();
        if (current > latestSchemaVersion) throw tooNew(current);
      }
      // Read the version again before the next transaction (the audit heads depend on it).
      checked = undefined;
      return applied;
    },
    sql: (options = {}) => migrationScript(driver.dialect, options),
  };

  return {
    migrations,
    ensureChecked() {
      checked ??= migrations.current().then((found) => {
        schemaVersion = found;
        verify(found);
      });
      checked.catch(() => {
        checked = undefined;
      });
      return checked;
    },
    forget() {
      checked = undefined;
    },
    keyedHeads: () => schemaVersion >= 5,
  };
}
