import * as z from "zod";
import {
  type Appointment,
  type AppointmentStatus,
  appointmentChannelLabels,
  appointmentSchema,
  appointmentStatusLabels,
} from "../domain/appointment/index.js";
import { visitKindLabels } from "../domain/planning.js";
import { parseInput } from "../shared/errors/parse.js";
import { defaultLocale, type Locale, locales } from "../shared/i18n.js";
import { idSchema, instantSchema } from "../shared/primitives.js";

/**
 * iCalendar (RFC 5545) export of appointments, so teachers see their visits in the calendar app
 * of their phone. Pure text building: no clock (DTSTAMP is an argument), no I/O.
 */

/** Options of {@link appointmentsToICalendar}. */
export interface AppointmentICalendarOptions {
  /** The calendar's display name (X-WR-CALNAME and NAME). */
  calendarName: string;
  /** The DTSTAMP of every event: when the feed was made. Core has no clock, so it is given. */
  dtstamp: string;
  /** The zone of DTSTART/DTEND; only Asia/Shanghai (fixed +08:00, no DST since 1991). */
  timezone?: "Asia/Shanghai";
  /** The language of summaries and descriptions; zh-CN by default. */
  locale?: Locale;
  /**
   * Put the student's full name, the venue and the street detail in the feed. False by default:
   * a calendar leaves the school's system (phone backups, shared calendars), so by default it
   * shows a masked name and the town/village only. Reasons and notes are never exported.
   */
  includePersonalData?: boolean;
  /** Looks up a student's name for the SUMMARY; without it the SUMMARY names no one. */
  studentName?: (studentId: string) => string | undefined;
  /** Only appointments where this teacher leads or accompanies. */
  teacherId?: string;
  /** The right-hand side of every UID (`<appointment id>@<uidDomain>`); `homevisit` by default. */
  uidDomain?: string;
  /** A link back to the appointment in the host's app, as the event's URL. */
  url?: (appointment: Appointment) => string | undefined;
}

const optionsSchema = z.strictObject({
  calendarName: z.string().min(1).max(200),
  dtstamp: instantSchema,
  timezone: z.literal("Asia/Shanghai").default("Asia/Shanghai"),
  locale: z.enum(locales).default(defaultLocale),
  includePersonalData: z.boolean().default(false),
  teacherId: idSchema.optional(),
  uidDomain: z
    .string()
    .regex(/^[A-Za-z0-9.-]{1,100}$/)
    .default("homevisit"),
});

const icalStatus: Readonly<Record<AppointmentStatus, "TENTATIVE" | "CONFIRMED" | "CANCELLED">> = {
  proposed: "TENTATIVE",
  contacted: "TENTATIVE",
  rescheduled: "TENTATIVE",
  declined_home: "TENTATIVE",
  confirmed: "CONFIRMED",
  departed: "CONFIRMED",
  completed: "CONFIRMED",
  // The time was held and spent; the description says nobody met.
  missed: "CONFIRMED",
  refused: "CANCELLED",
  cancelled: "CANCELLED",
};

const shanghaiOffsetMs = 8 * 60 * 60 * 1000;

const vtimezone = [
  "BEGIN:VTIMEZONE",
  "TZID:Asia/Shanghai",
  "X-LIC-LOCATION:Asia/Shanghai",
  "BEGIN:STANDARD",
  "TZOFFSETFROM:+0800",
  "TZOFFSETTO:+0800",
  "TZNAME:CST",
  "DTSTART:19700101T000000",
  "END:STANDARD",
  "END:VTIMEZONE",
];

function basicFormat(iso: string): string {
  // "2026-10-12T10:30:00.000Z" → "20261012T103000"
  return iso.slice(0, 19).replace(/[-:]/g, "");
}

/** An instant as UTC date-time (`20261012T103000Z`). */
function utcDateTime(instant: string): string {
  return `${basicFormat(new Date(Date.parse(instant)).toISOString())}Z`;
}

/** An instant as Asia/Shanghai wall-clock date-time (`20261012T183000`). */
function shanghaiDateTime(epochMs: number): string {
  return basicFormat(new Date(epochMs + shanghaiOffsetMs).toISOString());
}

/**
 * RFC 5545 requires UNTIL in UTC when DTSTART has a TZID; the stored rule is floating (wall
 * clock in Asia/Shanghai), so convert it. A date-only UNTIL includes that whole day.
 */
function ruleForFeed(rrule: string): string {
  return rrule
    .split(";")
    .map((part) => {
      const match = /^UNTIL=(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2}))?$/.exec(part);
      if (!match) return part;
      const [, y, mo, d, h = "23", mi = "59", s = "59"] = match;
      const wall = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
      return `UNTIL=${basicFormat(new Date(wall - shanghaiOffsetMs).toISOString())}Z`;
    })
    .join(";");
}

/**
 * Escapes a TEXT value (RFC 5545 §3.3.11): backslash, semicolon, comma and line breaks; other
 * control characters are not allowed in TEXT and are dropped.
 *
 * @example
 * ```ts
 * escapeICalText("碧湖镇, 大港头村; 2号\n门口"); // "碧湖镇\\, 大港头村\\; 2号\\n门口"
 * ```
 */
export function escapeICalText(value: string): string {
  return value
    .replace(/\r\n?/g, "\n")
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, "")
    .replace(/\\/g, "\\\\")
    .replace(/;/g, "\\;")
    .replace(/,/g, "\\,")
    .replace(/\n/g, "\\n");
}

function utf8Length(codePoint: number): number {
  if (codePoint < 0x80) return 1;
  if (codePoint < 0x800) return 2;
  if (codePoint < 0x10000) return 3;
  return 4;
}

/**
 * Folds a content line to at most 75 octets per physical line (RFC 5545 §3.1), counting UTF-8
 * bytes and breaking only between characters, so a Chinese character (3 bytes) or a rare one
 * outside the BMP (4 bytes, e.g. 𠀀) is never split. Continuation lines start with one space,
 * which counts toward their 75 octets. Lines are joined with CRLF.
 *
 * @example
 * ```ts
 * foldICalLine(`SUMMARY:${"家访".repeat(20)}`).split("\r\n").map((l) => new TextEncoder().encode(l).length);
 * // [74, 55]: a 3-byte character never straddles the break
 * ```
 */
export function foldICalLine(line: string): string {
  const out: string[] = [];
  let current = "";
  let bytes = 0;
  for (const char of line) {
    const size = utf8Length(char.codePointAt(0) ?? 0);
    if (bytes + size > 75) {
      out.push(current);
      current = " ";
      bytes = 1;
    }
    current += char;
    bytes += size;
  }
  out.push(current);
  return out.join("\r\n");
}

function maskedName(name: string): string {
  const chars = Array.from(name.trim());
  const first = chars[0] ?? "";
  // Han names (BMP and the supplementary ideograph planes): keep the surname character, as in 王**.
  if (/^[\u3400-\u9fff\uf900-\ufaff]$/u.test(first) || (first.codePointAt(0) ?? 0) >= 0x20000) {
    return first + "*".repeat(Math.max(1, chars.length - 1));
  }
  // Other scripts: initials, "Li Ming" → "L. M.".
  return name
    .trim()
    .split(/\s+/)
    .map((word) => `${Array.from(word)[0] ?? ""}.`)
    .join(" ");
}

function placeText(appointment: Appointment, personal: boolean): string | undefined {
  const { location, channel } = appointment;
  const area = location ? [location.county, location.town, location.village].filter(Boolean).join(" ") : "";
  const parts: string[] = [];
  if (channel.type === "alternative_venue" && personal) parts.push(channel.venue);
  if (area !== "") parts.push(area);
  if (channel.type === "in_home" && personal && appointment.locationDetail) parts.push(appointment.locationDetail);
  return parts.length > 0 ? parts.join(" ") : undefined;
}

function eventLines(
  appointment: Appointment,
  options: z.output<typeof optionsSchema>,
  extra: Pick<AppointmentICalendarOptions, "studentName" | "url">,
): string[] {
  const { locale, includePersonalData } = options;
  const startMs = Date.parse(appointment.start);
  const endMs = startMs + appointment.durationMinutes * 60_000;
  const name = extra.studentName?.(appointment.studentId);
  const who =
    name === undefined || name.trim() === "" ? undefined : includePersonalData ? name.trim() : maskedName(name);
  const kind = visitKindLabels[appointment.kind][locale];
  const channel = appointmentChannelLabels[appointment.channel.type][locale];
  const separator = locale === "zh-CN" ? "：" : ": ";
  let summary = who === undefined ? kind : `${kind}${separator}${who}`;
  if (appointment.channel.type !== "in_home") summary += ` · ${channel}`;

  const description: string[] = [
    `${locale === "zh-CN" ? "状态" : "Status"}${separator}${appointmentStatusLabels[appointment.status][locale]}`,
    `${locale === "zh-CN" ? "方式" : "Channel"}${separator}${channel}`,
  ];
  if (appointment.companionIds.length > 0) {
    description.push(
      locale === "zh-CN"
        ? `同行教师${separator}${appointment.companionIds.length} 人`
        : `Companions${separator}${appointment.companionIds.length}`,
    );
  }
  if (appointment.channel.type === "in_home" || appointment.channel.type === "alternative_venue") {
    // R14: the pre-visit safety report is due when the teacher departs.
    description.push(
      locale === "zh-CN"
        ? "出发前请报告家访对象、地点和时长；结束后请报平安。"
        : "Report whom, where and how long before you leave; report back when the visit is over.",
    );
  }

  const lines = [
    "BEGIN:VEVENT",
    `UID:${appointment.id}@${options.uidDomain}`,
    `DTSTAMP:${utcDateTime(options.dtstamp)}`,
    `DTSTART;TZID=${options.timezone}:${shanghaiDateTime(startMs)}`,
    `DTEND;TZID=${options.timezone}:${shanghaiDateTime(endMs)}`,
  ];
  if (appointment.rrule !== undefined) lines.push(`RRULE:${ruleForFeed(appointment.rrule)}`);
  lines.push(`SUMMARY:${escapeICalText(summary)}`);
  const place = placeText(appointment, includePersonalData);
  if (place !== undefined) lines.push(`LOCATION:${escapeICalText(place)}`);
  lines.push(`DESCRIPTION:${escapeICalText(description.join("\n"))}`);
  const url = extra.url?.(appointment);
  if (url !== undefined && /^https?:\/\/[^\s"<>\\]+$/.test(url)) lines.push(`URL:${url}`);
  lines.push(
    `STATUS:${icalStatus[appointment.status]}`,
    `SEQUENCE:${Math.max(0, appointment.version - 1)}`,
    "CLASS:PRIVATE",
    `TRANSP:${icalStatus[appointment.status] === "CANCELLED" ? "TRANSPARENT" : "OPAQUE"}`,
  );
  const last = appointment.history[appointment.history.length - 1];
  if (last !== undefined) lines.push(`LAST-MODIFIED:${utcDateTime(last.at)}`);
  lines.push("END:VEVENT");
  return lines;
}

/**
 * Writes appointments as an iCalendar (RFC 5545) feed for a teacher's calendar app: CRLF line
 * endings, lines folded at 75 octets without splitting a character, TEXT escaped, a VTIMEZONE
 * for Asia/Shanghai and DTSTART/DTEND with `TZID=Asia/Shanghai`, a stable UID per appointment
 * (`<id>@homevisit`), SEQUENCE = version − 1 so calendar apps take each transition as an
 * update, RRULE for recurring mentor contacts (UNTIL converted to UTC as RFC 5545 requires), and
 * STATUS TENTATIVE (proposed, contacted, rescheduled, declined_home), CONFIRMED (confirmed,
 * departed, completed, missed) or CANCELLED (refused, cancelled). Cancelled events stay in the
 * feed so subscribed calendars remove them. Events are ordered by start, then id: the same input
 * gives the same text.
 *
 * Privacy by default (R11): the SUMMARY carries the visit kind and a masked student name
 * (`王**`, `L. M.`), the LOCATION the town/village only, CLASS is PRIVATE. `includePersonalData:
 * true` adds the full name, the venue and the street detail. Refusal and cancellation reasons,
 * venue reasons and notes are never exported. Throws `validation_failed` for bad options or an
 * appointment that does not match {@link appointmentSchema} (the issue path starts with its index).
 *
 * @example
 * ```ts
 * appointmentsToICalendar([appointment], {
 *   calendarName: "李老师的家访", dtstamp: "2026-10-08T04:00:00Z",
 *   studentName: (id) => names.get(id),
 * });
 * // "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n…BEGIN:VEVENT\r\nUID:ap-1@homevisit\r\n
 * //  DTSTAMP:20261008T040000Z\r\nDTSTART;TZID=Asia/Shanghai:20261012T183000\r\n…
 * //  SUMMARY:普访：王**\r\nLOCATION:碧湖镇 大港头村\r\n…STATUS:CONFIRMED\r\nSEQUENCE:2\r\n…"
 * ```
 */
export function appointmentsToICalendar(
  appointments: readonly Appointment[],
  options: AppointmentICalendarOptions,
): string {
  const { studentName, url, ...plain } = options;
  const parsed = parseInput(optionsSchema, plain);
  // Rows from storage or a host's cache may be malformed; fail with a typed error, not a RangeError.
  const valid = appointments.map((a, index) => parseInput(appointmentSchema, a, { path: [index] }));
  const selected = valid
    .filter(
      (a) =>
        parsed.teacherId === undefined || a.teacherId === parsed.teacherId || a.companionIds.includes(parsed.teacherId),
    )
    .sort((a, b) => Date.parse(a.start) - Date.parse(b.start) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const lines = [
    "BEGIN:VCALENDAR",
    "VERSION:2.0",
    "PRODID:-//homevisit//homevisit appointments//ZH",
    "CALSCALE:GREGORIAN",
    "METHOD:PUBLISH",
    `X-WR-CALNAME:${escapeICalText(parsed.calendarName)}`,
    `NAME:${escapeICalText(parsed.calendarName)}`,
    `X-WR-TIMEZONE:${parsed.timezone}`,
    ...vtimezone,
    ...selected.flatMap((a) => eventLines(a, parsed, { studentName, url })),
    "END:VCALENDAR",
  ];
  return `${lines.map(foldICalLine).join("\r\n")}\r\n`;
}
