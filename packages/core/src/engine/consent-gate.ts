import type { Consent } from "../domain/consent.js";
import { ageOn, type Student } from "../domain/student.js";
import type { StorageTx } from "../ports/storage.js";
import { HomevisitError } from "../shared/errors/homevisit-error.js";
import type { EngineConfig } from "./config.js";
import { loadAll } from "./util.js";

/**
 * The order of a student's consents, oldest first: by `sequence` (consents recorded before it
 * existed count as 0, and are older than any that has one), then `recordedAt`, then — for old
 * consents recorded in the same instant, whose real order is lost — a withdrawn one after a
 * granted one, so that an unknowable order errs on the side of the withdrawal; the id last, so
 * the order is total.
 *
 * @example
 * ```ts
 * [second, first].sort(compareConsents); // [first, second] when first.sequence = 1, second.sequence = 2
 * ```
 */
export function compareConsents(
  a: Pick<Consent, "sequence" | "recordedAt" | "status" | "id">,
  b: Pick<Consent, "sequence" | "recordedAt" | "status" | "id">,
): number {
  const statusRank = (c: Pick<Consent, "status">) => (c.status === "withdrawn" ? 1 : 0);
  return (
    (a.sequence ?? 0) - (b.sequence ?? 0) ||
    Date.parse(a.recordedAt) - Date.parse(b.recordedAt) ||
    statusRank(a) - statusRank(b) ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  );
}

/**
 * The consent that decides the consent gate: the latest recorded ({@link compareConsents}).
 *
 * @example
 * ```ts
 * latestConsent([granted, withdrawnLater])?.status; // "withdrawn"
 * latestConsent([]); // undefined
 * ```
 */
export function latestConsent<C extends Pick<Consent, "sequence" | "recordedAt" | "status" | "id">>(
  consents: readonly C[],
): C | undefined {
  let latest: C | undefined;
  for (const c of consents) if (latest === undefined || compareConsents(c, latest) > 0) latest = c;
  return latest;
}

/**
 * The next `sequence` for a consent of a student: 1 + the highest on record.
 *
 * @example
 * ```ts
 * nextConsentSequence([{ sequence: 2 }, {}]); // 3
 * nextConsentSequence([]); // 1
 * ```
 */
export function nextConsentSequence(consents: readonly Pick<Consent, "sequence">[]): number {
  return 1 + Math.max(0, ...consents.map((c) => c.sequence ?? 0));
}

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
  const latest = latestConsent(consents.map((c) => c.record));
  if (latest?.status === "withdrawn") throw new HomevisitError("consent_withdrawn");
  if (!config.consent.required) return;
  if (ageOn(student.dateOfBirth, today) >= config.consent.ageThreshold) return;
  if (latest?.status !== "granted") {
    throw new HomevisitError("consent_required", { params: { age: config.consent.ageThreshold } });
  }
}
