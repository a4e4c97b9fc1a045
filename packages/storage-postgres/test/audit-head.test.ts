// The first append to an audit chain: its head row is created with INSERT … ON CONFLICT DO
// NOTHING and then locked, so first appends that race (one per request, on a server) all
// succeed without a unique violation and without re-running their transactions
// (`retries: 0` turns any re-run into an error), and the chain stays one unbroken line.
import { afterAll, beforeAll, expect, it } from "vitest";
import { freshStore, testBackend } from "./harness.js";

beforeAll(async () => {
  await testBackend();
}, 300_000);

afterAll(async () => {
  await (await testBackend()).end();
});

it("first appends to a new chain race without a unique violation or a re-run", async () => {
  const { storage, cleanup } = await freshStore({ retries: 0 });
  try {
    await storage.migrations.migrate();
    const writers = 12;
    for (const chainId of ["chain-a", "chain-b", "chain-c"]) {
      const results = await Promise.allSettled(
        Array.from({ length: writers }, (_, i) =>
          storage.transaction(async (tx) => {
            const row = await tx.audit.append({
              chainId,
              at: "2026-10-08T09:00:00+08:00",
              actorId: `t${i}`,
              action: "student.read",
              entity: "students",
              result: "ok",
            });
            return row.seq;
          }),
        ),
      );
      const failures = results.filter((r) => r.status === "rejected").map((r) => String(r.reason));
      expect(failures).toEqual([]);
      const seqs = results.map((r) => (r.status === "fulfilled" ? r.value : 0)).sort((a, b) => a - b);
      expect(seqs).toEqual(Array.from({ length: writers }, (_, i) => i + 1));
      expect(await storage.audit.verify(chainId)).toMatchObject({ ok: true, count: writers });
    }
  } finally {
    await cleanup();
  }
});
