// The REST bench's hand-written floor: the archive read and the visit-record draft done with no
// library at all — raw better-sqlite3 on the API's own database file, node:http, node:crypto —
// but doing the work the promises require.
// - Archive: find the student, check the teacher's relation to them (class, appointments,
//   mentorships), read the archive (visit records, appointments, flags), answer its JSON with a
//   keyed ETag, and make one hash-chained audit row durable before answering.
// - Draft: read and parse the body, check the record's shape, the teacher's relation and the
//   guardian's consent, look up the school's form templates, then in one group commit store the
//   record (with its index columns), its idempotency entry (with the answer, for a replay) and its
//   audit row (every changed field, structured and personal values as keyed HMACs), and answer
//   201 with a keyed ETag once the WAL is on disk.
// It skips what only a library needs (input schemas, ports, the query builder, savepoints) and
// is as lax as a floor may be: reads outside the write transaction, one fixed actor, no
// per-field validation. What it reaches is what any implementation on this machine could at best;
// the API's distance from it is the library's own cost.
import { createHash, createHmac, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import Database from "better-sqlite3";
import { type FloorWrite, floorCommits, type Json } from "./handwritten-commit.ts";

/** What the floor needs from the API server: its database and the scenario's ids. */
export interface HandwrittenFloorSpec {
  databaseFile: string;
  /** The student whose archive is read. */
  studentId: string;
  /** The student visit records are drafted for. */
  draftStudentId: string;
  teacherId: string;
  /** The Cookie header value that logs the teacher in. */
  teacherCookie: string;
}

interface Row {
  data: string;
}
interface StudentRow extends Row {
  school_id: string;
  county_id: string | null;
  city_id: string;
}

/** Record fields the audit log may show in clear (ids, codes, times); every other value is a keyed HMAC. */
const clearFields = new Set([
  "id",
  "schoolId",
  "studentId",
  "teacherId",
  "kind",
  "term",
  "channel",
  "arrivedAt",
  "departedAt",
  "status",
]);

/** Starts the floor on a free port of 127.0.0.1. */
export async function startHandwrittenFloor(spec: HandwrittenFloorSpec): Promise<{
  origin: string;
  close: () => Promise<void>;
}> {
  const db = new Database(spec.databaseFile);
  const commits = floorCommits(db, spec.databaseFile, "bench-handwritten-floor");
  const student = db.prepare<[string], StudentRow>(
    "SELECT data, school_id, county_id, city_id FROM hv_students WHERE id = ?",
  );
  const classById = db.prepare<[string], Row>("SELECT data FROM hv_classes WHERE id = ?");
  const appointments = db.prepare<[string], Row>("SELECT data FROM hv_appointments WHERE student_id = ? ORDER BY id");
  const mentorships = db.prepare<[string, string], Row>(
    "SELECT data FROM hv_mentorships WHERE student_id = ? AND mentor_id = ? ORDER BY id",
  );
  const flags = db.prepare<[string], Row>("SELECT data FROM hv_category_flags WHERE student_id = ? ORDER BY id");
  const visits = db.prepare<[string], Row>("SELECT data FROM hv_visit_records WHERE student_id = ? ORDER BY id");
  const consents = db.prepare<[string], Row>("SELECT data FROM hv_consents WHERE student_id = ? ORDER BY id");
  const templates = db.prepare<[string, string, string], Row>(
    "SELECT data FROM hv_form_templates WHERE scope IN (?, ?, ?) AND status = 'active' ORDER BY id",
  );
  const insertRecord = db.prepare(
    "INSERT INTO hv_visit_records (id, city_id, county_id, school_id, version, student_id, teacher_id, term, kind, channel, status, completed, visited_on, data) VALUES (?, ?, ?, ?, 1, ?, ?, ?, ?, ?, 'draft', 0, ?, ?)",
  );
  const insertIdempotency = db.prepare(
    "INSERT INTO hv_idempotency (actor_id, idem_key, request_hash, status, response, created_at) VALUES (?, ?, ?, 'completed', ?, ?) ON CONFLICT (actor_id, idem_key) DO NOTHING",
  );
  const storedAnswer = db.prepare<[string, string], { response: string }>(
    "SELECT response FROM hv_idempotency WHERE actor_id = ? AND idem_key = ?",
  );
  const key = "bench-handwritten-key";
  const hmac = (text: string) => createHmac("sha256", key).update(text).digest("hex");
  const answer = (res: ServerResponse, status: number, body: string) =>
    res
      .writeHead(status, {
        "Content-Type": "application/json",
        "Cache-Control": "no-store",
        "Content-Language": "zh-CN",
        Vary: "Accept-Language",
        ETag: `"${createHmac("sha256", key).update(body).digest("base64url")}"`,
      })
      .end(body);
  const refuse = (res: ServerResponse, status: number) =>
    res.writeHead(status, { "Content-Type": "application/problem+json" }).end();

  /** The student's row when the teacher may see them (class teacher, an appointment, a mentorship). */
  const related = (studentId: string) => {
    const row = student.get(studentId);
    if (row === undefined) return undefined;
    const record = JSON.parse(row.data) as { enrolments: { classId: string; to?: string }[] };
    const classId = record.enrolments.find((e) => e.to === undefined)?.classId;
    const classRecord = classId === undefined ? undefined : classById.get(classId);
    const appointmentRecords = appointments.all(studentId).map((r) => JSON.parse(r.data) as Json);
    const allowed =
      (classRecord !== undefined && (JSON.parse(classRecord.data) as Json).classTeacherId === spec.teacherId) ||
      appointmentRecords.some(
        (a) => a.teacherId === spec.teacherId || (a.companionIds as string[]).includes(spec.teacherId),
      ) ||
      mentorships.all(studentId, spec.teacherId).length > 0;
    return allowed ? { row, appointmentRecords } : undefined;
  };

  const archive = (res: ServerResponse, purpose: string) => {
    const found = related(spec.studentId);
    if (found === undefined) return refuse(res, 404);
    const byKey = (key: (r: Json) => string) => (a: Json, b: Json) => key(a).localeCompare(key(b));
    const body = JSON.stringify({
      studentId: spec.studentId,
      visits: visits
        .all(spec.studentId)
        .map((r) => JSON.parse(r.data) as Json)
        .filter((v) => v.status !== "draft")
        .sort(byKey((v) => String(v.arrivedAt ?? v.submittedAt ?? ""))),
      appointments: found.appointmentRecords.sort(byKey((a) => String(a.start))),
      flags: flags
        .all(spec.studentId)
        .map((r) => JSON.parse(r.data) as Json)
        .sort(byKey((f) => String(f.validFrom))),
    });
    commits.enqueue({
      write: (audit) =>
        audit({
          at: new Date().toISOString(),
          actorId: spec.teacherId,
          action: "students.archive",
          entity: "students",
          entityId: spec.studentId,
          schoolId: found.row.school_id,
          purpose: decodeURIComponent(purpose),
          result: "ok",
        }),
      answer: () => answer(res, 200, body),
      fail: () => refuse(res, 500),
    });
  };

  const draft = (res: ServerResponse, idempotencyKey: string, text: string) => {
    let input: { record?: Json };
    try {
      input = JSON.parse(text) as { record?: Json };
    } catch {
      return refuse(res, 400);
    }
    const fields = input.record;
    if (
      typeof fields !== "object" ||
      fields === null ||
      typeof fields.kind !== "string" ||
      typeof fields.term !== "string" ||
      typeof fields.channel !== "string" ||
      typeof fields.arrivedAt !== "string"
    ) {
      return refuse(res, 400);
    }
    const found = related(spec.draftStudentId);
    if (found === undefined) return refuse(res, 404);
    if (consents.all(spec.draftStudentId).length === 0) return refuse(res, 409);
    const { row } = found;
    templates.all(row.school_id, row.county_id ?? "", row.city_id);
    const record: Json = {
      id: randomUUID(),
      schoolId: row.school_id,
      studentId: spec.draftStudentId,
      teacherId: spec.teacherId,
      companionIds: [],
      ...fields,
      followUps: [],
      photos: [],
      status: "draft",
    };
    const recordText = JSON.stringify(record);
    const body = `{"record":${recordText},"version":1}`;
    const requestHash = createHash("sha256").update(text).digest("hex");
    const at = new Date().toISOString();
    let replay: string | undefined;
    const write: FloorWrite = {
      write(audit) {
        const stored = insertIdempotency.run(spec.teacherId, idempotencyKey, requestHash, body, at);
        if (stored.changes === 0) {
          replay = storedAnswer.get(spec.teacherId, idempotencyKey)?.response;
          return;
        }
        insertRecord.run(
          record.id,
          row.city_id,
          row.county_id,
          row.school_id,
          spec.draftStudentId,
          spec.teacherId,
          fields.term,
          fields.kind,
          fields.channel,
          (fields.arrivedAt as string).slice(0, 10),
          recordText,
        );
        const changes = Object.keys(record)
          .sort()
          .map((field) => {
            const value = record[field];
            const clear = typeof value === "string" && clearFields.has(field);
            return { field: `visitRecords.${field}`, after: clear ? value : `hmac:${hmac(JSON.stringify(value))}` };
          });
        audit({
          at,
          actorId: spec.teacherId,
          action: "records.draft",
          entity: "students",
          entityId: spec.draftStudentId,
          schoolId: row.school_id,
          result: "ok",
          changes,
        });
      },
      answer: () => answer(res, 201, replay ?? body),
      fail: () => refuse(res, 500),
    };
    commits.enqueue(write);
  };

  const archivePath = `/students/${spec.studentId}/archive`;
  const draftPath = `/students/${spec.draftStudentId}/visit-records`;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (req.headers.cookie !== spec.teacherCookie) return refuse(res, 401);
    const url = req.url ?? "";
    if (req.method === "GET" && url.endsWith(archivePath)) {
      const purpose = req.headers["homevisit-purpose"];
      return typeof purpose === "string" ? archive(res, purpose) : refuse(res, 400);
    }
    const idempotencyKey = req.headers["idempotency-key"];
    if (req.method === "POST" && url.endsWith(draftPath) && typeof idempotencyKey === "string") {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => draft(res, idempotencyKey, Buffer.concat(chunks).toString("utf8")));
      return;
    }
    refuse(res, 404);
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
      commits.close();
      db.close();
    },
  };
}
