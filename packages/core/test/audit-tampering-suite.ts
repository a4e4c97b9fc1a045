// RELIABILITY.md promise 5 ("the chain is keyed by a secret the host holds outside the database
// and its heads can be anchored outside it, so whoever holds only the database file cannot
// rewrite or truncate history unseen; a broken chain is reported, never an outage"), as the
// project's test list says: 1,000 generated tamperings of a stored chain — edit, delete,
// reorder, insert, a forged row after the head, truncation with a rewound head, recomputation
// without the key (keyed, and downgraded to the unkeyed format) — written into the store the
// way an attacker with the database file would, all detected by `audit.verify`, which never
// throws; and an untouched store, after any generated workload, always verifies.
//
// Run by each SQL adapter's tests (SQLite, PostgreSQL) and the memory store's.
import {
  type AuditChainKey,
  type AuditEntryInput,
  type AuditHead,
  type AuditRecord,
  auditGenesisHash,
  auditHeadMac,
  auditRowHash,
  keyedAuditRowHash,
  type RawReadBack,
  type SignedAuditHead,
  type Storage,
  signAuditHead,
  verifyAuditChain,
} from "@homevisit/core/storage";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

/** A store under test. */
export interface TamperHarness {
  storage: Storage;
  raw: RawReadBack;
  cleanup(): Promise<void>;
}

const key: AuditChainKey = { id: "k-2026", secret: "the-host-chain-secret-0001" };
const rotated: AuditChainKey = { id: "k-2027", secret: "the-host-chain-secret-0002" };
const keys = [rotated, key];
/** What an attacker without the key signs with. */
const guessed: AuditChainKey = { id: "k-2027", secret: "attacker-guessed-secret-01" };

function entry(chainId: string, i: number): AuditEntryInput {
  return {
    chainId,
    at: `2026-10-08T0${i % 10}:${String(i % 60).padStart(2, "0")}:00.000Z`,
    actorId: `t-${i % 5}`,
    action: i % 3 === 0 ? "students.read" : "records.update",
    entity: i % 2 ? "students" : "visitRecords",
    entityId: `e-${i}`,
    schoolId: "sch-1",
    result: i % 7 === 0 ? "denied" : "ok",
    ...(i % 4 === 0 ? { purpose: "家访准备" } : {}),
    changes: i % 3 === 1 ? [{ field: "note", before: "changed", after: "changed" }] : [],
  };
}

type Row = Record<string, unknown>;

/** Re-links rows from `from` on as an attacker would: v2 rows signed with a guessed key, or v1. */
function recompute(rows: Row[], from: number, mode: "guessed_key" | "downgrade"): Row[] {
  const out = rows.map((r) => ({ ...r }));
  for (let i = from; i < out.length; i++) {
    const row = out[i] as Row;
    const prevHash = i === 0 ? auditGenesisHash : ((out[i - 1] as Row).hash as string);
    row.prevHash = prevHash;
    if (mode === "downgrade") {
      delete row.v;
      delete row.keyId;
      const { seq, prevHash: _p, hash: _h, ...rest } = row;
      row.hash = auditRowHash(prevHash, rest as never, seq as number);
    } else if (row.v === 2) {
      row.keyId = guessed.id;
      row.hash = keyedAuditRowHash(guessed.secret, prevHash, row);
    } else {
      const { seq, prevHash: _p, hash: _h, ...rest } = row;
      row.hash = auditRowHash(prevHash, rest as never, seq as number);
    }
  }
  return out;
}

const tamperKinds = [
  "edit",
  "delete",
  "swap",
  "insert",
  "forged_after_head",
  "truncate_rewind",
  "truncate_rewind_guessed_mac",
  "truncate_rewind_no_mac",
  "recompute_guessed_key",
  "recompute_downgrade",
  "head_edit",
  "head_delete",
  "key_id_swap",
] as const;
type TamperKind = (typeof tamperKinds)[number];

const editable = [
  "actorId",
  "action",
  "entity",
  "entityId",
  "purpose",
  "result",
  "at",
  "seq",
  "prevHash",
  "hash",
  "v",
  "keyId",
  "resumedAfter",
  "details",
] as const;

/**
 * Applies one tampering to a copy of the rows and head. Returns what to store, and whether
 * only an anchor can tell (a chain rewritten in the unkeyed format with its head's MAC dropped
 * looks like a chain from before keys — the anchor, kept outside, is what catches it).
 */
function tamper(
  rows: Row[],
  head: AuditHead,
  kind: TamperKind,
  i: number,
  j: number,
  field: (typeof editable)[number],
  text: string,
): { rows: Row[]; head: Omit<AuditHead, "chainId"> | undefined; anchorOnly: boolean } {
  const n = rows.length;
  const a = i % n;
  const b = j % n;
  const copy = rows.map((r) => structuredClone(r));
  const { chainId: _c, ...storedHead } = head;
  const headOf = (list: Row[]): Omit<AuditHead, "chainId"> => {
    const last = list.at(-1);
    return { count: (last?.seq as number) ?? 0, hash: (last?.hash as string) ?? auditGenesisHash };
  };
  switch (kind) {
    case "edit": {
      const row = copy[a] as Row;
      const before = row[field];
      if (field === "seq") row.seq = (before as number) + 1 + (b % 3);
      else if (field === "v") row.v = before === 2 ? undefined : 2;
      else if (field === "resumedAfter") row.resumedAfter = b % Math.max(1, a);
      else if (field === "details") row.details = { reason: text };
      else if (field === "at") row.at = "2030-01-01T00:00:00.000Z";
      else if (field === "result") row.result = before === "ok" ? "error" : "ok";
      else if (field === "hash" || field === "prevHash") row[field] = `${"0123456789abcdef"[b % 16]}`.repeat(64);
      else row[field] = `${String(before ?? "")}${text}`;
      if (JSON.stringify(row) === JSON.stringify(rows[a])) row.actorId = `${String(row.actorId)}x`;
      return { rows: copy, head: storedHead, anchorOnly: false };
    }
    case "delete":
      copy.splice(a, 1);
      return { rows: copy, head: storedHead, anchorOnly: false };
    case "swap": {
      const c = a === b ? (a + 1) % n : b;
      // Contents trade places; the keys (seq) stay where they were, as a database reorder would.
      const seqA = (copy[a] as Row).seq;
      const seqC = (copy[c] as Row).seq;
      const rowA = copy[a] as Row;
      copy[a] = { ...(copy[c] as Row), seq: seqA };
      copy[c] = { ...rowA, seq: seqC };
      return { rows: copy, head: storedHead, anchorOnly: false };
    }
    case "insert": {
      const forged = { ...(copy[b] as Row), actorId: `forged-${text}` };
      copy.splice(a, 0, forged);
      // Keys shift so the forged row has a place of its own.
      copy.forEach((r, k) => {
        r.seq = k + 1;
      });
      return { rows: copy, head: storedHead, anchorOnly: false };
    }
    case "forged_after_head": {
      const last = copy[n - 1] as Row;
      copy.push({ ...last, seq: (last.seq as number) + 1, prevHash: last.hash, actorId: `forged-${text}` });
      return { rows: copy, head: storedHead, anchorOnly: false };
    }
    case "truncate_rewind":
    case "truncate_rewind_guessed_mac":
    case "truncate_rewind_no_mac": {
      const kept = copy.slice(0, Math.max(0, Math.min(a, n - 1)));
      const rewound = headOf(kept);
      if (kind === "truncate_rewind") return { rows: kept, head: { ...storedHead, ...rewound }, anchorOnly: false };
      if (kind === "truncate_rewind_guessed_mac") {
        const mac = auditHeadMac(guessed.secret, { chainId: head.chainId, ...rewound });
        return { rows: kept, head: { ...rewound, keyId: storedHead.keyId ?? key.id, mac }, anchorOnly: false };
      }
      // Without a MAC the head looks like one from before keys: only keyed rows left give it away.
      return { rows: kept, head: rewound, anchorOnly: !kept.some((r) => r.v === 2) };
    }
    case "recompute_guessed_key": {
      const edited = copy.map((r, k) => (k === a ? { ...r, actorId: `rewritten-${text}` } : r));
      const rewritten = recompute(edited, a, "guessed_key");
      const h = headOf(rewritten);
      return {
        rows: rewritten,
        head: { ...h, keyId: guessed.id, mac: auditHeadMac(guessed.secret, { chainId: head.chainId, ...h }) },
        anchorOnly: false,
      };
    }
    case "recompute_downgrade": {
      // Every row from `a` on rewritten as unkeyed rows, recomputed with the public hashing.
      const edited = copy.map((r, k) => (k === a ? { ...r, actorId: `rewritten-${text}` } : r));
      const rewritten = recompute(edited, a, "downgrade");
      return { rows: rewritten, head: headOf(rewritten), anchorOnly: !rewritten.some((r) => r.v === 2) };
    }
    case "head_edit":
      return {
        rows: copy,
        head:
          b % 2 ? { ...storedHead, count: storedHead.count + 1 + (a % 3) } : { ...storedHead, hash: "e".repeat(64) },
        anchorOnly: false,
      };
    case "head_delete":
      // No head at all: the whole chain is "after" it.
      return { rows: copy, head: undefined, anchorOnly: false };
    case "key_id_swap": {
      const row = copy.find((r, k) => k >= a && r.v === 2) ?? copy.findLast((r) => r.v === 2);
      if (row) row.keyId = row.keyId === key.id ? rotated.id : key.id;
      return { rows: copy, head: storedHead, anchorOnly: false };
    }
  }
}

/**
 * Runs the tampering property and the untouched-store property on a store factory.
 *
 * @example
 * ```ts
 * runAuditTamperingSuite("sqlite", async () => { const s = sqliteStorage(); return { storage: s, raw: s.raw, cleanup: () => s.close() }; });
 * ```
 */
export function runAuditTamperingSuite(
  adapter: string,
  factory: () => Promise<TamperHarness>,
  options: { tamperings?: number; workloads?: number } = {},
): void {
  const tamperings = options.tamperings ?? 1000;
  const workloads = options.workloads ?? 25;

  describe(`${adapter}: audit chain tampering (RELIABILITY.md promise 5)`, () => {
    it(`detects ${tamperings} generated tamperings written into the store, never throwing`, async () => {
      const { storage, raw, cleanup } = await factory();
      try {
        await storage.migrations.migrate();
        const chainId = "sch-1";
        // A chain as an upgraded school has it: rows from before keys, rows under the old key,
        // rows under the rotated one.
        for (let i = 0; i < 3; i++) await storage.audit.append(entry(chainId, i));
        for (let i = 3; i < 7; i++) await storage.audit.append(entry(chainId, i), { key });
        for (let i = 7; i < 11; i++) await storage.audit.append(entry(chainId, i), { key: rotated });
        const rows = (await raw.auditRows(chainId)) as Row[];
        const head = await storage.audit.head(chainId);
        const anchor: SignedAuditHead = signAuditHead(head, rotated, "2026-10-08T12:00:00.000Z");
        expect(await storage.audit.verify(chainId, { keys, anchor })).toMatchObject({ ok: true, count: 11 });
        const counts: Record<string, number> = {};
        await fc.assert(
          fc.asyncProperty(
            fc.constantFrom(...tamperKinds),
            fc.nat({ max: 1000 }),
            fc.nat({ max: 1000 }),
            fc.constantFrom(...editable),
            fc.string({ minLength: 1, maxLength: 6 }),
            async (kind, i, j, field, text) => {
              const t = tamper(rows, head, kind, i, j, field, text);
              await raw.writeAuditRows(chainId, t.rows);
              await raw.writeAuditHead(chainId, t.head);
              const anchored = await storage.audit.verify(chainId, { keys, anchor });
              expect(anchored.ok, `${kind} detected against the anchor`).toBe(false);
              if (!t.anchorOnly) {
                const alone = await storage.audit.verify(chainId, { keys });
                expect(alone.ok, `${kind} detected without an anchor`).toBe(false);
              }
              // The same answer offline, from the rows and head as stored.
              const storedHeadNow = (await raw.auditHead(chainId)) ?? { count: 0, hash: auditGenesisHash };
              const offline = verifyAuditChain(chainId, await raw.auditRows(chainId), storedHeadNow, { keys, anchor });
              expect(offline.ok).toBe(false);
              counts[kind] = (counts[kind] ?? 0) + 1;
            },
          ),
          { numRuns: tamperings },
        );
        // Every kind was generated (fast-check prints the seed of any failing run above).
        expect(Object.keys(counts).sort()).toEqual([...tamperKinds].sort());
        // Restored, the chain verifies again: the verifier holds no state of its own.
        await raw.writeAuditRows(chainId, rows);
        const { chainId: _c, ...storedHead } = head;
        await raw.writeAuditHead(chainId, storedHead);
        expect(await storage.audit.verify(chainId, { keys, anchor })).toMatchObject({ ok: true, count: 11 });
      } finally {
        await cleanup();
      }
    }, 600_000);

    it(`an untouched store always verifies (${workloads} generated workloads)`, async () => {
      const { storage, cleanup } = await factory();
      try {
        await storage.migrations.migrate();
        let run = 0;
        await fc.assert(
          fc.asyncProperty(
            fc.array(
              fc.record({ chain: fc.nat({ max: 2 }), keyed: fc.constantFrom(0, 1, 2), n: fc.nat({ max: 200 }) }),
              {
                minLength: 1,
                maxLength: 25,
              },
            ),
            async (steps) => {
              run++;
              const chains = [`w${run}-a`, `w${run}-b`, `w${run}-c`];
              // Rows before keys come first in a chain, as they do in a real upgrade.
              const keyedChains = new Set<string>();
              for (const [k, step] of steps.entries()) {
                const chainId = chains[step.chain] as string;
                const legacy = step.keyed === 0 && !keyedChains.has(chainId);
                if (!legacy) keyedChains.add(chainId);
                const use = step.keyed === 2 ? rotated : key;
                await storage.audit.append(entry(chainId, step.n + k), legacy ? {} : { key: use });
              }
              for (const chainId of chains) {
                const result = await storage.audit.verify(chainId, { keys });
                expect(result, chainId).toMatchObject({ ok: true });
                const head = await storage.audit.head(chainId);
                const anchor = signAuditHead(head, rotated, "2026-10-08T12:00:00.000Z");
                expect((await storage.audit.verify(chainId, { keys, anchor })).ok).toBe(true);
              }
            },
          ),
          { numRuns: workloads },
        );
      } finally {
        await cleanup();
      }
    }, 600_000);

    it("a forged row after the head never stops appends; the break stays visible", async () => {
      const { storage, raw, cleanup } = await factory();
      try {
        await storage.migrations.migrate();
        for (let i = 0; i < 5; i++) await storage.audit.append(entry("sch-9", i), { key });
        const rows = (await raw.auditRows("sch-9")) as AuditRecord[];
        const last = rows.at(-1) as AuditRecord;
        // Exactly what the soak found: one row inserted at the next place (PRIMARY KEY clash).
        await raw.writeAuditRows("sch-9", [...rows, { ...last, seq: last.seq + 1, actorId: "intruder" }]);
        for (let i = 0; i < 3; i++) await storage.audit.append(entry("sch-9", 10 + i), { key });
        const result = await storage.audit.verify("sch-9", { keys });
        expect(result).toMatchObject({ ok: false, seq: 6, problem: "hash_mismatch", count: 9 });
        expect(result.ok === false && result.breaks?.map((b) => b.problem)).toEqual([
          "hash_mismatch",
          "segment_restart",
        ]);
        // The chain goes on linked to the last row it wrote.
        const after = (await storage.audit.read("sch-9", { fromSeq: 7 }))[0];
        expect(after).toMatchObject({ seq: 7, resumedAfter: 5, prevHash: last.hash });
      } finally {
        await cleanup();
      }
    });
  });
}
