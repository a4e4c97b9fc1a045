import { HomevisitError } from "../../../shared/errors/homevisit-error.js";
import type { UseCaseContext } from "../../use-case.js";
import { loadAll } from "../../util.js";

/** What the planner needs of a school: the school, its staff, classes, students and mentorships. */
export async function loadSchoolWorld(ctx: UseCaseContext, schoolId: string) {
  const where = { schoolId };
  const [school, teachers, classes, students, mentorships] = await Promise.all([
    ctx.tx.schools.get(schoolId),
    loadAll((cursor) => ctx.tx.teachers.list({ where, cursor, limit: 1000 })),
    loadAll((cursor) => ctx.tx.classes.list({ where, cursor, limit: 1000 })),
    loadAll((cursor) => ctx.tx.students.list({ where: { schoolId, leftOn: null }, cursor, limit: 1000 })),
    loadAll((cursor) => ctx.tx.mentorships.list({ where, cursor, limit: 1000 })),
  ]);
  if (!school) throw new HomevisitError("not_found", { params: { entity: "school" } });
  return {
    school: school.record,
    teachers: teachers.map((t) => t.record),
    classes: classes.map((c) => c.record),
    students: students.map((s) => s.record),
    // The planner's shape only: a kept mentorship is copied into the plan snapshot, whose
    // strict schema refuses the stored row's id and schoolId.
    mentorships: mentorships
      .map((m) => m.record)
      .filter((m) => m.until === undefined || m.until >= ctx.today)
      .map((m) => ({ studentId: m.studentId, mentorId: m.mentorId, since: m.since })),
  };
}
