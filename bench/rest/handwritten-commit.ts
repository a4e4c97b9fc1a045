// The hand-written floor's writes: group commit and a hash-chained audit log on raw
// better-sqlite3, as any implementation that keeps RELIABILITY.md's durability and audit promises
// would do them at best. Writes that arrive while a group is pending share its one transaction,
// its one COMMIT and its one WAL sync; each answers only once that sync is done.
import { createHash } from "node:crypto";
import { closeSync, fdatasync, openSync } from "node:fs";
import type Database from "better-sqlite3";

/** A JSON object as the floor writes it. */
export type Json = Record<string, unknown>;

/** One request's part of a group: its statements, and its answer once the group is durable. */
export interface FloorWrite {
  /** Runs inside the group's transaction; appends its audit row with `audit`. */
  write(audit: (entry: Json) => void): void;
  answer(): void;
  fail(): void;
}

/** The floor's write path over one database connection. */
export interface FloorCommits {
  /** Queues a write for the next group commit (started on the next turn of the event loop). */
  enqueue(write: FloorWrite): void;
  /** Closes the WAL's file descriptor (the caller closes the database). */
  close(): void;
}

/**
 * Group commit with the audit chain on `chainId`. The WAL is flushed by fdatasync on the thread
 * pool after each group's COMMIT, not inside COMMIT on the main thread (`synchronous = NORMAL`):
 * the best durable way known here, and what the store does.
 */
export function floorCommits(db: Database.Database, databaseFile: string, chainId: string): FloorCommits {
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  db.pragma("busy_timeout = 5000");
  const wal = openSync(`${databaseFile}-wal`, "r");
  const head = db.prepare<[string], { count: number; hash: string }>(
    "SELECT count, hash FROM hv_audit_heads WHERE chain_id = ?",
  );
  const insertHead = db.prepare("INSERT OR IGNORE INTO hv_audit_heads (chain_id, count, hash) VALUES (?, 0, ?)");
  const insertRow = db.prepare("INSERT INTO hv_audit (chain_id, seq, at, hash, data) VALUES (?, ?, ?, ?, ?)");
  const moveHead = db.prepare("UPDATE hv_audit_heads SET count = ?, hash = ? WHERE chain_id = ?");
  insertHead.run(chainId, "0".repeat(64));

  let pending: FloorWrite[] = [];
  const flush = () => {
    const group = pending;
    pending = [];
    db.exec("BEGIN IMMEDIATE");
    let { count, hash } = head.get(chainId) as { count: number; hash: string };
    const audit = (entry: Json) => {
      count++;
      // Keys written in a fixed order: the text is canonical by construction.
      const data = JSON.stringify({ chainId, ...entry, seq: count, prevHash: hash });
      hash = createHash("sha256").update(`${hash}\n${data}`).digest("hex");
      insertRow.run(chainId, count, entry.at, hash, data);
    };
    try {
      for (const item of group) item.write(audit);
      moveHead.run(count, hash, chainId);
      db.exec("COMMIT");
    } catch {
      db.exec("ROLLBACK");
      for (const item of group) item.fail();
      return;
    }
    // Answered once the WAL, this group's commit included, is on disk. The next group may
    // commit meanwhile; its own sync covers this one's too.
    fdatasync(wal, (error) => {
      for (const item of group) (error ? item.fail : item.answer)();
    });
  };
  return {
    enqueue(write) {
      if (pending.length === 0) setImmediate(flush);
      pending.push(write);
    },
    close: () => closeSync(wal),
  };
}
