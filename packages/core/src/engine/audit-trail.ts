import { type AuditEntryInput, type AuditRecord, signAuditHead } from "../ports/audit-chain.js";
import type { IdGenerator } from "../ports/ids.js";
import type { StorageTx } from "../ports/storage.js";
import { type AuditServices, auditKeyringOf } from "./audit-services.js";
import type { EngineConfig } from "./config.js";
import type { Actor } from "./policy/actor.js";
import { type HomevisitLogger, safeLogger } from "./telemetry.js";

/** What an audit trail needs of the engine. */
export interface AuditTrailDeps {
  config: EngineConfig;
  newId: IdGenerator;
  audit?: AuditServices;
  logger?: HomevisitLogger;
}

/** The call whose rows a trail writes: its use case name, actor and instant. */
export interface AuditedCall {
  name: string;
  actor: Actor;
  now: string;
}

const quiet = safeLogger(undefined);

/**
 * The audit action name of a use case: `students.flagCategory` → `students.flag_category`.
 *
 * @example
 * ```ts
 * auditActionName("students.flagCategory"); // "students.flag_category"
 * ```
 */
export function auditActionName(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** A call's audit rows: appended in a transaction, anchored once their transaction committed. */
export interface AuditTrail {
  readonly services: AuditServices;
  append(tx: StorageTx, row: Omit<AuditEntryInput, "at" | "actorId" | "action">): Promise<AuditRecord>;
  /** Publishes signed heads of committed rows every `anchorEvery` rows (never fails the call). */
  anchorCommitted(): Promise<void>;
}

/**
 * The audit rows of one call: each appended with the call's instant, actor and action; a chain
 * that had to restart is an event and a warning; committed rows are anchored every
 * `anchorEvery` rows.
 *
 * @example
 * ```ts
 * const trail = auditTrail(deps, { name: "students.read", actor, now });
 * await storage.transaction((tx) => trail.append(tx, { chainId: "sch-1", entity: "students", result: "ok" }));
 * await trail.anchorCommitted();
 * ```
 */
export function auditTrail(deps: AuditTrailDeps, call: AuditedCall): AuditTrail {
  const services = deps.audit ?? { keys: auditKeyringOf(deps.config) };
  const signingKey = services.keys[0];
  const logger = deps.logger ?? quiet;
  const auditAction = auditActionName(call.name);
  /** Rows this call appended, to anchor after their transaction commits. */
  const appended: AuditRecord[] = [];
  return {
    services,
    async append(tx, row) {
      const record = await tx.audit.append(
        { ...row, at: call.now, actorId: call.actor.id, action: auditAction },
        signingKey === undefined ? {} : { key: signingKey },
      );
      appended.push(record);
      if (record.resumedAfter !== undefined) {
        // Rows the chain did not write were found after its head: it went on as a new segment.
        // The school's work goes on; the break is an event now and a finding of every verify.
        await tx.outbox.append({
          id: deps.newId(),
          topic: "audit.chain_restarted",
          ...(row.schoolId === undefined ? {} : { schoolId: row.schoolId }),
          at: call.now,
          payload: { chainId: record.chainId, seq: record.seq, resumedAfter: record.resumedAfter },
        });
        logger.warn(
          { event: "audit_chain_restarted", seq: record.seq, resumedAfter: record.resumedAfter },
          "homevisit audit chain: rows it did not write were found; a new segment started",
        );
      }
      return record;
    },
    async anchorCommitted() {
      const rows = appended.splice(0);
      const anchor = services.anchor;
      if (anchor === undefined || signingKey === undefined) return;
      for (const record of rows) {
        if (record.seq % deps.config.audit.anchorEvery !== 0) continue;
        try {
          await anchor.publish(
            signAuditHead({ chainId: record.chainId, count: record.seq, hash: record.hash }, signingKey, call.now),
          );
        } catch (error) {
          logger.error(
            { event: "audit_anchor_failed", errorName: error instanceof Error ? error.name : typeof error },
            "homevisit audit anchor: publishing a head failed",
          );
        }
      }
    },
  };
}
