import { randomUUID } from "node:crypto";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { idSchema } from "@homevisit/core";
import { type BlobRef, type BlobStore, prepareBlob } from "@homevisit/core/storage";

/**
 * A blob store in a directory of files. Each blob is one file — a 4-byte header length, the
 * reference as JSON, then the bytes — written to a temporary name and renamed into place, so a
 * reader sees the old blob or the new one, never half of either. File names are `b_` plus the
 * validated id (with `:` escaped), so no id can name a path outside the directory.
 *
 * @example
 * ```ts
 * const blobs = fileBlobStore({ directory: "/var/lib/homevisit/blobs" });
 * await blobs.put({ id: "photo-1", contentType: "image/jpeg", bytes });
 * (await blobs.get("photo-1"))?.ref.size; // bytes.length
 * ```
 */
export function fileBlobStore(options: { directory: string }): BlobStore & {
  raw(id: string): Promise<Uint8Array | undefined>;
} {
  const dir = options.directory;
  const pathOf = (id: string) => join(dir, `b_${id.replace(/:/g, "%3A")}`);
  const valid = (id: string) => idSchema.safeParse(id).success;
  let ready: Promise<unknown> | undefined;

  async function read(id: string): Promise<{ ref: BlobRef; bytes: Uint8Array } | undefined> {
    if (!valid(id)) return undefined;
    let file: Buffer;
    try {
      file = await readFile(pathOf(id));
    } catch (error) {
      if ((error as { code?: string }).code === "ENOENT") return undefined;
      throw error;
    }
    const length = file.readUInt32BE(0);
    const ref = JSON.parse(file.subarray(4, 4 + length).toString("utf8")) as BlobRef;
    return { ref, bytes: new Uint8Array(file.subarray(4 + length)) };
  }

  return {
    async put(blob) {
      const { ref, bytes } = prepareBlob(blob);
      ready ??= mkdir(dir, { recursive: true });
      await ready;
      const header = Buffer.from(JSON.stringify(ref), "utf8");
      const length = Buffer.alloc(4);
      length.writeUInt32BE(header.length);
      const temp = join(dir, `.tmp-${randomUUID()}`);
      await writeFile(temp, Buffer.concat([length, header, bytes]));
      await rename(temp, pathOf(ref.id));
      return ref;
    },
    get: read,
    async head(id) {
      return (await read(id))?.ref;
    },
    async delete(id) {
      if (!valid(id) || !(await read(id))) return false;
      await rm(pathOf(id), { force: true });
      return true;
    },
    async raw(id) {
      return (await read(id))?.bytes;
    },
  };
}
