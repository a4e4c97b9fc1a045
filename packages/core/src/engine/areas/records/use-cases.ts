import type * as z from "zod";
import { formTemplateSchema } from "../../../domain/custom-fields/template.js";
import { validateCustomFields } from "../../../domain/custom-fields/versions.js";
import { checkPhoto } from "../../../domain/photo.js";
import {
  conductReportsOfVisit,
  type VisitRecordDraft,
  type VisitRecordDraftInput,
  validateVisitRecordForSubmission,
  visitRecordDraftSchema,
} from "../../../domain/visit-record.js";
import { withParsedRecords } from "../../../ports/parsed-records.js";
import { HomevisitError } from "../../../shared/errors/homevisit-error.js";
import { requireConsent } from "../../consent-gate.js";
import { studentTarget } from "../../targets.js";
import type { ResolveContext, UseCaseContext, UseCaseTarget } from "../../use-case.js";
import { implementUseCase } from "../../use-case.js";
import { checkVersion, studentRecordTarget } from "../area-kit.js";
import { editableFields, type editableSchema, type RecordData, recordContracts } from "./contract.js";

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
const editableKeys = Object.keys(editableFields) as (keyof typeof editableFields)[];

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
  draft: implementUseCase(recordContracts.draft, {
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

  update: implementUseCase(recordContracts.update, {
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

  submit: implementUseCase(recordContracts.submit, {
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

  amend: implementUseCase(recordContracts.amend, {
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

  get: implementUseCase(recordContracts.get, {
    resolveTarget: (ctx, input) => recordTarget(ctx, input.recordId),
    async run(ctx) {
      const stored = ctx.target.data.stored;
      return { record: stored.record, version: stored.version };
    },
  }),

  attachPhoto: implementUseCase(recordContracts.attachPhoto, {
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
