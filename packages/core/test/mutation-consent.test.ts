import type { EngineConfig, Student } from "@homevisit/core";
import type { StorageTx } from "@homevisit/core/storage";
import { describe, expect, it } from "vitest";
import { latestConsent, requireConsent } from "../src/engine/consent-gate.js";

/**
 * The consent gate itself (RELIABILITY.md promise 4) without storage: a transaction whose
 * consent list is a fixed set of pages, so each refusal is checked by its code and parameter,
 * and the pages are checked to be read to the end and for this student only.
 */

type ConsentRow = { id: string; status: "granted" | "withdrawn"; recordedAt: string; sequence?: number };

function txWith(pages: ConsentRow[][]) {
  const calls: { where: unknown; cursor: string | undefined; limit: number }[] = [];
  const tx = {
    consents: {
      list: async (query: { where: unknown; cursor?: string; limit: number }) => {
        calls.push({ where: query.where, cursor: query.cursor, limit: query.limit });
        const index = query.cursor === undefined ? 0 : Number(query.cursor);
        const next = index + 1 < pages.length ? String(index + 1) : undefined;
        return { items: (pages[index] ?? []).map((record) => ({ record })), nextCursor: next };
      },
    },
  } as unknown as StorageTx;
  return { tx, calls };
}

const config = (consent: Partial<EngineConfig["consent"]> = {}) =>
  ({ consent: { required: true, ageThreshold: 14, purgeAfterDays: 30, ...consent } }) as EngineConfig;
const child = { id: "s-001", dateOfBirth: "2013-05-20" } as Student;
const granted: ConsentRow = { id: "c1", status: "granted", recordedAt: "2026-09-01T09:00:00+08:00", sequence: 1 };
const withdrawn: ConsentRow = { id: "c2", status: "withdrawn", recordedAt: "2026-09-02T09:00:00+08:00", sequence: 2 };

async function refusal(promise: Promise<void>): Promise<{ code: string; params?: unknown } | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    const e = error as { code: string; params?: unknown };
    return { code: e.code, params: e.params };
  }
}

describe("requireConsent", () => {
  it("refuses a child under the threshold without consent, naming the threshold", async () => {
    const { tx, calls } = txWith([[]]);
    expect(await refusal(requireConsent(tx, config(), child, "2027-05-19"))).toEqual({
      code: "consent_required",
      params: { age: 14 },
    });
    expect(calls).toEqual([{ where: { studentId: "s-001" }, cursor: undefined, limit: 1000 }]);
  });

  it("lets a child under the threshold with a granted consent pass", async () => {
    expect(await refusal(requireConsent(txWith([[granted]]).tx, config(), child, "2027-05-19"))).toBeUndefined();
  });

  it("from the threshold's birthday on, no consent is needed", async () => {
    expect(await refusal(requireConsent(txWith([[]]).tx, config(), child, "2027-05-20"))).toBeUndefined();
    expect(await refusal(requireConsent(txWith([[]]).tx, config({ ageThreshold: 12 }), child, "2025-05-20"))).toBe(
      undefined,
    );
    expect(await refusal(requireConsent(txWith([[]]).tx, config({ ageThreshold: 12 }), child, "2025-05-19"))).toEqual({
      code: "consent_required",
      params: { age: 12 },
    });
  });

  it("a withdrawal refuses every sensitive write, whatever the age and even when consent is not required", async () => {
    for (const cfg of [config(), config({ required: false })]) {
      for (const today of ["2027-05-19", "2031-01-01"]) {
        const { tx } = txWith([[granted, withdrawn]]);
        expect(await refusal(requireConsent(tx, cfg, child, today))).toMatchObject({ code: "consent_withdrawn" });
      }
    }
  });

  it("when consent is not required, a child without one passes", async () => {
    expect(await refusal(requireConsent(txWith([[]]).tx, config({ required: false }), child, "2020-01-01"))).toBe(
      undefined,
    );
  });

  it("reads every page: a withdrawal on the last page still refuses, a grant on it still counts", async () => {
    const paged = txWith([[granted], [], [withdrawn]]);
    expect(await refusal(requireConsent(paged.tx, config(), child, "2027-05-19"))).toMatchObject({
      code: "consent_withdrawn",
    });
    expect(paged.calls.map((c) => c.cursor)).toEqual([undefined, "1", "2"]);
    const regranted = { ...granted, id: "c3", sequence: 3, recordedAt: "2026-09-03T09:00:00+08:00" };
    const later = txWith([[granted, withdrawn], [regranted]]);
    expect(await refusal(requireConsent(later.tx, config(), child, "2027-05-19"))).toBeUndefined();
  });
});

describe("latestConsent", () => {
  it("keeps the first of two equal consents and the later of two different ones, in any order", () => {
    const a = { ...granted };
    const b = { ...granted };
    expect(latestConsent([a, b])).toBe(a);
    expect(latestConsent([granted, withdrawn])).toBe(withdrawn);
    expect(latestConsent([withdrawn, granted])).toBe(withdrawn);
    expect(latestConsent([])).toBeUndefined();
  });
});
