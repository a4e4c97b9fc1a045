// The audit chain's test fixtures, shared by the verifier tests: two chain keys (the current
// and the previous one, as a host rotates them) and the entry for a row `i` of a chain.
import type { AuditChainKey, AuditEntry } from "@homevisit/core/storage";
import { auditEntrySchema } from "@homevisit/core/storage";

/** The host's current chain key. */
export const chainKey: AuditChainKey = { id: "k-2026", secret: "the-host-chain-secret-0001" };

/** The key it rotated from. */
export const previousChainKey: AuditChainKey = { id: "k-2025", secret: "the-host-chain-secret-0000" };

/**
 * A teacher's student read as row `i` of a chain (time, actor and student vary with `i`),
 * parsed as the engine would store it; `extra` adds or replaces fields.
 *
 * @example
 * ```ts
 * chainAuditEntry(undefined, auditEntryAt(1)); // the first row of sch-1's chain
 * auditEntryAt(2, "sch-2", { purpose: "准备家访" });
 * ```
 */
export function auditEntryAt(i: number, chainId = "sch-1", extra: Record<string, unknown> = {}): AuditEntry {
  return auditEntrySchema.parse({
    chainId,
    at: `2026-10-08T09:${String(i % 60).padStart(2, "0")}:00+08:00`,
    actorId: `t${i % 7}`,
    action: "student.read",
    entity: "students",
    entityId: `s${i}`,
    result: "ok",
    ...extra,
  });
}
