import {
  checkPhoto,
  createEngine,
  detectImageType,
  type Engine,
  fixedClock,
  HomevisitError,
  imageDimensions,
  isHomevisitError,
  sequentialIds,
  stripImageMetadata,
} from "@homevisit/core";
import type { BlobStore, Storage, StorageTx } from "@homevisit/core/storage";
import { memoryBlobStore, memoryStorage } from "@homevisit/storage-memory";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { actors, seedWorld } from "./engine-suite.js";

const latin1 = (b: Uint8Array) => new TextDecoder("latin1").decode(b);
const bytes = (...parts: (number[] | Uint8Array | string)[]) => {
  const arrays = parts.map((p) =>
    typeof p === "string" ? new TextEncoder().encode(p) : p instanceof Uint8Array ? p : Uint8Array.from(p),
  );
  const out = new Uint8Array(arrays.reduce((n, a) => n + a.length, 0));
  let at = 0;
  for (const a of arrays) {
    out.set(a, at);
    at += a.length;
  }
  return out;
};
const be16 = (n: number) => [(n >> 8) & 0xff, n & 0xff];
const be32 = (n: number) => [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
const le32 = (n: number) => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];
const le24 = (n: number) => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff];

function segment(marker: number, payload: Uint8Array | number[] | string) {
  const data = bytes(payload);
  return bytes([0xff, marker, ...be16(data.length + 2)], data);
}

/** A small JPEG with JFIF, an APP1 Exif segment carrying GPS text, XMP, a comment, a frame and a scan. */
function jpeg(width: number, height: number) {
  return bytes(
    [0xff, 0xd8],
    segment(0xe0, bytes("JFIF\0", [1, 1, 0, 0, 1, 0, 1, 0, 0])),
    segment(0xe1, bytes("Exif\0\0", "GPSLatitude=28.45N;GPSLongitude=119.92E")),
    segment(0xe1, bytes("http://ns.adobe.com/xap/1.0/\0", "<x:xmpmeta>GPS 莲都区</x:xmpmeta>")),
    segment(0xfe, "comment: 幸福路88号"),
    segment(0xdb, new Array(65).fill(1)),
    segment(0xc0, [8, ...be16(height), ...be16(width), 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]),
    segment(0xda, [3, 1, 0, 2, 0x11, 3, 0x11, 0, 0x3f, 0]),
    [0x12, 0x34, 0xff, 0x00, 0x56, 0xff, 0xd9],
  );
}

function pngChunk(type: string, data: Uint8Array | number[] | string) {
  const d = bytes(data);
  return bytes(be32(d.length), type, d, [0, 0, 0, 0]);
}

function png(width: number, height: number) {
  return bytes(
    [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
    pngChunk("IHDR", [...be32(width), ...be32(height), 8, 2, 0, 0, 0]),
    pngChunk("tEXt", "Comment\0GPS 28.45N 119.92E"),
    pngChunk("eXIf", "MM\0*GPSInfo"),
    pngChunk("IDAT", [1, 2, 3, 4]),
    pngChunk("IEND", []),
  );
}

function webp(width: number, height: number) {
  const chunk = (fourcc: string, data: Uint8Array | number[] | string) => {
    const d = bytes(data);
    return bytes(fourcc, le32(d.length), d, d.length % 2 ? [0] : []);
  };
  const body = bytes(
    "WEBP",
    chunk("VP8X", [0x08 | 0x04, 0, 0, 0, ...le24(width - 1), ...le24(height - 1)]),
    chunk("VP8L", [0x2f, ...le32(((height - 1) << 14) | (width - 1)), 0, 0]),
    chunk("EXIF", "MM\0*GPSLatitude"),
    chunk("XMP ", "<x:xmpmeta>GPS</x:xmpmeta>"),
  );
  return bytes("RIFF", le32(body.length), body);
}

function code(fn: () => unknown): string {
  try {
    fn();
    return "ok";
  } catch (error) {
    if (isHomevisitError(error)) return error.code;
    throw error;
  }
}

describe("photos: type, size, pixels and metadata", () => {
  it("detects the three accepted types by content and nothing else", () => {
    expect(detectImageType(jpeg(3, 2))).toBe("image/jpeg");
    expect(detectImageType(png(3, 2))).toBe("image/png");
    expect(detectImageType(webp(3, 2))).toBe("image/webp");
    expect(detectImageType(bytes("GIF89a"))).toBeUndefined();
    expect(detectImageType(bytes("<svg xmlns"))).toBeUndefined();
    expect(code(() => checkPhoto(bytes("%PDF-1.7"), "image/jpeg"))).toBe("photo_type_unsupported");
  });

  it("reads dimensions from the headers", () => {
    expect(imageDimensions(jpeg(640, 480))).toEqual({ width: 640, height: 480 });
    expect(imageDimensions(png(1024, 768))).toEqual({ width: 1024, height: 768 });
    expect(imageDimensions(webp(300, 200))).toEqual({ width: 300, height: 200 });
  });

  it("strips JPEG APP1 (EXIF with GPS, XMP) and comments, keeping JFIF, tables, frame and scan", () => {
    const original = jpeg(640, 480);
    expect(latin1(original)).toContain("GPSLatitude");
    const clean = stripImageMetadata(original);
    expect(latin1(clean)).not.toContain("GPS");
    expect(latin1(clean)).not.toContain("Exif");
    expect(latin1(clean)).not.toContain("xmpmeta");
    expect(latin1(clean)).toContain("JFIF");
    expect(imageDimensions(clean)).toEqual({ width: 640, height: 480 });
    // The entropy-coded scan is copied byte for byte.
    expect([...clean.slice(-7)]).toEqual([0x12, 0x34, 0xff, 0x00, 0x56, 0xff, 0xd9]);
  });

  it("strips PNG text and eXIf chunks, and WebP EXIF/XMP chunks with their VP8X flags", () => {
    const cleanPng = stripImageMetadata(png(10, 10));
    expect(latin1(cleanPng)).not.toContain("GPS");
    expect(latin1(cleanPng)).toContain("IDAT");
    expect(imageDimensions(cleanPng)).toEqual({ width: 10, height: 10 });
    const cleanWebp = stripImageMetadata(webp(30, 20));
    expect(latin1(cleanWebp)).not.toContain("GPS");
    expect(latin1(cleanWebp)).not.toContain("EXIF");
    expect(cleanWebp[20] as number & 0x0c).toBe(0);
    const riffSize = (cleanWebp[4] as number) | ((cleanWebp[5] as number) << 8);
    expect(riffSize).toBe(cleanWebp.length - 8);
    expect(imageDimensions(cleanWebp)).toEqual({ width: 30, height: 20 });
  });

  it("refuses size, pixel and type-mismatch violations with their codes", () => {
    expect(code(() => checkPhoto(jpeg(640, 480), "image/jpeg", { maxBytes: 100 }))).toBe("photo_too_large");
    expect(code(() => checkPhoto(jpeg(10000, 10000), "image/jpeg"))).toBe("photo_too_many_pixels");
    expect(code(() => checkPhoto(png(10, 10), "image/jpeg"))).toBe("photo_type_mismatch");
    expect(code(() => checkPhoto(jpeg(0, 10), "image/jpeg"))).toBe("photo_malformed");
    const ok = checkPhoto(jpeg(64, 48), "image/jpeg");
    expect(ok).toMatchObject({ contentType: "image/jpeg", width: 64, height: 48 });
    expect(latin1(ok.bytes)).not.toContain("GPS");
  });

  it("never crashes on truncated or random bytes: a typed error or a result", () => {
    const samples = [jpeg(64, 48), png(8, 8), webp(8, 8)];
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 }), fc.nat(), fc.uint8Array({ maxLength: 64 }), (which, cut, noise) => {
        const sample = samples[which] as Uint8Array;
        const truncated = bytes(sample.slice(0, cut % sample.length), noise);
        const result = code(() => checkPhoto(truncated, undefined));
        expect(typeof result).toBe("string");
      }),
      { numRuns: 500 },
    );
  });
});

/**
 * RELIABILITY.md promise 6, "Nothing is lost" (and its test "Fault injection: a failure at each
 * step of a multi-step write leaves the store as before"): attaching a photo writes the bytes to
 * the blob store and the record that names them. The bytes go first; a fault between the two
 * steps leaves at most an unreferenced blob (harmless, swept), never a record naming bytes that
 * were never stored, which the soak run once found.
 */
describe("photos: bytes are stored before the record that names them", () => {
  const hmacKey = "test-audit-key-0123456789";

  /** Photo ids named by any visit record whose bytes the blob store does not hold. */
  async function namedWithoutBytes(storage: Storage, blobs: BlobStore): Promise<string[]> {
    const page = await storage.visitRecords.list({ limit: 1000 });
    const missing: string[] = [];
    for (const item of page.items) {
      for (const photo of item.record.photos)
        if ((await blobs.head(photo.blobId)) === undefined) missing.push(photo.blobId);
    }
    return missing;
  }

  /** A storage whose visit-record writes note the photos named without bytes at the moment of the write. */
  function watchingWrites(storage: Storage, blobs: BlobStore, seen: string[]): Storage {
    const watch = (tx: StorageTx): StorageTx =>
      new Proxy(tx, {
        get(target, name) {
          const repo = Reflect.get(target, name) as unknown;
          if (name !== "visitRecords") return repo;
          const records = repo as StorageTx["visitRecords"];
          return {
            ...records,
            get: records.get.bind(records),
            list: records.list.bind(records),
            create: records.create.bind(records),
            async update(...args: Parameters<StorageTx["visitRecords"]["update"]>) {
              const input = args[1] as { photos?: { blobId: string }[]; record?: { photos: { blobId: string }[] } };
              for (const photo of input.record?.photos ?? input.photos ?? []) {
                if ((await blobs.head(photo.blobId)) === undefined) seen.push(photo.blobId);
              }
              return records.update(...args);
            },
          };
        },
      });
    return { ...storage, transaction: (fn, options) => storage.transaction((tx) => fn(watch(tx)), options) };
  }

  /** A storage whose transactions fail after their work, as a crash or a full disk at COMMIT would. */
  function failingCommit(storage: Storage, fail: () => boolean): Storage {
    return {
      ...storage,
      transaction: (fn, options) =>
        storage.transaction(async (tx) => {
          const result = await fn(tx);
          if (fail()) throw new HomevisitError("storage_unavailable");
          return result;
        }, options),
    };
  }

  async function world(wrap: (storage: Storage, blobs: BlobStore) => { storage: Storage; blobs: BlobStore }) {
    const storage = memoryStorage();
    const blobs = memoryBlobStore();
    await storage.migrations.migrate();
    await seedWorld(storage);
    const wrapped = wrap(storage, blobs);
    const engine: Engine = createEngine({
      ...wrapped,
      clock: fixedClock("2026-10-08T09:00:00+08:00"),
      ids: sequentialIds("p"),
      config: { audit: { hmacKey } },
    });
    await engine.consent.record(actors.principal as never, { studentId: "s-own", guardianId: "g-s-own" });
    const drafted = await engine.records.draft(actors.teacher as never, {
      studentId: "s-own",
      record: { kind: "universal", term: "2026-2027-1", channel: "phone" } as never,
    });
    const attach = () =>
      engine.records.attachPhoto(actors.teacher as never, {
        recordId: drafted.record.id,
        bytes: jpeg(64, 48),
        contentType: "image/jpeg",
        expectedVersion: 1,
      });
    return { storage, blobs, recordId: drafted.record.id, attach };
  }

  it("holds the bytes at the moment the record naming them is written", async () => {
    const seen: string[] = [];
    const w = await world((storage, blobs) => ({ storage: watchingWrites(storage, blobs, seen), blobs }));
    const out = await w.attach();
    expect(out.record.photos.map((p) => p.blobId)).toEqual([out.photo.blobId]);
    expect(seen).toEqual([]);
    expect((await w.blobs.head(out.photo.blobId))?.size).toBe(out.photo.size);
    expect(await namedWithoutBytes(w.storage, w.blobs)).toEqual([]);
  });

  it("a failed commit after the bytes were written leaves no record naming them, and takes the bytes back", async () => {
    let failing = false;
    const puts: string[] = [];
    const w = await world((storage, blobs) => ({
      storage: failingCommit(storage, () => failing),
      blobs: {
        ...blobs,
        put: (blob) => {
          puts.push(blob.id);
          return blobs.put(blob);
        },
      },
    }));
    failing = true;
    await expect(w.attach()).rejects.toMatchObject({ code: "storage_unavailable" });
    failing = false;
    const record = await w.storage.visitRecords.get(w.recordId);
    expect(record?.version).toBe(1);
    expect(record?.record.photos).toEqual([]);
    expect(puts).toHaveLength(1);
    expect(await w.blobs.get(puts[0] as string)).toBeUndefined();
    expect(await namedWithoutBytes(w.storage, w.blobs)).toEqual([]);
  });

  it("a blob store that fails the put fails the call before the record changes", async () => {
    const w = await world((storage, blobs) => ({
      storage,
      blobs: {
        ...blobs,
        put: async () => {
          throw new HomevisitError("storage_full");
        },
      },
    }));
    await expect(w.attach()).rejects.toMatchObject({ code: "storage_full" });
    const record = await w.storage.visitRecords.get(w.recordId);
    expect(record?.version).toBe(1);
    expect(record?.record.photos).toEqual([]);
    expect(await namedWithoutBytes(w.storage, w.blobs)).toEqual([]);
  });

  it("a process that dies between the two steps (no clean-up) leaves an unreferenced blob, never a dangling record", async () => {
    let failing = false;
    const w = await world((storage, blobs) => ({
      storage: failingCommit(storage, () => failing),
      // The clean-up cannot run either: as after a crash, the bytes stay behind.
      blobs: { ...blobs, delete: async () => false },
    }));
    failing = true;
    await expect(w.attach()).rejects.toMatchObject({ code: "storage_unavailable" });
    failing = false;
    expect((await w.storage.visitRecords.get(w.recordId))?.record.photos).toEqual([]);
    expect(await namedWithoutBytes(w.storage, w.blobs)).toEqual([]);
    // Retried after the restart, the photo lands whole.
    const out = await w.attach();
    expect(out.record.photos).toHaveLength(1);
    expect(await namedWithoutBytes(w.storage, w.blobs)).toEqual([]);
  });
});
