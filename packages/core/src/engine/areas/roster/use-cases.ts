import { upsertRoster } from "../../../ports/roster.js";
import { HomevisitError } from "../../../shared/errors/homevisit-error.js";
import { schoolTarget, studentRelations, studentTarget, tenantPolicy } from "../../targets.js";
import { implementUseCase, type UseCaseContext } from "../../use-case.js";
import { rosterContracts } from "./contract.js";

/**
 * In the `school` id model, every id an import would create must be in the school's namespace
 * (`<schoolId>-…`): rows the school already holds pass; any other id outside it is refused the
 * same way whether another school holds it or nobody does (promise 10).
 */
async function checkNamespace(
  ctx: UseCaseContext,
  schoolId: string,
  input: { classes?: unknown[]; teachers?: unknown[]; students?: unknown[] },
): Promise<void> {
  const prefix = `${schoolId}-`;
  for (const [kind, rows] of [
    ["classes", input.classes],
    ["teachers", input.teachers],
    ["students", input.students],
  ] as const) {
    const outside = (rows ?? []).flatMap((row, index) => {
      const id = (row as { id?: unknown } | null)?.id;
      return typeof id === "string" && !id.startsWith(prefix) ? [{ id, index }] : [];
    });
    if (outside.length === 0) continue;
    const held = await ctx.tx[kind].getMany(outside.map((o) => o.id));
    const own = new Set(held.filter((h) => h.tenant.schoolId === schoolId).map((h) => h.record.id));
    const refused = outside.find((o) => !own.has(o.id));
    if (refused) throw new HomevisitError("roster_id_namespace", { path: [kind, refused.index, "id"] });
  }
}

/**
 * Whether this school erased the student before (a tombstone of its own with the student's
 * subject hash, after an erasure on request or after retention), so that its nightly sync does
 * not bring the child back. Only the importing school's tombstones count: with global ids,
 * another school's erasure of the same id would otherwise show in `skippedErased`, telling the
 * caller that the id once existed elsewhere (promise 10). A consent purge's tombstone removes
 * only flags and does not count.
 */
async function erasedHere(ctx: UseCaseContext, schoolId: string, studentId: string): Promise<boolean> {
  const count = await ctx.tx.tombstones.count({
    schoolId,
    subjectHash: ctx.hmac(`student:${studentId}`),
    reason: ["request", "retention"],
  });
  return count > 0;
}

/**
 * The roster area: the host's classes, teachers, students and guardians come in by import (the
 * host owns them), and the school appoints mentors (德育导师, R4.5).
 */
export const rosterUseCases = {
  importRoster: implementUseCase(rosterContracts.importRoster, {
    resolveTarget: (ctx) => schoolTarget(ctx),
    async run(ctx, input) {
      const schoolId = ctx.target.policy.schoolId;
      if (schoolId === undefined) throw new HomevisitError("forbidden");
      const students: unknown[] = [];
      let skippedErased = 0;
      for (const row of input.students) {
        const id = (row as { id?: unknown } | null)?.id;
        if (typeof id === "string" && (await erasedHere(ctx, schoolId, id))) skippedErased++;
        else students.push(row);
      }
      if (ctx.config.roster.ids === "school") await checkNamespace(ctx, schoolId, { ...input, students });
      const result = await upsertRoster(ctx.tx, { ...input, schoolId, students });
      for (const key of ["added", "updated", "unchanged"] as const) {
        for (const kind of ["classes", "teachers", "students"] as const)
          ctx.auditDetail(`${key}.${kind}`, result[key][kind]);
      }
      ctx.auditDetail("departed.students", result.departed.students);
      ctx.auditDetail("skippedErased", skippedErased);
      ctx.emit("roster.imported", {
        schoolId,
        added: result.added,
        updated: result.updated,
        departed: result.departed,
      });
      return { ...result, skippedErased };
    },
  }),

  assignMentor: implementUseCase(rosterContracts.assignMentor, {
    resolveTarget: (ctx, input) => studentTarget(ctx, input.studentId),
    async run(ctx, input) {
      const student = ctx.target.data.record;
      const mentor = await ctx.tx.teachers.get(input.mentorId);
      if (!mentor || mentor.record.schoolId !== student.schoolId || mentor.record.leftOn !== undefined) {
        throw new HomevisitError("not_found", { params: { entity: "teacher" }, path: ["mentorId"] });
      }
      const stored = await ctx.tx.mentorships.create({
        id: ctx.newId(),
        schoolId: student.schoolId,
        studentId: student.id,
        mentorId: input.mentorId,
        since: input.since ?? ctx.today,
      });
      ctx.recordChange({ entity: "mentorships", before: undefined, after: stored.record });
      ctx.emit("mentorship.assigned", {
        mentorshipId: stored.record.id,
        studentId: student.id,
        mentorId: input.mentorId,
      });
      return { mentorship: stored.record, version: stored.version };
    },
  }),

  endMentorship: implementUseCase(rosterContracts.endMentorship, {
    async resolveTarget(ctx, input) {
      const mentorship = await ctx.tx.mentorships.get(input.mentorshipId);
      if (!mentorship) return undefined;
      const student = await ctx.tx.students.get(mentorship.record.studentId);
      if (!student) return undefined;
      const relations = await studentRelations(ctx.tx, ctx.actor, student.record, ctx.today);
      return {
        policy: { ...tenantPolicy(mentorship.tenant), ...relations },
        entity: "mentorships",
        entityId: mentorship.record.id,
        data: mentorship,
      };
    },
    async run(ctx, input) {
      const before = ctx.target.data.record;
      const until = input.until ?? ctx.today;
      const stored = await ctx.tx.mentorships.update(
        before.id,
        { ...before, until },
        {
          expectedVersion: input.expectedVersion,
        },
      );
      ctx.recordChange({ entity: "mentorships", before, after: stored.record });
      ctx.emit("mentorship.ended", { mentorshipId: before.id, studentId: before.studentId, mentorId: before.mentorId });
      return { mentorship: stored.record, version: stored.version };
    },
  }),
};
