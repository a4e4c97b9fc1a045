import { HomevisitError } from "../errors/homevisit-error.js";
import type { StorageTx } from "../storage/port.js";
import { ageOn, type Student } from "../student.js";
import type { EngineConfig } from "./config.js";
import { loadAll } from "./util.js";

/**
 * The consent gate for writing sensitive data about a student (RELIABILITY.md promise 4):
 * - when the student's latest consent is withdrawn, every sensitive write is refused
 *   (`consent_withdrawn`), whatever the child's age;
 * - when consent is required (the default) and the child is under the threshold (14) on
 *   `today`, a granted consent must be on record (`consent_required`).
 *
 * @example
 * ```ts
 * await requireConsent(tx, config, student, "2026-10-08"); // throws consent_required for a 12-year-old without consent
 * ```
 */
export async function requireConsent(
  tx: StorageTx,
  config: EngineConfig,
  student: Student,
  today: string,
): Promise<void> {
  const consents = await loadAll((cursor) =>
    tx.consents.list({ where: { studentId: student.id }, cursor, limit: 1000 }),
  );
  const latest = consents
    .map((c) => c.record)
    .sort((a, b) => a.recordedAt.localeCompare(b.recordedAt) || a.id.localeCompare(b.id))
    .at(-1);
  if (latest?.status === "withdrawn") throw new HomevisitError("consent_withdrawn");
  if (!config.consent.required) return;
  if (ageOn(student.dateOfBirth, today) >= config.consent.ageThreshold) return;
  if (latest?.status !== "granted") {
    throw new HomevisitError("consent_required", { params: { age: config.consent.ageThreshold } });
  }
}
