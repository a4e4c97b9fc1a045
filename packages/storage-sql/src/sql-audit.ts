import { HomevisitError } from "@homevisit/core";
import {
  type AuditChainKey,
  type AuditHead,
  type AuditRecord,
  type AuditStore,
  auditGenesisHash,
  auditHeadMac,
  checkAuditEntry,
  linkAuditEntry,
  verifyAuditLog,
} from "@homevisit/core/storage";
import { sql } from "kysely";
import { auditHeadInsert, auditHeadMove, auditHeadQuery, auditRowInsert } from "./compiled-writes.js";
import { type Db, runQuery, type SqlStorageDriver } from "./sql-driver.js";
import { num, parseStoredJson } from "./sql-rows.js";
import type { TransactionGroup } from "./transaction-group.js";

/** A head's own fields, for keeping in a group (the chain is in the key). */
function withoutChain(head: AuditHead): Omit<AuditHead, "chainId"> {
  const { chainId: _chainId, ...rest } = head;
  return rest;
}

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
 * A chain's head as a group of transactions left it so far, and whether it moved in the group.
 * A head moved by keyed rows carries the key (`signWith`) instead of a MAC: it is signed once,
 * when the group writes it or someone reads it, not after every row.
 */
interface GroupHead {
  count: number;
  hash: string;
  keyId?: string;
  mac?: string;
  signWith?: AuditChainKey;
  moved: boolean;
}

/** The head as the port returns it and the table keeps it: signed now if it waits for a MAC. */
function signedHead(chainId: string, head: GroupHead): AuditHead {
  const { count, hash, keyId, signWith } = head;
  if (signWith !== undefined) {
    return { chainId, count, hash, keyId: signWith.id, mac: auditHeadMac(signWith.secret, { chainId, count, hash }) };
  }
  return {
    chainId,
    count,
    hash,
    ...(keyId === undefined ? {} : { keyId }),
    ...(head.mac === undefined ? {} : { mac: head.mac }),
  };
}

const groupHeadKey = (chainId: string) => `audit-head:${chainId}`;

/**
 * The audit log (tables `hv_audit`, `hv_audit_heads`, `hv_audit_head_macs`) on one
 * transaction's connection. `keyedHeads` tells whether the schema has the heads' MAC table yet.
 * In a {@link TransactionGroup} a chain's head is read by the first part that appends to it and
 * moved once, before the group's COMMIT; the parts in between take it from the group.
 */
export function sqlAudit(
  driver: SqlStorageDriver,
  conn: Db,
  keyedHeads: () => boolean,
  group?: TransactionGroup,
): AuditStore {
  /** The head's row, locked where the dialect locks rows; made (count 0) for a chain's first row. */
  const lockHead = async (chainId: string): Promise<GroupHead> => {
    const select = auditHeadQuery(driver.dialect, driver.lockRows, chainId, keyedHeads());
    type HeadRow = { count: unknown; hash: string; key_id: string | null; mac: string | null };
    let row = (await runQuery<HeadRow>(driver, conn, select)).rows[0];
    if (!row) {
      // The first row of a chain: make its head (count 0, the genesis hash) race-free —
      // of two first appends, one inserts, the other waits on that row and does nothing —
      // then lock it like any other head. No unique violation, no re-run.
      await runQuery(driver, conn, auditHeadInsert(driver.dialect, chainId, auditGenesisHash));
      row = (await runQuery<HeadRow>(driver, conn, select)).rows[0];
      if (!row) throw new HomevisitError("storage_busy");
    }
    return { ...withoutChain(storedHead(chainId, row)), moved: false };
  };
  /**
   * Moves the head after `record` now, or (in a group) once before COMMIT, to where the group
   * left it. A store whose schema predates the MAC table keeps its head unsigned until migrated.
   */
  const moveHead = async (record: AuditRecord, key: AuditChainKey | undefined) => {
    const { chainId } = record;
    const signWith = keyedHeads() ? key : undefined;
    const moved = { count: record.seq, hash: record.hash, ...(signWith === undefined ? {} : { signWith }) };
    if (group === undefined) {
      const head = signedHead(chainId, { ...moved, moved: true });
      for (const query of auditHeadMove(driver.dialect, chainId, head)) await runQuery(driver, conn, query);
      return;
    }
    const groupKey = groupHeadKey(chainId);
    const before = group.get(groupKey) as GroupHead | undefined;
    // An unsigned move leaves the MAC as it was, here as in the table (signed, if it waited).
    const kept: GroupHead =
      before === undefined
        ? { count: 0, hash: auditGenesisHash, moved: false }
        : signWith === undefined && before.signWith !== undefined
          ? { ...withoutChain(signedHead(chainId, before)), moved: before.moved }
          : before;
    group.set(groupKey, { ...kept, ...moved, moved: true });
    if (before?.moved) return;
    group.beforeCommit(async () => {
      const head = signedHead(chainId, group.get(groupKey) as GroupHead);
      for (const query of auditHeadMove(driver.dialect, chainId, head)) await runQuery(driver, conn, query);
    });
  };
  return {
    async append(input, options = {}) {
      const entry = checkAuditEntry(input);
      const headKey = groupHeadKey(entry.chainId);
      const known = group?.get(headKey) as GroupHead | undefined;
      const head = known ?? (await lockHead(entry.chainId));
      if (known === undefined) group?.set(headKey, head);
      const count = head.count;
      const previous: AuditHead | undefined =
        count > 0 ? { chainId: entry.chainId, count, hash: head.hash } : undefined;
      const key = options.key === undefined ? {} : { key: options.key };
      const write = async (seq?: number) => {
        const row = linkAuditEntry(previous, entry, seq === undefined ? key : { ...key, seq });
        const data = JSON.stringify(row);
        const values = { chainId: entry.chainId, seq: row.seq, at: row.at, hash: row.hash, data };
        const inserted = await runQuery(driver, conn, auditRowInsert(driver.dialect, values));
        if (num(inserted.numAffectedRows ?? 0) !== 1) return undefined;
        await moveHead(row, options.key);
        return row;
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
      const known = group?.get(groupHeadKey(chainId)) as GroupHead | undefined;
      if (known !== undefined) return signedHead(chainId, known);
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
