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
