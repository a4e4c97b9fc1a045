// The demo school as it looks mid-term: every guardian's consent on record (as a school
// collects them at the start of term — without them the first draft answers 403
// consent_required), most of one class visited, a visit today for the plain teacher and a trip
// whose check-in is overdue. Written through the engine, so every row is validated and audited.
import { type Actor, createEngine, fixedClock, type Student } from "@homevisit/core";
import type { BlobStore, Storage } from "@homevisit/core/storage";

const kept = { kept: true };

/** A visit record that passes submission, for the seeded visits. */
function doneVisit(term: string, day: string) {
  return {
    kind: "universal" as const,
    term,
    channel: "in_home" as const,
    arrivedAt: `${day}T18:00:00+08:00`,
    departedAt: `${day}T19:00:00+08:00`,
    attendees: { student: true, guardians: [{ relation: "mother" as const }] },
    outreachGoals: ["care" as const, "guidance" as const],
    familySituation: { notes: "家庭和睦，学习环境安静" },
    schoolFeedback: { topics: ["learning" as const], notes: "上课专注，作业认真" },
    parentOpinions: { opinions: "希望多反馈孩子在校情况" },
    teacherReflection: { reflection: "沟通顺畅，约定每月电话联系" },
    conduct: {
      items: {
        no_money_or_gifts: kept,
        no_meals_or_reimbursement: kept,
        no_transport_from_family: kept,
        no_private_requests: kept,
        no_entertainment: kept,
        no_paid_tutoring: kept,
      },
      attestedAt: `${day}T19:05:00+08:00`,
    },
  };
}

/** The date in China Standard Time of an instant, `YYYY-MM-DD`. */
const shanghaiDay = (ms: number) => new Date(ms + 8 * 3_600_000).toISOString().slice(0, 10);

/** What the mid-term seeding needs to know of the school. */
export interface MidTermInput {
  storage: Storage & { readonly blobs: BlobStore };
  auditKey: string;
  /** Seeding time (epoch ms); the overdue trip started three hours before it. */
  now: number;
  students: readonly Student[];
  principal: Actor;
  classTeacher: Actor;
  teacher: Actor;
  /** The class teacher's students, most of whom were visited. */
  classStudentIds: readonly string[];
  /** The plain teacher's students. */
  assigned: readonly Student[];
}

/**
 * Seeds the mid-term state (see the file's header). Returns the term used.
 *
 * @example
 * ```ts
 * await seedMidTerm({ storage, auditKey, now: Date.now(), students, principal, classTeacher, teacher, classStudentIds, assigned });
 * ```
 */
export async function seedMidTerm(input: MidTermInput): Promise<void> {
  const { storage } = input;
  const today = shanghaiDay(input.now);
  const year = Number(today.slice(0, 4));
  const month = Number(today.slice(5, 7));
  const term = month >= 8 ? `${year}-${year + 1}-1` : `${year - 1}-${year}-${month >= 2 ? 2 : 1}`;
  const clock = fixedClock(new Date(input.now - 3 * 3_600_000).toISOString());
  const engine = createEngine({ storage, blobs: storage.blobs, clock, config: { audit: { hmacKey: input.auditKey } } });
  for (const s of input.students) {
    const guardian = s.guardians[0];
    if (guardian === undefined) continue;
    await engine.consent.record(
      input.principal,
      { studentId: s.id, guardianId: guardian.id, grantedOn: `${term.slice(0, 4)}-09-01`, evidence: "开学家长会签字" },
      { idempotencyKey: `demo-consent-${s.id}` },
    );
  }
  // Most of the class visited in the past days of this month.
  const visited = input.classStudentIds.slice(0, Math.ceil(input.classStudentIds.length * 0.6));
  for (const [i, studentId] of visited.entries()) {
    const day = shanghaiDay(input.now - (1 + (i % 9)) * 86_400_000);
    const { record, version } = await engine.records.draft(
      input.classTeacher,
      { studentId, record: doneVisit(term, day) },
      { idempotencyKey: `demo-visit-${studentId}` },
    );
    await engine.records.submit(input.classTeacher, { recordId: record.id, expectedVersion: version });
  }
  // A trip that left three hours ago for an hour and never checked in: overdue on the board.
  const trip = input.assigned[1];
  if (trip) {
    await engine.safety.fileReport(
      input.teacher,
      {
        studentIds: [trip.id],
        destination: { county: trip.address.county, town: trip.address.town, village: trip.address.village },
        plannedStart: clock.now(),
        expectedDurationMinutes: 60,
        transportMode: "e_bike",
        noUnlicensedVehicle: true,
        reachablePhone: "13800001111",
      },
      { idempotencyKey: "demo-overdue-trip" },
    );
  }
}
