import { CompiledQuery } from "kysely";
import type { EntityTable, SqlDialectName } from "./schema.js";

/**
 * The statements every audited or idempotent request runs — the audit chain's head and row,
 * the idempotency record, the outbox row, the single-row update — as SQL text written once per
 * dialect (and table), with values bound at call time. Kysely's builder rebuilds and recompiles
 * an operation tree for each call, which cost more CPU than SQLite takes to run these small
 * statements. Values are always parameters, never text; identifiers come from the frozen
 * schema description, never from input.
 */

/** `?` on SQLite, `$1`, `$2`… on PostgreSQL, for a statement of `count` parameters. */
function marks(dialect: SqlDialectName, count: number): string[] {
  return Array.from({ length: count }, (_, i) => (dialect === "postgres" ? `$${i + 1}` : "?"));
}

/** Texts built on first use, per dialect and statement (and table, for entity statements). */
const texts = new Map<string, string>();

function text(key: string, build: () => string): string {
  let found = texts.get(key);
  if (found === undefined) {
    found = build();
    texts.set(key, found);
  }
  return found;
}

/**
 * The head of an audit chain (`count`, `hash`), locked with `FOR UPDATE` where the dialect
 * locks rows, so that two appends to one chain take turns.
 *
 * @example
 * ```ts
 * await conn.executeQuery(auditHeadQuery("postgres", true, "sch-1"));
 * // select "count", "hash" from "hv_audit_heads" where "chain_id" = $1 for update
 * ```
 */
export function auditHeadQuery(dialect: SqlDialectName, lock: boolean, chainId: string, keyed = true): CompiledQuery {
  const sql = text(`${dialect}|auditHead|${lock}|${keyed}`, () => {
    const [p1] = marks(dialect, 1);
    // Before schema 5 there is no MAC table (a store not yet migrated still appends).
    if (!keyed) {
      return `select "count", "hash" from "hv_audit_heads" where "chain_id" = ${p1}${lock ? " for update" : ""}`;
    }
    return `select h."count", h."hash", m."key_id", m."mac" from "hv_audit_heads" h left join "hv_audit_head_macs" m on m."chain_id" = h."chain_id" where h."chain_id" = ${p1}${lock ? " for update of h" : ""}`;
  });
  return CompiledQuery.raw(sql, [chainId]);
}

/**
 * Creates a chain's head at count 0 unless it exists (of two first appends, one inserts, the
 * other does nothing).
 *
 * @example
 * ```ts
 * await conn.executeQuery(auditHeadInsert("sqlite", "sch-1", auditGenesisHash));
 * ```
 */
export function auditHeadInsert(dialect: SqlDialectName, chainId: string, genesisHash: string): CompiledQuery {
  const sql = text(`${dialect}|auditHeadInsert`, () => {
    const [p1, p2] = marks(dialect, 2);
    return `insert into "hv_audit_heads" ("chain_id", "count", "hash") values (${p1}, 0, ${p2}) on conflict ("chain_id") do nothing`;
  });
  return CompiledQuery.raw(sql, [chainId, genesisHash]);
}

/** An audit row as stored. */
export interface AuditRowValues {
  chainId: string;
  seq: number;
  at: string;
  hash: string;
  data: string;
}

/**
 * Inserts one audit row. It does nothing (0 rows) when the place is taken — by a row that was
 * not written through the chain — so that the caller can start a new segment instead of failing
 * (and PostgreSQL's transaction stays usable). The head moves only after an insert
 * ({@link auditHeadMove}).
 *
 * @example
 * ```ts
 * const inserted = await conn.executeQuery(auditRowInsert("sqlite", row));
 * if (inserted.numAffectedRows === 1n) for (const q of auditHeadMove("sqlite", row.chainId, head)) await conn.executeQuery(q);
 * ```
 */
export function auditRowInsert(dialect: SqlDialectName, row: AuditRowValues): CompiledQuery {
  const insert = text(`${dialect}|auditInsert`, () => {
    const p = marks(dialect, 5);
    return `insert into "hv_audit" ("chain_id", "seq", "at", "hash", "data") values (${p.join(", ")}) on conflict ("chain_id", "seq") do nothing`;
  });
  return CompiledQuery.raw(insert, [row.chainId, row.seq, row.at, row.hash, row.data]);
}

/**
 * Moves a chain's head: its count and hash, and its MAC where the head is signed. Run in order,
 * in the transaction that inserted the rows up to it.
 *
 * @example
 * ```ts
 * auditHeadMove("sqlite", "sch-1", { count: 8, hash: "ab…", keyId: "k1", mac: "cd…" }).length; // 2
 * ```
 */
export function auditHeadMove(
  dialect: SqlDialectName,
  chainId: string,
  head: { count: number; hash: string; keyId?: string | undefined; mac?: string | undefined },
): CompiledQuery[] {
  const update = text(`${dialect}|auditHeadUpdate`, () => {
    const [p1, p2, p3] = marks(dialect, 3);
    return `update "hv_audit_heads" set "count" = ${p1}, "hash" = ${p2} where "chain_id" = ${p3}`;
  });
  const queries = [CompiledQuery.raw(update, [head.count, head.hash, chainId])];
  if (head.keyId !== undefined && head.mac !== undefined) {
    const mac = text(`${dialect}|auditHeadMac`, () => {
      const [p1, p2, p3] = marks(dialect, 3);
      return `insert into "hv_audit_head_macs" ("chain_id", "key_id", "mac") values (${p1}, ${p2}, ${p3}) on conflict ("chain_id") do update set "key_id" = excluded."key_id", "mac" = excluded."mac"`;
    });
    queries.push(CompiledQuery.raw(mac, [chainId, head.keyId, head.mac]));
  }
  return queries;
}

/**
 * Reserves an idempotency key as `in_flight` unless the actor already used it; the affected
 * row count says which (1: reserved now, 0: seen before).
 *
 * @example
 * ```ts
 * const r = await conn.executeQuery(idempotencyInsert("sqlite", { actorId: "t-1", key: "k", requestHash: "ab…", createdAt }));
 * r.numAffectedRows; // 1n
 * ```
 */
export function idempotencyInsert(
  dialect: SqlDialectName,
  values: { actorId: string; key: string; requestHash: string; createdAt: string },
): CompiledQuery {
  const sql = text(`${dialect}|idemInsert`, () => {
    const [p1, p2, p3, p4] = marks(dialect, 4);
    return `insert into "hv_idempotency" ("actor_id", "idem_key", "request_hash", "status", "response", "created_at") values (${p1}, ${p2}, ${p3}, 'in_flight', null, ${p4}) on conflict ("actor_id", "idem_key") do nothing`;
  });
  return CompiledQuery.raw(sql, [values.actorId, values.key, values.requestHash, values.createdAt]);
}

/**
 * The idempotency record of an actor's key.
 *
 * @example
 * ```ts
 * await conn.executeQuery(idempotencySelect("postgres", "t-1", "k"));
 * ```
 */
export function idempotencySelect(dialect: SqlDialectName, actorId: string, key: string): CompiledQuery {
  const sql = text(`${dialect}|idemSelect`, () => {
    const [p1, p2] = marks(dialect, 2);
    return `select "request_hash", "status", "response" from "hv_idempotency" where "actor_id" = ${p1} and "idem_key" = ${p2}`;
  });
  return CompiledQuery.raw(sql, [actorId, key]);
}

/**
 * Marks an actor's key completed with the response a replay returns.
 *
 * @example
 * ```ts
 * await conn.executeQuery(idempotencyComplete("sqlite", "t-1", "k", '{"id":"vr-1"}'));
 * ```
 */
export function idempotencyComplete(
  dialect: SqlDialectName,
  actorId: string,
  key: string,
  response: string,
): CompiledQuery {
  const sql = text(`${dialect}|idemComplete`, () => {
    const [p1, p2, p3] = marks(dialect, 3);
    return `update "hv_idempotency" set "status" = 'completed', "response" = ${p1} where "actor_id" = ${p2} and "idem_key" = ${p3}`;
  });
  return CompiledQuery.raw(sql, [response, actorId, key]);
}

/** An outbox row as stored. */
export interface OutboxRowValues {
  id: string;
  topic: string;
  schoolId: string | null;
  at: string;
  data: string;
  leasedUntil: string;
}

/**
 * Appends an event to the outbox unless its id is there already: one statement instead of a
 * SELECT then an INSERT; the affected row count (0) tells the caller about a clash.
 *
 * @example
 * ```ts
 * const r = await conn.executeQuery(outboxInsert("sqlite", row));
 * r.numAffectedRows; // 1n, or 0n when the id exists
 * ```
 */
export function outboxInsert(dialect: SqlDialectName, row: OutboxRowValues): CompiledQuery {
  const sql = text(`${dialect}|outboxInsert`, () => {
    const p = marks(dialect, 6);
    return `insert into "hv_outbox" ("id", "topic", "school_id", "at", "data", "attempts", "leased_until", "acked") values (${p.slice(0, 5).join(", ")}, 0, ${p[5]}, 0) on conflict ("id") do nothing`;
  });
  return CompiledQuery.raw(sql, [row.id, row.topic, row.schoolId, row.at, row.data, row.leasedUntil]);
}

/**
 * The version and tenant keys of one row, before an update checks them.
 *
 * @example
 * ```ts
 * await conn.executeQuery(selectVersion("sqlite", entityTables.visitRecords, "vr-1"));
 * // rows: [{ version: 2, city_id: "lishui", county_id: "liandu", school_id: "sch-1" }]
 * ```
 */
export function selectVersion(dialect: SqlDialectName, spec: EntityTable, id: string): CompiledQuery {
  const sql = text(`${dialect}|${spec.table}|version`, () => {
    const [p1] = marks(dialect, 1);
    return `select "version", "city_id", "county_id", "school_id" from "${spec.table}" where "id" = ${p1}`;
  });
  return CompiledQuery.raw(sql, [id]);
}

/**
 * Writes a new version of one row if it is still at `expectedVersion` (optimistic
 * concurrency: 0 affected rows means another writer came first). `values` follow
 * `spec.columns` in order, then the record's JSON.
 *
 * @example
 * ```ts
 * await conn.executeQuery(updateRow("sqlite", entityTables.visitRecords, "vr-1", 2, [...indexValues, json]));
 * ```
 */
export function updateRow(
  dialect: SqlDialectName,
  spec: EntityTable,
  id: string,
  expectedVersion: number,
  values: readonly unknown[],
): CompiledQuery {
  const sql = text(`${dialect}|${spec.table}|update`, () => {
    const columns = Object.values(spec.columns).map((c) => c.column);
    const p = marks(dialect, columns.length + 4);
    const sets = [`"version" = ${p[0]}`, ...columns.map((c, i) => `"${c}" = ${p[i + 1]}`)];
    sets.push(`"data" = ${p[columns.length + 1]}`);
    return `update "${spec.table}" set ${sets.join(", ")} where "id" = ${p[columns.length + 2]} and "version" = ${p[columns.length + 3]}`;
  });
  return CompiledQuery.raw(sql, [expectedVersion + 1, ...values, id, expectedVersion]);
}
