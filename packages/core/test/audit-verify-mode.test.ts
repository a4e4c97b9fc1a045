// RELIABILITY.md promise 5, issue 14 item 2's remainder: the head's MAC protects the head only
// until the next append. A tail cut back to an earlier head, with that head's own old (valid)
// MAC replayed, is a consistent older state that no key can tell from the truth; only a head
// anchored outside the database can. So every verification says which mode it checked
// (`anchored`, `keyed`, `unkeyed`), and these tests pin what each mode does and does not catch.
import { createEngine, fixedClock, memoryAuditAnchor, sequentialIds } from "@homevisit/core";
import {
  type AuditChainKey,
  type AuditEntry,
  type AuditHead,
  type AuditRecord,
  auditEntrySchema,
  chainAuditEntry,
  signAuditHead,
  verifyAuditChain,
} from "@homevisit/core/storage";
import { sqliteStorage } from "@homevisit/storage-sqlite";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { actors, seedWorld } from "./engine-suite.js";

const key: AuditChainKey = { id: "k-2026", secret: "the-host-chain-secret-0001" };
const at = "2026-10-08T01:00:00.000Z";

function entry(i: number): AuditEntry {
  return auditEntrySchema.parse({
    chainId: "sch-1",
    at,
    actorId: `t-${i % 3}`,
    action: "students.read",
    entity: "students",
    entityId: `s-${i}`,
    schoolId: "sch-1",
    result: "ok",
  });
}

/** A keyed chain of `n` rows and the head after each append (`heads[k]` after k rows). */
function chain(n: number): { rows: AuditRecord[]; heads: AuditHead[] } {
  const rows: AuditRecord[] = [];
  const heads: AuditHead[] = [{ chainId: "sch-1", count: 0, hash: "0".repeat(64) }];
  for (let i = 1; i <= n; i++) {
    const { record, head } = chainAuditEntry(heads.at(-1)?.count ? heads.at(-1) : undefined, entry(i), { key });
    rows.push(record);
    heads.push(head);
  }
  return { rows, heads };
}

describe("what each verification mode catches", () => {
  it("names the mode it checked: unkeyed without keys, keyed with them, anchored with an anchor", () => {
    const { rows, heads } = chain(4);
    const head = heads[4] as AuditHead;
    expect(verifyAuditChain("sch-1", rows, head).mode).toBe("unkeyed");
    expect(verifyAuditChain("sch-1", rows, head, { keys: [key] })).toMatchObject({ ok: true, mode: "keyed" });
    const anchor = signAuditHead(heads[3] as AuditHead, key, at);
    expect(verifyAuditChain("sch-1", rows, head, { keys: [key], anchor })).toMatchObject({
      ok: true,
      mode: "anchored",
      anchored: { seq: 3, at },
    });
    // A failed verification says its mode too.
    expect(verifyAuditChain("sch-1", rows.slice(0, 3), head, { keys: [key] })).toMatchObject({
      ok: false,
      mode: "keyed",
      problem: "head_mismatch",
    });
  });

  it("a tail cut back to an older head replayed with its old MAC: keyed passes it, anchored catches it", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 30 }).chain((n) =>
          fc.tuple(
            fc.constant(n),
            // Cut back to k rows, with a head anchored at m: k < m ≤ n.
            fc
              .integer({ min: 0, max: n - 1 })
              .chain((k) => fc.tuple(fc.constant(k), fc.integer({ min: k + 1, max: n }))),
          ),
        ),
        ([n, [k, m]]) => {
          const { rows, heads } = chain(n);
          const anchor = signAuditHead(heads[m] as AuditHead, key, at);
          const cut = rows.slice(0, k);
          const replayed = heads[k] as AuditHead;
          // With the key alone, the older state is consistent: rows, links, head and MAC agree.
          expect(verifyAuditChain("sch-1", cut, replayed, { keys: [key] })).toMatchObject({ ok: true, mode: "keyed" });
          // The anchor remembers that the chain once reached m: the cut is reported there.
          const anchored = verifyAuditChain("sch-1", cut, replayed, { keys: [key], anchor });
          expect(anchored).toMatchObject({ ok: false, mode: "anchored", problem: "anchor_mismatch" });
          // A head moved without the key (rewound to k, MAC of the head at n kept) fails keyed too.
          const moved = { ...replayed, mac: (heads[n] as AuditHead).mac };
          expect(verifyAuditChain("sch-1", cut, moved, { keys: [key] })).toMatchObject({ ok: false, mode: "keyed" });
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe("engine.audit.verify says which mode it checked", () => {
  async function engineWith(anchor: ReturnType<typeof memoryAuditAnchor> | undefined) {
    const storage = sqliteStorage({ filename: ":memory:" });
    await storage.migrations.migrate();
    await seedWorld(storage);
    const engine = createEngine({
      storage,
      blobs: storage.blobs,
      clock: fixedClock("2026-10-08T09:00:00+08:00"),
      ids: sequentialIds("m"),
      // Heads are published only when the test asks (engine.anchorAudit).
      config: { audit: { hmacKey: "verify-mode-key-0123456789", anchorEvery: 1_000_000 } },
      ...(anchor ? { auditAnchor: anchor } : {}),
    });
    return { storage, engine };
  }
  const principal = actors.principal as never;

  it("keyed without an anchor, anchored with one, keyed again when the caller turns the anchor off", async () => {
    const plain = await engineWith(undefined);
    try {
      await plain.engine.audit.query(principal, {});
      expect(await plain.engine.audit.verify(principal, {})).toMatchObject({ ok: true, mode: "keyed" });
    } finally {
      await plain.storage.close();
    }
    const anchor = memoryAuditAnchor();
    const anchored = await engineWith(anchor);
    try {
      // Before any head is published the anchor has nothing to check against: keyed, not anchored.
      expect(await anchored.engine.audit.verify(principal, {})).toMatchObject({ ok: true, mode: "keyed" });
      await anchored.engine.audit.query(principal, {});
      await anchored.engine.anchorAudit(["sch-1"]);
      expect(anchor.published.length).toBeGreaterThan(0);
      const result = await anchored.engine.audit.verify(principal, {});
      expect(result).toMatchObject({ ok: true, mode: "anchored" });
      expect(result.anchored?.seq).toBeGreaterThan(0);
      expect(await anchored.engine.audit.verify(principal, { anchor: false })).toMatchObject({
        ok: true,
        mode: "keyed",
      });
    } finally {
      await anchored.storage.close();
    }
  });
});
