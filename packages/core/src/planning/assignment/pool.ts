import type { Teacher } from "../../domain/organisation.js";
import { type LocalizedText, localizeAll } from "../../shared/i18n.js";
import type { AssignmentOptions } from "./options.js";
import { text } from "./text.js";

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

/**
 * The teachers in post with their running load. The least-loaded teacher comes from a heap
 * with lazy deletion, so a pick costs O(log teachers), not a scan of the staff: a big school has
 * 3,000 students and 300 teachers.
 */
export class Pool {
  private readonly ids: string[];
  private readonly index = new Map<string, number>();
  private readonly load: Float64Array;
  private readonly visits: Int32Array;
  private readonly mentees: Int32Array;
  private readonly capacity: Int32Array;
  private readonly share: Float64Array;
  private readonly roleMentor: Uint8Array;
  private readonly byClass = new Map<string, number[]>();
  private readonly led: Set<string>[];
  private readonly fair: number;
  private heap: { key: number; i: number }[] = [];
  /** The least-loaded reason per load shown: students often see the same rounded load. */
  private readonly leastLoadedReasons = new Map<number, LocalizedText>();

  constructor(
    teachers: readonly Teacher[],
    private readonly classTeacher: Map<string, string>,
    private readonly options: AssignmentOptions,
    totalLoad: number,
  ) {
    const n = teachers.length;
    this.ids = teachers.map((t) => t.id);
    this.load = new Float64Array(n);
    this.visits = new Int32Array(n);
    this.mentees = new Int32Array(n);
    this.capacity = new Int32Array(n);
    this.share = new Float64Array(n);
    this.roleMentor = new Uint8Array(n);
    this.led = teachers.map(() => new Set<string>());
    let shares = 0;
    teachers.forEach((t, i) => {
      this.index.set(t.id, i);
      this.capacity[i] = t.termCapacity ?? options.defaultTermCapacity;
      const share = t.roles.includes("principal") ? options.principalShare : 1;
      this.share[i] = share;
      shares += share;
      this.roleMentor[i] = t.roles.includes("mentor") ? 1 : 0;
      for (const c of t.classIds) {
        const list = this.byClass.get(c) ?? [];
        list.push(i);
        this.byClass.set(c, list);
      }
      this.heap.push({ key: 0, i });
    });
    this.fair = shares > 0 ? totalLoad / shares : 0;
    this.heap.sort((a, b) => a.key - b.key || a.i - b.i);
  }

  get size(): number {
    return this.ids.length;
  }

  has(teacherId: string): boolean {
    return this.index.has(teacherId);
  }

  fits(teacherId: string, visits: number): boolean {
    const i = this.index.get(teacherId);
    return i !== undefined && this.fitsAt(i, visits);
  }

  addLoad(teacherId: string, load: number, visits: number): void {
    const i = this.index.get(teacherId);
    if (i === undefined) return;
    this.load[i] = (this.load[i] ?? 0) + load;
    this.visits[i] = (this.visits[i] ?? 0) + visits;
    this.push(i);
  }

  addMentee(teacherId: string): void {
    const i = this.index.get(teacherId);
    if (i === undefined) return;
    this.mentees[i] = (this.mentees[i] ?? 0) + 1;
    this.addLoad(teacherId, this.options.menteeWeight, 0);
  }

  ledBy(teacherId: string, studentId: string): void {
    const i = this.index.get(teacherId);
    if (i !== undefined) this.led[i]?.add(studentId);
  }

  studentsLedBy(teacherId: string): string[] {
    const i = this.index.get(teacherId);
    return i === undefined ? [] : [...(this.led[i] ?? [])].sort(cmp);
  }

  moveLed(from: string, to: string, studentId: string): void {
    const i = this.index.get(from);
    if (i !== undefined) this.led[i]?.delete(studentId);
    this.ledBy(to, studentId);
  }

  /** Whether the teacher has fewer mentees than `mentorCapacity`. */
  hasMenteeRoom(teacherId: string): boolean {
    const i = this.index.get(teacherId);
    return i !== undefined && (this.mentees[i] ?? 0) < this.options.mentorCapacity;
  }

  /** The weighted load of a teacher in the pool (0 for one outside it). */
  loadOf(teacherId: string): number {
    const i = this.index.get(teacherId);
    return i === undefined ? 0 : (this.load[i] ?? 0);
  }

  /** The median weighted load over the teachers in post. */
  medianLoad(): number {
    const sorted = Float64Array.from(this.load).sort();
    const n = sorted.length;
    if (n === 0) return 0;
    return n % 2 === 1
      ? (sorted[n >> 1] as number)
      : ((sorted[(n >> 1) - 1] as number) + (sorted[n >> 1] as number)) / 2;
  }

  /** The teacher with the highest weighted load (the first by position on a tie). */
  busiest(): string | undefined {
    let best = -1;
    for (let i = 0; i < this.ids.length; i++) if (best < 0 || (this.load[i] ?? 0) > (this.load[best] ?? 0)) best = i;
    return best < 0 ? undefined : this.ids[best];
  }

  /** The teacher with the lowest weighted load who still has capacity (the first on a tie). */
  leastLoadedInPost(): string | undefined {
    let best = -1;
    for (let i = 0; i < this.ids.length; i++) {
      if ((this.capacity[i] ?? 0) <= (this.visits[i] ?? 0)) continue;
      if (best < 0 || (this.load[i] ?? 0) < (this.load[best] ?? 0)) best = i;
    }
    return best < 0 ? undefined : this.ids[best];
  }

  idleTeachers(): string[] {
    return this.ids.filter((_, i) => (this.visits[i] ?? 0) === 0 && (this.capacity[i] ?? 0) > 0);
  }

  /** Teachers who lead at least two students, most loaded first: those who can give one away. */
  donors(except: string): string[] {
    const list: number[] = [];
    for (let i = 0; i < this.ids.length; i++) {
      if (this.ids[i] !== except && (this.led[i]?.size ?? 0) >= 2) list.push(i);
    }
    return list.sort((a, b) => this.key(b) - this.key(a) || a - b).map((i) => this.ids[i] as string);
  }

  chooseLead(
    classId: string | undefined,
    previousLead: string | undefined,
    load: number,
    visits: number,
  ): { teacherId: string; reason: LocalizedText } | undefined {
    // Preferred in turn: last term's lead, the class teacher, the class's other teachers least
    // loaded first. Each is a scan, not a sorted copy of the class's staff per student.
    const previous = previousLead === undefined ? undefined : this.index.get(previousLead);
    if (previous !== undefined && this.fitsAt(previous, visits) && this.withinFairShare(previous, load)) {
      return { teacherId: this.ids[previous] as string, reason: text.continuity };
    }
    const classLeadIndex = this.classLeadOf(classId);
    if (classLeadIndex >= 0 && this.fitsAt(classLeadIndex, visits) && this.withinFairShare(classLeadIndex, load)) {
      return { teacherId: this.ids[classLeadIndex] as string, reason: text.classTeacher };
    }
    const other = this.leastLoadedFitting(classId, classLeadIndex, visits, load);
    if (other >= 0) return { teacherId: this.ids[other] as string, reason: text.teachesClass };
    const i = this.leastLoaded((j) => this.fitsAt(j, visits));
    if (i === undefined) return undefined;
    const shown = round(this.load[i] ?? 0);
    let reason = this.leastLoadedReasons.get(shown);
    if (reason === undefined) {
      reason = localizeAll(text.leastLoaded, { load: shown });
      this.leastLoadedReasons.set(shown, reason);
    }
    return { teacherId: this.ids[i] as string, reason };
  }

  chooseCompanion(classId: string | undefined, leadId: string, load: number, visits: number): string | undefined {
    const lead = this.index.get(leadId);
    const ofClass = this.leastLoadedFitting(classId, lead ?? -1, visits, load);
    if (ofClass >= 0) return this.ids[ofClass];
    const i = this.leastLoaded((j) => j !== lead && this.fitsAt(j, visits));
    return i === undefined ? undefined : this.ids[i];
  }

  /**
   * A mentor for a student of the class: a mentor teaching the class, any teacher of it, the
   * least-loaded teacher with room; with `overCapacity`, the least-loaded teacher at all when
   * nobody has room.
   */
  chooseMentor(classId: string | undefined, overCapacity = false): string | undefined {
    // Teachers appointed as mentors and teaching the class first, then any teacher of the class.
    const appointed = this.mentorOfClass(classId, true);
    if (appointed >= 0) return this.ids[appointed];
    const any = this.mentorOfClass(classId, false);
    if (any >= 0) return this.ids[any];
    const cap = this.options.mentorCapacity;
    const hasRoom = (i: number) => (this.mentees[i] ?? 0) < cap;
    const i = this.leastLoaded(hasRoom) ?? (overCapacity ? this.leastLoaded(() => true) : undefined);
    return i === undefined ? undefined : this.ids[i];
  }

  /**
   * What {@link leastLoadedOfClass} looks for, set by its two callers before each search: one
   * object reused, not a predicate closure per call (searches run for every student and every
   * priority student, and the closures were a share of the assignment's garbage).
   */
  private readonly wanted = { mentor: false, appointedOnly: false, except: -1, visits: 0, load: 0 };

  /**
   * A teacher of the class with room for a mentee within the fair share (an appointed mentor
   * only, with `appointedOnly`), least loaded first.
   */
  private mentorOfClass(classId: string | undefined, appointedOnly: boolean): number {
    const w = this.wanted;
    w.mentor = true;
    w.appointedOnly = appointedOnly;
    return this.leastLoadedOfClass(classId);
  }

  /**
   * A teacher of the class other than `except` with room for `visits` within the fair share
   * after `load`, for a lead or companion, least loaded first.
   */
  private leastLoadedFitting(classId: string | undefined, except: number, visits: number, load: number): number {
    const w = this.wanted;
    w.mentor = false;
    w.except = except;
    w.visits = visits;
    w.load = load;
    return this.leastLoadedOfClass(classId);
  }

  /** Whether teacher `i` is what {@link wanted} describes. */
  private admits(i: number): boolean {
    const w = this.wanted;
    if (w.mentor) {
      return (
        (!w.appointedOnly || this.roleMentor[i] === 1) &&
        (this.mentees[i] ?? 0) < this.options.mentorCapacity &&
        this.withinFairShare(i, this.options.menteeWeight)
      );
    }
    return i !== w.except && this.fitsAt(i, w.visits) && this.withinFairShare(i, w.load);
  }

  /**
   * The least-loaded teacher of a class that {@link admits}: its teachers, then the class
   * teacher (considered again when it also teaches); ties by index.
   */
  private leastLoadedOfClass(classId: string | undefined): number {
    if (classId === undefined) return -1;
    const list = this.byClass.get(classId) ?? noIndices;
    const lead = this.classLeadOf(classId);
    let best = -1;
    let bestKey = 0;
    for (let k = 0; k <= list.length; k++) {
      const i = k < list.length ? (list[k] as number) : lead;
      if (i < 0) continue;
      const key = this.key(i);
      if ((best < 0 || key < bestKey || (key === bestKey && i < best)) && this.admits(i)) {
        best = i;
        bestKey = key;
      }
    }
    return best;
  }

  /** The class teacher's index, or -1. */
  private classLeadOf(classId: string | undefined): number {
    if (classId === undefined) return -1;
    const lead = this.classTeacher.get(classId);
    return (lead === undefined ? undefined : this.index.get(lead)) ?? -1;
  }

  private fitsAt(i: number, visits: number): boolean {
    return (this.visits[i] ?? 0) + visits <= (this.capacity[i] ?? 0);
  }

  private withinFairShare(i: number, load: number): boolean {
    const share = this.share[i] ?? 1;
    return ((this.load[i] ?? 0) + load) / share <= this.fair * (1 + this.options.preferredLoadTolerance) + 1e-9;
  }

  private key(i: number): number {
    return (this.load[i] ?? 0) / (this.share[i] ?? 1);
  }

  private leastLoaded(accept: (i: number) => boolean): number | undefined {
    const aside: number[] = [];
    let found: number | undefined;
    while (this.heap.length > 0) {
      const top = this.pop();
      if (!top || top.key !== this.key(top.i)) continue; // stale entry
      if (accept(top.i)) {
        found = top.i;
        break;
      }
      aside.push(top.i);
    }
    for (const i of aside) this.push(i);
    if (found !== undefined) this.push(found);
    return found;
  }

  private push(i: number): void {
    const heap = this.heap;
    heap.push({ key: this.key(i), i });
    let k = heap.length - 1;
    while (k > 0) {
      const parent = (k - 1) >> 1;
      if (!this.less(heap[k], heap[parent])) break;
      swap(heap, k, parent);
      k = parent;
    }
    // Stale entries pile up as loads change; rebuild when the heap grows far past the staff.
    if (heap.length > 8 * this.ids.length + 64) this.rebuild();
  }

  private pop(): { key: number; i: number } | undefined {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (heap.length > 0 && last) {
      heap[0] = last;
      let k = 0;
      for (;;) {
        const l = 2 * k + 1;
        const r = l + 1;
        let m = k;
        if (l < heap.length && this.less(heap[l], heap[m])) m = l;
        if (r < heap.length && this.less(heap[r], heap[m])) m = r;
        if (m === k) break;
        swap(heap, k, m);
        k = m;
      }
    }
    return top;
  }

  private less(a: { key: number; i: number } | undefined, b: { key: number; i: number } | undefined): boolean {
    if (!a || !b) return false;
    return a.key < b.key || (a.key === b.key && a.i < b.i);
  }

  private rebuild(): void {
    this.heap = this.ids.map((_, i) => ({ key: this.key(i), i })).sort((a, b) => a.key - b.key || a.i - b.i);
  }
}

const noIndices: readonly number[] = [];

function swap<T>(array: T[], a: number, b: number): void {
  const x = array[a] as T;
  array[a] = array[b] as T;
  array[b] = x;
}

function cmp(a: string, b: string): number {
  return a === b ? 0 : a < b ? -1 : 1;
}
