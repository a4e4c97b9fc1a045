import type { CategoryFlag } from "../../../domain/categories.js";
import { categoriesAt, priorityCategories } from "../../../domain/categories.js";
import type { Student } from "../../../domain/student.js";
import {
  derivePersonalisedPlan,
  type PastVisitSummary,
  type PersonalisedPlan,
} from "../../../domain/visit-plan/derive.js";
import { visitDate } from "../../../ports/entities.js";
import type { Stored } from "../../../ports/storage.js";
import { HomevisitError } from "../../../shared/errors/homevisit-error.js";
import type { UseCaseContext } from "../../use-case.js";
import { loadAll } from "../../util.js";

const builtIn = new Set<string>(priorityCategories);

/**
 * The personalised plan (R7) for a visit to a stored student on `date`: the student's category
 * flags (the seven built-in categories; plugin keys are the plugins' own), their submitted
 * visits as history (channel, open follow-ups, the categories in force that day), their
 * mentorships, and the default visit-plan table.
 *
 * @example
 * ```ts
 * const plan = await personalisedPlanOf(ctx, stored, "2026-10-15");
 * plan.triggers.map((t) => t.key); // ["mentor_needed", "economic_hardship", "every_visit"]
 * ```
 */
export async function personalisedPlanOf(
  ctx: UseCaseContext<unknown>,
  stored: Stored<Student>,
  date: string,
): Promise<PersonalisedPlan> {
  const student = stored.record;
  const [school, flagRows, visits, mentorships] = await Promise.all([
    ctx.tx.schools.get(student.schoolId),
    loadAll((cursor) => ctx.tx.categoryFlags.list({ where: { studentId: student.id }, cursor, limit: 1000 })),
    loadAll((cursor) =>
      ctx.tx.visitRecords.list({ where: { studentId: student.id, completed: 1 }, cursor, limit: 1000 }),
    ),
    loadAll((cursor) => ctx.tx.mentorships.list({ where: { studentId: student.id }, cursor, limit: 1000 })),
  ]);
  if (!school) throw new HomevisitError("not_found", { params: { entity: "school" } });
  const flags = flagRows.map((f) => f.record as CategoryFlag).filter((f) => builtIn.has(f.category));
  const history: PastVisitSummary[] = visits.flatMap((v) => {
    const day = visitDate(v.record);
    if (day === null) return [];
    return [
      {
        date: day,
        channel: v.record.channel,
        openFollowUps: v.record.followUps.filter((f) => f.status === "open").length,
        categoriesAtVisit: categoriesAt(flags, day).map((c) => c.category),
      },
    ];
  });
  return derivePersonalisedPlan({
    student,
    school: school.record,
    flags,
    history,
    mentorships: mentorships
      .map((m) => m.record)
      .filter((m) => m.until === undefined || m.until >= date)
      .map((m) => ({ studentId: m.studentId, mentorId: m.mentorId, since: m.since })),
    date,
  });
}
