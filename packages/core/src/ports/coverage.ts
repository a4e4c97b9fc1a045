import type { StoredCategoryFlag } from "../domain/categories.js";
import { flagEnd } from "../domain/categories.js";
import type { Student } from "../domain/student.js";
import type { VisitRecordDraft } from "../domain/visit-record.js";
import { type TenantKeys, visitDate } from "./entities.js";
import type { CoverageQuery, CoverageRow } from "./storage.js";

/**
 * The coverage report's definition, as a pure function over plain facts. SQL adapters compute
 * the same figures with GROUP BY in the database; the memory adapter and the conformance
 * suite use this function, so "covered" means one thing everywhere:
 *
 * - **enrolled**: distinct students with an enrolment at their school (in scope) that overlaps
 *   the period; a student who changed class counts in both classes, once in the school.
 * - **visited**: of those, distinct students with a completed visit in the `in_home` channel
 *   dated within the period (for the `channel` grouping: through that channel).
 * - **visits**: completed visits of any channel within the period.
 * - `category`: an enrolled student counts in each category with a flag overlapping the period.
 * - `teacher` and `channel`: grouped by the visit's lead teacher or channel; `enrolled` is null.
 */

/** One enrolment period, with its student's tenant keys. */
export interface CoverageEnrolmentFact {
  studentId: string;
  cityId: string;
  countyId: string;
  schoolId: string;
  classId: string;
  grade: number;
  from: string;
  /** `null` while open. */
  to: string | null;
}

/** One category flag period. */
export interface CoverageFlagFact {
  studentId: string;
  category: string;
  from: string;
  /** The last day it applies; `null` when open-ended. */
  until: string | null;
}

/** One visit as the report sees it. */
export interface CoverageVisitFact {
  cityId: string;
  countyId: string;
  schoolId: string;
  studentId: string;
  teacherId: string;
  channel: string;
  completed: boolean;
  date: string;
}

/** The channel that counts as a home visit (进家入户). */
export const inHomeChannel = "in_home";

/**
 * The enrolment facts of a stored student: its enrolments at its own school.
 *
 * @example
 * ```ts
 * enrolmentFacts(student, { cityId: "lishui", countyId: "liandu", schoolId: "sch-1" });
 * // [{ studentId: "s1", schoolId: "sch-1", classId: "c-7-1", grade: 7, from: "2026-09-01", to: null, … }]
 * ```
 */
export function enrolmentFacts(student: Student, tenant: TenantKeys): CoverageEnrolmentFact[] {
  return student.enrolments
    .filter((e) => e.schoolId === student.schoolId)
    .map((e) => ({
      studentId: student.id,
      cityId: tenant.cityId,
      countyId: tenant.countyId ?? "",
      schoolId: student.schoolId,
      classId: e.classId,
      grade: e.grade,
      from: e.from,
      to: e.to ?? null,
    }));
}

/**
 * The coverage fact of a category flag.
 *
 * @example
 * ```ts
 * flagFact(flag); // { studentId: "s-1", category: "disability", from: "2026-09-01", until: null }
 * ```
 */
export function flagFact(flag: StoredCategoryFlag): CoverageFlagFact {
  return { studentId: flag.studentId, category: flag.category, from: flag.validFrom, until: flagEnd(flag) ?? null };
}

/**
 * The coverage fact of a stored visit record; `undefined` for a draft without a date.
 *
 * @example
 * ```ts
 * visitFact(record, { cityId: "lishui", countyId: "liandu", schoolId: "sch-1" });
 * // { schoolId: "sch-1", studentId: "s-1", teacherId: "t-1", channel: "in_home", date: "2026-10-12", completed: true, … }
 * ```
 */
export function visitFact(visit: VisitRecordDraft, tenant: TenantKeys): CoverageVisitFact | undefined {
  const date = visitDate(visit);
  if (date === null) return undefined;
  return {
    cityId: tenant.cityId,
    countyId: tenant.countyId ?? "",
    schoolId: visit.schoolId,
    studentId: visit.studentId,
    teacherId: visit.teacherId,
    channel: visit.channel,
    completed: visit.status !== "draft",
    date,
  };
}

function inScope(query: CoverageQuery, row: { cityId: string; countyId: string; schoolId: string }): boolean {
  const scope = query.scope;
  if ("cityId" in scope) return row.cityId === scope.cityId;
  if ("countyId" in scope) return row.countyId === scope.countyId;
  return row.schoolId === scope.schoolId;
}

function overlaps(from: string, to: string | null, query: CoverageQuery): boolean {
  return from <= query.to && (to === null || to >= query.from);
}

/**
 * Computes a coverage report from facts, in JavaScript. Rows are ordered by key (binary
 * text order); groups without enrolled students or visits do not appear.
 *
 * @example
 * ```ts
 * computeCoverage(
 *   { scope: { schoolId: "sch-1" }, from: "2026-09-01", to: "2027-01-31", groupBy: "class" },
 *   { enrolments, flags, visits },
 * );
 * // [{ key: "c-7-1", enrolled: 42, visited: 40, visits: 51 }, { key: "c-7-2", … }]
 * ```
 */
export function computeCoverage(
  query: CoverageQuery,
  facts: {
    enrolments: Iterable<CoverageEnrolmentFact>;
    flags: Iterable<CoverageFlagFact>;
    visits: Iterable<CoverageVisitFact>;
  },
): CoverageRow[] {
  const visits = [...facts.visits].filter(
    (v) => v.completed && v.date >= query.from && v.date <= query.to && inScope(query, v),
  );
  const groups = new Map<string, { enrolled: Set<string>; visited: Set<string>; visits: number }>();
  const group = (key: string) => {
    let g = groups.get(key);
    if (!g) {
      g = { enrolled: new Set(), visited: new Set(), visits: 0 };
      groups.set(key, g);
    }
    return g;
  };

  if (query.groupBy === "teacher" || query.groupBy === "channel") {
    for (const v of visits) {
      const g = group(query.groupBy === "teacher" ? v.teacherId : v.channel);
      g.visits++;
      if (query.groupBy === "channel" || v.channel === inHomeChannel) g.visited.add(v.studentId);
    }
    return [...groups.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, g]) => ({ key, enrolled: null, visited: g.visited.size, visits: g.visits }));
  }

  // Students enrolled in the period, by group key.
  const studentGroups = new Map<string, Set<string>>();
  const addStudent = (key: string, studentId: string) => {
    group(key).enrolled.add(studentId);
    let keys = studentGroups.get(studentId);
    if (!keys) {
      keys = new Set();
      studentGroups.set(studentId, keys);
    }
    keys.add(key);
  };
  const enrolledStudents = new Set<string>();
  for (const e of facts.enrolments) {
    if (!inScope(query, e) || !overlaps(e.from, e.to, query)) continue;
    enrolledStudents.add(e.studentId);
    if (query.groupBy === "school") addStudent(e.schoolId, e.studentId);
    else if (query.groupBy === "grade") addStudent(String(e.grade), e.studentId);
    else if (query.groupBy === "class") addStudent(e.classId, e.studentId);
  }
  if (query.groupBy === "category") {
    for (const f of facts.flags) {
      if (enrolledStudents.has(f.studentId) && overlaps(f.from, f.until, query)) addStudent(f.category, f.studentId);
    }
  }
  for (const v of visits) {
    for (const key of studentGroups.get(v.studentId) ?? []) {
      const g = group(key);
      g.visits++;
      if (v.channel === inHomeChannel) g.visited.add(v.studentId);
    }
  }
  return [...groups.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, g]) => ({ key, enrolled: g.enrolled.size, visited: g.visited.size, visits: g.visits }));
}
