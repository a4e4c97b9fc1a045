import { HomevisitError, parseInput } from "@homevisit/core";
import { type IdempotencyStore, idempotencyBeginSchema, type JsonValue } from "@homevisit/core/storage";
import { idemKey, type Journal, type MemoryState } from "./memory-state.js";

/** Idempotency records inside one transaction (its changes journaled for rollback). */
export function memoryIdempotency(state: MemoryState, journal: Journal): IdempotencyStore {
  return {
    async begin(input) {
      const b = parseInput(idempotencyBeginSchema, input);
      const key = idemKey(b.actorId, b.key);
      const row = state.idempotency.get(key);
      if (!row) {
        journal.touch(state.idempotency, key);
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
    async complete({ actorId, key, response, responseJson }) {
      const k = idemKey(actorId, key);
      const row = state.idempotency.get(k);
      if (!row) throw new HomevisitError("not_found", { params: { entity: "idempotency key" } });
      journal.touch(state.idempotency, k);
      state.idempotency.set(k, { ...row, status: "completed", response: responseJson ?? JSON.stringify(response) });
    },
    async release({ actorId, key }) {
      const k = idemKey(actorId, key);
      const row = state.idempotency.get(k);
      if (row?.status !== "in_flight") return;
      journal.touch(state.idempotency, k);
      state.idempotency.delete(k);
    },
    async purge({ before }) {
      const limit = Date.parse(before);
      let n = 0;
      for (const [k, row] of [...state.idempotency]) {
        if (row.createdAt < limit) {
          journal.touch(state.idempotency, k);
          state.idempotency.delete(k);
          n++;
        }
      }
      return n;
    },
  };
}
