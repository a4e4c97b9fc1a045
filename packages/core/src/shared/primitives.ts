import * as z from "zod";
import { withLabel } from "./field-labels.js";
import { withSensitivity } from "./sensitivity.js";

/**
 * The characters of an identifier, one or more: letters, digits, `_`, `-`, `.` and `:`.
 *
 * @example
 * ```ts
 * idPattern.test("stu-0001"); // true
 * idPattern.test("stu 0001"); // false
 * ```
 */
export const idPattern = /^[A-Za-z0-9_.:-]+$/;

/**
 * An identifier: 1–64 characters of letters, digits, `_`, `-`, `.` and `:`. Hosts bring their
 * own ids (student numbers, UUIDs); homevisit never parses them.
 */
export const idSchema = z
  .string()
  // One message for one mistake: an empty or overlong id is not also "not in the expected format".
  .min(1, { abort: true })
  .max(64, { abort: true })
  .regex(idPattern, { error: "Use letters, digits, _ - . : only" });
/** An identifier. */
export type Id = z.infer<typeof idSchema>;

/** A calendar date `YYYY-MM-DD` (no time zone: a school day in China Standard Time). */
export const isoDateSchema = z.iso.date();
/** A calendar date `YYYY-MM-DD`. */
export type IsoDate = z.infer<typeof isoDateSchema>;

/** An instant as ISO 8601 with an offset or `Z` (`2026-09-14T09:30:00+08:00`). */
export const instantSchema = z.iso.datetime({ offset: true });
/** An instant as ISO 8601 text. */
export type Instant = z.infer<typeof instantSchema>;

/** A wall-clock time `HH:mm` (24-hour). */
export const localTimeSchema = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: "Use HH:mm" });
/** A wall-clock time `HH:mm`. */
export type LocalTime = z.infer<typeof localTimeSchema>;

/** A school term, e.g. `2026-2027-1` (first term of the 2026/27 school year). */
export const termIdSchema = withLabel(
  z.string().regex(/^\d{4}-\d{4}-[12]$/, { error: "Use YYYY-YYYY-1 or YYYY-YYYY-2" }),
  { "zh-CN": "学期", en: "Term" },
);
/** A school term id. */
export type TermId = z.infer<typeof termIdSchema>;

/** A person's name: 1–32 characters, any script (rare characters such as 䶮 and 𠀀 included). */
export const personNameSchema = withSensitivity(
  z
    .string()
    .trim()
    .min(1)
    .max(32)
    .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), { error: "Control characters are not allowed" }),
  "personal",
);

/**
 * A phone number: a mainland mobile (`13812345678`), a landline with area code
 * (`0578-2123456`), or an international number (`+85291234567`).
 */
export const phoneSchema = withSensitivity(
  z.string().regex(/^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(-\d{1,6})?|\+\d{6,15})$/, {
    error: "Not a phone number",
  }),
  "personal",
);

/** A short line of text (≤ 200 characters). */
export const shortTextSchema = z.string().trim().max(200);
/** A free-text note (≤ 5,000 characters). Notes about a family are sensitive by default. */
export const noteSchema = withSensitivity(z.string().max(5000), "sensitive");
