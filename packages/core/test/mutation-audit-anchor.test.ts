import {
  type AuditChainKey,
  type AuditEntry,
  type AuditHead,
  type AuditRecord,
  type AuditRowSource,
  auditChainVerifier,
  auditGenesisHash,
  auditRowHash,
  chainAuditEntry,
  signAuditHead,
  verifyAuditChain,
  verifyAuditLog,
} from "@homevisit/core/storage";
import { describe, expect, it } from "vitest";
import { auditEntryAt, chainKey, previousChainKey } from "./support/audit-fixtures.js";

/**
 * The audit chain's verifier without storage (RELIABILITY.md promise 5), for the mutants of
 * `audit-chain.ts` that `mutation-audit-chain.test.ts` left alive (docs/quality.md): the
 * anchored mode against a signed head held in memory, where the chain goes on after a row that
 * is not an audit row, how runs of breaks merge, the bound on remembered hashes, and how
 * `verifyAuditLog` pages through an in-memory `AuditRowSource` and re-reads the head. Each
 * test names the problem, the rows it covers and the mode, never only `ok === false`.
 */

const key = chainKey;
const oldKey = previousChainKey;
const entry = auditEntryAt;
const at = "2026-10-08T01:00:00.000Z";

/** A chain of `n` rows (keyed with `key`), and its head after each append (`heads[k]` after k rows). */
function chain(n: number, options: { key?: AuditChainKey; chainId?: string; purpose?: string } = {}) {
  const rows: AuditRecord[] = [];
  const heads: AuditHead[] = [{ chainId: options.chainId ?? "sch-1", count: 0, hash: auditGenesisHash }];
  for (let i = 1; i <= n; i++) {
    const extra = options.purpose ? { purpose: options.purpose } : {};
    const next = chainAuditEntry(i === 1 ? undefined : heads.at(-1), entry(i, options.chainId, extra), {
      ...(options.key ? { key: options.key } : {}),
    });
    rows.push(next.record);
    heads.push(next.head);
  }
  return { rows, heads, head: heads.at(-1) as AuditHead };
}

/** A v1 row at `seq` linked to `prevHash`, with a hash that checks (what anyone can forge). */
function forged(prevHash: string, seq: number, extra: Record<string, unknown> = {}): AuditRecord {
  const content = { ...entry(seq), ...extra } as AuditEntry;
  return { ...content, seq, prevHash, hash: auditRowHash(prevHash, content, seq) } as AuditRecord;
}

const breaksOf = (result: ReturnType<typeof verifyAuditChain>) => (result.ok ? [] : result.breaks);

describe("anchored mode: the latest head kept outside the database", () => {
  it("an anchored head still in the chain: ok, mode anchored, and which head was checked", () => {
    const { rows, heads, head } = chain(5, { key });
    for (const count of [3, 5]) {
      const anchor = signAuditHead(heads[count] as AuditHead, key, at);
      expect(verifyAuditChain("sch-1", rows, head, { keys: [key], anchor })).toEqual({
        ok: true,
        mode: "anchored",
        count: 5,
        head: head.hash,
        anchored: { seq: count, at },
      });
    }
    // The genesis head anchors an empty chain.
    const genesis = signAuditHead({ chainId: "sch-1", count: 0, hash: auditGenesisHash }, key, at);
    expect(verifyAuditChain("sch-1", [], undefined, { keys: [key], anchor: genesis })).toEqual({
      ok: true,
      mode: "anchored",
      count: 0,
      head: auditGenesisHash,
      anchored: { seq: 0, at },
    });
  });

  it("no anchor: the mode is keyed and the result names no anchored head", () => {
    const { rows, head } = chain(3, { key });
    const result = verifyAuditChain("sch-1", rows, head, { keys: [key], anchor: undefined });
    expect(result).toEqual({ ok: true, mode: "keyed", count: 3, head: head.hash });
  });

  it("a tail cut back to an older head replayed with its own valid MAC: only the anchor sees it", () => {
    const { rows, heads } = chain(5, { key });
    const older = heads[3] as AuditHead;
    const cut = rows.slice(0, 3);
    // Keyed alone, the older state is consistent.
    expect(verifyAuditChain("sch-1", cut, older, { keys: [key] })).toMatchObject({ ok: true, mode: "keyed" });
    const anchor = signAuditHead(heads[5] as AuditHead, key, at);
    expect(verifyAuditChain("sch-1", cut, older, { keys: [key], anchor })).toEqual({
      ok: false,
      mode: "anchored",
      count: 3,
      head: older.hash,
      seq: 4,
      problem: "anchor_mismatch",
      // From the first row the chain no longer has to the anchored one.
      breaks: [{ problem: "anchor_mismatch", seq: 4, lastSeq: 5 }],
      anchored: { seq: 5, at },
    });
  });

  it("an anchored head ahead of the log by several rows: the break covers every missing row", () => {
    const long = chain(9, { key });
    const { rows, head } = chain(4, { key });
    const anchor = signAuditHead(long.heads[8] as AuditHead, key, at);
    const result = verifyAuditChain("sch-1", rows, head, { keys: [key], anchor });
    expect(breaksOf(result)).toEqual([{ problem: "anchor_mismatch", seq: 5, lastSeq: 8 }]);
  });

  it("a stored head ahead of the log is head_mismatch, while an anchor the rows reach still holds", () => {
    const long = chain(7, { key });
    const rows = long.rows.slice(0, 5);
    const anchor = signAuditHead(long.heads[3] as AuditHead, key, at);
    const result = verifyAuditChain("sch-1", rows, long.head, { keys: [key], anchor });
    expect(result).toMatchObject({ ok: false, mode: "anchored", anchored: { seq: 3, at } });
    expect(breaksOf(result)).toEqual([{ problem: "head_mismatch", seq: 6, lastSeq: 7 }]);
  });

  it("history rewritten unkeyed before the anchor: anchor_mismatch at the anchored row only", () => {
    const keyed = chain(5, { key });
    const rewritten = chain(5);
    const anchor = signAuditHead(keyed.heads[3] as AuditHead, key, at);
    // Every row and the head check as v1; the anchor's hash at row 3 is not the rewritten one.
    expect(verifyAuditChain("sch-1", rewritten.rows, rewritten.head, { keys: [key] }).ok).toBe(true);
    const result = verifyAuditChain("sch-1", rewritten.rows, rewritten.head, { keys: [key], anchor });
    expect(result).toMatchObject({ ok: false, mode: "anchored", seq: 3, problem: "anchor_mismatch" });
    expect(breaksOf(result)).toEqual([{ problem: "anchor_mismatch", seq: 3, lastSeq: 3 }]);
  });

  it("an anchor not signed by a held key, of another chain, or checked without keys does not hold", () => {
    const { rows, heads, head } = chain(5, { key });
    const good = heads[3] as AuditHead;
    const other = chain(5, { key, chainId: "sch-2" });
    const cases = [
      { anchor: signAuditHead(good, oldKey, at), keys: [key] },
      { anchor: { ...signAuditHead(good, key, at), hash: "e".repeat(64) }, keys: [key] },
      { anchor: signAuditHead(other.heads[3] as AuditHead, key, at), keys: [key] },
      { anchor: signAuditHead(good, key, at), keys: undefined },
    ];
    for (const { anchor, keys } of cases) {
      const result = verifyAuditChain("sch-1", rows, head, { ...(keys ? { keys } : {}), anchor });
      expect([anchor.chainId, keys?.length, result.mode, breaksOf(result)?.at(-1)]).toEqual([
        anchor.chainId,
        keys?.length,
        "anchored",
        { problem: "anchor_mismatch", seq: 3, lastSeq: 3 },
      ]);
    }
  });

  it("an anchor at the genesis with another hash: anchor_mismatch at row 1, never at 0", () => {
    const { rows, head } = chain(2, { key });
    const anchor = signAuditHead({ chainId: "sch-1", count: 0, hash: "a".repeat(64) }, key, at);
    expect(breaksOf(verifyAuditChain("sch-1", rows, head, { keys: [key], anchor }))).toEqual([
      { problem: "anchor_mismatch", seq: 1, lastSeq: 1 },
    ]);
  });
});

describe("after a row that is not an audit row", () => {
  it("a seq ahead of the next place is taken as the row's place, and its hash carries the chain on", () => {
    const { rows } = chain(6);
    const broken = [rows[0], { seq: 4, hash: rows[3]?.hash, junk: true }, rows[4], rows[5]];
    expect(breaksOf(verifyAuditChain("sch-1", broken))).toEqual([{ problem: "invalid_row", seq: 4, lastSeq: 4 }]);
  });

  it("without a hash, the next row must link to the last readable row", () => {
    const { rows } = chain(1);
    const first = rows[0] as AuditRecord;
    const third = forged(first.hash, 3);
    expect(breaksOf(verifyAuditChain("sch-1", [first, { seq: 2, junk: true }, third]))).toEqual([
      { problem: "invalid_row", seq: 2, lastSeq: 2 },
    ]);
  });

  it("a row the schema would normalise (a trailing space in its purpose) is invalid_row, the rest intact", () => {
    const { rows, head } = chain(4, { purpose: "home visit planning" });
    const edited = rows.map((r, i) => (i === 1 ? { ...r, purpose: `${r.purpose} ` } : r));
    expect(verifyAuditChain("sch-1", rows, head).ok).toBe(true);
    expect(breaksOf(verifyAuditChain("sch-1", edited, head))).toEqual([{ problem: "invalid_row", seq: 2, lastSeq: 2 }]);
  });

  it("a row that parses but is no plain JSON object (another prototype) is invalid_row, not a crash", () => {
    const { rows } = chain(2);
    // No inherited key for the strict schema to refuse: it parses, and canonical JSON refuses it.
    const instance = Object.assign(Object.create({}), rows[1]);
    expect(breaksOf(verifyAuditChain("sch-1", [rows[0], instance]))).toEqual([
      { problem: "invalid_row", seq: 2, lastSeq: 2 },
    ]);
  });
});

describe("which break at which row, and how runs of breaks merge", () => {
  it("a duplicated row: sequence_gap from the place it took, one run to the end", () => {
    const { rows } = chain(3);
    const result = verifyAuditChain("sch-1", [rows[0], rows[1], rows[1], rows[2]]);
    expect(breaksOf(result)).toEqual([{ problem: "sequence_gap", seq: 3, lastSeq: 4 }]);
  });

  it("a row of another chain at the next place is wrong_chain, not also a broken link", () => {
    const { rows } = chain(2);
    const stranger = chain(3, { chainId: "sch-2" }).rows[2];
    expect(breaksOf(verifyAuditChain("sch-1", [...rows, stranger]))).toEqual([
      { problem: "wrong_chain", seq: 3, lastSeq: 3 },
    ]);
  });

  it("a keyed row signed by an unknown key does not make the v1 rows after it downgrades", () => {
    const first = chain(1, { key: oldKey });
    const second = chainAuditEntry(first.head, entry(2));
    const result = verifyAuditChain("sch-1", [...first.rows, second.record], undefined, { keys: [key] });
    expect(breaksOf(result)).toEqual([{ problem: "unknown_key", seq: 1, lastSeq: 1 }]);
  });

  it("two segments resumed after the same head merge into one restart", () => {
    const { rows, heads } = chain(3);
    const head3 = heads[3] as AuditHead;
    const a = chainAuditEntry(head3, entry(6), { seq: 6 }).record;
    const b = chainAuditEntry(head3, entry(8), { seq: 8 }).record;
    expect([a.resumedAfter, b.resumedAfter]).toEqual([3, 3]);
    expect(breaksOf(verifyAuditChain("sch-1", [...rows, a, b]))).toEqual([
      { problem: "segment_restart", seq: 4, lastSeq: 7 },
    ]);
  });

  it("a later segment resumed after an earlier head is a break of its own, not merged back", () => {
    const { rows, heads } = chain(3);
    const a = chainAuditEntry(heads[3], entry(8), { seq: 8 }).record;
    const b = chainAuditEntry(heads[1], entry(10), { seq: 10 }).record;
    expect(breaksOf(verifyAuditChain("sch-1", [...rows, a, b]))).toEqual([
      { problem: "segment_restart", seq: 4, lastSeq: 7 },
      { problem: "segment_restart", seq: 2, lastSeq: 9 },
    ]);
  });

  it("a segment resumed after a place the verifier never saw: a restart over the rows skipped", () => {
    const { rows } = chain(3);
    const resumed = chainAuditEntry({ chainId: "sch-1", count: 5, hash: "a".repeat(64) }, entry(8), { seq: 8 });
    expect(breaksOf(verifyAuditChain("sch-1", [...rows, resumed.record]))).toEqual([
      { problem: "segment_restart", seq: 6, lastSeq: 7 },
    ]);
  });

  it("a segment that claims to resume right before itself: a restart at the row before", () => {
    const { rows } = chain(3);
    const row = forged((rows[2] as AuditRecord).hash, 4, { resumedAfter: 3 });
    expect(breaksOf(verifyAuditChain("sch-1", [...rows, row]))).toEqual([
      { problem: "segment_restart", seq: 3, lastSeq: 3 },
    ]);
  });

  it("a segment must link to the hash remembered at its place: the genesis, or an earlier row", () => {
    const fromGenesis = chainAuditEntry(undefined, entry(3), { seq: 3 }).record;
    expect(breaksOf(verifyAuditChain("sch-1", [fromGenesis]))).toEqual([
      { problem: "segment_restart", seq: 1, lastSeq: 2 },
    ]);
    const elsewhere = chainAuditEntry({ chainId: "sch-1", count: 0, hash: "a".repeat(64) }, entry(3), { seq: 3 });
    expect(breaksOf(verifyAuditChain("sch-1", [elsewhere.record]))).toEqual([
      { problem: "link_broken", seq: 3, lastSeq: 3 },
    ]);
    const { rows } = chain(3);
    const afterRow1 = chainAuditEntry({ chainId: "sch-1", count: 1, hash: "a".repeat(64) }, entry(6), { seq: 6 });
    expect(breaksOf(verifyAuditChain("sch-1", [...rows, afterRow1.record]))).toEqual([
      { problem: "link_broken", seq: 6, lastSeq: 6 },
    ]);
  });

  it("a head with the last row's hash but another count is head_mismatch", () => {
    const { rows, head } = chain(4);
    expect(breaksOf(verifyAuditChain("sch-1", rows, { ...head, count: 5 }))).toEqual([
      { problem: "head_mismatch", seq: 5, lastSeq: 5 },
    ]);
  });

  it("remembers the hashes of the last 100,000 rows: older places are no longer checked", () => {
    // About a second: 100,000 rows of another chain (cheap to check: no hash is computed for
    // them, but each is parsed and remembered), then two segments resumed at the edges.
    const template = chain(1, { chainId: "sch-2" }).rows[0] as AuditRecord;
    const verifier = auditChainVerifier("sch-1");
    for (let seq = 1; seq <= 100_000; seq++) verifier.push({ ...template, seq });
    const wrong = "a".repeat(64);
    // Row 1 is still remembered (the bound is 100,000 hashes, not 99,999): its link is checked.
    verifier.push(chainAuditEntry({ chainId: "sch-1", count: 1, hash: wrong }, entry(1), { seq: 100_002 }).record);
    // The genesis is forgotten: a link to place 0 can no longer be checked.
    verifier.push(chainAuditEntry({ chainId: "sch-1", count: 0, hash: wrong }, entry(2), { seq: 100_004 }).record);
    const result = verifier.finish();
    expect(result.ok === false && result.breaks).toEqual([
      { problem: "wrong_chain", seq: 1, lastSeq: 100_000 },
      { problem: "link_broken", seq: 100_002, lastSeq: 100_002 },
      { problem: "segment_restart", seq: 1, lastSeq: 100_003 },
    ]);
  });
});

describe("verifyAuditLog: pages and the head read again", () => {
  /**
   * A store in memory: rows at their column (what orders the pages; a row's own `seq` may have
   * been tampered with), heads answered in turn (the last one repeated). Refuses more than 10
   * head reads, so a loop that never ends fails the test instead of hanging it.
   */
  function store(columns: [number, unknown][], heads: AuditHead[]) {
    const reads: { fromSeq?: number; limit?: number }[] = [];
    let headReads = 0;
    const source: AuditRowSource = {
      head: async () => {
        headReads++;
        if (headReads > 10) throw new Error("the head was read more than 10 times");
        return heads[Math.min(headReads, heads.length) - 1] as AuditHead;
      },
      read: async (_chainId, options) => {
        reads.push({ ...options });
        const from = options?.fromSeq ?? 1;
        const found = columns.filter(([column]) => column >= from).sort((a, b) => a[0] - b[0]);
        return found.slice(0, options?.limit ?? 500).map(([, row]) => row) as AuditRecord[];
      },
    };
    return { source, reads, headReads: () => headReads };
  }
  const columnsOf = (rows: unknown[]) => rows.map((row, i): [number, unknown] => [i + 1, row]);

  it("a row whose seq was moved ahead: the next page starts after it, not at the next column", async () => {
    const { rows, head } = chain(6);
    const moved = { ...(rows[1] as AuditRecord), seq: 4 };
    const { source, reads } = store(columnsOf([rows[0], moved, ...rows.slice(2)]), [head]);
    const result = await verifyAuditLog(source, "sch-1", { pageSize: 2 });
    expect(reads).toEqual([
      { fromSeq: 1, limit: 2 },
      { fromSeq: 5, limit: 2 },
      { fromSeq: 7, limit: 2 },
    ]);
    expect(result).toEqual({
      ok: false,
      mode: "unkeyed",
      count: 4,
      head: head.hash,
      seq: 4,
      problem: "hash_mismatch",
      breaks: [
        { problem: "hash_mismatch", seq: 4, lastSeq: 4 },
        { problem: "link_broken", seq: 5, lastSeq: 5 },
      ],
    });
  });

  it("a head ahead of the log: the head is read again three times at most, then head_mismatch", async () => {
    const { rows, heads } = chain(5);
    const { source, reads, headReads } = store(columnsOf(rows.slice(0, 3)), [heads[5] as AuditHead]);
    const result = await verifyAuditLog(source, "sch-1", { pageSize: 10 });
    expect(headReads()).toBe(4);
    expect(reads).toEqual([
      { fromSeq: 1, limit: 10 },
      { fromSeq: 4, limit: 10 },
      { fromSeq: 4, limit: 10 },
      { fromSeq: 4, limit: 10 },
    ]);
    expect(result).toMatchObject({ ok: false, count: 3, problem: "head_mismatch", seq: 4 });
    expect(breaksOf(result)).toEqual([{ problem: "head_mismatch", seq: 4, lastSeq: 5 }]);
  });

  it("rows appended over two rounds are all read before the head is compared", async () => {
    const { rows, heads } = chain(6);
    const columns = columnsOf(rows.slice(0, 2));
    const { source, reads, headReads } = store(columns, [heads[4] as AuditHead, heads[6] as AuditHead]);
    // The store grows while the verification runs: two rows before each head read.
    const head = source.head;
    source.head = async (chainId) => {
      const n = columns.length;
      if (n < 6) columns.push([n + 1, rows[n]], [n + 2, rows[n + 1]]);
      return head(chainId);
    };
    const result = await verifyAuditLog(source, "sch-1", { pageSize: 10 });
    expect(result).toEqual({ ok: true, mode: "unkeyed", count: 6, head: rows[5]?.hash });
    expect(headReads()).toBe(3);
    expect(reads.map((r) => r.fromSeq)).toEqual([1, 3, 5]);
  });

  it("passes the anchor on: a log verified against an anchored head", async () => {
    const { rows, heads, head } = chain(5, { key });
    const anchor = signAuditHead(heads[2] as AuditHead, key, at);
    const { source } = store(columnsOf(rows), [head]);
    expect(await verifyAuditLog(source, "sch-1", { keys: [key], anchor, pageSize: 2 })).toEqual({
      ok: true,
      mode: "anchored",
      count: 5,
      head: head.hash,
      anchored: { seq: 2, at },
    });
  });
});
