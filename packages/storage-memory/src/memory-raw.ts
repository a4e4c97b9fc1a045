import type { RawReadBack } from "@homevisit/core/storage";
import { idemKey, type MemoryState, parseStored, tableOf } from "./memory-state.js";

/** What the memory store holds, read and (for tamper tests) written past the port. */
export function memoryRawReadBack(state: MemoryState): RawReadBack {
  return {
    async record(entity, id) {
      const row = tableOf(state, entity).get(id);
      return row
        ? { data: JSON.parse(row.data), version: row.version, tenant: { ...row.tenant }, indexes: { ...row.indexes } }
        : undefined;
    },
    async count(entity) {
      return tableOf(state, entity).size;
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
}
