import { describe, expect, it } from "vitest";
import { compareConsents, latestConsent, nextConsentSequence } from "../src/engine/consent-gate.js";

/**
 * RELIABILITY.md promise 4 (consent enforced): which guardian consent is in force decides
 * whether sensitive categories of a child under 14 may be written. The latest consent wins by
 * sequence, then time, then a withdrawal over a grant recorded at the same moment.
 */
const consent = (id: string, status: "granted" | "withdrawn", recordedAt: string, sequence?: number) => ({
  id,
  status,
  recordedAt,
  ...(sequence === undefined ? {} : { sequence }),
});

describe("consent gate: the consent in force", () => {
  it("orders by sequence first, whatever the clock said", () => {
    const a = consent("a", "withdrawn", "2026-10-02T09:00:00+08:00", 1);
    const b = consent("b", "granted", "2026-10-01T09:00:00+08:00", 2);
    expect(latestConsent([a, b])?.id).toBe("b");
    expect(latestConsent([b, a])?.id).toBe("b");
    expect(compareConsents(a, b)).toBeLessThan(0);
    expect(compareConsents(b, a)).toBeGreaterThan(0);
  });

  it("then by time, then a withdrawal over a grant at the same moment, then by id", () => {
    const early = consent("z", "granted", "2026-10-01T09:00:00+08:00");
    const late = consent("a", "granted", "2026-10-01T10:00:00+08:00");
    expect(latestConsent([late, early])?.id).toBe("a");
    // The grant's id sorts last, so only the status rank makes the withdrawal win.
    const grant = consent("z", "granted", "2026-10-01T09:00:00+08:00", 3);
    const withdrawal = consent("a", "withdrawn", "2026-10-01T01:00:00Z", 3);
    expect(latestConsent([withdrawal, grant])?.id).toBe("a");
    expect(latestConsent([grant, withdrawal])?.id).toBe("a");
    expect(compareConsents(withdrawal, grant)).toBeGreaterThan(0);
    const x = consent("zz", "granted", "2026-10-01T09:00:00+08:00", 3);
    expect(compareConsents(x, grant)).toBeGreaterThan(0);
    expect(compareConsents(grant, x)).toBeLessThan(0);
    expect(compareConsents(grant, grant)).toBe(0);
    expect(latestConsent([])).toBeUndefined();
  });

  it("numbers the next consent after the highest sequence, missing sequences counting as 0", () => {
    expect(nextConsentSequence([])).toBe(1);
    expect(nextConsentSequence([{}, { sequence: 4 }, { sequence: 2 }])).toBe(5);
    expect(nextConsentSequence([{ sequence: -3 }])).toBe(1);
  });
});
