import * as z from "zod";
import { canonicalJson } from "../shared/canonical-json.js";
import { sha256Hex } from "../shared/crypto/sha256.js";
import { idSchema, instantSchema, shortTextSchema } from "../shared/primitives.js";

/**
 * The audit log as a hash chain (RELIABILITY.md promise 5). Each row's hash is
 * `SHA-256(prevHash + "\n" + canonicalJson(row))`, so editing, deleting or reordering any row
 * breaks every later link, and a chain head kept beside the rows (count and last hash)
 * catches truncation. The functions here are pure: the engine, every adapter and an
 * auditor's offline check share them.
 */

/** The hash that the first row of every chain links to. */
export const auditGenesisHash = "0".repeat(64);

const hashSchema = z.string().regex(/^[0-9a-f]{64}$/);

/** One changed field: values are keyed HMACs or the word `changed`, never a clear sensitive value. */
export const auditChangeSchema = z.strictObject({
  field: z.string().min(1).max(200),
  before: z.string().max(200).optional(),
  after: z.string().max(200).optional(),
});
/** One changed field of an audited write. */
export type AuditChange = z.infer<typeof auditChangeSchema>;

/** What a caller appends: who did what to which record, when, why and with what result. */
export const auditEntrySchema = z.strictObject({
  /** The chain the row joins: the tenant it concerns (a school id, or a county or city id). */
  chainId: idSchema,
  at: instantSchema,
  actorId: idSchema,
  /** A stable action name, e.g. `student.read` or `visit.update`. */
  action: z
    .string()
    .min(1)
    .max(100)
    .regex(/^[a-z0-9_.:-]+$/),
  /** The entity kind (`students`, `visitRecords` …). */
  entity: z.string().min(1).max(64),
  entityId: idSchema.optional(),
  schoolId: idSchema.optional(),
  /** The purpose the actor stated for a sensitive read (RELIABILITY.md promise 3). */
  purpose: shortTextSchema.optional(),
  result: z.enum(["ok", "denied", "error"]),
  changes: z.array(auditChangeSchema).max(200).default([]),
  /** Codes and counts only; never personal data. */
  details: z.record(z.string().max(64), z.union([z.string().max(500), z.number(), z.boolean(), z.null()])).optional(),
});
/** An audit entry as appended. */
export type AuditEntry = z.infer<typeof auditEntrySchema>;
/** An audit entry as a caller writes it (defaults not yet applied). */
export type AuditEntryInput = z.input<typeof auditEntrySchema>;

/** A stored audit row: the entry with its place in the chain. */
export const auditRecordSchema = z.strictObject({
  ...auditEntrySchema.shape,
  /** 1 for the first row of a chain, then consecutive. */
  seq: z.int().min(1),
  prevHash: hashSchema,
  hash: hashSchema,
});
/** A stored audit row. */
export type AuditRecord = z.infer<typeof auditRecordSchema>;

/** The head of a chain, kept beside the rows so that cutting off the tail is detected. */
export const auditHeadSchema = z.strictObject({
  chainId: idSchema,
  count: z.int().min(0),
  hash: hashSchema,
});
/** The head of an audit chain. */
export type AuditHead = z.infer<typeof auditHeadSchema>;

/**
 * The hash of one audit row from the previous row's hash and the row's content (its entry and
 * `seq`; `prevHash` and `hash` themselves are not part of the content).
 *
 * @example
 * ```ts
 * const entry = auditEntrySchema.parse({ chainId: "sch-1", at: "2026-10-08T09:00:00+08:00",
 *   actorId: "t1", action: "student.read", entity: "students", entityId: "s1", result: "ok" });
 * auditRowHash(auditGenesisHash, entry, 1); // 64 hex digits, the same on every machine
 * ```
 */
export function auditRowHash(prevHash: string, entry: AuditEntry, seq: number): string {
  const {
    prevHash: _p,
    hash: _h,
    ...content
  } = { ...entry, seq } as AuditEntry & {
    seq: number;
    prevHash?: string;
    hash?: string;
  };
  return sha256Hex(`${prevHash}\n${canonicalJson(content)}`);
}

/**
 * Links a new entry to a chain: the row to store, and the chain's new head.
 *
 * @example
 * ```ts
 * const { record, head } = chainAuditEntry(undefined, entry);
 * record.seq; // 1
 * record.prevHash === auditGenesisHash; // true
 * head; // { chainId: "sch-1", count: 1, hash: record.hash }
 * ```
 */
export function chainAuditEntry(
  previous: AuditHead | undefined,
  entry: AuditEntry,
): { record: AuditRecord; head: AuditHead } {
  const seq = (previous?.count ?? 0) + 1;
  const prevHash = previous?.hash ?? auditGenesisHash;
  const hash = auditRowHash(prevHash, entry, seq);
  return { record: { ...entry, seq, prevHash, hash }, head: { chainId: entry.chainId, count: seq, hash } };
}

/** Why a chain failed verification. */
export type AuditChainProblem =
  | "wrong_chain"
  | "sequence_gap"
  | "link_broken"
  | "hash_mismatch"
  | "head_mismatch"
  | "invalid_row";

/** The result of {@link verifyAuditChain}. */
export type AuditVerification =
  | { ok: true; count: number; head: string }
  | { ok: false; count: number; seq: number; problem: AuditChainProblem };

/**
 * Checks a whole chain end to end: rows in `seq` order from 1, each linked to the one before
 * and hashing to its stored hash, and — when given — the tail matching the chain head. Any
 * edit, deletion, insertion, reordering or (with the head) truncation is reported with the
 * first `seq` at fault.
 *
 * @example
 * ```ts
 * verifyAuditChain("sch-1", rows, head); // { ok: true, count: 3, head: "…" }
 * verifyAuditChain("sch-1", [rows[0], rows[2]], head); // { ok: false, seq: 3, problem: "sequence_gap", count: 2 }
 * ```
 */
export function verifyAuditChain(
  chainId: string,
  rows: readonly unknown[],
  head?: Pick<AuditHead, "count" | "hash">,
): AuditVerification {
  let prevHash = auditGenesisHash;
  let index = 0;
  for (const raw of rows) {
    index++;
    const parsed = auditRecordSchema.safeParse(raw);
    // A row the schema would normalise (a trailing space added to a trimmed field) was edited:
    // it must be stored exactly as its own parse, or the edit would hash away unseen.
    if (!parsed.success || canonicalJson(parsed.data) !== canonicalJson(raw)) {
      return { ok: false, count: rows.length, seq: index, problem: "invalid_row" };
    }
    const row = parsed.data;
    const fail = (problem: AuditChainProblem): AuditVerification => ({
      ok: false,
      count: rows.length,
      seq: row.seq,
      problem,
    });
    if (row.chainId !== chainId) return fail("wrong_chain");
    if (row.seq !== index) return fail("sequence_gap");
    if (row.prevHash !== prevHash) return fail("link_broken");
    const { seq: _seq, prevHash: _prev, hash: _hash, ...entry } = row;
    if (auditRowHash(prevHash, entry, row.seq) !== row.hash) return fail("hash_mismatch");
    prevHash = row.hash;
  }
  if (head && (head.count !== rows.length || head.hash !== (rows.length === 0 ? auditGenesisHash : prevHash))) {
    return { ok: false, count: rows.length, seq: Math.min(head.count, rows.length) + 1, problem: "head_mismatch" };
  }
  return { ok: true, count: rows.length, head: prevHash };
}
