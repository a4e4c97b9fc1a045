// The planning benchmark's input: the term, the raw records (as a host reads them: plain JSON,
// not yet validated), the validation floor, and the planning of every school end to end —
// validate the school's records → derive obligations → assign → schedule.
import {
  assignVisitors,
  type CategoryFlag,
  categoryFlagSchema,
  deriveObligations,
  type Mentorship,
  mentorshipSchema,
  type PastVisit,
  type ScheduleVisitsInput,
  type School,
  type SchoolClass,
  type Student,
  scheduleVisits,
  schoolClassSchema,
  schoolSchema,
  studentSchema,
  type Teacher,
  type Term,
  teacherSchema,
} from "@homevisit/core";
import { type DemoDataset, generateCity, generateCounty, generateSchool } from "@homevisit/demo-data";

/** The autumn term every scope is planned for. */
export const benchTerm: Term = {
  id: "2026-2027-1",
  schoolYear: 2026,
  index: 1,
  start: "2026-09-01",
  end: "2027-01-22",
  campaigns: [],
};

/** The spring term of the same school year: the next term a school plans (2027 has no holiday notice yet). */
export const benchSpringTerm: Term = {
  id: "2026-2027-2",
  schoolYear: 2026,
  index: 2,
  start: "2027-02-22",
  end: "2027-07-09",
  campaigns: [],
};

/** Both terms of the school year, autumn first. */
export const benchTerms: readonly Term[] = [benchTerm, benchSpringTerm];

/** The records of a scope as a host reads them: plain JSON, not yet validated. */
export interface RawInput {
  schools: unknown[];
  students: unknown[];
  teachers: unknown[];
  classes: unknown[];
  categoryFlags: unknown[];
  mentorships: unknown[];
}

/** The raw records of a data set: a JSON round trip, so nothing is shared with the generator. */
export function rawInput(data: DemoDataset): RawInput {
  return JSON.parse(
    JSON.stringify({
      schools: data.schools,
      students: data.students,
      teachers: data.teachers,
      classes: data.classes,
      categoryFlags: data.categoryFlags,
      mentorships: data.mentorships,
    }),
  ) as RawInput;
}

/**
 * The flat floor: validating the same records with core's schemas in one pass over each list,
 * each result dropped at once, and nothing else. Cheaper than the validation inside a plan,
 * which keeps a school's validated records while it plans them (see {@link validateAll}).
 */
export function validateInput(raw: RawInput): void {
  for (const s of raw.schools) schoolSchema.parse(s);
  for (const s of raw.students) studentSchema.parse(s);
  for (const t of raw.teachers) teacherSchema.parse(t);
  for (const c of raw.classes) schoolClassSchema.parse(c);
  for (const f of raw.categoryFlags) categoryFlagSchema.parse(f);
  for (const m of raw.mentorships) mentorshipSchema.parse(m);
}

/** One school's validated input. */
export interface SchoolInput {
  school: School;
  students: Student[];
  teachers: Teacher[];
  classes: SchoolClass[];
  flags: CategoryFlag[];
  mentorships: Mentorship[];
}

/** One school's raw records. */
export interface RawSchoolInput {
  school: unknown;
  students: unknown[];
  teachers: unknown[];
  classes: unknown[];
  flags: unknown[];
  mentorships: unknown[];
}

const keyOf = (record: unknown, key: string): string => String((record as Record<string, unknown>)[key]);

/**
 * Splits raw records by school, as a host reads them school by school (planning is per
 * school: ARCHITECTURE.md, Scale). Flags and mentorships follow their student.
 */
export function rawBySchool(raw: RawInput): RawSchoolInput[] {
  const map = new Map<string, RawSchoolInput>();
  for (const school of raw.schools) {
    map.set(keyOf(school, "id"), { school, students: [], teachers: [], classes: [], flags: [], mentorships: [] });
  }
  const studentSchool = new Map<string, string>();
  for (const s of raw.students) {
    studentSchool.set(keyOf(s, "id"), keyOf(s, "schoolId"));
    map.get(keyOf(s, "schoolId"))?.students.push(s);
  }
  for (const t of raw.teachers) map.get(keyOf(t, "schoolId"))?.teachers.push(t);
  for (const c of raw.classes) map.get(keyOf(c, "schoolId"))?.classes.push(c);
  for (const f of raw.categoryFlags) map.get(studentSchool.get(keyOf(f, "studentId")) ?? "")?.flags.push(f);
  for (const m of raw.mentorships) map.get(studentSchool.get(keyOf(m, "studentId")) ?? "")?.mentorships.push(m);
  return [...map.values()];
}

/** Validates one school's raw records with core's schemas (throws on the first invalid one). */
export function parseSchoolInput(raw: RawSchoolInput): SchoolInput {
  return {
    school: schoolSchema.parse(raw.school),
    students: raw.students.map((s) => studentSchema.parse(s)),
    teachers: raw.teachers.map((t) => teacherSchema.parse(t)),
    classes: raw.classes.map((c) => schoolClassSchema.parse(c)),
    flags: raw.flags.map((f) => categoryFlagSchema.parse(f)),
    mentorships: raw.mentorships.map((m) => mentorshipSchema.parse(m)),
  };
}

/**
 * The floor in the plan's state: what {@link planAll} does before any planning — split the raw
 * records by school, then validate each school's records in turn, keeping them until the next
 * school's are read, as the plan keeps them while it plans. Planning minus this is exactly the
 * cost of deriving, assigning and scheduling.
 *
 * @example
 * ```ts
 * validateAll(rawInput(scopeData("county"))); // → 68 (schools validated)
 * ```
 */
export function validateAll(raw: RawInput): number {
  let last: SchoolInput | undefined;
  let count = 0;
  for (const school of rawBySchool(raw)) {
    last = parseSchoolInput(school);
    count++;
  }
  return last === undefined ? 0 : count;
}

/** What planning one school produced, counted. */
export interface PlanCounts {
  obligations: number;
  slots: number;
  unscheduled: number;
}

/** What a re-plan adds to a school's plan: the visits made, the first day, the visits arranged. */
export interface ReplanInput {
  previousVisits?: PastVisit[];
  schedule?: Pick<ScheduleVisitsInput, "notBefore" | "arranged">;
}

/**
 * One school's plan from its validated input: derive obligations → assign visitors → schedule.
 *
 * @example
 * ```ts
 * const { obligations, assigned, schedule } = planParts(parseSchoolInput(raw), benchTerm);
 * ```
 */
export function planParts(input: SchoolInput, term: Term, replan: ReplanInput = {}) {
  const obligations = deriveObligations({
    term,
    school: input.school,
    students: input.students,
    flags: input.flags,
    mentorships: input.mentorships,
    ...(replan.previousVisits ? { previousVisits: replan.previousVisits } : {}),
  });
  const assigned = assignVisitors({
    school: input.school,
    term,
    teachers: input.teachers,
    classes: input.classes,
    students: input.students,
    obligations,
    mentorships: input.mentorships,
  });
  const schedule = scheduleVisits({
    term,
    assignments: assigned.assignments,
    obligations,
    students: input.students,
    busySlots: [],
    ...replan.schedule,
  });
  return { obligations, assigned, schedule };
}

/** Plans one school from its validated input: derive obligations → assign visitors → schedule. */
export function planSchool(input: SchoolInput, term: Term = benchTerm): PlanCounts {
  const { obligations, schedule } = planParts(input, term);
  return { obligations: obligations.length, slots: schedule.slots.length, unscheduled: schedule.unscheduled.length };
}

/** Validates and plans each school of a list in turn, in this thread; sums the counts. */
export function planSchools(
  schools: readonly RawSchoolInput[],
  term: Term = benchTerm,
): PlanCounts & { peakRss: number } {
  let obligations = 0;
  let slots = 0;
  let unscheduled = 0;
  let peakRss = process.memoryUsage.rss();
  for (let i = 0; i < schools.length; i++) {
    const counts = planSchool(parseSchoolInput(schools[i] as RawSchoolInput), term);
    obligations += counts.obligations;
    slots += counts.slots;
    unscheduled += counts.unscheduled;
    // Every 16th school: reading the resident set is a system call, and at one per school it
    // took about 3 % of a city's planning time on a busy machine.
    if (i % 16 === 15) peakRss = Math.max(peakRss, process.memoryUsage.rss());
  }
  peakRss = Math.max(peakRss, process.memoryUsage.rss());
  return { obligations, slots, unscheduled, peakRss };
}

/**
 * Plans a whole scope end to end as a host would: split the raw records by school, then per
 * school validate and plan. Only one school's validated records and plan are alive at a time.
 */
export function planAll(raw: RawInput, term: Term = benchTerm): PlanCounts & { peakRss: number } {
  return planSchools(rawBySchool(raw), term);
}

/**
 * The data set of a bench scope: one school, a county (遂昌县) or the whole synthetic city.
 *
 * @example
 * ```ts
 * const raw = rawInput(scopeData("county"));
 * ```
 */
export function scopeData(scope: "school" | "county" | "city"): DemoDataset {
  return scope === "school"
    ? generateSchool({ seed: 1 })
    : scope === "county"
      ? generateCounty({ seed: 1, county: "遂昌县" })
      : generateCity({ seed: 1 });
}
