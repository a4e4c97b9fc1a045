// The mid-term seeding the demo host (SQLite) and the widget examples (memory) share, written
// through the engine so every row is validated and audited: guardians' consents as a school
// records them at the start of term (without them the first draft answers 403
// consent_required), and most of one class visited by its class teacher.
import type { Actor, Engine, Student } from "@homevisit/core";

const kept = { kept: true };

/**
 * A visit record that passes submission (R4 sections, the six prohibitions attested), for
 * seeded visits and for tests that need a complete one.
 *
 * @example
 * ```ts
 * completeVisit("2026-2027-1", "2026-11-03T18:00:00+08:00", "2026-11-03T19:00:00+08:00").conduct.attestedAt;
 * // "2026-11-03T19:00:00+08:00"
 * ```
 */
export function completeVisit(term: string, arrivedAt: string, departedAt: string) {
  return {
    kind: "universal" as const,
    term,
    channel: "in_home" as const,
    arrivedAt,
    departedAt,
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
      attestedAt: departedAt,
    },
  };
}

/**
 * Records the consent of each student's first guardian, as the principal, on `grantedOn`
 * (PIPL art. 31: a school collects them at the start of term). Idempotent per student, so a
 * second seeding of the same database records nothing twice.
 *
 * @example
 * ```ts
 * await recordTermConsents(engine, principal, students, "2026-09-01");
 * ```
 */
export async function recordTermConsents(
  engine: Engine,
  principal: Actor,
  students: readonly Student[],
  grantedOn: string,
): Promise<void> {
  for (const s of students) {
    const guardian = s.guardians[0];
    if (guardian === undefined) continue;
    await engine.consent.record(
      principal,
      { studentId: s.id, guardianId: guardian.id, grantedOn, evidence: "开学家长会签字" },
      { idempotencyKey: `seed-consent-${s.id}` },
    );
  }
}

/**
 * The class teacher's visits so far: 60 % of the class (rounded up) visited and submitted, one
 * evening each, on the day `dayOf(i)` gives the i-th student (`YYYY-MM-DD`, China Standard Time).
 * Answers the students visited.
 *
 * @example
 * ```ts
 * await seedClassVisits(engine, classTeacher, classStudentIds, "2026-2027-1", (i) => `2026-11-0${1 + (i % 9)}`);
 * ```
 */
export async function seedClassVisits(
  engine: Engine,
  classTeacher: Actor,
  classStudentIds: readonly string[],
  term: string,
  dayOf: (index: number) => string,
): Promise<string[]> {
  const visited = classStudentIds.slice(0, Math.ceil(classStudentIds.length * 0.6));
  for (const [i, studentId] of visited.entries()) {
    const day = dayOf(i);
    const record = completeVisit(term, `${day}T18:00:00+08:00`, `${day}T19:00:00+08:00`);
    const draft = await engine.records.draft(
      classTeacher,
      { studentId, record },
      { idempotencyKey: `seed-visit-${studentId}` },
    );
    await engine.records.submit(classTeacher, { recordId: draft.record.id, expectedVersion: draft.version });
  }
  return visited;
}
