import { HomevisitError, parseInput } from "@homevisit/core";
import {
  type AuditHead,
  type AuditRecord,
  assertSameTenant,
  auditEntrySchema,
  auditGenesisHash,
  type ClaimedOutboxEvent,
  type Collection,
  chainAuditEntry,
  coverageQuerySchema,
  decodeCursor,
  duplicateError,
  type EntityInput,
  type EntityRecord,
  encodeCursor,
  type IndexValue,
  idempotencyBeginSchema,
  implicitTransactions,
  type JsonValue,
  type Migrations,
  normaliseWhere,
  notFoundError,
  type OutboxEvent,
  outboxEventSchema,
  type ParentEntityName,
  type PreparedRecord,
  pageSize,
  prepareRecord,
  type RawReadBack,
  type Storage,
  type StorageTx,
  type Stored,
  type StoredEntityName,
  staleError,
  storedEntityNames,
  type TenantKeys,
  upsertRoster,
  verifyAuditLog,
} from "@homevisit/core/storage";
import { type CompiledQuery, type Kysely, sql } from "kysely";
import { selectById, selectTenantKeys, selectWhere } from "./compiled.js";
import {
  auditAppendQueries,
  auditHeadInsert,
  auditHeadQuery,
  idempotencyComplete,
  idempotencyInsert,
  idempotencySelect,
  outboxInsert,
  selectVersion,
  updateRow,
} from "./compiled-writes.js";
import { coverageSql } from "./reports.js";
import {
  checkEntityTables,
  entityTables,
  latestSchemaVersion,
  migrationScript,
  type SqlDialectName,
  schemaTableDdl,
  sqlMigrations,
} from "./schema.js";

/** The Kysely instance a driver hands to the shared SQL layer (untyped tables: the layer builds names from entity definitions). */
// biome-ignore lint/suspicious/noExplicitAny: the schema is dynamic (one table per entity); rows are checked by zod.
export type Db = Kysely<any>;

/** What a dialect adapter gives the shared SQL layer. */
export interface SqlStorageDriver {
  dialect: SqlDialectName;
  /** The Kysely instance, used for migrations and raw read-back. */
  db: Db;
  /**
   * Runs `fn` in one transaction on one connection: `BEGIN IMMEDIATE` on SQLite, `BEGIN` on
   * PostgreSQL. Retries on busy and serialization failures are the driver's job; the function
   * it retries must be re-runnable (the shared layer's are).
   */
  transaction<T>(fn: (conn: Db) => Promise<T>, options: { readOnly: boolean }): Promise<T>;
  /**
   * Inserts rows on the open transaction's connection: a dialect's fast path (prepared
   * statements on SQLite, multi-row INSERT or COPY on PostgreSQL). Absent: Kysely multi-row
   * inserts. With `skipExisting`, a row whose key exists is skipped (`ON CONFLICT DO NOTHING`)
   * instead of failing, and its key (the first column) is returned, so that the caller can
   * undo the call without a SELECT before every batch; without it, a clash throws.
   */
  insertRows?(
    conn: Db,
    table: string,
    columns: readonly string[],
    rows: readonly unknown[][],
    options?: { skipExisting?: boolean },
  ): Promise<readonly unknown[]>;
  /**
   * Rows per `insertRows` call of a bulk `createMany`: the shared layer builds each chunk's
   * rows (JSON text included) just before inserting them, so that they die young. SQLite
   * wants small chunks (it inserts row by row anyway); PostgreSQL one chunk per multi-row
   * statement. Default 400.
   */
  insertChunkRows?: number;
  /** Whether a driver error is a unique-key violation. */
  isUniqueViolation(error: unknown): boolean;
  /** `FOR UPDATE` where the dialect locks rows (PostgreSQL); empty on SQLite, whose writers are serial. */
  lockRows: boolean;
  /**
   * Makes migrations of one schema take turns, inside a migration's transaction (until it
   * ends). Without it, processes that migrate at once run the same DDL at once, and the
   * database answers with deadlocks and duplicate catalog rows instead of waiting. Not needed
   * where writers are serial anyway (SQLite's `BEGIN IMMEDIATE`).
   */
  lockMigrations?(conn: Db): Promise<void>;
  close(): Promise<void>;
}

/** A SQL-backed storage with its raw read-back. */
export interface SqlStorage extends Storage {
  readonly raw: RawReadBack;
}

const toIso = (instant: string) => new Date(Date.parse(instant)).toISOString();
/** The lease time of a new outbox row: long past, so the first claim takes it. */
const epochIso = new Date(0).toISOString();
const num = (v: unknown) => (typeof v === "bigint" ? Number(v) : typeof v === "string" ? Number(v) : (v as number));

/** A stored JSON text, or the text itself when it is not JSON (a damaged row is a break, not a crash). */
function parseStoredJson(text: unknown): unknown {
  try {
    return JSON.parse(String(text));
  } catch {
    return text;
  }
}

/** A head row as the port returns it (`keyId` and `mac` only when the head is signed). */
function storedHead(chainId: string, row: Record<string, unknown> | undefined): AuditHead {
  if (!row) return { chainId, count: 0, hash: auditGenesisHash };
  const keyId = row.key_id;
  const mac = row.mac;
  return {
    chainId,
    count: num(row.count),
    hash: String(row.hash),
    ...(typeof keyId === "string" ? { keyId } : {}),
    ...(typeof mac === "string" ? { mac } : {}),
  };
}

/** The batch size of multi-row inserts: well under SQLite's and PostgreSQL's parameter limits. */
const insertBatch = 400;

/** Rows per `insertRows` call of `createMany` when the driver does not say (see `insertChunkRows`). */
const defaultInsertChunkRows = 400;

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

const makeCollection = Symbol("makeCollection");
const madeCollections = Symbol("madeCollections");

/** What a transaction object keeps to make its entity collections on first use. */
interface TxCollections {
  [makeCollection]: (entity: StoredEntityName) => Collection<StoredEntityName>;
  [madeCollections]: Partial<Record<StoredEntityName, Collection<StoredEntityName>>>;
}

/**
 * The entity collections of every transaction object, as getters on one shared prototype:
 * each is made on first use (a transaction touches a few of the entities, and making all of
 * them — closures, column lists — showed in profiles), and defining 17 getters on each new
 * transaction object showed too.
 */
const txPrototype: object = Object.create(Object.prototype);
for (const name of storedEntityNames) {
  Object.defineProperty(txPrototype, name, {
    enumerable: true,
    get(this: TxCollections) {
      const made = this[madeCollections];
      let collection = made[name];
      if (collection === undefined) {
        collection = this[makeCollection](name);
        made[name] = collection;
      }
      return collection;
    },
  });
}

/**
 * Builds the storage port over a dialect driver. The query code is shared by SQLite and
 * PostgreSQL; only transactions, bulk inserts and error classification differ per driver.
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
  const checkOnly = options.schemaMode === "check";
  let closed = false;
  /** The schema version the database was found at (read before the first transaction). */
  let schemaVersion = latestSchemaVersion;
  /** Whether the audit heads' MAC table exists (schema 5). */
  const keyedHeads = () => schemaVersion >= 5;

  /** Inserts rows; with `skipExisting`, returns the keys of the rows skipped because they exist. */
  async function insert(
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

  function makeTx(conn: Db): StorageTx {
    /** Tenant keys of parent rows, per parent table and id (no key strings to build per record). */
    const parentTenants = new Map<ParentEntityName, Map<string, TenantKeys>>();
    const knownOf = (parent: ParentEntityName) => {
      let known = parentTenants.get(parent);
      if (known === undefined) {
        known = new Map();
        parentTenants.set(parent, known);
      }
      return known;
    };
    /**
     * The tenant keys of prepared records: their own, or their parents', looked up once per
     * batch with one keyed query per parent table (and remembered for the transaction), so a
     * batch of 5,000 students costs one SELECT, not 5,000 awaits.
     */
    const tenantsOf = async (prepared: readonly PreparedRecord<StoredEntityName>[]): Promise<TenantKeys[]> => {
      const wanted = new Map<ParentEntityName, Set<string>>();
      for (const p of prepared) {
        if ("keys" in p.tenant) continue;
        const { parent, id } = p.tenant;
        if (parentTenants.get(parent)?.has(id)) continue;
        const ids = wanted.get(parent) ?? new Set<string>();
        wanted.set(parent, ids.add(id));
      }
      for (const [parent, idSet] of wanted) {
        const ids = [...idSet];
        const known = knownOf(parent);
        for (let i = 0; i < ids.length; i += insertBatch) {
          const { rows } = await conn.executeQuery<{
            id: string;
            city_id: string;
            county_id: string | null;
            school_id: string | null;
          }>(selectTenantKeys(driver.dialect, entityTables[parent], ids.slice(i, i + insertBatch)));
          for (const row of rows) {
            known.set(row.id, {
              cityId: row.city_id,
              countyId: row.county_id ?? null,
              schoolId: row.school_id ?? null,
            });
          }
        }
      }
      return prepared.map((p) => {
        if ("keys" in p.tenant) return p.tenant.keys;
        const tenant = parentTenants.get(p.tenant.parent)?.get(p.tenant.id);
        if (!tenant) throw notFoundError(p.tenant.parent);
        return tenant;
      });
    };

    const collection = <N extends StoredEntityName>(entity: N): Collection<N> => {
      const spec = entityTables[entity];
      const ixColumns = Object.entries(spec.columns);
      const columns = [
        "id",
        "city_id",
        "county_id",
        "school_id",
        "version",
        ...ixColumns.map(([, c]) => c.column),
        "data",
      ];
      const toStored = (row: Record<string, unknown>): Stored<EntityRecord<N>> => ({
        record: JSON.parse(row.data as string) as EntityRecord<N>,
        version: num(row.version),
        tenant: {
          cityId: row.city_id as string,
          countyId: (row.county_id as string | null) ?? null,
          schoolId: (row.school_id as string | null) ?? null,
        },
      });
      const ixNames = ixColumns.map(([name]) => name);
      const rowValues = (p: PreparedRecord<N>, tenant: TenantKeys, version: number): unknown[] => {
        const row: unknown[] = new Array(columns.length);
        row[0] = p.id;
        row[1] = tenant.cityId;
        row[2] = tenant.countyId;
        row[3] = tenant.schoolId;
        row[4] = version;
        for (let j = 0; j < ixNames.length; j++) row[5 + j] = p.indexes[ixNames[j] as string] ?? null;
        row[5 + ixNames.length] = JSON.stringify(p.record);
        return row;
      };
      const createMany = async (inputs: readonly EntityInput<N>[]) => {
        const prepared = inputs.map((input) => prepareRecord(entity, input));
        const ids = prepared.map((p) => p.id);
        if (new Set(ids).size !== ids.length) throw duplicateError(entity);
        const tenants = await tenantsOf(prepared as PreparedRecord<StoredEntityName>[]);
        const stored: Stored<EntityRecord<N>>[] = new Array(prepared.length);
        const skipped: unknown[] = [];
        const chunk = driver.insertChunkRows ?? defaultInsertChunkRows;
        try {
          // No SELECT for existing ids first: rows whose id exists are skipped by the insert
          // itself, and the call is undone below, so the happy path is the insert alone.
          // Rows (and their JSON text) are built a chunk at a time, just before they are
          // inserted: built all at once, a city-sized import kept every batch's JSON alive
          // across several young-generation GCs, which copied it — GC time grew with the batch.
          for (let start = 0; start < prepared.length; start += chunk) {
            const end = Math.min(prepared.length, start + chunk);
            const rows: unknown[][] = new Array(end - start);
            for (let i = start; i < end; i++) {
              const p = prepared[i] as PreparedRecord<N>;
              const tenant = tenants[i] as TenantKeys;
              rows[i - start] = rowValues(p, tenant, 1);
              stored[i] = { record: p.record, version: 1, tenant };
            }
            const clashes = await insert(conn, spec.table, columns, rows, true);
            for (const id of clashes) skipped.push(id);
          }
        } catch (error) {
          if (driver.isUniqueViolation(error)) throw duplicateError(entity);
          throw error;
        }
        if (skipped.length > 0) {
          // Every other row of this call was new, so it is this transaction's own: deleting it
          // leaves the table as before the call, and the transaction usable (PostgreSQL's
          // would be aborted by a unique violation; SQLite's would keep half the batch).
          const clashing = new Set(skipped);
          const ours = ids.filter((id) => !clashing.has(id));
          for (let i = 0; i < ours.length; i += insertBatch) {
            await conn
              .deleteFrom(spec.table)
              .where("id", "in", ours.slice(i, i + insertBatch))
              .execute();
          }
          throw duplicateError(entity);
        }
        if (entity === "students") await writeEnrolments(conn, stored as never, false);
        return stored;
      };

      return {
        async get(id) {
          const { rows } = await conn.executeQuery<Record<string, unknown>>(selectById(driver.dialect, spec, id));
          const row = rows[0];
          return row ? toStored(row) : undefined;
        },
        async getMany(ids) {
          if (ids.length === 0) return [];
          const rows = await conn
            .selectFrom(spec.table)
            .selectAll()
            .where("id", "in", [...ids])
            .execute();
          const byId = new Map(rows.map((r) => [r.id as string, r]));
          return ids.flatMap((id) => {
            const row = byId.get(id);
            return row ? [toStored(row)] : [];
          });
        },
        async create(input) {
          const [stored] = await createMany([input]);
          return stored as Stored<EntityRecord<N>>;
        },
        createMany,
        async update(id, input, { expectedVersion }) {
          const p = prepareRecord(entity, input);
          // No row lock: the UPDATE below re-checks the version, so a stale writer fails with
          // version_conflict instead of queueing behind the lock holder (lost updates stay
          // impossible: PostgreSQL re-evaluates the WHERE against the committed row).
          const { rows } = await conn.executeQuery<{
            version: unknown;
            city_id: string;
            county_id: string | null;
            school_id: string | null;
          }>(selectVersion(driver.dialect, spec, id));
          const current = rows[0];
          if (!current || p.id !== id) throw notFoundError(entity);
          const [tenant] = (await tenantsOf([p as PreparedRecord<StoredEntityName>])) as [TenantKeys];
          assertSameTenant(
            { cityId: current.city_id, countyId: current.county_id ?? null, schoolId: current.school_id ?? null },
            tenant,
          );
          const version = num(current.version);
          if (version !== expectedVersion) throw staleError(expectedVersion, version);
          const values: unknown[] = ixNames.map((name) => p.indexes[name] ?? null);
          values.push(JSON.stringify(p.record));
          const result = await conn.executeQuery(updateRow(driver.dialect, spec, id, expectedVersion, values));
          if (num(result.numAffectedRows ?? 0) !== 1) throw staleError(expectedVersion, version + 1);
          const stored = { record: p.record, version: version + 1, tenant };
          if (entity === "students") await writeEnrolments(conn, [stored] as never, true);
          return stored;
        },
        async delete(id, { expectedVersion }) {
          const current = await conn.selectFrom(spec.table).select("version").where("id", "=", id).executeTakeFirst();
          if (!current) throw notFoundError(entity);
          if (num(current.version) !== expectedVersion) throw staleError(expectedVersion, num(current.version));
          await conn.deleteFrom(spec.table).where("id", "=", id).where("version", "=", expectedVersion).execute();
          if (entity === "students") await conn.deleteFrom("hv_enrolments").where("student_id", "=", id).execute();
        },
        async list(query = {}) {
          const limit = pageSize(query.limit);
          const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
          const { rows } = await conn.executeQuery<Record<string, unknown>>(
            selectWhere(driver.dialect, spec, normaliseWhere(entity, query.where), {
              kind: "page",
              after,
              limit: limit + 1,
            }),
          );
          const items = rows.slice(0, limit).map(toStored);
          const last = items[items.length - 1];
          return rows.length > limit && last ? { items, nextCursor: encodeCursor(last.record.id) } : { items };
        },
        async count(where) {
          const { rows } = await conn.executeQuery<{ n: number | string | bigint }>(
            selectWhere(driver.dialect, spec, normaliseWhere(entity, where), { kind: "count" }),
          );
          return num(rows[0]?.n ?? 0);
        },
      };
    };

    const tx = {
      idempotency: {
        async begin(input) {
          const b = parseInput(idempotencyBeginSchema, input);
          const inserted = await conn.executeQuery(
            idempotencyInsert(driver.dialect, {
              actorId: b.actorId,
              key: b.key,
              requestHash: b.requestHash,
              createdAt: toIso(b.now),
            }),
          );
          if (num(inserted.numAffectedRows ?? 0) === 1) return { status: "started" };
          const { rows } = await conn.executeQuery<{ request_hash: string; status: string; response: string | null }>(
            idempotencySelect(driver.dialect, b.actorId, b.key),
          );
          const row = rows[0];
          // The insert saw the key, so its row exists in this transaction's view.
          if (row === undefined) throw new HomevisitError("storage_busy");
          if (row.request_hash !== b.requestHash) return { status: "mismatch" };
          if (row.status === "in_flight") return { status: "in_flight" };
          return { status: "completed", response: JSON.parse(row.response ?? "null") as JsonValue };
        },
        async complete({ actorId, key, response }) {
          const result = await conn.executeQuery(
            idempotencyComplete(driver.dialect, actorId, key, JSON.stringify(response)),
          );
          if (num(result.numAffectedRows ?? 0) !== 1) {
            throw new HomevisitError("not_found", { params: { entity: "idempotency key" } });
          }
        },
        async release({ actorId, key }) {
          await conn
            .deleteFrom("hv_idempotency")
            .where("actor_id", "=", actorId)
            .where("idem_key", "=", key)
            .where("status", "=", "in_flight")
            .execute();
        },
        async purge({ before }) {
          const result = await conn
            .deleteFrom("hv_idempotency")
            .where("created_at", "<", toIso(before))
            .executeTakeFirst();
          return num(result.numDeletedRows);
        },
      },
      outbox: {
        async append(input) {
          const event = parseInput(outboxEventSchema, input);
          // One statement: an existing id makes the insert do nothing (0 rows), not fail, so
          // PostgreSQL's transaction stays usable and no SELECT runs first.
          const result = await conn.executeQuery(
            outboxInsert(driver.dialect, {
              id: event.id,
              topic: event.topic,
              schoolId: event.schoolId ?? null,
              at: event.at,
              data: JSON.stringify(event),
              leasedUntil: epochIso,
            }),
          );
          if (num(result.numAffectedRows ?? 0) !== 1)
            throw new HomevisitError("conflict", { params: { entity: "event" } });
        },
        async claim({ now, leaseSeconds, limit }) {
          const t = toIso(now);
          const rows = await conn
            .selectFrom("hv_outbox")
            .select(["id", "seq", "data", "attempts"])
            .where("acked", "=", 0)
            .where("leased_until", "<=", t)
            .orderBy("seq")
            .limit(Math.max(0, limit))
            .$if(driver.lockRows, (q) => q.forUpdate().skipLocked())
            .execute();
          if (rows.length === 0) return [];
          const until = new Date(Date.parse(now) + leaseSeconds * 1000).toISOString();
          await conn
            .updateTable("hv_outbox")
            .set({ attempts: sql`attempts + 1`, leased_until: until })
            .where(
              "id",
              "in",
              rows.map((r) => r.id),
            )
            .execute();
          return rows.map(
            (r): ClaimedOutboxEvent => ({
              event: JSON.parse(r.data) as OutboxEvent,
              seq: num(r.seq),
              attempts: num(r.attempts) + 1,
            }),
          );
        },
        async ack(ids) {
          if (ids.length === 0) return 0;
          const result = await conn
            .updateTable("hv_outbox")
            .set({ acked: 1 })
            .where("id", "in", [...new Set(ids)])
            .where("acked", "=", 0)
            .executeTakeFirst();
          return num(result.numUpdatedRows);
        },
        async pending() {
          const row = await conn
            .selectFrom("hv_outbox")
            .select(sql<number>`count(*)`.as("n"))
            .where("acked", "=", 0)
            .executeTakeFirst();
          return num(row?.n ?? 0);
        },
      },
      audit: {
        async append(input, options = {}) {
          const entry = parseInput(auditEntrySchema, input);
          const lockHead = async () =>
            (
              await conn.executeQuery<{ count: unknown; hash: string; key_id: string | null; mac: string | null }>(
                auditHeadQuery(driver.dialect, driver.lockRows, entry.chainId, keyedHeads()),
              )
            ).rows[0];
          let head = await lockHead();
          if (!head) {
            // The first row of a chain: make its head (count 0, the genesis hash) race-free —
            // of two first appends, one inserts, the other waits on that row and does nothing —
            // then lock it like any other head. No unique violation, no re-run.
            await conn.executeQuery(auditHeadInsert(driver.dialect, entry.chainId, auditGenesisHash));
            head = await lockHead();
            if (!head) throw new HomevisitError("storage_busy");
          }
          const count = num(head.count);
          const previous: AuditHead | undefined =
            count > 0 ? { chainId: entry.chainId, count, hash: head.hash } : undefined;
          const key = options.key === undefined ? {} : { key: options.key };
          const write = async (seq?: number) => {
            const chained = chainAuditEntry(previous, entry, seq === undefined ? key : { ...key, seq });
            // A store whose schema predates the MAC table keeps its head unsigned until migrated.
            const head = keyedHeads() ? chained.head : { count: chained.head.count, hash: chained.head.hash };
            const [insertRow, ...moveHead] = auditAppendQueries(
              driver.dialect,
              {
                chainId: entry.chainId,
                seq: chained.record.seq,
                at: chained.record.at,
                hash: chained.record.hash,
                data: JSON.stringify(chained.record),
              },
              head,
            );
            const inserted = await conn.executeQuery(insertRow as CompiledQuery);
            if (num(inserted.numAffectedRows ?? 0) !== 1) return undefined;
            for (const query of moveHead) await conn.executeQuery(query);
            return chained.record;
          };
          const record = await write();
          if (record) return record;
          // The place after the head is taken by a row the chain did not write: go on after
          // the highest stored row, as a new segment that says where it resumed.
          const top = await conn
            .selectFrom("hv_audit")
            .select(sql<number>`max(seq)`.as("top"))
            .where("chain_id", "=", entry.chainId)
            .executeTakeFirst();
          const resumed = await write(num(top?.top ?? count) + 1);
          if (!resumed) throw new HomevisitError("storage_busy");
          return resumed;
        },
        async read(chainId, options = {}) {
          const rows = await conn
            .selectFrom("hv_audit")
            .select("data")
            .where("chain_id", "=", chainId)
            .where("seq", ">=", options.fromSeq ?? 1)
            .orderBy("seq")
            .limit(Math.max(1, Math.min(options.limit ?? 1000, 10_000)))
            .execute();
          return rows.map((r) => parseStoredJson(r.data) as AuditRecord);
        },
        async head(chainId) {
          const { rows } = await conn.executeQuery<Record<string, unknown>>(
            auditHeadQuery(driver.dialect, false, chainId, keyedHeads()),
          );
          return storedHead(chainId, rows[0]);
        },
        async verify(chainId, options = {}) {
          return verifyAuditLog(this, chainId, options);
        },
      },
    } as Omit<StorageTx, StoredEntityName>;
    const state: TxCollections = { [makeCollection]: collection, [madeCollections]: {} };
    return Object.assign(Object.create(txPrototype) as object, tx, state) as unknown as StorageTx;
  }

  async function writeEnrolments(
    conn: Db,
    students: { record: EntityRecord<"students">; tenant: TenantKeys }[],
    replace: boolean,
  ) {
    if (replace && students.length > 0) {
      await conn
        .deleteFrom("hv_enrolments")
        .where(
          "student_id",
          "in",
          students.map((s) => s.record.id),
        )
        .execute();
    }
    const rows: unknown[][] = [];
    for (const { record, tenant } of students) {
      record.enrolments.forEach((e, seq) => {
        if (e.schoolId !== record.schoolId) return;
        rows.push([
          record.id,
          seq,
          tenant.cityId,
          tenant.countyId,
          record.schoolId,
          e.classId,
          e.grade,
          e.from,
          e.to ?? null,
        ]);
      });
    }
    await insert(
      conn,
      "hv_enrolments",
      ["student_id", "seq", "city_id", "county_id", "school_id", "class_id", "grade", "date_from", "date_to"],
      rows,
    );
  }

  async function transaction<T>(fn: (tx: StorageTx) => Promise<T>, options: { readOnly?: boolean } = {}): Promise<T> {
    if (closed) throw new HomevisitError("storage_closed");
    return driver.transaction((conn) => fn(makeTx(conn)), { readOnly: options.readOnly ?? false });
  }

  /** The schema version, read without DDL (so it also works on a read replica). */
  async function readVersion(conn: Db): Promise<number> {
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
  /** In check mode, the one schema the store accepts is the library's own version. */
  const verify = (found: number) => {
    if (found > latestSchemaVersion) throw tooNew(found);
    if (checkOnly && found < latestSchemaVersion) throw outdated(found);
  };

  const migrations: Migrations = {
    latest: latestSchemaVersion,
    current: () => driver.transaction(readVersion, { readOnly: true }),
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
            const current = await readVersion(conn);
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

  /** Refuses to work on a schema this library does not know (or, in check mode, does not match), before the first transaction. */
  let checked: Promise<void> | undefined;
  const ensureChecked = () => {
    checked ??= migrations.current().then((found) => {
      schemaVersion = found;
      verify(found);
    });
    checked.catch(() => {
      checked = undefined;
    });
    return checked;
  };
  const guarded = async <T>(fn: (tx: StorageTx) => Promise<T>, options?: { readOnly?: boolean }): Promise<T> => {
    await ensureChecked();
    return transaction(fn, options);
  };

  const raw: RawReadBack = {
    async record(entity, id) {
      const spec = entityTables[entity];
      const row = await driver.db.selectFrom(spec.table).selectAll().where("id", "=", id).executeTakeFirst();
      if (!row) return undefined;
      const indexes: Record<string, IndexValue> = {};
      for (const [name, c] of Object.entries(spec.columns)) {
        const v = row[c.column];
        indexes[name] = v === null || v === undefined ? null : c.type === "integer" ? num(v) : String(v);
      }
      return {
        data: JSON.parse(row.data),
        version: num(row.version),
        tenant: { cityId: row.city_id, countyId: row.county_id ?? null, schoolId: row.school_id ?? null },
        indexes,
      };
    },
    async count(entity) {
      const row = await driver.db
        .selectFrom(entityTables[entity].table)
        .select(sql<number>`count(*)`.as("n"))
        .executeTakeFirst();
      return num(row?.n ?? 0);
    },
    async auditRows(chainId) {
      const rows = await driver.db
        .selectFrom("hv_audit")
        .select("data")
        .where("chain_id", "=", chainId)
        .orderBy("seq")
        .execute();
      return rows.map((r) => parseStoredJson(r.data));
    },
    async auditHead(chainId) {
      const { rows } = await driver.db.executeQuery<Record<string, unknown>>(
        auditHeadQuery(driver.dialect, false, chainId, true),
      );
      return rows[0] ? storedHead(chainId, rows[0]) : undefined;
    },
    async writeAuditHead(chainId, head) {
      await driver.db.deleteFrom("hv_audit_heads").where("chain_id", "=", chainId).execute();
      await driver.db.deleteFrom("hv_audit_head_macs").where("chain_id", "=", chainId).execute();
      if (head === undefined) return;
      await driver.db
        .insertInto("hv_audit_heads")
        .values({ chain_id: chainId, count: head.count, hash: head.hash })
        .execute();
      if (head.keyId !== undefined && head.mac !== undefined) {
        await driver.db
          .insertInto("hv_audit_head_macs")
          .values({ chain_id: chainId, key_id: head.keyId, mac: head.mac })
          .execute();
      }
    },
    async writeAuditRows(chainId, rows) {
      await driver.db.deleteFrom("hv_audit").where("chain_id", "=", chainId).execute();
      let fallback = 0;
      for (const row of rows) {
        const r = (row ?? {}) as { seq?: unknown; at?: unknown; hash?: unknown };
        // The key is (chain, seq): a row whose seq is not a fresh number goes after the last one.
        const seq = typeof r.seq === "number" && Number.isSafeInteger(r.seq) && r.seq > fallback ? r.seq : fallback + 1;
        fallback = seq;
        await driver.db
          .insertInto("hv_audit")
          .values({
            chain_id: chainId,
            seq,
            at: typeof r.at === "string" ? r.at : "",
            hash: typeof r.hash === "string" ? r.hash : "",
            data: typeof row === "string" ? row : JSON.stringify(row),
          })
          .execute();
      }
    },
    async tamperAudit(chainId, seq, patch) {
      const row = await driver.db
        .selectFrom("hv_audit")
        .select("data")
        .where("chain_id", "=", chainId)
        .where("seq", "=", seq)
        .executeTakeFirst();
      if (!row) return;
      await driver.db
        .updateTable("hv_audit")
        .set({ data: JSON.stringify({ ...JSON.parse(row.data), ...patch }) })
        .where("chain_id", "=", chainId)
        .where("seq", "=", seq)
        .execute();
    },
    async outbox(id) {
      const row = await driver.db.selectFrom("hv_outbox").selectAll().where("id", "=", id).executeTakeFirst();
      return row ? { acked: num(row.acked) === 1, attempts: num(row.attempts) } : undefined;
    },
    async idempotency(actorId, key) {
      const row = await driver.db
        .selectFrom("hv_idempotency")
        .selectAll()
        .where("actor_id", "=", actorId)
        .where("idem_key", "=", key)
        .executeTakeFirst();
      return row
        ? {
            status: row.status,
            requestHash: row.request_hash,
            response: row.response === null ? null : JSON.parse(row.response),
          }
        : undefined;
    },
    async setSchemaVersion(version) {
      await sql.raw(schemaTableDdl).execute(driver.db);
      await driver.db.insertInto("hv_schema").values({ version, name: "set by test" }).execute();
      checked = undefined;
    },
  };

  return {
    ...implicitTransactions(guarded),
    transaction: guarded,
    raw,
    migrations,
    roster: { upsert: (input, options) => guarded((tx) => upsertRoster(tx, input, options)) },
    reports: {
      async coverage(input) {
        const query = parseInput(coverageQuerySchema, input);
        if (closed) throw new HomevisitError("storage_closed");
        await ensureChecked();
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
