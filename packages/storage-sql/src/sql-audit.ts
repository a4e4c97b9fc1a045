import { HomevisitError, parseInput } from "@homevisit/core";
import {
  type AuditHead,
  type AuditRecord,
  type AuditStore,
  auditEntrySchema,
  auditGenesisHash,
  chainAuditEntry,
  verifyAuditLog,
} from "@homevisit/core/storage";
import { type CompiledQuery, sql } from "kysely";
import { auditAppendQueries, auditHeadInsert, auditHeadQuery } from "./compiled-writes.js";
import { type Db, runQuery, type SqlStorageDriver } from "./sql-driver.js";
import { num, parseStoredJson } from "./sql-rows.js";

/** A head row as the port returns it (`keyId` and `mac` only when the head is signed). */
export function storedHead(chainId: string, row: Record<string, unknown> | undefined): AuditHead {
  if (!row) return { chainId, count: 0, hash: auditGenesisHash };
  const keyId = row.key_id;
  const mac = row.mac;
  return {
    chainId,
    count: num(row.count),
    hash: String(row.hash),
    ...(typeof keyId === "string" ? { keyId } : {}),
    ...(typeof mac === "string" ? { mac } : {}),
  };
}

/**
 * The audit log (tables `hv_audit`, `hv_audit_heads`, `hv_audit_head_macs`) on one
 * transaction's connection. `keyedHeads` tells whether the schema has the heads' MAC table yet.
 */
export function sqlAudit(driver: SqlStorageDriver, conn: Db, keyedHeads: () => boolean): AuditStore {
  return {
    async append(input, options = {}) {
      const entry = parseInput(auditEntrySchema, input);
      const lockHead = async () =>
        (
          await runQuery<{ count: unknown; hash: string; key_id: string | null; mac: string | null }>(
            driver,
            conn,
            auditHeadQuery(driver.dialect, driver.lockRows, entry.chainId, keyedHeads()),
          )
        ).rows[0];
      let head = await lockHead();
      if (!head) {
        // The first row of a chain: make its head (count 0, the genesis hash) race-free —
        // of two first appends, one inserts, the other waits on that row and does nothing —
        // then lock it like any other head. No unique violation, no re-run.
        await runQuery(driver, conn, auditHeadInsert(driver.dialect, entry.chainId, auditGenesisHash));
        head = await lockHead();
        if (!head) throw new HomevisitError("storage_busy");
      }
      const count = num(head.count);
      const previous: AuditHead | undefined =
        count > 0 ? { chainId: entry.chainId, count, hash: head.hash } : undefined;
      const key = options.key === undefined ? {} : { key: options.key };
      const write = async (seq?: number) => {
        const chained = chainAuditEntry(previous, entry, seq === undefined ? key : { ...key, seq });
        // A store whose schema predates the MAC table keeps its head unsigned until migrated.
        const head = keyedHeads() ? chained.head : { count: chained.head.count, hash: chained.head.hash };
        const [insertRow, ...moveHead] = auditAppendQueries(
          driver.dialect,
          {
            chainId: entry.chainId,
            seq: chained.record.seq,
            at: chained.record.at,
            hash: chained.record.hash,
            data: JSON.stringify(chained.record),
          },
          head,
        );
        const inserted = await runQuery(driver, conn, insertRow as CompiledQuery);
        if (num(inserted.numAffectedRows ?? 0) !== 1) return undefined;
        for (const query of moveHead) await runQuery(driver, conn, query);
        return chained.record;
      };
      const record = await write();
      if (record) return record;
      // The place after the head is taken by a row the chain did not write: go on after
      // the highest stored row, as a new segment that says where it resumed.
      const top = await conn
        .selectFrom("hv_audit")
        .select(sql<number>`max(seq)`.as("top"))
        .where("chain_id", "=", entry.chainId)
        .executeTakeFirst();
      const resumed = await write(num(top?.top ?? count) + 1);
      if (!resumed) throw new HomevisitError("storage_busy");
      return resumed;
    },
    async read(chainId, options = {}) {
      const rows = await conn
        .selectFrom("hv_audit")
        .select("data")
        .where("chain_id", "=", chainId)
        .where("seq", ">=", options.fromSeq ?? 1)
        .orderBy("seq")
        .limit(Math.max(1, Math.min(options.limit ?? 1000, 10_000)))
        .execute();
      return rows.map((r) => parseStoredJson(r.data) as AuditRecord);
    },
    async head(chainId) {
      const { rows } = await runQuery<Record<string, unknown>>(
        driver,
        conn,
        auditHeadQuery(driver.dialect, false, chainId, keyedHeads()),
      );
      return storedHead(chainId, rows[0]);
    },
    async verify(chainId, options = {}) {
      return verifyAuditLog(this, chainId, options);
    },
  };
}
