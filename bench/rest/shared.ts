// Types and data shared by the REST bench's three processes (orchestrator, server, load generator).

/** What the api server tells the parent once it listens. */
export interface ApiServerReady {
  kind: "api";
  /** `http://127.0.0.1:<port>` */
  origin: string;
  /** The REST handler's base path, e.g. `/api`. */
  basePath: string;
  /** The Cookie header of the demo's mock login for the plain teacher. */
  teacherCookie: string;
  /** The student whose archive is read (one appointment, several submitted visit records). */
  archiveStudentId: string;
  /** The student the POST scenario drafts visit records for (kept apart so the archive stays the same size). */
  draftStudentId: string;
  /** Submitted visit records seeded into the archive. */
  archiveVisits: number;
  /** The SQLite file the API serves (the hand-written floor reads the same rows). */
  databaseFile: string;
  /** The plain teacher's actor id. */
  teacherId: string;
}

/** What a baseline or floor server tells the parent once it listens. */
export interface BaselineServerReady {
  kind: "baseline" | "audited" | "handwritten";
  origin: string;
}

/** The JSON the baseline serves: captured once from the real API. */
export interface BaselineFixture {
  /** Body of `GET …/archive`. */
  archive: string;
  /** Body of a `POST …/visit-records` answer (201). */
  draft: string;
}

/** The visit record the POST scenario drafts, and the seeding submits (every section filled). */
export const benchVisitRecord = {
  kind: "universal",
  term: "2026-2027-1",
  channel: "in_home",
  arrivedAt: "2026-10-08T07:30:00+08:00",
  departedAt: "2026-10-08T08:30:00+08:00",
  attendees: { student: true },
  outreachGoals: ["care"],
  familySituation: { notes: "家中情况良好，父母均在本地务工" },
  schoolFeedback: { notes: "在校表现积极，数学进步明显" },
  parentOpinions: { opinions: "希望减少作业量", suggestions: "增加体育活动" },
  teacherReflection: { reflection: "沟通顺畅，约定下月电话回访" },
  conduct: {
    items: {
      no_money_or_gifts: { kept: true },
      no_meals_or_reimbursement: { kept: true },
      no_transport_from_family: { kept: true },
      no_private_requests: { kept: true },
      no_entertainment: { kept: true },
      no_paid_tutoring: { kept: true },
    },
    attestedAt: "2026-10-08T08:50:00+08:00",
  },
} as const;

/** What to send and how hard. */
export interface LoadSpec {
  mode: "rate" | "max";
  /** Full URL on 127.0.0.1. */
  url: string;
  method: "GET" | "POST";
  headers: Record<string, string>;
  /** JSON body for POST. */
  body?: string;
  /** Send a fresh `Idempotency-Key` with every request (creates). */
  idempotencyKeys?: boolean;
  /** Requests per second in "rate" mode. */
  rate?: number;
  /** Sockets ("rate": the most in flight; "max": always in flight). */
  connections: number;
  /** Measured seconds. */
  seconds: number;
  /** Unmeasured seconds first (same mode), to warm the JIT and the connections. */
  warmupSeconds?: number;
}

/** What one load run measured. */
export interface LoadResult {
  /** Completed requests in the measured window. */
  requests: number;
  /** Every answer received, warm-up and drain included: the divisor of the server's CPU time. */
  answered: number;
  /** Responses outside 2xx and socket errors in the measured window. */
  errors: number;
  /** Status → count, `error` for socket errors, `timeout` for requests still open at the end. */
  statuses: Record<string, number>;
  /** Measured wall seconds. */
  seconds: number;
  /** Completed requests per second. */
  throughput: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** The first socket error's code, for diagnosis (no request content). */
  firstError?: string;
}

/** A server's main-thread pauses during one load window (reset at each report). */
export interface ServerPauses {
  /** Garbage collections, their total and longest pause, ms. */
  gcCount: number;
  gcTotalMs: number;
  gcMaxMs: number;
  /** How late the event loop ran a 1 ms timer: p99 and max, ms. */
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
}
