// The planning benchmark's input: the term, the data set split by school, the validation floor
// and the planning of every school (derive obligations → assign → schedule).
import {
  assignVisitors,
  categoryFlagSchema,
  deriveObligations,
  mentorshipSchema,
  scheduleVisits,
  schoolClassSchema,
  studentSchema,
  type Term,
  teacherSchema,
} from "@homevisit/core";
import type { DemoDataset } from "@homevisit/demo-data";

/** The autumn term every scope is planned for. */
export const benchTerm: Term = {
  id: "2026-2027-1",
  schoolYear: 2026,
  index: 1,
  start: "2026-09-01",
  end: "2027-01-22",
  campaigns: [],
};

export interface RawInput {
  students: unknown[];
  teachers: unknown[];
  classes: unknown[];
  categoryFlags: unknown[];
  mentorships: unknown[];
}

/** The floor: validating the same records with core's schemas, and nothing else. */
export function validateInput(raw: RawInput): void {
  for (const s of raw.students) studentSchema.parse(s);
  for (const t of raw.teachers) teacherSchema.parse(t);
  for (const c of raw.classes) schoolClassSchema.parse(c);
  for (const f of raw.categoryFlags) categoryFlagSchema.parse(f);
  for (const m of raw.mentorships) mentorshipSchema.parse(m);
}

export interface SchoolInput {
  school: DemoDataset["schools"][number];
  students: DemoDataset["students"];
  teachers: DemoDataset["teachers"];
  classes: DemoDataset["classes"];
  flags: DemoDataset["categoryFlags"];
  mentorships: DemoDataset["mentorships"];
}

/** Splits a data set by school: planning is per school (ARCHITECTURE.md, Scale). */
export function bySchool(data: DemoDataset): SchoolInput[] {
  const map = new Map<string, SchoolInput>();
  for (const school of data.schools) {
    map.set(school.id, { school, students: [], teachers: [], classes: [], flags: [], mentorships: [] });
  }
  const studentSchool = new Map<string, string>();
  for (const s of data.students) {
    studentSchool.set(s.id, s.schoolId);
    map.get(s.schoolId)?.students.push(s);
  }
  for (const t of data.teachers) map.get(t.schoolId)?.teachers.push(t);
  for (const c of data.classes) map.get(c.schoolId)?.classes.push(c);
  for (const f of data.categoryFlags) map.get(studentSchool.get(f.studentId) ?? "")?.flags.push(f);
  for (const m of data.mentorships) map.get(studentSchool.get(m.studentId) ?? "")?.mentorships.push(m);
  return [...map.values()];
}

/** What planning one school produced, counted. */
export interface PlanCounts {
  obligations: number;
  slots: number;
  unscheduled: number;
}

/** Plans one school end to end: derive obligations → assign visitors → schedule. */
export function planSchool(input: SchoolInput): PlanCounts {
  const derived = deriveObligations({
    term: benchTerm,
    school: input.school,
    students: input.students,
    flags: input.flags,
    mentorships: input.mentorships,
  });
  const plan = assignVisitors({
    school: input.school,
    term: benchTerm,
    teachers: input.teachers,
    classes: input.classes,
    students: input.students,
    obligations: derived,
    mentorships: input.mentorships,
  });
  const schedule = scheduleVisits({
    term: benchTerm,
    assignments: plan.assignments,
    obligations: derived,
    students: input.students,
    busySlots: [],
  });
  return { obligations: derived.length, slots: schedule.slots.length, unscheduled: schedule.unscheduled.length };
}

/** Plans every school of a data set in this thread; returns counts and the peak RSS seen. */
export function planAll(schools: readonly SchoolInput[]): PlanCounts & { peakRss: number } {
  let obligations = 0;
  let slots = 0;
  let unscheduled = 0;
  let peakRss = process.memoryUsage.rss();
  for (const input of schools) {
    const counts = planSchool(input);
    obligations += counts.obligations;
    slots += counts.slots;
    unscheduled += counts.unscheduled;
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
  }
  return { obligations, slots, unscheduled, peakRss };
}
