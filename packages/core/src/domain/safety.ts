import * as z from "zod";
import type { ErrorCode } from "../shared/errors/catalog.js";
import { type ErrorIssue, type ErrorPath, HomevisitError } from "../shared/errors/homevisit-error.js";
import { addCatalogIssue } from "../shared/errors/parse.js";
import { withLabel, withOptionLabels, withOwnLabel } from "../shared/field-labels.js";
import type { LocalizedText } from "../shared/i18n.js";
import {
  idSchema,
  instantSchema,
  isoDateSchema,
  noteSchema,
  phoneSchema,
  shortTextSchema,
} from "../shared/primitives.js";
import { withSensitivity } from "../shared/sensitivity.js";
import { dateWindowSchema } from "./planning.js";
import { homeAddressSchema } from "./student.js";

/**
 * R14: the teacher home-visit safety reporting system. Before a visit the teacher reports
 * whom, where and for how long, how they travel, that they will not ride an unlicensed
 * vehicle (三无车辆) and a phone on which they stay reachable; afterwards they check in. The
 * school sends a zero report (安全零报告) every period, even when nothing happened.
 */

/** How a teacher travels to a visit. */
export const transportModes = [
  "walk",
  "bicycle",
  "e_bike",
  "own_car",
  "school_vehicle",
  "bus",
  "taxi_or_ride_hailing",
  "other",
] as const;
/** The label of each transport mode. */
export const transportModeLabels: Readonly<Record<(typeof transportModes)[number], LocalizedText>> = {
  walk: { "zh-CN": "步行", en: "On foot" },
  bicycle: { "zh-CN": "自行车", en: "Bicycle" },
  e_bike: { "zh-CN": "电动自行车", en: "E-bike" },
  own_car: { "zh-CN": "自驾", en: "Own car" },
  school_vehicle: { "zh-CN": "学校公务用车", en: "School vehicle" },
  bus: { "zh-CN": "公交车/班车", en: "Bus" },
  taxi_or_ride_hailing: { "zh-CN": "出租车/网约车", en: "Taxi or ride-hailing" },
  other: { "zh-CN": "其他", en: "Other" },
};
/** How a teacher travels to a visit. */
export const transportModeSchema = withOptionLabels(
  withLabel(z.enum(transportModes), { "zh-CN": "交通方式", en: "Transport" }),
  transportModeLabels,
);
/** How a teacher travels to a visit. */
export type TransportMode = z.infer<typeof transportModeSchema>;

/**
 * Where the visit goes, to the town and village only: the school already holds the street
 * address, and a safety report travels further (to the county) than a visit record.
 */
export const safetyDestinationSchema = withLabel(
  withSensitivity(homeAddressSchema.pick({ county: true, town: true, village: true }), "personal"),
  { "zh-CN": "家访目的地", en: "Destination" },
);
/** Where a visit goes, to the village. */
export type SafetyDestination = z.infer<typeof safetyDestinationSchema>;

/**
 * The fields of the pre-visit safety report, without its cross-field checks: zod 4 refuses
 * `.omit` and `.pick` on a refined object, so the engine derives its input from this object
 * and adds {@link checkPreVisitSafetyReport} itself.
 */
export const preVisitSafetyReportFields = z.strictObject({
  id: idSchema,
  schoolId: idSchema,
  teacherId: idSchema,
  /** The student(s) visited on this trip; a teacher may visit neighbours in one outing. */
  studentIds: withLabel(z.array(idSchema).min(1).max(10), { "zh-CN": "家访学生", en: "Students visited" }),
  /** The appointments this trip serves, when the appointment module booked them. */
  appointmentIds: withLabel(z.array(idSchema).max(10).default([]), { "zh-CN": "对应的家访预约", en: "Appointments" }),
  destination: safetyDestinationSchema,
  plannedStart: withOwnLabel(instantSchema, { "zh-CN": "计划出发时间", en: "Planned start" }),
  expectedDurationMinutes: withLabel(z.int().min(5).max(720), {
    "zh-CN": "预计用时（分钟）",
    en: "Expected duration (minutes)",
  }),
  transportMode: transportModeSchema,
  /** What "other" means, or the line or plate the teacher will use. */
  transportNote: withLabel(shortTextSchema.optional(), { "zh-CN": "交通说明", en: "Transport note" }),
  noUnlicensedVehicle: withLabel(z.boolean(), { "zh-CN": "不乘坐三无车辆的声明", en: "No unlicensed vehicle" }),
  /** The number on which the teacher stays reachable during the visit. */
  reachablePhone: withOwnLabel(phoneSchema, { "zh-CN": "家访期间联系电话", en: "Phone during the visit" }),
  /** Teachers going along. */
  companionIds: withLabel(z.array(idSchema).max(5).default([]), { "zh-CN": "同行教师", en: "Companion teachers" }),
  reportedAt: instantSchema,
});

/**
 * The cross-field checks of a pre-visit safety report, for `superRefine`: the explicit "no
 * unlicensed vehicle" declaration, and a companion who is not the visiting teacher (checked
 * when both are present, so a caller's input without `teacherId` can use it too).
 *
 * @example
 * ```ts
 * const input = preVisitSafetyReportFields.omit({ id: true, reportedAt: true }).superRefine(checkPreVisitSafetyReport);
 * input.safeParse({ ...report, noUnlicensedVehicle: false }).success; // false
 * ```
 */
export function checkPreVisitSafetyReport(
  report: { noUnlicensedVehicle: boolean; companionIds: readonly string[]; teacherId?: string },
  ctx: z.RefinementCtx,
): void {
  // A boolean rather than z.literal(true), so a missing tick gets the catalog's plain message.
  if (report.noUnlicensedVehicle !== true)
    addCatalogIssue(ctx, "unlicensed_vehicle_declaration_required", {}, ["noUnlicensedVehicle"]);
  if (report.teacherId !== undefined && report.companionIds.includes(report.teacherId))
    addCatalogIssue(ctx, "companion_is_visiting_teacher", {}, ["companionIds"]);
}

/**
 * The pre-visit safety report (家访安全报告). `expectedDurationMinutes` covers the whole trip,
 * travel included: the school expects the check-in by then. `noUnlicensedVehicle` must be
 * `true` (an explicit declaration, never a default).
 */
export const preVisitSafetyReportSchema = preVisitSafetyReportFields.superRefine(checkPreVisitSafetyReport);
/** A pre-visit safety report. */
export type PreVisitSafetyReport = z.infer<typeof preVisitSafetyReportSchema>;
/** A pre-visit safety report as a caller writes it (defaults not yet applied). */
export type PreVisitSafetyReportInput = z.input<typeof preVisitSafetyReportSchema>;

/**
 * The check-in after a visit (家访结束后及时告知学校). Difficulties are taken seriously (R14):
 * `needsHelp` alerts the school even without a note, because a teacher in trouble should not
 * be held up by a form; `incident` marks something the zero report must list.
 */
export const postVisitCheckInSchema = z.strictObject({
  reportId: idSchema,
  teacherId: idSchema,
  returnedSafelyAt: withOwnLabel(instantSchema, { "zh-CN": "安全返回时间", en: "Time back safely" }),
  /** Incidents and difficulties met on the way or at the visit. */
  note: withLabel(withSensitivity(noteSchema.optional(), "sensitive"), { "zh-CN": "情况说明", en: "Note" }),
  /** Something happened that the school must report upward (accident, injury, threat). */
  incident: withLabel(z.boolean().default(false), { "zh-CN": "发生意外情况", en: "Incident" }),
  needsHelp: withLabel(z.boolean().default(false), { "zh-CN": "需要学校帮助", en: "Needs help" }),
});
/** A post-visit check-in. */
export type PostVisitCheckIn = z.infer<typeof postVisitCheckInSchema>;
/** A post-visit check-in as a caller writes it (defaults not yet applied). */
export type PostVisitCheckInInput = z.input<typeof postVisitCheckInSchema>;

const minuteMs = 60_000;
const shanghaiOffsetMs = 8 * 60 * minuteMs;

/** Formats epoch milliseconds as an instant in China Standard Time (no DST since 1991). */
function shanghaiInstant(ms: number): string {
  return `${new Date(ms + shanghaiOffsetMs).toISOString().slice(0, 19)}+08:00`;
}

/**
 * When the visit is expected to be over: `plannedStart` plus `expectedDurationMinutes`, as an
 * instant in China Standard Time (`+08:00`) whatever offset the start was written with.
 *
 * @example
 * ```ts
 * expectedEnd({ plannedStart: "2026-10-12T18:30:00+08:00", expectedDurationMinutes: 90 });
 * // "2026-10-12T20:00:00+08:00"
 * expectedEnd({ plannedStart: "2026-10-12T10:30:00Z", expectedDurationMinutes: 30 });
 * // "2026-10-12T19:00:00+08:00"
 * ```
 */
export function expectedEnd(report: Pick<PreVisitSafetyReport, "plannedStart" | "expectedDurationMinutes">): string {
  return shanghaiInstant(Date.parse(report.plannedStart) + report.expectedDurationMinutes * minuteMs);
}

/**
 * When the school starts to worry: the expected end plus a grace period (default 30 minutes,
 * for a visit that runs on or a bus that is late).
 *
 * @example
 * ```ts
 * checkInDueAt({ plannedStart: "2026-10-12T18:30:00+08:00", expectedDurationMinutes: 90 });
 * // "2026-10-12T20:30:00+08:00"
 * ```
 */
export function checkInDueAt(
  report: Pick<PreVisitSafetyReport, "plannedStart" | "expectedDurationMinutes">,
  graceMinutes = 30,
): string {
  return shanghaiInstant(Date.parse(expectedEnd(report)) + graceMinutes * minuteMs);
}

/**
 * Whether the teacher should have checked in by `now` and has not: no check-in, and `now` is
 * strictly after the expected end plus `graceMinutes` (default 30). A check-in, however late,
 * ends the worry. `now` comes from the caller's clock: core reads no time itself.
 *
 * @example
 * ```ts
 * const report = { plannedStart: "2026-10-12T18:30:00+08:00", expectedDurationMinutes: 90 };
 * isCheckInOverdue(report, undefined, "2026-10-12T20:30:00+08:00"); // false (exactly due)
 * isCheckInOverdue(report, undefined, "2026-10-12T20:31:00+08:00"); // true
 * isCheckInOverdue(report, undefined, "2026-10-12T20:31:00+08:00", 60); // false
 * ```
 */
export function isCheckInOverdue(
  report: Pick<PreVisitSafetyReport, "plannedStart" | "expectedDurationMinutes">,
  checkIn: Pick<PostVisitCheckIn, "returnedSafelyAt"> | undefined,
  now: string,
  graceMinutes = 30,
): boolean {
  if (checkIn !== undefined) return false;
  return Date.parse(now) > Date.parse(checkInDueAt(report, graceMinutes));
}

/**
 * The reports of teachers who are overdue at `now`, the longest overdue first: what a school's
 * safety officer should ring about. Check-ins are matched by `reportId`.
 *
 * @example
 * ```ts
 * overdueSafetyReports([reportA, reportB], [{ reportId: reportA.id, … }], "2026-10-12T22:00:00+08:00");
 * // [reportB] when reportB was due by 22:00
 * ```
 */
export function overdueSafetyReports<
  R extends Pick<PreVisitSafetyReport, "id" | "plannedStart" | "expectedDurationMinutes">,
>(
  reports: readonly R[],
  checkIns: readonly Pick<PostVisitCheckIn, "reportId" | "returnedSafelyAt">[],
  now: string,
  graceMinutes = 30,
): R[] {
  const checkedIn = new Set(checkIns.map((c) => c.reportId));
  return reports
    .filter((r) => !checkedIn.has(r.id) && isCheckInOverdue(r, undefined, now, graceMinutes))
    .sort((a, b) => Date.parse(checkInDueAt(a)) - Date.parse(checkInDueAt(b)));
}

function catalogIssue(code: ErrorCode, path: ErrorPath, params: Record<string, string | number> = {}): ErrorIssue {
  const error = new HomevisitError(code, { params, path });
  return { path, code, message: error.messages };
}

/**
 * Problems of a check-in against its report: another report's id (`conflict`), another teacher
 * (`forbidden`), or a return before the planned start (`check_in_before_start`). Empty when
 * the check-in fits.
 *
 * @example
 * ```ts
 * checkInProblems(report, { ...checkIn, returnedSafelyAt: "2026-10-12T17:00:00+08:00" });
 * // [{ path: ["returnedSafelyAt"], code: "check_in_before_start", message: { … } }]
 * ```
 */
export function checkInProblems(
  report: Pick<PreVisitSafetyReport, "id" | "teacherId" | "plannedStart">,
  checkIn: Pick<PostVisitCheckIn, "reportId" | "teacherId" | "returnedSafelyAt">,
): ErrorIssue[] {
  const problems: ErrorIssue[] = [];
  if (checkIn.reportId !== report.id) problems.push(catalogIssue("conflict", ["reportId"]));
  if (checkIn.teacherId !== report.teacherId) problems.push(catalogIssue("forbidden", ["teacherId"]));
  if (Date.parse(checkIn.returnedSafelyAt) < Date.parse(report.plannedStart))
    problems.push(catalogIssue("check_in_before_start", ["returnedSafelyAt"]));
  return problems;
}

/** Kinds of safety incident a zero report lists. */
export const safetyIncidentKinds = [
  "traffic",
  "injury",
  "illness",
  "threat_or_conflict",
  "property_loss",
  "other",
] as const;

/** The label of each incident kind. */
export const safetyIncidentKindLabels: Readonly<Record<(typeof safetyIncidentKinds)[number], LocalizedText>> = {
  traffic: { "zh-CN": "交通事故", en: "Traffic accident" },
  injury: { "zh-CN": "人身伤害", en: "Injury" },
  illness: { "zh-CN": "突发疾病", en: "Sudden illness" },
  threat_or_conflict: { "zh-CN": "冲突或威胁", en: "Conflict or threat" },
  property_loss: { "zh-CN": "财物损失", en: "Loss of property" },
  other: { "zh-CN": "其他", en: "Other" },
};

/** One incident listed in a zero report. */
export const safetyIncidentSchema = z.strictObject({
  teacherId: idSchema,
  /** The pre-visit report of the trip, when there was one. */
  reportId: withOwnLabel(idSchema.optional(), { "zh-CN": "出发前安全报告", en: "Pre-visit safety report" }),
  occurredOn: withOwnLabel(isoDateSchema, { "zh-CN": "发生日期", en: "Date of the incident" }),
  kind: withLabel(withOptionLabels(z.enum(safetyIncidentKinds), safetyIncidentKindLabels), {
    "zh-CN": "事件类型",
    en: "Kind of incident",
  }),
  note: withLabel(withSensitivity(noteSchema.pipe(z.string().trim().min(1)), "sensitive"), {
    "zh-CN": "经过",
    en: "What happened",
  }),
  needsHelp: withLabel(z.boolean().default(false), { "zh-CN": "需要帮助", en: "Help needed" }),
  resolved: withLabel(z.boolean().default(false), { "zh-CN": "已处理", en: "Resolved" }),
});
/** One incident. */
export type SafetyIncident = z.infer<typeof safetyIncidentSchema>;

/**
 * The school's safety zero report (安全零报告) for a period: sent every period, even when nothing
 * happened. Either `nothingHappened` is true and no incident is listed, or it is false and at
 * least one is (`zero_report_inconsistent` otherwise).
 *
 * @example
 * ```ts
 * safetyZeroReportSchema.parse({
 *   id: "zr-2026-w41", schoolId: "sch1", period: { from: "2026-10-05", to: "2026-10-11" },
 *   visitCount: 37, nothingHappened: true, incidents: [], submittedBy: "t9",
 *   submittedAt: "2026-10-12T08:00:00+08:00",
 * }); // ok
 * ```
 */
export const safetyZeroReportSchema = z
  .strictObject({
    id: idSchema,
    schoolId: idSchema,
    period: dateWindowSchema,
    /** Visits made in the period: a zero report with visits shows the system was used. */
    visitCount: z.int().min(0).max(100_000),
    nothingHappened: z.boolean(),
    incidents: z.array(safetyIncidentSchema).max(500).default([]),
    submittedBy: idSchema,
    submittedAt: instantSchema,
  })
  .superRefine((report, ctx) => {
    if (report.period.to < report.period.from) addCatalogIssue(ctx, "date_range_inverted", {}, ["period", "to"]);
    if (report.nothingHappened === report.incidents.length > 0)
      addCatalogIssue(ctx, "zero_report_inconsistent", {}, ["nothingHappened"]);
    report.incidents.forEach((incident, i) => {
      if (incident.occurredOn < report.period.from || incident.occurredOn > report.period.to)
        addCatalogIssue(ctx, "date_range_inverted", {}, ["incidents", i, "occurredOn"]);
    });
  });
/** A safety zero report. */
export type SafetyZeroReport = z.infer<typeof safetyZeroReportSchema>;
/** A safety zero report as a caller writes it. */
export type SafetyZeroReportInput = z.input<typeof safetyZeroReportSchema>;

/** What a school needs to fill its zero report for a period. */
export interface SafetyPeriodSummary {
  /** Pre-visit reports whose planned start falls in the period. */
  reportCount: number;
  /** Of those, how many checked in. */
  checkedInCount: number;
  /** Reports with no check-in yet: the school cannot say "nothing happened" while any is open. */
  missingCheckIns: string[];
  /** Check-ins that flagged an incident or asked for help: the school turns them into incidents. */
  flaggedCheckIns: PostVisitCheckIn[];
  /** True when every trip checked in and none flagged anything. */
  nothingHappened: boolean;
}

/**
 * Sums up a period's safety reports and check-ins for the zero report. Reports count by the
 * China Standard Time date of their planned start.
 *
 * @example
 * ```ts
 * summariseSafetyPeriod([report], [checkIn], { from: "2026-10-05", to: "2026-10-11" });
 * // { reportCount: 1, checkedInCount: 1, missingCheckIns: [], flaggedCheckIns: [], nothingHappened: true }
 * ```
 */
export function summariseSafetyPeriod(
  reports: readonly Pick<PreVisitSafetyReport, "id" | "plannedStart">[],
  checkIns: readonly PostVisitCheckIn[],
  period: { from: string; to: string },
): SafetyPeriodSummary {
  const inPeriod = reports.filter((r) => {
    const date = shanghaiInstant(Date.parse(r.plannedStart)).slice(0, 10);
    return date >= period.from && date <= period.to;
  });
  const byReport = new Map(checkIns.map((c) => [c.reportId, c]));
  const missingCheckIns = inPeriod.filter((r) => !byReport.has(r.id)).map((r) => r.id);
  const flaggedCheckIns = inPeriod
    .map((r) => byReport.get(r.id))
    .filter((c): c is PostVisitCheckIn => c !== undefined && (c.incident || c.needsHelp));
  return {
    reportCount: inPeriod.length,
    checkedInCount: inPeriod.length - missingCheckIns.length,
    missingCheckIns,
    flaggedCheckIns,
    nothingHappened: missingCheckIns.length === 0 && flaggedCheckIns.length === 0,
  };
}

/** One line of a safety checklist, for widgets to render and for the handbook to print. */
export interface SafetyChecklistItem<Field extends string = string> {
  readonly id: string;
  /** The report field the line fills or confirms. */
  readonly fields: readonly Field[];
  readonly text: LocalizedText;
}

/**
 * The pre-visit safety checklist in the guidance's order (访前报告对象、地点及所需时间; 通讯畅通;
 * 严禁搭乘三无车辆), with the report fields each line fills.
 *
 * @example
 * ```ts
 * preVisitSafetyChecklist.find((i) => i.id === "no_unlicensed_vehicle")?.fields; // ["noUnlicensedVehicle"]
 * ```
 */
export const preVisitSafetyChecklist: readonly SafetyChecklistItem<keyof PreVisitSafetyReport>[] = [
  {
    id: "whom",
    fields: ["studentIds"],
    text: { "zh-CN": "已向学校报告家访对象", en: "I told the school whom I am visiting" },
  },
  {
    id: "where",
    fields: ["destination"],
    text: {
      "zh-CN": "已向学校报告家访地点（到乡镇、村）",
      en: "I told the school where I am going (town and village)",
    },
  },
  {
    id: "how_long",
    fields: ["plannedStart", "expectedDurationMinutes"],
    text: {
      "zh-CN": "已向学校报告出发时间及所需时间（含路程）",
      en: "I told the school when I leave and how long it takes, travel included",
    },
  },
  {
    id: "transport",
    fields: ["transportMode", "transportNote"],
    text: { "zh-CN": "已说明出行方式", en: "I said how I am travelling" },
  },
  {
    id: "no_unlicensed_vehicle",
    fields: ["noUnlicensedVehicle"],
    text: {
      "zh-CN": "不搭乘无牌照、无驾照、无保险的“三无车辆”",
      en: "I will not ride a vehicle without licence, plate or insurance",
    },
  },
  {
    id: "reachable",
    fields: ["reachablePhone"],
    text: { "zh-CN": "家访期间保持通讯畅通", en: "I stay reachable on this phone during the visit" },
  },
  {
    id: "companions",
    fields: ["companionIds"],
    text: { "zh-CN": "已报告同行教师（如有）", en: "I named the teachers going with me, if any" },
  },
];

/** The post-visit check-in checklist (家访结束后及时告知学校; 困难认真对待). */
export const postVisitSafetyChecklist: readonly SafetyChecklistItem<keyof PostVisitCheckIn>[] = [
  {
    id: "returned",
    fields: ["returnedSafelyAt"],
    text: { "zh-CN": "家访结束，已安全返回", en: "The visit is over and I am back safely" },
  },
  {
    id: "incidents",
    fields: ["incident", "note"],
    text: {
      "zh-CN": "途中或家访中遇到的意外或困难（如有）",
      en: "Any incident or difficulty on the way or at the visit",
    },
  },
  {
    id: "needs_help",
    fields: ["needsHelp"],
    text: { "zh-CN": "需要学校帮助解决的问题", en: "I need the school's help with something" },
  },
];
