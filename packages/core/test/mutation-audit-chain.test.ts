import {
  type AuditChainKey,
  type AuditEntry,
  type AuditHead,
  type AuditRecord,
  auditChainProblems,
  auditEntrySchema,
  auditGenesisHash,
  auditHeadMac,
  auditKeyFingerprint,
  auditRecordSchema,
  auditRowHash,
  auditVerifyModes,
  chainAuditEntry,
  keyedAuditRowHash,
  linkAuditEntry,
  verifyAuditChain,
  verifyAuditLog,
} from "@homevisit/core/storage";
import { describe, expect, it } from "vitest";
import { hmacSha256Hex } from "../src/shared/crypto/hmac.js";
import { sha256Hex } from "../src/shared/crypto/sha256.js";
import { auditEntryAt, chainKey, previousChainKey } from "./support/audit-fixtures.js";

/**
 * The audit chain (RELIABILITY.md promise 5) checked break by break: each tampering is reported
 * as the problem it is, at the row where it starts and the row where it ends, for unkeyed and
 * keyed rows, and the schemas refuse what a row may not hold. Written to kill the mutants of
 * `pnpm run mutation` (docs/quality.md).
 */

const key = chainKey;
const oldKey = previousChainKey;
const entry = auditEntryAt;

function chain(n: number, options: { key?: AuditChainKey; chainId?: string; from?: AuditHead } = {}) {
  const rows: AuditRecord[] = [];
  let head = options.from;
  for (let i = 0; i < n; i++) {
    const next = chainAuditEntry(head, entry(rows.length + (head?.count ?? 0), options.chainId), {
      ...(options.key ? { key: options.key } : {}),
    });
    rows.push(next.record);
    head = next.head;
  }
  return { rows, head: head as AuditHead };
}

describe("linkAuditEntry", () => {
  it("links the same row as chainAuditEntry, leaving the head to be signed once later", () => {
    const { rows, head } = chain(3, { key });
    for (const options of [{}, { key }, { key, seq: 9 }]) {
      const linked = linkAuditEntry(head, entry(3), options);
      const chained = chainAuditEntry(head, entry(3), options);
      expect(linked).toEqual(chained.record);
      const next = { chainId: linked.chainId, count: linked.seq, hash: linked.hash };
      expect(chained.head).toEqual(
        "key" in options ? { ...next, keyId: key.id, mac: auditHeadMac(key.secret, next) } : next,
      );
    }
    expect(linkAuditEntry(undefined, entry(0), { key })).toEqual(rows[0]);
    // A row linked after a resumed place says where it resumed.
    expect(linkAuditEntry(head, entry(3), { seq: 9 })).toMatchObject({ seq: 9, resumedAfter: 3, prevHash: head.hash });
  });
});

describe("chainAuditEntry", () => {
  it("starts an unkeyed chain at 1 on the genesis hash, with the v1 hash anyone can recompute", () => {
    const first = chainAuditEntry(undefined, entry(0));
    expect(first.record).toMatchObject({ seq: 1, prevHash: auditGenesisHash });
    expect(first.record).not.toHaveProperty("v");
    expect(first.record).not.toHaveProperty("resumedAfter");
    expect(first.record.hash).toBe(auditRowHash(auditGenesisHash, entry(0), 1));
    expect(first.head).toEqual({ chainId: "sch-1", count: 1, hash: first.record.hash });
    expect(auditGenesisHash).toBe("0".repeat(64));
    const second = chainAuditEntry(first.head, entry(1));
    expect(second.record).toMatchObject({ seq: 2, prevHash: first.record.hash });
    expect(second.record.hash).toBe(auditRowHash(first.record.hash, entry(1), 2));
    // The v1 hash covers the entry and seq only, prevHash and hash left out.
    const { prevHash: _p, hash: _h, ...content } = second.record;
    expect(second.record.hash).toBe(
      sha256Hex(`${first.record.hash}\n${JSON.stringify(Object.fromEntries(Object.entries(content).sort()))}`),
    );
  });

  it("signs a keyed row and its head with the chain key", () => {
    const { record, head } = chainAuditEntry(undefined, entry(0), { key });
    expect(record).toMatchObject({ v: 2, keyId: "k-2026", seq: 1, prevHash: auditGenesisHash });
    expect(record.hash).toBe(keyedAuditRowHash(key.secret, auditGenesisHash, record));
    const { prevHash: _p, hash: _h, ...content } = record;
    expect(record.hash).toBe(
      hmacSha256Hex(
        key.secret,
        `homevisit-audit-row-v2\n${auditGenesisHash}\n${JSON.stringify(Object.fromEntries(Object.entries(content).sort()))}`,
      ),
    );
    expect(head).toEqual({
      chainId: "sch-1",
      count: 1,
      hash: record.hash,
      keyId: "k-2026",
      mac: auditHeadMac(key.secret, { chainId: "sch-1", count: 1, hash: record.hash }),
    });
  });

  it("writes a new segment only past the head: a seq at or before the next place is ignored", () => {
    const { head } = chain(3);
    for (const seq of [1, 3, 4]) {
      const next = chainAuditEntry(head, entry(9), { seq });
      expect(next.record.seq).toBe(4);
      expect(next.record).not.toHaveProperty("resumedAfter");
    }
    const resumed = chainAuditEntry(head, entry(9), { seq: 6 });
    expect(resumed.record).toMatchObject({ seq: 6, resumedAfter: 3, prevHash: head.hash });
    expect(resumed.head.count).toBe(6);
  });

  it("names a key by a fingerprint of its secret", () => {
    expect(auditKeyFingerprint(key.secret)).toBe(
      `k-${hmacSha256Hex(key.secret, "homevisit-audit-key-id").slice(0, 12)}`,
    );
    expect(auditKeyFingerprint(key.secret)).toMatch(/^k-[0-9a-f]{12}$/);
  });
});

describe("verifyAuditChain: which break, where", () => {
  it("lists its problems and modes", () => {
    expect([...auditChainProblems]).toEqual([
      "wrong_chain",
      "sequence_gap",
      "link_broken",
      "hash_mismatch",
      "head_mismatch",
      "head_unsigned",
      "invalid_row",
      "unknown_key",
      "unkeyed_row",
      "segment_restart",
      "anchor_mismatch",
    ]);
    expect([...auditVerifyModes]).toEqual(["anchored", "keyed", "unkeyed"]);
  });

  it("an intact chain: ok, with the mode, the count and the last hash", () => {
    const plain = chain(4);
    expect(verifyAuditChain("sch-1", plain.rows, plain.head)).toEqual({
      ok: true,
      mode: "unkeyed",
      count: 4,
      head: plain.head.hash,
    });
    const keyed = chain(4, { key });
    expect(verifyAuditChain("sch-1", keyed.rows, keyed.head, { keys: [key] })).toEqual({
      ok: true,
      mode: "keyed",
      count: 4,
      head: keyed.head.hash,
    });
    expect(verifyAuditChain("sch-1", [])).toEqual({ ok: true, mode: "unkeyed", count: 0, head: auditGenesisHash });
    expect(verifyAuditChain("sch-1", plain.rows, plain.head, { keys: [] }).mode).toBe("unkeyed");
  });

  it("a deleted row: sequence_gap at the row after it, and nothing else", () => {
    const { rows, head } = chain(5);
    const result = verifyAuditChain("sch-1", [rows[0], rows[2], rows[3], rows[4]], head);
    expect(result).toMatchObject({ ok: false, problem: "sequence_gap", seq: 3, count: 4, head: head.hash });
    expect(result.ok === false && result.breaks).toEqual([{ problem: "sequence_gap", seq: 3, lastSeq: 3 }]);
  });

  it("two rows swapped: the breaks name both places", () => {
    const { rows, head } = chain(5);
    const result = verifyAuditChain("sch-1", [rows[0], rows[2], rows[1], rows[3], rows[4]], head);
    expect(result).toMatchObject({ ok: false, problem: "sequence_gap", seq: 3 });
  });

  it("a row relinked to another hash: link_broken at it", () => {
    const { rows, head } = chain(4);
    const forged = rows.map((r, i) => {
      if (i !== 2) return r;
      const row = { ...r, prevHash: "a".repeat(64) };
      return { ...row, hash: auditRowHash(row.prevHash, row as AuditEntry, row.seq) };
    });
    const result = verifyAuditChain("sch-1", forged, head);
    // Row 3 links elsewhere, and row 4 no longer links to row 3's (new) hash: one run of breaks.
    expect(result.ok === false && result.breaks).toEqual([{ problem: "link_broken", seq: 3, lastSeq: 4 }]);
  });

  it("a cut tail: head_mismatch from the first missing row to the head's count", () => {
    const { rows, head } = chain(6);
    const result = verifyAuditChain("sch-1", rows.slice(0, 4), head);
    expect(result).toMatchObject({ ok: false, problem: "head_mismatch", seq: 5, count: 4 });
    expect(result.ok === false && result.breaks).toEqual([{ problem: "head_mismatch", seq: 5, lastSeq: 6 }]);
    // Rows past the head: from the head's next place to the last row.
    const past = verifyAuditChain("sch-1", rows, { count: 4, hash: rows[3]?.hash });
    expect(past.ok === false && past.breaks).toEqual([{ problem: "head_mismatch", seq: 5, lastSeq: 6 }]);
    // A head with the right count and another hash; an empty head against rows.
    const wrong = verifyAuditChain("sch-1", rows, { count: 6, hash: "b".repeat(64) });
    expect(wrong.ok === false && wrong.breaks).toEqual([{ problem: "head_mismatch", seq: 7, lastSeq: 7 }]);
    const empty = verifyAuditChain("sch-1", rows, {});
    expect(empty.ok === false && empty.breaks).toEqual([{ problem: "head_mismatch", seq: 1, lastSeq: 6 }]);
    expect(verifyAuditChain("sch-1", [], {}).ok).toBe(true);
  });

  it("keyed rows: an unknown key, an edit, a downgrade to v1 and a v1 row naming a key", () => {
    const { rows, head } = chain(4, { key });
    const noKeys = verifyAuditChain("sch-1", rows, head);
    expect(noKeys.ok === false && noKeys.breaks?.[0]).toEqual({ problem: "unknown_key", seq: 1, lastSeq: 4 });
    const otherKey = verifyAuditChain("sch-1", rows, head, { keys: [oldKey] });
    expect(otherKey).toMatchObject({ ok: false, problem: "unknown_key", seq: 1, mode: "keyed" });
    // A rotated keyring still verifies the rows the old key signed.
    expect(verifyAuditChain("sch-1", rows, head, { keys: [oldKey, key] }).ok).toBe(true);

    const edited = rows.map((r, i) => (i === 1 ? { ...r, entityId: "s999" } : r));
    const editedResult = verifyAuditChain("sch-1", edited, head, { keys: [key] });
    expect(editedResult.ok === false && editedResult.breaks).toEqual([
      { problem: "hash_mismatch", seq: 2, lastSeq: 2 },
    ]);

    const v1After = chainAuditEntry(head, entry(4));
    const downgraded = verifyAuditChain("sch-1", [...rows, v1After.record], v1After.head, { keys: [key] });
    expect(downgraded.ok === false && downgraded.breaks?.[0]).toEqual({ problem: "unkeyed_row", seq: 5, lastSeq: 5 });

    // v1 rows then keyed rows: an upgrade, not a break.
    const early = chain(2);
    const later = chain(2, { key, from: early.head });
    expect(verifyAuditChain("sch-1", [...early.rows, ...later.rows], later.head, { keys: [key] }).ok).toBe(true);

    const { v: _v, ...unkeyedFields } = rows[0] as AuditRecord;
    const namedKey = { ...unkeyedFields, hash: auditRowHash(auditGenesisHash, unkeyedFields as AuditEntry, 1) };
    const named = verifyAuditChain("sch-1", [namedKey]);
    expect(named.ok === false && named.breaks).toEqual([{ problem: "invalid_row", seq: 1, lastSeq: 1 }]);
  });

  it("a keyed head: unsigned, signed by an unknown key or with a wrong MAC is head_unsigned at the last row", () => {
    const { rows, head } = chain(3, { key });
    const { mac: _m, ...bare } = head;
    for (const h of [bare, { ...head, mac: "c".repeat(64) }, { ...head, keyId: "k-other" }]) {
      const result = verifyAuditChain("sch-1", rows, h, { keys: [key] });
      expect(result.ok === false && result.breaks).toEqual([{ problem: "head_unsigned", seq: 3, lastSeq: 3 }]);
    }
    // A MAC on an unkeyed chain's head is checked too.
    const plain = chain(2);
    const macked = { ...plain.head, keyId: key.id, mac: "d".repeat(64) };
    expect(verifyAuditChain("sch-1", plain.rows, macked, { keys: [key] })).toMatchObject({
      ok: false,
      problem: "head_unsigned",
      seq: 2,
    });
    const good = { ...plain.head, keyId: key.id, mac: auditHeadMac(key.secret, plain.head) };
    expect(verifyAuditChain("sch-1", plain.rows, good, { keys: [key] }).ok).toBe(true);
  });

  it("a new segment after forged rows: the forged rows, then segment_restart over the places skipped", () => {
    const { rows, head } = chain(3);
    const resumed = chainAuditEntry(head, entry(5), { seq: 6 });
    const result = verifyAuditChain("sch-1", [...rows, resumed.record], resumed.head);
    expect(result.ok === false && result.breaks).toEqual([{ problem: "segment_restart", seq: 4, lastSeq: 5 }]);
    expect(result).toMatchObject({ ok: false, problem: "segment_restart", count: 4 });
    // A segment that claims to resume after itself, or links to a hash that was not at its place.
    const selfResumed = { ...resumed.record, resumedAfter: 6 };
    const selfRow = { ...selfResumed, hash: auditRowHash(selfResumed.prevHash, selfResumed as AuditEntry, 6) };
    const bad = verifyAuditChain("sch-1", [...rows, selfRow]);
    expect(bad.ok === false && bad.breaks?.[0]).toEqual({ problem: "link_broken", seq: 6, lastSeq: 6 });
    const wrongLink = { ...resumed.record, prevHash: rows[1]?.hash as string };
    const wrongRow = { ...wrongLink, hash: auditRowHash(wrongLink.prevHash, wrongLink as AuditEntry, 6) };
    const linked = verifyAuditChain("sch-1", [...rows, wrongRow]);
    expect(linked.ok === false && linked.breaks?.[0]).toEqual({ problem: "link_broken", seq: 6, lastSeq: 6 });
  });

  it("rows that are not audit rows: invalid_row at their seq, or at the next place", () => {
    const { rows } = chain(3);
    const result = verifyAuditChain("sch-1", [rows[0], null, { seq: "2" }, rows[1], { seq: 9, hash: 1 }]);
    expect(result.ok === false && result.breaks?.[0]).toEqual({ problem: "invalid_row", seq: 2, lastSeq: 3 });
    expect(verifyAuditChain("sch-1", [{ ...rows[0], extra: 1 }])).toMatchObject({ problem: "invalid_row", seq: 1 });
    // A row that does not survive canonical JSON is invalid, not a crash.
    expect(verifyAuditChain("sch-1", [{ ...rows[0], seq: 5n }])).toMatchObject({ problem: "invalid_row", seq: 1 });
  });

  it("after a row that is not an audit row, its own seq and hash carry the chain on", () => {
    const { rows, head } = chain(4);
    // Row 2 unreadable but with its seq and hash: one break at 2, and row 3 still links to it.
    const broken = [rows[0], { seq: 2, hash: rows[1]?.hash, junk: true }, rows[2], rows[3]];
    const result = verifyAuditChain("sch-1", broken, head);
    expect(result.ok === false && result.breaks).toEqual([{ problem: "invalid_row", seq: 2, lastSeq: 2 }]);
    // Without a usable seq or hash, the row takes the next place and the next row no longer links.
    for (const junk of [{ seq: "2" }, { seq: 1.5 }, { seq: 1 }, { hash: 7 }]) {
      const next = verifyAuditChain("sch-1", [rows[0], junk, rows[2]]);
      expect([junk, next.ok === false && next.breaks]).toEqual([
        junk,
        [
          { problem: "invalid_row", seq: 2, lastSeq: 2 },
          { problem: "link_broken", seq: 3, lastSeq: 3 },
        ],
      ]);
    }
  });

  it("merges a run of one problem into one break, and lists at most maxBreaks", () => {
    const other = chain(5, { chainId: "sch-2" });
    const all = verifyAuditChain("sch-1", other.rows);
    expect(all.ok === false && all.breaks).toEqual([{ problem: "wrong_chain", seq: 1, lastSeq: 5 }]);
    const { rows } = chain(6);
    const alternating = rows.map((r, i) => (i % 2 === 1 ? { ...r, entityId: "x" } : r));
    const capped = verifyAuditChain("sch-1", alternating, undefined, { maxBreaks: 2 });
    expect(capped.ok === false && capped.breaks).toEqual([
      { problem: "hash_mismatch", seq: 2, lastSeq: 2 },
      { problem: "hash_mismatch", seq: 4, lastSeq: 4 },
    ]);
    expect(capped).toMatchObject({ moreBreaks: 1 });
    const one = verifyAuditChain("sch-1", alternating, undefined, { maxBreaks: 0 });
    expect(one.ok === false && [one.breaks?.length, one.moreBreaks]).toEqual([1, 2]);
    const uncapped = verifyAuditChain("sch-1", alternating);
    expect(uncapped.ok === false && [uncapped.breaks?.length, "moreBreaks" in uncapped]).toEqual([3, false]);
  });
});

describe("verifyAuditLog: a page at a time", () => {
  function source(rows: AuditRecord[], head: AuditHead, late: AuditRecord[] = [], lateHead?: AuditHead) {
    const reads: { fromSeq?: number; limit?: number }[] = [];
    let heads = 0;
    let stored = rows;
    return {
      reads,
      src: {
        head: async () => {
          heads++;
          if (heads === 1 && late.length > 0) {
            stored = [...rows, ...late];
            return lateHead as AuditHead;
          }
          return lateHead ?? head;
        },
        read: async (_chain: string, options?: { fromSeq?: number; limit?: number }) => {
          reads.push({ ...options });
          const from = options?.fromSeq ?? 1;
          return stored.filter((r) => r.seq >= from).slice(0, options?.limit ?? 500);
        },
      },
    };
  }

  it("reads pages of pageSize, pausing between full pages, and verifies the whole chain", async () => {
    const { rows, head } = chain(5);
    const { src, reads } = source(rows, head);
    let pauses = 0;
    const result = await verifyAuditLog(src, "sch-1", { pageSize: 2, pause: async () => void pauses++ });
    expect(result).toEqual({ ok: true, mode: "unkeyed", count: 5, head: head.hash });
    expect(reads).toEqual([
      { fromSeq: 1, limit: 2 },
      { fromSeq: 3, limit: 2 },
      { fromSeq: 5, limit: 2 },
    ]);
    expect(pauses).toBe(2);
  });

  it("bounds the page size between 1 and 1,000, 500 by default", async () => {
    const { rows, head } = chain(2);
    for (const [pageSize, limit] of [
      [undefined, 500],
      [0, 1],
      [5000, 1000],
    ] as const) {
      const { src, reads } = source(rows, head);
      await verifyAuditLog(src, "sch-1", pageSize === undefined ? {} : { pageSize });
      expect(reads[0]).toEqual({ fromSeq: 1, limit });
    }
  });

  it("reads the rows appended while it ran before comparing with the head", async () => {
    const { rows, head } = chain(3);
    const more = chain(2, { from: head });
    const { src, reads } = source(rows, head, more.rows, more.head);
    const result = await verifyAuditLog(src, "sch-1", { pageSize: 10 });
    expect(result).toEqual({ ok: true, mode: "unkeyed", count: 5, head: more.head.hash });
    expect(reads).toEqual([
      { fromSeq: 1, limit: 10 },
      { fromSeq: 4, limit: 10 },
    ]);
  });
});

describe("audit schemas refuse what a row may not hold", () => {
  const valid = {
    chainId: "sch-1",
    at: "2026-10-08T09:00:00+08:00",
    actorId: "t1",
    action: "student.read",
    entity: "students",
    result: "ok",
  };
  const ok = (extra: Record<string, unknown>) => auditEntrySchema.safeParse({ ...valid, ...extra }).success;

  it("the entry", () => {
    expect(auditEntrySchema.parse(valid).changes).toEqual([]);
    expect(ok({})).toBe(true);
    expect(ok({ action: "a".repeat(100) })).toBe(true);
    for (const action of ["", "a".repeat(101), "Student.read", "student read", "x\ny"])
      expect(ok({ action })).toBe(false);
    expect(ok({ action: "visit_record.update:v2-x" })).toBe(true);
    expect(ok({ entity: "e".repeat(64) })).toBe(true);
    for (const entity of ["", "e".repeat(65)]) expect(ok({ entity })).toBe(false);
    for (const result of ["ok", "denied", "error"]) expect(ok({ result })).toBe(true);
    expect(ok({ result: "maybe" })).toBe(false);
    expect(ok({ unknown: 1 })).toBe(false);
  });

  it("changes and details", () => {
    const change = { field: "phone", before: "changed", after: "changed" };
    expect(ok({ changes: [change] })).toBe(true);
    expect(
      ok({ changes: [{ ...change, field: "f".repeat(200), before: "b".repeat(200), after: "a".repeat(200) }] }),
    ).toBe(true);
    for (const bad of [
      { field: "" },
      { field: "f".repeat(201) },
      { before: "b".repeat(201) },
      { after: "a".repeat(201) },
    ])
      expect(ok({ changes: [{ ...change, ...bad }] })).toBe(false);
    expect(ok({ changes: [{ ...change, extra: 1 }] })).toBe(false);
    expect(ok({ changes: Array.from({ length: 200 }, () => change) })).toBe(true);
    expect(ok({ changes: Array.from({ length: 201 }, () => change) })).toBe(false);
    expect(ok({ details: { code: "x".repeat(500), n: 1, flag: true, none: null, ["k".repeat(64)]: "v" } })).toBe(true);
    expect(ok({ details: { code: "x".repeat(501) } })).toBe(false);
    expect(ok({ details: { ["k".repeat(65)]: "v" } })).toBe(false);
    expect(ok({ details: { nested: { a: 1 } } })).toBe(false);
  });

  it("the stored row", () => {
    const { rows } = chain(1, { key });
    const row = rows[0] as AuditRecord;
    const okRow = (extra: Record<string, unknown>) => auditRecordSchema.safeParse({ ...row, ...extra }).success;
    expect(okRow({})).toBe(true);
    expect(okRow({ resumedAfter: 0 })).toBe(true);
    for (const bad of [
      { v: 1 },
      { v: 3 },
      { seq: 0 },
      { seq: 1.5 },
      { resumedAfter: -1 },
      { prevHash: "0".repeat(63) },
    ])
      expect(okRow(bad)).toBe(false);
  });
});
