import { idSchema } from "@homevisit/core";
import { type BlobRef, type BlobStore, prepareBlob } from "@homevisit/core/storage";
import type { SqlStorageDriver } from "@homevisit/storage-sql";
import { sql } from "kysely";

/** A blob store with raw read-back of the stored bytes (for the conformance suite). */
export type PostgresBlobStore = BlobStore & { raw(id: string): Promise<Uint8Array | undefined> };

/**
 * A blob store in the PostgreSQL database itself (table `hv_blobs`, `bytea`, created by the
 * migrations): photos commit and back up with the records. Fine for a county's diary photos;
 * a city bureau with terabytes puts them in object storage behind its own `BlobStore` port.
 *
 * @example
 * ```ts
 * const storage = postgresStorage({ pool });
 * await storage.migrations.migrate();
 * await storage.blobs.put({ id: "photo-1", contentType: "image/jpeg", bytes }); // { id, size, sha256, … }
 * ```
 */
export function postgresBlobStore(driver: SqlStorageDriver): PostgresBlobStore {
  const valid = (id: string) => idSchema.safeParse(id).success;
  const toRef = (row: Record<string, unknown>): BlobRef => ({
    id: row.id as string,
    contentType: row.content_type as string,
    size: Number(row.size),
    sha256: row.sha256 as string,
  });
  // pg answers with a Buffer, PGlite with a Uint8Array: hand out a plain copy either way.
  const bytesOf = (value: unknown) => Uint8Array.from(value as Uint8Array);
  const read = (id: string) =>
    driver.transaction((conn) => conn.selectFrom("hv_blobs").selectAll().where("id", "=", id).executeTakeFirst(), {
      readOnly: true,
    });
  return {
    async put(blob) {
      const { ref, bytes } = prepareBlob(blob);
      await driver.transaction(
        (conn) =>
          sql`INSERT INTO hv_blobs (id, content_type, size, sha256, bytes)
              VALUES (${ref.id}, ${ref.contentType}, ${ref.size}, ${ref.sha256}, ${bytes})
              ON CONFLICT (id) DO UPDATE SET content_type = excluded.content_type, size = excluded.size,
                sha256 = excluded.sha256, bytes = excluded.bytes`.execute(conn),
        { readOnly: false },
      );
      return ref;
    },
    async get(id) {
      if (!valid(id)) return undefined;
      const row = await read(id);
      return row ? { ref: toRef(row), bytes: bytesOf(row.bytes) } : undefined;
    },
    async head(id) {
      if (!valid(id)) return undefined;
      const row = await driver.transaction(
        (conn) =>
          conn
            .selectFrom("hv_blobs")
            .select(["id", "content_type", "size", "sha256"])
            .where("id", "=", id)
            .executeTakeFirst(),
        { readOnly: true },
      );
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
      const row = await read(id);
      return row ? bytesOf(row.bytes) : undefined;
    },
  };
}
