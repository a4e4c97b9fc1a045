import * as z from "zod";
import { previousDay } from "../shared/dates.js";
import { HomevisitError } from "../shared/errors/homevisit-error.js";
import { issuesFromZod } from "../shared/errors/parse.js";
import { idSchema, isoDateSchema } from "../shared/primitives.js";
import { type SchoolClass, schoolClassSchema, type Teacher, teacherSchema } from "./organisation.js";
import { type Student, studentSchema } from "./student.js";

/** A school's roster as the host exports it: its classes, teachers and students. */
export const rosterInputSchema = z.strictObject({
  schoolId: idSchema,
  /** The day the roster is valid from; people absent from it left the day before. */
  asOf: isoDateSchema,
  classes: z.array(z.unknown()).max(2_000).default([]),
  teachers: z.array(z.unknown()).max(5_000).default([]),
  students: z.array(z.unknown()).max(50_000).default([]),
});
/** A roster import. Rows are validated one by one with their own schemas. */
export type RosterInput = z.input<typeof rosterInputSchema>;

/** Options of a roster import. */
export interface RosterUpsertOptions {
  /** Rows per bulk insert; default 500. */
  batchSize?: number;
}

/** Counts by kind of roster row. */
export interface RosterCounts {
  classes: number;
  teachers: number;
  students: number;
}

/** What a roster import did. Importing the same roster twice reports only `unchanged`. */
export interface RosterUpsertResult {
  added: RosterCounts;
  updated: RosterCounts;
  unchanged: RosterCounts;
  /** Teachers and students of the school absent from the roster, now marked as left. */
  departed: { teachers: number; students: number };
}

/** The roster's rows, parsed. */
export interface ParsedRoster {
  schoolId: string;
  asOf: string;
  classes: SchoolClass[];
  teachers: Teacher[];
  students: Student[];
}

/**
 * Validates a roster: each row against its schema, every row of the imported school, no id
 * twice. Throws one `validation_failed` (or `roster_*`) error naming the rows at fault.
 *
 * @example
 * ```ts
 * parseRoster({ schoolId: "sch-1", asOf: "2026-09-01", classes: [], teachers: [], students: [bad] });
 * // throws HomevisitError("validation_failed"), issues with paths like ["students", 0, "name"]
 * ```
 */
export function parseRoster(input: RosterInput): ParsedRoster {
  const base = rosterInputSchema.safeParse(input);
  if (!base.success) throw new HomevisitError("validation_failed", { issues: issuesFromZod(base.error.issues) });
  const { schoolId, asOf } = base.data;
  const issues: ReturnType<typeof issuesFromZod> = [];
  const parseAll = <S extends z.ZodType>(key: "classes" | "teachers" | "students", schema: S): z.output<S>[] => {
    const out: z.output<S>[] = [];
    const seen = new Set<string>();
    base.data[key].forEach((row, index) => {
      const parsed = schema.safeParse(row);
      if (!parsed.success) {
        issues.push(...issuesFromZod(parsed.error.issues, [key, index]));
        return;
      }
      const record = parsed.data as { id: string; schoolId: string };
      if (record.schoolId !== schoolId) {
        throw new HomevisitError("roster_wrong_school", { path: [key, index, "schoolId"] });
      }
      if (seen.has(record.id)) {
        throw new HomevisitError("roster_duplicate_id", { path: [key, index, "id"], params: { id: record.id } });
      }
      seen.add(record.id);
      out.push(parsed.data);
    });
    return out;
  };
  const classes = parseAll("classes", schoolClassSchema);
  const teachers = parseAll("teachers", teacherSchema);
  const students = parseAll("students", studentSchema);
  if (issues.length > 0) throw new HomevisitError("validation_failed", { issues });
  return { schoolId, asOf, classes, teachers, students };
}

/** The last day at the school of someone absent from a roster valid from `asOf`. */
function lastDay(asOf: string, notBefore: string | undefined): string {
  const day = previousDay(asOf);
  return notBefore !== undefined && day < notBefore ? notBefore : day;
}

/**
 * A student marked as departed: the open enrolment at the school closes the day before the
 * roster's date with reason `left`. Returns `undefined` when there is nothing open to close.
 *
 * @example
 * ```ts
 * departStudent(student, "2027-02-20")?.enrolments.at(-1); // { …, to: "2027-02-19", endReason: "left" }
 * ```
 */
export function departStudent(student: Student, asOf: string): Student | undefined {
  let changed = false;
  const enrolments = student.enrolments.map((e) => {
    if (e.schoolId !== student.schoolId || e.to !== undefined) return e;
    changed = true;
    return { ...e, to: lastDay(asOf, e.from), endReason: "left" as const };
  });
  return changed ? { ...student, enrolments } : undefined;
}

/**
 * A teacher marked as departed: `leftOn` the day before the roster's date. `undefined` when
 * the teacher had already left.
 *
 * @example
 * ```ts
 * departTeacher(teacher, "2027-02-20")?.leftOn; // "2027-02-19"
 * ```
 */
export function departTeacher(teacher: Teacher, asOf: string): Teacher | undefined {
  if (teacher.leftOn !== undefined) return undefined;
  return { ...teacher, leftOn: lastDay(asOf, teacher.joinedOn) };
}
