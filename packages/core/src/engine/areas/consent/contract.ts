import * as z from "zod";
import { consentSchema } from "../../../domain/consent.js";
import { withLabel, withOwnLabel } from "../../../shared/field-labels.js";
import { idSchema, isoDateSchema, shortTextSchema } from "../../../shared/primitives.js";
import { withSensitivity } from "../../../shared/sensitivity.js";
import { defineContract } from "../../contract.js";

const consentOutput = z.strictObject({ consent: consentSchema, version: z.int() });

/**
 * The consent area (PIPL art. 31): record a guardian's consent, withdraw it (which blocks
 * sensitive writes at once and schedules a purge of the data it covered), and see the status.
 */
export const consentContracts = {
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
  record: defineContract({
    action: "consent.write",
    entity: "students",
    description: { "zh-CN": "登记监护人同意", en: "Record a guardian's consent" },
    input: z.strictObject({
      studentId: idSchema,
      guardianId: withOwnLabel(idSchema, { "zh-CN": "表示同意的监护人", en: "Consenting guardian" }),
      grantedOn: withLabel(isoDateSchema.optional(), { "zh-CN": "同意日期", en: "Date of consent" }),
      evidence: withLabel(withSensitivity(shortTextSchema.min(1).optional(), "personal"), {
        "zh-CN": "同意凭据",
        en: "Evidence of consent",
      }),
    }),
    output: consentOutput,
    targetKind: "record",
    idempotent: true,
    preconditions: [
      {
        "zh-CN":
          "由班主任（收取家长签字的同意书）或校长、学校管理员登记；能看到该学生但无权登记的教师得到 403 forbidden。guardianId 须是该学生的监护人，否则 404",
        en: "Recorded by the class teacher (who collects the signed form) or the principal or school admin; a teacher who can see the student but may not record gets 403 forbidden. guardianId must be one of the student's guardians, else 404",
      },
    ],
    http: { method: "POST", path: "/students/{studentId}/consents" },
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
  withdraw: defineContract({
    action: "consent.write",
    entity: "consents",
    description: { "zh-CN": "撤回监护人同意", en: "Withdraw a guardian's consent" },
    input: z.strictObject({
      consentId: idSchema,
      withdrawnOn: withLabel(isoDateSchema.optional(), { "zh-CN": "撤回日期", en: "Date withdrawn" }),
      expectedVersion: z.int().min(1),
    }),
    output: consentOutput,
    targetKind: "record",
    errors: ["consent_withdrawn"],
    http: { method: "POST", path: "/consents/{consentId}/withdraw" },
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
  status: defineContract({
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
  }),
};
