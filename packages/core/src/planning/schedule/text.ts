import type { Obligation } from "../../domain/planning.js";
import type { ErrorCode } from "../../shared/errors/catalog.js";
import { errorCatalog } from "../../shared/errors/catalog.js";
import { localizeAll } from "../../shared/i18n.js";
import type { UnscheduledObligation } from "./options.js";

/** Small text and number helpers of the scheduler: times, keys, reasons. */

/** Minutes since midnight as `HH:mm`, cached: every slot prints two. */
const clockTexts: string[] = [];
export function unscheduledOf(
  obligation: Pick<Obligation, "id" | "studentId">,
  code: ErrorCode,
  params: Record<string, string | number> = {},
): UnscheduledObligation {
  return {
    obligationId: obligation.id,
    studentId: obligation.studentId,
    code,
    reason: localizeAll(errorCatalog[code].message, params),
  };
}

export function minutes(time: string): number {
  return Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));
}

export function clock(total: number): string {
  let text = total >= 0 && total < 2880 ? clockTexts[total] : undefined;
  if (text === undefined) {
    const h = Math.floor(total / 60);
    const m = total % 60;
    text = `${String(h).padStart(2, "0")}:${String(m).padStart(2, "0")}`;
    if (total >= 0 && total < 2880) clockTexts[total] = text;
  }
  return text;
}

/** `HHmm` of minutes since midnight, as trip ids print the start. */
export function compactClock(total: number): string {
  let text = total >= 0 && total < 2880 ? compactClockTexts[total] : undefined;
  if (text === undefined) {
    text = clock(total).replace(":", "");
    if (total >= 0 && total < 2880) compactClockTexts[total] = text;
  }
  return text;
}

const compactClockTexts: string[] = [];

/**
 * Compares two task keys, each an id followed by a suffix, as their concatenated texts compare,
 * without building them: ids that differ before either ends decide alone.
 */
export function cmpKeys(idA: string, suffixA: string, idB: string, suffixB: string): number {
  if (idA === idB) return cmp(suffixA, suffixB);
  if (suffixA === "" && suffixB === "") return cmp(idA, idB);
  // Ids of one length differ before either ends; most ids of a run have the same length.
  if (idA.length !== idB.length && (idA.startsWith(idB) || idB.startsWith(idA))) {
    return cmp(idA + suffixA, idB + suffixB);
  }
  return cmp(idA, idB);
}

export function snap(value: number, step: number): number {
  return Math.ceil(value / step) * step;
}

export function cmp(a: string, b: string): number {
  // Equal texts first: unequal ones of known hashes answer at once, so most calls compare
  // their code units once rather than twice.
  return a === b ? 0 : a < b ? -1 : 1;
}
