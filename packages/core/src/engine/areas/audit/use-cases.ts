import { schoolTarget } from "../../targets.js";
import { implementUseCase } from "../../use-case.js";
import { auditContracts } from "./contract.js";

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
    async run(ctx) {
      const chainId = ctx.target.policy.schoolId;
      if (chainId === undefined) return { ok: true as const, count: 0, head: "0".repeat(64) };
      return ctx.tx.audit.verify(chainId);
    },
  }),
};
