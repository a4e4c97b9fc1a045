import { type CategoryFlag, categoriesAt, categoryFlagSchemaFor, categoryKeyEnum } from "../../../domain/categories.js";
import type { Student } from "../../../domain/student.js";
import { staleError } from "../../../ports/adapter-kit.js";
import { schoolEnrolment } from "../../../ports/entities.js";
import { decodeCursor, encodeCursor } from "../../../ports/paging.js";
import type { StorageTx, Stored } from "../../../ports/storage.js";
import { HomevisitError } from "../../../shared/errors/homevisit-error.js";
import { requireConsent } from "../../consent-gate.js";
import type { PluginRegistry } from "../../plugins.js";
import { toStudentSummary } from "../../policy/masking.js";
import { authorize, type PolicyTarget } from "../../policy/policy.js";
import { type RelationReads, schoolTarget, studentRelations, studentTarget, tenantPolicy } from "../../targets.js";
import { implementUseCase } from "../../use-case.js";
import { loadAll } from "../../util.js";
import { archiveOutputFor, flagCategoryInput, flagOutputFor, readOutputFor, studentContracts } from "./contract.js";

async function flagsOf(tx: StorageTx, ids: readonly string[]): Promise<CategoryFlag[]> {
  if (ids.length === 0) return [];
  const rows = await loadAll((cursor) => tx.categoryFlags.list({ where: { studentId: ids }, cursor, limit: 1000 }));
  return rows.map((r) => r.record);
}

/**
 * The students area: masked lists, full reads with a purpose, the visit archive (R9), and
 * flagging and unflagging priority categories (R3) with evidence, behind the consent gate.
 */
export const studentUseCases = {
  list: implementUseCase(studentContracts.list, {
    async resolveTarget(ctx) {
      const school = await schoolTarget(ctx);
      // The list as a whole is open to every role with an entry; rows are filtered one by one.
      const policy: PolicyTarget = { ...school.policy, assigned: true, classTeacher: true, mentor: true, own: true };
      return { ...school, policy };
    },
    async run(ctx, input) {
      const { tx, actor } = ctx;
      const schoolId = ctx.target.policy.schoolId;
      if (schoolId === undefined) return { items: [] };
      const after = input.cursor === undefined ? undefined : decodeCursor(input.cursor);
      const rowTarget = (student: Student, relations: Partial<PolicyTarget>): PolicyTarget => ({
        ...ctx.target.policy,
        assigned: false,
        classTeacher: false,
        mentor: false,
        own: false,
        ...relations,
        schoolId: student.schoolId,
      });
      const wholeSchool = authorize(actor, "students.list", rowTarget({ schoolId } as Student, {}));
      let page: Stored<Student>[];
      let more: boolean;
      if (wholeSchool.allowed) {
        const listed = await tx.students.list({
          where: {
            schoolId,
            ...(input.classId === undefined ? {} : { classId: input.classId }),
            ...(input.grade === undefined ? {} : { grade: input.grade }),
          },
          limit: input.limit,
          ...(input.cursor === undefined ? {} : { cursor: input.cursor }),
        });
        page = listed.items;
        more = listed.nextCursor !== undefined;
      } else {
        // Gather the students the actor relates to, then keep those the policy allows.
        const [appointments, classes, mentorships] = await Promise.all([
          loadAll((cursor) => tx.appointments.list({ where: { schoolId }, cursor, limit: 1000 })),
          loadAll((cursor) => tx.classes.list({ where: { schoolId, classTeacherId: actor.id }, cursor, limit: 1000 })),
          loadAll((cursor) => tx.mentorships.list({ where: { schoolId, mentorId: actor.id }, cursor, limit: 1000 })),
        ]);
        const assigned = new Set(
          appointments
            .filter((a) => a.record.teacherId === actor.id || a.record.companionIds.includes(actor.id))
            .map((a) => a.record.studentId),
        );
        const mentees = new Set(
          mentorships
            .filter((m) => m.record.until === undefined || m.record.until >= ctx.today)
            .map((m) => m.record.studentId),
        );
        const classIds = classes.map((c) => c.record.id);
        const inClasses =
          classIds.length === 0
            ? []
            : await loadAll((cursor) =>
                tx.students.list({ where: { schoolId, classId: classIds }, cursor, limit: 1000 }),
              );
        const ids = new Set([...assigned, ...mentees, ...inClasses.map((s) => s.record.id)]);
        const candidates = await tx.students.getMany([...ids].sort());
        const visible = candidates.filter((s) => {
          const enrolment = schoolEnrolment(s.record);
          const relations = {
            assigned: assigned.has(s.record.id),
            mentor: mentees.has(s.record.id),
            classTeacher: enrolment !== undefined && classIds.includes(enrolment.classId),
          };
          if (!authorize(actor, "students.list", rowTarget(s.record, relations)).allowed) return false;
          if (input.classId !== undefined && enrolment?.classId !== input.classId) return false;
          if (input.grade !== undefined && enrolment?.grade !== input.grade) return false;
          return after === undefined || s.record.id > after;
        });
        page = visible.slice(0, input.limit);
        more = visible.length > input.limit;
      }
      const flags = await flagsOf(
        tx,
        page.map((s) => s.record.id),
      );
      const items = page.map((s) =>
        toStudentSummary(
          s.record,
          flags.filter((f) => f.studentId === s.record.id),
          ctx.today,
        ),
      );
      const last = page.at(-1);
      return more && last ? { items, nextCursor: encodeCursor(last.record.id) } : { items };
    },
  }),

  read: implementUseCase(studentContracts.read, {
    resolveTarget: (ctx, input) => studentTarget(ctx, input.studentId),
    async run(ctx) {
      const student = ctx.target.data;
      const flags = await flagsOf(ctx.tx, [student.record.id]);
      return {
        student: student.record,
        version: student.version,
        categories: categoriesAt(flags, ctx.today).map((c) => c.flag),
      };
    },
  }),

  archive: implementUseCase(studentContracts.archive, {
    async resolveTarget(ctx, input) {
      const reads: RelationReads = {};
      const target = await studentTarget(ctx, input.studentId, reads);
      return target && { ...target, data: { student: target.data, appointments: reads.appointments } };
    },
    async run(ctx, input) {
      const where = { studentId: input.studentId };
      // The relations check read the first page of these appointments in this transaction:
      // when it was the only page, it is the archive's list too (one query fewer).
      const seen = ctx.target.data.appointments;
      const [visits, appointments, flags] = await Promise.all([
        loadAll((cursor) => ctx.tx.visitRecords.list({ where, cursor, limit: 1000 })),
        seen !== undefined && seen.nextCursor === undefined
          ? seen.items
          : loadAll((cursor) => ctx.tx.appointments.list({ where, cursor, limit: 1000 })),
        flagsOf(ctx.tx, [input.studentId]),
      ]);
      const byDate =
        <T extends { id: string }>(key: (r: T) => string) =>
        (a: T, b: T) =>
          key(a).localeCompare(key(b)) || a.id.localeCompare(b.id);
      return {
        studentId: input.studentId,
        visits: visits
          .map((v) => v.record)
          .filter((v) => v.status !== "draft")
          .sort(byDate((v) => v.arrivedAt ?? v.submittedAt ?? "")),
        appointments: appointments.map((a) => a.record).sort(byDate((a) => a.start)),
        flags: flags.sort(byDate((f) => f.validFrom)),
      };
    },
  }),

  flagCategory: implementUseCase(studentContracts.flagCategory, {
    resolveTarget: (ctx, input) => studentTarget(ctx, input.studentId),
    async run(ctx, input) {
      const student = ctx.target.data.record;
      await requireConsent(ctx.tx, ctx.config, student, ctx.today);
      const stored = await ctx.tx.categoryFlags.create({
        id: ctx.newId(),
        studentId: student.id,
        category: input.category,
        validFrom: input.validFrom ?? ctx.today,
        ...(input.validTo === undefined ? {} : { validTo: input.validTo }),
        evidence: input.evidence,
        ...(input.reviewOn === undefined ? {} : { reviewOn: input.reviewOn }),
        flaggedBy: ctx.actor.id,
        flaggedAt: ctx.now,
      });
      ctx.recordChange({ entity: "categoryFlags", before: undefined, after: stored.record });
      ctx.auditDetail("flagId", stored.record.id);
      ctx.emit("category.flagged", { studentId: student.id, flagId: stored.record.id });
      return { flag: stored.record, version: stored.version };
    },
  }),

  unflagCategory: implementUseCase(studentContracts.unflagCategory, {
    async resolveTarget(ctx, input) {
      const flag = await ctx.tx.categoryFlags.get(input.flagId);
      if (!flag) return undefined;
      const student = await ctx.tx.students.get(flag.record.studentId);
      if (!student) return undefined;
      const relations = await studentRelations(ctx.tx, ctx.actor, student.record, ctx.today);
      return {
        policy: { ...tenantPolicy(flag.tenant), ...relations },
        entity: "categoryFlags",
        entityId: flag.record.id,
        data: flag,
      };
    },
    async run(ctx, input) {
      const before = ctx.target.data.record;
      if (ctx.target.data.version !== input.expectedVersion) {
        throw staleError(input.expectedVersion, ctx.target.data.version);
      }
      if (before.revokedOn !== undefined) throw new HomevisitError("conflict", { params: { entity: "category flag" } });
      const after = {
        ...before,
        revokedOn: input.revokedOn ?? ctx.today,
        revokedBy: ctx.actor.id,
        ...(input.reason === undefined ? {} : { revokeReason: input.reason }),
      };
      const stored = await ctx.tx.categoryFlags.update(before.id, after, { expectedVersion: input.expectedVersion });
      ctx.recordChange({ entity: "categoryFlags", before, after: stored.record });
      ctx.emit("category.unflagged", { studentId: before.studentId, flagId: before.id });
      return { flag: stored.record, version: stored.version };
    },
  }),
};

/**
 * The students area of one engine: `flagCategory`'s input accepts exactly the seven categories
 * and the categories of the engine's plugins, so validation, the REST routes and the OpenAPI
 * document list them. `createEngine` uses it; `studentUseCases` (any well-formed key, checked
 * against the registry when run) stays the static default for clients.
 *
 * @example
 * ```ts
 * const area = studentUseCasesFor(pluginRegistry([ruralExtras]));
 * area.flagCategory.input.safeParse({ studentId: "s-1", category: "boarding_left_behind", evidence: "父母在外务工" }).success; // true
 * area.flagCategory.input.safeParse({ studentId: "s-1", category: "only_child", evidence: "x" }).success; // false
 * ```
 */
export function studentUseCasesFor(plugins: PluginRegistry): typeof studentUseCases {
  if (plugins.categories().length === 0) return studentUseCases;
  const keys = plugins.categoryKeys();
  const flag = categoryFlagSchemaFor(keys);
  // Plugin keys travel at runtime under the seven's static types (see `storedEntities.categoryFlags`):
  // `run` treats the category as an opaque key, so only the schemas change.
  const as = <S>(schema: unknown) => schema as S;
  return {
    ...studentUseCases,
    read: { ...studentUseCases.read, output: as(readOutputFor(flag)) },
    archive: { ...studentUseCases.archive, output: as(archiveOutputFor(flag)) },
    flagCategory: {
      ...studentUseCases.flagCategory,
      input: as(flagCategoryInput(categoryKeyEnum(keys))),
      output: as(flagOutputFor(flag)),
    },
    unflagCategory: { ...studentUseCases.unflagCategory, output: as(flagOutputFor(flag)) },
  };
}
