// Types shared by the soak's processes: the orchestrator (clients, faults, report), the server
// (the demo campus host) and the verifier (reads the database file).

/** What the orchestrator passes the server in argv[2]. */
export interface SoakServerSpec {
  /** The SQLite file: created and seeded on the first start, reused after each kill. */
  filename: string;
  /** The port to listen on (the same one after each restart). */
  port: number;
  /** About how many students the demo's seed generates (enough for the teachers' students). */
  students: number;
  /** Simulated teachers, each a real teacher of the seeded school. */
  teachers: number;
  /** Students assigned to each simulated teacher by appointment. */
  studentsPerTeacher: number;
}

/** One student a simulated teacher visits. */
export interface SoakStudent {
  id: string;
  /** The guardian whose consent the setup records (the consent gate needs one). */
  guardianId: string;
  /** Where the pre-visit safety report says the teacher goes, to the village. */
  destination: { county: string; town: string; village: string };
}

/** What the server prints once it listens: `READY <json>`. */
export interface SoakServerReady {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  /** Whether this start seeded the database (true only on the first). */
  seeded: boolean;
  /** The demo's login-mock cookie name; its value is a persona key. */
  personaCookie: string;
  principalKey: string;
  countyKey: string;
  countyId: string;
  teachers: { key: string; id: string; students: SoakStudent[] }[];
}

/** Writes the server acknowledged (2xx with an id and a version), as the verifier checks them. */
export interface AcknowledgedWrites {
  /** Visit records: the highest version acknowledged, and what that version must hold. */
  visitRecords: { id: string; version: number; submitted: boolean; photoBlobIds: string[] }[];
  safetyReports: { id: string; version: number }[];
  consents: { id: string; version: number }[];
}

/** What the verifier found: every acknowledged write present, or what is missing. */
export interface VerifyResult {
  checked: number;
  lost: number;
  /** Up to 20 descriptions of lost writes (ids and versions only). */
  examples: string[];
  /** `PRAGMA quick_check` on the file. */
  integrity: string;
  /** Photos any visit record names (acknowledged or not) whose bytes are not in the blob table. */
  danglingPhotos: number;
  /** The database file and its WAL, bytes. */
  databaseBytes: number;
  walBytes: number;
}
