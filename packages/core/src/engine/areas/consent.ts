import * as z from "zod";
import { addDays } from "../../shared/dates.js";
import { HomevisitError } from "../../shared/errors/homevisit-error.js";
import { idSchema, isoDateSchema, shortTextSchema } from "../../shared/primitives.js";
import { withSensitivity } from "../../shared/sensitivity.js";
import { compareConsents, nextConsentSequence } from "../consent-gate.js";
import { type Consent, consentSchema } from "../../domain/consent.js";
import { studentRelations, studentTarget, tenantPolicy } from "../targets.js";
import { defineUseCase } from "../use-case.js";
import { loadAll } from "../util.js";

const consentOutput = z.strictObject({ consent: consentSchema, version: z.int() });

/**
 * The consent area (PIPL art. 31): record a guardian's consent, withdraw it (which blocks
 * sensitive writes at once and schedules a purge of the data it covered), and see the status.
 */
export const consentUseCases = {
  /**
   * Records a guardian's consent to recording sensitive information about the student. The
   * guardian must be one of the student's guardians. Emits `consent.recorded`.
   *
   * @example
   * ```ts
   * await engine.consent.record(classTeacher, { studentId: "stu-0001", guardianId: "g-0001", grantedOn: "2026-09-01", evidence: "家长会签字" });
   * // { consent: { id: "…", status: "granted", grantedOn: "2026-09-01", recordedBy: "t-0001", … }, version: 1 }
   * ```
   */
  record: defineUseCase({
    action: "consent.write",
    entity: "students",
    description: { "zh-CN": "登记监护人同意", en: "Record a guardian's consent" },
    input: z.strictObject({
      studentId: idSchema,
      guardianId: idSchema,
      grantedOn: isoDateSchema.optional(),
      evidence: withSensitivity(shortTextSchema.min(1).optional(), "personal"),
    }),
    output: consentOutput,
    targetKind: "record",
    idempotent: true,
    http: { method: "POST", path: "/students/{studentId}/consents" },
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

  /**
   * Withdraws a consent from `withdrawnOn` (default today). From then on sensitive writes about
   * the student answer `consent_withdrawn`; the data the consent covered (category flags) is
   * purged by `dataRights.purgeDue` from `withdrawnOn + consent.purgeAfterDays` (default 30).
   * Emits `consent.withdrawn`.
   *
   * @example
   * ```ts
   * await engine.consent.withdraw(classTeacher, { consentId: "c-1", expectedVersion: 1 });
   * // { consent: { …, status: "withdrawn", withdrawnOn: "2026-10-08", purgeAfter: "2026-11-07" }, version: 2 }
   * ```
   */
  withdraw: defineUseCase({
    action: "consent.write",
    entity: "consents",
    description: { "zh-CN": "撤回监护人同意", en: "Withdraw a guardian's consent" },
    input: z.strictObject({
      consentId: idSchema,
      withdrawnOn: isoDateSchema.optional(),
      expectedVersion: z.int().min(1),
    }),
    output: consentOutput,
    targetKind: "record",
    http: { method: "POST", path: "/consents/{consentId}/withdraw" },
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

  /**
   * The consents on record for a student, newest first (the order of the consent gate, see
   * `compareConsents`), and whether sensitive writes are
   * currently allowed by them.
   *
   * @example
   * ```ts
   * await engine.consent.status(classTeacher, { studentId: "stu-0001" });
   * // { studentId: "stu-0001", state: "granted", consents: [{ id: "c-1", status: "granted", … }] }
   * ```
   */
  status: defineUseCase({
    action: "consent.read",
    entity: "students",
    description: { "zh-CN": "查看监护人同意情况", en: "See guardian consent status" },
    input: z.strictObject({ studentId: idSchema }),
    output: z.strictObject({
      studentId: idSchema,
      state: z.enum(["none", "granted", "withdrawn"]),
      consents: z.array(consentSchema),
    }),
    targetKind: "record",
    http: { method: "GET", path: "/students/{studentId}/consents" },
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
