import type { Teacher } from "../domain/organisation.js";
import type { Assignment, Obligation, ProposedSlot, VisitKind } from "../domain/planning.js";
import { visitKinds } from "../domain/planning.js";
import type { ErrorCode } from "../shared/errors/catalog.js";
import type { LocalizedText } from "../shared/i18n.js";
import type { IsoDate } from "../shared/primitives.js";

/**
 * How far a schedule carries out its obligations: placed shares by kind, crisis visits within
 * their deadline, idle teachers, provisional and alternative slots, and for every item left
 * unplaced what a principal can do about it. Read by {@link "./quality.js".planQuality}.
 */

/** Placed over due for one kind of visit (a recurring contact counts each occurrence). */
export interface KindPlacement {
  due: number;
  placed: number;
  /** placed ÷ due; 1 when nothing is due. */
  share: number;
}

/** One obligation (or occurrence) the schedule left unplaced, with what to do about it. */
export interface UnplacedItem {
  obligationId: string;
  studentId: string;
  occurrence?: IsoDate;
  kind: VisitKind;
  code: ErrorCode;
  /** Why it is not placed, as the scheduler said. */
  reason: LocalizedText;
  /** What the principal can do so that it gets placed. */
  action: LocalizedText;
}

/** The placement figures of a schedule. */
export interface PlacementQuality {
  /** Per kind of visit: due, placed and the share placed. */
  byKind: Record<VisitKind, KindPlacement>;
  /** Universal, new-student and priority visits together (the guidance's in-home round). */
  inHome: KindPlacement;
  /**
   * Crisis visits: due, placed on or before their last day, placed after it (its day had passed
   * when the plan was made), and escalated to the principal.
   */
  crisis: { due: number; withinDeadline: number; afterDeadline: number; escalated: number };
  /** Teachers in post who carry visits but have no placed visit, lead or companion (R2 wants none). */
  idleTeachers: string[];
  /** Slots on days of a provisional calendar (no official notice yet): they may move. */
  provisionalSlots: number;
  /** Slots outside the family's stated hours or at another place: each needs the family's yes (R12). */
  alternativeSlots: number;
  /**
   * Slots of visits whose window ended before the plan's first day (a plan made after the term
   * began): owed, and placed at the first free days.
   */
  overdueSlots: number;
  /** Slots kept from visits arranged before the plan (open appointments): no new appointment. */
  arrangedSlots: number;
  /** Every unplaced obligation or occurrence, with the scheduler's reason and an action. */
  unplaced: UnplacedItem[];
}

/** What a schedule looks like to {@link placementQuality}. */
export interface PlacementInput {
  slots: readonly ProposedSlot[];
  unscheduled: readonly {
    obligationId: string;
    studentId: string;
    occurrence?: IsoDate;
    code: ErrorCode;
    reason: LocalizedText;
  }[];
}

/** What a principal can do, per reason the scheduler gives. */
export const unplacedActions: Readonly<Partial<Record<ErrorCode, LocalizedText>>> = {
  schedule_not_assigned: {
    "zh-CN": "为该生指定家访教师（教师不足时增加可承担家访的教师或提高其学期容量）",
    en: "Assign a visitor (add teachers who carry visits, or raise their term capacity)",
  },
  schedule_student_missing: {
    "zh-CN": "补全该生的学籍与住址信息后重新生成计划",
    en: "Complete the student's record and address, then plan again",
  },
  schedule_no_allowed_day: {
    "zh-CN": "窗口全在节假日内：放宽节假日家访设置或延长该项窗口",
    en: "The window lies in holidays: allow holiday visits or widen the window",
  },
  schedule_window_passed: {
    "zh-CN": "学期已结束：在下一学期的计划中安排，或直接预约补访",
    en: "The term is over: plan the visit next term, or book a make-up visit directly",
  },
  schedule_unknown_calendar: {
    "zh-CN": "导入当年国务院节假日通知，或启用按规则推算的临时日历",
    en: "Supply the year's official holiday notice, or enable the provisional calendar",
  },
  schedule_family_unavailable: {
    "zh-CN": "电话联系家长（R12）约定时间，或改在合适地点见面",
    en: "Phone the family (R12) to agree a time, or meet at a suitable place",
  },
  schedule_teacher_full: {
    "zh-CN": "把该教师的部分家访交给负担较轻的教师，或提高每周家访上限",
    en: "Give some of the teacher's visits to a less-loaded colleague, or raise the weekly limit",
  },
  schedule_no_free_slot: {
    "zh-CN": "调整该教师的课程或值班，或改派其他教师",
    en: "Free the teacher from a lesson or duty, or give the visit to another teacher",
  },
  schedule_rrule_invalid: {
    "zh-CN": "修正德育导师联系的周期规则",
    en: "Fix the mentor-contact cadence",
  },
  schedule_crisis_escalated: {
    "zh-CN": "校长亲自安排：指派可在期限内前往的教师，必要时节假日前往或先电话联系",
    en: "The principal arranges it: send a teacher who can go within the deadline, on a holiday if needed, or phone first",
  },
};

const fallbackAction: LocalizedText = {
  "zh-CN": "查看原因并调整计划",
  en: "Read the reason and adjust the plan",
};

function emptyKinds(): Record<VisitKind, KindPlacement> {
  const out = {} as Record<VisitKind, KindPlacement>;
  for (const kind of visitKinds) out[kind] = { due: 0, placed: 0, share: 1 };
  return out;
}

function share(k: KindPlacement): void {
  k.share = k.due === 0 ? 1 : k.placed / k.due;
}

/**
 * The placement figures of a schedule against its obligations and assignments. A one-off
 * obligation is placed when a slot names it; a recurring one counts each occurrence (placed
 * slots and unplaced entries). Idle teachers are those in `teachers` with no placed slot.
 *
 * @example
 * ```ts
 * placementQuality(schedule, { obligations, teachers, assignments });
 * // → { byKind: { universal: { due: 600, placed: 598, share: 0.997 }, … }, inHome: …,
 * //     crisis: { due: 3, withinDeadline: 3, afterDeadline: 0, escalated: 0 }, idleTeachers: [], provisionalSlots: 0, overdueSlots: 0, arrangedSlots: 0, … }
 * ```
 */
export function placementQuality(
  schedule: PlacementInput,
  input: {
    obligations: readonly Obligation[];
    /** Teachers expected to visit (in post, carrying visits). */
    teachers: readonly Pick<Teacher, "id">[];
    assignments?: readonly Assignment[];
  },
): PlacementQuality {
  const byId = new Map<string, Obligation>();
  for (const o of input.obligations) byId.set(o.id, o);
  const byKind = emptyKinds();
  const placedOnce = new Set<string>();
  const crisis = { due: 0, withinDeadline: 0, afterDeadline: 0, escalated: 0 };
  const busy = new Set<string>();
  let provisionalSlots = 0;
  let alternativeSlots = 0;
  let overdueSlots = 0;
  let arrangedSlots = 0;
  for (const s of schedule.slots) {
    busy.add(s.teacherId);
    if (s.companionId !== undefined) busy.add(s.companionId);
    if (s.provisional === true) provisionalSlots++;
    if (s.alternative !== undefined) alternativeSlots++;
    if (s.overdue === true) overdueSlots++;
    if (s.appointmentId !== undefined) arrangedSlots++;
    const o = byId.get(s.obligationId);
    if (!o) continue;
    if (o.rrule !== undefined) {
      byKind[o.kind].due++;
      byKind[o.kind].placed++;
      continue;
    }
    if (placedOnce.has(o.id)) continue;
    placedOnce.add(o.id);
    if (o.kind === "crisis") {
      if (s.date <= o.window.to) crisis.withinDeadline++;
      else crisis.afterDeadline++;
    }
  }
  for (const o of input.obligations) {
    if (o.rrule !== undefined) continue;
    byKind[o.kind].due++;
    if (placedOnce.has(o.id)) byKind[o.kind].placed++;
    if (o.kind === "crisis") crisis.due++;
  }
  const unplaced: UnplacedItem[] = [];
  for (const u of schedule.unscheduled) {
    const o = byId.get(u.obligationId);
    const kind = o?.kind ?? "universal";
    if (o?.rrule !== undefined) byKind[kind].due++;
    if (u.code === "schedule_crisis_escalated") crisis.escalated++;
    const item: UnplacedItem = {
      obligationId: u.obligationId,
      studentId: u.studentId,
      kind,
      code: u.code,
      reason: u.reason,
      action: unplacedActions[u.code] ?? fallbackAction,
    };
    if (u.occurrence !== undefined) item.occurrence = u.occurrence;
    unplaced.push(item);
  }
  for (const kind of visitKinds) share(byKind[kind]);
  const inHome: KindPlacement = { due: 0, placed: 0, share: 1 };
  for (const kind of ["universal", "new_student", "priority"] as const) {
    inHome.due += byKind[kind].due;
    inHome.placed += byKind[kind].placed;
  }
  share(inHome);
  const idleTeachers = input.teachers
    .map((t) => t.id)
    .filter((id) => !busy.has(id))
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return {
    byKind,
    inHome,
    crisis,
    idleTeachers,
    provisionalSlots,
    alternativeSlots,
    overdueSlots,
    arrangedSlots,
    unplaced,
  };
}
