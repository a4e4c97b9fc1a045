import { hmacSha256Hex, isHomevisitError, safeParseInput } from "@homevisit/core";
import { type AuditEntry, auditEntrySchema, checkAuditEntry } from "@homevisit/core/storage";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { auditChanges } from "../src/engine/audit-changes.js";
import { auditActionName } from "../src/engine/audit-trail.js";
import { fastAuditEntry } from "../src/ports/audit-entry-check.js";

/**
 * `checkAuditEntry` takes well-formed audit entries without a zod parse. Its plain check must
 * never let through an entry `auditEntrySchema` refuses, and what it returns must be what the
 * schema returns, key order included (rows are hashed from it); everything else is the
 * schema's, errors included.
 */

type Row = Record<string, unknown>;

/** Every object's keys in order, at every level, with where they are. */
function keyOrder(value: unknown, path = "$"): string[] {
  if (Array.isArray(value)) return value.flatMap((item, i) => keyOrder(item, `${path}[${i}]`));
  if (value === null || typeof value !== "object") return [];
  return [
    `${path}: ${Object.keys(value).join(",")}`,
    ...Object.entries(value).flatMap(([key, item]) => keyOrder(item, `${path}.${key}`)),
  ];
}

/** Every string in a value, keys included. */
function strings(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (value === null || typeof value !== "object") return [];
  return Object.entries(value).flatMap(([key, item]) => [key, ...strings(item)]);
}

function expectSameOutput(actual: unknown, expected: unknown) {
  expect(actual).toStrictEqual(expected);
  expect(JSON.stringify(actual)).toBe(JSON.stringify(expected));
  expect(keyOrder(actual)).toEqual(keyOrder(expected));
}

/** The check agrees with the schema on `input`; returns whether the plain check took it. */
function expectAgreement(input: unknown): boolean {
  const zod = auditEntrySchema.safeParse(input);
  const fast = fastAuditEntry(input);
  if (fast !== undefined) {
    expect(zod.success, "the plain check took an entry the schema refuses").toBe(true);
    expectSameOutput(fast, zod.data);
    // New objects: a caller changing its input later cannot change the row.
    const source = input as Row;
    expect(fast).not.toBe(source);
    if (Array.isArray(source.changes)) expect(fast.changes).not.toBe(source.changes);
    if (source.details !== undefined) expect(fast.details).not.toBe(source.details);
  }
  let output: AuditEntry | undefined;
  let error: unknown;
  try {
    output = checkAuditEntry(input);
  } catch (caught) {
    error = caught;
  }
  if (zod.success) {
    expect(error).toBeUndefined();
    expectSameOutput(output, zod.data);
  } else {
    expect(isHomevisitError(error) && error.code).toBe("validation_failed");
    const parsed = safeParseInput(auditEntrySchema, input);
    expect(parsed.success).toBe(false);
    if (!parsed.success && isHomevisitError(error)) expect(error.issues).toEqual(parsed.error.issues);
  }
  return fast !== undefined;
}

// ---------------------------------------------------------------------------------------------
// Near-boundary inputs: a valid entry, then a few edits that land on or beside each rule.

const lengths = [0, 1, 2, 63, 64, 65, 99, 100, 101, 199, 200, 201, 500, 501];
/** Fillers and odd characters: a two-unit emoji (the schema counts code points), spaces, bad id characters. */
const fillers = ["a", "Z", "9", "-", ".", ":", "_", "😀", " ", "é", "\u00a0"];
const specials = [" ", "\t", "\n", "\u00a0", "\u3000", "\ufeff", "A", "é", "😀", "/", "\u0000", "\ud800"];

const textArb: fc.Arbitrary<string> = fc
  .tuple(
    fc.constantFrom(...lengths),
    fc.constantFrom(...fillers),
    fc.option(fc.tuple(fc.nat(), fc.constantFrom(...specials)), { nil: undefined }),
  )
  .map(([length, filler, special]) => {
    const text = filler.repeat(length).slice(0, length);
    if (special === undefined || length === 0) return text;
    const at = special[0] % length;
    return text.slice(0, at) + special[1] + text.slice(at + 1);
  });

const idArb = fc.oneof(
  fc.constantFrom("sch-1", "t1", "county:330", "s.1_a-B", "x".repeat(64)),
  fc.stringMatching(/^[A-Za-z0-9_.:-]{1,64}$/),
);
const instantArb = fc
  .date({ min: new Date("0000-01-01T00:00:00.000Z"), max: new Date("9999-12-31T23:59:59.999Z"), noInvalidDate: true })
  .map((d) => d.toISOString());
const pad = (n: number, width: number) => String(n).padStart(width, "0");
/** Instants from their parts, in and out of range (30 February, hour 24, second 60…). */
const partsInstantArb = fc
  .record({
    year: fc.oneof(fc.constantFrom(0, 4, 100, 400, 1900, 2000, 2024, 2026, 2100, 9996, 9999), fc.nat(9999)),
    month: fc.nat(13),
    day: fc.nat(32),
    hour: fc.nat(25),
    minute: fc.nat(61),
    second: fc.nat(61),
  })
  .map(
    (p) =>
      `${pad(p.year, 4)}-${pad(p.month, 2)}-${pad(p.day, 2)}T${pad(p.hour, 2)}:${pad(p.minute, 2)}:${pad(p.second, 2)}.000Z`,
  );
const oddInstantArb = fc.oneof(
  partsInstantArb,
  fc.constantFrom(
    "2026-02-30T09:00:00.000Z",
    "2026-02-29T09:00:00.000Z",
    "2024-02-29T09:00:00.000Z",
    "2100-02-29T09:00:00.000Z",
    "2000-02-29T09:00:00.000Z",
    "0000-02-29T09:00:00.000Z",
    "2026-04-31T09:00:00.000Z",
    "2026-10-08T24:00:00.000Z",
    "2026-10-08T23:60:00.000Z",
    "2026-10-08T23:59:60.000Z",
    "2026-10-08T09:00:00Z",
    "2026-10-08T09:00:00.0Z",
    "2026-10-08T09:00:00.000000Z",
    "2026-10-08T09:00:00.000+08:00",
    "2026-10-08T09:00:00+08:00",
    "2026-10-08T09:00:00.000-00:00",
    "2026-10-08T09:00:00.000z",
    "2026-10-08t09:00:00.000Z",
    "2026-10-08 09:00:00.000Z",
    "2026-10-08T09:00.000Z",
    "2026-10-08T09:00:00,000Z",
    "2026-10-08T09:00:00.0a0Z",
    "2026-10-08T09:00:00.-00Z",
    "２026-10-08T09:00:00.000Z",
    "+275760-09-13T00:00:00.000Z",
    "2026-10-08",
    "",
  ),
);

const changeArb = fc.record(
  { field: fc.oneof(fc.constantFrom("students.name"), textArb), before: textArb, after: textArb },
  { requiredKeys: ["field"] },
);
class Change {
  constructor(
    readonly field: string,
    readonly after: string,
  ) {}
}
const oddChangeArb: fc.Arbitrary<unknown> = fc.oneof(
  changeArb,
  fc.constantFrom(
    { field: "" },
    { field: "a", before: undefined },
    { field: "a", after: undefined },
    { field: "a", extra: 1 },
    { field: "a", before: 1 },
    { before: "x" },
    { field: "a", [Symbol("s")]: 1 },
    null,
    "students.name",
    [],
  ),
  fc.constant(null).map(() => Object.assign(Object.create(null), { field: "a", after: "b" })),
  fc.constant(null).map(() => new Change("a", "b")),
);
/** Long lists of plain changes, at and beside the cap, some with one odd change somewhere. */
const manyChangesArb = fc
  .tuple(fc.constantFrom(0, 1, 199, 200, 201), fc.option(fc.tuple(fc.nat(), oddChangeArb), { nil: undefined }))
  .map(([count, odd]) => {
    const list: unknown[] = Array.from({ length: count }, (_, i) => ({ field: `students.f${i}`, after: "x" }));
    if (odd !== undefined && count > 0) list[odd[0] % count] = odd[1];
    return list;
  });
class Changes extends Array<unknown> {}
const changesArb: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.array(changeArb, { maxLength: 3 }) },
  { weight: 3, arbitrary: fc.array(oddChangeArb, { maxLength: 3 }) },
  { weight: 2, arbitrary: manyChangesArb },
  fc.constantFrom(undefined, null, "x", { length: 0 }, { 0: { field: "a" }, length: 1 }),
  // A hole reads as undefined; an array subclass is still an array to the schema.
  fc.constant(null).map(() => {
    const list: unknown[] = [{ field: "a" }];
    list[2] = { field: "b" };
    return list;
  }),
  fc.constant(null).map(() => Changes.from([{ field: "a" }])),
);

const detailKeyArb = fc.oneof(
  fc.constantFrom("reason", "code", "ref", "1", "01", "constructor", "toString", "hasOwnProperty", ""),
  textArb.filter((key) => key !== "__proto__"),
);
const detailValueArb: fc.Arbitrary<unknown> = fc.oneof(
  textArb,
  fc.double(),
  fc.integer(),
  fc.boolean(),
  fc.constantFrom(null, undefined, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, 2 ** 60),
  fc.constantFrom([], {}, [1], { a: 1 }, 10n),
);
class Details {
  reason = "not_found";
}
const detailsArb: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.dictionary(detailKeyArb, detailValueArb, { maxKeys: 4 }) },
  {
    // A key and a text at and beside their caps.
    weight: 2,
    arbitrary: fc
      .tuple(fc.constantFrom(...lengths), fc.constantFrom(...lengths))
      .map(([key, text]) => ({ code: "x", ["k".repeat(key)]: "v".repeat(text) })),
  },
  fc.constantFrom(undefined, null, "reason", [], ["a"], new Map([["a", 1]]), new Date(0)),
  // An own `__proto__` key, which the schema drops (`null` would also unset a copy's prototype).
  fc
    .constantFrom('{"reason":"x","__proto__":"y"}', '{"reason":"x","__proto__":null}')
    .map((json) => JSON.parse(json) as unknown),
  fc.constant(null).map(() => Object.assign(Object.create(null), { reason: "x" })),
  fc.constant(null).map(() => new Details()),
  fc.constant(null).map(() => ({ reason: "x", [Symbol("s")]: "y" })),
  fc.constant(null).map(() => Object.defineProperty({ reason: "x" }, "hidden", { value: "y", enumerable: false })),
);

const resultArb = fc.constantFrom("ok", "denied", "error");
/** An entry of the plain kind, valid but for lengths of its changes near their caps. */
const entryArb: fc.Arbitrary<Row> = fc.record(
  {
    chainId: idArb,
    at: instantArb,
    actorId: idArb,
    action: fc.oneof(fc.constantFrom("students.read", "visit.update"), fc.stringMatching(/^[a-z0-9_.:-]{1,100}$/)),
    entity: fc.oneof(fc.constantFrom("students", "visitRecords"), fc.string({ minLength: 1, maxLength: 64 })),
    entityId: idArb,
    schoolId: idArb,
    purpose: fc.oneof(
      fc.constantFrom("家访准备", ""),
      fc.string({ maxLength: 200 }).map((s) => s.trim()),
    ),
    result: resultArb,
    changes: fc.array(changeArb, { maxLength: 3 }),
    details: fc.dictionary(
      fc.string({ maxLength: 64 }).filter((key) => key !== "__proto__"),
      fc.oneof(
        fc.string({ maxLength: 20 }),
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        fc.boolean(),
        fc.constant(null),
      ),
      { maxKeys: 3 },
    ),
  },
  { requiredKeys: ["chainId", "at", "actorId", "action", "entity", "result"] },
);

const entryKeys = [
  "chainId",
  "at",
  "actorId",
  "action",
  "entity",
  "entityId",
  "schoolId",
  "purpose",
  "result",
  "changes",
  "details",
];
const anyValueArb: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: textArb },
  fc.constantFrom(
    undefined,
    null,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    -0,
    1,
    true,
    {},
    [],
    new String("sch-1"),
    "ok",
    "denied",
    "error",
    "OK",
    " 家访准备",
    "家访准备 ",
    "\u3000家访准备",
    "\ufeff",
    "students.Read",
    "students read",
  ),
);

type Edit =
  | { kind: "set"; key: string; value: unknown }
  | { kind: "delete"; key: string }
  | { kind: "undefine"; key: string }
  | { kind: "symbol" }
  | { kind: "hidden"; key: string }
  | { kind: "ownProto" };
const editArb: fc.Arbitrary<Edit> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({ kind: fc.constant("set"), key: fc.constantFrom(...entryKeys), value: anyValueArb }),
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("set"), key: fc.constant("at"), value: oddInstantArb }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("set"), key: fc.constant("changes"), value: changesArb }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("set"), key: fc.constant("details"), value: detailsArb }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("set"),
      key: fc.constantFrom("v", "seq", "hash", "Action", "constructor", "toString", ""),
      value: anyValueArb,
    }),
  },
  {
    // Plain characters at every length near a cap, so that only the length decides.
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant("set"),
      key: fc.constantFrom(...entryKeys),
      value: fc.tuple(fc.constantFrom(...lengths), fc.constantFrom("a", "9", "-", "😀")).map(([n, c]) => c.repeat(n)),
    }),
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("delete"), key: fc.constantFrom(...entryKeys) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("undefine"), key: fc.constantFrom(...entryKeys) }) },
  fc.record({ kind: fc.constant("symbol") }),
  fc.record({ kind: fc.constantFrom("hidden"), key: fc.constantFrom("extra", ...entryKeys) }),
  fc.record({ kind: fc.constant("ownProto") }),
) as fc.Arbitrary<Edit>;

class Entry {
  constructor(fields: Row) {
    Object.assign(this, fields);
  }
}

/** The entry as an object of the given kind, with the edits applied. */
function build(base: Row, edits: readonly Edit[], kind: "literal" | "nullProto" | "instance"): unknown {
  const row: Row = kind === "nullProto" ? Object.create(null) : {};
  Object.assign(row, base);
  for (const edit of edits) {
    if (edit.kind === "set")
      Object.defineProperty(row, edit.key, { value: edit.value, enumerable: true, writable: true, configurable: true });
    else if (edit.kind === "delete") delete row[edit.key];
    else if (edit.kind === "undefine") row[edit.key] = undefined;
    else if (edit.kind === "symbol") (row as Record<symbol, unknown>)[Symbol("extra")] = "x";
    else if (edit.kind === "hidden") {
      const value = row[edit.key] ?? "x";
      delete row[edit.key];
      Object.defineProperty(row, edit.key, { value, enumerable: false, writable: true, configurable: true });
    } else Object.defineProperty(row, "__proto__", { value: {}, enumerable: true, configurable: true });
  }
  return kind === "instance" ? new Entry(row) : row;
}

const inputArb = fc
  .tuple(
    entryArb,
    fc.array(editArb, { maxLength: 3 }),
    fc.oneof(
      { weight: 8, arbitrary: fc.constant("literal" as const) },
      fc.constantFrom("nullProto" as const, "instance" as const),
    ),
  )
  .map(([base, edits, kind]) => build(base, edits, kind));

describe("checkAuditEntry", () => {
  it("agrees with auditEntrySchema near every rule's boundary, and takes its plain inputs without it", () => {
    let taken = 0;
    let valid = 0;
    fc.assert(
      fc.property(inputArb, (input) => {
        if (expectAgreement(input)) taken++;
        if (auditEntrySchema.safeParse(input).success) valid++;
      }),
      { numRuns: 20_000 },
    );
    // Both halves were exercised: many entries taken by the plain check, many left to the schema.
    expect(taken).toBeGreaterThan(2_000);
    expect(valid - taken).toBeGreaterThan(500);
  });

  it("takes every valid entry of the plain form the schema takes", () => {
    fc.assert(
      fc.property(entryArb, (entry) => {
        // Lengths are certain only where UTF-16 units and code points agree (the schema counts
        // code points); a purpose the schema would trim is left to it.
        const certain = strings(entry).every((s) => s.length === [...s].length);
        const trimmed = typeof entry.purpose !== "string" || entry.purpose === entry.purpose.trim();
        const taken = expectAgreement(entry);
        if (certain && trimmed && auditEntrySchema.safeParse(entry).success) expect(taken).toBe(true);
      }),
      { numRuns: 2_000 },
    );
  });

  it("reads the calendar as the schema does: every day of every month, leap years, each clock field", () => {
    const base = { chainId: "sch-1", actorId: "t1", action: "students.read", entity: "students", result: "ok" };
    const instants: string[] = [];
    for (const year of [0, 4, 100, 200, 400, 1582, 1900, 1996, 2000, 2023, 2024, 2026, 2100, 2400, 9996, 9999]) {
      for (let month = 0; month <= 13; month++) {
        for (let day = 0; day <= 32; day++)
          instants.push(`${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}T09:30:00.000Z`);
      }
    }
    for (let n = 0; n <= 99; n++) {
      instants.push(`2026-10-08T${pad(n, 2)}:30:00.000Z`, `2026-10-08T09:${pad(n, 2)}:00.000Z`);
      instants.push(`2026-10-08T09:30:${pad(n, 2)}.000Z`, `2026-10-08T09:30:00.${pad(n * 10, 3)}Z`);
    }
    for (const at of instants) {
      const input = { ...base, at };
      // In this form the plain check is exact: it takes what the schema takes, nothing else.
      expect(fastAuditEntry(input) !== undefined, at).toBe(auditEntrySchema.safeParse(input).success);
      expectAgreement(input);
    }
  });

  it("places the defaulted changes where the schema does and copies what it is given", () => {
    const input = {
      details: { reason: "not_found", "1": 1 },
      result: "denied",
      entity: "students",
      action: "students.read",
      actorId: "t1",
      at: "2026-10-08T01:30:00.000Z",
      chainId: "sch-1",
    };
    const entry = fastAuditEntry(input);
    expect(entry && Object.keys(entry)).toEqual([
      "chainId",
      "at",
      "actorId",
      "action",
      "entity",
      "result",
      "changes",
      "details",
    ]);
    expect(entry?.details).toEqual({ "1": 1, reason: "not_found" });
    expectAgreement(input);
  });

  /** The fewest keys an entry needs. */
  const base = {
    chainId: "sch-1",
    at: "2026-10-08T01:30:00.000Z",
    actorId: "t1",
    action: "a",
    entity: "e",
    result: "ok",
  };

  it("takes an empty purpose, as the schema does, and leaves an untrimmed one to it", () => {
    expect(fastAuditEntry({ ...base, purpose: "" })?.purpose).toBe("");
    expect(fastAuditEntry({ ...base, purpose: " 家访准备" })).toBeUndefined();
    expect(checkAuditEntry({ ...base, purpose: " 家访准备" }).purpose).toBe("家访准备");
    for (const purpose of ["", "家访准备", " 家访准备", "x".repeat(200), "x".repeat(201), ` ${"x".repeat(200)} `]) {
      expectAgreement({ ...base, purpose });
    }
  });

  it("leaves an invalid entry to the schema, which words the error", () => {
    const input = { ...base, chainId: "sch 1" };
    expect(fastAuditEntry(input)).toBeUndefined();
    expect(() => checkAuditEntry(input)).toThrow(
      expect.objectContaining({ code: "validation_failed", issues: [expect.objectContaining({ path: ["chainId"] })] }),
    );
  });
});

// ---------------------------------------------------------------------------------------------
// The entries the engine writes (runner.ts, audit-trail.ts) take the plain path.

describe("the engine's audit entries", () => {
  const hmacKey = "a-long-host-secret-0001";
  const hmac = (value: string) => hmacSha256Hex(hmacKey, value);
  const at = new Date(Date.parse("2026-10-08T09:30:00+08:00")).toISOString();
  const call = { at, actorId: "teacher-1", action: auditActionName("students.flagCategory") };
  const before = { id: "s-1", schoolId: "sch-1", name: "王小明", status: "active" };
  const after = { ...before, name: "王晓明", status: "archived" };
  const details: Record<string, string | number | boolean | null> = {};
  details.categoryFlags = 2;

  const entries: Record<string, Row> = {
    "a write, with its changes and details": {
      chainId: "sch-1",
      entity: "students",
      entityId: "s-1",
      schoolId: "sch-1",
      purpose: "家访准备",
      result: "ok",
      changes: auditChanges({ entity: "students", before, after }, hmac).slice(0, 200),
      details,
      ...call,
    },
    "a read without changes": {
      chainId: "sch-1",
      entity: "students",
      entityId: "s-1",
      schoolId: "sch-1",
      result: "ok",
      changes: [],
      ...call,
    },
    "a denial outside the tenant": {
      chainId: "county-330",
      entity: "students",
      result: "denied",
      details: { reason: "not_found", ref: `hmac:${hmac('{"studentId":"s-9"}')}` },
      ...call,
    },
    "a denial inside the tenant": {
      chainId: "sch-1",
      entity: "students",
      entityId: "s-1",
      schoolId: "sch-1",
      purpose: "家访准备",
      result: "denied",
      details: { reason: "purpose" },
      ...call,
    },
    "a refused write": {
      chainId: "sch-1",
      entity: "visitRecords",
      entityId: "v-1",
      schoolId: "sch-1",
      result: "error",
      details: { code: "consent_required" },
      ...call,
    },
  };

  for (const [name, entry] of Object.entries(entries)) {
    it(`takes ${name} without the schema, as the schema would`, () => {
      expect(fastAuditEntry(entry)).toBeDefined();
      expect(expectAgreement(entry)).toBe(true);
    });
  }

  it("takes a write's changes at the cap of 200", () => {
    const wide = Object.fromEntries(Array.from({ length: 250 }, (_, i) => [`f${pad(i, 3)}`, i]));
    const changes = auditChanges({ entity: "students", before: {}, after: wide }, hmac).slice(0, 200);
    expect(changes).toHaveLength(200);
    const entry = { ...call, chainId: "sch-1", entity: "students", entityId: "s-1", result: "ok", changes };
    expect(expectAgreement(entry)).toBe(true);
  });
});
