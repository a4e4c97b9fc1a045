import type { Obligation, Term } from "../../domain/planning.js";
import { HomevisitError } from "../../shared/errors/homevisit-error.js";
import { childMap } from "../maps.js";
import { cmpDate } from "../order.js";
import type { ObligationStudent } from "./model.js";

/** Small helpers of the derivation: grouping, memos, the term check, the order of a run. */

/**
 * False when the student cannot be new at the school on `date`: a new student's stay began in
 * this school year, so some enrolment there starts between 1 September and `date`. Most
 * students fail this at once, which spares {@link newStudentStatus} its walk through their
 * earlier enrolments (a nine-year pupil has many).
 */
export function mayBeNew(student: ObligationStudent, schoolId: string, date: string, yearStart: string): boolean {
  for (const e of student.enrolments) {
    if (e.schoolId === schoolId && e.from >= yearStart && e.from <= date) return true;
  }
  return false;
}

export function groupByStudent<T extends { studentId: string }>(items: readonly T[]): Map<string, T[]> {
  const byStudent = new Map<string, T[]>();
  for (const item of items) {
    const list = byStudent.get(item.studentId);
    if (list) list.push(item);
    else byStudent.set(item.studentId, [item]);
  }
  return byStudent;
}

/**
 * Values remembered by four keys in turn, through nested maps: no key text is built per
 * lookup (the planner looks up sentences per student). For the duration of one call.
 */
export class KeyedMemo<T> {
  private readonly root = new Map<string, Map<string, Map<string, Map<number, T>>>>();

  get(a: string, b: string, c: string, d: number): T | undefined {
    return this.root.get(a)?.get(b)?.get(c)?.get(d);
  }

  set(a: string, b: string, c: string, d: number, value: T): void {
    childMap(childMap(childMap(this.root, a), b), c).set(d, value);
  }
}

/** A one-argument function remembered per argument, for the duration of one call. */
export function memo<T>(fn: (key: string) => T): (key: string) => T {
  const cache = new Map<string, T>();
  return (key) => {
    let value = cache.get(key);
    if (value === undefined) {
      value = fn(key);
      cache.set(key, value);
    }
    return value;
  };
}

export function checkTerm(term: Pick<Term, "start" | "end">): void {
  if (term.end < term.start) throw new HomevisitError("obligations_term_inverted", { path: ["term", "end"] });
}

/**
 * Sorts `out[from…]`, one run of students whose ids compare equal, by window start and id, in
 * place. A run is a student's few obligations: an insertion sort (stable, like the engine's
 * sort, so the order is the same) needs no copy of the run and no sort buffer.
 */
export function sortRun(out: Obligation[], from: number): void {
  for (let i = from + 1; i < out.length; i++) {
    const item = out[i] as Obligation;
    let j = i - 1;
    while (j >= from && compareInRun(out[j] as Obligation, item) > 0) {
      out[j + 1] = out[j] as Obligation;
      j--;
    }
    out[j + 1] = item;
  }
}

function compareInRun(a: Obligation, b: Obligation): number {
  return (
    (a.studentId === b.studentId ? 0 : a.studentId.localeCompare(b.studentId)) ||
    cmpDate(a.window.from, b.window.from) ||
    (a.id === b.id ? 0 : a.id.localeCompare(b.id))
  );
}
