import type { IndexValue, RawReadBack } from "@homevisit/core/storage";
import { sql } from "kysely";
import { auditHeadQuery } from "./compiled-writes.js";
import { entityTables, schemaTableDdl } from "./schema.js";
import { storedHead } from "./sql-audit.js";
import type { SqlStorageDriver } from "./sql-driver.js";
import { num, parseStoredJson } from "./sql-rows.js";

/**
 * What a SQL store really holds, read and (for tamper tests) written past the port, for the
 * conformance suite. `onSchemaChange` runs after the schema version was overwritten.
 */
export function sqlRawReadBack(driver: SqlStorageDriver, onSchemaChange: () => void): RawReadBack {
  return {
    async record(entity, id) {
      const spec = entityTables[entity];
      const row = await driver.db.selectFrom(spec.table).selectAll().where("id", "=", id).executeTakeFirst();
      if (!row) return undefined;
      const indexes: Record<string, IndexValue> = {};
      for (const [name, c] of Object.entries(spec.columns)) {
        const v = row[c.column];
        indexes[name] = v === null || v === undefined ? null : c.type === "integer" ? num(v) : String(v);
      }
      return {
        data: JSON.parse(row.data),
        version: num(row.version),
        tenant: { cityId: row.city_id, countyId: row.county_id ?? null, schoolId: row.school_id ?? null },
        indexes,
      };
    },
    async count(entity) {
      const row = await driver.db
        .selectFrom(entityTables[entity].table)
        .select(sql<number>`count(*)`.as("n"))
        .executeTakeFirst();
      return num(row?.n ?? 0);
    },
    async auditRows(chainId) {
      const rows = await driver.db
        .selectFrom("hv_audit")
        .select("data")
        .where("chain_id", "=", chainId)
        .orderBy("seq")
        .execute();
      return rows.map((r) => parseStoredJson(r.data));
    },
    async auditHead(chainId) {
      const { rows } = await driver.db.executeQuery<Record<string, unknown>>(
        auditHeadQuery(driver.dialect, false, chainId, true),
      );
      return rows[0] ? storedHead(chainId, rows[0]) : undefined;
    },
    async writeAuditHead(chainId, head) {
      await driver.db.deleteFrom("hv_audit_heads").where("chain_id", "=", chainId).execute();
      await driver.db.deleteFrom("hv_audit_head_macs").where("chain_id", "=", chainId).execute();
      if (head === undefined) return;
      await driver.db
        .insertInto("hv_audit_heads")
        .values({ chain_id: chainId, count: head.count, hash: head.hash })
        .execute();
      if (head.keyId !== undefined && head.mac !== undefined) {
        await driver.db
          .insertInto("hv_audit_head_macs")
          .values({ chain_id: chainId, key_id: head.keyId, mac: head.mac })
          .execute();
      }
    },
    async writeAuditRows(chainId, rows) {
      await driver.db.deleteFrom("hv_audit").where("chain_id", "=", chainId).execute();
      let fallback = 0;
      for (const row of rows) {
        const r = (row ?? {}) as { seq?: unknown; at?: unknown; hash?: unknown };
        // The key is (chain, seq): a row whose seq is not a fresh number goes after the last one.
        const seq = typeof r.seq === "number" && Number.isSafeInteger(r.seq) && r.seq > fallback ? r.seq : fallback + 1;
        fallback = seq;
        await driver.db
          .insertInto("hv_audit")
          .values({
            chain_id: chainId,
            seq,
            at: typeof r.at === "string" ? r.at : "",
            hash: typeof r.hash === "string" ? r.hash : "",
            data: typeof row === "string" ? row : JSON.stringify(row),
          })
          .execute();
      }
    },
    async tamperAudit(chainId, seq, patch) {
      const row = await driver.db
        .selectFrom("hv_audit")
        .select("data")
        .where("chain_id", "=", chainId)
        .where("seq", "=", seq)
        .executeTakeFirst();
      if (!row) return;
      await driver.db
        .updateTable("hv_audit")
        .set({ data: JSON.stringify({ ...JSON.parse(row.data), ...patch }) })
        .where("chain_id", "=", chainId)
        .where("seq", "=", seq)
        .execute();
    },
    async outbox(id) {
      const row = await driver.db.selectFrom("hv_outbox").selectAll().where("id", "=", id).executeTakeFirst();
      return row ? { acked: num(row.acked) === 1, attempts: num(row.attempts) } : undefined;
    },
    async idempotency(actorId, key) {
      const row = await driver.db
        .selectFrom("hv_idempotency")
        .selectAll()
        .where("actor_id", "=", actorId)
        .where("idem_key", "=", key)
        .executeTakeFirst();
      return row
        ? {
            status: row.status,
            requestHash: row.request_hash,
            response: row.response === null ? null : JSON.parse(row.response),
          }
        : undefined;
    },
    async setSchemaVersion(version) {
      await sql.raw(schemaTableDdl).execute(driver.db);
      await driver.db.insertInto("hv_schema").values({ version, name: "set by test" }).execute();
      onSchemaChange();
    },
  };
}
