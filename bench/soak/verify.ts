// The soak's verifier, run in its own process so its reads never stall the clients' event loop:
// opens the host's SQLite file read-only (beside the running host: WAL lets it) and checks that
// every write the server acknowledged is there — each visit record at least at its acknowledged
// version, submitted when its submission was acknowledged, holding every acknowledged photo
// whose bytes are in the blob table; each safety report and consent present. Prints one
// `RESULT <json>` line (a VerifyResult).
//
// Usage: node --import tsx bench/soak/verify.ts <database file> <acknowledged writes json file>
import { existsSync, readFileSync, statSync } from "node:fs";
import { entityTables } from "@homevisit/storage-sql";
import Database from "better-sqlite3";
import type { AcknowledgedWrites, VerifyResult } from "./shared.ts";

/** Ids per `IN (…)` query: under SQLite's bound-parameter limit. */
const chunk = 500;

function rowsById(
  db: Database.Database,
  table: string,
  ids: string[],
  columns: string,
): Map<string, Record<string, unknown>> {
  const found = new Map<string, Record<string, unknown>>();
  for (let i = 0; i < ids.length; i += chunk) {
    const part = ids.slice(i, i + chunk);
    const sql = `SELECT ${columns} FROM ${table} WHERE id IN (${part.map(() => "?").join(",")})`;
    for (const row of db.prepare(sql).all(...part) as Record<string, unknown>[]) found.set(String(row.id), row);
  }
  return found;
}

/**
 * Checks the acknowledged writes listed in `ackedFile` (an AcknowledgedWrites JSON) against the
 * SQLite file `file`, read-only.
 *
 * @example
 * ```ts
 * verifyDatabase("campus.db", "acknowledged.json"); // { checked: 4210, lost: 0, examples: [], integrity: "ok" }
 * ```
 */
export function verifyDatabase(file: string, ackedFile: string): VerifyResult {
  const acked = JSON.parse(readFileSync(ackedFile, "utf8")) as AcknowledgedWrites;
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    db.pragma("busy_timeout = 10000");
    const lost: string[] = [];
    const records = rowsById(
      db,
      entityTables.visitRecords.table,
      acked.visitRecords.map((r) => r.id),
      "id, version, data",
    );
    const blobIds = acked.visitRecords.flatMap((r) => r.photoBlobIds);
    const blobs = rowsById(db, "hv_blobs", blobIds, "id, size");
    for (const want of acked.visitRecords) {
      const row = records.get(want.id);
      if (!row) {
        lost.push(`visit record ${want.id} (acknowledged v${want.version}) missing`);
        continue;
      }
      const version = Number(row.version);
      const data = JSON.parse(String(row.data)) as { status?: string; photos?: { blobId: string }[] };
      if (version < want.version) lost.push(`visit record ${want.id} at v${version}, acknowledged v${want.version}`);
      if (want.submitted && data.status === "draft") lost.push(`visit record ${want.id} submission lost`);
      const photos = new Set((data.photos ?? []).map((p) => p.blobId));
      for (const blobId of want.photoBlobIds) {
        if (!photos.has(blobId)) lost.push(`visit record ${want.id} lost photo ${blobId}`);
        if (!blobs.has(blobId)) lost.push(`visit record ${want.id}: photo ${blobId} bytes missing`);
      }
    }
    for (const [entity, list] of [
      ["safetyReports", acked.safetyReports],
      ["consents", acked.consents],
    ] as const) {
      const found = rowsById(
        db,
        entityTables[entity].table,
        list.map((r) => r.id),
        "id, version",
      );
      for (const want of list) {
        const row = found.get(want.id);
        if (!row) lost.push(`${entity} ${want.id} missing`);
        else if (Number(row.version) < want.version) lost.push(`${entity} ${want.id} below v${want.version}`);
      }
    }
    // Photos named by any record whose bytes never arrived (the bytes are written after the
    // record commits): not an acknowledged write lost, but a record that shows a broken photo.
    const dangling = db
      .prepare(
        `SELECT count(*) AS n FROM ${entityTables.visitRecords.table} r, json_each(r.data, '$.photos') p
         WHERE NOT EXISTS (SELECT 1 FROM hv_blobs b WHERE b.id = json_extract(p.value, '$.blobId'))`,
      )
      .get() as { n: number };
    const integrity = (db.pragma("quick_check") as { quick_check: string }[]).map((r) => r.quick_check).join("; ");
    return {
      checked: acked.visitRecords.length + blobIds.length + acked.safetyReports.length + acked.consents.length,
      lost: lost.length,
      examples: lost.slice(0, 20),
      integrity,
      danglingPhotos: Number(dangling.n),
      databaseBytes: statSync(file).size,
      walBytes: existsSync(`${file}-wal`) ? statSync(`${file}-wal`).size : 0,
    };
  } finally {
    db.close();
  }
}

const [file, ackedFile] = process.argv.slice(2);
if (file && ackedFile) process.stdout.write(`RESULT ${JSON.stringify(verifyDatabase(file, ackedFile))}\n`);
