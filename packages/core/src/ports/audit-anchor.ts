/**
 * # The audit anchor port
 *
 * A place OUTSIDE the database that keeps signed heads of the audit chains
 * ({@link SignedAuditHead}): the host's own log, a file on another volume, another database,
 * a write-once bucket. The engine publishes a chain's head every `audit.anchorEvery` rows
 * (and whenever the host calls `engine.anchorAudit`); `audit.verify` then checks that the
 * latest anchored head is still in the chain. Whoever holds only the database file can then
 * neither cut the tail nor rewrite history back to before the last anchor unseen — not even a
 * chain they rewrote entirely in the unkeyed format.
 *
 * ## Writing an anchor
 *
 * An anchor MUST:
 * - keep what `publish` was given durably before its promise resolves, somewhere the database's
 *   holder cannot write (another host, another account, an append-only log);
 * - answer `latest(chainId)` with the most recently published head of that chain;
 * - treat heads as opaque, signed data (they hold ids, counts and hashes only: no personal data).
 *
 * An anchor MUST NOT:
 * - throw on a chain it never saw (answer `undefined`);
 * - drop older heads before newer ones are durable.
 *
 * @packageDocumentation
 */
import * as z from "zod";
import { canonicalJson } from "../shared/canonical-json.js";
import { hmacSha256Hex } from "../shared/crypto/hmac.js";
import { idSchema, instantSchema } from "../shared/primitives.js";

/** A row or head hash: 64 lowercase hex digits (SHA-256 or HMAC-SHA256). */
export const auditHashSchema = z.string().regex(/^[0-9a-f]{64}$/);
/** A chain key's id as rows store it: letters, digits and `_.:-`, at most 64 characters. */
export const auditKeyIdSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_.:-]+$/);
const hashSchema = auditHashSchema;
const keyIdSchema = auditKeyIdSchema;

/** The head of a chain, kept beside the rows so that cutting off the tail is detected. */
export const auditHeadSchema = z.strictObject({
  chainId: idSchema,
  /** The `seq` of the last row the chain wrote (the row count while no segment restarted). */
  count: z.int().min(0),
  hash: auditHashSchema,
  /** The key that signed the head; absent while the chain holds only v1 rows. */
  keyId: auditKeyIdSchema.optional(),
  /** HMAC of `{ chainId, count, hash }` under that key ({@link auditHeadMac}). */
  mac: auditHashSchema.optional(),
});
/** The head of an audit chain. */
export type AuditHead = z.infer<typeof auditHeadSchema>;

/**
 * A chain key: an HMAC secret the host keeps outside the database (an environment variable, a
 * secret manager), with an id stored in each row it signs so that keys can rotate.
 */
export interface AuditChainKey {
  /** Stored in each row; letters, digits and `_.:-`, at most 64 characters. Not secret. */
  id: string;
  /** At least 16 characters. Never stored, never logged. */
  secret: string;
}

/**
 * The keys a verifier accepts (by id) and the one new rows are signed with (the first).
 * Rotation: put the new key first and keep the old ones for as long as their rows exist.
 */
export type AuditKeyring = readonly AuditChainKey[];

/**
 * The key of a keyring with this id, or `undefined` (no id, or a key the host no longer has).
 *
 * @example
 * ```ts
 * auditKeyById([{ id: "k1", secret }], "k1"); // { id: "k1", secret }
 * auditKeyById([{ id: "k1", secret }], "k0"); // undefined
 * ```
 */
export function auditKeyById(keys: AuditKeyring | undefined, id: string | undefined): AuditChainKey | undefined {
  return id === undefined ? undefined : keys?.find((k) => k.id === id);
}
const keyOf = auditKeyById;

/**
 * The MAC of a chain head: whoever holds only the database cannot move the head back over cut
 * rows without it.
 *
 * @example
 * ```ts
 * auditHeadMac("a-long-host-secret-0001", { chainId: "sch-1", count: 3, hash: "9f…" });
 * ```
 */
export function auditHeadMac(secret: string, head: Pick<AuditHead, "chainId" | "count" | "hash">): string {
  return hmacSha256Hex(
    secret,
    `homevisit-audit-head-v2\n${canonicalJson({ chainId: head.chainId, count: head.count, hash: head.hash })}`,
  );
}

/**
 * A head signed for keeping outside the database (an anchor): whoever later verifies the chain
 * against it learns whether rows up to it were cut or rewritten since.
 */
export const signedAuditHeadSchema = z.strictObject({
  chainId: idSchema,
  /** The `seq` of the anchored row. */
  count: z.int().min(0),
  hash: hashSchema,
  /** When it was anchored. */
  at: instantSchema,
  keyId: keyIdSchema,
  /** HMAC under the key of `{ chainId, count, hash, at }` ({@link signAuditHead}). */
  signature: hashSchema,
});
/** A signed chain head, as an anchor keeps it. */
export type SignedAuditHead = z.infer<typeof signedAuditHeadSchema>;

function anchorSignature(secret: string, head: Pick<SignedAuditHead, "chainId" | "count" | "hash" | "at">): string {
  return hmacSha256Hex(
    secret,
    `homevisit-audit-anchor-v1\n${canonicalJson({ chainId: head.chainId, count: head.count, hash: head.hash, at: head.at })}`,
  );
}

/**
 * Signs a chain head for an anchor.
 *
 * @example
 * ```ts
 * signAuditHead(await storage.audit.head("sch-1"), key, "2026-10-08T01:00:00.000Z");
 * // { chainId: "sch-1", count: 128, hash: "…", at: "2026-10-08T01:00:00.000Z", keyId: "k1", signature: "…" }
 * ```
 */
export function signAuditHead(
  head: Pick<AuditHead, "chainId" | "count" | "hash">,
  key: AuditChainKey,
  at: string,
): SignedAuditHead {
  const base = { chainId: head.chainId, count: head.count, hash: head.hash, at };
  return { ...base, keyId: key.id, signature: anchorSignature(key.secret, base) };
}

/**
 * Whether a signed head was signed by one of the keys (a forged or edited anchor is not).
 *
 * @example
 * ```ts
 * checkSignedAuditHead(signed, [key]); // true
 * ```
 */
export function checkSignedAuditHead(head: SignedAuditHead, keys: AuditKeyring): boolean {
  const key = keyOf(keys, head.keyId);
  return key !== undefined && anchorSignature(key.secret, head) === head.signature;
}

/** What {@link anchorHolds} compares an anchored head with. */
export interface AnchorCheck {
  /** The chain being verified. */
  chainId: string;
  /** The keys that may have signed the anchored head. */
  keys: AuditKeyring | undefined;
  /** The hash the verified chain holds at the anchored `seq` (`undefined` when it has no such row). */
  hashAtAnchor: string | undefined;
  /** The last `seq` of the verified chain. */
  lastSeq: number;
}

/**
 * Whether an anchored head still holds for a chain: signed by one of the keys, for this chain,
 * and the chain still reaches its `seq` with the same hash there. When it does not, the chain
 * was cut back or rewritten since the head was anchored (or the anchor itself was forged).
 *
 * @example
 * ```ts
 * anchorHolds(signed, { chainId: "sch-1", keys, hashAtAnchor: rows[signed.count - 1].hash, lastSeq: 130 }); // true
 * anchorHolds(signed, { chainId: "sch-1", keys, hashAtAnchor: undefined, lastSeq: 90 }); // false: cut below it
 * ```
 */
export function anchorHolds(anchor: SignedAuditHead, check: AnchorCheck): boolean {
  const signed =
    anchor.chainId === check.chainId && check.keys !== undefined && checkSignedAuditHead(anchor, check.keys);
  const matches =
    anchor.count === 0
      ? // The genesis hash (auditGenesisHash), written out: this module imports no values from the chain's.
        anchor.hash === "0".repeat(64)
      : check.hashAtAnchor !== undefined && check.hashAtAnchor === anchor.hash;
  return signed && matches && check.lastSeq >= anchor.count;
}

/** Keeps signed chain heads outside the database. */
export interface AuditAnchor {
  /** Keeps a signed head, durably, before resolving. */
  publish(head: SignedAuditHead): Promise<void>;
  /** The most recently published head of a chain, or `undefined`. */
  latest(chainId: string): Promise<SignedAuditHead | undefined>;
}

/**
 * An anchor over two host functions: where to send a head (the host's log pipeline, another
 * database) and how to get the latest back. The heads are checked on the way back in.
 *
 * @example
 * ```ts
 * const anchor = callbackAuditAnchor({
 *   publish: async (head) => { await bureauDb.insert("audit_anchors", head); },
 *   latest: async (chainId) => bureauDb.latest("audit_anchors", { chainId }),
 * });
 * createEngine({ storage, blobs, config, auditAnchor: anchor });
 * ```
 */
export function callbackAuditAnchor(callbacks: {
  publish: (head: SignedAuditHead) => Promise<void> | void;
  latest: (chainId: string) => Promise<unknown> | unknown;
}): AuditAnchor {
  return {
    async publish(head) {
      await callbacks.publish(signedAuditHeadSchema.parse(head));
    },
    async latest(chainId) {
      const found = await callbacks.latest(chainId);
      if (found === undefined || found === null) return undefined;
      const parsed = signedAuditHeadSchema.safeParse(found);
      // Something that is not a signed head is no anchor: verification reports the mismatch.
      return parsed.success && parsed.data.chainId === chainId
        ? parsed.data
        : {
            chainId,
            count: 0,
            hash: "f".repeat(64),
            at: new Date(0).toISOString(),
            keyId: "invalid",
            signature: "0".repeat(64),
          };
    },
  };
}

/** The file functions {@link fileAuditAnchor} uses: those of `node:fs/promises`. */
export interface AnchorFileSystem {
  appendFile(path: string, data: string, encoding: "utf8"): Promise<void>;
  readFile(path: string, encoding: "utf8"): Promise<string>;
}

/**
 * An anchor in a JSON-lines file, one signed head per line, appended (never rewritten). Put it
 * where the database's holder cannot write: another volume, another account, a log shipper's
 * input. Core does no I/O itself: pass `node:fs/promises`.
 *
 * @example
 * ```ts
 * import * as fs from "node:fs/promises";
 * const anchor = fileAuditAnchor(fs, "/var/log/homevisit/audit-anchors.jsonl");
 * ```
 */
export function fileAuditAnchor(fs: AnchorFileSystem, path: string): AuditAnchor {
  let tail: Promise<unknown> = Promise.resolve();
  return {
    publish(head) {
      const line = `${JSON.stringify(signedAuditHeadSchema.parse(head))}\n`;
      const next = tail.then(() => fs.appendFile(path, line, "utf8"));
      tail = next.catch(() => undefined);
      return next;
    },
    async latest(chainId) {
      let text: string;
      try {
        text = await fs.readFile(path, "utf8");
      } catch (error) {
        if ((error as { code?: unknown } | null)?.code === "ENOENT") return undefined;
        throw error;
      }
      let found: SignedAuditHead | undefined;
      for (const line of text.split("\n")) {
        if (line.trim() === "") continue;
        try {
          const parsed = signedAuditHeadSchema.safeParse(JSON.parse(line));
          if (parsed.success && parsed.data.chainId === chainId) found = parsed.data;
        } catch {
          // A damaged line is skipped; the lines after it still count.
        }
      }
      return found;
    },
  };
}

/**
 * An anchor in memory, for tests and demos (it is not outside anything).
 *
 * @example
 * ```ts
 * const anchor = memoryAuditAnchor();
 * await anchor.publish(signed);
 * await anchor.latest("sch-1"); // signed
 * ```
 */
export function memoryAuditAnchor(): AuditAnchor & { readonly published: readonly SignedAuditHead[] } {
  const published: SignedAuditHead[] = [];
  return {
    published,
    async publish(head) {
      published.push(signedAuditHeadSchema.parse(head));
    },
    async latest(chainId) {
      return published.findLast((h) => h.chainId === chainId);
    },
  };
}
