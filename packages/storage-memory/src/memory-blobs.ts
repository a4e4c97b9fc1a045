import { type BlobRef, type BlobStore, prepareBlob } from "@homevisit/core/storage";

/**
 * A blob store in memory. Bytes are copied in and out, so callers never share buffers with it.
 *
 * @example
 * ```ts
 * const blobs = memoryBlobStore();
 * await blobs.put({ id: "photo-1", contentType: "image/jpeg", bytes });
 * (await blobs.head("photo-1"))?.size; // bytes.length
 * ```
 */
export function memoryBlobStore(): BlobStore & { readonly raw: (id: string) => Promise<Uint8Array | undefined> } {
  const blobs = new Map<string, { ref: BlobRef; bytes: Uint8Array }>();
  return {
    async put(blob) {
      const { ref, bytes } = prepareBlob(blob);
      blobs.set(ref.id, { ref, bytes: bytes.slice() });
      return ref;
    },
    async get(id) {
      const blob = blobs.get(id);
      return blob ? { ref: { ...blob.ref }, bytes: blob.bytes.slice() } : undefined;
    },
    async head(id) {
      const blob = blobs.get(id);
      return blob ? { ...blob.ref } : undefined;
    },
    async delete(id) {
      return blobs.delete(id);
    },
    async raw(id) {
      return blobs.get(id)?.bytes.slice();
    },
  };
}
