import type * as z from "zod";
import { compileFormTemplate } from "../../../domain/custom-fields/compile.js";
import type { FormTemplate } from "../../../domain/custom-fields/template.js";
import { checkPhoto } from "../../../domain/photo.js";
import {
  conductReportsOfVisit,
  type VisitRecordDraft,
  type VisitRecordDraftInput,
  validateVisitRecordForSubmission,
  visitRecordDraftSchema,
} from "../../../domain/visit-record.js";
import type { TenantKeys } from "../../../ports/entities.js";
import { preparedFromParsed } from "../../../ports/prepared-record.js";
import { type ErrorIssue, HomevisitError } from "../../../shared/errors/homevisit-error.js";
import { requireConsent } from "../../consent-gate.js";
import { studentTarget } from "../../targets.js";
import type { ResolveContext, StageContext, Staged, UseCaseContext, UseCaseTarget } from "../../use-case.js";
import { implementUseCase } from "../../use-case.js";
import { closeAppointmentOfRecord, relinkAppointmentOfRecord } from "../appointments/close.js";
import { checkVersion, studentRecordTarget } from "../area-kit.js";
import { effectiveForm, pluginTemplateId, templateOfRecord } from "../forms/resolve.js";
import { editableFields, type editableSchema, type RecordData, recordContracts } from "./contract.js";
import { newVisitRecordDraft } from "./new-draft.js";

/**
 * The records area (R4, R8–R10): draft, update, submit and amend visit records, read one with a
 * stated purpose, and attach photos through the `BlobStore` (checked by content, size and pixel
 * count, EXIF and GPS stripped). Submission turns declared conduct exceptions into conduct
 * reports and parents' opinions into feedback items (R17).
 *
 * Custom fields are checked like the built-in sections: a draft's values are checked as far as
 * they go (types, bounds, patterns, options; a required field may still be missing), a
 * submission or amendment needs them complete, even when the record carries no `customFields`
 * at all. A record remembers the form version it was drafted on (the form in force at its
 * school: plugins' fields, then the city's, county's and school's published forms; see
 * `forms/resolve.ts`) and is validated against that version for life.
 */

/** The most photos one record holds (the record schema's bound). */
const maxPhotos = 20;

export { pluginTemplateId };

const editableKeys = Object.keys(editableFields) as (keyof typeof editableFields)[];

type CustomFieldsRef = NonNullable<VisitRecordDraft["customFields"]>;

/**
 * Checks a record's custom fields against the form version it names, or stamps the version in
 * force at its school when it names none (`keep`: the version an earlier save named). Returns
 * the record with parsed values (hidden fields dropped) and the problems found.
 */
async function checkedCustomFields(
  ctx: Pick<UseCaseContext, "plugins" | "tx">,
  record: VisitRecordDraft,
  tenant: TenantKeys,
  mode: "draft" | "complete",
  keep?: CustomFieldsRef,
): Promise<{ record: VisitRecordDraft; issues: ErrorIssue[] }> {
  const place = { cityId: tenant.cityId, countyId: tenant.countyId, schoolId: record.schoolId };
  let ref = record.customFields ?? (keep && { ...keep, values: {} });
  let template: FormTemplate | undefined;
  if (ref === undefined) {
    template = (await effectiveForm(ctx.tx, ctx.plugins, place)).template;
    if (template === undefined) return { record, issues: [] };
    ref = { templateId: template.id, templateVersion: template.version, values: {} };
  } else {
    template = await templateOfRecord(ctx.tx, ctx.plugins, place, ref);
  }
  const parsed = compileFormTemplate(template).safeParse(ref.values, {
    path: ["customFields", "values"],
    partial: mode === "draft",
  });
  if (!parsed.success) return { record, issues: [...parsed.error.issues] };
  // A photo answer points at one of the record's own photos (uploaded with attachPhoto), so
  // the photo is stripped, counted, erased and exported with the record, never another's.
  const own = new Set(record.photos.map((p) => p.blobId));
  const photoIssues: ErrorIssue[] = [];
  for (const [key, value] of Object.entries(parsed.data)) {
    if (!Array.isArray(value)) continue;
    value.forEach((item, index) => {
      const blobId = (item as { blobId?: unknown } | null)?.blobId;
      if (typeof blobId === "string" && !own.has(blobId)) {
        const error = new HomevisitError("custom_field_photo_unknown");
        photoIssues.push({
          path: ["customFields", "values", key, index, "blobId"],
          code: error.code,
          message: error.messages,
        });
      }
    });
  }
  if (photoIssues.length > 0) return { record, issues: photoIssues };
  const customFields = { templateId: ref.templateId, templateVersion: ref.templateVersion, values: parsed.data };
  return { record: { ...record, customFields }, issues: [] };
}

/** {@link checkedCustomFields} for a save: throws `validation_failed` on any problem. */
async function checkCustomFields(
  ctx: Pick<UseCaseContext, "plugins" | "tx">,
  record: VisitRecordDraft,
  tenant: TenantKeys,
  keep?: CustomFieldsRef,
): Promise<VisitRecordDraft> {
  const checked = await checkedCustomFields(ctx, record, tenant, "draft", keep);
  if (checked.issues.length > 0) throw new HomevisitError("validation_failed", { issues: checked.issues });
  return checked.record;
}

/**
 * The submission check of a whole record: the built-in sections and the custom fields,
 * every problem listed at once.
 */
async function checkForSubmission(
  ctx: Pick<UseCaseContext, "plugins" | "tx">,
  record: VisitRecordDraft,
  tenant: TenantKeys,
): Promise<VisitRecordDraft> {
  const custom = await checkedCustomFields(ctx, record, tenant, "complete");
  const builtIn = validateVisitRecordForSubmission(custom.record);
  const issues = [...(builtIn.success ? [] : builtIn.error.issues), ...custom.issues];
  if (issues.length > 0) throw new HomevisitError("validation_failed", { issues });
  return custom.record;
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
      const draft = newVisitRecordDraft(input.record, {
        id: ctx.newId(),
        schoolId: student.schoolId,
        studentId: student.id,
        teacherId: ctx.actor.id,
      });
      const record = await checkCustomFields(ctx, draft, ctx.target.data.tenant);
      // `draft` is what the visit record's own schema gives: unchanged (no custom fields), it
      // reaches the store prepared; with custom values the store checks it.
      const stored = await ctx.tx.visitRecords.create(
        record === draft ? preparedFromParsed("visitRecords", draft) : record,
      );
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
      const edited = replaceEditable(before, input.record);
      const next = await checkCustomFields(ctx, edited, ctx.target.data.stored.tenant, before.customFields);
      // `edited` was parsed by the visit record's own schema (replaceEditable): unchanged, it is prepared.
      const stored = await ctx.tx.visitRecords.update(
        before.id,
        next === edited ? preparedFromParsed("visitRecords", edited) : next,
        { expectedVersion: input.expectedVersion },
      );
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
      const candidate = await checkForSubmission(
        ctx,
        { ...before, status: "submitted" as const, submittedAt: ctx.now },
        ctx.target.data.stored.tenant,
      );
      // The appointment it was made against closes with it (completed, the record linked).
      const closed = await closeAppointmentOfRecord(ctx, candidate);
      const stored = await ctx.tx.visitRecords.update(before.id, closed, { expectedVersion: input.expectedVersion });
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
      const edited = replaceEditable(before, input.record);
      const next = await checkForSubmission(
        ctx,
        {
          ...edited,
          // An amendment keeps the version the record was written on unless it names another.
          ...(edited.customFields === undefined && before.customFields !== undefined
            ? { customFields: { ...before.customFields, values: {} } }
            : {}),
          status: "amended",
          amendedAt: ctx.now,
          amendmentReason: input.reason,
        },
        ctx.target.data.stored.tenant,
      );
      // A changed appointmentId moves the completion: the old appointment reopens, the new one closes.
      const relinked = await relinkAppointmentOfRecord(ctx, before, next);
      const stored = await ctx.tx.visitRecords.update(before.id, relinked, {
        expectedVersion: input.expectedVersion,
      });
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
    // The bytes are stored before the transaction that names them (RELIABILITY.md promise 6:
    // a fault between the two leaves an unreferenced blob, never a record naming missing
    // bytes). Blob stores are not transactional, and an embedded one shares the storage's
    // connection, so the put cannot run inside the call's transaction.
    stage: stagePhoto,
    async run(ctx, input) {
      const before = ctx.target.data.stored.record;
      checkVersion(ctx.target.data.stored, input.expectedVersion);
      await consentFor(ctx);
      const limit = maxPhotos;
      if (before.photos.length >= limit) throw new HomevisitError("photo_limit_reached", { params: { limit } });
      const staged = ctx.staged as StagedPhoto | undefined;
      // Refused in the order it always was: version, consent, count, then the photo itself.
      if (staged === undefined || "refused" in staged) throw staged?.refused ?? new HomevisitError("photo_malformed");
      const { photo, blobId } = staged;
      const next: VisitRecordDraftInput = {
        ...before,
        photos: [...before.photos, { blobId, ...(input.caption === undefined ? {} : { caption: input.caption }) }],
      };
      const stored = await ctx.tx.visitRecords.update(before.id, next, { expectedVersion: input.expectedVersion });
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

/** A photo as `checkPhoto` returns it: the type by content, the stripped bytes, the dimensions. */
type CheckedPhoto = ReturnType<typeof checkPhoto>;

/** A photo checked and stored before the call's transaction, or why it was refused. */
type StagedPhoto = { photo: CheckedPhoto; blobId: string } | { refused: unknown };

/**
 * Checks the photo (content, size, pixels; metadata stripped) and stores its bytes under a fresh
 * id, before the transaction. A refusal is kept for `run` to throw after the version, consent
 * and count checks, as before; a failed put fails the call before any record changes.
 */
async function stagePhoto(
  ctx: StageContext,
  input: { bytes: Uint8Array; contentType?: string | undefined },
): Promise<Staged> {
  let photo: CheckedPhoto;
  try {
    photo = checkPhoto(input.bytes, input.contentType, ctx.config.photos);
  } catch (refused) {
    return { value: { refused } satisfies StagedPhoto, discard: async () => undefined };
  }
  const blobId = ctx.newId();
  await ctx.blobs.put({ id: blobId, contentType: photo.contentType, bytes: photo.bytes });
  return {
    value: { photo, blobId } satisfies StagedPhoto,
    discard: async () => {
      await ctx.blobs.delete(blobId);
    },
  };
}

function replaceEditable(before: VisitRecordDraft, edits: z.output<typeof editableSchema>): VisitRecordDraft {
  const next: Record<string, unknown> = { ...before };
  for (const key of editableKeys) {
    if (edits[key] === undefined) delete next[key];
    else next[key] = edits[key];
  }
  return visitRecordDraftSchema.parse(next);
}
