import {
  type Appointment,
  type AppointmentICalendarOptions,
  appointmentsToICalendar,
  escapeICalText,
  foldICalLine,
  isHomevisitError,
  proposeAppointment,
  transitionAppointment,
} from "@homevisit/core";
import fc from "fast-check";
import ICAL from "ical.js";
import { describe, expect, it } from "vitest";

// An independent reader: ical.js (Mozilla's parser) turns the feed back into values.
function parseFeed(text: string) {
  const calendar = new ICAL.Component(ICAL.parse(text));
  for (const zone of calendar.getAllSubcomponents("vtimezone")) ICAL.TimezoneService.register(zone);
  const events = calendar.getAllSubcomponents("vevent").map((c) => new ICAL.Event(c));
  return { calendar, events };
}

function prop(event: ICAL.Event, name: string): unknown {
  const value = event.component.getFirstPropertyValue(name);
  return value === null || typeof value !== "object" ? value : String(value);
}

function occurrences(event: ICAL.Event, limit = 200): string[] {
  const iterator = event.iterator();
  const out: string[] = [];
  for (let next = iterator.next(); next && out.length < limit; next = iterator.next()) {
    out.push(next.toJSDate().toISOString());
  }
  return out;
}

const dtstamp = "2026-10-08T04:00:00Z";
const names: Record<string, string> = { "stu-1": "王小明", "stu-2": "欧阳娜娜", "stu-3": "Li Ming", "stu-4": "张𠀀䶮" };
const options: AppointmentICalendarOptions = {
  calendarName: "李老师的家访",
  dtstamp,
  studentName: (id) => names[id],
};

const home = proposeAppointment({
  id: "ap-home",
  schoolId: "sch-1",
  studentId: "stu-1",
  teacherId: "t-1",
  kind: "universal",
  start: "2026-10-12T18:30:00+08:00",
  durationMinutes: 45,
  location: { county: "莲都区", town: "碧湖镇", village: "大港头村" },
  locationDetail: "新街 3 幢 201 室",
});
const contacted = transitionAppointment(home, "contact", {
  at: "2026-10-08T12:00:00+08:00",
  by: "t-1",
  note: "奶奶说周一晚上在家",
});
const confirmedHome = transitionAppointment(contacted, "confirm", { at: "2026-10-08T12:01:00+08:00", by: "t-1" });

const venue = transitionAppointment(
  transitionAppointment(
    transitionAppointment(
      proposeAppointment({
        id: "ap-venue",
        schoolId: "sch-1",
        studentId: "stu-2",
        teacherId: "t-2",
        companionIds: ["t-1"],
        kind: "priority",
        start: "2026-10-13T19:00:00+08:00",
        location: { town: "碧湖镇", village: "平一村" },
      }),
      "contact",
      { at: "2026-10-08T09:00:00+08:00", by: "t-2" },
    ),
    "decline_home",
    { at: "2026-10-08T09:01:00+08:00", by: "t-2" },
  ),
  "propose_venue",
  { at: "2026-10-08T09:02:00+08:00", by: "t-2", venue: "村文化礼堂", reason: "父亲病重在家休养" },
);

const phone = proposeAppointment({
  id: "ap-phone",
  schoolId: "sch-1",
  studentId: "stu-3",
  teacherId: "t-1",
  kind: "new_student",
  channel: { type: "phone" },
  start: "2026-10-09T20:00:00+08:00",
  durationMinutes: 20,
});

const refused = transitionAppointment(
  transitionAppointment(
    proposeAppointment({
      id: "ap-refused",
      schoolId: "sch-1",
      studentId: "stu-4",
      teacherId: "t-1",
      kind: "priority",
      start: "2026-10-15T18:00:00+08:00",
    }),
    "contact",
    { at: "2026-10-08T10:00:00+08:00", by: "t-1" },
  ),
  "refuse",
  { at: "2026-10-08T10:05:00+08:00", by: "t-1", reason: "家长认为没有必要" },
);

const cancelled = transitionAppointment(confirmedHome, "cancel", {
  at: "2026-10-09T08:00:00+08:00",
  by: "t-1",
  cancelledBy: "staff",
  reason: "临时监考任务",
});

const mentor = proposeAppointment({
  id: "ap-mentor",
  schoolId: "sch-1",
  studentId: "stu-2",
  teacherId: "t-1",
  kind: "mentor_contact",
  channel: { type: "video" },
  start: "2026-10-14T16:30:00+08:00",
  durationMinutes: 30,
  rrule: "FREQ=WEEKLY;BYDAY=WE;COUNT=8",
});

describe("appointmentsToICalendar: the feed as an independent parser reads it", () => {
  const text = appointmentsToICalendar([mentor, refused, venue, phone, confirmedHome], options);
  const { calendar, events } = parseFeed(text);

  it("is a VCALENDAR with CRLF lines of at most 75 octets and the Asia/Shanghai zone", () => {
    expect(text.endsWith("END:VCALENDAR\r\n")).toBe(true);
    expect(text.replace(/\r\n/g, "")).not.toMatch(/[\r\n]/);
    for (const line of text.split("\r\n")) expect(new TextEncoder().encode(line).length).toBeLessThanOrEqual(75);
    expect(calendar.getFirstPropertyValue("version")).toBe("2.0");
    expect(calendar.getFirstPropertyValue("prodid")).toBe("-//homevisit//homevisit appointments//ZH");
    const zone = calendar.getFirstSubcomponent("vtimezone");
    expect(zone?.getFirstPropertyValue("tzid")).toBe("Asia/Shanghai");
    expect(String(zone?.getFirstSubcomponent("standard")?.getFirstPropertyValue("tzoffsetto"))).toBe("+08:00");
  });

  it("orders events by start and gives each a stable UID", () => {
    expect(events.map((e) => e.uid)).toEqual([
      "ap-phone@homevisit",
      "ap-home@homevisit",
      "ap-venue@homevisit",
      "ap-mentor@homevisit",
      "ap-refused@homevisit",
    ]);
    // The same appointments in another order give the same text.
    const again = appointmentsToICalendar([confirmedHome, phone, venue, refused, mentor], options);
    expect(again).toBe(text);
  });

  it("writes every field of every event", () => {
    const rows = events.map((e) => ({
      uid: e.uid,
      summary: e.summary,
      location: e.location,
      start: e.startDate.toJSDate().toISOString(),
      end: e.endDate.toJSDate().toISOString(),
      tzid: e.startDate.zone?.tzid,
      status: prop(e, "status"),
      sequence: e.sequence,
      dtstamp: prop(e, "dtstamp"),
      class: prop(e, "class"),
      recurring: e.isRecurring(),
    }));
    expect(rows).toEqual([
      {
        uid: "ap-phone@homevisit",
        summary: "新生家访：L. M. · 电话家访",
        location: null,
        start: "2026-10-09T12:00:00.000Z",
        end: "2026-10-09T12:20:00.000Z",
        tzid: "Asia/Shanghai",
        status: "TENTATIVE",
        sequence: 0,
        dtstamp: "2026-10-08T04:00:00Z",
        class: "PRIVATE",
        recurring: false,
      },
      {
        uid: "ap-home@homevisit",
        summary: "普访：王**",
        location: "莲都区 碧湖镇 大港头村",
        start: "2026-10-12T10:30:00.000Z",
        end: "2026-10-12T11:15:00.000Z",
        tzid: "Asia/Shanghai",
        status: "CONFIRMED",
        sequence: 2,
        dtstamp: "2026-10-08T04:00:00Z",
        class: "PRIVATE",
        recurring: false,
      },
      {
        uid: "ap-venue@homevisit",
        summary: "重点家访：欧*** · 约在其他场所",
        location: "碧湖镇 平一村",
        start: "2026-10-13T11:00:00.000Z",
        end: "2026-10-13T12:00:00.000Z",
        tzid: "Asia/Shanghai",
        status: "CONFIRMED",
        sequence: 3,
        dtstamp: "2026-10-08T04:00:00Z",
        class: "PRIVATE",
        recurring: false,
      },
      {
        uid: "ap-mentor@homevisit",
        summary: "德育导师联系：欧*** · 视频家访",
        location: null,
        start: "2026-10-14T08:30:00.000Z",
        end: "2026-10-14T09:00:00.000Z",
        tzid: "Asia/Shanghai",
        status: "TENTATIVE",
        sequence: 0,
        dtstamp: "2026-10-08T04:00:00Z",
        class: "PRIVATE",
        recurring: true,
      },
      {
        uid: "ap-refused@homevisit",
        summary: "重点家访：张**",
        location: null,
        start: "2026-10-15T10:00:00.000Z",
        end: "2026-10-15T11:00:00.000Z",
        tzid: "Asia/Shanghai",
        status: "CANCELLED",
        sequence: 2,
        dtstamp: "2026-10-08T04:00:00Z",
        class: "PRIVATE",
        recurring: false,
      },
    ]);
  });

  it("describes status and channel, and reminds of the safety report for in-person visits", () => {
    const [phoneEvent, homeEvent, venueEvent] = events;
    expect(phoneEvent?.description).toBe("状态：待联系\n方式：电话家访");
    expect(homeEvent?.description).toBe(
      "状态：已确认\n方式：入户家访\n出发前请报告家访对象、地点和时长；结束后请报平安。",
    );
    expect(venueEvent?.description).toBe(
      "状态：已确认\n方式：约在其他场所\n同行教师：1 人\n出发前请报告家访对象、地点和时长；结束后请报平安。",
    );
    expect(prop(homeEvent as ICAL.Event, "last-modified")).toBe("2026-10-08T04:01:00Z");
  });

  it("keeps personal and sensitive details out by default", () => {
    for (const secret of [
      "王小明",
      "欧阳娜娜",
      "Li Ming",
      "𠀀",
      "新街",
      "村文化礼堂",
      "父亲病重",
      "没有必要",
      "奶奶说",
      "stu-1",
    ]) {
      expect(text).not.toContain(secret);
    }
  });

  it("adds the name, venue and street detail with includePersonalData, never the reasons or notes", () => {
    const full = appointmentsToICalendar([confirmedHome, venue, refused], { ...options, includePersonalData: true });
    const byUid = new Map(parseFeed(full).events.map((e) => [e.uid, e]));
    expect(byUid.get("ap-home@homevisit")?.summary).toBe("普访：王小明");
    expect(byUid.get("ap-home@homevisit")?.location).toBe("莲都区 碧湖镇 大港头村 新街 3 幢 201 室");
    expect(byUid.get("ap-venue@homevisit")?.location).toBe("村文化礼堂 碧湖镇 平一村");
    expect(byUid.get("ap-refused@homevisit")?.summary).toBe("重点家访：张𠀀䶮");
    for (const secret of ["父亲病重", "没有必要", "奶奶说"]) expect(full).not.toContain(secret);
  });

  it("speaks English when asked", () => {
    const en = parseFeed(appointmentsToICalendar([phone, confirmedHome], { ...options, locale: "en" })).events;
    expect(en.map((e) => e.summary)).toEqual(["New-student visit: L. M. · Phone call", "Universal visit: 王**"]);
    expect(en[0]?.description).toBe("Status: Proposed\nChannel: Phone call");
  });
});

describe("status and sequence follow the state machine", () => {
  it("maps every status and bumps SEQUENCE with each transition", () => {
    const feed = appointmentsToICalendar([cancelled], options);
    const [event] = parseFeed(feed).events;
    expect([prop(event as ICAL.Event, "status"), event?.sequence, prop(event as ICAL.Event, "transp")]).toEqual([
      "CANCELLED",
      3,
      "TRANSPARENT",
    ]);
    expect(feed).not.toContain("临时监考任务");
    const statusOf = (a: Appointment) =>
      prop(parseFeed(appointmentsToICalendar([a], options)).events[0] as ICAL.Event, "status");
    const departed = transitionAppointment(confirmedHome, "depart", { at: "2026-10-12T18:00:00+08:00", by: "t-1" });
    expect(statusOf(departed)).toBe("CONFIRMED");
    expect(statusOf(transitionAppointment(departed, "miss", { at: "2026-10-12T19:00:00+08:00", by: "t-1" }))).toBe(
      "CONFIRMED",
    );
    expect(statusOf({ ...confirmedHome, status: "declined_home" })).toBe("TENTATIVE");
    expect(statusOf({ ...confirmedHome, status: "rescheduled" })).toBe("TENTATIVE");
  });
});

describe("recurring mentor contacts", () => {
  it("expands a COUNT rule to weekly occurrences at the same Shanghai wall-clock time", () => {
    const feed = appointmentsToICalendar([mentor], options);
    expect(feed).toContain("\r\nRRULE:FREQ=WEEKLY;BYDAY=WE;COUNT=8\r\n");
    const [event] = parseFeed(feed).events;
    const rule = event?.component.getFirstPropertyValue("rrule") as ICAL.Recur;
    expect([rule.freq, rule.count, rule.parts.BYDAY]).toEqual(["WEEKLY", 8, ["WE"]]);
    expect(occurrences(event as ICAL.Event)).toEqual([
      "2026-10-14T08:30:00.000Z",
      "2026-10-21T08:30:00.000Z",
      "2026-10-28T08:30:00.000Z",
      "2026-11-04T08:30:00.000Z",
      "2026-11-11T08:30:00.000Z",
      "2026-11-18T08:30:00.000Z",
      "2026-11-25T08:30:00.000Z",
      "2026-12-02T08:30:00.000Z",
    ]);
  });

  it("turns a floating UNTIL into UTC and keeps its last day", () => {
    const biweekly = { ...mentor, rrule: "FREQ=WEEKLY;INTERVAL=2;UNTIL=20261125" };
    const feed = appointmentsToICalendar([biweekly], options);
    // 2026-11-25 23:59:59 in Shanghai is 15:59:59 UTC.
    expect(feed).toContain("RRULE:FREQ=WEEKLY;INTERVAL=2;UNTIL=20261125T155959Z\r\n");
    expect(occurrences(parseFeed(feed).events[0] as ICAL.Event)).toEqual([
      "2026-10-14T08:30:00.000Z",
      "2026-10-28T08:30:00.000Z",
      "2026-11-11T08:30:00.000Z",
      "2026-11-25T08:30:00.000Z",
    ]);
    // An UNTIL at 16:29 local stops before the 16:30 occurrence that day.
    const cut = appointmentsToICalendar([{ ...mentor, rrule: "FREQ=WEEKLY;UNTIL=20261028T162900" }], options);
    expect(cut).toContain("UNTIL=20261028T082900Z");
    expect(occurrences(parseFeed(cut).events[0] as ICAL.Event)).toHaveLength(2);
  });

  it("accepts an obligation's DTSTART + RRULE text", () => {
    const fromObligation = proposeAppointment({
      id: "ap-ob",
      schoolId: "sch-1",
      studentId: "stu-2",
      teacherId: "t-1",
      kind: "mentor_contact",
      channel: { type: "phone" },
      start: "2026-09-02T17:00:00+08:00",
      rrule: "DTSTART:20260902\nRRULE:FREQ=MONTHLY;COUNT=3",
    });
    const [event] = parseFeed(appointmentsToICalendar([fromObligation], options)).events;
    expect(occurrences(event as ICAL.Event)).toEqual([
      "2026-09-02T09:00:00.000Z",
      "2026-10-02T09:00:00.000Z",
      "2026-11-02T09:00:00.000Z",
    ]);
  });
});

describe("escaping and folding", () => {
  it("escapes backslashes, semicolons, commas and newlines, and the parser reads them back", () => {
    const tricky = "王,小;明\\n\n二行";
    expect(escapeICalText(tricky)).toBe("王\\,小\\;明\\\\n\\n二行");
    const detail = "新街 3 幢, 201 室; 后门\r\n靠左\\右";
    const feed = appointmentsToICalendar([{ ...confirmedHome, locationDetail: detail }], {
      ...options,
      includePersonalData: true,
      studentName: () => tricky,
    });
    const [event] = parseFeed(feed).events;
    expect(event?.summary).toBe(`普访：${tricky}`);
    expect(event?.location).toBe(`莲都区 碧湖镇 大港头村 ${detail.replace("\r\n", "\n")}`);
    expect(feed).toContain("SUMMARY:普访：王\\,小\\;明\\\\n\\n二行\r\n");
  });

  it("folds long Chinese text without splitting a character", () => {
    const longName = `${"欧阳".repeat(30)}𠀀䶮${"娜".repeat(41)}`;
    const calendarName = "丽水市莲都区碧湖镇中心小学二〇二六学年第一学期“进家入户，携手育人”家访日历";
    const feed = appointmentsToICalendar([confirmedHome], {
      ...options,
      calendarName,
      includePersonalData: true,
      studentName: () => longName,
    });
    const bytes = new TextEncoder().encode(feed);
    const physical: Uint8Array[] = [];
    let from = 0;
    for (let i = 0; i < bytes.length - 1; i++) {
      if (bytes[i] === 0x0d && bytes[i + 1] === 0x0a) {
        physical.push(bytes.slice(from, i));
        from = i + 2;
      }
    }
    const folded = physical.filter((line) => line[0] === 0x20);
    expect(folded.length).toBeGreaterThan(3);
    for (const line of physical) {
      expect(line.length).toBeLessThanOrEqual(75);
      // Every physical line is valid UTF-8 on its own: no character was cut in two.
      expect(() => new TextDecoder("utf-8", { fatal: true }).decode(line)).not.toThrow();
    }
    const { calendar, events } = parseFeed(feed);
    expect(events[0]?.summary).toBe(`普访：${longName}`);
    expect(calendar.getFirstPropertyValue("x-wr-calname")).toBe(calendarName);
  });

  it("round-trips any text through fold, escape and an independent parser", () => {
    const unit = fc.oneof(
      fc.constantFrom("家", "访", "，", "；", ",", ";", "\\", "\n", " ", "a", "𠀀", "䶮", "é", "😀", ":", '"'),
      fc.string({ unit: "grapheme", minLength: 1, maxLength: 1 }),
    );
    fc.assert(
      fc.property(fc.string({ unit, minLength: 1, maxLength: 120 }), (raw) => {
        // Names are trimmed and TEXT cannot carry control characters other than line breaks.
        const name = raw.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, "").trim();
        fc.pre(name !== "");
        const feed = appointmentsToICalendar([confirmedHome], {
          ...options,
          includePersonalData: true,
          studentName: () => name,
        });
        for (const line of feed.split("\r\n")) expect(new TextEncoder().encode(line).length).toBeLessThanOrEqual(75);
        expect(parseFeed(feed).events[0]?.summary).toBe(`普访：${name}`);
      }),
      { numRuns: 300 },
    );
  });

  it("folds exactly at 75 octets", () => {
    expect(foldICalLine("A".repeat(75))).toBe("A".repeat(75));
    expect(foldICalLine("A".repeat(76))).toBe(`${"A".repeat(75)}\r\n A`);
    expect(foldICalLine(`${"A".repeat(73)}家`).split("\r\n")).toEqual([`${"A".repeat(73)}`, " 家"]);
    expect(foldICalLine(`${"A".repeat(72)}家`)).toBe(`${"A".repeat(72)}家`);
  });
});

describe("selection and options", () => {
  it("keeps a teacher's own and accompanied appointments", () => {
    const feed = appointmentsToICalendar([confirmedHome, venue, phone], { ...options, teacherId: "t-2" });
    expect(parseFeed(feed).events.map((e) => e.uid)).toEqual(["ap-venue@homevisit"]);
    const mine = appointmentsToICalendar([confirmedHome, venue, phone], { ...options, teacherId: "t-1" });
    expect(parseFeed(mine).events.map((e) => e.uid)).toEqual([
      "ap-phone@homevisit",
      "ap-home@homevisit",
      "ap-venue@homevisit",
    ]);
  });

  it("uses the given DTSTAMP, UID domain and URL", () => {
    const feed = appointmentsToICalendar([phone], {
      ...options,
      dtstamp: "2026-10-08T12:00:00+08:00",
      uidDomain: "school.example",
      url: (a) => `https://school.example/visits/${a.id}`,
    });
    const [event] = parseFeed(feed).events;
    expect([event?.uid, prop(event as ICAL.Event, "dtstamp"), prop(event as ICAL.Event, "url")]).toEqual([
      "ap-phone@school.example",
      "2026-10-08T04:00:00Z",
      "https://school.example/visits/ap-phone",
    ]);
    const unsafe = appointmentsToICalendar([phone], { ...options, url: () => "javascript:alert(1)\r\nX:1" });
    expect(unsafe).not.toContain("URL:");
  });

  it("rejects bad options with a typed error", () => {
    for (const bad of [
      { ...options, dtstamp: "yesterday" },
      { ...options, calendarName: "" },
      { ...options, uidDomain: "a b\r\nX:1" },
      { ...options, timezone: "Europe/Berlin" as "Asia/Shanghai" },
    ]) {
      try {
        appointmentsToICalendar([phone], bad);
        expect.unreachable();
      } catch (error) {
        expect(isHomevisitError(error) && error.code).toBe("validation_failed");
      }
    }
  });

  it("rejects a malformed appointment with the path of the field", () => {
    const broken = { ...phone, start: "not a time" } as Appointment;
    try {
      appointmentsToICalendar([phone, broken], options);
      expect.unreachable();
    } catch (error) {
      expect(isHomevisitError(error) && [error.code, error.issues.map((i) => i.path.join("."))]).toEqual([
        "validation_failed",
        ["1.start"],
      ]);
    }
  });

  it("writes an empty but valid calendar for no appointments", () => {
    const { events, calendar } = parseFeed(appointmentsToICalendar([], options));
    expect(events).toEqual([]);
    expect(calendar.getFirstPropertyValue("x-wr-calname")).toBe("李老师的家访");
  });
});
