import { idSchema } from "@homevisit/core";
import { type BlobRef, type BlobStore, prepareBlob } from "@homevisit/core/storage";
import { sql } from "kysely";
import type { SqlStorageDriver } from "./sql-driver.js";

/** A blob store in the database, with raw read-back of the stored bytes (the conformance suite checks them). */
export type SqlBlobStore = BlobStore & { raw(id: string): Promise<Uint8Array | undefined> };

/** The columns of a blob's reference, without its bytes. */
const refColumns = ["id", "content_type", "size", "sha256"] as const;

function toRef(row: Record<string, unknown>): BlobRef {
  return {
    id: row.id as string,
    contentType: row.content_type as string,
    size: Number(row.size),
    sha256: row.sha256 as string,
  };
}

/** A plain copy of what the driver answered (better-sqlite3 and pg give a Buffer, PGlite a Uint8Array). */
function bytesOf(value: unknown): Uint8Array {
  return new Uint8Array(value as Uint8Array);
}

/**
 * The bytes as a driver binds a BLOB or `bytea`: better-sqlite3 binds Buffers only, and a Buffer
 * is a Uint8Array to pg and PGlite too. Outside Node the bytes go as they are.
 */
function blobParameter(bytes: Uint8Array): Uint8Array {
  return typeof Buffer === "function" ? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) : bytes;
}

/**
 * A blob store in the database itself (table `hv_blobs`, created by the migrations): photos
 * commit and back up with the records they belong to. It suits a school's or a county's diary
 * photos; a bureau with terabytes puts them in object storage behind its own `BlobStore` port.
 * `sqliteStorage` and `postgresStorage` use it for their `blobs`.
 *
 * @example
 * ```ts
 * const blobs = sqlBlobStore(driver); // the driver of sqliteStorage or postgresStorage
 * const ref = await blobs.put({ id: "photo-1", contentType: "image/jpeg", bytes }); // { id, size, sha256, … }
 * (await blobs.get("photo-1"))?.bytes; // the same bytes
 * ```
 */
export function sqlBlobStore(driver: SqlStorageDriver): SqlBlobStore {
  const valid = (id: string) => idSchema.safeParse(id).success;
  const read = <T>(fn: (conn: SqlStorageDriver["db"]) => Promise<T>) => driver.transaction(fn, { readOnly: true });
  const row = (id: string) =>
    read((conn) => conn.selectFrom("hv_blobs").selectAll().where("id", "=", id).executeTakeFirst());
  return {
    async put(blob) {
      const { ref, bytes } = prepareBlob(blob);
      // One statement on both dialects: a put under a taken id replaces the blob whole.
      await driver.transaction(
        (conn) =>
          sql`INSERT INTO hv_blobs (id, content_type, size, sha256, bytes)
              VALUES (${ref.id}, ${ref.contentType}, ${ref.size}, ${ref.sha256}, ${blobParameter(bytes)})
              ON CONFLICT (id) DO UPDATE SET content_type = excluded.content_type, size = excluded.size,
                sha256 = excluded.sha256, bytes = excluded.bytes`.execute(conn),
        { readOnly: false },
      );
      return ref;
    },
    async get(id) {
      if (!valid(id)) return undefined;
      const found = await row(id);
      return found ? { ref: toRef(found), bytes: bytesOf(found.bytes) } : undefined;
    },
    async head(id) {
      if (!valid(id)) return undefined;
      const found = await read((conn) =>
        conn
          .selectFrom("hv_blobs")
          .select([...refColumns])
          .where("id", "=", id)
          .executeTakeFirst(),
      );
      return found ? toRef(found) : undefined;
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
      const found = await row(id);
      return found ? bytesOf(found.bytes) : undefined;
    },
  };
}
