import { HomevisitError, parseInput } from "@homevisit/core";
import {
  type ClaimedOutboxEvent,
  type OutboxEvent,
  type OutboxStore,
  outboxEventSchema,
} from "@homevisit/core/storage";
import type { Journal, MemoryState } from "./memory-state.js";

/** The outbox inside one transaction (its changes journaled for rollback). */
export function memoryOutbox(state: MemoryState, journal: Journal): OutboxStore {
  return {
    async append(input) {
      const event = parseInput(outboxEventSchema, input);
      if (state.outbox.has(event.id)) throw new HomevisitError("conflict", { params: { entity: "event" } });
      journal.touch(state.outbox, event.id);
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
        journal.touch(state.outbox, id);
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
        journal.touch(state.outbox, id);
        state.outbox.set(id, { ...row, acked: true });
        n++;
      }
      return n;
    },
    async pending() {
      return [...state.outbox.values()].filter((r) => !r.acked).length;
    },
  };
}
