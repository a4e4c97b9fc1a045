/**
 * `@homevisit/storage-memory`: the storage port in memory, for tests, demos and the browser.
 * Records are kept as JSON text (as a database would), so no caller ever shares an object
 * with the store; transactions run one at a time and roll back through an undo journal.
 *
 * @packageDocumentation
 */
import { HomevisitError, parseInput } from "@homevisit/core";
import {
  type AuditHead,
  type AuditRecord,
  assertSameTenant,
  auditEntrySchema,
  auditGenesisHash,
  type BlobRef,
  type BlobStore,
  type ClaimedOutboxEvent,
  type Collection,
  type CoverageEnrolmentFact,
  type CoverageFlagFact,
  type CoverageVisitFact,
  chainAuditEntry,
  computeCoverage,
  coverageQuerySchema,
  decodeCursor,
  duplicateError,
  type EntityInput,
  type EntityRecord,
  encodeCursor,
  enrolmentFacts,
  flagFact,
  type IdempotencyStore,
  type IndexValue,
  idempotencyBeginSchema,
  implicitTransactions,
  type JsonValue,
  type ListQuery,
  type ListWhere,
  type Migrations,
  matchesWhere,
  normaliseWhere,
  notFoundError,
  type OutboxEvent,
  outboxEventSchema,
  type Page,
  pageSize,
  prepareBlob,
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
  visitFact,
} from "@homevisit/core/storage";

interface Row {
  /** The record as JSON text. */
  data: string;
  version: number;
  tenant: TenantKeys;
  indexes: Record<string, IndexValue>;
}

interface OutboxRow {
  seq: number;
  event: string;
  attempts: number;
  leasedUntil: number;
  acked: boolean;
}

interface IdempotencyRow {
  requestHash: string;
  status: "in_flight" | "completed";
  response: string | null;
  createdAt: number;
}

interface State {
  tables: Map<StoredEntityName, Map<string, Row>>;
  /** Each chain's rows as stored: the key (`seq`) and the row's JSON text. */
  audit: Map<string, AuditSlot[]>;
  heads: Map<string, AuditHead>;
  outbox: Map<string, OutboxRow>;
  outboxSeq: number;
  idempotency: Map<string, IdempotencyRow>;
  schemaVersion: number;
}

/** The one schema version of the memory store: it has nothing to migrate. */
const memorySchemaVersion = 1;

/** What {@link memoryStorage} returns: the port, plus raw read-back for the conformance suite. */

/** One stored audit row: its key and its JSON text, as a SQL store keeps the `seq` column and `data`. */
interface AuditSlot {
  seq: number;
  text: string;
}
const storedSeq = (slot: AuditSlot) => slot.seq;
/** The stored row, or its text when it is not JSON (a damaged row is a break, not a crash). */
const parseStored = (slot: AuditSlot): unknown => {
  try {
    return JSON.parse(slot.text);
  } catch {
    return slot.text;
  }
};

export interface MemoryStorage extends Storage {
  /** Reads (and for tamper tests, changes) what the store holds, bypassing the port. */
  readonly raw: RawReadBack;
}

const idemKey = (actorId: string, key: string) => `${actorId}\u0000${key}`;
const byId = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Creates an empty in-memory store. Nothing survives the process; use it for tests, demos and
 * browser builds. `migrations.migrate()` is a formality kept for symmetry with the SQL stores.
 *
 * @example
 * ```ts
 * const storage = memoryStorage();
 * await storage.migrations.migrate();
 * await storage.transaction(async (tx) => {
 *   await tx.cities.create({ id: "lishui", name: "丽水市" });
 * });
 * (await storage.cities.get("lishui"))?.version; // 1
 * ```
 */
export function memoryStorage(): MemoryStorage {
  const state: State = {
    tables: new Map(storedEntityNames.map((n) => [n, new Map()])),
    audit: new Map(),
    heads: new Map(),
    outbox: new Map(),
    outboxSeq: 0,
    idempotency: new Map(),
    schemaVersion: 0,
  };
  let closed = false;
  // Transactions run one at a time: the chain of their promises is the lock.
  let lock: Promise<unknown> = Promise.resolve();

  const table = (entity: StoredEntityName) => state.tables.get(entity) as Map<string, Row>;

  function makeTx(journal: (() => void)[]): StorageTx {
    // Remember how to restore a map entry before its first change in this transaction.
    const touch = <K, V>(map: Map<K, V>, key: K) => {
      const had = map.has(key);
      const old = map.get(key);
      journal.push(() => {
        if (had) map.set(key, old as V);
        else map.delete(key);
      });
    };

    const tenantOf = (entity: StoredEntityName, prepared: ReturnType<typeof prepareRecord>): TenantKeys => {
      if ("keys" in prepared.tenant) return prepared.tenant.keys;
      const parent = table(prepared.tenant.parent).get(prepared.tenant.id);
      if (!parent) throw notFoundError(prepared.tenant.parent);
      void entity;
      return parent.tenant;
    };

    const toStored = <N extends StoredEntityName>(row: Row): Stored<EntityRecord<N>> => ({
      record: JSON.parse(row.data) as EntityRecord<N>,
      version: row.version,
      tenant: { ...row.tenant },
    });

    const collection = <N extends StoredEntityName>(entity: N): Collection<N> => {
      const rows = () => table(entity);
      // All rows are validated and checked before the first is written, so a createMany that
      // fails (bad row, missing parent, existing id) writes none of them.
      const createAll = (inputs: readonly EntityInput<N>[]) => {
        const prepared = inputs.map((input) => prepareRecord(entity, input));
        const ids = new Set<string>();
        const ready = prepared.map((p) => {
          const tenant = tenantOf(entity, p as never);
          if (rows().has(p.id) || ids.has(p.id)) throw duplicateError(entity);
          ids.add(p.id);
          return { id: p.id, row: { data: JSON.stringify(p.record), version: 1, tenant, indexes: p.indexes } as Row };
        });
        return ready.map(({ id, row }) => {
          touch(rows(), id);
          rows().set(id, row);
          return toStored<N>(row);
        });
      };
      const filtered = (where: ListWhere<N> | undefined) => {
        const w = normaliseWhere(entity, where);
        return [...rows().entries()].filter(([id, row]) => matchesWhere(w, row.tenant, id, row.indexes));
      };
      return {
        async get(id) {
          const row = rows().get(id);
          return row ? toStored<N>(row) : undefined;
        },
        async getMany(ids) {
          return ids.flatMap((id) => {
            const row = rows().get(id);
            return row ? [toStored<N>(row)] : [];
          });
        },
        async create(input) {
          return createAll([input])[0] as Stored<EntityRecord<N>>;
        },
        async createMany(inputs) {
          return createAll(inputs);
        },
        async update(id, input, { expectedVersion }) {
          const prepared = prepareRecord(entity, input);
          const current = rows().get(id);
          if (!current || prepared.id !== id) throw notFoundError(entity);
          const tenant = tenantOf(entity, prepared as never);
          assertSameTenant(current.tenant, tenant);
          if (current.version !== expectedVersion) throw staleError(expectedVersion, current.version);
          const row: Row = {
            data: JSON.stringify(prepared.record),
            version: current.version + 1,
            tenant,
            indexes: prepared.indexes,
          };
          touch(rows(), id);
          rows().set(id, row);
          return toStored<N>(row);
        },
        async delete(id, { expectedVersion }) {
          const current = rows().get(id);
          if (!current) throw notFoundError(entity);
          if (current.version !== expectedVersion) throw staleError(expectedVersion, current.version);
          touch(rows(), id);
          rows().delete(id);
        },
        async list(query: ListQuery<N> = {}): Promise<Page<EntityRecord<N>>> {
          const limit = pageSize(query.limit);
          const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
          const matching = filtered(query.where)
            .filter(([id]) => after === undefined || id > after)
            .sort(([a], [b]) => byId(a, b));
          const items = matching.slice(0, limit).map(([, row]) => toStored<N>(row));
          const last = items[items.length - 1];
          return matching.length > limit && last ? { items, nextCursor: encodeCursor(last.record.id) } : { items };
        },
        async count(where) {
          return filtered(where).length;
        },
      };
    };

    const idempotency: IdempotencyStore = {
      async begin(input) {
        const b = parseInput(idempotencyBeginSchema, input);
        const key = idemKey(b.actorId, b.key);
        const row = state.idempotency.get(key);
        if (!row) {
          touch(state.idempotency, key);
          state.idempotency.set(key, {
            requestHash: b.requestHash,
            status: "in_flight",
            response: null,
            createdAt: Date.parse(b.now),
          });
          return { status: "started" };
        }
        if (row.requestHash !== b.requestHash) return { status: "mismatch" };
        if (row.status === "in_flight") return { status: "in_flight" };
        return { status: "completed", response: JSON.parse(row.response ?? "null") as JsonValue };
      },
      async complete({ actorId, key, response }) {
        const k = idemKey(actorId, key);
        const row = state.idempotency.get(k);
        if (!row) throw new HomevisitError("not_found", { params: { entity: "idempotency key" } });
        touch(state.idempotency, k);
        state.idempotency.set(k, { ...row, status: "completed", response: JSON.stringify(response) });
      },
      async release({ actorId, key }) {
        const k = idemKey(actorId, key);
        const row = state.idempotency.get(k);
        if (row?.status !== "in_flight") return;
        touch(state.idempotency, k);
        state.idempotency.delete(k);
      },
      async purge({ before }) {
        const limit = Date.parse(before);
        let n = 0;
        for (const [k, row] of [...state.idempotency]) {
          if (row.createdAt < limit) {
            touch(state.idempotency, k);
            state.idempotency.delete(k);
            n++;
          }
        }
        return n;
      },
    };

    return {
      ...(Object.fromEntries(storedEntityNames.map((n) => [n, collection(n)])) as {
        [N in StoredEntityName]: Collection<N>;
      }),
      idempotency,
      outbox: {
        async append(input) {
          const event = parseInput(outboxEventSchema, input);
          if (state.outbox.has(event.id)) throw new HomevisitError("conflict", { params: { entity: "event" } });
          touch(state.outbox, event.id);
          const seq = state.outboxSeq + 1;
          const before = state.outboxSeq;
          journal.push(() => {
            state.outboxSeq = before;
          });
          state.outboxSeq = seq;
          state.outbox.set(event.id, { seq, event: JSON.stringify(event), attempts: 0, leasedUntil: 0, acked: false });
        },
        async claim({ now, leaseSeconds, limit }) {
          const t = Date.parse(now);
          const free = [...state.outbox.entries()]
            .filter(([, r]) => !r.acked && r.leasedUntil <= t)
            .sort(([, a], [, b]) => a.seq - b.seq)
            .slice(0, Math.max(0, limit));
          const out: ClaimedOutboxEvent[] = [];
          for (const [id, row] of free) {
            touch(state.outbox, id);
            const next = { ...row, attempts: row.attempts + 1, leasedUntil: t + leaseSeconds * 1000 };
            state.outbox.set(id, next);
            out.push({ event: JSON.parse(row.event) as OutboxEvent, seq: row.seq, attempts: next.attempts });
          }
          return out;
        },
        async ack(ids) {
          let n = 0;
          for (const id of new Set(ids)) {
            const row = state.outbox.get(id);
            if (!row || row.acked) continue;
            touch(state.outbox, id);
            state.outbox.set(id, { ...row, acked: true });
            n++;
          }
          return n;
        },
        async pending() {
          return [...state.outbox.values()].filter((r) => !r.acked).length;
        },
      },
      audit: {
        async append(input, options = {}) {
          const entry = parseInput(auditEntrySchema, input);
          const previous = state.heads.get(entry.chainId);
          const rows = state.audit.get(entry.chainId) ?? [];
          // A row the chain did not write may hold the place after the head (see the port):
          // go on after the highest stored seq, as a new segment.
          const top = rows.reduce((max, r) => Math.max(max, storedSeq(r)), 0);
          const after = previous?.count ?? 0;
          const { record, head } = chainAuditEntry(previous?.count ? previous : undefined, entry, {
            ...(options.key === undefined ? {} : { key: options.key }),
            ...(top > after ? { seq: top + 1 } : {}),
          });
          touch(state.audit, entry.chainId);
          touch(state.heads, entry.chainId);
          state.audit.set(entry.chainId, [...rows, { seq: record.seq, text: JSON.stringify(record) }]);
          state.heads.set(entry.chainId, head);
          return record;
        },
        async read(chainId, options = {}) {
          const from = options.fromSeq ?? 1;
          const limit = options.limit ?? 1000;
          return (state.audit.get(chainId) ?? [])
            .filter((r) => storedSeq(r) >= from)
            .sort((a, b) => storedSeq(a) - storedSeq(b))
            .slice(0, limit)
            .map((r) => parseStored(r) as AuditRecord);
        },
        async head(chainId) {
          return state.heads.get(chainId) ?? { chainId, count: 0, hash: auditGenesisHash };
        },
        async verify(chainId, options = {}) {
          return verifyAuditLog(this, chainId, options);
        },
      },
    };
  }

  async function transaction<T>(fn: (tx: StorageTx) => Promise<T>): Promise<T> {
    if (closed) throw new HomevisitError("storage_closed");
    const run = async () => {
      const journal: (() => void)[] = [];
      try {
        return await fn(makeTx(journal));
      } catch (error) {
        for (let i = journal.length - 1; i >= 0; i--) journal[i]?.();
        throw error;
      }
    };
    const result = lock.then(run, run);
    lock = result.catch(() => undefined);
    return result;
  }

  const migrations: Migrations = {
    latest: memorySchemaVersion,
    async current() {
      return state.schemaVersion;
    },
    async pending() {
      return state.schemaVersion < memorySchemaVersion ? [{ version: 1, name: "memory" }] : [];
    },
    async migrate(options = {}) {
      if (state.schemaVersion > memorySchemaVersion) {
        throw new HomevisitError("storage_schema_too_new", {
          params: { found: state.schemaVersion, supported: memorySchemaVersion },
        });
      }
      const to = Math.min(options.to ?? memorySchemaVersion, memorySchemaVersion);
      if (state.schemaVersion >= to) return [];
      state.schemaVersion = to;
      return [to];
    },
    sql() {
      return "-- The memory store has no SQL schema.\n";
    },
  };

  const raw: RawReadBack = {
    async record(entity, id) {
      const row = table(entity).get(id);
      return row
        ? { data: JSON.parse(row.data), version: row.version, tenant: { ...row.tenant }, indexes: { ...row.indexes } }
        : undefined;
    },
    async count(entity) {
      return table(entity).size;
    },
    async auditRows(chainId) {
      return [...(state.audit.get(chainId) ?? [])].sort((a, b) => a.seq - b.seq).map(parseStored);
    },
    async auditHead(chainId) {
      return state.heads.get(chainId);
    },
    async writeAuditHead(chainId, head) {
      if (head === undefined) state.heads.delete(chainId);
      else state.heads.set(chainId, { ...head, chainId });
    },
    async writeAuditRows(chainId, rows) {
      let last = 0;
      const stored = rows.map((row) => {
        const seq = (row as { seq?: unknown } | null)?.seq;
        const key = typeof seq === "number" && Number.isSafeInteger(seq) && seq > last ? seq : last + 1;
        last = key;
        return { seq: key, text: typeof row === "string" ? row : JSON.stringify(row) };
      });
      state.audit.set(chainId, stored);
    },
    async tamperAudit(chainId, seq, patch) {
      const rows = state.audit.get(chainId) ?? [];
      const index = rows.findIndex((r) => r.seq === seq);
      const slot = rows[index];
      if (slot) rows[index] = { seq, text: JSON.stringify({ ...(JSON.parse(slot.text) as object), ...patch }) };
    },
    async outbox(id) {
      const row = state.outbox.get(id);
      return row ? { acked: row.acked, attempts: row.attempts } : undefined;
    },
    async idempotency(actorId, key) {
      const row = state.idempotency.get(idemKey(actorId, key));
      return row
        ? {
            status: row.status,
            requestHash: row.requestHash,
            response: row.response === null ? null : JSON.parse(row.response),
          }
        : undefined;
    },
    async setSchemaVersion(version) {
      state.schemaVersion = version;
    },
  };

  return {
    ...implicitTransactions(transaction),
    transaction,
    raw,
    migrations,
    roster: {
      upsert: (input, options) => transaction((tx) => upsertRoster(tx, input, options)),
    },
    reports: {
      async coverage(input) {
        const query = parseInput(coverageQuerySchema, input);
        return transaction(async () => {
          const enrolments: CoverageEnrolmentFact[] = [];
          for (const row of table("students").values()) {
            enrolments.push(...enrolmentFacts(JSON.parse(row.data), row.tenant));
          }
          const flags: CoverageFlagFact[] = [...table("categoryFlags").values()].map((row) =>
            flagFact(JSON.parse(row.data)),
          );
          const visits: CoverageVisitFact[] = [];
          for (const row of table("visitRecords").values()) {
            const fact = visitFact(JSON.parse(row.data), row.tenant);
            if (fact) visits.push(fact);
          }
          return computeCoverage(query, { enrolments, flags, visits });
        });
      },
    },
    async close() {
      closed = true;
    },
  };
}

/**
 * A blob store in memory. Bytes are copied in and out, so callers never share buffers with it.
 *
 * @example
 * ```ts
 * const blobs = memoryBlobStore();
 * await blobs.put({ id: "photo-1", contentType: "image/jpeg", bytes });
 * (await blobs.head("photo-1"))?.size; // bytes.length
 * ```
 */
export function memoryBlobStore(): BlobStore & { readonly raw: (id: string) => Promise<Uint8Array | undefined> } {
  const blobs = new Map<string, { ref: BlobRef; bytes: Uint8Array }>();
  return {
    async put(blob) {
      const { ref, bytes } = prepareBlob(blob);
      blobs.set(ref.id, { ref, bytes: bytes.slice() });
      return ref;
    },
    async get(id) {
      const blob = blobs.get(id);
      return blob ? { ref: { ...blob.ref }, bytes: blob.bytes.slice() } : undefined;
    },
    async head(id) {
      const blob = blobs.get(id);
      return blob ? { ...blob.ref } : undefined;
    },
    async delete(id) {
      return blobs.delete(id);
    },
    async raw(id) {
      return blobs.get(id)?.bytes.slice();
    },
  };
}
