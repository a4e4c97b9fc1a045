// What the planner's plans achieve, beside how fast it makes them (issue 15): for a scope and a
// term, the share of universal, new-student and priority visits placed, crisis visits within
// their deadline, mentor-contact occurrences placed, idle teachers and the worst load spread.
// `npx tsx --tsconfig tsconfig.json bench/plan/plan-quality.ts [school|county|city] [autumn|spring]`
import { planQuality, type Term } from "@homevisit/core";
import {
  benchTerm,
  benchTerms,
  parseSchoolInput,
  planParts,
  type RawSchoolInput,
  rawBySchool,
  rawInput,
  scopeData,
} from "./plan-input.ts";

/** The quality figures of one scope and term. */
export interface PlanQualityRow {
  term: string;
  schools: number;
  students: number;
  teachers: number;
  inHomeDue: number;
  inHomePlaced: number;
  crisisDue: number;
  crisisWithinDeadline: number;
  crisisEscalated: number;
  mentorDue: number;
  mentorPlaced: number;
  idleTeachers: number;
  /** Busiest teacher's weighted load over the school median, worst school. */
  worstLoadRatio: number;
  /** Schools whose busiest teacher carries more than twice the median load. */
  schoolsOverTwice: number;
  provisionalSlots: number;
  alternativeSlots: number;
  /** Unplaced items by code. */
  unplacedByCode: Record<string, number>;
}

/** Plans every school of the list for a term and adds up what `planQuality` reports. */
export function qualityOf(schools: readonly RawSchoolInput[], term: Term): PlanQualityRow {
  const row: PlanQualityRow = {
    term: term.id,
    schools: schools.length,
    students: 0,
    teachers: 0,
    inHomeDue: 0,
    inHomePlaced: 0,
    crisisDue: 0,
    crisisWithinDeadline: 0,
    crisisEscalated: 0,
    mentorDue: 0,
    mentorPlaced: 0,
    idleTeachers: 0,
    worstLoadRatio: 0,
    schoolsOverTwice: 0,
    provisionalSlots: 0,
    alternativeSlots: 0,
    unplacedByCode: {},
  };
  for (const raw of schools) {
    const input = parseSchoolInput(raw);
    const { obligations, assigned: plan, schedule } = planParts(input, term);
    const q = planQuality(plan, { term, teachers: input.teachers, obligations, students: input.students, schedule });
    const p = q.placement;
    if (!p) continue;
    row.students += input.students.length;
    row.teachers += q.loads.length;
    row.inHomeDue += p.inHome.due;
    row.inHomePlaced += p.inHome.placed;
    row.crisisDue += p.crisis.due;
    row.crisisWithinDeadline += p.crisis.withinDeadline;
    row.crisisEscalated += p.crisis.escalated;
    row.mentorDue += p.byKind.mentor_contact.due;
    row.mentorPlaced += p.byKind.mentor_contact.placed;
    row.idleTeachers += p.idleTeachers.length;
    row.provisionalSlots += p.provisionalSlots;
    row.alternativeSlots += p.alternativeSlots;
    const ratio = q.loadSpread.ratio ?? Number.POSITIVE_INFINITY;
    if (ratio > row.worstLoadRatio) row.worstLoadRatio = ratio;
    if (ratio > 2) row.schoolsOverTwice++;
    for (const u of p.unplaced) row.unplacedByCode[u.code] = (row.unplacedByCode[u.code] ?? 0) + 1;
  }
  return row;
}

function pct(part: number, whole: number): string {
  return whole === 0 ? "—" : `${((100 * part) / whole).toFixed(1)} %`;
}

/** The row as the figures the issue asks for. */
export function formatQualityRow(r: PlanQualityRow): Record<string, string | number> {
  return {
    term: r.term,
    students: r.students,
    "in-home placed": pct(r.inHomePlaced, r.inHomeDue),
    "crisis within deadline": `${r.crisisWithinDeadline}/${r.crisisDue}${r.crisisEscalated ? ` (+${r.crisisEscalated} escalated)` : ""}`,
    "mentor contacts placed": pct(r.mentorPlaced, r.mentorDue),
    "idle teachers": `${r.idleTeachers} of ${r.teachers}`,
    "worst load ratio": Number(r.worstLoadRatio.toFixed(2)),
    "schools > 2×": r.schoolsOverTwice,
    provisional: r.provisionalSlots,
    alternatives: r.alternativeSlots,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const scope = (process.argv[2] ?? "county") as "school" | "county" | "city";
  const which = process.argv[3];
  const schools = rawBySchool(rawInput(scopeData(scope)));
  const terms = which === "autumn" ? [benchTerm] : which === "spring" ? [benchTerms[1] as Term] : benchTerms;
  for (const term of terms) {
    const row = qualityOf(schools, term);
    console.table([formatQualityRow(row)]);
    console.log(row.unplacedByCode);
  }
}
