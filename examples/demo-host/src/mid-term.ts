// The demo school as it looks mid-term: every guardian's consent on record and most of one
// class visited (the seeding the widget examples share, examples/shared/src/mid-term.ts), and a
// trip of the plain teacher whose check-in is overdue. Written through the engine, so every row
// is validated and audited.
import { type Actor, createEngine, fixedClock, type Student } from "@homevisit/core";
import type { BlobStore, Storage } from "@homevisit/core/storage";
import { recordTermConsents, seedClassVisits } from "@homevisit-examples/shared/mid-term";

/** The date in China Standard Time of an instant, `YYYY-MM-DD`. */
export const shanghaiDay = (ms: number) => new Date(ms + 8 * 3_600_000).toISOString().slice(0, 10);

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
  await recordTermConsents(engine, input.principal, input.students, `${term.slice(0, 4)}-09-01`);
  // Most of the class visited in the past days of this month.
  await seedClassVisits(engine, input.classTeacher, input.classStudentIds, term, (i) =>
    shanghaiDay(input.now - (1 + (i % 9)) * 86_400_000),
  );
  // A trip that left for an hour at the last after-school hour at least two hours ago, and never
  // checked in: overdue on the board (at a realistic time, not at 2 a.m. when the host starts
  // before dawn).
  const trip = input.assigned[1];
  if (trip) {
    const tripClock = fixedClock(lastVisitingHour(input.now - 2 * 3_600_000));
    const tripEngine = createEngine({
      storage,
      blobs: storage.blobs,
      clock: tripClock,
      config: { audit: { hmacKey: input.auditKey } },
    });
    await tripEngine.safety.fileReport(
      input.teacher,
      {
        studentIds: [trip.id],
        destination: { county: trip.address.county, town: trip.address.town, village: trip.address.village },
        plannedStart: tripClock.now(),
        expectedDurationMinutes: 60,
        transportMode: "e_bike",
        noUnlicensedVehicle: true,
        reachablePhone: "13800001111",
      },
      { idempotencyKey: "demo-overdue-trip" },
    );
  }
}

/**
 * The latest 16:30 China Standard Time (when after-school visits begin) at or before an instant,
 * as an ISO instant with its offset.
 *
 * @example
 * ```ts
 * lastVisitingHour(Date.parse("2026-12-08T05:00:00+08:00")); // "2026-12-07T16:30:00+08:00"
 * ```
 */
export function lastVisitingHour(ms: number): string {
  const today = shanghaiDay(ms);
  const at = Date.parse(`${today}T16:30:00+08:00`);
  return `${at <= ms ? today : shanghaiDay(at - 86_400_000)}T16:30:00+08:00`;
}
