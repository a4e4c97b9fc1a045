import { sha256Hex } from "@homevisit/core/storage";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { BlobHarness, ConformanceOptions } from "../harness.js";
import { expectCode } from "./helpers.js";

/**
 * The `blobs` suite, over the adapter's blob store (its own harness, no seeded storage): exact
 * bytes, safe ids, a 2 MB blob.
 */
export function blobsSuite(adapter: string, options: ConformanceOptions): void {
  describe(`${adapter} storage: blobs`, () => {
    const reason = options.skip?.blobs ?? (options.blobs ? undefined : "no blob store given to the suite");
    if (reason !== undefined || !options.blobs) {
      it.skip(`opted out: ${reason}`, () => {});
      return;
    }
    const makeBlobs = options.blobs;
    let harness: BlobHarness | undefined;
    beforeEach(async () => {
      harness = await makeBlobs();
    });
    afterEach(async () => {
      await harness?.cleanup();
    });

    it("stores bytes exactly, with size and sha256, replaces and deletes", async () => {
      const b = harness as BlobHarness;
      const bytes = Uint8Array.from({ length: 256 * 3 }, (_, i) => i % 256);
      const ref = await b.store.put({ id: "photo-1", contentType: "image/jpeg", bytes });
      expect(ref).toEqual({ id: "photo-1", contentType: "image/jpeg", size: 768, sha256: sha256Hex(bytes) });
      expect(await b.raw("photo-1")).toEqual(bytes);
      const got = await b.store.get("photo-1");
      expect(got?.ref).toEqual(ref);
      expect(Array.from(got?.bytes ?? [])).toEqual(Array.from(bytes));
      expect(await b.store.head("photo-1")).toEqual(ref);
      const empty = await b.store.put({ id: "photo-1", contentType: "image/png", bytes: new Uint8Array() });
      expect(empty.size).toBe(0);
      expect((await b.store.head("photo-1"))?.contentType).toBe("image/png");
      expect(await b.store.delete("photo-1")).toBe(true);
      expect(await b.store.delete("photo-1")).toBe(false);
      expect(await b.store.get("photo-1")).toBeUndefined();
      expect(await b.store.head("missing")).toBeUndefined();
      expect(await b.raw("photo-1")).toBeUndefined();
    });

    it("refuses ids that could escape the store and bad content types", async () => {
      const b = harness as BlobHarness;
      for (const id of ["../etc/passwd", "a/b", "", "x".repeat(65)]) {
        await expectCode(
          b.store.put({ id, contentType: "image/jpeg", bytes: new Uint8Array([1]) }),
          "validation_failed",
        );
      }
      await expectCode(
        b.store.put({ id: "ok", contentType: "not a type", bytes: new Uint8Array([1]) }),
        "validation_failed",
      );
    });

    it("keeps a 2 MB blob intact", async () => {
      const b = harness as BlobHarness;
      const bytes = new Uint8Array(2 * 1024 * 1024);
      for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 31 + 7) % 251;
      await b.store.put({ id: "big", contentType: "image/jpeg", bytes });
      expect(sha256Hex((await b.store.get("big"))?.bytes ?? new Uint8Array())).toBe(sha256Hex(bytes));
    });
  });
}
