import { HomevisitError, parseInput } from "@homevisit/core";
import {
  type ClaimedOutboxEvent,
  type OutboxEvent,
  type OutboxStore,
  outboxEventSchema,
} from "@homevisit/core/storage";
import { sql } from "kysely";
import { outboxInsert } from "./compiled-writes.js";
import { type Db, runQuery, type SqlStorageDriver } from "./sql-driver.js";
import { epochIso, num, toIso } from "./sql-rows.js";

/** The outbox (table `hv_outbox`) on one transaction's connection. */
export function sqlOutbox(driver: SqlStorageDriver, conn: Db): OutboxStore {
  return {
    async append(input) {
      const event = parseInput(outboxEventSchema, input);
      // One statement: an existing id makes the insert do nothing (0 rows), not fail, so
      // PostgreSQL's transaction stays usable and no SELECT runs first.
      const result = await runQuery(
        driver,
        conn,
        outboxInsert(driver.dialect, {
          id: event.id,
          topic: event.topic,
          schoolId: event.schoolId ?? null,
          at: event.at,
          data: JSON.stringify(event),
          leasedUntil: epochIso,
        }),
      );
      if (num(result.numAffectedRows ?? 0) !== 1) throw new HomevisitError("conflict", { params: { entity: "event" } });
    },
    async claim({ now, leaseSeconds, limit }) {
      const t = toIso(now);
      const rows = await conn
        .selectFrom("hv_outbox")
        .select(["id", "seq", "data", "attempts"])
        .where("acked", "=", 0)
        .where("leased_until", "<=", t)
        .orderBy("seq")
        .limit(Math.max(0, limit))
        .$if(driver.lockRows, (q) => q.forUpdate().skipLocked())
        .execute();
      if (rows.length === 0) return [];
      const until = new Date(Date.parse(now) + leaseSeconds * 1000).toISOString();
      await conn
        .updateTable("hv_outbox")
        .set({ attempts: sql`attempts + 1`, leased_until: until })
        .where(
          "id",
          "in",
          rows.map((r) => r.id),
        )
        .execute();
      return rows.map(
        (r): ClaimedOutboxEvent => ({
          event: JSON.parse(r.data) as OutboxEvent,
          seq: num(r.seq),
          attempts: num(r.attempts) + 1,
        }),
      );
    },
    async ack(ids) {
      if (ids.length === 0) return 0;
      const result = await conn
        .updateTable("hv_outbox")
        .set({ acked: 1 })
        .where("id", "in", [...new Set(ids)])
        .where("acked", "=", 0)
        .executeTakeFirst();
      return num(result.numUpdatedRows);
    },
    async pending() {
      const row = await conn
        .selectFrom("hv_outbox")
        .select(sql<number>`count(*)`.as("n"))
        .where("acked", "=", 0)
        .executeTakeFirst();
      return num(row?.n ?? 0);
    },
  };
}
