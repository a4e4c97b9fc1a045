import type { School, Teacher } from "../../domain/organisation.js";
import type { TeacherObligation, Term } from "../../domain/planning.js";
import { parseInput } from "../../shared/errors/parse.js";
import { localizeAll } from "../../shared/i18n.js";
import { defaultObligationRules, type ObligationRules, obligationRulesSchema } from "../rules.js";
import { checkTerm } from "./helpers.js";

/** Input of {@link deriveTeacherObligations}. */
export interface DeriveTeacherObligationsInput {
  term: Pick<Term, "id" | "start" | "end">;
  school: Pick<School, "id">;
  teachers: readonly Pick<Teacher, "id" | "schoolId" | "roles" | "joinedOn" | "leftOn">[];
  /** The rules in force at the school; {@link defaultObligationRules} by default. */
  rules?: ObligationRules;
}

/**
 * What each teacher of a school must carry in a term (R2, R6): at least
 * `teacher.minimumVisitsPerTerm` (1) visits, or the highest `minimumByRole` of the teacher's
 * carrying roles. The principal gets `principal_minimum` (the principal is first responsible
 * and leads by example), everyone else `teacher_minimum`. Teachers of other schools, teachers
 * not at the school during the term (joined after it or left before it), staff with no
 * carrying role (a pure `school_admin` by default) and minimums of 0 give nothing. Ordered
 * by teacher id.
 *
 * @example
 * ```ts
 * deriveTeacherObligations({ term, school, teachers: [principal] });
 * // [{ ruleId: "principal_minimum", schoolId: "sch1", teacherId: "t-principal", minimumVisits: 1,
 * //    why: { "zh-CN": "校长是家访第一责任人，须带头家访：本学期（2026-2027-1）至少家访1次", en: "…" } }]
 * ```
 */
export function deriveTeacherObligations(input: DeriveTeacherObligationsInput): TeacherObligation[] {
  checkTerm(input.term);
  const rules = input.rules
    ? parseInput(obligationRulesSchema, input.rules, { path: ["rules"] })
    : defaultObligationRules;
  const { carryingRoles, minimumByRole, minimumVisitsPerTerm } = rules.teacher;
  const out: TeacherObligation[] = [];
  const teachers = [...input.teachers].sort((a, b) => a.id.localeCompare(b.id));
  for (const teacher of teachers) {
    if (teacher.schoolId !== input.school.id) continue;
    if (teacher.joinedOn !== undefined && teacher.joinedOn > input.term.end) continue;
    if (teacher.leftOn !== undefined && teacher.leftOn < input.term.start) continue;
    const roles = teacher.roles.filter((r) => carryingRoles.includes(r));
    if (roles.length === 0) continue;
    const minimumVisits = Math.max(...roles.map((r) => minimumByRole[r] ?? minimumVisitsPerTerm));
    if (minimumVisits <= 0) continue;
    const principal = roles.includes("principal");
    out.push({
      ruleId: principal ? "principal_minimum" : "teacher_minimum",
      schoolId: input.school.id,
      teacherId: teacher.id,
      minimumVisits,
      why: localizeAll(
        principal
          ? {
              "zh-CN": "校长是家访第一责任人，须带头家访：本学期（{term}）至少家访{n}次",
              en: "The principal is first responsible and leads by example: at least {n} visit(s) this term ({term})",
            }
          : {
              "zh-CN": "全员参与：每位教师本学期（{term}）至少家访{n}次",
              en: "Everyone takes part: at least {n} visit(s) this term ({term})",
            },
        { term: input.term.id, n: minimumVisits },
      ),
    });
  }
  return out;
}
