import * as z from "zod";
import { conductRuleIdSchema } from "../../../domain/conduct.js";
import type { Student } from "../../../domain/student.js";
import { type VisitRecordDraft, visitRecordDraftSchema } from "../../../domain/visit-record.js";
import type { Stored } from "../../../ports/storage.js";
import { withLabel } from "../../../shared/field-labels.js";
import { idSchema, shortTextSchema } from "../../../shared/primitives.js";
import { withSensitivity } from "../../../shared/sensitivity.js";
import { defineContract } from "../../contract.js";
import { expectedVersionSchema } from "../contract-kit.js";

const shape = visitRecordDraftSchema.shape;
/** The fields a teacher writes; identity, status, times and photos are the engine's. */
export const editableFields = {
  companionIds: shape.companionIds,
  obligationId: shape.obligationId,
  appointmentId: shape.appointmentId,
  kind: shape.kind,
  term: shape.term,
  channel: shape.channel,
  venue: shape.venue,
  venueReason: shape.venueReason,
  arrivedAt: shape.arrivedAt,
  departedAt: shape.departedAt,
  attendees: shape.attendees,
  outreachGoals: shape.outreachGoals,
  familySituation: shape.familySituation,
  schoolFeedback: shape.schoolFeedback,
  schoolPolicy: shape.schoolPolicy,
  healthyGrowth: shape.healthyGrowth,
  prioritySupport: shape.prioritySupport,
  parentOpinions: shape.parentOpinions,
  teacherReflection: shape.teacherReflection,
  followUps: shape.followUps,
  conduct: shape.conduct,
  customFields: shape.customFields,
};
export const editableSchema = withLabel(z.strictObject(editableFields), { "zh-CN": "家访记录", en: "Visit record" });

const recordOutput = z.strictObject({ record: visitRecordDraftSchema, version: z.int() });

/** What the record use cases load before they run: the stored record and its student. */
export type RecordData = { stored: Stored<VisitRecordDraft>; student: Stored<Student> | undefined };

/** The records area's use cases. */
export const recordContracts = {
  /**
   * Starts a visit record for a student the actor may write about (assigned, class, mentee, or
   * the principal's school), with the actor as visiting teacher. Sections may stay empty until
   * submission. Behind the consent gate (a child under 14 needs a guardian consent on record).
   *
   * @example
   * ```ts
   * await engine.records.draft(teacher, {
   *   studentId: "stu-1", record: { kind: "universal", term: "2026-2027-1", channel: "in_home" },
   * }, { idempotencyKey: "draft-1" });
   * // { record: { id: "…", status: "draft", teacherId: "t-1", … }, version: 1 }
   * ```
   */
  draft: defineContract({
    action: "records.write",
    entity: "visitRecords",
    description: { "zh-CN": "填写家访记录草稿", en: "Draft a visit record" },
    input: z.strictObject({ studentId: idSchema, record: editableSchema }),
    output: recordOutput,
    targetKind: "record",
    idempotent: true,
    errors: ["consent_required", "consent_withdrawn", "custom_fields_template_unknown"],
    preconditions: [
      {
        "zh-CN":
          "未满 14 周岁（宿主可配置）的学生须先有监护人同意记录，否则 403 consent_required；同意已撤回则 409 consent_withdrawn",
        en: "A child under 14 (the host may change the age) needs a guardian consent on record first, else 403 consent_required; after a withdrawal, 409 consent_withdrawn",
      },
    ],
    http: { method: "POST", path: "/students/{studentId}/visit-records" },
  }),

  /**
   * Replaces the editable fields of a draft (a form saved again). Submitted records change only
   * through {@link recordUseCases.amend} (`visit_record_not_draft`).
   *
   * @example
   * ```ts
   * await engine.records.update(teacher, { recordId: "v-1", expectedVersion: 1, record: { …, schoolFeedback: { notes: "…" } } });
   * // { record: { id: "v-1", status: "draft", … }, version: 2 }
   * ```
   */
  update: defineContract({
    action: "records.write",
    entity: "visitRecords",
    description: { "zh-CN": "保存家访记录草稿", en: "Save a visit record draft" },
    input: z.strictObject({ recordId: idSchema, record: editableSchema, expectedVersion: expectedVersionSchema }),
    output: recordOutput,
    targetKind: "record",
    errors: ["consent_required", "consent_withdrawn", "custom_fields_template_unknown", "visit_record_not_draft"],
    preconditions: [
      {
        "zh-CN":
          "未满 14 周岁（宿主可配置）的学生须先有监护人同意记录，否则 403 consent_required；同意已撤回则 409 consent_withdrawn",
        en: "A child under 14 (the host may change the age) needs a guardian consent on record first, else 403 consent_required; after a withdrawal, 409 consent_withdrawn",
      },
    ],
    http: { method: "PUT", path: "/visit-records/{recordId}" },
  }),

  /**
   * Submits a draft: checks it for submission (every problem listed at once, `validation_failed`),
   * stamps `submittedAt`, files a conduct report per declared exception (R10, event
   * `conduct.exception_reported`), raises the parents' opinions and suggestions as feedback items
   * (R17, event `feedback.raised`) and emits `visit.recorded`.
   *
   * @example
   * ```ts
   * await engine.records.submit(teacher, { recordId: "v-1", expectedVersion: 2 });
   * // { record: { status: "submitted", submittedAt: "…", … }, version: 3, conductReports: 0, feedbackItems: 1 }
   * ```
   */
  submit: defineContract({
    action: "records.write",
    entity: "visitRecords",
    description: { "zh-CN": "提交家访记录", en: "Submit a visit record" },
    input: z.strictObject({ recordId: idSchema, expectedVersion: expectedVersionSchema }),
    output: z.strictObject({
      record: visitRecordDraftSchema,
      version: z.int(),
      conductReports: z.array(z.strictObject({ ruleId: conductRuleIdSchema })),
      feedbackItems: z.int(),
    }),
    targetKind: "record",
    errors: [
      "consent_required",
      "consent_withdrawn",
      "visit_record_not_draft",
      "visit_record_appointment_mismatch",
      "appointment_illegal_transition",
    ],
    preconditions: [
      {
        "zh-CN":
          "未满 14 周岁（宿主可配置）的学生须先有监护人同意记录，否则 403 consent_required；同意已撤回则 409 consent_withdrawn",
        en: "A child under 14 (the host may change the age) needs a guardian consent on record first, else 403 consent_required; after a withdrawal, 409 consent_withdrawn",
      },
      {
        "zh-CN":
          "记录关联预约（appointmentId）时，提交即完成该预约并关联本记录；预约须属于该生与该校（否则 422 visit_record_appointment_mismatch），已拒绝、未见面或已取消的预约不能完成（409 appointment_illegal_transition）",
        en: "With an appointmentId, submitting completes that appointment and links the record; the appointment must be the student's and the school's (else 422 visit_record_appointment_mismatch), and a refused, missed or cancelled one cannot be completed (409 appointment_illegal_transition)",
      },
      {
        "zh-CN":
          "提交前检查全部必填项，一次列出所有问题（422 validation_failed，issues 中为 visit_field_required、visit_section_required、outreach_goal_required 等）",
        en: "Submission checks every required field and lists every problem at once (422 validation_failed; issues carry visit_field_required, visit_section_required, outreach_goal_required …)",
      },
    ],
    http: { method: "POST", path: "/visit-records/{recordId}/submit" },
  }),

  /**
   * Amends a submitted (or already amended) record: the editable fields replaced, a reason
   * required, `status: "amended"`, `amendedAt` stamped, the version bumped, the changed fields
   * audited (sensitive values as keyed HMACs). The amended record must still pass submission
   * checks. Emits `visit.amended`. A changed `appointmentId` moves the completion: the
   * appointment named before goes back to the status it had before the record completed it
   * (`reopen` in its history; only unlinked if a transition had completed it), the one named
   * now is completed with the record linked (checked as at submission). Leaving
   * `appointmentId` out removes the link: an amendment replaces the editable fields whole.
   *
   * @example
   * ```ts
   * await engine.records.amend(teacher, { recordId: "v-1", expectedVersion: 3, reason: "补充家长意见", record: { … } });
   * // { record: { status: "amended", amendmentReason: "补充家长意见", … }, version: 4 }
   * ```
   */
  amend: defineContract({
    action: "records.write",
    entity: "visitRecords",
    description: { "zh-CN": "修订家访记录", en: "Amend a visit record" },
    input: z.strictObject({
      recordId: idSchema,
      record: editableSchema,
      reason: withLabel(withSensitivity(shortTextSchema.min(1), "sensitive"), {
        "zh-CN": "修改原因",
        en: "Reason for the change",
      }),
      expectedVersion: expectedVersionSchema,
    }),
    output: recordOutput,
    targetKind: "record",
    errors: [
      "consent_required",
      "consent_withdrawn",
      "visit_record_not_submitted",
      "visit_record_appointment_mismatch",
      "appointment_illegal_transition",
    ],
    preconditions: [
      {
        "zh-CN":
          "未满 14 周岁（宿主可配置）的学生须先有监护人同意记录，否则 403 consent_required；同意已撤回则 409 consent_withdrawn",
        en: "A child under 14 (the host may change the age) needs a guardian consent on record first, else 403 consent_required; after a withdrawal, 409 consent_withdrawn",
      },
      {
        "zh-CN":
          "修订改变 appointmentId 时：原预约恢复到本记录完成它之前的状态（如由状态变更完成则仅解除关联），新预约被完成并关联本记录；新预约须属于该生与该校（否则 422 visit_record_appointment_mismatch），已拒绝、未见面、已取消或已由其他记录完成的不能关联（409 appointment_illegal_transition）；修订中省略 appointmentId 即解除关联",
        en: "When an amendment changes appointmentId, the appointment named before returns to the status it had before this record completed it (only unlinked if a transition completed it) and the one named now is completed with the record linked; it must be the student's and the school's (else 422 visit_record_appointment_mismatch), and a refused, missed, cancelled one or one completed by another record cannot be linked (409 appointment_illegal_transition); leaving appointmentId out removes the link",
      },
    ],
    http: { method: "POST", path: "/visit-records/{recordId}/amend" },
  }),

  /**
   * A visit record in full: needs a stated purpose and is audited (who, when, why).
   *
   * @example
   * ```ts
   * await engine.records.get(classTeacher, { recordId: "v-1" }, { purpose: "准备家长会" });
   * // { record: { id: "v-1", familySituation: { … }, … }, version: 3 }
   * ```
   */
  get: defineContract({
    action: "records.read",
    entity: "visitRecords",
    description: { "zh-CN": "查看家访记录", en: "Read a visit record" },
    input: z.strictObject({ recordId: idSchema }),
    output: recordOutput,
    targetKind: "record",
    http: { method: "GET", path: "/visit-records/{recordId}" },
  }),

  /**
   * Attaches a photo (生情日记 picture) to a record: the bytes are checked by content (JPEG, PNG,
   * WebP), size (`config.photos.maxBytes`, 10 MB) and pixel count (`config.photos.maxPixels`,
   * 40 MP), EXIF/GPS/XMP stripped, stored in the `BlobStore` under a fresh id; the record keeps
   * only `{ blobId, caption }`. A file name never reaches a path. Behind the consent gate. The
   * bytes are written after the record commits (blob stores are not transactional): if that put
   * fails the call rejects and the record names a blob that is missing until the photo is sent
   * again.
   *
   * @example
   * ```ts
   * await engine.records.attachPhoto(teacher, { recordId: "v-1", bytes, contentType: "image/jpeg", caption: "学习角" ,expectedVersion: 2 });
   * // { record: { photos: [{ blobId: "…", caption: "学习角" }], … }, version: 3, photo: { blobId: "…", width: 640, height: 480, size: 5120 } }
   * ```
   */
  attachPhoto: defineContract({
    action: "records.write",
    entity: "visitRecords",
    description: { "zh-CN": "上传家访照片", en: "Attach a photo to a visit record" },
    input: z.strictObject({
      recordId: idSchema,
      bytes: withLabel(z.instanceof(Uint8Array), { "zh-CN": "照片", en: "Photo" }),
      contentType: withLabel(z.string().max(100).optional(), { "zh-CN": "文件类型", en: "Content type" }),
      caption: withLabel(z.string().trim().max(200).optional(), { "zh-CN": "照片说明", en: "Caption" }),
      expectedVersion: expectedVersionSchema,
    }),
    output: z.strictObject({
      record: visitRecordDraftSchema,
      version: z.int(),
      photo: z.strictObject({ blobId: idSchema, width: z.int(), height: z.int(), size: z.int() }),
    }),
    targetKind: "record",
    errors: [
      "consent_required",
      "consent_withdrawn",
      "photo_limit_reached",
      "photo_too_large",
      "photo_too_many_pixels",
      "photo_malformed",
      "photo_type_mismatch",
      "photo_type_unsupported",
      "photo_format_unsupported",
    ],
    preconditions: [
      {
        "zh-CN":
          "未满 14 周岁（宿主可配置）的学生须先有监护人同意记录，否则 403 consent_required；同意已撤回则 409 consent_withdrawn",
        en: "A child under 14 (the host may change the age) needs a guardian consent on record first, else 403 consent_required; after a withdrawal, 409 consent_withdrawn",
      },
    ],
    http: { method: "POST", path: "/visit-records/{recordId}/photos" },
  }),
};
