import type { CategoryFlag, Grade, Mentorship, School, Student } from "@homevisit/core";
import type { DateCache } from "./flat.js";
import type { SchoolPlan } from "./plan.js";
import type { Rng } from "./rng.js";

/** What every student of a school shares. */
export interface StudentContext {
  plan: SchoolPlan;
  school: School;
  date: string;
  schoolYear: number;
  firstGrade: Grade;
  entryGrades: readonly Grade[];
  rng: Rng;
  /** Teachers of the school who serve as mentors (德育导师). */
  mentors: readonly string[];
  /** The id of the class of a cohort in a year, shared with the class record. */
  classId(schoolYear: number, grade: Grade, index: number): string;
  dates: DateCache;
}

/** Where one student sits this school year. */
export interface StudentSeat {
  id: string;
  grade: Grade;
  classIndex: number;
  classesInGrade: number;
  /** Who flags the student's categories: the class teacher. */
  classTeacherId: string;
}

/** A student with their category flags and, for priority students, their mentor. */
export interface GeneratedStudent {
  student: Student;
  flags: CategoryFlag[];
  mentorship?: Mentorship;
}
