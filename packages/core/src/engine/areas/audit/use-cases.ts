import { auditGenesisHash, verifyAuditLog } from "../../../ports/audit-chain.js";
import { schoolTarget } from "../../targets.js";
import { implementUseCase } from "../../use-case.js";
import { auditContracts } from "./contract.js";

/** Lets other requests run between the pages of a long verification. */
const pause = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/** The audit area: query the actor's school chain and verify it end to end. */
export const auditUseCases = {
  query: implementUseCase(auditContracts.query, {
    resolveTarget: (ctx) => schoolTarget(ctx),
    async run(ctx, input) {
      const chainId = ctx.target.policy.schoolId;
      if (chainId === undefined) return { rows: [] };
      const scanned = await ctx.tx.audit.read(chainId, { fromSeq: input.fromSeq, limit: input.limit });
      const rows = scanned.filter(
        (r) =>
          (input.entity === undefined || r.entity === input.entity) &&
          (input.entityId === undefined || r.entityId === input.entityId) &&
          (input.actorId === undefined || r.actorId === input.actorId),
      );
      const last = scanned.at(-1);
      return scanned.length === input.limit && last ? { rows, nextSeq: last.seq + 1 } : { rows };
    },
  }),

  verify: implementUseCase(auditContracts.verify, {
    resolveTarget: (ctx) => schoolTarget(ctx),
    // The call's transaction only authorizes and audits the verification; the chain is read
    // afterwards, a page per read, so a long chain never holds a transaction (or the loop).
    async run() {
      return { ok: true as const, mode: "unkeyed" as const, count: 0, head: auditGenesisHash };
    },
    async finish(_reports, output, input, _plugins, services) {
      const chainId = services.actor.schoolId;
      if (chainId === undefined) return output;
      const { keys, anchor } = services.audit;
      let latest: Awaited<ReturnType<NonNullable<typeof anchor>["latest"]>>;
      if (anchor !== undefined && input.anchor !== false) {
        try {
          latest = await anchor.latest(chainId);
        } catch (error) {
          services.logger.error(
            { event: "audit_anchor_unreadable", errorName: error instanceof Error ? error.name : typeof error },
            "homevisit audit anchor: the latest head could not be read",
          );
        }
      }
      const result = await verifyAuditLog(services.storage.audit, chainId, {
        keys,
        ...(latest === undefined ? {} : { anchor: latest }),
        pause,
      });
      if (!result.ok) {
        services.logger.warn(
          { event: "audit_chain_break", problem: result.problem, seq: result.seq, breaks: result.breaks?.length ?? 1 },
          "homevisit audit chain: verification found breaks",
        );
      }
      return result;
    },
  }),
};
