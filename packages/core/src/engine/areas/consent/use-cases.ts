import type { Consent } from "../../../domain/consent.js";
import { addDays } from "../../../shared/dates.js";
import { HomevisitError } from "../../../shared/errors/homevisit-error.js";
import { compareConsents, nextConsentSequence } from "../../consent-gate.js";
import { studentRelations, studentTarget, tenantPolicy } from "../../targets.js";
import { implementUseCase } from "../../use-case.js";
import { loadAll } from "../../util.js";
import { consentContracts } from "./contract.js";

/**
 * The consent area (PIPL art. 31): record a guardian's consent, withdraw it (which blocks
 * sensitive writes at once and schedules a purge of the data it covered), and see the status.
 */
export const consentUseCases = {
  record: implementUseCase(consentContracts.record, {
    resolveTarget: (ctx, input) => studentTarget(ctx, input.studentId),
    async run(ctx, input) {
      const student = ctx.target.data.record;
      if (!student.guardians.some((g) => g.id === input.guardianId)) {
        throw new HomevisitError("not_found", { params: { entity: "guardian" }, path: ["guardianId"] });
      }
      const grantedOn = input.grantedOn ?? ctx.today;
      const earlier = await loadAll((cursor) =>
        ctx.tx.consents.list({ where: { studentId: student.id }, cursor, limit: 1000 }),
      );
      const stored = await ctx.tx.consents.create({
        id: ctx.newId(),
        schoolId: student.schoolId,
        studentId: student.id,
        guardianId: input.guardianId,
        status: "granted",
        grantedOn,
        ...(input.evidence === undefined ? {} : { evidence: input.evidence }),
        recordedBy: ctx.actor.id,
        recordedAt: ctx.now,
        sequence: nextConsentSequence(earlier.map((c) => c.record)),
      });
      ctx.recordChange({ entity: "consents", before: undefined, after: stored.record });
      ctx.emit("consent.recorded", { studentId: student.id, consentId: stored.record.id });
      return { consent: stored.record, version: stored.version };
    },
  }),

  withdraw: implementUseCase(consentContracts.withdraw, {
    async resolveTarget(ctx, input) {
      const consent = await ctx.tx.consents.get(input.consentId);
      if (!consent) return undefined;
      const student = await ctx.tx.students.get(consent.record.studentId);
      if (!student) return undefined;
      const relations = await studentRelations(ctx.tx, ctx.actor, student.record, ctx.today);
      return {
        policy: { ...tenantPolicy(consent.tenant), ...relations },
        entity: "consents",
        entityId: consent.record.id,
        data: consent,
      };
    },
    async run(ctx, input) {
      const before = ctx.target.data.record;
      if (before.status === "withdrawn") throw new HomevisitError("consent_withdrawn");
      const withdrawnOn = input.withdrawnOn ?? ctx.today;
      const purgeAfter = addDays(withdrawnOn, ctx.config.consent.purgeAfterDays);
      const after: Consent = { ...before, status: "withdrawn", withdrawnOn, withdrawnBy: ctx.actor.id, purgeAfter };
      const stored = await ctx.tx.consents.update(before.id, after, { expectedVersion: input.expectedVersion });
      ctx.recordChange({ entity: "consents", before, after: stored.record });
      ctx.emit("consent.withdrawn", { studentId: before.studentId, consentId: before.id, purgeAfter });
      return { consent: stored.record, version: stored.version };
    },
  }),

  status: implementUseCase(consentContracts.status, {
    resolveTarget: (ctx, input) => studentTarget(ctx, input.studentId),
    async run(ctx, input) {
      const rows = await loadAll((cursor) =>
        ctx.tx.consents.list({ where: { studentId: input.studentId }, cursor, limit: 1000 }),
      );
      const consents = rows.map((r) => r.record).sort((a, b) => compareConsents(b, a));
      return { studentId: input.studentId, state: consents[0]?.status ?? ("none" as const), consents };
    },
  }),
};
