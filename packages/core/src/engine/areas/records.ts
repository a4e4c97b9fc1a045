import * as z from "zod";
import { conductRuleIdSchema } from "../../domain/conduct.js";
import { formTemplateSchema } from "../../domain/custom-fields/template.js";
import { validateCustomFields } from "../../domain/custom-fields/versions.js";
import { HomevisitError } from "../../shared/errors/homevisit-error.js";
import { idSchema, shortTextSchema } from "../../shared/primitives.js";
import { withSensitivity } from "../../shared/sensitivity.js";
import { withParsedRecords } from "../../ports/parsed-records.js";
import type { Stored } from "../../ports/storage.js";
import type { Student } from "../../domain/student.js";
import {
  conductReportsOfVisit,
  type VisitRecordDraft,
  type VisitRecordDraftInput,
  validateVisitRecordForSubmission,
  visitRecordDraftSchema,
} from "../../domain/visit-record.js";
import { requireConsent } from "../consent-gate.js";
import { studentTarget } from "../targets.js";
import type { ResolveContext, UseCaseContext, UseCaseTarget } from "../use-case.js";
import { defineUseCase } from "../use-case.js";
import { checkPhoto } from "../../domain/photo.js";
import { checkVersion, expectedVersionSchema, studentRecordTarget } from "./shared.js";

/**
 * The records area (R4, R8–R10): draft, update, submit and amend visit records, read one with a
 * stated purpose, and attach photos through the `BlobStore` (checked by content, size and pixel
 * count, EXIF and GPS stripped). Submission turns declared conduct exceptions into conduct
 * reports and parents' opinions into feedback items (R17).
 *
 * Custom fields: a record's `customFields` is validated when written against the template the
 * engine's plugins define for the `visitRecord` form (template id {@link pluginTemplateId},
 * version 1). Versioned templates kept in storage are not wired yet.
 */

/** The most photos one record holds (the record schema's bound). */
const maxPhotos = 20;

/** The id of the custom-field template built from the plugins' `visitRecord` fields. */
export const pluginTemplateId = "plugins-visit-record";

const shape = visitRecordDraftSchema.shape;
/** The fields a teacher writes; identity, status, times and photos are the engine's. */
const editableFields = {
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
const editableSchema = z.strictObject(editableFields);
const editableKeys = Object.keys(editableFields) as (keyof typeof editableFields)[];

const recordOutput = z.strictObject({ record: visitRecordDraftSchema, version: z.int() });

function checkCustomFields(ctx: Pick<UseCaseContext, "plugins" | "now">, record: VisitRecordDraft): VisitRecordDraft {
  if (record.customFields === undefined) return record;
  if (record.customFields.templateId !== pluginTemplateId) {
    throw new HomevisitError("custom_fields_template_unknown", {
      params: { templateId: record.customFields.templateId },
      path: ["customFields", "templateId"],
    });
  }
  const template = formTemplateSchema.parse({
    id: pluginTemplateId,
    version: 1,
    scope: { level: "city", id: "plugins" },
    name: { "zh-CN": "家访记录扩展字段", en: "Visit record extra fields" },
    fields: ctx.plugins.customFields("visitRecord"),
    status: "published",
    createdAt: "2026-01-01T00:00:00Z",
  });
  return { ...record, customFields: validateCustomFields([template], record.customFields) };
}

/** What the record use cases load before they run: the stored record and its student. */
export type RecordData = { stored: Stored<VisitRecordDraft>; student: Stored<Student> | undefined };

async function recordTarget(ctx: ResolveContext, recordId: string): Promise<UseCaseTarget<RecordData> | undefined> {
  const stored = await ctx.tx.visitRecords.get(recordId);
  if (!stored) return undefined;
  const r = stored.record;
  return studentRecordTarget<VisitRecordDraft>(ctx, "visitRecords", stored, r.studentId, [
    r.teacherId,
    ...r.companionIds,
  ]);
}

async function consentFor(ctx: UseCaseContext<RecordData>): Promise<void> {
  const student = ctx.target.data.student;
  if (student) await requireConsent(ctx.tx, ctx.config, student.record, ctx.today);
}

/** The records area's use cases. */
export const recordUseCases = {
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
  draft: defineUseCase({
    action: "records.write",
    entity: "visitRecords",
    description: { "zh-CN": "填写家访记录草稿", en: "Draft a visit record" },
    input: z.strictObject({ studentId: idSchema, record: editableSchema }),
    output: recordOutput,
    targetKind: "record",
    idempotent: true,
    http: { method: "POST", path: "/students/{studentId}/visit-records" },
    resolveTarget: (ctx, input) => studentTarget(ctx, input.studentId),
    async run(ctx, input) {
      const student = ctx.target.data.record;
      await requireConsent(ctx.tx, ctx.config, student, ctx.today);
      const draft = visitRecordDraftSchema.parse({
        ...input.record,
        id: ctx.newId(),
        schoolId: student.schoolId,
        studentId: student.id,
        teacherId: ctx.actor.id,
        status: "draft",
      });
      const record = checkCustomFields(ctx, draft);
      // `draft` was parsed by the visit record's own schema just above; unchanged (no custom
      // fields), the store need not parse it a second time.
      const stored = await (record === draft
        ? withParsedRecords([draft], () => ctx.tx.visitRecords.create(draft))
        : ctx.tx.visitRecords.create(record));
      ctx.recordChange({ entity: "visitRecords", before: undefined, after: stored.record });
      return { record: stored.record, version: stored.version };
    },
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
  update: defineUseCase({
    action: "records.write",
    entity: "visitRecords",
    description: { "zh-CN": "保存家访记录草稿", en: "Save a visit record draft" },
    input: z.strictObject({ recordId: idSchema, record: editableSchema, expectedVersion: expectedVersionSchema }),
    output: recordOutput,
    targetKind: "record",
    http: { method: "PUT", path: "/visit-records/{recordId}" },
    resolveTarget: (ctx, input) => recordTarget(ctx, input.recordId),
    async run(ctx, input) {
      const before = ctx.target.data.stored.record;
      checkVersion(ctx.target.data.stored, input.expectedVersion);
      if (before.status !== "draft") throw new HomevisitError("visit_record_not_draft");
      await consentFor(ctx);
      const next = checkCustomFields(ctx, replaceEditable(before, input.record));
      const stored = await ctx.tx.visitRecords.update(before.id, next, { expectedVersion: input.expectedVersion });
      ctx.recordChange({ entity: "visitRecords", before, after: stored.record });
      return { record: stored.record, version: stored.version };
    },
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
  submit: defineUseCase({
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
    http: { method: "POST", path: "/visit-records/{recordId}/submit" },
    resolveTarget: (ctx, input) => recordTarget(ctx, input.recordId),
    async run(ctx, input) {
      const before = ctx.target.data.stored.record;
      checkVersion(ctx.target.data.stored, input.expectedVersion);
      if (before.status !== "draft") throw new HomevisitError("visit_record_not_draft");
      await consentFor(ctx);
      const candidate = { ...before, status: "submitted" as const, submittedAt: ctx.now };
      const checked = validateVisitRecordForSubmission(candidate);
      if (!checked.success) throw checked.error;
      const stored = await ctx.tx.visitRecords.update(before.id, candidate, { expectedVersion: input.expectedVersion });
      ctx.recordChange({ entity: "visitRecords", before, after: stored.record });
      const ids = { visitId: before.id, studentId: before.studentId, teacherId: before.teacherId };
      const reports = conductReportsOfVisit(stored.record, ctx.now);
      for (const report of reports) {
        await ctx.tx.conductReports.create(report);
        ctx.emit("conduct.exception_reported", {
          visitId: before.id,
          teacherId: before.teacherId,
          ruleId: report.ruleId,
        });
      }
      let feedbackItems = 0;
      const opinions = stored.record.parentOpinions;
      for (const kind of ["opinion", "suggestion"] as const) {
        const text = kind === "opinion" ? opinions?.opinions : opinions?.suggestions;
        if (text === undefined || text.trim() === "") continue;
        const item = await ctx.tx.feedbackItems.create({
          id: ctx.newId(),
          schoolId: before.schoolId,
          studentId: before.studentId,
          visitId: before.id,
          kind,
          text: text.trim().slice(0, 5000),
          status: "open",
          raisedBy: ctx.actor.id,
          raisedAt: ctx.now,
          updatedAt: ctx.now,
        });
        feedbackItems += 1;
        ctx.emit("feedback.raised", { feedbackId: item.record.id, visitId: before.id });
      }
      ctx.auditDetail("conductReports", reports.length);
      ctx.auditDetail("feedbackItems", feedbackItems);
      ctx.emit("visit.recorded", ids);
      return {
        record: stored.record,
        version: stored.version,
        conductReports: reports.map((r) => ({ ruleId: r.ruleId })),
        feedbackItems,
      };
    },
  }),

  /**
   * Amends a submitted (or already amended) record: the editable fields replaced, a reason
   * required, `status: "amended"`, `amendedAt` stamped, the version bumped, the changed fields
   * audited (sensitive values as keyed HMACs). The amended record must still pass submission
   * checks. Emits `visit.amended`.
   *
   * @example
   * ```ts
   * await engine.records.amend(teacher, { recordId: "v-1", expectedVersion: 3, reason: "补充家长意见", record: { … } });
   * // { record: { status: "amended", amendmentReason: "补充家长意见", … }, version: 4 }
   * ```
   */
  amend: defineUseCase({
    action: "records.write",
    entity: "visitRecords",
    description: { "zh-CN": "修订家访记录", en: "Amend a visit record" },
    input: z.strictObject({
      recordId: idSchema,
      record: editableSchema,
      reason: withSensitivity(shortTextSchema.min(1), "sensitive"),
      expectedVersion: expectedVersionSchema,
    }),
    output: recordOutput,
    targetKind: "record",
    http: { method: "POST", path: "/visit-records/{recordId}/amend" },
    resolveTarget: (ctx, input) => recordTarget(ctx, input.recordId),
    async run(ctx, input) {
      const before = ctx.target.data.stored.record;
      checkVersion(ctx.target.data.stored, input.expectedVersion);
      if (before.status === "draft") throw new HomevisitError("visit_record_not_submitted");
      await consentFor(ctx);
      const next = checkCustomFields(ctx, {
        ...replaceEditable(before, input.record),
        status: "amended",
        amendedAt: ctx.now,
        amendmentReason: input.reason,
      });
      const checked = validateVisitRecordForSubmission(next);
      if (!checked.success) throw checked.error;
      const stored = await ctx.tx.visitRecords.update(before.id, next, { expectedVersion: input.expectedVersion });
      ctx.recordChange({ entity: "visitRecords", before, after: stored.record });
      ctx.emit("visit.amended", { visitId: before.id, studentId: before.studentId, teacherId: before.teacherId });
      return { record: stored.record, version: stored.version };
    },
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
  get: defineUseCase({
    action: "records.read",
    entity: "visitRecords",
    description: { "zh-CN": "查看家访记录", en: "Read a visit record" },
    input: z.strictObject({ recordId: idSchema }),
    output: recordOutput,
    targetKind: "record",
    http: { method: "GET", path: "/visit-records/{recordId}" },
    resolveTarget: (ctx, input) => recordTarget(ctx, input.recordId),
    async run(ctx) {
      const stored = ctx.target.data.stored;
      return { record: stored.record, version: stored.version };
    },
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
  attachPhoto: defineUseCase({
    action: "records.write",
    entity: "visitRecords",
    description: { "zh-CN": "上传家访照片", en: "Attach a photo to a visit record" },
    input: z.strictObject({
      recordId: idSchema,
      bytes: z.instanceof(Uint8Array),
      contentType: z.string().max(100).optional(),
      caption: z.string().trim().max(200).optional(),
      expectedVersion: expectedVersionSchema,
    }),
    output: z.strictObject({
      record: visitRecordDraftSchema,
      version: z.int(),
      photo: z.strictObject({ blobId: idSchema, width: z.int(), height: z.int(), size: z.int() }),
    }),
    targetKind: "record",
    http: { method: "POST", path: "/visit-records/{recordId}/photos" },
    resolveTarget: (ctx, input) => recordTarget(ctx, input.recordId),
    async run(ctx, input) {
      const before = ctx.target.data.stored.record;
      checkVersion(ctx.target.data.stored, input.expectedVersion);
      await consentFor(ctx);
      const limit = maxPhotos;
      if (before.photos.length >= limit) throw new HomevisitError("photo_limit_reached", { params: { limit } });
      const photo = checkPhoto(input.bytes, input.contentType, ctx.config.photos);
      const blobId = ctx.newId();
      const next: VisitRecordDraftInput = {
        ...before,
        photos: [...before.photos, { blobId, ...(input.caption === undefined ? {} : { caption: input.caption }) }],
      };
      const stored = await ctx.tx.visitRecords.update(before.id, next, { expectedVersion: input.expectedVersion });
      // Blob stores are not transactional, and an embedded one may share the database this
      // transaction holds: the bytes are written once the record committed.
      ctx.afterCommit(async () => {
        await ctx.blobs.put({ id: blobId, contentType: photo.contentType, bytes: photo.bytes });
      });
      ctx.recordChange({ entity: "visitRecords", before, after: stored.record });
      ctx.auditDetail("photoBytes", photo.bytes.length);
      return {
        record: stored.record,
        version: stored.version,
        photo: { blobId, width: photo.width, height: photo.height, size: photo.bytes.length },
      };
    },
  }),
};

function replaceEditable(before: VisitRecordDraft, edits: z.output<typeof editableSchema>): VisitRecordDraft {
  const next: Record<string, unknown> = { ...before };
  for (const key of editableKeys) {
    if (edits[key] === undefined) delete next[key];
    else next[key] = edits[key];
  }
  return visitRecordDraftSchema.parse(next);
}
