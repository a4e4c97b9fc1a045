import { parseInput } from "@homevisit/core";
import {
  type AuditRecord,
  type AuditStore,
  auditEntrySchema,
  auditGenesisHash,
  chainAuditEntry,
  verifyAuditLog,
} from "@homevisit/core/storage";
import { type AuditSlot, type Journal, type MemoryState, parseStored } from "./memory-state.js";

const storedSeq = (slot: AuditSlot) => slot.seq;

/** The audit log inside one transaction (its changes journaled for rollback). */
export function memoryAudit(state: MemoryState, journal: Journal): AuditStore {
  return {
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
      journal.touch(state.audit, entry.chainId);
      journal.touch(state.heads, entry.chainId);
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
  };
}
