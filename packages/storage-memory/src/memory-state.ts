import type { AuditHead, IndexValue, StoredEntityName, TenantKeys } from "@homevisit/core/storage";

/** What the memory store holds, as a database would: records and events as JSON text. */

/** One stored record. */
export interface Row {
  /** The record as JSON text. */
  data: string;
  version: number;
  tenant: TenantKeys;
  indexes: Record<string, IndexValue>;
}

/** One outbox event and its delivery state. */
export interface OutboxRow {
  seq: number;
  event: string;
  attempts: number;
  leasedUntil: number;
  acked: boolean;
}

/** One idempotency record. */
export interface IdempotencyRow {
  requestHash: string;
  status: "in_flight" | "completed";
  response: string | null;
  createdAt: number;
}

/** One stored audit row: its key and its JSON text, as a SQL store keeps the `seq` column and `data`. */
export interface AuditSlot {
  seq: number;
  text: string;
}

/** Everything one memory store holds. */
export interface MemoryState {
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
export const memorySchemaVersion = 1;

/** The rows of an entity. */
export const tableOf = (state: MemoryState, entity: StoredEntityName) => state.tables.get(entity) as Map<string, Row>;

/** The stored row, or its text when it is not JSON (a damaged row is a break, not a crash). */
export const parseStored = (slot: AuditSlot): unknown => {
  try {
    return JSON.parse(slot.text);
  } catch {
    return slot.text;
  }
};

/** The key of an idempotency record: per actor. */
export const idemKey = (actorId: string, key: string) => `${actorId}\u0000${key}`;

/** A transaction's undo journal: how to restore what it changed, replayed backwards on rollback. */
export interface Journal {
  /** Remembers how to restore a map entry before it changes. */
  touch<K, V>(map: Map<K, V>, key: K): void;
  /** Remembers any other undo step. */
  push(undo: () => void): void;
}

/** A journal over a list of undo steps. */
export function journalOf(steps: (() => void)[]): Journal {
  return {
    touch(map, key) {
      const had = map.has(key);
      const old = map.get(key);
      steps.push(() => {
        if (had) map.set(key, old as never);
        else map.delete(key);
      });
    },
    push(undo) {
      steps.push(undo);
    },
  };
}
