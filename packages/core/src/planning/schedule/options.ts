import * as z from "zod";
import type { Assignment, Obligation, ProposedSlot, Term, VisitKind } from "../../domain/planning.js";
import type { Student } from "../../domain/student.js";
import type { BusySlot } from "../../ports/timetable.js";
import type { ErrorCode } from "../../shared/errors/catalog.js";
import { addCatalogIssue } from "../../shared/errors/parse.js";
import { withLabel, withOptionLabels, withOwnLabel } from "../../shared/field-labels.js";
import type { LocalizedText } from "../../shared/i18n.js";
import { type IsoDate, localTimeSchema } from "../../shared/primitives.js";
import type { DayType } from "../calendar/holidays.js";
import type { PlanningCalendar } from "../calendar/planning-calendar.js";

/**
 * The scheduler: concrete dates and times for assigned visits. Pure: the teachers' lessons
 * arrive as busy slots (from the {@link "../../ports/timetable.js".TimetableSource} port, called by the
 * engine), the official calendar as a function. Every date is a `YYYY-MM-DD` and every time a
 * wall-clock `HH:mm` in China Standard Time; nothing reads the host's clock or time zone.
 */

/** A range of wall-clock time within one day. */
export const timeRangeSchema = z
  .strictObject({
    from: withOwnLabel(localTimeSchema, { "zh-CN": "开始时间", en: "From" }),
    to: withOwnLabel(localTimeSchema, { "zh-CN": "结束时间", en: "To" }),
  })
  .superRefine((r, ctx) => {
    if (r.to <= r.from) addCatalogIssue(ctx, "date_range_inverted", {}, ["to"]);
  });
/** A range of wall-clock time within one day. */
export type TimeRange = z.infer<typeof timeRangeSchema>;

/** Options of `scheduleVisits`; every field has a default. */
export const scheduleOptionsSchema = z.strictObject({
  /**
   * When visits may happen: after lessons on school days, daytime on rest days (weekends and,
   * with a calendar that says so, vacation days).
   */
  allowedHours: withLabel(
    z
      .strictObject({
        schoolDay: withLabel(
          z
            .array(timeRangeSchema)
            .max(8)
            .default([{ from: "16:30", to: "20:00" }]),
          { "zh-CN": "上学日可家访时段", en: "Visiting hours on school days" },
        ),
        restDay: withLabel(
          z
            .array(timeRangeSchema)
            .max(8)
            .default([{ from: "09:00", to: "17:00" }]),
          { "zh-CN": "休息日可家访时段", en: "Visiting hours on rest days" },
        ),
      })
      .prefault({}),
    { "zh-CN": "可家访时段", en: "Visiting hours" },
  ),
  /** Length of one visit. */
  visitMinutes: withLabel(z.int().min(10).max(240).default(45), {
    "zh-CN": "每次家访时长（分钟）",
    en: "Minutes per visit",
  }),
  /** One-way travel when a home has no `address.travelMinutes`. */
  defaultTravelMinutes: withLabel(z.int().min(0).max(600).default(20), {
    "zh-CN": "默认单程路程（分钟）",
    en: "Default one-way travel (minutes)",
  }),
  /** Slack added to the travel on each side of a trip (parking, finding the house, lateness). */
  travelBufferMinutes: withLabel(z.int().min(0).max(120).default(10), {
    "zh-CN": "路程余量（分钟）",
    en: "Travel buffer (minutes)",
  }),
  /** Time between two visits of one trip in the same village. */
  sameVillageBufferMinutes: withLabel(z.int().min(0).max(120).default(10), {
    "zh-CN": "同村两次家访间隔（分钟）",
    en: "Gap between visits in one village (minutes)",
  }),
  /** The longest wait between two visits of one trip; a longer one makes a separate trip. */
  maxTripGapMinutes: withLabel(z.int().min(0).max(240).default(30), {
    "zh-CN": "一次出行内最长等待（分钟）",
    en: "Longest wait within a trip (minutes)",
  }),
  /** Most visits a teacher makes (lead or companion) in a day. */
  maxPerDay: withLabel(z.int().min(1).max(20).default(3), { "zh-CN": "每天家访上限", en: "Visits per day" }),
  /** Most visits a teacher makes in an ISO week (Monday to Sunday). */
  maxPerWeek: withLabel(z.int().min(1).max(100).default(8), { "zh-CN": "每周家访上限", en: "Visits per week" }),
  /** Visits at weekends (families are home); never on official holidays. */
  allowWeekends: withLabel(z.boolean().default(true), { "zh-CN": "周末可家访", en: "Visits at weekends" }),
  /**
   * Days of a year without holiday data are skipped with `schedule_unknown_calendar`; set this to
   * treat them by weekday (Monday–Friday school days) at your own risk. With the default
   * calendar and `provisionalCalendar` on, only years outside 1901–2099 are unknown.
   */
  allowUnknownDays: withLabel(z.boolean().default(false), {
    "zh-CN": "无日历数据的日子按星期安排",
    en: "Plan days without calendar data by weekday",
  }),
  /**
   * With the default calendar (no `calendar`, `dayType` or `isSchoolDay` given): a year without
   * an official notice follows the provisional rule (`provisionalHolidayYear`), and every slot on
   * such a day carries `provisional: true`. `false`: those days are unknown, as before.
   */
  provisionalCalendar: withLabel(z.boolean().default(true), {
    "zh-CN": "使用暂定日历",
    en: "Use the provisional calendar",
  }),
  /**
   * When a family's stated hours never meet the allowed hours (or leave no free slot), propose
   * the nearest allowed time instead, marked `alternative` with the reason (R12: confirmed by
   * phone first). `false`: such visits stay unplaced with `schedule_family_unavailable`.
   */
  familyAlternatives: withLabel(z.boolean().default(true), {
    "zh-CN": "提议最近的可行时间",
    en: "Propose the nearest possible time",
  }),
  /**
   * A crisis visit that finds no slot within the caps is placed past `maxPerDay`/`maxPerWeek`
   * (never over a lesson or another visit); one that still finds none is escalated to the
   * principal (`schedule_crisis_escalated`).
   */
  crisisPastCaps: withLabel(z.boolean().default(true), {
    "zh-CN": "突发变故家访可超出上限",
    en: "Crisis visits past the caps",
  }),
  /** Length of a mentor's contact (a talk, a call): contacts need no travel and no family home slot. */
  contactMinutes: withLabel(z.int().min(5).max(120).default(15), {
    "zh-CN": "德育导师联系时长（分钟）",
    en: "Minutes per mentor contact",
  }),
  /**
   * `never` (default): no visits on official holidays. `preferred_windows`: allowed inside an
   * obligation's preferred window, e.g. the Spring Festival for left-behind children (R13).
   */
  holidayVisits: withLabel(
    withOptionLabels(z.enum(["never", "preferred_windows"]), {
      never: { "zh-CN": "节假日不安排家访", en: "Never on holidays" },
      preferred_windows: { "zh-CN": "仅在优先时段内安排", en: "Only inside preferred windows" },
    }).default("never"),
    { "zh-CN": "节假日家访", en: "Visits on holidays" },
  ),
  /** Start times snap to this grid. */
  slotStepMinutes: withLabel(z.int().min(1).max(60).default(5), {
    "zh-CN": "开始时间取整（分钟）",
    en: "Start times every (minutes)",
  }),
});
/** Options of the scheduler, defaults applied. */
export type ScheduleOptions = z.infer<typeof scheduleOptionsSchema>;
/** Options of the scheduler as a caller writes them. */
export type ScheduleOptionsInput = z.input<typeof scheduleOptionsSchema>;

/** An obligation (or one occurrence of a recurring one) the scheduler could not place, and why. */
export interface UnscheduledObligation {
  obligationId: string;
  studentId: string;
  occurrence?: IsoDate;
  code: ErrorCode;
  reason: LocalizedText;
}

/** The result of `scheduleVisits`. */
export interface SchedulePlan {
  /** Sorted by date, start, teacher, obligation. */
  slots: ProposedSlot[];
  /** Sorted by obligation and occurrence. */
  unscheduled: UnscheduledObligation[];
}

/** A student as the scheduler needs it: where the home is and when the family is free. */
export type ScheduleStudent = Pick<Student, "id" | "address"> & { availability?: Student["availability"] };

/**
 * A visit already arranged before the plan (an open appointment: a committed plan's or an ad-hoc
 * one). It stands: the obligation it serves gets no new slot, and it holds its teachers' time.
 */
export interface ArrangedVisit {
  appointmentId: string;
  /** The obligation it was made for (a plan's appointment); absent for an ad-hoc one. */
  obligationId?: string;
  studentId: string;
  kind: VisitKind;
  teacherId: string;
  companionIds?: readonly string[];
  date: IsoDate;
  /** Wall-clock `HH:mm` in China Standard Time. */
  start: string;
  end: string;
}

/** What kind of day a date is, as `dayType` answers. */
export type DayTypeFunction = (date: IsoDate) => DayType;

/** What `scheduleVisits` reads. */
export interface ScheduleVisitsInput {
  term: Pick<Term, "start" | "end">;
  assignments: readonly Assignment[];
  obligations: readonly Obligation[];
  students: readonly ScheduleStudent[];
  /** Lessons and duties of the teachers, from the timetable port. */
  busySlots: readonly BusySlot[];
  /**
   * The first day a visit may be placed on, for a plan made after the term began. Windows are
   * cut to start there; a one-off visit whose window has already ended is still owed, so it may
   * go on any day from here to the term's end, urgent ones and the longest overdue first, and
   * its slot says `overdue: true`. An occurrence of a recurring contact dated before it whose
   * span (to the day before the next occurrence) has ended belongs to the past (made or missed);
   * one whose span still runs is planned from this day when `contactsMade` shows no contact in
   * it so far, and left to the past when `contactsMade` is not given. Default: no limit (the
   * windows as they are).
   */
  notBefore?: IsoDate;
  /**
   * The recurring contacts already made (a mentor's contact records: the student and the day),
   * read only with `notBefore`: a contact whose current span began before the plan's first day
   * is owed still, from that day to the span's end, unless one of these falls in the span.
   * Default: not known, so such an occurrence is left to the past rather than risk a second
   * contact in one month.
   */
  contactsMade?: readonly { studentId: string; date: IsoDate }[];
  /**
   * Visits already arranged (open appointments). Each serves at most one obligation (or one
   * occurrence of a recurring one): the one it was made for, else one of the same student and
   * kind. That obligation keeps the arranged visit as its slot (`appointmentId` says which), and
   * is not placed again; every arranged visit holds its teachers' time (travel included) and
   * counts against their daily and weekly caps. Default: none.
   */
  arranged?: readonly ArrangedVisit[];
  /**
   * The calendar to plan on (`planningCalendar`): official holidays, the school's vacations and
   * exam weeks, provisional years. Default: the shipped holiday data, provisional years by rule
   * (see `options.provisionalCalendar`), no school calendar.
   */
  calendar?: PlanningCalendar;
  /**
   * The official calendar as a function, instead of `calendar` (no provisional days): a year it
   * answers `unknown` for is skipped.
   */
  dayType?: DayTypeFunction;
  /**
   * A school-day test, used when neither `calendar` nor `dayType` is given: `true` school day, `false` rest day at
   * a weekend and closed on a weekday (holiday or vacation), `"unknown"` skipped.
   */
  isSchoolDay?: (date: IsoDate) => boolean | "unknown";
  options?: ScheduleOptionsInput;
}
