import { idSchema } from "@homevisit/core";
import { type BlobRef, type BlobStore, prepareBlob } from "@homevisit/core/storage";
import type { SqlStorageDriver } from "@homevisit/storage-sql";

/**
 * A blob store in the SQLite database itself (table `hv_blobs`, created by the migrations):
 * one file to back up, and puts that commit atomically. Suits one school's photos; a bureau
 * puts blobs in object storage behind its own `BlobStore` port.
 *
 * @example
 * ```ts
 * const storage = sqliteStorage({ filename: "homevisit.db" });
 * await storage.migrations.migrate();
 * await storage.blobs.put({ id: "photo-1", contentType: "image/jpeg", bytes });
 * ```
 */
export function sqliteBlobStore(
  driver: SqlStorageDriver,
): BlobStore & { raw(id: string): Promise<Uint8Array | undefined> } {
  const valid = (id: string) => idSchema.safeParse(id).success;
  const toRef = (row: Record<string, unknown>): BlobRef => ({
    id: row.id as string,
    contentType: row.content_type as string,
    size: Number(row.size),
    sha256: row.sha256 as string,
  });
  const bytesOf = (value: unknown) => new Uint8Array(value as Uint8Array);
  return {
    async put(blob) {
      const { ref, bytes } = prepareBlob(blob);
      await driver.transaction(
        async (conn) => {
          await conn.deleteFrom("hv_blobs").where("id", "=", ref.id).execute();
          await conn
            .insertInto("hv_blobs")
            .values({
              id: ref.id,
              content_type: ref.contentType,
              size: ref.size,
              sha256: ref.sha256,
              bytes: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
            })
            .execute();
        },
        { readOnly: false },
      );
      return ref;
    },
    async get(id) {
      if (!valid(id)) return undefined;
      const row = await driver.db.selectFrom("hv_blobs").selectAll().where("id", "=", id).executeTakeFirst();
      return row ? { ref: toRef(row), bytes: bytesOf(row.bytes) } : undefined;
    },
    async head(id) {
      if (!valid(id)) return undefined;
      const row = await driver.db
        .selectFrom("hv_blobs")
        .select(["id", "content_type", "size", "sha256"])
        .where("id", "=", id)
        .executeTakeFirst();
      return row ? toRef(row) : undefined;
    },
    async delete(id) {
      if (!valid(id)) return false;
      const result = await driver.transaction(
        (conn) => conn.deleteFrom("hv_blobs").where("id", "=", id).executeTakeFirst(),
        { readOnly: false },
      );
      return Number(result.numDeletedRows) > 0;
    },
    async raw(id) {
      const row = await driver.db.selectFrom("hv_blobs").select("bytes").where("id", "=", id).executeTakeFirst();
      return row ? bytesOf(row.bytes) : undefined;
    },
  };
}
