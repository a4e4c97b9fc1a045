import type { AuditHead } from "./audit-chain.js";
import type { IndexValue, StoredEntityName, TenantKeys } from "./entities.js";

/**
 * Raw read-back: what an adapter really stored, bypassing the port. The conformance suite and
 * the reliability tests (crash, migrations) check the store through it, so that an adapter
 * cannot pass by reading back its own mistakes. Every adapter exposes one as `raw`; it is a
 * test hook, never for application code.
 */

/** A stored row exactly as the store holds it, decoded only as far as JSON. */
export interface RawRecord {
  /** The stored document, parsed from its JSON text. */
  data: unknown;
  version: number;
  tenant: TenantKeys;
  /** The indexed columns, by camelCase name. */
  indexes: Record<string, IndexValue>;
}

/** Hooks that read (and, for tamper tests, change) what a store really holds, bypassing the port. */
export interface RawReadBack {
  /** The row of a record, or `undefined` when the store holds none. */
  record(entity: StoredEntityName, id: string): Promise<RawRecord | undefined>;
  /** How many rows the entity's table (or map) holds. */
  count(entity: StoredEntityName): Promise<number>;
  /** The stored audit rows of a chain in `seq` order. */
  auditRows(chainId: string): Promise<unknown[]>;
  /** Overwrites fields of one stored audit row, as an attacker with database access could. */
  tamperAudit(chainId: string, seq: number, patch: Record<string, unknown>): Promise<void>;
  /** The stored head of a chain as it is (`undefined` when the store holds none). */
  auditHead(chainId: string): Promise<AuditHead | undefined>;
  /** Replaces (or, with `undefined`, deletes) a chain's stored head, as an attacker could. */
  writeAuditHead(chainId: string, head: Omit<AuditHead, "chainId"> | undefined): Promise<void>;
  /**
   * Replaces every stored row of a chain with these, as an attacker could (rows are stored as
   * given; a row without a fresh numeric `seq` is placed after the one before).
   */
  writeAuditRows(chainId: string, rows: readonly unknown[]): Promise<void>;
  /** The delivery state of an outbox event. */
  outbox(id: string): Promise<{ acked: boolean; attempts: number } | undefined>;
  /** An idempotency record as stored. */
  idempotency(
    actorId: string,
    key: string,
  ): Promise<{ status: "in_flight" | "completed"; requestHash: string; response: unknown } | undefined>;
  /** Sets the schema version the database records, to test the "newer schema" refusal. */
  setSchemaVersion(version: number): Promise<void>;
}
