import type { Tombstone } from "../../../domain/consent.js";
import type { Student } from "../../../domain/student.js";
import { staleError } from "../../../ports/adapter-kit.js";
import type { Storage, StorageTx, Stored } from "../../../ports/storage.js";
import { schoolTarget, studentTarget } from "../../targets.js";
import type { UseCaseContext } from "../../use-case.js";
import { implementUseCase } from "../../use-case.js";
import { loadAll } from "../../util.js";
import { dataRightsContracts } from "./contract.js";
import { planPartOf, scrubPlanCategories, scrubPlans } from "./scrub-plans.js";

/**
 * Data rights (PIPL art. 45, 47; RELIABILITY.md promise 4): export everything about one
 * student, erase it on request, and purge what retention or a withdrawn consent no longer allows.
 * Erasure removes rows inside the transaction and blobs right after it commits, and leaves a
 * tombstone without personal data.
 */

type EraseContext = Pick<UseCaseContext, "tx" | "actor" | "now" | "newId" | "hmac" | "recordChange" | "afterCommit">;

/** Deletes blobs a tombstone still lists, then clears the list. Blob stores are not transactional. */
async function sweepBlobs(storage: Storage, blobs: UseCaseContext["blobs"], tombstoneId: string): Promise<void> {
  const stored = await storage.tombstones.get(tombstoneId);
  if (!stored || stored.record.pendingBlobIds.length === 0) return;
  for (const blobId of stored.record.pendingBlobIds) await blobs.delete(blobId);
  await storage.transaction(async (tx) => {
    const current = await tx.tombstones.get(tombstoneId);
    if (!current) return;
    await tx.tombstones.update(
      tombstoneId,
      { ...current.record, pendingBlobIds: [] },
      { expectedVersion: current.version },
    );
  });
}

/**
 * Removes a student and everything about them inside the caller's transaction, leaving a
 * tombstone; schedules the blob deletions for after the commit.
 */
async function eraseStudent(
  ctx: EraseContext & { blobs: UseCaseContext["blobs"] },
  student: Stored<Student>,
  reason: "request" | "retention",
): Promise<Tombstone> {
  const { tx } = ctx;
  const studentId = student.record.id;
  const schoolId = student.record.schoolId;
  const where = { studentId };
  const removed: Record<string, number> = {};
  const blobIds: string[] = [];
  const remove = async <N extends "categoryFlags" | "consents" | "mentorships" | "appointments" | "visitRecords">(
    entity: N,
    rows: Stored<{ id: string }>[],
  ) => {
    for (const row of rows) {
      await (tx[entity] as StorageTx["categoryFlags"]).delete(row.record.id, { expectedVersion: row.version });
    }
    removed[entity] = rows.length;
  };
  const visits = await loadAll((cursor) => tx.visitRecords.list({ where, cursor, limit: 1000 }));
  for (const v of visits) blobIds.push(...v.record.photos.map((p) => p.blobId));
  const appointments = await loadAll((cursor) => tx.appointments.list({ where, cursor, limit: 1000 }));
  await remove("visitRecords", visits);
  await remove("appointments", appointments);
  await remove("categoryFlags", await loadAll((cursor) => tx.categoryFlags.list({ where, cursor, limit: 1000 })));
  await remove("consents", await loadAll((cursor) => tx.consents.list({ where, cursor, limit: 1000 })));
  await remove("mentorships", await loadAll((cursor) => tx.mentorships.list({ where, cursor, limit: 1000 })));
  // Safety reports are the teacher's records: a trip to several homes keeps the others.
  const reports = await loadAll((cursor) => tx.safetyReports.list({ where: { schoolId }, cursor, limit: 1000 }));
  const appointmentIds = new Set(appointments.map((a) => a.record.id));
  let reportsRemoved = 0;
  for (const report of reports.filter((r) => r.record.studentIds.includes(studentId))) {
    const others = report.record.studentIds.filter((id) => id !== studentId);
    if (others.length === 0) {
      await tx.safetyReports.delete(report.record.id, { expectedVersion: report.version });
      reportsRemoved++;
    } else {
      await tx.safetyReports.update(
        report.record.id,
        {
          ...report.record,
          studentIds: others,
          appointmentIds: report.record.appointmentIds.filter((id) => !appointmentIds.has(id)),
        },
        { expectedVersion: report.version },
      );
    }
  }
  removed.safetyReports = reportsRemoved;
  // Plans are the school's records, as safety reports are: the student's entries leave them
  // (counted as the plans they left, which stay).
  removed.termPlans = await scrubPlans(tx, schoolId, studentId);
  await tx.students.delete(studentId, { expectedVersion: student.version });
  removed.students = 1;
  const tombstone = await tx.tombstones.create({
    id: ctx.newId(),
    schoolId,
    scope: "student",
    subjectHash: ctx.hmac(`student:${studentId}`),
    reason,
    erasedAt: ctx.now,
    erasedBy: ctx.actor.id,
    removed,
    pendingBlobIds: [...new Set(blobIds)],
  });
  ctx.recordChange({ entity: "tombstones", before: undefined, after: { removed, reason } });
  const blobs = ctx.blobs;
  ctx.afterCommit((storage) => sweepBlobs(storage, blobs, tombstone.record.id));
  return tombstone.record;
}

/**
 * Whether a roster row is a student erased before (their tombstone's subject hash matches), so
 * that a host's nightly sync does not bring an erased child back.
 *
 * @example
 * ```ts
 * await isErased(tx, (v) => hmacSha256Hex(key, v), "stu-0001"); // true after an erasure
 * ```
 */
export async function isErased(tx: StorageTx, hmac: (value: string) => string, studentId: string): Promise<boolean> {
  // A consent purge leaves a tombstone with the same subject but removes only the flags: the
  // student is still enrolled and must not be skipped (and so marked departed) by the next sync.
  const count = await tx.tombstones.count({
    subjectHash: hmac(`student:${studentId}`),
    reason: ["request", "retention"],
  });
  return count > 0;
}

/** The data rights area: export, erase on request, purge after retention or withdrawal. */
export const dataRightsUseCases = {
  export: implementUseCase(dataRightsContracts.export, {
    resolveTarget: (ctx, input) => studentTarget(ctx, input.studentId),
    async run(ctx, input) {
      const { tx } = ctx;
      const where = { studentId: input.studentId };
      const student = ctx.target.data.record;
      const records = <T>(rows: Stored<T>[]) => rows.map((r) => r.record);
      const audit = [];
      for (let fromSeq = 1; ; ) {
        const rows = await tx.audit.read(student.schoolId, { fromSeq, limit: 1000 });
        audit.push(...rows.filter((r) => r.entityId === input.studentId));
        if (rows.length < 1000) break;
        fromSeq += rows.length;
      }
      const reports = await loadAll((cursor) =>
        tx.safetyReports.list({ where: { schoolId: student.schoolId }, cursor, limit: 1000 }),
      );
      const plans = await loadAll((cursor) =>
        tx.termPlans.list({ where: { schoolId: student.schoolId }, cursor, limit: 1000 }),
      );
      return {
        exportedAt: ctx.now,
        student,
        flags: records(await loadAll((cursor) => tx.categoryFlags.list({ where, cursor, limit: 1000 }))),
        consents: records(await loadAll((cursor) => tx.consents.list({ where, cursor, limit: 1000 }))),
        mentorships: records(await loadAll((cursor) => tx.mentorships.list({ where, cursor, limit: 1000 }))),
        appointments: records(await loadAll((cursor) => tx.appointments.list({ where, cursor, limit: 1000 }))),
        visitRecords: records(await loadAll((cursor) => tx.visitRecords.list({ where, cursor, limit: 1000 }))),
        safetyReports: records(reports).filter((r) => r.studentIds.includes(input.studentId)),
        termPlans: records(plans).flatMap((p) => planPartOf(p, input.studentId) ?? []),
        audit,
      };
    },
  }),

  erase: implementUseCase(dataRightsContracts.erase, {
    resolveTarget: (ctx, input) => studentTarget(ctx, input.studentId),
    async run(ctx, input) {
      const student = ctx.target.data;
      if (student.version !== input.expectedVersion) throw staleError(input.expectedVersion, student.version);
      const tombstone = await eraseStudent(ctx, student, "request");
      ctx.emit("student.erased", { tombstoneId: tombstone.id, reason: "request" });
      return { tombstone };
    },
  }),

  purgeDue: implementUseCase(dataRightsContracts.purgeDue, {
    resolveTarget: (ctx) => schoolTarget(ctx),
    async run(ctx) {
      const { tx } = ctx;
      const schoolId = ctx.target.policy.schoolId;
      if (schoolId === undefined) return { studentsErased: 0, consentPurges: 0, tombstoneIds: [], blobsPending: 0 };
      const tombstoneIds: string[] = [];
      // The last day that still allows keeping a departed student's data.
      const cutoff = new Date(Date.parse(`${ctx.today}T00:00:00Z`) - ctx.config.retention.daysAfterLeaving * 86_400_000)
        .toISOString()
        .slice(0, 10);
      const students = await loadAll((cursor) => tx.students.list({ where: { schoolId }, cursor, limit: 1000 }));
      let studentsErased = 0;
      for (const student of students) {
        const here = student.record.enrolments.filter((e) => e.schoolId === schoolId);
        const leftOn = here.every((e) => e.to !== undefined)
          ? here
              .map((e) => e.to ?? "")
              .sort()
              .at(-1)
          : undefined;
        if (leftOn === undefined || leftOn >= cutoff) continue;
        const tombstone = await eraseStudent(ctx, student, "retention");
        ctx.emit("student.erased", { tombstoneId: tombstone.id, reason: "retention" });
        tombstoneIds.push(tombstone.id);
        studentsErased++;
      }
      let consentPurges = 0;
      const consents = await loadAll((cursor) =>
        tx.consents.list({ where: { schoolId, status: "withdrawn" }, cursor, limit: 1000 }),
      );
      for (const consent of consents) {
        const c = consent.record;
        if (c.purgedAt !== undefined || c.purgeAfter === undefined || c.purgeAfter > ctx.today) continue;
        const flags = await loadAll((cursor) =>
          tx.categoryFlags.list({ where: { studentId: c.studentId }, cursor, limit: 1000 }),
        );
        for (const flag of flags) await tx.categoryFlags.delete(flag.record.id, { expectedVersion: flag.version });
        // The plans' obligations were derived from those flags: their category detail goes too.
        const termPlans = await scrubPlanCategories(tx, schoolId, c.studentId);
        await tx.consents.update(c.id, { ...c, purgedAt: ctx.now }, { expectedVersion: consent.version });
        const tombstone = await tx.tombstones.create({
          id: ctx.newId(),
          schoolId,
          scope: "sensitive_data",
          subjectHash: ctx.hmac(`student:${c.studentId}`),
          reason: "consent_withdrawn",
          erasedAt: ctx.now,
          erasedBy: ctx.actor.id,
          removed: { categoryFlags: flags.length, termPlans },
        });
        ctx.emit("consent.purged", { tombstoneId: tombstone.record.id, consentId: c.id });
        tombstoneIds.push(tombstone.record.id);
        consentPurges++;
      }
      const pending = await tx.tombstones.count({ schoolId, blobsPending: 1 });
      ctx.auditDetail("studentsErased", studentsErased);
      ctx.auditDetail("consentPurges", consentPurges);
      // Blobs an earlier purge could not delete are retried after this commit.
      const stuck = await loadAll((cursor) =>
        tx.tombstones.list({ where: { schoolId, blobsPending: 1 }, cursor, limit: 1000 }),
      );
      for (const t of stuck) {
        if (tombstoneIds.includes(t.record.id)) continue;
        const blobs = ctx.blobs;
        ctx.afterCommit((storage) => sweepBlobs(storage, blobs, t.record.id));
      }
      return { studentsErased, consentPurges, tombstoneIds, blobsPending: pending };
    },
  }),
};
