import { HomevisitError, parseInput } from "@homevisit/core";
import { type IdempotencyStore, idempotencyBeginSchema, type JsonValue } from "@homevisit/core/storage";
import { idempotencyComplete, idempotencyInsert, idempotencySelect } from "./compiled-writes.js";
import { type Db, runQuery, type SqlStorageDriver } from "./sql-driver.js";
import { num, toIso } from "./sql-rows.js";

/** Idempotency records (table `hv_idempotency`) on one transaction's connection. */
export function sqlIdempotency(driver: SqlStorageDriver, conn: Db): IdempotencyStore {
  return {
    async begin(input) {
      const b = parseInput(idempotencyBeginSchema, input);
      const inserted = await runQuery(
        driver,
        conn,
        idempotencyInsert(driver.dialect, {
          actorId: b.actorId,
          key: b.key,
          requestHash: b.requestHash,
          createdAt: toIso(b.now),
        }),
      );
      if (num(inserted.numAffectedRows ?? 0) === 1) return { status: "started" };
      const { rows } = await runQuery<{ request_hash: string; status: string; response: string | null }>(
        driver,
        conn,
        idempotencySelect(driver.dialect, b.actorId, b.key),
      );
      const row = rows[0];
      // The insert saw the key, so its row exists in this transaction's view.
      if (row === undefined) throw new HomevisitError("storage_busy");
      if (row.request_hash !== b.requestHash) return { status: "mismatch" };
      if (row.status === "in_flight") return { status: "in_flight" };
      return { status: "completed", response: JSON.parse(row.response ?? "null") as JsonValue };
    },
    async complete({ actorId, key, response, responseJson }) {
      const result = await runQuery(
        driver,
        conn,
        idempotencyComplete(driver.dialect, actorId, key, responseJson ?? JSON.stringify(response)),
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
      const result = await conn.deleteFrom("hv_idempotency").where("created_at", "<", toIso(before)).executeTakeFirst();
      return num(result.numDeletedRows);
    },
  };
}
