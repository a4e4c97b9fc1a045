import * as z from "zod";
import { HomevisitError } from "../../shared/errors/homevisit-error.js";
import { parseInput } from "../../shared/errors/parse.js";
import { withLabel, withOptionLabels, withOwnLabel } from "../../shared/field-labels.js";
import type { LocalizedText } from "../../shared/i18n.js";
import { idSchema, instantSchema, noteSchema, shortTextSchema } from "../../shared/primitives.js";
import { withSensitivity } from "../../shared/sensitivity.js";
import {
  type Appointment,
  type AppointmentChannelType,
  type AppointmentEvent,
  type AppointmentHistoryEvent,
  type AppointmentLocation,
  type AppointmentStatus,
  type AppointmentTransitionRecord,
  appointmentChannelTypes,
  appointmentDurationSchema,
  appointmentEvents,
  appointmentInstantSchema,
  appointmentLocationSchema,
  appointmentStatuses,
  isTerminal,
} from "./schema.js";

/** Who cancelled an appointment, with its words: a staff cancellation owes the family a make-up. */
export const appointmentCancellerSchema = withOptionLabels(z.enum(["staff", "family"]), {
  staff: { "zh-CN": "学校", en: "The school" },
  family: { "zh-CN": "家庭", en: "The family" },
});

const transitionBase = {
  /** When it happened. */
  at: instantSchema,
  /** Who records it. */
  by: idSchema,
  /** What was said or seen. */
  note: withLabel(noteSchema.optional(), { "zh-CN": "备注", en: "Note" }),
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
    venue: withLabel(withSensitivity(shortTextSchema.min(1), "personal"), { "zh-CN": "约定场所", en: "Meeting place" }),
    reason: withLabel(withSensitivity(shortTextSchema.min(1), "sensitive"), {
      "zh-CN": "不入户的原因",
      en: "Why not at home",
    }),
    start: newTime.start.optional(),
    durationMinutes: newTime.durationMinutes,
    location: appointmentLocationSchema.optional(),
  }),
  refuse: z.strictObject({
    ...transitionBase,
    reason: withLabel(withSensitivity(shortTextSchema.min(1), "sensitive"), {
      "zh-CN": "家长拒绝的原因",
      en: "Why the family refused",
    }),
  }),
  depart: z.strictObject(transitionBase),
  complete: z.strictObject(transitionBase),
  miss: z.strictObject(transitionBase),
  cancel: z.strictObject({
    ...transitionBase,
    cancelledBy: withOwnLabel(appointmentCancellerSchema, { "zh-CN": "取消方", en: "Cancelled by" }),
    reason: withLabel(withSensitivity(shortTextSchema.min(1), "sensitive"), {
      "zh-CN": "取消原因",
      en: "Why cancelled",
    }),
    /** Defaults to true when staff cancel and false when the family does. */
    makeUpRequired: withLabel(z.boolean().optional(), { "zh-CN": "须补访", en: "Make-up visit needed" }),
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

/** An appointment event, with the words of its buttons. */
export const appointmentEventSchema = withOptionLabels(
  withLabel(z.enum(appointmentEvents), { "zh-CN": "预约事件", en: "Event" }),
  appointmentEventLabels,
);

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
 * isListedTransition("completed", "reopen"); // false: only an amended record reopens
 * ```
 */
export function isListedTransition(from: AppointmentStatus, event: AppointmentHistoryEvent): boolean {
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
