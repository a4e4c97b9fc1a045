import { createEngine, type Engine, fixedClock, isHomevisitError, sequentialIds } from "@homevisit/core";
import type { BlobStore } from "@homevisit/core/storage";
import { memoryBlobStore, memoryStorage } from "@homevisit/storage-memory";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { actors, seedWorld } from "./engine-suite.js";

/**
 * A use case's `stage` step (photo bytes stored before the record transaction) runs only once the
 * caller is authorized for the target: RELIABILITY.md promise 3 ("a denied call changes nothing")
 * — a denied caller writes no bytes and takes no id beyond its denial's audit row — while the
 * photo flow (promise 6, bytes before the record naming them) goes on as before.
 */
describe("runner: stage runs after authorization", () => {
  const hmacKey = "test-audit-key-0123456789";
  const base = { cityId: "city-1", countyId: "k-1" };
  /** Callers who may not attach a photo to a record of sch-1's plain teacher. */
  const denied = {
    otherSchoolTeacher: { id: "t-other", roles: ["teacher"], ...base, schoolId: "sch-2" },
    countyBureau: actors.county_bureau,
    cityBureau: actors.city_bureau,
  } as const;

  /** A small JPEG: SOI, a frame header with the dimensions, a scan, EOI. */
  function jpeg(width: number, height: number): Uint8Array<ArrayBuffer> {
    const be16 = (n: number) => [(n >> 8) & 0xff, n & 0xff];
    const frame = [8, ...be16(height), ...be16(width), 1, 1, 0x11, 0];
    return Uint8Array.from([
      ...[0xff, 0xd8],
      ...[0xff, 0xdb, ...be16(67), 0, ...new Array(64).fill(1)],
      ...[0xff, 0xc0, ...be16(frame.length + 2), ...frame],
      ...[0xff, 0xda, ...be16(8), 1, 1, 0, 0, 0x3f, 0],
      ...[0x12, 0x34, 0xff, 0xd9],
    ]);
  }

  async function world() {
    const storage = memoryStorage();
    const memory = memoryBlobStore();
    const puts: string[] = [];
    const blobs: BlobStore = {
      ...memory,
      put: (blob) => {
        puts.push(blob.id);
        return memory.put(blob);
      },
    };
    await storage.migrations.migrate();
    await seedWorld(storage);
    const inner = sequentialIds("p");
    const taken: string[] = [];
    const ids = () => {
      const id = inner();
      taken.push(id);
      return id;
    };
    const engine: Engine = createEngine({
      storage,
      blobs,
      clock: fixedClock("2026-10-08T09:00:00+08:00"),
      ids,
      config: { audit: { hmacKey } },
    });
    await engine.consent.record(actors.principal as never, { studentId: "s-own", guardianId: "g-s-own" });
    const drafted = await engine.records.draft(actors.teacher as never, {
      studentId: "s-own",
      record: { kind: "universal", term: "2026-2027-1", channel: "phone" } as never,
    });
    return { engine, storage, memory, puts, taken, recordId: drafted.record.id };
  }

  /** How many ids a call took, and whether it was refused as a denial (not_found or forbidden). */
  async function idsTakenBy(taken: string[], call: () => Promise<unknown>) {
    const before = taken.length;
    const outcome = await call().then(
      () => "ok",
      (error: unknown) => (isHomevisitError(error) ? error.code : "untyped"),
    );
    return { ids: taken.slice(before), outcome };
  }

  it("a denied caller's photo leaves no blob and takes no id beyond its denial's audit row", async () => {
    const w = await world();
    // The ids a denial takes without any stage step: the same record read by the same caller.
    const plain = await idsTakenBy(w.taken, () =>
      w.engine.records.get(denied.otherSchoolTeacher as never, { recordId: w.recordId }),
    );
    expect(plain.outcome).toBe("not_found");
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...(Object.keys(denied) as (keyof typeof denied)[])),
        fc.integer({ min: 1, max: 256 }),
        fc.integer({ min: 1, max: 256 }),
        fc.option(fc.string({ maxLength: 20 }), { nil: undefined }),
        async (who, width, height, caption) => {
          const attach = await idsTakenBy(w.taken, () =>
            w.engine.records.attachPhoto(denied[who] as never, {
              recordId: w.recordId,
              bytes: jpeg(width, height),
              contentType: "image/jpeg",
              expectedVersion: 1,
              ...(caption === undefined ? {} : { caption }),
            }),
          );
          expect(["not_found", "forbidden"]).toContain(attach.outcome);
          expect(attach.ids).toHaveLength(plain.ids.length);
          for (const id of attach.ids) expect(await w.memory.head(id)).toBeUndefined();
          expect(w.puts).toEqual([]);
        },
      ),
      { numRuns: 40 },
    );
    const record = await w.storage.visitRecords.get(w.recordId);
    expect(record?.version).toBe(1);
    expect(record?.record.photos).toEqual([]);
  });

  it("the record's teacher still attaches a photo: bytes stored under the id the record names", async () => {
    const w = await world();
    const out = await w.engine.records.attachPhoto(actors.teacher as never, {
      recordId: w.recordId,
      bytes: jpeg(64, 48),
      contentType: "image/jpeg",
      expectedVersion: 1,
    });
    expect(w.puts).toEqual([out.photo.blobId]);
    expect(out.record.photos.map((p) => p.blobId)).toEqual([out.photo.blobId]);
    expect((await w.memory.head(out.photo.blobId))?.size).toBe(out.photo.size);
    expect(out.version).toBe(2);
  });

  it("a caller who may not see the record writes no bytes even when the record does not exist", async () => {
    const w = await world();
    const outcome = await idsTakenBy(w.taken, () =>
      w.engine.records.attachPhoto(actors.teacher as never, {
        recordId: "no-such-record",
        bytes: jpeg(8, 8),
        contentType: "image/jpeg",
        expectedVersion: 1,
      }),
    );
    expect(outcome.outcome).toBe("not_found");
    expect(w.puts).toEqual([]);
  });
});
