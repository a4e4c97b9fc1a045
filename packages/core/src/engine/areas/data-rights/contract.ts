import * as z from "zod";
import { appointmentSchema } from "../../../domain/appointment/index.js";
import { categoryFlagSchema } from "../../../domain/categories.js";
import { consentSchema, storedMentorshipSchema, tombstoneSchema } from "../../../domain/consent.js";
import { proposedSlotSchema } from "../../../domain/planning.js";
import { preVisitSafetyReportSchema } from "../../../domain/safety.js";
import { studentSchema } from "../../../domain/student.js";
import { visitRecordDraftSchema } from "../../../domain/visit-record.js";
import {
  assignmentSnapshotSchema,
  obligationSnapshotSchema,
  planGapSchema,
  termPlanStatusSchema,
} from "../../../domain/workflow-records.js";
import { auditRecordSchema } from "../../../ports/audit-chain.js";
import { defineContract } from "../../contract.js";

const purposeNote = "A stated purpose is required and audited.";

/** The data rights area: export, erase on request, purge after retention or withdrawal. */
export const dataRightsContracts = {
  /**
   * Everything stored about one student, as JSON: the record, flags, consents, mentorships,
   * appointments, visit records (photo references, not bytes), the safety reports that name
   * the student, the school's term plans narrowed to the student's entries, and the audit rows
   * about the student. Needs a purpose; audited.
   *
   * @example
   * ```ts
   * await engine.dataRights.export(principal, { studentId: "stu-0001" }, { purpose: "家长依法申请查阅" });
   * // { student: {…}, flags: [...], consents: [...], appointments: [...], visitRecords: [...], safetyReports: [...], termPlans: [...], audit: [...] }
   * ```
   */
  export: defineContract({
    action: "data.export",
    entity: "students",
    description: { "zh-CN": "导出学生全部数据", en: `Export all data of a student. ${purposeNote}` },
    input: z.strictObject({ studentId: z.string().min(1).max(64) }),
    output: z.strictObject({
      exportedAt: z.string(),
      student: studentSchema,
      flags: z.array(categoryFlagSchema),
      consents: z.array(consentSchema),
      mentorships: z.array(storedMentorshipSchema),
      appointments: z.array(appointmentSchema),
      visitRecords: z.array(visitRecordDraftSchema),
      safetyReports: z.array(preVisitSafetyReportSchema),
      /** The school's term plans that name the student, each narrowed to the student's entries. */
      termPlans: z.array(
        z.strictObject({
          planId: z.string(),
          termId: z.string(),
          status: termPlanStatusSchema,
          obligations: z.array(obligationSnapshotSchema),
          assignments: z.array(assignmentSnapshotSchema),
          slots: z.array(proposedSlotSchema),
          unassigned: z.array(planGapSchema),
          unscheduled: z.array(planGapSchema),
        }),
      ),
      audit: z.array(auditRecordSchema),
    }),
    targetKind: "record",
    http: { method: "GET", path: "/students/{studentId}/export" },
  }),

  /**
   * Erases a student on request (the guardian's, or the student's once adult): every row about
   * them goes in one transaction, their entries leave the school's term plans and the safety
   * reports that named others too, their photos go right after it commits, and a tombstone
   * without personal data stays. Needs a purpose; audited; emits `student.erased`.
   *
   * @example
   * ```ts
   * await engine.dataRights.erase(principal, { studentId: "stu-0001", expectedVersion: 3 }, { purpose: "监护人书面申请删除" });
   * // { tombstone: { id: "…", scope: "student", reason: "request", removed: { students: 1, categoryFlags: 2, termPlans: 1, … } } }
   * ```
   */
  erase: defineContract({
    action: "data.erase",
    entity: "students",
    description: { "zh-CN": "按申请删除学生数据", en: `Erase a student's data on request. ${purposeNote}` },
    input: z.strictObject({ studentId: z.string().min(1).max(64), expectedVersion: z.int().min(1) }),
    output: z.strictObject({ tombstone: tombstoneSchema }),
    targetKind: "record",
    http: { method: "DELETE", path: "/students/{studentId}" },
  }),

  /**
   * Purges what may no longer be kept at the actor's school, as of today: students whose last
   * day at the school is more than `retention.daysAfterLeaving` days ago (default 1,095) are
   * erased whole; category flags covered by a consent withdrawn before its `purgeAfter` day are
   * removed, and the school's term plans lose the category detail of that student's obligations
   * (the visits stay; their reasons name the kind of visit only). Each leaves a tombstone; blobs
   * go after commit. Hosts run it nightly. Needs a purpose; audited.
   *
   * @example
   * ```ts
   * await engine.dataRights.purgeDue(schoolAdmin, {}, { purpose: "每日到期清理" });
   * // { studentsErased: 12, consentPurges: 1, tombstoneIds: [...] }
   * ```
   */
  purgeDue: defineContract({
    action: "data.erase",
    entity: "schools",
    description: { "zh-CN": "到期清除", en: `Purge data past retention or withdrawn consent. ${purposeNote}` },
    input: z.strictObject({}),
    output: z.strictObject({
      studentsErased: z.int(),
      consentPurges: z.int(),
      tombstoneIds: z.array(z.string()),
      blobsPending: z.int(),
    }),
    targetKind: "collection",
    http: { method: "POST", path: "/data/purge" },
  }),
};
