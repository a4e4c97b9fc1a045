import {
  assertSameTenant,
  type Collection,
  decodeCursor,
  duplicateError,
  type EntityRecord,
  encodeCursor,
  type ListQuery,
  type ListWhere,
  matchesWhere,
  normaliseWhere,
  notFoundError,
  type Page,
  type PreparedRecord,
  pageSize,
  prepareRecord,
  type RecordInput,
  type Stored,
  type StoredEntityName,
  staleError,
  type TenantKeys,
} from "@homevisit/core/storage";
import { type Journal, type MemoryState, type Row, tableOf } from "./memory-state.js";

const byId = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** A prepared record's tenant keys: its own, or its parent row's. */
function tenantOf(state: MemoryState, prepared: PreparedRecord<StoredEntityName>): TenantKeys {
  if ("keys" in prepared.tenant) return prepared.tenant.keys;
  const parent = tableOf(state, prepared.tenant.parent).get(prepared.tenant.id);
  if (!parent) throw notFoundError(prepared.tenant.parent);
  return parent.tenant;
}

function toStored<N extends StoredEntityName>(row: Row): Stored<EntityRecord<N>> {
  return { record: JSON.parse(row.data) as EntityRecord<N>, version: row.version, tenant: { ...row.tenant } };
}

/** The repository of one entity inside one transaction (its changes journaled for rollback). */
export function memoryCollection<N extends StoredEntityName>(
  state: MemoryState,
  journal: Journal,
  entity: N,
): Collection<N> {
  const rows = () => tableOf(state, entity);
  // All rows are validated and checked before the first is written, so a createMany that
  // fails (bad row, missing parent, existing id) writes none of them.
  const createAll = (inputs: readonly RecordInput<N>[]) => {
    const prepared = inputs.map((input) => prepareRecord(entity, input));
    const ids = new Set<string>();
    const ready = prepared.map((p) => {
      const tenant = tenantOf(state, p as PreparedRecord<StoredEntityName>);
      if (rows().has(p.id) || ids.has(p.id)) throw duplicateError(entity);
      ids.add(p.id);
      return { id: p.id, row: { data: JSON.stringify(p.record), version: 1, tenant, indexes: p.indexes } as Row };
    });
    return ready.map(({ id, row }) => {
      journal.touch(rows(), id);
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
      const tenant = tenantOf(state, prepared as PreparedRecord<StoredEntityName>);
      assertSameTenant(current.tenant, tenant);
      if (current.version !== expectedVersion) throw staleError(expectedVersion, current.version);
      const row: Row = {
        data: JSON.stringify(prepared.record),
        version: current.version + 1,
        tenant,
        indexes: prepared.indexes,
      };
      journal.touch(rows(), id);
      rows().set(id, row);
      return toStored<N>(row);
    },
    async delete(id, { expectedVersion }) {
      const current = rows().get(id);
      if (!current) throw notFoundError(entity);
      if (current.version !== expectedVersion) throw staleError(expectedVersion, current.version);
      journal.touch(rows(), id);
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
}
