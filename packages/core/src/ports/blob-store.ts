import * as z from "zod";
import { sha256Hex } from "../shared/crypto/sha256.js";
import { parseInput } from "../shared/errors/parse.js";
import { idSchema } from "../shared/primitives.js";

/**
 * # The blob store port
 *
 * Photos of a visit (生情日记 pictures) and other files live outside the record tables: a
 * record keeps a {@link BlobRef}, the bytes live in a `BlobStore`. homevisit ships a memory
 * store, a file-system store and a SQLite store; a host plugs its own object storage by
 * implementing these four methods.
 *
 * A blob store MUST:
 * - store bytes under the caller's id exactly (get returns the same bytes, content type and
 *   size); `put` on an existing id replaces it atomically (readers see old or new, never a mix);
 * - report `size` in bytes and `sha256` of the bytes as lowercase hex;
 * - answer `undefined` for a missing id from `get` and `head`, and `false` from `delete`.
 *
 * A blob store MUST NOT:
 * - derive file paths or object keys from anything but the validated id (ids are
 *   `[A-Za-z0-9_.:-]`, 1–64 characters; stores still must not let `..` escape);
 * - inspect, transform or log the bytes: checking and EXIF stripping happen before `put`.
 */

/** What a blob store knows about a blob. */
export const blobRefSchema = z.strictObject({
  id: idSchema,
  contentType: z
    .string()
    .min(3)
    .max(100)
    .regex(/^[a-z0-9.+-]+\/[a-z0-9.+-]+$/),
  size: z.int().min(0),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});
/** A reference to a stored blob. */
export type BlobRef = z.infer<typeof blobRefSchema>;

/** A blob to store. */
export interface BlobPut {
  id: string;
  contentType: string;
  bytes: Uint8Array;
}

/** The blob store port. */
export interface BlobStore {
  /** Stores (or replaces) a blob and returns its reference. */
  put(blob: BlobPut): Promise<BlobRef>;
  /** The blob and its bytes, or `undefined`. */
  get(id: string): Promise<{ ref: BlobRef; bytes: Uint8Array } | undefined>;
  /** The reference alone, or `undefined`. */
  head(id: string): Promise<BlobRef | undefined>;
  /** Removes a blob; `true` when it existed. */
  delete(id: string): Promise<boolean>;
}

const blobPutSchema = z.strictObject({
  id: idSchema,
  contentType: blobRefSchema.shape.contentType,
  bytes: z.instanceof(Uint8Array),
});

/**
 * Validates a blob to store and works out its reference (size and SHA-256). Throws
 * `validation_failed` for an id or content type that a store must not accept.
 *
 * @example
 * ```ts
 * prepareBlob({ id: "photo-1", contentType: "image/jpeg", bytes: new Uint8Array([1, 2]) });
 * // { ref: { id: "photo-1", contentType: "image/jpeg", size: 2, sha256: "a12871…" }, bytes }
 * prepareBlob({ id: "../x", contentType: "image/jpeg", bytes }); // throws validation_failed
 * ```
 */
export function prepareBlob(blob: BlobPut): { ref: BlobRef; bytes: Uint8Array } {
  const parsed = parseInput(blobPutSchema, blob);
  return {
    ref: { id: parsed.id, contentType: parsed.contentType, size: parsed.bytes.length, sha256: sha256Hex(parsed.bytes) },
    bytes: parsed.bytes,
  };
}
