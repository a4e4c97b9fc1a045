// The soak's simulated campus: teachers who file a pre-visit safety report, draft a visit
// record, fill it in, attach photos and submit it; principals who read the school's dashboards;
// a county officer who pulls coverage reports. Every request goes over node:http to the host's
// real port and is recorded (route, start, end, status or socket error). Every write the server
// acknowledges (2xx with an id and a version) is kept for the verifier. Clients behave as a
// careful app would across a host restart: a create is retried with the same Idempotency-Key,
// and after an answer that leaves the outcome unknown (socket error, 5xx) the record is read
// back before the next versioned write.
import { randomUUID } from "node:crypto";
import { Agent, request } from "node:http";
import { performance } from "node:perf_hooks";
import { benchVisitRecord } from "../rest/shared.ts";
import { makeJpeg, makePng } from "./images.ts";
import type { AcknowledgedWrites, SoakServerReady, SoakStudent } from "./shared.ts";

/** One request as the client saw it. */
export interface Sample {
  route: string;
  /** ms since the run started. */
  start: number;
  end: number;
  /** HTTP status, or 0 for a socket error or timeout. */
  status: number;
  /** The problem's `code` for an error answer, or the socket error's code. */
  code?: string;
}

/** The answer a client acts on. */
interface Answer {
  status: number;
  json: Record<string, unknown> | undefined;
}

/** Longest a request may take before the client gives up on it (a stalled host). */
const requestTimeoutMs = 60_000;
/** The purpose header every full read states (it is audited). */
const purpose = encodeURIComponent("学期家访");
const term = { from: "2026-09-01", to: "2027-08-31" };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const between = (min: number, max: number) => min + Math.random() * (max - min);
function pick<T>(items: readonly T[]): T {
  return items[Math.floor(Math.random() * items.length)] as T;
}

/** What the campus shares: where the host is, what was acknowledged, every sample. */
export class Campus {
  readonly samples: Sample[] = [];
  readonly acknowledged = {
    visitRecords: new Map<string, AcknowledgedWrites["visitRecords"][number] & { teacherKey: string }>(),
    safetyReports: new Map<string, { id: string; version: number }>(),
    consents: new Map<string, { id: string; version: number }>(),
  };
  /** Versions a read after a fault showed below what had been acknowledged (seen live). */
  readonly regressions: string[] = [];
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 256 });
  private running = true;

  constructor(
    public host: SoakServerReady,
    private readonly t0: number,
    /** Think time between a user's steps, scaled (1 = the defaults below). */
    private readonly pace: number,
  ) {}

  get isRunning(): boolean {
    return this.running;
  }

  stop(): void {
    this.running = false;
  }

  close(): void {
    this.agent.destroy();
  }

  now(): number {
    return performance.now() - this.t0;
  }

  think(minMs: number, maxMs: number): Promise<unknown> {
    return sleep(between(minMs, maxMs) * this.pace);
  }

  /** A snapshot of the acknowledged writes, as the verifier reads them. */
  snapshot(): AcknowledgedWrites {
    return {
      visitRecords: [...this.acknowledged.visitRecords.values()].map((r) => ({
        id: r.id,
        version: r.version,
        submitted: r.submitted,
        photoBlobIds: [...r.photoBlobIds],
      })),
      safetyReports: [...this.acknowledged.safetyReports.values()],
      consents: [...this.acknowledged.consents.values()],
    };
  }

  /**
   * Sends one request as `persona` and records it under `route` (unless `record` is false: the
   * verification reads are not load). Never throws: a socket error is status 0.
   */
  send(
    route: string,
    persona: string,
    method: string,
    path: string,
    options: { headers?: Record<string, string>; body?: Buffer | string; record?: boolean } = {},
  ): Promise<Answer> {
    const start = this.now();
    const body = options.body === undefined ? undefined : Buffer.from(options.body);
    const url = new URL(`/api${path}`, this.host.origin);
    const headers: Record<string, string | number> = {
      Cookie: `${this.host.personaCookie}=${encodeURIComponent(persona)}`,
      "Accept-Language": "en",
      ...options.headers,
    };
    if (body) headers["Content-Length"] = body.length;
    return new Promise<Answer>((resolve) => {
      let settled = false;
      const done = (status: number, text: string, code?: string) => {
        if (settled) return;
        settled = true;
        let json: Record<string, unknown> | undefined;
        try {
          json = text === "" ? undefined : (JSON.parse(text) as Record<string, unknown>);
        } catch {
          json = undefined;
        }
        const problem = status >= 400 && typeof json?.code === "string" ? json.code : code;
        if (options.record !== false) {
          this.samples.push({
            route,
            start,
            end: this.now(),
            status,
            ...(problem === undefined ? {} : { code: problem }),
          });
        }
        resolve({ status, json });
      };
      const req = request(url, { method, agent: this.agent, headers, timeout: requestTimeoutMs }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => done(res.statusCode ?? 0, Buffer.concat(chunks).toString("utf8")));
        res.on("error", (error: NodeJS.ErrnoException) => done(0, "", error.code ?? "response_error"));
      });
      req.on("timeout", () => req.destroy(Object.assign(new Error("timeout"), { code: "TIMEOUT" })));
      req.on("error", (error: NodeJS.ErrnoException) => done(0, "", error.code ?? "socket_error"));
      req.end(body);
    });
  }

  /**
   * A create with an Idempotency-Key: retried with the same key while the outcome is unknown
   * (socket error, 5xx, 409 while the first attempt is still held), so a create acknowledged
   * before a crash is answered again, not made twice. Undefined when refused or out of time.
   */
  async create(
    route: string,
    persona: string,
    path: string,
    body: unknown,
  ): Promise<Record<string, unknown> | undefined> {
    const key = randomUUID();
    const payload = JSON.stringify(body);
    for (let attempt = 0; attempt < 120; attempt++) {
      const answer = await this.send(route, persona, "POST", path, {
        headers: { "Content-Type": "application/json", "Idempotency-Key": key },
        body: payload,
      });
      if (answer.status >= 200 && answer.status < 300) return answer.json;
      const unknown = answer.status === 0 || answer.status >= 500 || answer.status === 409;
      if (!unknown || !this.running) return undefined;
      await sleep(500);
    }
    return undefined;
  }
}

type RecordJson = {
  id: string;
  status: string;
  photos?: { blobId: string }[];
  teacherReflection?: unknown;
};

/** One simulated teacher's day, until the campus stops. */
export async function teacherLoop(campus: Campus, teacher: SoakServerReady["teachers"][number]): Promise<void> {
  let round = 0;
  while (campus.isRunning) {
    const student = teacher.students[round % teacher.students.length] as SoakStudent;
    round++;
    await campus.think(500, 2000);
    if (!campus.isRunning) break;
    if (round % 4 === 1) {
      await campus.send("GET /students", teacher.key, "GET", "/students?limit=20");
      await campus.send("GET /appointments", teacher.key, "GET", "/appointments?limit=20");
    }
    const report = await campus.create("POST /safety-reports", teacher.key, "/safety-reports", {
      studentIds: [student.id],
      destination: student.destination,
      plannedStart: new Date(Date.now() + 3_600_000).toISOString(),
      expectedDurationMinutes: 60,
      transportMode: "e_bike",
      noUnlicensedVehicle: true,
      reachablePhone: "13800001111",
    });
    const reportRecord = report?.report as { id?: string } | undefined;
    if (reportRecord?.id !== undefined) {
      campus.acknowledged.safetyReports.set(reportRecord.id, { id: reportRecord.id, version: Number(report?.version) });
    }
    await campus.think(300, 1500);
    if (!campus.isRunning) break;
    const drafted = await campus.create(
      "POST /students/{id}/visit-records",
      teacher.key,
      `/students/${student.id}/visit-records`,
      { record: { kind: "universal", term: "2026-2027-1", channel: "in_home" } },
    );
    const draft = drafted?.record as RecordJson | undefined;
    if (!drafted || !draft) continue;
    const ack = {
      id: draft.id,
      version: Number(drafted.version),
      submitted: false,
      photoBlobIds: [] as string[],
      teacherKey: teacher.key,
    };
    campus.acknowledged.visitRecords.set(draft.id, ack);
    await fillAndSubmit(campus, teacher.key, ack, 1 + Math.floor(Math.random() * 2));
    await campus.think(300, 1500);
    if (!campus.isRunning) break;
    await campus.send("GET /visit-records/{id}", teacher.key, "GET", `/visit-records/${draft.id}`, {
      headers: { "Homevisit-Purpose": purpose },
    });
  }
}

/** Saves the full record, attaches `photos` photos and submits, resyncing after unknown outcomes. */
async function fillAndSubmit(
  campus: Campus,
  persona: string,
  ack: { id: string; version: number; submitted: boolean; photoBlobIds: string[] },
  photos: number,
): Promise<void> {
  let version = ack.version;
  let status = "draft";
  let full = false;
  let attached = 0;
  let refusals = 0;
  const learn = (json: Record<string, unknown> | undefined) => {
    const record = json?.record as RecordJson | undefined;
    if (!record) return;
    version = Number(json?.version);
    status = record.status;
    full = record.teacherReflection !== undefined;
    attached = record.photos?.length ?? 0;
  };
  for (let step = 0; step < 40 && campus.isRunning && status === "draft"; step++) {
    await campus.think(300, 1200);
    let answer: Answer;
    if (!full) {
      answer = await campus.send("PUT /visit-records/{id}", persona, "PUT", `/visit-records/${ack.id}`, {
        headers: { "Content-Type": "application/json", "If-Match": `"${version}"` },
        body: JSON.stringify({ record: benchVisitRecord }),
      });
    } else if (attached < photos) {
      const seed = Math.floor(Math.random() * 1000);
      const jpeg = seed % 2 === 0;
      const bytes = jpeg ? makeJpeg(64 + (seed % 64), 48, seed) : makePng(48, 32 + (seed % 32), seed);
      answer = await campus.send(
        "POST /visit-records/{id}/photos",
        persona,
        "POST",
        `/visit-records/${ack.id}/photos?caption=${encodeURIComponent("学习角")}`,
        { headers: { "Content-Type": jpeg ? "image/jpeg" : "image/png", "If-Match": `"${version}"` }, body: bytes },
      );
    } else {
      answer = await campus.send(
        "POST /visit-records/{id}/submit",
        persona,
        "POST",
        `/visit-records/${ack.id}/submit`,
        {
          headers: { "If-Match": `"${version}"` },
        },
      );
    }
    if (answer.status >= 200 && answer.status < 300) {
      learn(answer.json);
      ack.version = Math.max(ack.version, version);
      if (status !== "draft") ack.submitted = true;
      const blobId = (answer.json?.photo as { blobId?: string } | undefined)?.blobId;
      if (blobId !== undefined) ack.photoBlobIds.push(blobId);
      continue;
    }
    if (answer.status >= 400 && answer.status < 500 && ++refusals > 3) return;
    // Unknown outcome or a refusal: read the record back before writing again.
    for (let tries = 0; tries < 120 && campus.isRunning; tries++) {
      if (answer.status === 0 || answer.status >= 500) await sleep(500);
      const read = await campus.send("GET /visit-records/{id}", persona, "GET", `/visit-records/${ack.id}`, {
        headers: { "Homevisit-Purpose": purpose },
      });
      if (read.status === 200) {
        learn(read.json);
        if (version < ack.version) {
          campus.regressions.push(`visit record ${ack.id} read at v${version} after v${ack.version} was acknowledged`);
        }
        break;
      }
      answer = read;
    }
  }
}

/** One of the principals: the school's dashboards, every one to three seconds. */
export async function principalLoop(campus: Campus): Promise<void> {
  const key = campus.host.principalKey;
  const groupings = ["class", "teacher", "grade", "category"] as const;
  while (campus.isRunning) {
    await campus.think(1000, 3000);
    if (!campus.isRunning) break;
    const view = Math.floor(Math.random() * 7);
    if (view === 0 || view === 1) {
      await campus.send(
        "GET /reports/coverage (school)",
        key,
        "GET",
        `/reports/coverage?from=${term.from}&to=${term.to}&groupBy=${pick(groupings)}`,
      );
    } else if (view === 2) {
      await campus.send("POST /safety-reports/overdue-scan", key, "POST", "/safety-reports/overdue-scan");
    } else if (view === 3) {
      await campus.send("GET /students", key, "GET", "/students?limit=50");
    } else if (view === 4) {
      await campus.send("GET /conduct-reports", key, "GET", "/conduct-reports?limit=50");
    } else if (view === 5) {
      await campus.send("GET /feedback", key, "GET", "/feedback?limit=50");
    } else {
      await campus.send("GET /audit", key, "GET", "/audit?limit=100");
    }
  }
}

/** The county officer: coverage of the county's schools, every two to five seconds. */
export async function countyLoop(campus: Campus): Promise<void> {
  const key = campus.host.countyKey;
  const groupings = ["school", "grade", "category", "channel"] as const;
  while (campus.isRunning) {
    await campus.think(2000, 5000);
    if (!campus.isRunning) break;
    await campus.send(
      "GET /reports/coverage (county)",
      key,
      "GET",
      `/reports/coverage?from=${term.from}&to=${term.to}&groupBy=${pick(groupings)}`,
    );
  }
}

/** Records each simulated teacher's students' guardian consents (the consent gate needs one). */
export async function grantConsents(campus: Campus): Promise<number> {
  const students = campus.host.teachers.flatMap((t) => t.students);
  let granted = 0;
  const queue = [...students];
  const worker = async () => {
    for (let s = queue.shift(); s !== undefined; s = queue.shift()) {
      const answer = await campus.create(
        "POST /students/{id}/consents",
        campus.host.principalKey,
        `/students/${s.id}/consents`,
        { guardianId: s.guardianId, grantedOn: "2026-09-01" },
      );
      const consent = answer?.consent as { id?: string } | undefined;
      if (consent?.id === undefined) throw new Error(`recording a consent failed for student ${s.id}`);
      campus.acknowledged.consents.set(consent.id, { id: consent.id, version: Number(answer?.version) });
      granted++;
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return granted;
}

/**
 * Reads every acknowledged visit record back through the API as its teacher and compares it
 * with what was acknowledged. Returns the problems found (ids and versions only).
 */
export async function verifyThroughApi(campus: Campus): Promise<{ checked: number; lost: string[] }> {
  const lost: string[] = [];
  const queue = [...campus.acknowledged.visitRecords.values()];
  const checked = queue.length;
  const worker = async () => {
    for (let want = queue.shift(); want !== undefined; want = queue.shift()) {
      let read: Answer = { status: 0, json: undefined };
      // A keep-alive socket the host closed as it was reused answers nothing: ask again.
      for (let attempt = 0; attempt < 5 && (read.status === 0 || read.status >= 500); attempt++) {
        if (attempt > 0) await sleep(200);
        read = await campus.send("verify", want.teacherKey, "GET", `/visit-records/${want.id}`, {
          headers: { "Homevisit-Purpose": purpose },
          record: false,
        });
      }
      const record = read.json?.record as RecordJson | undefined;
      if (read.status !== 200 || !record) {
        lost.push(`visit record ${want.id}: read answered ${read.status} ${String(read.json?.code ?? "")}`);
        continue;
      }
      const version = Number(read.json?.version);
      if (version < want.version) lost.push(`visit record ${want.id} at v${version}, acknowledged v${want.version}`);
      if (want.submitted && record.status === "draft") lost.push(`visit record ${want.id}: submission lost`);
      const photos = new Set((record.photos ?? []).map((p) => p.blobId));
      for (const blobId of want.photoBlobIds) {
        if (!photos.has(blobId)) lost.push(`visit record ${want.id}: photo ${blobId} lost`);
      }
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  return { checked, lost };
}
