import * as z from "zod";
import { compiledSchema } from "../../shared/compiled.js";
import { HomevisitError } from "../../shared/errors/homevisit-error.js";
import { addCatalogIssue, parseInput } from "../../shared/errors/parse.js";
import { withLabel, withOptionLabels } from "../../shared/field-labels.js";
import type { LocalizedText } from "../../shared/i18n.js";
import { idSchema, instantSchema, noteSchema, shortTextSchema } from "../../shared/primitives.js";
import { withSensitivity } from "../../shared/sensitivity.js";
import { visitKindSchema } from "../planning.js";

/**
 * Appointments (R12): the time of a visit is agreed with the parents by phone first; where a
 * home visit does not suit them, the teacher meets them at a suitable place instead. An
 * appointment is a small state machine whose graph is data ({@link appointmentTransitions}),
 * so widgets can render the actions available and reports can count outcomes.
 */

/** The statuses of an appointment, in the order they usually happen. */
export const appointmentStatuses = [
  "proposed",
  "contacted",
  "confirmed",
  "rescheduled",
  "declined_home",
  "refused",
  "departed",
  "completed",
  "missed",
  "cancelled",
] as const;
/** The label of each status. */
export const appointmentStatusLabels: Readonly<Record<(typeof appointmentStatuses)[number], LocalizedText>> = {
  proposed: { "zh-CN": "待联系", en: "Proposed" },
  contacted: { "zh-CN": "已电话联系", en: "Family contacted" },
  confirmed: { "zh-CN": "已确认", en: "Confirmed" },
  rescheduled: { "zh-CN": "已改期待确认", en: "Rescheduled" },
  declined_home: { "zh-CN": "家长不便入户", en: "Home visit declined" },
  refused: { "zh-CN": "家长拒绝家访", en: "Refused by the family" },
  departed: { "zh-CN": "已出发", en: "Departed" },
  completed: { "zh-CN": "已完成", en: "Completed" },
  missed: { "zh-CN": "未能见面", en: "Missed" },
  cancelled: { "zh-CN": "已取消", en: "Cancelled" },
};
/** The status of an appointment. */
export const appointmentStatusSchema = withOptionLabels(z.enum(appointmentStatuses), appointmentStatusLabels);
/** The status of an appointment. */
export type AppointmentStatus = z.infer<typeof appointmentStatusSchema>;

/** The statuses an appointment never leaves. */
export const terminalAppointmentStatuses: readonly AppointmentStatus[] = [
  "refused",
  "completed",
  "missed",
  "cancelled",
];

/** The statuses of an appointment still to happen: the family has been or will be told. */
export const openAppointmentStatuses: readonly AppointmentStatus[] = appointmentStatuses.filter(
  (s) => !terminalAppointmentStatuses.includes(s),
);

/**
 * Whether a status is terminal: no event leaves it.
 *
 * @example
 * ```ts
 * isTerminal("completed"); // true
 * isTerminal("declined_home"); // false: an alternative venue may still be agreed
 * ```
 */
export function isTerminal(status: AppointmentStatus): boolean {
  return terminalAppointmentStatuses.includes(status);
}

/** The ways a visit can take place (R5): in the home first, other channels recorded as such. */
export const appointmentChannelTypes = ["in_home", "alternative_venue", "phone", "video", "at_school"] as const;
/** The type of an appointment's channel. */
export type AppointmentChannelType = (typeof appointmentChannelTypes)[number];

/** The label of each channel. */
export const appointmentChannelLabels: Readonly<Record<AppointmentChannelType, LocalizedText>> = {
  in_home: { "zh-CN": "入户家访", en: "Home visit" },
  alternative_venue: { "zh-CN": "约在其他场所", en: "Meeting at another place" },
  phone: { "zh-CN": "电话家访", en: "Phone call" },
  video: { "zh-CN": "视频家访", en: "Video call" },
  at_school: { "zh-CN": "来校面谈", en: "Meeting at school" },
};

/** A channel's type, labelled: the discriminator of {@link appointmentChannelSchema}. */
const channelType = <T extends string>(type: T) => withLabel(z.literal(type), { "zh-CN": "家访方式", en: "Channel" });

/**
 * How the visit takes place. An alternative venue (R12) names the place and why the home did
 * not suit the family: the place may identify relatives (personal), the reason is about the
 * family's circumstances (sensitive).
 */
export const appointmentChannelSchema = z
  .discriminatedUnion("type", [
    z.strictObject({ type: channelType("in_home") }),
    z.strictObject({
      type: channelType("alternative_venue"),
      venue: withLabel(withSensitivity(shortTextSchema.min(1), "personal"), {
        "zh-CN": "约定场所",
        en: "Meeting place",
      }),
      // Not min(1): an empty reason gets the catalog's own message below.
      reason: withLabel(withSensitivity(shortTextSchema.max(200), "sensitive"), {
        "zh-CN": "不入户的原因",
        en: "Why not at home",
      }),
    }),
    z.strictObject({ type: channelType("phone") }),
    z.strictObject({ type: channelType("video") }),
    z.strictObject({ type: channelType("at_school") }),
  ])
  .superRefine((channel, ctx) => {
    if (channel.type === "alternative_venue" && channel.reason === "")
      addCatalogIssue(ctx, "alternative_venue_reason_required", {}, ["reason"]);
  });
/** How the visit takes place. */
export type AppointmentChannel = z.infer<typeof appointmentChannelSchema>;

/**
 * An instant in China Standard Time, `+08:00` spelled out: appointments are agreed in local
 * wall-clock time, and an offset of `Z` would hide an eight-hour slip in a form.
 */
export const appointmentInstantSchema = withLabel(
  instantSchema.superRefine((value, ctx) => {
    // Only a well-formed instant with another offset: a malformed one already has its issue.
    if (/(Z|[+-]\d{2}:\d{2})$/.test(value) && !value.endsWith("+08:00"))
      addCatalogIssue(ctx, "appointment_start_offset");
  }),
  { "zh-CN": "家访时间", en: "Visit time" },
);

/** How long a visit may be planned for, in minutes. */
export const appointmentDurationSchema = z.int().min(5).max(720);

/** Where the visit is, to the town and village only; lists and calendars show no more (RELIABILITY.md 3). */
export const appointmentLocationSchema = z.strictObject({
  /** County or district name. */
  county: withLabel(shortTextSchema.min(1).optional(), { "zh-CN": "县（市、区）", en: "County" }),
  /** Town or subdistrict (乡镇/街道). */
  town: withLabel(shortTextSchema.min(1), { "zh-CN": "乡镇（街道）", en: "Town" }),
  /** Village or residential community (村/社区). */
  village: withLabel(shortTextSchema.min(1).optional(), { "zh-CN": "村（社区）", en: "Village" }),
});
/** Where the visit is, to the town and village. */
export type AppointmentLocation = z.infer<typeof appointmentLocationSchema>;

const rruleKeys = new Set([
  "FREQ",
  "UNTIL",
  "COUNT",
  "INTERVAL",
  "BYSECOND",
  "BYMINUTE",
  "BYHOUR",
  "BYDAY",
  "BYMONTHDAY",
  "BYYEARDAY",
  "BYWEEKNO",
  "BYMONTH",
  "BYSETPOS",
  "WKST",
]);
const rruleFrequencies = new Set(["SECONDLY", "MINUTELY", "HOURLY", "DAILY", "WEEKLY", "MONTHLY", "YEARLY"]);
/** The most occurrences a recurring appointment may have: two years of weekly contacts. */
export const maxAppointmentOccurrences = 104;

/** The problem of an RRULE value, as a code for the error's params, or undefined when it is fine. */
function rruleProblem(value: string): string | undefined {
  // The value goes verbatim into an iCalendar feed: only rule characters, so nothing can inject a line.
  if (!/^[A-Z0-9=;,+-]+$/.test(value)) return "characters";
  const parts = new Map<string, string>();
  for (const part of value.split(";")) {
    const [key = "", rest, ...extra] = part.split("=");
    if (rest === undefined || rest === "" || extra.length > 0) return "syntax";
    if (key === "TZID") return "tzid";
    if (!rruleKeys.has(key)) return "unknown_part";
    if (parts.has(key)) return "duplicate_part";
    parts.set(key, rest);
  }
  const freq = parts.get("FREQ");
  if (freq === undefined || !rruleFrequencies.has(freq)) return "freq";
  if (freq === "SECONDLY" || freq === "MINUTELY" || freq === "HOURLY") return "freq";
  const count = parts.get("COUNT");
  const until = parts.get("UNTIL");
  if (count !== undefined && until !== undefined) return "count_and_until";
  if (count === undefined && until === undefined) return "unbounded";
  if (count !== undefined && !(/^\d{1,3}$/.test(count) && Number(count) >= 1)) return "count";
  if (count !== undefined && Number(count) > maxAppointmentOccurrences) return "count";
  // Floating time: a date, or a wall-clock date-time without Z (the rule carries no zone).
  if (until !== undefined && !/^\d{8}(T\d{6})?$/.test(until)) return "until";
  const interval = parts.get("INTERVAL");
  if (interval !== undefined && !(/^\d{1,3}$/.test(interval) && Number(interval) >= 1)) return "interval";
  return undefined;
}

/**
 * A recurrence rule for a recurring mentor contact (德育导师): the value of an RFC 5545 RRULE
 * (`FREQ=WEEKLY;BYDAY=WE;COUNT=8`) in floating time, with no TZID and no `Z` on UNTIL (the
 * appointment's start gives the wall-clock time in Asia/Shanghai), bounded by COUNT (at most
 * {@link maxAppointmentOccurrences}) or UNTIL, at least daily. A leading `RRULE:` is dropped, and so
 * is a floating `DTSTART:` line as obligations carry it: the series starts at the appointment's
 * `start`.
 *
 * @example
 * ```ts
 * appointmentRruleSchema.parse("RRULE:FREQ=WEEKLY;BYDAY=WE;COUNT=8"); // "FREQ=WEEKLY;BYDAY=WE;COUNT=8"
 * appointmentRruleSchema.parse("DTSTART:20260902\nRRULE:FREQ=WEEKLY;UNTIL=20270115"); // "FREQ=WEEKLY;UNTIL=20270115"
 * appointmentRruleSchema.safeParse("FREQ=WEEKLY").success; // false: unbounded
 * ```
 */
export const appointmentRruleSchema = z
  .string()
  .max(500)
  .transform((value) => {
    // Obligations store `DTSTART:20260902\nRRULE:…` (planning/rrule.ts); here the start is the appointment's.
    const rule = value.replace(/^DTSTART:\d{8}(T\d{6})?\r?\n/, "");
    return rule.startsWith("RRULE:") ? rule.slice(6) : rule;
  })
  .superRefine((value, ctx) => {
    const problem = rruleProblem(value);
    if (problem !== undefined) addCatalogIssue(ctx, "appointment_rrule_invalid", { problem });
  });

/** An appointment event: what happens to move an appointment from one status to another. */
export const appointmentEvents = [
  "contact",
  "confirm",
  "reschedule",
  "decline_home",
  "propose_venue",
  "refuse",
  "depart",
  "complete",
  "miss",
  "cancel",
] as const;
/** An appointment event (its schema, with the state machine's words, is `appointmentEventSchema`). */
export type AppointmentEvent = (typeof appointmentEvents)[number];

/**
 * The events an appointment's history records: those of the state machine, and `reopen`, which
 * no caller sends: an amended visit record that no longer names the appointment it completed
 * puts the appointment back in the status it had before.
 */
export const appointmentHistoryEvents = [...appointmentEvents, "reopen"] as const;
/** An event of an appointment's history. */
export type AppointmentHistoryEvent = (typeof appointmentHistoryEvents)[number];

/** One transition in an appointment's history. */
export const appointmentTransitionRecordSchema = z.strictObject({
  event: z.enum(appointmentHistoryEvents),
  from: appointmentStatusSchema,
  to: appointmentStatusSchema,
  at: instantSchema,
  /** Who recorded it: a teacher or staff id. */
  by: idSchema,
  /** What was said or seen; free text about a family is sensitive. */
  note: noteSchema.optional(),
  /** The visit record that made it: a `complete` by submission, a `reopen` by amendment. */
  recordId: idSchema.optional(),
});
/** One transition in an appointment's history. */
export type AppointmentTransitionRecord = z.infer<typeof appointmentTransitionRecordSchema>;

/** Who cancelled an appointment: staff must make the visit up, a family's cancellation is noted. */
export const appointmentCancellationSchema = z.strictObject({
  by: z.enum(["staff", "family"]),
  reason: withSensitivity(shortTextSchema.min(1), "sensitive"),
  makeUpRequired: z.boolean(),
});
/** Who cancelled an appointment and why. */
export type AppointmentCancellation = z.infer<typeof appointmentCancellationSchema>;

/** The id of the obligation an appointment meets (the planner's ids: rule, student, window). */
const obligationIdSchema = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[A-Za-z0-9_.:-]+$/);

/**
 * An appointment for one visit (or, with `rrule`, a series of mentor contacts). `version` starts
 * at 1 and grows by one with every transition, for optimistic concurrency and the iCalendar
 * SEQUENCE.
 */
export const appointmentSchema = compiledSchema(
  z
    .strictObject({
      id: idSchema,
      schoolId: idSchema,
      studentId: idSchema,
      /** The lead teacher. */
      teacherId: idSchema,
      /** Teachers who go too (two adults for remote homes and first priority visits). */
      companionIds: z.array(idSchema).max(5).default([]),
      /** The obligation this appointment meets, when the planner produced it. */
      obligationId: obligationIdSchema.optional(),
      kind: visitKindSchema,
      /**
       * Sensitive as a whole: an alternative venue carries the family's reason, and the audit log
       * and masking work per top-level field.
       */
      channel: withSensitivity(appointmentChannelSchema.clone(), "sensitive"),
      status: appointmentStatusSchema,
      /** The agreed (or proposed) start, in China Standard Time. */
      start: appointmentInstantSchema,
      durationMinutes: appointmentDurationSchema,
      /** Where, to the town/village; absent for phone and video. */
      location: appointmentLocationSchema.optional(),
      /** Street, house number, room: only for the visiting teacher. */
      locationDetail: withSensitivity(shortTextSchema.min(1).optional(), "sensitive"),
      /** For recurring mentor contacts; the series starts at `start`. */
      rrule: appointmentRruleSchema.optional(),
      /** Every transition; sensitive because notes about the family ride along. */
      history: withSensitivity(z.array(appointmentTransitionRecordSchema).max(200), "sensitive").default([]),
      version: z.int().min(1).default(1),
      /** Why the family refused (status `refused`). */
      refusalReason: withSensitivity(shortTextSchema.min(1).optional(), "sensitive"),
      /** Who cancelled and why (status `cancelled`). */
      cancellation: withSensitivity(appointmentCancellationSchema.optional(), "sensitive"),
      /**
       * Why a visit outside the plan was arranged (an ad-hoc appointment has no `obligationId`);
       * about the family's circumstances, so sensitive.
       */
      reason: withSensitivity(shortTextSchema.min(1).optional(), "sensitive"),
      /** The visit record submitted against it: set when the record closes the appointment. */
      recordId: idSchema.optional(),
    })
    .superRefine((a, ctx) => {
      if (a.status === "refused" && a.refusalReason === undefined)
        addCatalogIssue(ctx, "appointment_refusal_reason_required", {}, ["refusalReason"]);
      if (a.status === "cancelled" && a.cancellation === undefined)
        addCatalogIssue(ctx, "appointment_cancellation_required", {}, ["cancellation"]);
    }),
);
/** An appointment. */
export type Appointment = z.infer<typeof appointmentSchema>;
/** An appointment as a caller writes it (defaults not yet applied). */
export type AppointmentInput = z.input<typeof appointmentSchema>;

/** What a new appointment needs: everything but the status, history and version. */
export const newAppointmentSchema = z.strictObject({
  id: idSchema,
  schoolId: idSchema,
  studentId: idSchema,
  teacherId: idSchema,
  companionIds: withLabel(z.array(idSchema).max(5).default([]), { "zh-CN": "同行教师", en: "Companion teachers" }),
  obligationId: withLabel(obligationIdSchema.optional(), { "zh-CN": "对应的家访任务", en: "Visit obligation" }),
  kind: visitKindSchema,
  channel: withLabel(withSensitivity(appointmentChannelSchema.clone(), "sensitive").default({ type: "in_home" }), {
    "zh-CN": "家访方式",
    en: "Channel",
  }),
  start: appointmentInstantSchema,
  durationMinutes: withLabel(appointmentDurationSchema.default(60), {
    "zh-CN": "预计时长（分钟）",
    en: "Duration (minutes)",
  }),
  location: withLabel(appointmentLocationSchema.optional(), { "zh-CN": "家访地点", en: "Location" }),
  locationDetail: withLabel(withSensitivity(shortTextSchema.min(1).optional(), "sensitive"), {
    "zh-CN": "详细地点",
    en: "Location detail",
  }),
  rrule: withLabel(appointmentRruleSchema.optional(), { "zh-CN": "重复规则", en: "Repeat rule" }),
  reason: withLabel(withSensitivity(shortTextSchema.min(1).optional(), "sensitive"), { "zh-CN": "原因", en: "Reason" }),
});
/** What a new appointment needs. */
export type NewAppointment = z.input<typeof newAppointmentSchema>;

/**
 * Creates a proposed appointment: status `proposed`, version 1, no history. The channel defaults
 * to `in_home` (R5: home visits first) and the duration to 60 minutes. Throws a
 * `validation_failed` {@link HomevisitError} for bad input.
 *
 * @example
 * ```ts
 * proposeAppointment({
 *   id: "ap-1", schoolId: "sch-1", studentId: "stu-1", teacherId: "t-1",
 *   kind: "universal", start: "2026-10-12T18:30:00+08:00",
 * });
 * // { ..., channel: { type: "in_home" }, status: "proposed", durationMinutes: 60,
 * //   companionIds: [], history: [], version: 1 }
 * ```
 */
export function proposeAppointment(input: NewAppointment): Appointment {
  const parsed = parseInput(newAppointmentSchema, input);
  return parseInput(appointmentSchema, { ...parsed, status: "proposed", history: [], version: 1 });
}

// The payload of each event. `at` and `by` are common; each event adds what it needs.
