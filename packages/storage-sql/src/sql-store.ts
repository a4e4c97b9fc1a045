import { HomevisitError, parseInput } from "@homevisit/core";
import {
  coverageQuerySchema,
  implicitTransactions,
  type RawReadBack,
  type Storage,
  type StorageTx,
  upsertRoster,
} from "@homevisit/core/storage";
import { coverageSql } from "./reports.js";
import { checkEntityTables } from "./schema.js";
import { sqlAudit } from "./sql-audit.js";
import { parentTenantLookup, withEntityCollections } from "./sql-collections.js";
import type { Db, SqlStorageDriver } from "./sql-driver.js";
import { sqlIdempotency } from "./sql-idempotency.js";
import { schemaGuard } from "./sql-migrations.js";
import { sqlOutbox } from "./sql-outbox.js";
import { sqlRawReadBack } from "./sql-raw.js";
import type { TransactionGroup } from "./transaction-group.js";

/** A SQL-backed storage with its raw read-back. */
export interface SqlStorage extends Storage {
  readonly raw: RawReadBack;
}

/**
 * How a store treats the database schema: `migrate` (the default) may create and alter tables
 * when `migrations.migrate()` is called; `check` never runs DDL — for a read replica or a role
 * without DDL rights — and refuses to work, with `storage_schema_outdated` or
 * `storage_schema_too_new`, unless the schema is exactly at the library's version.
 */
export type SchemaMode = "migrate" | "check";

/** Options of {@link createSqlStorage}. */
export interface SqlStorageOptions {
  /** `migrate` (default) or `check` (no DDL, ever: the version is verified). */
  schemaMode?: SchemaMode;
}

/** The repositories of one transaction on its connection. */
function makeTx(
  driver: SqlStorageDriver,
  conn: Db,
  keyedHeads: () => boolean,
  group: TransactionGroup | undefined,
): StorageTx {
  const rest = {
    idempotency: sqlIdempotency(driver, conn),
    outbox: sqlOutbox(driver, conn),
    audit: sqlAudit(driver, conn, keyedHeads, group),
  };
  return withEntityCollections({ driver, conn, tenantsOf: parentTenantLookup(driver, conn) }, rest) as StorageTx;
}

/**
 * Builds the storage port over a dialect driver. The query code is shared by SQLite and
 * PostgreSQL; only transactions, bulk inserts and error classification differ per driver.
 * This function only joins the parts: entity tables (`sql-collections`), idempotency, outbox,
 * audit, migrations and the raw read-back each live in their own module.
 *
 * @example
 * ```ts
 * const storage = createSqlStorage(sqliteDriver(database));
 * await storage.migrations.migrate();
 * const replica = createSqlStorage(postgresDriver({ pool: replicaPool }), { schemaMode: "check" });
 * await replica.reports.coverage(query); // storage_schema_outdated when the replica lags a version
 * ```
 */
export function createSqlStorage(driver: SqlStorageDriver, options: SqlStorageOptions = {}): SqlStorage {
  checkEntityTables();
  let closed = false;
  const schema = schemaGuard(driver, options.schemaMode === "check");

  async function transaction<T>(fn: (tx: StorageTx) => Promise<T>, options: { readOnly?: boolean } = {}): Promise<T> {
    if (closed) throw new HomevisitError("storage_closed");
    return driver.transaction((conn, group) => fn(makeTx(driver, conn, schema.keyedHeads, group)), {
      readOnly: options.readOnly ?? false,
    });
  }
  const guarded = async <T>(fn: (tx: StorageTx) => Promise<T>, options?: { readOnly?: boolean }): Promise<T> => {
    await schema.ensureChecked();
    return transaction(fn, options);
  };

  return {
    ...implicitTransactions(guarded),
    transaction: guarded,
    raw: sqlRawReadBack(driver, schema.forget),
    migrations: schema.migrations,
    roster: { upsert: (input, options) => guarded((tx) => upsertRoster(tx, input, options)) },
    reports: {
      async coverage(input) {
        const query = parseInput(coverageQuerySchema, input);
        if (closed) throw new HomevisitError("storage_closed");
        await schema.ensureChecked();
        const rows = await driver.transaction((conn) => coverageSql(conn, query), { readOnly: true });
        return rows;
      },
    },
    async close() {
      if (closed) return;
      closed = true;
      await driver.close();
    },
  };
}
