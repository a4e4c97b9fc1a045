import * as z from "zod";
import { canonicalJson } from "../shared/canonical-json.js";
import { hmacSha256Hex } from "../shared/crypto/hmac.js";
import { sha256Hex } from "../shared/crypto/sha256.js";
import { idSchema, instantSchema, shortTextSchema } from "../shared/primitives.js";
import {
  type AuditChainKey,
  type AuditHead,
  type AuditKeyring,
  anchorHolds,
  auditHeadMac,
  auditHashSchema as hashSchema,
  auditKeyIdSchema as keyIdSchema,
  auditKeyById as keyOf,
  type SignedAuditHead,
} from "./audit-anchor.js";

// Head signing and anchors live in ./audit-anchor.js; these names stay importable from here.
export {
  type AuditChainKey,
  type AuditHead,
  type AuditKeyring,
  auditHeadMac,
  auditHeadSchema,
  checkSignedAuditHead,
  type SignedAuditHead,
  signAuditHead,
  signedAuditHeadSchema,
} from "./audit-anchor.js";

/**
 * The audit log as a hash chain (RELIABILITY.md promise 5). Each row links to the one before
 * by its hash, so editing, deleting or reordering any row breaks a link, and a chain head kept
 * beside the rows (last `seq` and hash) catches truncation. The functions here are pure: the
 * engine, every adapter and an auditor's offline check share them.
 *
 * ## Row formats (never rewritten)
 *
 * - **v1** (rows without `v`): `hash = SHA-256(prevHash + "\n" + canonicalJson(row))`. Anyone
 *   can recompute it, so v1 alone does not stop whoever holds the database file. Stored v1
 *   rows keep verifying exactly as they were written.
 * - **v2** (`v: 2`, `keyId`): `hash = HMAC-SHA256(key, "homevisit-audit-row-v2\n" + prevHash
 *   + "\n" + canonicalJson(row))` under a chain key the host keeps outside the database; the
 *   head carries `mac`, an HMAC of the head itself, so cutting the tail and rewinding the head
 *   needs the key too. Keys rotate: each row names the key that signed it.
 *
 * A chain may start with v1 rows (written before keys existed) and go on with v2; a v1 row
 * after a v2 row is a break (`unkeyed_row`).
 *
 * ## Breaks never stop the chain
 *
 * When the next place of a chain is taken by a row that was not written through the chain (a
 * forged row appended beside the head), the append starts a new segment: the row goes after
 * the highest stored `seq`, links to the head the store itself wrote last and records where
 * it resumed (`resumedAfter`). Verification then reports the foreign rows and the restart as
 * breaks — forever, since history is never rewritten — and the school's work goes on.
 */

/** The hash that the first row of every chain links to. */
export const auditGenesisHash = "0".repeat(64);

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

/** A stored audit row: the entry with its place in the chain (v1 or v2, see the module comment). */
export const auditRecordSchema = z.strictObject({
  ...auditEntrySchema.shape,
  /** The row format: absent for v1 (unkeyed), 2 for keyed rows. */
  v: z.literal(2).optional(),
  /** The chain key that signed a v2 row. */
  keyId: keyIdSchema.optional(),
  /** 1 for the first row of a chain, then consecutive (within a segment). */
  seq: z.int().min(1),
  /**
   * On the first row of a new segment: the `seq` of the head it links to. The rows between
   * were not written through the chain (a break, reported by every verification).
   */
  resumedAfter: z.int().min(0).optional(),
  prevHash: hashSchema,
  hash: hashSchema,
});
/** A stored audit row. */
export type AuditRecord = z.infer<typeof auditRecordSchema>;

/**
 * The id of a key derived from its secret: a fingerprint that says which key signed a row
 * without revealing anything about it.
 *
 * @example
 * ```ts
 * auditKeyFingerprint("a-long-host-secret-0001"); // "k-3f0c…" (14 characters)
 * ```
 */
export function auditKeyFingerprint(secret: string): string {
  return `k-${hmacSha256Hex(secret, "homevisit-audit-key-id").slice(0, 12)}`;
}

/**
 * The hash of one v1 (unkeyed) audit row from the previous row's hash and the row's content
 * (its entry and `seq`; `prevHash` and `hash` themselves are not part of the content).
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

/** The content a row's hash covers: everything but `prevHash` and `hash`. */
function rowContent(row: Record<string, unknown>): Record<string, unknown> {
  const { prevHash: _p, hash: _h, ...content } = row;
  return content;
}

/**
 * The hash of a v2 (keyed) row: HMAC-SHA256 under the chain key of the previous hash and the
 * row's content (`v`, `keyId`, `seq`, `resumedAfter` included).
 *
 * @example
 * ```ts
 * keyedAuditRowHash("a-long-host-secret-0001", auditGenesisHash, { ...entry, v: 2, keyId: "k1", seq: 1 });
 * ```
 */
export function keyedAuditRowHash(secret: string, prevHash: string, row: Record<string, unknown>): string {
  return hmacSha256Hex(secret, `homevisit-audit-row-v2\n${prevHash}\n${canonicalJson(rowContent(row))}`);
}

/** Options of {@link chainAuditEntry}. */
export interface ChainAuditOptions {
  /** Signs the row (v2) and the head. Without it the row is v1, as before keys existed. */
  key?: AuditChainKey;
  /**
   * The `seq` to write at when the place after the head is taken (a new segment); the row then
   * records `resumedAfter: previous.count`.
   */
  seq?: number;
}

/**
 * Links a new entry to a chain: the row to store, and the chain's new head (signed with
 * `options.key`).
 *
 * @example
 * ```ts
 * const { record, head } = chainAuditEntry(undefined, entry, { key: { id: "k1", secret } });
 * record.seq; // 1
 * record.prevHash === auditGenesisHash; // true
 * head; // { chainId: "sch-1", count: 1, hash: record.hash, keyId: "k1", mac: "…" }
 * ```
 */
export function chainAuditEntry(
  previous: AuditHead | undefined,
  entry: AuditEntry,
  options: ChainAuditOptions = {},
): { record: AuditRecord; head: AuditHead } {
  const record = linkAuditEntry(previous, entry, options);
  const head = { chainId: entry.chainId, count: record.seq, hash: record.hash };
  const key = options.key;
  return { record, head: key === undefined ? head : { ...head, keyId: key.id, mac: auditHeadMac(key.secret, head) } };
}

/**
 * The row part of {@link chainAuditEntry}, without signing the new head: for a store that
 * appends many rows to a chain in one transaction and signs its head once, before it commits
 * (the head is `{ chainId, count: record.seq, hash: record.hash }`, signed with
 * {@link auditHeadMac}).
 *
 * @example
 * ```ts
 * const record = linkAuditEntry(head, entry, { key });
 * const next = { chainId: record.chainId, count: record.seq, hash: record.hash };
 * // … more rows …, then once: { ...next, keyId: key.id, mac: auditHeadMac(key.secret, next) }
 * ```
 */
export function linkAuditEntry(
  previous: AuditHead | undefined,
  entry: AuditEntry,
  options: ChainAuditOptions = {},
): AuditRecord {
  const after = previous?.count ?? 0;
  const seq = options.seq !== undefined && options.seq > after + 1 ? options.seq : after + 1;
  const prevHash = previous?.hash ?? auditGenesisHash;
  const resumed = seq > after + 1 ? { resumedAfter: after } : {};
  const key = options.key;
  if (key === undefined) {
    const hash = v1Hash(prevHash, { ...entry, seq, ...resumed });
    return { ...entry, seq, ...resumed, prevHash, hash };
  }
  const content = { ...entry, v: 2 as const, keyId: key.id, seq, ...resumed };
  return { ...content, prevHash, hash: keyedAuditRowHash(key.secret, prevHash, content) };
}

function v1Hash(prevHash: string, row: Record<string, unknown>): string {
  return sha256Hex(`${prevHash}\n${canonicalJson(rowContent(row))}`);
}

/** Why a chain failed verification. */
export const auditChainProblems = [
  /** A row of another chain. */
  "wrong_chain",
  /** A `seq` out of order: a row deleted, inserted or moved. */
  "sequence_gap",
  /** A row not linked to the one before it. */
  "link_broken",
  /** A row whose content does not hash (or sign) to its stored hash: edited. */
  "hash_mismatch",
  /** The head does not match the last row: the tail was cut, or rows were added past it. */
  "head_mismatch",
  /** The head's MAC is missing where keyed rows exist, or does not check. */
  "head_unsigned",
  /** A row that is not an audit row at all (or not stored exactly as its own parse). */
  "invalid_row",
  /** A keyed row signed by a key the verifier does not hold. */
  "unknown_key",
  /** An unkeyed (v1) row after a keyed one: a downgrade. */
  "unkeyed_row",
  /** The chain restarted after rows it did not write (see `resumedAfter`). */
  "segment_restart",
  /** The anchored head (kept outside the database) is not in the chain. */
  "anchor_mismatch",
] as const;
/** Why a chain failed verification. */
export type AuditChainProblem = (typeof auditChainProblems)[number];

/** One break: its kind and the rows it covers (`seq` is the first bad row). */
export interface AuditBreak {
  problem: AuditChainProblem;
  /** The first row at fault (for a cut tail, the first missing one). */
  seq: number;
  /** The last row of the run of rows at fault (equal to `seq` for one row). */
  lastSeq: number;
}

/**
 * What a verification could check, so that a host never takes one guarantee for another:
 *
 * - `anchored`: rows, links, keyed hashes and the head's MAC, and the latest head anchored
 *   outside the database is still in the chain with the same hash. A cut tail, a rewound head
 *   (even one replayed with its own old, valid MAC) and a rewrite of history before the anchor
 *   are all caught.
 * - `keyed`: rows, links, keyed hashes and the head's MAC, without an anchor (none configured,
 *   none published yet, or the anchor unreadable). An edit or a recomputation without the key
 *   is caught, and so is a head moved to a place the key never signed; but a tail cut back to an
 *   earlier head whose signed copy was kept (the head of last week, replayed with its old MAC)
 *   is a consistent older state: only an anchor tells it from the truth.
 * - `unkeyed`: no key given: links and plain hashes only, which whoever holds the database file
 *   can recompute.
 */
export type AuditVerifyMode = (typeof auditVerifyModes)[number];
/** Every {@link AuditVerifyMode}, strongest first. */
export const auditVerifyModes = ["anchored", "keyed", "unkeyed"] as const;

/** The result of a verification. */
export type AuditVerification =
  | {
      ok: true;
      /** What was checked: see {@link AuditVerifyMode}. */
      mode: AuditVerifyMode;
      /** Rows checked. */
      count: number;
      /** The hash of the last row. */
      head: string;
      /** The anchored head that was checked, when one was. */
      anchored?: { seq: number; at: string };
    }
  | {
      ok: false;
      mode: AuditVerifyMode;
      count: number;
      head?: string;
      /** The first break's first bad row and kind (as before breaks were listed). */
      seq: number;
      problem: AuditChainProblem;
      /** Every break, oldest first, at most `maxBreaks` (default 100). */
      breaks?: AuditBreak[];
      /** Breaks found beyond those listed. */
      moreBreaks?: number;
      anchored?: { seq: number; at: string };
    };

/** Options of a verification. */
export interface AuditVerifyOptions {
  /** The chain keys: keyed rows and the head's MAC are checked with them. */
  keys?: AuditKeyring;
  /** The latest anchored head of the chain: it must be in the chain, with the same hash. */
  anchor?: SignedAuditHead;
  /** How many breaks to list (default 100); the rest are counted in `moreBreaks`. */
  maxBreaks?: number;
}

/** How many row hashes a verifier remembers to check where a new segment links to. */
const rememberedHashes = 100_000;

/**
 * An incremental verifier: feed rows in `seq` order (a page at a time), then `finish` with the
 * stored head. Never throws on what the rows hold: every problem becomes a break. Keeps a
 * bounded amount of state, so a chain of any length is verified in pages.
 *
 * @example
 * ```ts
 * const verifier = auditChainVerifier("sch-1", { keys });
 * for await (const page of pages) for (const row of page) verifier.push(row);
 * verifier.finish(head); // { ok: true, count: 8731, head: "…" }
 * ```
 */
export function auditChainVerifier(
  chainId: string,
  options: AuditVerifyOptions = {},
): {
  push(row: unknown): void;
  finish(head?: Partial<Pick<AuditHead, "count" | "hash" | "keyId" | "mac">>): AuditVerification;
  readonly lastSeq: number;
} {
  const maxBreaks = Math.max(1, options.maxBreaks ?? 100);
  const breaks: AuditBreak[] = [];
  let moreBreaks = 0;
  let count = 0;
  let prevHash = auditGenesisHash;
  let lastSeq = 0;
  let seenKeyed = false;
  const hashes = new Map<number, string>([[0, auditGenesisHash]]);
  const anchor = options.anchor;
  let anchorHash: string | undefined;

  const report = (problem: AuditChainProblem, seq: number, lastOf = seq) => {
    const last = breaks.at(-1);
    if (last && last.problem === problem && last.lastSeq + 1 >= seq && seq >= last.seq) {
      last.lastSeq = Math.max(last.lastSeq, lastOf);
      return;
    }
    if (breaks.length >= maxBreaks) moreBreaks++;
    else breaks.push({ problem, seq, lastSeq: lastOf });
  };
  const remember = (seq: number, hash: string) => {
    hashes.set(seq, hash);
    if (hashes.size > rememberedHashes) hashes.delete(hashes.keys().next().value as number);
  };

  const push = (raw: unknown) => {
    count++;
    const expected = lastSeq + 1;
    const parsed = auditRecordSchema.safeParse(raw);
    let problem: AuditChainProblem | undefined;
    // A row the schema would normalise (a trailing space added to a trimmed field) was edited:
    // it must be stored exactly as its own parse, or the edit would hash away unseen.
    let same = false;
    if (parsed.success) {
      try {
        same = canonicalJson(parsed.data) === canonicalJson(raw);
      } catch {
        same = false;
      }
    }
    if (!parsed.success || !same) {
      const r = (raw ?? {}) as { seq?: unknown; hash?: unknown };
      const seq = typeof r.seq === "number" && Number.isSafeInteger(r.seq) && r.seq > lastSeq ? r.seq : expected;
      report("invalid_row", seq);
      lastSeq = seq;
      prevHash = typeof r.hash === "string" ? r.hash : prevHash;
      return;
    }
    const row = parsed.data;
    if (row.chainId !== chainId) problem = "wrong_chain";
    else if (row.v === 2) {
      const key = keyOf(options.keys, row.keyId);
      if (key === undefined || row.keyId === undefined) problem = "unknown_key";
      else if (keyedAuditRowHash(key.secret, row.prevHash, row) !== row.hash) problem = "hash_mismatch";
    } else if (row.keyId !== undefined) problem = "invalid_row";
    else if (v1Hash(row.prevHash, row) !== row.hash) problem = "hash_mismatch";
    else if (seenKeyed) problem = "unkeyed_row";
    if (problem === undefined) {
      if (row.resumedAfter !== undefined) {
        // A new segment: the rows between the head it links to and it were not the chain's.
        const linked = hashes.get(row.resumedAfter);
        if (row.resumedAfter >= row.seq || (linked !== undefined && linked !== row.prevHash)) problem = "link_broken";
        else report("segment_restart", Math.min(row.resumedAfter + 1, row.seq - 1), row.seq - 1);
      } else if (row.seq !== expected) problem = "sequence_gap";
      else if (row.prevHash !== prevHash) problem = "link_broken";
    }
    if (problem !== undefined) report(problem, row.seq > lastSeq ? row.seq : expected);
    if (row.v === 2 && problem === undefined) seenKeyed = true;
    lastSeq = Math.max(row.seq, expected);
    prevHash = row.hash;
    remember(row.seq, row.hash);
    if (anchor !== undefined && row.seq === anchor.count) anchorHash = row.hash;
  };

  const finish = (head?: Partial<Pick<AuditHead, "count" | "hash" | "keyId" | "mac">>): AuditVerification => {
    if (head !== undefined) {
      const headCount = head.count ?? 0;
      const headHash = head.hash ?? auditGenesisHash;
      if (headCount !== lastSeq || headHash !== prevHash) {
        report(
          "head_mismatch",
          Math.min(headCount, lastSeq) + 1,
          Math.max(headCount, lastSeq, Math.min(headCount, lastSeq) + 1),
        );
      } else if (head.mac !== undefined || seenKeyed) {
        const key = keyOf(options.keys, head.keyId);
        if (head.mac === undefined || key === undefined) report("head_unsigned", lastSeq, lastSeq);
        else if (auditHeadMac(key.secret, { chainId, count: headCount, hash: headHash }) !== head.mac) {
          report("head_unsigned", lastSeq, lastSeq);
        }
      }
    }
    let anchored: { seq: number; at: string } | undefined;
    if (anchor !== undefined) {
      anchored = { seq: anchor.count, at: anchor.at };
      if (!anchorHolds(anchor, { chainId, keys: options.keys, hashAtAnchor: anchorHash, lastSeq })) {
        report("anchor_mismatch", Math.max(1, Math.min(anchor.count, lastSeq + 1)), Math.max(1, anchor.count));
      }
    }
    const mode: AuditVerifyMode = anchor !== undefined ? "anchored" : options.keys?.length ? "keyed" : "unkeyed";
    const first = breaks[0];
    if (first === undefined) return { ok: true, mode, count, head: prevHash, ...(anchored ? { anchored } : {}) };
    return {
      ok: false,
      mode,
      count,
      head: prevHash,
      seq: first.seq,
      problem: first.problem,
      breaks: breaks.map((b) => ({ ...b })),
      ...(moreBreaks > 0 ? { moreBreaks } : {}),
      ...(anchored ? { anchored } : {}),
    };
  };

  return {
    push,
    finish,
    get lastSeq() {
      return lastSeq;
    },
  };
}

/**
 * Checks a whole chain end to end: rows in `seq` order from 1, each linked to the one before
 * and hashing (or, for keyed rows, signing) to its stored hash, and — when given — the tail
 * matching the chain head (and its MAC). Any edit, deletion, insertion, reordering or (with
 * the head) truncation is reported with the first `seq` at fault; every break is listed.
 * Never throws on what the rows hold.
 *
 * @example
 * ```ts
 * verifyAuditChain("sch-1", rows, head); // { ok: true, count: 3, head: "…" }
 * verifyAuditChain("sch-1", [rows[0], rows[2]], head);
 * // { ok: false, seq: 3, problem: "sequence_gap", count: 2, breaks: [{ problem: "sequence_gap", seq: 3, lastSeq: 3 }], … }
 * ```
 */
export function verifyAuditChain(
  chainId: string,
  rows: readonly unknown[],
  head?: Partial<Pick<AuditHead, "count" | "hash" | "keyId" | "mac">>,
  options: AuditVerifyOptions = {},
): AuditVerification {
  const verifier = auditChainVerifier(chainId, options);
  for (const row of rows) verifier.push(row);
  return verifier.finish(head);
}

/** What {@link verifyAuditLog} reads: a chain's head and its rows a page at a time. */
export interface AuditRowSource {
  head(chainId: string): Promise<AuditHead>;
  read(chainId: string, options?: { fromSeq?: number; limit?: number }): Promise<AuditRecord[]>;
}

/** Options of {@link verifyAuditLog}. */
export interface AuditLogVerifyOptions extends AuditVerifyOptions {
  /** Rows per read (default 500). */
  pageSize?: number;
  /**
   * Awaited between pages, so that a long chain does not hold the event loop (the engine yields
   * to other requests here). Default: none.
   */
  pause?: () => Promise<void>;
}

/**
 * Verifies a stored chain a page at a time: each page is one read (on a storage, its own short
 * transaction), checked, then `pause` lets other work run. Rows appended while it runs are
 * checked too (the head is read again at the end). Never throws on what the rows hold; storage
 * failures (a closed or unreachable store) still reject with their typed errors.
 *
 * @example
 * ```ts
 * await verifyAuditLog(storage.audit, "sch-1", { keys, pause: () => new Promise((r) => setTimeout(r, 0)) });
 * // { ok: false, seq: 412, problem: "hash_mismatch", breaks: [...], count: 23071, head: "…" }
 * ```
 */
export async function verifyAuditLog(
  source: AuditRowSource,
  chainId: string,
  options: AuditLogVerifyOptions = {},
): Promise<AuditVerification> {
  const limit = Math.max(1, Math.min(1000, options.pageSize ?? 500));
  const verifier = auditChainVerifier(chainId, options);
  let fromSeq = 1;
  const readFrom = async () => {
    for (;;) {
      const page = (await source.read(chainId, { fromSeq, limit })) as unknown[];
      for (const row of page) verifier.push(row);
      if (page.length < limit) return;
      // Progress even when a row's own seq was tampered with (the column orders the pages).
      fromSeq = Math.max(fromSeq + page.length, verifier.lastSeq + 1);
      await options.pause?.();
    }
  };
  await readFrom();
  // Appends that landed after the last page: read them before comparing with the head.
  let head = await source.head(chainId);
  for (let round = 0; round < 3 && head.count > verifier.lastSeq; round++) {
    fromSeq = Math.max(fromSeq, verifier.lastSeq + 1);
    await readFrom();
    head = await source.head(chainId);
  }
  return verifier.finish(head);
}
