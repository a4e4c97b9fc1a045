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
import { type SignedAuditHead, signedAuditHeadSchema } from "./audit-chain.js";

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
