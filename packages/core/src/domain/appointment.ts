import * as z from "zod";
import { compiledSchema } from "../shared/compiled.js";
import { HomevisitError } from "../shared/errors/homevisit-error.js";
import { addCatalogIssue, parseInput } from "../shared/errors/parse.js";
import type { LocalizedText } from "../shared/i18n.js";
import { idSchema, instantSchema, noteSchema, shortTextSchema } from "../shared/primitives.js";
import { withSensitivity } from "../shared/sensitivity.js";
import { visitKindSchema } from "./planning.js";

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
/** The status of an appointment. */
export const appointmentStatusSchema = z.enum(appointmentStatuses);
/** The status of an appointment. */
export type AppointmentStatus = z.infer<typeof appointmentStatusSchema>;

/** The label of each status. */
export const appointmentStatusLabels: Readonly<Record<AppointmentStatus, LocalizedText>> = {
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

/** The statuses an appointment never leaves. */
export const terminalAppointmentStatuses: readonly AppointmentStatus[] = [
  "refused",
  "completed",
  "missed",
  "cancelled",
];

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

/**
 * How the visit takes place. An alternative venue (R12) names the place and why the home did
 * not suit the family: the place may identify relatives (personal), the reason is about the
 * family's circumstances (sensitive).
 */
export const appointmentChannelSchema = z
  .discriminatedUnion("type", [
    z.strictObject({ type: z.literal("in_home") }),
    z.strictObject({
      type: z.literal("alternative_venue"),
      venue: withSensitivity(shortTextSchema.min(1), "personal"),
      // Not min(1): an empty reason gets the catalog's own message below.
      reason: withSensitivity(shortTextSchema.max(200), "sensitive"),
    }),
    z.strictObject({ type: z.literal("phone") }),
    z.strictObject({ type: z.literal("video") }),
    z.strictObject({ type: z.literal("at_school") }),
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
export const appointmentInstantSchema = instantSchema.superRefine((value, ctx) => {
  // Only a well-formed instant with another offset: a malformed one already has its issue.
  if (/(Z|[+-]\d{2}:\d{2})$/.test(value) && !value.endsWith("+08:00")) addCatalogIssue(ctx, "appointment_start_offset");
});

/** How long a visit may be planned for, in minutes. */
export const appointmentDurationSchema = z.int().min(5).max(720);

/** Where the visit is, to the town and village only; lists and calendars show no more (RELIABILITY.md 3). */
export const appointmentLocationSchema = z.strictObject({
  /** County or district name. */
  county: shortTextSchema.min(1).optional(),
  /** Town or subdistrict (乡镇/街道). */
  town: shortTextSchema.min(1),
  /** Village or residential community (村/社区). */
  village: shortTextSchema.min(1).optional(),
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
/** An appointment event. */
export const appointmentEventSchema = z.enum(appointmentEvents);
/** An appointment event. */
export type AppointmentEvent = z.infer<typeof appointmentEventSchema>;

/** One transition in an appointment's history. */
export const appointmentTransitionRecordSchema = z.strictObject({
  event: appointmentEventSchema,
  from: appointmentStatusSchema,
  to: appointmentStatusSchema,
  at: instantSchema,
  /** Who recorded it: a teacher or staff id. */
  by: idSchema,
  /** What was said or seen; free text about a family is sensitive. */
  note: noteSchema.optional(),
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
  companionIds: z.array(idSchema).max(5).default([]),
  obligationId: obligationIdSchema.optional(),
  kind: visitKindSchema,
  channel: withSensitivity(appointmentChannelSchema.clone(), "sensitive").default({ type: "in_home" }),
  start: appointmentInstantSchema,
  durationMinutes: appointmentDurationSchema.default(60),
  location: appointmentLocationSchema.optional(),
  locationDetail: withSensitivity(shortTextSchema.min(1).optional(), "sensitive"),
  rrule: appointmentRruleSchema.optional(),
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
const transitionBase = {
  /** When it happened. */
  at: instantSchema,
  /** Who records it. */
  by: idSchema,
  /** What was said or seen. */
  note: noteSchema.optional(),
};
const newTime = {
  start: appointmentInstantSchema,
  durationMinutes: appointmentDurationSchema.optional(),
};

/** The payload each event takes, validated at runtime. */
export const appointmentTransitionInputSchemas = {
  contact: z.strictObject(transitionBase),
  /** A different time may be agreed on the phone. */
  confirm: z.strictObject({ ...transitionBase, ...newTime, start: newTime.start.optional() }),
  reschedule: z.strictObject({ ...transitionBase, ...newTime }),
  decline_home: z.strictObject(transitionBase),
  propose_venue: z.strictObject({
    ...transitionBase,
    venue: withSensitivity(shortTextSchema.min(1), "personal"),
    reason: withSensitivity(shortTextSchema.min(1), "sensitive"),
    start: newTime.start.optional(),
    durationMinutes: newTime.durationMinutes,
    location: appointmentLocationSchema.optional(),
  }),
  refuse: z.strictObject({ ...transitionBase, reason: withSensitivity(shortTextSchema.min(1), "sensitive") }),
  depart: z.strictObject(transitionBase),
  complete: z.strictObject(transitionBase),
  miss: z.strictObject(transitionBase),
  cancel: z.strictObject({
    ...transitionBase,
    cancelledBy: z.enum(["staff", "family"]),
    reason: withSensitivity(shortTextSchema.min(1), "sensitive"),
    /** Defaults to true when staff cancel and false when the family does. */
    makeUpRequired: z.boolean().optional(),
  }),
} as const satisfies Record<AppointmentEvent, z.ZodType>;

/** The payload of an event, as a caller writes it. */
export type AppointmentTransitionInput<E extends AppointmentEvent> = z.input<
  (typeof appointmentTransitionInputSchemas)[E]
>;

/** One row of the transition table. */
export interface AppointmentTransitionRule {
  event: AppointmentEvent;
  /** The statuses the event may leave. */
  from: readonly AppointmentStatus[];
  to: AppointmentStatus;
  /** When set, only appointments of these channels may take the event from these statuses. */
  channels?: readonly AppointmentChannelType[];
  /** The payload fields the event requires besides `at` and `by`. */
  requires: readonly string[];
  /** The action's label, for buttons. */
  label: LocalizedText;
}

const inPerson: readonly AppointmentChannelType[] = ["in_home", "alternative_venue"];
const noTravel: readonly AppointmentChannelType[] = ["phone", "video", "at_school"];

/**
 * The appointment state machine as data. Every (status, event) pair not listed is illegal.
 *
 * | event | from | to | channels | payload |
 * | --- | --- | --- | --- | --- |
 * | `contact` 电话联系家长 | proposed | contacted | any | |
 * | `confirm` 确认时间 | contacted, rescheduled | confirmed | any | `start?`, `durationMinutes?` |
 * | `reschedule` 改期 | contacted, confirmed, rescheduled | rescheduled | any | `start`, `durationMinutes?` |
 * | `decline_home` 家长不便入户 | contacted, confirmed, rescheduled | declined_home | in_home | |
 * | `propose_venue` 约在其他场所 | declined_home | confirmed (channel becomes alternative_venue) | any | `venue`, `reason`, `start?`, `location?` |
 * | `refuse` 家长拒绝家访 | contacted, confirmed, rescheduled, declined_home | refused | any | `reason` |
 * | `depart` 出发 | confirmed | departed | in_home, alternative_venue | |
 * | `complete` 完成 | departed | completed | any | |
 * | `complete` 完成 | confirmed | completed | phone, video, at_school | |
 * | `miss` 未能见面 | confirmed, departed | missed | any | |
 * | `cancel` 取消 | proposed, contacted, confirmed, rescheduled, declined_home, departed | cancelled | any | `cancelledBy`, `reason`, `makeUpRequired?` |
 *
 * Why this graph: R12 asks for the time to be agreed by phone first, so nothing is confirmed
 * before `contact`; a family that cannot host is offered a venue (`declined_home` →
 * `propose_venue`), and is not a refusal; a refusal needs the family to have been reached and
 * is counted apart in reports. `depart` marks the teacher leaving for an in-person visit: it is
 * the moment the pre-visit safety report (R14: whom, where, how long) is expected, so remote and
 * at-school meetings skip it and complete from `confirmed`. A teacher who turns back after
 * departing cancels (by staff, so the visit is made up). Terminal: refused, completed, missed,
 * cancelled.
 */
export const appointmentTransitions: readonly AppointmentTransitionRule[] = [
  {
    event: "contact",
    from: ["proposed"],
    to: "contacted",
    requires: [],
    label: { "zh-CN": "电话联系家长", en: "Phone the family" },
  },
  {
    event: "confirm",
    from: ["contacted", "rescheduled"],
    to: "confirmed",
    requires: [],
    label: { "zh-CN": "确认时间", en: "Confirm the time" },
  },
  {
    event: "reschedule",
    from: ["contacted", "confirmed", "rescheduled"],
    to: "rescheduled",
    requires: ["start"],
    label: { "zh-CN": "改期", en: "Reschedule" },
  },
  {
    event: "decline_home",
    from: ["contacted", "confirmed", "rescheduled"],
    to: "declined_home",
    channels: ["in_home"],
    requires: [],
    label: { "zh-CN": "家长不便入户", en: "Family cannot host a home visit" },
  },
  {
    event: "propose_venue",
    from: ["declined_home"],
    to: "confirmed",
    requires: ["venue", "reason"],
    label: { "zh-CN": "约在其他场所", en: "Meet at another place" },
  },
  {
    event: "refuse",
    from: ["contacted", "confirmed", "rescheduled", "declined_home"],
    to: "refused",
    requires: ["reason"],
    label: { "zh-CN": "家长拒绝家访", en: "Family refuses the visit" },
  },
  {
    event: "depart",
    from: ["confirmed"],
    to: "departed",
    channels: inPerson,
    requires: [],
    label: { "zh-CN": "出发", en: "Depart" },
  },
  {
    event: "complete",
    from: ["departed"],
    to: "completed",
    requires: [],
    label: { "zh-CN": "完成家访", en: "Complete" },
  },
  {
    event: "complete",
    from: ["confirmed"],
    to: "completed",
    channels: noTravel,
    requires: [],
    label: { "zh-CN": "完成家访", en: "Complete" },
  },
  {
    event: "miss",
    from: ["confirmed", "departed"],
    to: "missed",
    requires: [],
    label: { "zh-CN": "未能见面", en: "Mark as missed" },
  },
  {
    event: "cancel",
    from: ["proposed", "contacted", "confirmed", "rescheduled", "declined_home", "departed"],
    to: "cancelled",
    requires: ["cancelledBy", "reason"],
    label: { "zh-CN": "取消", en: "Cancel" },
  },
];

/** The label of each event (the first rule's label where an event has several rows). */
export const appointmentEventLabels: Readonly<Record<AppointmentEvent, LocalizedText>> = Object.fromEntries(
  appointmentEvents.map((event) => [event, appointmentTransitions.find((r) => r.event === event)?.label]),
) as Record<AppointmentEvent, LocalizedText>;

/** An action an appointment can take now, for rendering buttons. */
export interface AvailableAppointmentTransition {
  event: AppointmentEvent;
  to: AppointmentStatus;
  requires: readonly string[];
  label: LocalizedText;
}

/**
 * The events an appointment can take in its status and channel, in table order, one per event.
 * Empty for a terminal status.
 *
 * @example
 * ```ts
 * availableTransitions({ ...appointment, status: "confirmed", channel: { type: "phone" } })
 *   .map((t) => t.event);
 * // ["reschedule", "refuse", "complete", "miss", "cancel"]
 * ```
 */
export function availableTransitions(
  appointment: Pick<Appointment, "status" | "channel">,
): AvailableAppointmentTransition[] {
  const out: AvailableAppointmentTransition[] = [];
  for (const rule of appointmentTransitions) {
    if (!rule.from.includes(appointment.status)) continue;
    if (rule.channels !== undefined && !rule.channels.includes(appointment.channel.type)) continue;
    if (out.some((t) => t.event === rule.event)) continue;
    out.push({ event: rule.event, to: rule.to, requires: rule.requires, label: rule.label });
  }
  return out;
}

/**
 * Whether the table has a row for an event from a status, whatever the channel.
 *
 * @example
 * ```ts
 * isListedTransition("proposed", "confirm"); // false: R12 asks to phone the family first
 * isListedTransition("contacted", "confirm"); // true
 * ```
 */
export function isListedTransition(from: AppointmentStatus, event: AppointmentEvent): boolean {
  return appointmentTransitions.some((r) => r.event === event && r.from.includes(from));
}

/**
 * Moves an appointment through an event and returns a new appointment: the status changed, the
 * version plus one, the transition appended to the history, and the event's payload applied (a
 * new time, the alternative venue, the refusal reason, the cancellation). The input is never
 * modified.
 *
 * Throws a {@link HomevisitError}: `appointment_illegal_transition` (params `from`, `event`) when
 * the table has no row for the event from the status; `appointment_wrong_channel` when the row
 * exists but not for the appointment's channel (a phone call cannot `depart`);
 * `validation_failed` for a bad payload; `appointment_transition_out_of_order` when `at` is
 * before the last recorded transition.
 *
 * @example
 * ```ts
 * const contacted = transitionAppointment(proposed, "contact", { at: "2026-10-08T12:05:00+08:00", by: "t-1" });
 * // { ...proposed, status: "contacted", version: 2,
 * //   history: [{ event: "contact", from: "proposed", to: "contacted", at: "2026-10-08T12:05:00+08:00", by: "t-1" }] }
 * transitionAppointment(contacted, "complete", { at: "2026-10-09T20:00:00+08:00", by: "t-1" });
 * // throws HomevisitError { code: "appointment_illegal_transition", params: { from: "contacted", event: "complete" } }
 * ```
 */
export function transitionAppointment<E extends AppointmentEvent>(
  appointment: Appointment,
  event: E,
  input: AppointmentTransitionInput<E>,
): Appointment {
  const from = appointment.status;
  const rows = appointmentTransitions.filter((r) => r.event === event && r.from.includes(from));
  if (rows.length === 0) {
    throw new HomevisitError("appointment_illegal_transition", { params: { from, event } });
  }
  const rule = rows.find((r) => r.channels === undefined || r.channels.includes(appointment.channel.type));
  if (rule === undefined) {
    throw new HomevisitError("appointment_wrong_channel", { params: { channel: appointment.channel.type, event } });
  }
  const schema = appointmentTransitionInputSchemas[event] as z.ZodType;
  const payload = parseInput(schema, input) as Record<string, unknown> & { at: string; by: string; note?: string };
  const last = appointment.history[appointment.history.length - 1];
  if (last !== undefined && Date.parse(payload.at) < Date.parse(last.at)) {
    throw new HomevisitError("appointment_transition_out_of_order", { path: ["at"] });
  }

  const record: AppointmentTransitionRecord = {
    event,
    from,
    to: rule.to,
    at: payload.at,
    by: payload.by,
    ...(payload.note === undefined ? {} : { note: payload.note }),
  };
  const next: Appointment = {
    ...appointment,
    companionIds: [...appointment.companionIds],
    status: rule.to,
    history: [...appointment.history, record],
    version: appointment.version + 1,
  };
  if (typeof payload.start === "string") next.start = payload.start;
  if (typeof payload.durationMinutes === "number") next.durationMinutes = payload.durationMinutes;
  if (event === "propose_venue") {
    next.channel = { type: "alternative_venue", venue: String(payload.venue), reason: String(payload.reason) };
    if (payload.location !== undefined) next.location = payload.location as AppointmentLocation;
    // The home's street detail does not describe the venue.
    delete next.locationDetail;
  }
  if (event === "refuse") next.refusalReason = String(payload.reason);
  if (event === "cancel") {
    const by = payload.cancelledBy as "staff" | "family";
    next.cancellation = {
      by,
      reason: String(payload.reason),
      makeUpRequired: typeof payload.makeUpRequired === "boolean" ? payload.makeUpRequired : by === "staff",
    };
  }
  return next;
}

/**
 * Whether an appointment leaves its visit still to be made: cancelled with `makeUpRequired`
 * (staff cancellations by default), or missed. A refusal is not made up: it is counted apart.
 *
 * @example
 * ```ts
 * needsMakeUp({ status: "cancelled", cancellation: { by: "staff", reason: "教研活动", makeUpRequired: true } }); // true
 * needsMakeUp({ status: "refused" }); // false
 * ```
 */
export function needsMakeUp(appointment: Pick<Appointment, "status" | "cancellation">): boolean {
  if (appointment.status === "missed") return true;
  return appointment.status === "cancelled" && appointment.cancellation?.makeUpRequired === true;
}

/**
 * Whether an appointment counts as a refusal in reports: the family refused the visit. A family
 * that only declined a home visit and met elsewhere is not a refusal.
 *
 * @example
 * ```ts
 * countsAsRefusal({ status: "refused" }); // true
 * countsAsRefusal({ status: "declined_home" }); // false
 * ```
 */
export function countsAsRefusal(appointment: Pick<Appointment, "status">): boolean {
  return appointment.status === "refused";
}

/** The outcome counts of a set of appointments, see {@link summariseAppointmentOutcomes}. */
export interface AppointmentOutcomeSummary {
  total: number;
  byStatus: Record<AppointmentStatus, number>;
  /** Not yet in a terminal status. */
  open: number;
  completed: number;
  /** Completed appointments by channel: other channels are recorded as such (R5). */
  completedByChannel: Record<AppointmentChannelType, number>;
  /** Completed at an alternative venue after the family declined a home visit (R12). */
  completedAtAlternativeVenue: number;
  /** Refusals, counted apart: they are not the school's failure. */
  refused: number;
  missed: number;
  cancelledByStaff: number;
  cancelledByFamily: number;
  /** Missed, or cancelled with a make-up required. */
  needingMakeUp: number;
  /**
   * completed / (completed + missed + cancelled by staff), or null when that is 0. Refusals,
   * family cancellations and open appointments do not count either way.
   */
  completionRate: number | null;
}

/**
 * Counts the outcomes of appointments for reports: by status, completions by channel, refusals
 * apart, staff and family cancellations apart, and the visits still to be made up.
 *
 * @example
 * ```ts
 * summariseAppointmentOutcomes([completedAtHome, refused, cancelledByStaff, proposed]);
 * // { total: 4, open: 1, completed: 1, refused: 1, cancelledByStaff: 1, cancelledByFamily: 0,
 * //   needingMakeUp: 1, completionRate: 0.5, completedByChannel: { in_home: 1, ... }, ... }
 * ```
 */
export function summariseAppointmentOutcomes(
  appointments: readonly Pick<Appointment, "status" | "channel" | "cancellation">[],
): AppointmentOutcomeSummary {
  const byStatus = Object.fromEntries(appointmentStatuses.map((s) => [s, 0])) as Record<AppointmentStatus, number>;
  const completedByChannel = Object.fromEntries(appointmentChannelTypes.map((c) => [c, 0])) as Record<
    AppointmentChannelType,
    number
  >;
  let open = 0;
  let cancelledByStaff = 0;
  let cancelledByFamily = 0;
  let needingMakeUp = 0;
  for (const a of appointments) {
    byStatus[a.status] += 1;
    if (!isTerminal(a.status)) open += 1;
    if (a.status === "completed") completedByChannel[a.channel.type] += 1;
    if (a.status === "cancelled") {
      if (a.cancellation?.by === "family") cancelledByFamily += 1;
      else cancelledByStaff += 1;
    }
    if (needsMakeUp(a)) needingMakeUp += 1;
  }
  const completed = byStatus.completed;
  const accountable = completed + byStatus.missed + cancelledByStaff;
  return {
    total: appointments.length,
    byStatus,
    open,
    completed,
    completedByChannel,
    completedAtAlternativeVenue: completedByChannel.alternative_venue,
    refused: byStatus.refused,
    missed: byStatus.missed,
    cancelledByStaff,
    cancelledByFamily,
    needingMakeUp,
    completionRate: accountable === 0 ? null : completed / accountable,
  };
}
