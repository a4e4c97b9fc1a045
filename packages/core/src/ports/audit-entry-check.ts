import { isCalendarDate } from "../shared/dates.js";
import { parseInput } from "../shared/errors/parse.js";
import { idPattern } from "../shared/primitives.js";
import { type AuditChange, type AuditEntry, auditEntrySchema } from "./audit-chain.js";

/**
 * Every audited call appends one row, and a zod parse of its entry is a visible share of a
 * light request's CPU. The entries the engine writes are simple and well-formed, so a plain
 * check that only ever says "certainly valid" takes them; anything it is not sure of goes to
 * `auditEntrySchema`, which stays the one judge of what is invalid and the one author of
 * error messages.
 *
 * The plain check may refuse more than the schema, never less, and what it returns is what
 * the schema returns: the same keys in the same order at every level, in new objects. Lengths
 * are compared in UTF-16 units, which never undercounts the schema's code points.
 */

/** The characters of an action name (`auditEntrySchema.action`). */
const actionPattern = /^[a-z0-9_.:-]+$/;

const maxChanges = 200;
const maxChangeText = 200;
const maxPurpose = 200;
const maxDetailKey = 64;
const maxDetailText = 500;

/**
 * Validates an audit entry: the entry as `auditEntrySchema` outputs it, or a
 * `validation_failed` `HomevisitError` worded by the schema. Well-formed entries (the kind the
 * engine writes) are checked without a zod parse; anything else is parsed by the schema.
 *
 * @example
 * ```ts
 * const entry = checkAuditEntry({ chainId: "sch-1", at: "2026-10-08T01:30:00.000Z", actorId: "t1",
 *   action: "students.read", entity: "students", entityId: "s1", result: "ok" });
 * entry.changes; // [] (the schema's default)
 * checkAuditEntry({ ...entry, action: "Students.Read" }); // throws HomevisitError { code: "validation_failed" }
 * ```
 */
export function checkAuditEntry(input: unknown): AuditEntry {
  return fastAuditEntry(input) ?? parseInput(auditEntrySchema, input);
}

/**
 * The plain check behind {@link checkAuditEntry}: the schema's output for an entry that is
 * certainly valid, `undefined` whenever there is any doubt (which says nothing about validity).
 *
 * @internal Exported for its tests; adapters call {@link checkAuditEntry}.
 * @example
 * ```ts
 * fastAuditEntry({ chainId: "sch-1", at: "2026-10-08T01:30:00.000Z", actorId: "t1",
 *   action: "students.read", entity: "students", result: "ok" }); // { …, result: "ok", changes: [] }
 * fastAuditEntry({ chainId: "sch-1", at: "2026-10-08T09:30:00+08:00", actorId: "t1",
 *   action: "students.read", entity: "students", result: "ok" }); // undefined: the schema decides
 * ```
 */
export function fastAuditEntry(input: unknown): AuditEntry | undefined {
  if (!isPlainRecord(input)) return undefined;
  // The schema reports keys it does not know by walking the input the same way (`for…in`).
  for (const key in input) if (!isEntryKey(key)) return undefined;
  // The schema ignores symbol keys on an entry; no entry the engine writes has one.
  if (Object.getOwnPropertySymbols(input).length !== 0) return undefined;

  const { chainId, at, actorId, action, entity, entityId, schoolId, purpose, result, changes, details } = input;
  if (!isId(chainId) || !isId(actorId)) return undefined;
  if (typeof at !== "string" || !isPlainInstant(at)) return undefined;
  if (typeof action !== "string" || action.length > 100 || !actionPattern.test(action)) return undefined;
  if (typeof entity !== "string" || entity.length < 1 || entity.length > 64) return undefined;
  if (result !== "ok" && result !== "denied" && result !== "error") return undefined;
  // An optional key present with `undefined` comes out of the schema as a key: left to it.
  if (entityId === undefined ? "entityId" in input : !isId(entityId)) return undefined;
  if (schoolId === undefined ? "schoolId" in input : !isId(schoolId)) return undefined;
  if (purpose === undefined ? "purpose" in input : !isTrimmedText(purpose)) return undefined;

  let changesOut: AuditChange[];
  if (changes === undefined) {
    if ("changes" in input) return undefined;
    changesOut = [];
  } else {
    const checked = plainChanges(changes);
    if (checked === undefined) return undefined;
    changesOut = checked;
  }
  let detailsOut: Record<string, string | number | boolean | null> | undefined;
  if (details === undefined) {
    if ("details" in input) return undefined;
  } else {
    detailsOut = plainDetails(details);
    if (detailsOut === undefined) return undefined;
  }

  // Built in the schema's key order, as the schema builds its output.
  const entry: AuditEntry = { chainId, at, actorId, action, entity } as AuditEntry;
  if (entityId !== undefined) entry.entityId = entityId as string;
  if (schoolId !== undefined) entry.schoolId = schoolId as string;
  if (purpose !== undefined) entry.purpose = purpose as string;
  entry.result = result;
  entry.changes = changesOut;
  if (detailsOut !== undefined) entry.details = detailsOut;
  return entry;
}

/** An object literal's kind of object: nothing a class or a prototype could add or hide. */
function isPlainRecord(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function isEntryKey(key: string): boolean {
  switch (key) {
    case "chainId":
    case "at":
    case "actorId":
    case "action":
    case "entity":
    case "entityId":
    case "schoolId":
    case "purpose":
    case "result":
    case "changes":
    case "details":
      return true;
    default:
      return false;
  }
}

function isId(value: unknown): value is string {
  return typeof value === "string" && value.length <= 64 && idPattern.test(value);
}

/** A purpose the schema's trim leaves as it is (an empty one included: the schema takes it). */
function isTrimmedText(value: unknown): value is string {
  return typeof value === "string" && value.length <= maxPurpose && value.trim() === value;
}

/** The changes as the schema outputs them (new objects), or `undefined` when in doubt. */
function plainChanges(changes: unknown): AuditChange[] | undefined {
  if (!Array.isArray(changes) || Object.getPrototypeOf(changes) !== Array.prototype) return undefined;
  const count = changes.length;
  if (count > maxChanges) return undefined;
  const out: AuditChange[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const change: unknown = changes[i];
    if (!isPlainRecord(change)) return undefined;
    for (const key in change) if (key !== "field" && key !== "before" && key !== "after") return undefined;
    const { field, before, after } = change;
    if (typeof field !== "string" || field.length < 1 || field.length > maxChangeText) return undefined;
    const rendered: AuditChange = { field };
    if (before !== undefined || "before" in change) {
      if (typeof before !== "string" || before.length > maxChangeText) return undefined;
      rendered.before = before;
    }
    if (after !== undefined || "after" in change) {
      if (typeof after !== "string" || after.length > maxChangeText) return undefined;
      rendered.after = after;
    }
    out[i] = rendered;
  }
  return out;
}

/** A copy of the details, or `undefined` when in doubt. */
function plainDetails(details: unknown): Record<string, string | number | boolean | null> | undefined {
  if (!isPlainRecord(details)) return undefined;
  // The schema walks a record's own keys, symbols included, and refuses a symbol key.
  if (Object.getOwnPropertySymbols(details).length !== 0) return undefined;
  const out: Record<string, string | number | boolean | null> = {};
  for (const key of Object.keys(details)) {
    // The schema drops an own `__proto__` key silently: left to it.
    if (key.length > maxDetailKey || key === "__proto__") return undefined;
    const value = details[key];
    if (typeof value === "string") {
      if (value.length > maxDetailText) return undefined;
    } else if (typeof value === "number") {
      if (!Number.isFinite(value)) return undefined;
    } else if (typeof value !== "boolean" && value !== null) return undefined;
    out[key] = value;
  }
  return out;
}

/**
 * `YYYY-MM-DDTHH:mm:ss.sssZ` (what `Date#toISOString` writes for years 0–9999) naming a real
 * day and time: a strict part of what `z.iso.datetime({ offset: true })` accepts. Other forms
 * (offsets, other fractions, no seconds) are left to the schema.
 */
function isPlainInstant(s: string): boolean {
  if (
    s.length !== 24 ||
    s.charCodeAt(10) !== 0x54 ||
    s.charCodeAt(13) !== 0x3a ||
    s.charCodeAt(16) !== 0x3a ||
    s.charCodeAt(19) !== 0x2e ||
    s.charCodeAt(23) !== 0x5a
  ) {
    return false;
  }
  const hour = digits(s, 11, 2);
  const minute = digits(s, 14, 2);
  const second = digits(s, 17, 2);
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return false;
  return digits(s, 20, 3) >= 0 && isCalendarDate(s.slice(0, 10));
}

/** The number written in ASCII digits at `from`, or -1 when a character is not one. */
function digits(s: string, from: number, count: number): number {
  let n = 0;
  for (let i = from; i < from + count; i++) {
    const d = s.charCodeAt(i) - 0x30;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}
