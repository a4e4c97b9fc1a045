import type { Teacher } from "../domain/organisation.js";
import type { Assignment, Obligation, Term } from "../domain/planning.js";
import { errorCatalog } from "../shared/errors/catalog.js";
import { type LocalizedText, localizeAll } from "../shared/i18n.js";
import {
  type AssignmentOptionsInput,
  type AssignmentPlan,
  type AssignmentStudent,
  assignmentOptionsSchema,
  isTeacherInPost,
  obligationLoad,
} from "./assignment.js";
import { parsedOptions } from "./options-once.js";
import { type PlacementInput, type PlacementQuality, placementQuality } from "./placement-quality.js";

/** What {@link planQuality} reads besides the plan. */
export interface PlanQualityInput {
  term: Pick<Term, "start" | "end">;
  teachers: readonly Teacher[];
  obligations: readonly Obligation[];
  /**
   * The roster: when given, an enrolled student without any obligation counts as uncovered
   * (every enrolled student is visited, R2).
   */
  students?: readonly AssignmentStudent[];
  /** Last term's assignments, for the continuity rate. */
  previousAssignments?: readonly Assignment[];
  /** The weights the plan was made with. */
  options?: AssignmentOptionsInput;
  /** The schedule made from the plan: adds {@link PlanQuality.placement}. */
  schedule?: PlacementInput;
}

/** A student not fully covered, with the reasons. */
export interface UncoveredStudent {
  studentId: string;
  /** The obligations without a lead; empty when the student has no obligation at all. */
  obligationIds: string[];
  reasons: LocalizedText[];
}

/** One teacher's share of the plan. */
export interface TeacherLoad {
  teacherId: string;
  /** Visits as lead or companion (each occurrence of a recurring contact counts). */
  visits: number;
  /** Weighted load, as the assignment counts it (mentees included). */
  load: number;
}

/** The quality measures of an assignment plan. */
export interface PlanQuality {
  /** Students whose every obligation has a lead, over all students counted (0..1; 1 when there are none). */
  coverage: number;
  /** Every student not fully covered, sorted by id. */
  uncovered: UncoveredStudent[];
  /** Teachers in post with no visit at all (R2 全员参与 wants none), sorted. */
  teachersWithZeroVisits: string[];
  /** The highest weighted load over the mean, across teachers in post (1 is perfect; 0 when nothing is assigned). */
  loadImbalance: number;
  /**
   * Of the students whose last-term lead is still in post, the share who keep that lead;
   * `null` when no student could continue.
   */
  continuityRate: number | null;
  /** Priority students (with a mentor-worthy obligation) who have no mentor. */
  studentsWithoutMentor: string[];
  /** Per-teacher visits and load, sorted by teacher id. */
  loads: TeacherLoad[];
  /**
   * The spread of weighted load over the teachers in post: the median, the busiest teacher
   * and the busiest over the median (issue 15 wants ≤ 2; `null` when the median is 0 but
   * someone carries load).
   */
  loadSpread: { median: number; max: number; busiest: string | null; ratio: number | null };
  /** With a schedule: placed shares by kind, crisis within deadline, idle teachers, unplaced items. */
  placement?: PlacementQuality;
  /** True when coverage is 1 and no teacher in post is without a visit. */
  ok: boolean;
}

/**
 * Measures an assignment plan: coverage (with each uncovered student and why), teachers with
 * zero visits, load imbalance (max ÷ mean weighted load), continuity with last term, and
 * priority students without a mentor.
 *
 * @example
 * ```ts
 * planQuality(plan, { term, teachers, obligations, students, previousAssignments });
 * // → {
 * //   coverage: 1, uncovered: [], teachersWithZeroVisits: [], loadImbalance: 1.08,
 * //   continuityRate: 0.95, studentsWithoutMentor: [],
 * //   loads: [{ teacherId: "t1", visits: 11, load: 12.5 }, …], ok: true,
 * // }
 * ```
 */
export function planQuality(plan: AssignmentPlan, input: PlanQualityInput): PlanQuality {
  const options = parsedOptions(assignmentOptionsSchema, input.options, ["options"]);
  const addressOf = new Map((input.students ?? []).map((s) => [s.id, s.address]));
  const assignmentOf = new Map(plan.assignments.map((a) => [a.obligationId, a]));
  const reasonsOf = new Map(plan.uncovered.map((u) => [u.obligationId, u.reason]));

  const byStudent = new Map<string, Obligation[]>();
  for (const o of input.obligations) {
    const list = byStudent.get(o.studentId) ?? [];
    list.push(o);
    byStudent.set(o.studentId, list);
  }
  const studentIds = new Set([...byStudent.keys(), ...(input.students ?? []).map((s) => s.id)]);
  const uncovered: UncoveredStudent[] = [];
  const noObligation = localizeAll(errorCatalog.assignment_no_obligation.message);
  const notAssigned = localizeAll(errorCatalog.schedule_not_assigned.message);
  for (const studentId of studentIds) {
    const obligations = byStudent.get(studentId) ?? [];
    if (obligations.length === 0) {
      uncovered.push({ studentId, obligationIds: [], reasons: [noObligation] });
      continue;
    }
    const missing = obligations.filter((o) => !assignmentOf.has(o.id)).sort((a, b) => cmp(a.id, b.id));
    if (missing.length === 0) continue;
    const reasons: LocalizedText[] = [];
    const seen = new Set<string>();
    for (const o of missing) {
      const reason = reasonsOf.get(o.id) ?? notAssigned;
      if (!seen.has(reason.en)) {
        seen.add(reason.en);
        reasons.push(reason);
      }
    }
    uncovered.push({ studentId, obligationIds: missing.map((o) => o.id), reasons });
  }
  uncovered.sort((a, b) => cmp(a.studentId, b.studentId));

  const inPost = input.teachers.filter((t) => isTeacherInPost(t, input.term));
  const loads = new Map<string, TeacherLoad>(inPost.map((t) => [t.id, { teacherId: t.id, visits: 0, load: 0 }]));
  const obligationById = new Map(input.obligations.map((o) => [o.id, o]));
  const occurrenceCache = new Map<string, number>();
  for (const a of plan.assignments) {
    const o = obligationById.get(a.obligationId);
    const w = o ? obligationLoad(o, addressOf.get(o.studentId), options, occurrenceCache) : { load: 1, visits: 1 };
    const lead = loads.get(a.leadTeacherId);
    if (lead) {
      lead.visits += w.visits;
      lead.load += w.load;
    }
    const companion = a.companionTeacherId === undefined ? undefined : loads.get(a.companionTeacherId);
    if (companion) {
      companion.visits += w.visits;
      companion.load += w.load * options.companionShare;
    }
  }
  for (const m of plan.mentorships) {
    const mentor = loads.get(m.mentorId);
    if (mentor) mentor.load += options.menteeWeight;
  }
  const loadList = [...loads.values()].sort((a, b) => cmp(a.teacherId, b.teacherId));
  const total = loadList.reduce((sum, l) => sum + l.load, 0);
  const mean = loadList.length === 0 ? 0 : total / loadList.length;
  const max = loadList.reduce((m, l) => Math.max(m, l.load), 0);

  const previousLead = new Map<string, string>();
  for (const a of [...(input.previousAssignments ?? [])].sort((x, y) => cmp(x.obligationId, y.obligationId))) {
    if (loads.has(a.leadTeacherId) && !previousLead.has(a.studentId)) previousLead.set(a.studentId, a.leadTeacherId);
  }
  let could = 0;
  let kept = 0;
  const currentLeads = new Map<string, Set<string>>();
  for (const a of plan.assignments) {
    const set = currentLeads.get(a.studentId) ?? new Set<string>();
    set.add(a.leadTeacherId);
    currentLeads.set(a.studentId, set);
  }
  for (const [studentId, teacherId] of previousLead) {
    if (!byStudent.has(studentId)) continue;
    could++;
    if (currentLeads.get(studentId)?.has(teacherId)) kept++;
  }

  const mentored = new Set(plan.mentorships.map((m) => m.studentId));
  const studentsWithoutMentor = [...byStudent]
    .filter(
      ([id, list]) => !mentored.has(id) && list.some((o) => o.category !== undefined || o.kind === "mentor_contact"),
    )
    .map(([id]) => id)
    .sort(cmp);

  const teachersWithZeroVisits = loadList.filter((l) => l.visits === 0).map((l) => l.teacherId);
  const sortedLoads = loadList.map((l) => l.load).sort((a, b) => a - b);
  const mid = sortedLoads.length >> 1;
  const median =
    sortedLoads.length === 0
      ? 0
      : sortedLoads.length % 2 === 1
        ? (sortedLoads[mid] as number)
        : ((sortedLoads[mid - 1] as number) + (sortedLoads[mid] as number)) / 2;
  let busiest: string | null = null;
  for (const l of loadList) if (busiest === null || l.load > (loads.get(busiest)?.load ?? 0)) busiest = l.teacherId;
  const loadSpread = {
    median,
    max,
    busiest,
    // No median to compare with (most teachers carry nothing): no ratio.
    ratio: median === 0 ? (max === 0 ? 0 : null) : max / median,
  };
  const counted = studentIds.size;
  const coverage = counted === 0 ? 1 : (counted - uncovered.length) / counted;
  return {
    coverage,
    uncovered,
    teachersWithZeroVisits,
    loadImbalance: mean === 0 ? 0 : max / mean,
    continuityRate: could === 0 ? null : kept / could,
    studentsWithoutMentor,
    loads: loadList,
    loadSpread,
    ...(input.schedule
      ? {
          placement: placementQuality(input.schedule, {
            obligations: input.obligations,
            teachers: inPost.filter((t) => loads.get(t.id) !== undefined && t.roles.some((r) => r !== "school_admin")),
            assignments: plan.assignments,
          }),
        }
      : {}),
    ok: coverage === 1 && teachersWithZeroVisits.length === 0,
  };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
