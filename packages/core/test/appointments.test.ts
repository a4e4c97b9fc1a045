import {
  type Appointment,
  type AppointmentChannel,
  type AppointmentEvent,
  type AppointmentStatus,
  appointmentChannelTypes,
  appointmentEvents,
  appointmentRruleSchema,
  appointmentSchema,
  appointmentStatuses,
  appointmentTransitions,
  availableTransitions,
  countsAsRefusal,
  fieldSensitivities,
  HomevisitError,
  isListedTransition,
  isTerminal,
  needsMakeUp,
  proposeAppointment,
  safeParseInput,
  summariseAppointmentOutcomes,
  transitionAppointment,
} from "@homevisit/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { errorOf } from "./fixtures/errors.js";

const newInput = {
  id: "ap-1",
  schoolId: "sch-1",
  studentId: "stu-1",
  teacherId: "t-1",
  kind: "priority",
  start: "2026-10-12T18:30:00+08:00",
  location: { town: "碧湖镇", village: "大港头村" },
  locationDetail: "3 幢 201 室",
} as const;
const base = proposeAppointment(newInput);

function withState(status: AppointmentStatus, channel: AppointmentChannel = { type: "in_home" }): Appointment {
  const a: Appointment = { ...base, status, channel };
  if (status === "refused") a.refusalReason = "不愿接待";
  if (status === "cancelled") a.cancellation = { by: "staff", reason: "教研活动", makeUpRequired: true };
  return a;
}

const at = "2026-10-10T12:00:00+08:00";
function payloadFor(event: AppointmentEvent): Record<string, unknown> {
  const common = { at, by: "t-1" };
  switch (event) {
    case "reschedule":
      return { ...common, start: "2026-10-14T19:00:00+08:00", durationMinutes: 45 };
    case "propose_venue":
      return { ...common, venue: "村文化礼堂", reason: "家中正在装修" };
    case "refuse":
      return { ...common, reason: "家长不愿接待" };
    case "cancel":
      return { ...common, cancelledBy: "staff", reason: "临时教研活动" };
    default:
      return common;
  }
}

function transition(a: Appointment, event: AppointmentEvent, payload = payloadFor(event)): Appointment {
  // The payload type depends on the event; the tests drive every event through one helper.
  return transitionAppointment(a, event, payload as never);
}

// The graph as documented in appointments.ts and docs/guides/appointments.md, written out
// independently: [from, event, to, channels that may take it].
const inPerson = ["in_home", "alternative_venue"];
const noTravel = ["phone", "video", "at_school"];
const all = [...appointmentChannelTypes];
const documentedGraph: [AppointmentStatus, AppointmentEvent, AppointmentStatus, string[]][] = [
  ["proposed", "contact", "contacted", all],
  ["contacted", "confirm", "confirmed", all],
  ["rescheduled", "confirm", "confirmed", all],
  ["contacted", "reschedule", "rescheduled", all],
  ["confirmed", "reschedule", "rescheduled", all],
  ["rescheduled", "reschedule", "rescheduled", all],
  ["contacted", "decline_home", "declined_home", ["in_home"]],
  ["confirmed", "decline_home", "declined_home", ["in_home"]],
  ["rescheduled", "decline_home", "declined_home", ["in_home"]],
  ["declined_home", "propose_venue", "confirmed", all],
  ["contacted", "refuse", "refused", all],
  ["confirmed", "refuse", "refused", all],
  ["rescheduled", "refuse", "refused", all],
  ["declined_home", "refuse", "refused", all],
  ["confirmed", "depart", "departed", inPerson],
  ["departed", "complete", "completed", all],
  ["confirmed", "complete", "completed", noTravel],
  ["confirmed", "miss", "missed", all],
  ["departed", "miss", "missed", all],
  ["proposed", "cancel", "cancelled", all],
  ["contacted", "cancel", "cancelled", all],
  ["confirmed", "cancel", "cancelled", all],
  ["rescheduled", "cancel", "cancelled", all],
  ["declined_home", "cancel", "cancelled", all],
  ["departed", "cancel", "cancelled", all],
];

function channelOf(type: string): AppointmentChannel {
  return type === "alternative_venue"
    ? { type: "alternative_venue", venue: "村委会", reason: "家中有病人" }
    : ({ type } as AppointmentChannel);
}

describe("proposeAppointment and the schema", () => {
  it("creates a proposed in-home appointment at version 1", () => {
    expect(base).toMatchObject({
      status: "proposed",
      version: 1,
      history: [],
      companionIds: [],
      channel: { type: "in_home" },
      durationMinutes: 60,
    });
  });

  it("insists on China Standard Time for the start", () => {
    const error = errorOf(() => proposeAppointment({ ...newInput, start: "2026-10-12T10:30:00Z" }));
    expect(error.code).toBe("validation_failed");
    expect(error.issues.map((i) => [i.path.join("."), i.code])).toEqual([["start", "appointment_start_offset"]]);
    expect(error.issues[0]?.message.en).toContain("+08:00");
  });

  it("requires the refusal reason, the cancellation and a venue reason", () => {
    const refused = safeParseInput(appointmentSchema, { ...base, status: "refused" });
    expect(refused.success ? [] : refused.error.issues.map((i) => i.code)).toEqual([
      "appointment_refusal_reason_required",
    ]);
    const cancelled = safeParseInput(appointmentSchema, { ...base, status: "cancelled" });
    expect(cancelled.success ? [] : cancelled.error.issues.map((i) => i.code)).toEqual([
      "appointment_cancellation_required",
    ]);
    const venue = safeParseInput(appointmentSchema, {
      ...base,
      channel: { type: "alternative_venue", venue: "村委会", reason: "  " },
    });
    expect(venue.success ? [] : venue.error.issues.map((i) => [i.path.join("."), i.code])).toEqual([
      ["channel.reason", "alternative_venue_reason_required"],
    ]);
  });

  it("marks the fields that carry personal or sensitive data", () => {
    const classes = fieldSensitivities(appointmentSchema);
    expect({
      channel: classes.channel,
      locationDetail: classes.locationDetail,
      refusalReason: classes.refusalReason,
      cancellation: classes.cancellation,
      history: classes.history,
      location: classes.location,
      start: classes.start,
    }).toEqual({
      channel: "sensitive",
      locationDetail: "sensitive",
      refusalReason: "sensitive",
      cancellation: "sensitive",
      history: "sensitive",
      location: "internal",
      start: "internal",
    });
  });

  it("rejects unknown keys", () => {
    const result = safeParseInput(appointmentSchema, { ...base, isAdmin: true });
    expect(result.success).toBe(false);
  });

  it.each([
    ["FREQ=WEEKLY", "unbounded"],
    ["FREQ=WEEKLY;COUNT=8;UNTIL=20270115", "count_and_until"],
    ["FREQ=WEEKLY;COUNT=8;TZID=Asia/Shanghai", "characters"],
    ["FREQ=WEEKLY;TZID=UTC;COUNT=8", "tzid"],
    ["FREQ=WEEKLY;UNTIL=20270115T000000Z", "until"],
    ["FREQ=HOURLY;COUNT=3", "freq"],
    ["FREQ=WEEKLY;COUNT=500", "count"],
    ["FREQ=WEEKLY;COUNT=0", "count"],
    ["FREQ=WEEKLY;COUNT=8\r\nATTENDEE:x", "characters"],
    ["FREQ=WEEKLY;COUNT=8;FOO=1", "unknown_part"],
    ["FREQ=WEEKLY;COUNT=8;COUNT=9", "duplicate_part"],
    ["FREQ=WEEKLY;;COUNT=8", "syntax"],
  ])("rejects the rule %j (%s)", (rule, problem) => {
    const result = safeParseInput(appointmentRruleSchema, rule);
    expect(result.success).toBe(false);
    if (!result.success) {
      expect(result.error.issues[0]?.code).toBe("appointment_rrule_invalid");
      expect(result.error.issues[0]?.message.en).toBe(`The recurrence rule is invalid: ${problem}`);
    }
  });

  it("accepts bounded floating rules and drops the RRULE: prefix and a DTSTART line", () => {
    expect(appointmentRruleSchema.parse("RRULE:FREQ=WEEKLY;BYDAY=WE;COUNT=8")).toBe("FREQ=WEEKLY;BYDAY=WE;COUNT=8");
    expect(appointmentRruleSchema.parse("DTSTART:20260902\nRRULE:FREQ=WEEKLY;INTERVAL=2;UNTIL=20270115")).toBe(
      "FREQ=WEEKLY;INTERVAL=2;UNTIL=20270115",
    );
    expect(appointmentRruleSchema.parse("FREQ=MONTHLY;BYMONTHDAY=1;UNTIL=20270630T235959")).toBe(
      "FREQ=MONTHLY;BYMONTHDAY=1;UNTIL=20270630T235959",
    );
  });
});

describe("the transition table", () => {
  it("is exactly the documented graph", () => {
    const fromTable = appointmentTransitions.flatMap((rule) =>
      rule.from.map((from) => [from, rule.event, rule.to, [...(rule.channels ?? appointmentChannelTypes)]]),
    );
    const key = (row: readonly unknown[]) => JSON.stringify(row);
    expect(fromTable.map(key).sort()).toEqual(documentedGraph.map(key).sort());
  });

  it("has no exit from a terminal status and an exit from every other one", () => {
    for (const status of appointmentStatuses) {
      const exits = appointmentEvents.filter((e) => isListedTransition(status, e));
      expect(exits.length === 0, status).toBe(isTerminal(status));
    }
    expect(appointmentStatuses.filter(isTerminal)).toEqual(["refused", "completed", "missed", "cancelled"]);
  });
});

describe("every legal transition", () => {
  const cases = documentedGraph.flatMap(([from, event, to, channels]) =>
    channels.map((channel) => [from, event, to, channel] as const),
  );

  it.each(cases)("%s --%s--> %s (%s)", (from, event, to, channelType) => {
    const before = withState(from, channelOf(channelType));
    const snapshot = structuredClone(before);
    const after = transition(before, event);

    expect(before).toEqual(snapshot);
    expect(after).not.toBe(before);
    expect(after.status).toBe(to);
    expect(after.version).toBe(before.version + 1);
    expect(after.history).toEqual([{ event, from, to, at, by: "t-1" }]);
    expect(availableTransitions(before).map((t) => t.event)).toContain(event);
    // The result is a valid appointment.
    expect(safeParseInput(appointmentSchema, after).success).toBe(true);

    if (event === "reschedule") expect([after.start, after.durationMinutes]).toEqual(["2026-10-14T19:00:00+08:00", 45]);
    else expect([after.start, after.durationMinutes]).toEqual([before.start, before.durationMinutes]);
    if (event === "propose_venue") {
      expect(after.channel).toEqual({ type: "alternative_venue", venue: "村文化礼堂", reason: "家中正在装修" });
      expect(after.locationDetail).toBeUndefined();
    } else {
      expect(after.channel).toEqual(before.channel);
    }
    if (event === "refuse") expect(after.refusalReason).toBe("家长不愿接待");
    if (event === "cancel") {
      expect(after.cancellation).toEqual({ by: "staff", reason: "临时教研活动", makeUpRequired: true });
    }
  });

  it("walks R12's alternative-venue path end to end", () => {
    let a = base;
    a = transition(a, "contact", { at: "2026-10-08T12:05:00+08:00", by: "t-1", note: "奶奶接的电话" });
    a = transition(a, "decline_home", { at: "2026-10-08T12:06:00+08:00", by: "t-1" });
    expect(availableTransitions(a).map((t) => t.event)).toEqual(["propose_venue", "refuse", "cancel"]);
    a = transition(a, "propose_venue", {
      at: "2026-10-08T12:07:00+08:00",
      by: "t-1",
      venue: "村文化礼堂",
      reason: "家中有老人卧病",
      start: "2026-10-13T18:00:00+08:00",
      location: { town: "碧湖镇", village: "平一村" },
    });
    expect(a).toMatchObject({
      status: "confirmed",
      start: "2026-10-13T18:00:00+08:00",
      location: { town: "碧湖镇", village: "平一村" },
      channel: { type: "alternative_venue", venue: "村文化礼堂", reason: "家中有老人卧病" },
    });
    a = transition(a, "depart", { at: "2026-10-13T17:20:00+08:00", by: "t-1" });
    a = transition(a, "complete", { at: "2026-10-13T19:10:00+08:00", by: "t-1" });
    expect(a.status).toBe("completed");
    expect(a.version).toBe(6);
    expect(a.history.map((h) => `${h.from}>${h.to}`)).toEqual([
      "proposed>contacted",
      "contacted>declined_home",
      "declined_home>confirmed",
      "confirmed>departed",
      "departed>completed",
    ]);
    expect(a.history[0]?.note).toBe("奶奶接的电话");
    expect(availableTransitions(a)).toEqual([]);
  });

  it("confirms a different time agreed on the phone, and a rescheduled one again", () => {
    let a = transition(withState("contacted"), "confirm", { at, by: "t-1", start: "2026-10-12T19:30:00+08:00" });
    expect([a.status, a.start]).toEqual(["confirmed", "2026-10-12T19:30:00+08:00"]);
    a = transition(a, "reschedule", { at, by: "t-1", start: "2026-10-20T19:30:00+08:00" });
    a = transition(a, "reschedule", { at, by: "t-1", start: "2026-10-21T19:30:00+08:00", durationMinutes: 30 });
    a = transition(a, "confirm");
    expect([a.status, a.start, a.durationMinutes, a.version]).toEqual([
      "confirmed",
      "2026-10-21T19:30:00+08:00",
      30,
      5,
    ]);
  });

  it("notes family cancellations and makes staff cancellations up, unless told otherwise", () => {
    const family = transition(withState("confirmed"), "cancel", {
      at,
      by: "t-1",
      cancelledBy: "family",
      reason: "外出",
    });
    expect(family.cancellation).toEqual({ by: "family", reason: "外出", makeUpRequired: false });
    expect(needsMakeUp(family)).toBe(false);
    const staff = transition(withState("departed"), "cancel", { at, by: "t-1", cancelledBy: "staff", reason: "暴雨" });
    expect(needsMakeUp(staff)).toBe(true);
    const retry = transition(withState("proposed"), "cancel", {
      at,
      by: "t-1",
      cancelledBy: "family",
      reason: "搬家",
      makeUpRequired: true,
    });
    expect(needsMakeUp(retry)).toBe(true);
  });
});

describe("illegal transitions", () => {
  const illegalPairs = appointmentStatuses.flatMap((from) =>
    appointmentEvents.filter((event) => !isListedTransition(from, event)).map((event) => [from, event] as const),
  );

  it("lists the pairs the documented graph leaves out", () => {
    const legal = new Set(documentedGraph.map(([from, event]) => `${from}/${event}`));
    expect(illegalPairs.length).toBe(appointmentStatuses.length * appointmentEvents.length - legal.size);
    expect(illegalPairs).toContainEqual(["proposed", "confirm"]);
    expect(illegalPairs).toContainEqual(["completed", "cancel"]);
  });

  it.each(illegalPairs)("%s cannot take %s", (from, event) => {
    const before = withState(from);
    const error = errorOf(() => transition(before, event));
    expect(error).toBeInstanceOf(HomevisitError);
    expect([error.code, error.status, error.params]).toEqual(["appointment_illegal_transition", 409, { from, event }]);
    expect(error.messageIn("en")).toBe(`An appointment in status ${from} cannot take the event ${event}`);
  });

  it("throws the typed error and leaves the input unchanged for any pair outside the table", () => {
    const channel = fc.constantFrom(...appointmentChannelTypes).map(channelOf);
    const pair = fc
      .tuple(fc.constantFrom(...appointmentStatuses), fc.constantFrom(...appointmentEvents))
      .filter(([from, event]) => !isListedTransition(from, event));
    // Any payload, well-formed or not: legality is decided before the payload is read.
    const payload = fc.oneof(
      fc.constantFrom(...appointmentEvents).map(payloadFor),
      fc.dictionary(fc.string(), fc.jsonValue()),
    );
    fc.assert(
      fc.property(pair, channel, payload, ([from, event], ch, body) => {
        const before = withState(from, ch);
        const snapshot = structuredClone(before);
        const error = errorOf(() => transitionAppointment(before, event, body as never));
        expect(error.code).toBe("appointment_illegal_transition");
        expect(error.params).toEqual({ from, event });
        expect(before).toEqual(snapshot);
      }),
      { numRuns: 500 },
    );
  });

  it("refuses events whose row exists for other channels only", () => {
    const cases: [AppointmentStatus, AppointmentEvent, string][] = [
      ["confirmed", "depart", "phone"],
      ["confirmed", "depart", "video"],
      ["confirmed", "depart", "at_school"],
      ["confirmed", "decline_home", "alternative_venue"],
      ["contacted", "decline_home", "phone"],
      ["confirmed", "complete", "in_home"],
      ["confirmed", "complete", "alternative_venue"],
    ];
    for (const [from, event, channelType] of cases) {
      const before = withState(from, channelOf(channelType));
      const error = errorOf(() => transition(before, event));
      expect([error.code, error.params]).toEqual(["appointment_wrong_channel", { channel: channelType, event }]);
      expect(availableTransitions(before).map((t) => t.event)).not.toContain(event);
    }
  });

  it("validates payloads and the order of transitions", () => {
    const refusal = errorOf(() => transition(withState("contacted"), "refuse", { at, by: "t-1" }));
    expect([refusal.code, refusal.issues.map((i) => i.path.join("."))]).toEqual(["validation_failed", ["reason"]]);
    const utc = errorOf(() =>
      transition(withState("confirmed"), "reschedule", { at, by: "t-1", start: "2026-10-14T11:00:00Z" }),
    );
    expect(utc.issues.map((i) => i.code)).toEqual(["appointment_start_offset"]);
    const extra = errorOf(() => transition(withState("proposed"), "contact", { at, by: "t-1", status: "completed" }));
    expect(extra.code).toBe("validation_failed");

    const contacted = transition(base, "contact", { at: "2026-10-08T12:05:00+08:00", by: "t-1" });
    // 04:04Z is 12:04 in Shanghai: one minute before the contact.
    const early = errorOf(() => transition(contacted, "confirm", { at: "2026-10-08T04:04:00Z", by: "t-1" }));
    expect(early.code).toBe("appointment_transition_out_of_order");
    expect(transition(contacted, "confirm", { at: "2026-10-08T04:05:00Z", by: "t-1" }).status).toBe("confirmed");
  });
});

describe("random walks through the machine", () => {
  it("keep every invariant", () => {
    const channel = fc.constantFrom(...appointmentChannelTypes).map(channelOf);
    fc.assert(
      fc.property(channel, fc.array(fc.nat(), { maxLength: 12 }), (ch, choices) => {
        let a: Appointment = { ...base, channel: ch };
        for (const choice of choices) {
          const options = availableTransitions(a);
          if (options.length === 0) break;
          const option = options[choice % options.length];
          if (!option) break;
          a = transition(a, option.event);
        }
        expect(a.version).toBe(1 + a.history.length);
        a.history.forEach((h, i) => {
          expect(h.from).toBe(i === 0 ? "proposed" : a.history[i - 1]?.to);
          expect(isListedTransition(h.from, h.event)).toBe(true);
        });
        expect(a.status).toBe(a.history.at(-1)?.to ?? "proposed");
        expect(safeParseInput(appointmentSchema, a).success).toBe(true);
        expect(availableTransitions(a).length === 0).toBe(isTerminal(a.status));
        // R12: nothing is confirmed without a phone contact first.
        const confirmedAt = a.history.findIndex((h) => h.to === "confirmed");
        if (confirmedAt >= 0) expect(a.history.slice(0, confirmedAt).some((h) => h.event === "contact")).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

describe("availableTransitions", () => {
  it("offers the actions of a status and channel with their labels", () => {
    expect(availableTransitions(withState("confirmed", { type: "phone" })).map((t) => t.event)).toEqual([
      "reschedule",
      "refuse",
      "complete",
      "miss",
      "cancel",
    ]);
    const home = availableTransitions(withState("confirmed"));
    expect(home.map((t) => t.event)).toEqual(["reschedule", "decline_home", "refuse", "depart", "miss", "cancel"]);
    expect(home.find((t) => t.event === "depart")).toEqual({
      event: "depart",
      to: "departed",
      requires: [],
      label: { "zh-CN": "出发", en: "Depart" },
    });
    expect(availableTransitions(withState("proposed")).map((t) => t.event)).toEqual(["contact", "cancel"]);
    expect(availableTransitions(withState("missed"))).toEqual([]);
  });
});

describe("outcomes", () => {
  it("counts refusals apart and makes up staff cancellations and missed visits", () => {
    const list: Appointment[] = [
      withState("completed"),
      withState("completed", { type: "phone" }),
      withState("completed", channelOf("alternative_venue")),
      withState("refused"),
      withState("missed"),
      withState("cancelled"),
      { ...withState("cancelled"), cancellation: { by: "family", reason: "外出", makeUpRequired: false } },
      withState("proposed"),
      withState("declined_home"),
    ];
    const summary = summariseAppointmentOutcomes(list);
    expect(summary).toMatchObject({
      total: 9,
      open: 2,
      completed: 3,
      completedAtAlternativeVenue: 1,
      refused: 1,
      missed: 1,
      cancelledByStaff: 1,
      cancelledByFamily: 1,
      needingMakeUp: 2,
      completionRate: 3 / 5,
    });
    expect(summary.completedByChannel).toEqual({ in_home: 1, alternative_venue: 1, phone: 1, video: 0, at_school: 0 });
    expect(summary.byStatus.declined_home).toBe(1);
    expect(summariseAppointmentOutcomes([]).completionRate).toBeNull();
    expect(list.filter(countsAsRefusal)).toHaveLength(1);
    expect(countsAsRefusal(withState("declined_home"))).toBe(false);
  });
});
