// Issue 14 item 1 on SQLite, as the soak run met it. RELIABILITY.md promise 5 ("a broken chain
// is reported, never an outage") and promise 7 ("every error is a typed error with a stable
// code"):
// - one forged row at the next place of a school's chain (it used to make every audited call
//   answer a raw SQLITE_CONSTRAINT_PRIMARYKEY): reads and writes go on, the chain restarts as a
//   new segment with an `audit.chain_restarted` event, and every later verify still reports the
//   break as data;
// - a full disk (the page limit pinned to the pages in use) answers `storage_full` (507), not
//   `internal_error`, and the store works again once there is room;
// - verification reads the chain a page at a time, each page its own read, instead of loading
//   the whole chain in the call's transaction.
import {
  auditKeyringOf,
  createEngine,
  fixedClock,
  isHomevisitError,
  memoryAuditAnchor,
  sequentialIds,
} from "@homevisit/core";
import type { Storage } from "@homevisit/core/storage";
import { sqliteStorage } from "@homevisit/storage-sqlite";
import { describe, expect, it } from "vitest";
import { actors, seedWorld } from "./engine-suite.js";

const purpose = { purpose: "家访准备" };

async function world(options: { anchor?: ReturnType<typeof memoryAuditAnchor> } = {}) {
  const storage = sqliteStorage();
  await storage.migrations.migrate();
  await seedWorld(storage);
  const engine = createEngine({
    storage,
    blobs: storage.blobs,
    clock: fixedClock("2026-10-08T09:00:00+08:00"),
    ids: sequentialIds("id"),
    config: { audit: { hmacKey: "audit-break-test-key-0001", anchorEvery: 5 } },
    ...(options.anchor ? { auditAnchor: options.anchor } : {}),
  });
  return { storage, engine };
}

const codeOf = async (p: Promise<unknown>) => {
  try {
    await p;
    return "ok";
  } catch (error) {
    return isHomevisitError(error) ? `${error.code} ${error.status}` : String(error);
  }
};

describe("a forged audit row does not take a school offline", () => {
  it("reads and writes go on, the chain restarts with an event, the break stays visible", async () => {
    const anchor = memoryAuditAnchor();
    const { storage, engine } = await world({ anchor });
    for (let i = 0; i < 3; i++) await engine.students.read(actors.principal as never, { studentId: "s-own" }, purpose);
    const head = await storage.audit.head("sch-1");
    // What the soak's attacker did: one row inserted at the next place, head left alone.
    storage.database
      .prepare("INSERT INTO hv_audit (chain_id, seq, at, hash, data) VALUES (?, ?, ?, ?, ?)")
      .run("sch-1", head.count + 1, "2026-10-08T01:00:00.000Z", "f".repeat(64), JSON.stringify({ forged: true }));

    expect(await codeOf(engine.students.read(actors.principal as never, { studentId: "s-own" }, purpose))).toBe("ok");
    expect(
      await codeOf(engine.consent.record(actors.principal as never, { studentId: "s-own", guardianId: "g-s-own" })),
    ).toBe("ok");
    expect(await codeOf(engine.students.read(actors.teacher as never, { studentId: "s-other" }, purpose))).toBe(
      "not_found 404",
    );

    const result = await engine.audit.verify(actors.principal as never, {});
    expect(result).toMatchObject({ ok: false, seq: head.count + 1, problem: "invalid_row" });
    expect(result.ok === false && result.breaks?.map((b) => [b.problem, b.seq, b.lastSeq])).toEqual([
      ["invalid_row", head.count + 1, head.count + 1],
      ["segment_restart", head.count + 1, head.count + 1],
    ]);
    const restarted = await storage.outbox.claim({
      consumer: "t",
      now: "2026-10-08T10:00:00Z",
      leaseSeconds: 60,
      limit: 100,
    });
    expect(restarted.filter((e) => e.event.topic === "audit.chain_restarted").map((e) => e.event.payload)).toEqual([
      { chainId: "sch-1", seq: head.count + 2, resumedAfter: head.count },
    ]);
    // Still reported later, after more work: history is never rewritten.
    for (let i = 0; i < 4; i++) await engine.students.read(actors.principal as never, { studentId: "s-own" }, purpose);
    const again = await engine.audit.verify(actors.principal as never, {});
    expect(again).toMatchObject({ ok: false, seq: head.count + 1 });
    // Anchored heads kept coming (every 5 rows) and the latest is in the chain.
    expect(anchor.published.length).toBeGreaterThan(0);
    expect(again.anchored?.seq).toBe(anchor.published.at(-1)?.count);
    await storage.close();
  });

  it("the whole chain rewritten without the key is caught by the key and the anchor", async () => {
    const anchor = memoryAuditAnchor();
    const { storage, engine } = await world({ anchor });
    for (let i = 0; i < 6; i++) await engine.students.read(actors.principal as never, { studentId: "s-own" }, purpose);
    await engine.anchorAudit(["sch-1"]);
    const rows = (await storage.raw.auditRows("sch-1")) as Record<string, unknown>[];
    // Truncated to 2 rows, head rewound, MAC dropped.
    await storage.raw.writeAuditRows("sch-1", rows.slice(0, 2));
    const kept = rows[1] as { seq: number; hash: string };
    await storage.raw.writeAuditHead("sch-1", { count: kept.seq, hash: kept.hash });
    // Before any new append the head's missing MAC gives it away, key alone.
    const keys = auditKeyringOf(engine.config);
    const alone = await storage.audit.verify("sch-1", { keys });
    expect(alone.ok === false && alone.breaks?.map((b) => b.problem)).toEqual(["head_unsigned"]);
    // The next append signs the head it finds (verifying is itself audited): from then on only
    // the anchor, kept outside the database, can tell — which is why the engine anchors.
    const result = await engine.audit.verify(actors.principal as never, {});
    expect(result.ok).toBe(false);
    expect(result.ok === false && result.breaks?.map((b) => b.problem)).toEqual(["anchor_mismatch"]);
    await storage.close();
  });
});

describe("storage failures are typed", () => {
  it("a full disk answers storage_full (507); the store works again once there is room", async () => {
    const { storage, engine } = await world();
    const pages = storage.database.pragma("page_count", { simple: true }) as number;
    const before = storage.database.pragma("max_page_count", { simple: true }) as number;
    storage.database.pragma(`max_page_count = ${pages}`);
    let full = "";
    for (let i = 0; i < 500 && full === ""; i++) {
      const code = await codeOf(
        engine.consent.record(actors.principal as never, { studentId: "s-own", guardianId: "g-s-own" }),
      );
      if (code !== "ok") full = code;
    }
    expect(full).toBe("storage_full 507");
    // Reads go on while the disk is full.
    expect(await codeOf(engine.students.read(actors.principal as never, { studentId: "s-own" }, purpose))).not.toBe(
      "internal_error 500",
    );
    storage.database.pragma(`max_page_count = ${before}`);
    expect(
      await codeOf(engine.consent.record(actors.principal as never, { studentId: "s-own", guardianId: "g-s-own" })),
    ).toBe("ok");
    expect((await engine.audit.verify(actors.principal as never, {})).ok).toBe(true);
    await storage.close();
  });
});

describe("verification pages", () => {
  it("reads a long chain a page at a time, each page its own read outside the call's transaction", async () => {
    const { storage, engine } = await world();
    for (let i = 0; i < 1200; i++) {
      await storage.audit.append(
        {
          chainId: "sch-1",
          at: "2026-10-08T01:00:00.000Z",
          actorId: "t-1",
          action: "students.read",
          entity: "students",
          result: "ok",
        },
        { key: { id: engine.config.audit.chainKeys?.[0]?.id ?? "unused", secret: "unused-secret-0000000" } },
      );
    }
    let reads = 0;
    const counting: Storage = Object.create(storage);
    const audit = Object.create(storage.audit);
    audit.read = (...args: Parameters<Storage["audit"]["read"]>) => {
      reads++;
      return storage.audit.read(...args);
    };
    Object.defineProperty(counting, "audit", { value: audit });
    const paged = createEngine({
      storage: counting,
      blobs: storage.blobs,
      clock: fixedClock("2026-10-08T09:00:00+08:00"),
      config: { audit: { hmacKey: "audit-break-test-key-0001" } },
    });
    const result = await paged.audit.verify(actors.principal as never, {});
    // Signed with a key the engine does not hold: every row is reported, nothing thrown.
    expect(result).toMatchObject({ ok: false, problem: "unknown_key" });
    expect(result.count).toBeGreaterThanOrEqual(1200);
    expect(reads).toBeGreaterThanOrEqual(3);
    await storage.close();
  });
});
