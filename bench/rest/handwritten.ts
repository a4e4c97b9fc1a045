// The REST bench's hand-written floor: the archive read done with no library at all — raw
// better-sqlite3 on the API's own database file, node:http, node:crypto — but doing the work
// the promises require: find the student, check the teacher's relation to them (class,
// appointments, mentorships), read the archive (visit records, appointments, flags), answer
// its JSON with a keyed ETag, and make one hash-chained audit row durable (group commit, the WAL
// flushed off the main thread) before answering. It skips what only a library needs (input
// schemas, ports, the query builder) and is as lax as a floor may be: reads outside the audit
// transaction, one fixed actor. What it reaches is what any implementation on this machine could
// at best; the API's distance from it is the library's own cost.
import { createHash, createHmac } from "node:crypto";
import { closeSync, fdatasync, openSync } from "node:fs";
import { createServer, type ServerResponse } from "node:http";
import Database from "better-sqlite3";

/** What the floor needs from the API server: its database and the scenario's ids. */
export interface HandwrittenFloorSpec {
  databaseFile: string;
  studentId: string;
  teacherId: string;
  /** The Cookie header value that logs the teacher in. */
  teacherCookie: string;
}

interface Row {
  data: string;
}
type Json = Record<string, unknown>;

/** Starts the floor on a free port of 127.0.0.1. */
export async function startHandwrittenFloor(spec: HandwrittenFloorSpec): Promise<{
  origin: string;
  close: () => Promise<void>;
}> {
  const db = new Database(spec.databaseFile);
  db.pragma("journal_mode = WAL");
  // The WAL is flushed by fdatasync on the thread pool after each group's COMMIT, not inside
  // COMMIT on the main thread: the best durable way known here (the store does the same).
  db.pragma("synchronous = NORMAL");
  db.pragma("busy_timeout = 5000");
  const wal = openSync(`${spec.databaseFile}-wal`, "r");
  const student = db.prepare<[string], Row & { school_id: string }>(
    "SELECT data, school_id FROM hv_students WHERE id = ?",
  );
  const classById = db.prepare<[string], Row>("SELECT data FROM hv_classes WHERE id = ?");
  const appointments = db.prepare<[string], Row>("SELECT data FROM hv_appointments WHERE student_id = ? ORDER BY id");
  const mentorships = db.prepare<[string, string], Row>(
    "SELECT data FROM hv_mentorships WHERE student_id = ? AND mentor_id = ? ORDER BY id",
  );
  const flags = db.prepare<[string], Row>("SELECT data FROM hv_category_flags WHERE student_id = ? ORDER BY id");
  const visits = db.prepare<[string], Row>("SELECT data FROM hv_visit_records WHERE student_id = ? ORDER BY id");
  const chainId = "bench-handwritten-floor";
  const head = db.prepare<[string], { count: number; hash: string }>(
    "SELECT count, hash FROM hv_audit_heads WHERE chain_id = ?",
  );
  const insertHead = db.prepare("INSERT OR IGNORE INTO hv_audit_heads (chain_id, count, hash) VALUES (?, 0, ?)");
  const insertRow = db.prepare("INSERT INTO hv_audit (chain_id, seq, at, hash, data) VALUES (?, ?, ?, ?, ?)");
  const moveHead = db.prepare("UPDATE hv_audit_heads SET count = ?, hash = ? WHERE chain_id = ?");
  const etagKey = "bench-handwritten-etag-key";
  insertHead.run(chainId, "0".repeat(64));

  /** Audit rows waiting for the next group commit, each with the answer it releases. */
  let pending: { entry: Json; answer: () => void; fail: () => void }[] = [];
  const flush = () => {
    const group = pending;
    pending = [];
    db.exec("BEGIN IMMEDIATE");
    let { count, hash } = head.get(chainId) as { count: number; hash: string };
    for (const { entry } of group) {
      count++;
      // Keys written in a fixed order: the text is canonical by construction.
      const data = JSON.stringify({ ...entry, seq: count, prevHash: hash });
      hash = createHash("sha256").update(`${hash}\n${data}`).digest("hex");
      insertRow.run(chainId, count, entry.at, hash, data);
    }
    moveHead.run(count, hash, chainId);
    db.exec("COMMIT");
    // Answered once the WAL, this group's commit included, is on disk. The next group may
    // commit meanwhile; its own sync covers this one's too.
    fdatasync(wal, (error) => {
      for (const { answer, fail } of group) (error ? fail : answer)();
    });
  };

  const archivePath = `/students/${spec.studentId}/archive`;
  const notFound = (res: ServerResponse) => res.writeHead(404, { "Content-Type": "application/problem+json" }).end();
  const server = createServer((req, res) => {
    if (req.method !== "GET" || !req.url?.endsWith(archivePath) || req.headers.cookie !== spec.teacherCookie) {
      notFound(res);
      return;
    }
    const purpose = req.headers["homevisit-purpose"];
    const row = student.get(spec.studentId);
    if (row === undefined || typeof purpose !== "string") {
      notFound(res);
      return;
    }
    const record = JSON.parse(row.data) as { schoolId: string; enrolments: { classId: string; to?: string }[] };
    const classId = record.enrolments.find((e) => e.to === undefined)?.classId;
    const classRecord = classId === undefined ? undefined : classById.get(classId);
    const appointmentRecords = appointments.all(spec.studentId).map((r) => JSON.parse(r.data) as Json);
    const allowed =
      (classRecord !== undefined && (JSON.parse(classRecord.data) as Json).classTeacherId === spec.teacherId) ||
      appointmentRecords.some(
        (a) => a.teacherId === spec.teacherId || (a.companionIds as string[]).includes(spec.teacherId),
      ) ||
      mentorships.all(spec.studentId, spec.teacherId).length > 0;
    if (!allowed) {
      notFound(res);
      return;
    }
    const byKey = (key: (r: Json) => string) => (a: Json, b: Json) => key(a).localeCompare(key(b));
    const body = JSON.stringify({
      studentId: spec.studentId,
      visits: visits
        .all(spec.studentId)
        .map((r) => JSON.parse(r.data) as Json)
        .filter((v) => v.status !== "draft")
        .sort(byKey((v) => String(v.arrivedAt ?? v.submittedAt ?? ""))),
      appointments: appointmentRecords.sort(byKey((a) => String(a.start))),
      flags: flags
        .all(spec.studentId)
        .map((r) => JSON.parse(r.data) as Json)
        .sort(byKey((f) => String(f.validFrom))),
    });
    const etag = `"${createHmac("sha256", etagKey).update(body).digest("base64url")}"`;
    if (pending.length === 0) setImmediate(flush);
    pending.push({
      entry: {
        chainId,
        at: new Date().toISOString(),
        actorId: spec.teacherId,
        action: "students.archive",
        entity: "students",
        entityId: spec.studentId,
        schoolId: row.school_id,
        purpose: decodeURIComponent(purpose),
        result: "ok",
      },
      answer: () => {
        res.writeHead(200, {
          "Content-Type": "application/json",
          "Cache-Control": "no-store",
          "Content-Language": "zh-CN",
          Vary: "Accept-Language",
          ETag: etag,
        });
        res.end(body);
      },
      fail: () => res.writeHead(500).end(),
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      db.close();
      closeSync(wal);
    },
  };
}
