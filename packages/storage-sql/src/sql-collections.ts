import {
  assertSameTenant,
  type Collection,
  decodeCursor,
  duplicateError,
  type EntityRecord,
  encodeCursor,
  normaliseWhere,
  notFoundError,
  type ParentEntityName,
  type PreparedRecord,
  pageSize,
  prepareRecord,
  type RecordInput,
  type Stored,
  type StoredEntityName,
  staleError,
  storedEntityNames,
  type TenantKeys,
} from "@homevisit/core/storage";
import { selectById, selectTenantKeys, selectWhere, storedColumnNames } from "./compiled.js";
import { selectVersion, updateRow } from "./compiled-writes.js";
import { type EntityTable, entityTables } from "./schema.js";
import { type Db, runQuery, type SqlStorageDriver } from "./sql-driver.js";
import { defaultInsertChunkRows, insertBatch, insertRows, num } from "./sql-rows.js";

/** The entity tables of one transaction: records as JSON text plus their tenant and index columns. */

/** What the collections of one transaction share. */
export interface CollectionContext {
  readonly driver: SqlStorageDriver;
  readonly conn: Db;
  /** The tenant keys of prepared records (see {@link parentTenantLookup}). */
  readonly tenantsOf: (prepared: readonly PreparedRecord<StoredEntityName>[]) => Promise<TenantKeys[]>;
}

/**
 * The tenant keys of prepared records: their own, or their parents', looked up once per batch
 * with one keyed query per parent table (and remembered for the transaction), so a batch of
 * 5,000 students costs one SELECT, not 5,000 awaits.
 */
export function parentTenantLookup(driver: SqlStorageDriver, conn: Db): CollectionContext["tenantsOf"] {
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
  return async (prepared) => {
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
        const { rows } = await runQuery<{
          id: string;
          city_id: string;
          county_id: string | null;
          school_id: string | null;
        }>(driver, conn, selectTenantKeys(driver.dialect, entityTables[parent], ids.slice(i, i + insertBatch)));
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
}

/** An entity's table and the order of its columns in a row. */
interface EntityLayout {
  spec: EntityTable;
  columns: readonly string[];
  /** The index names, in the order of their columns after the five fixed ones. */
  ixNames: readonly string[];
}

const layouts = new Map<StoredEntityName, EntityLayout>();

/** The layout of an entity's table, built once per process. */
function layoutOf(entity: StoredEntityName): EntityLayout {
  let layout = layouts.get(entity);
  if (layout === undefined) {
    const spec = entityTables[entity];
    const ixColumns = Object.entries(spec.columns);
    layout = {
      spec,
      columns: ["id", "city_id", "county_id", "school_id", "version", ...ixColumns.map(([, c]) => c.column), "data"],
      ixNames: ixColumns.map(([name]) => name),
    };
    layouts.set(entity, layout);
  }
  return layout;
}

function toStored<N extends StoredEntityName>(row: Record<string, unknown>): Stored<EntityRecord<N>> {
  return {
    record: JSON.parse(row.data as string) as EntityRecord<N>,
    version: num(row.version),
    tenant: {
      cityId: row.city_id as string,
      countyId: (row.county_id as string | null) ?? null,
      schoolId: (row.school_id as string | null) ?? null,
    },
  };
}

function rowValues(
  layout: EntityLayout,
  p: PreparedRecord<StoredEntityName>,
  tenant: TenantKeys,
  version: number,
): unknown[] {
  const { columns, ixNames } = layout;
  const row: unknown[] = new Array(columns.length);
  row[0] = p.id;
  row[1] = tenant.cityId;
  row[2] = tenant.countyId;
  row[3] = tenant.schoolId;
  row[4] = version;
  for (let j = 0; j < ixNames.length; j++) row[5 + j] = p.indexes[ixNames[j] as string] ?? null;
  row[5 + ixNames.length] = JSON.stringify(p.record);
  return row;
}

async function createRecords<N extends StoredEntityName>(
  ctx: CollectionContext,
  entity: N,
  inputs: readonly RecordInput<N>[],
): Promise<Stored<EntityRecord<N>>[]> {
  const { driver, conn } = ctx;
  const layout = layoutOf(entity);
  const { spec, columns } = layout;
  const prepared = inputs.map((input) => prepareRecord(entity, input));
  const ids = prepared.map((p) => p.id);
  if (new Set(ids).size !== ids.length) throw duplicateError(entity);
  const tenants = await ctx.tenantsOf(prepared as PreparedRecord<StoredEntityName>[]);
  const stored: Stored<EntityRecord<N>>[] = new Array(prepared.length);
  const skipped: unknown[] = [];
  const chunk = driver.insertChunkRows ?? defaultInsertChunkRows;
  try {
    // No SELECT for existing ids first: rows whose id exists are skipped by the insert
    // itself, and the call is undone below, so the happy path is the insert alone.
    // Rows (and their JSON text) are built a chunk at a time, just before they are
    // inserted, so that they die young.
    for (let start = 0; start < prepared.length; start += chunk) {
      const end = Math.min(prepared.length, start + chunk);
      const rows: unknown[][] = new Array(end - start);
      for (let i = start; i < end; i++) {
        const p = prepared[i] as PreparedRecord<N>;
        const tenant = tenants[i] as TenantKeys;
        rows[i - start] = rowValues(layout, p as PreparedRecord<StoredEntityName>, tenant, 1);
        stored[i] = { record: p.record, version: 1, tenant };
      }
      const clashes = await insertRows(driver, conn, spec.table, columns, rows, true);
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
  if (entity === "students") await writeEnrolments(ctx, stored as never, false);
  return stored;
}

async function updateRecord<N extends StoredEntityName>(
  ctx: CollectionContext,
  entity: N,
  id: string,
  input: RecordInput<N>,
  expectedVersion: number,
): Promise<Stored<EntityRecord<N>>> {
  const { driver, conn } = ctx;
  const { spec, ixNames } = layoutOf(entity);
  const p = prepareRecord(entity, input);
  // No row lock: the UPDATE below re-checks the version, so a stale writer fails with
  // version_conflict instead of queueing behind the lock holder (lost updates stay
  // impossible: PostgreSQL re-evaluates the WHERE against the committed row).
  const { rows } = await runQuery<{
    version: unknown;
    city_id: string;
    county_id: string | null;
    school_id: string | null;
  }>(driver, conn, selectVersion(driver.dialect, spec, id));
  const current = rows[0];
  if (!current || p.id !== id) throw notFoundError(entity);
  const [tenant] = (await ctx.tenantsOf([p as PreparedRecord<StoredEntityName>])) as [TenantKeys];
  assertSameTenant(
    { cityId: current.city_id, countyId: current.county_id ?? null, schoolId: current.school_id ?? null },
    tenant,
  );
  const version = num(current.version);
  if (version !== expectedVersion) throw staleError(expectedVersion, version);
  const values: unknown[] = ixNames.map((name) => p.indexes[name] ?? null);
  values.push(JSON.stringify(p.record));
  const result = await runQuery(driver, conn, updateRow(driver.dialect, spec, id, expectedVersion, values));
  if (num(result.numAffectedRows ?? 0) !== 1) throw staleError(expectedVersion, version + 1);
  const stored = { record: p.record, version: version + 1, tenant };
  if (entity === "students") await writeEnrolments(ctx, [stored] as never, true);
  return stored;
}

/** The enrolment rows of students (the coverage report's denominator), written beside them. */
async function writeEnrolments(
  ctx: CollectionContext,
  students: { record: EntityRecord<"students">; tenant: TenantKeys }[],
  replace: boolean,
): Promise<void> {
  const { conn } = ctx;
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
  await insertRows(
    ctx.driver,
    conn,
    "hv_enrolments",
    ["student_id", "seq", "city_id", "county_id", "school_id", "class_id", "grade", "date_from", "date_to"],
    rows,
  );
}

/** The repository of one entity on one transaction's connection. */
function entityCollection<N extends StoredEntityName>(ctx: CollectionContext, entity: N): Collection<N> {
  const { driver, conn } = ctx;
  const { spec } = layoutOf(entity);
  const createMany = (inputs: readonly RecordInput<N>[]) => createRecords(ctx, entity, inputs);
  return {
    async get(id) {
      const { rows } = await runQuery<Record<string, unknown>>(driver, conn, selectById(driver.dialect, spec, id));
      const row = rows[0];
      return row ? toStored<N>(row) : undefined;
    },
    async getMany(ids) {
      if (ids.length === 0) return [];
      const rows = await conn
        .selectFrom(spec.table)
        .select(["id", ...storedColumnNames])
        .where("id", "in", [...ids])
        .execute();
      const byId = new Map(rows.map((r) => [r.id as string, r]));
      return ids.flatMap((id) => {
        const row = byId.get(id);
        return row ? [toStored<N>(row)] : [];
      });
    },
    async create(input) {
      const [stored] = await createMany([input]);
      return stored as Stored<EntityRecord<N>>;
    },
    createMany,
    update: (id, input, { expectedVersion }) => updateRecord(ctx, entity, id, input, expectedVersion),
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
      const { rows } = await runQuery<Record<string, unknown>>(
        driver,
        conn,
        selectWhere(driver.dialect, spec, normaliseWhere(entity, query.where), {
          kind: "page",
          after,
          limit: limit + 1,
        }),
      );
      const items = rows.slice(0, limit).map((row) => toStored<N>(row));
      const last = items[items.length - 1];
      return rows.length > limit && last ? { items, nextCursor: encodeCursor(last.record.id) } : { items };
    },
    async count(where) {
      const { rows } = await runQuery<{ n: number | string | bigint }>(
        driver,
        conn,
        selectWhere(driver.dialect, spec, normaliseWhere(entity, where), { kind: "count" }),
      );
      return num(rows[0]?.n ?? 0);
    },
  };
}

const collectionContext = Symbol("collectionContext");
const madeCollections = Symbol("madeCollections");

/** What a transaction object keeps to make its entity collections on first use. */
interface TxCollections {
  [collectionContext]: CollectionContext;
  [madeCollections]: Partial<Record<StoredEntityName, Collection<StoredEntityName>>>;
}

/**
 * The entity collections of every transaction object, as getters on one shared prototype:
 * each is made on first use (a transaction touches a few of the entities), and no getters are
 * defined per transaction object.
 */
const txPrototype: object = Object.create(Object.prototype);
for (const name of storedEntityNames) {
  Object.defineProperty(txPrototype, name, {
    enumerable: true,
    get(this: TxCollections) {
      const made = this[madeCollections];
      let collection = made[name];
      if (collection === undefined) {
        collection = entityCollection(this[collectionContext], name);
        made[name] = collection;
      }
      return collection;
    },
  });
}

/**
 * A transaction object: `rest` (idempotency, outbox, audit) plus the entity collections, each
 * made on first use over `ctx`.
 */
export function withEntityCollections<T extends object>(ctx: CollectionContext, rest: T): T {
  const state: TxCollections = { [collectionContext]: ctx, [madeCollections]: {} };
  return Object.assign(Object.create(txPrototype) as object, rest, state) as T;
}
