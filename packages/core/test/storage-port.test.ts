import { createHash, createHmac } from "node:crypto";
import { hmacSha256Hex, isHomevisitError, portableHmacSha256Hex, type Student } from "@homevisit/core";
import {
  type AuditHead,
  type AuditRecord,
  auditEntrySchema,
  auditGenesisHash,
  canonicalJson,
  chainAuditEntry,
  computeCoverage,
  decodeCursor,
  departStudent,
  departTeacher,
  encodeCursor,
  normaliseWhere,
  PreparedRecord,
  pageSize,
  parseRoster,
  portableSha256Hex,
  prepareRecord,
  sha256Hex,
  verifyAuditChain,
} from "@homevisit/core/storage";
import { memoryStorage } from "@homevisit/storage-memory";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { preparedFromParsed } from "../src/ports/prepared-record.js";

function entry(i: number, chainId = "sch-1") {
  return auditEntrySchema.parse({
    chainId,
    at: `2026-10-08T09:${String(i % 60).padStart(2, "0")}:00+08:00`,
    actorId: `t${i % 7}`,
    action: i % 2 ? "student.read" : "visit.update",
    entity: "students",
    entityId: `s${i}`,
    result: "ok",
    changes: i % 3 ? [] : [{ field: "address.detail", after: "changed" }],
  });
}

function buildChain(n: number): { rows: AuditRecord[]; head: AuditHead } {
  const rows: AuditRecord[] = [];
  let head: AuditHead | undefined;
  for (let i = 0; i < n; i++) {
    const next = chainAuditEntry(head, entry(i));
    rows.push(next.record);
    head = next.head;
  }
  return { rows, head: head ?? { chainId: "sch-1", count: 0, hash: auditGenesisHash } };
}

describe("sha256Hex", () => {
  it("matches node:crypto on arbitrary text", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 300 }), (s) => {
        const expected = createHash("sha256").update(s, "utf8").digest("hex");
        expect(sha256Hex(s)).toBe(expected);
        // The portable code is what browsers run: it must agree byte for byte.
        expect(portableSha256Hex(s)).toBe(expected);
      }),
      { numRuns: 300 },
    );
  });

  it("hashes bytes as well as text, across block boundaries", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const expected = createHash("sha256").update(bytes).digest("hex");
        expect(sha256Hex(bytes)).toBe(expected);
        expect(portableSha256Hex(bytes)).toBe(expected);
      }),
      { numRuns: 300 },
    );
  });
});

describe("hmacSha256Hex", () => {
  it("matches node:crypto, native and portable, for short and long keys", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: "binary", maxLength: 100 }),
        fc.string({ unit: "binary", maxLength: 200 }),
        (key, message) => {
          const expected = createHmac("sha256", key).update(message, "utf8").digest("hex");
          expect(hmacSha256Hex(key, message)).toBe(expected);
          expect(portableHmacSha256Hex(key, message)).toBe(expected);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("gives the same digests for a key used again, bytes or text, across many keys", () => {
    // No state may carry one message or key into the next.
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: "binary", minLength: 1, maxLength: 90 }), { minLength: 20, maxLength: 40 }),
        fc.array(fc.uint8Array({ maxLength: 150 }), { minLength: 1, maxLength: 5 }),
        (keys, messages) => {
          for (let round = 0; round < 2; round++) {
            for (const key of keys) {
              for (const message of messages) {
                const expected = createHmac("sha256", key).update(message).digest("hex");
                expect(hmacSha256Hex(key, message)).toBe(expected);
                expect(hmacSha256Hex(key, Buffer.from(message).toString("latin1"))).toBe(
                  createHmac("sha256", key).update(Buffer.from(message).toString("latin1"), "utf8").digest("hex"),
                );
              }
            }
          }
        },
      ),
      { numRuns: 30 },
    );
  });
});

describe("canonicalJson", () => {
  it("ignores key order and undefined members", () => {
    expect(canonicalJson({ b: 1, a: [2, { d: undefined, c: "x" }] })).toBe('{"a":[2,{"c":"x"}],"b":1}');
    expect(canonicalJson({ x: 1, y: { q: 2, p: 3 } })).toBe(canonicalJson({ y: { p: 3, q: 2 }, x: 1 }));
  });

  it("gives the same text as the definition: sorted entries, undefined members dropped", () => {
    // The definition, written plainly: every stored audit hash depends on this text, so the
    // fast version must never differ from it (key order by UTF-16 code units, as `<` compares).
    const definition = (value: unknown): string => {
      if (value === null || typeof value !== "object") {
        if (typeof value === "number" && !Number.isFinite(value)) return "null";
        return JSON.stringify(value) ?? "null";
      }
      if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? "null" : definition(v))).join(",")}]`;
      const entries = Object.entries(value as Record<string, unknown>)
        .filter(([, v]) => v !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${definition(v)}`).join(",")}}`;
    };
    fc.assert(
      fc.property(
        // JSON data (what canonicalJson accepts; the rest is refused, see canonical-json.test.ts),
        // with undefined members and prototype-less objects as JavaScript writes them.
        fc.anything({
          withNullPrototype: true,
          withObjectString: true,
          key: fc.string({ unit: "grapheme" }),
          values: [
            fc.string({ unit: "grapheme" }),
            fc.double({ noNaN: true, noDefaultInfinity: true }),
            fc.integer(),
            fc.boolean(),
            fc.constant(null),
            fc.constant(undefined),
          ],
        }),
        (value) => {
          expect(canonicalJson(value)).toBe(definition(value));
        },
      ),
      { numRuns: 2000 },
    );
    expect(canonicalJson({ "\u{1F600}": 1, "\uFF5E": 2, z: [undefined, null, -0] })).toBe(
      definition({ "\u{1F600}": 1, "\uFF5E": 2, z: [undefined, null, -0] }),
    );
  });
});

describe("audit hash chain", () => {
  it("verifies an intact chain and its head", () => {
    const { rows, head } = buildChain(20);
    expect(rows[0]?.prevHash).toBe(auditGenesisHash);
    expect(rows[5]?.prevHash).toBe(rows[4]?.hash);
    expect(verifyAuditChain("sch-1", rows, head)).toEqual({ ok: true, mode: "unkeyed", count: 20, head: head.hash });
    expect(verifyAuditChain("sch-1", [], { count: 0, hash: auditGenesisHash })).toMatchObject({ ok: true, count: 0 });
  });

  it("detects 1,000 random tamperings: edit, delete, reorder, truncate, insert", () => {
    const { rows, head } = buildChain(30);
    let detected = 0;
    fc.assert(
      fc.property(
        fc.constantFrom("edit", "delete", "reorder", "truncate", "insert", "rehash"),
        fc.nat({ max: 29 }),
        fc.nat({ max: 29 }),
        (kind, i, j) => {
          const copy = rows.map((r) => ({ ...r }));
          const at = (n: number) => copy[n] as AuditRecord;
          if (kind === "edit") at(i).actorId = `${at(i).actorId}x`;
          else if (kind === "delete") copy.splice(i, 1);
          else if (kind === "reorder") {
            const k = i === j ? (j + 1) % 30 : j;
            [copy[i], copy[k]] = [at(k), at(i)];
          } else if (kind === "truncate") copy.length = Math.min(i, 29);
          else if (kind === "insert") copy.splice(i, 0, { ...at(j) });
          else {
            // Edit and recompute the row's own hash: the next link (or the head) breaks.
            at(i).entityId = "forged";
            const { seq, prevHash, hash: _h, ...rest } = at(i);
            at(i).hash = chainAuditEntry({ chainId: "sch-1", count: seq - 1, hash: prevHash }, rest).record.hash;
          }
          const result = verifyAuditChain("sch-1", copy, head);
          expect(result.ok).toBe(false);
          detected++;
        },
      ),
      { numRuns: 1000 },
    );
    expect(detected).toBe(1000);
  });
});

describe("paging", () => {
  it("round-trips cursors and rejects forged ones", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9_.:-]{1,64}$/), (id) => {
        expect(decodeCursor(encodeCursor(id))).toBe(id);
      }),
    );
    for (const bad of ["", "x", "e30", btoa("[]")]) {
      expect(() => decodeCursor(bad)).toThrow(expect.objectContaining({ code: "storage_invalid_cursor" }));
    }
  });

  it("bounds the page size", () => {
    expect(pageSize(undefined)).toBe(100);
    expect(pageSize(1000)).toBe(1000);
    for (const bad of [0, -1, 1001, 1.5]) {
      expect(() => pageSize(bad)).toThrow(expect.objectContaining({ code: "storage_page_size" }));
    }
  });

  it("rejects unknown filter fields", () => {
    expect(normaliseWhere("students", { schoolId: "a", grade: [7, 8] })).toEqual({
      tenant: { schoolId: "a" },
      indexes: { grade: [7, 8] },
    });
    let error: unknown;
    try {
      normaliseWhere("students", { name: "x" } as never);
    } catch (e) {
      error = e;
    }
    expect(isHomevisitError(error) && error.code).toBe("storage_unknown_filter");
  });
});

const student: Student = {
  id: "s1",
  schoolId: "sch-1",
  name: "李明",
  dateOfBirth: "2014-03-02",
  enrolments: [
    {
      schoolId: "sch-0",
      classId: "c-old",
      grade: 6,
      from: "2025-09-01",
      to: "2026-06-30",
      startReason: "entry",
      endReason: "graduated",
    },
    { schoolId: "sch-1", classId: "c-7-1", grade: 7, from: "2026-09-01", startReason: "entry" },
  ],
  guardians: [{ id: "g1", name: "李强", relation: "father", primary: true, livesWithStudent: true, worksAway: false }],
  address: { county: "莲都区", town: "老竹镇", village: "沙溪村", remote: false },
  livingSituation: { livesWith: "both_parents", parentsAway: "none" },
  availability: [],
};

describe("roster helpers", () => {
  it("departs a student by closing the open enrolment at the school the day before", () => {
    const departed = departStudent(student, "2027-02-20");
    expect(departed?.enrolments[1]).toMatchObject({ to: "2027-02-19", endReason: "left" });
    expect(departed?.enrolments[0]).toEqual(student.enrolments[0]);
    expect(departed && departStudent(departed, "2027-03-01")).toBeUndefined();
  });

  it("departs a teacher once", () => {
    const t = { id: "t1", schoolId: "sch-1", name: "王老师", roles: ["teacher" as const], subjects: [], classIds: [] };
    expect(departTeacher(t, "2027-02-20")?.leftOn).toBe("2027-02-19");
    expect(departTeacher({ ...t, leftOn: "2026-01-01" }, "2027-02-20")).toBeUndefined();
  });

  it("rejects rows of another school and duplicate ids", () => {
    expect(() => parseRoster({ schoolId: "sch-2", asOf: "2026-09-01", students: [student] })).toThrow(
      expect.objectContaining({ code: "roster_wrong_school" }),
    );
    expect(() => parseRoster({ schoolId: "sch-1", asOf: "2026-09-01", students: [student, student] })).toThrow(
      expect.objectContaining({ code: "roster_duplicate_id" }),
    );
    expect(() => parseRoster({ schoolId: "sch-1", asOf: "2026-09-01", students: [{ ...student, name: "" }] })).toThrow(
      expect.objectContaining({ code: "validation_failed" }),
    );
  });
});

describe("computeCoverage", () => {
  const tenant = { cityId: "city", countyId: "k1", schoolId: "sch-1" };
  const enrolments = [
    { studentId: "a", ...tenant, classId: "c1", grade: 7, from: "2026-09-01", to: null },
    { studentId: "b", ...tenant, classId: "c1", grade: 7, from: "2026-09-01", to: "2026-10-31" },
    { studentId: "b", ...tenant, classId: "c2", grade: 7, from: "2026-11-01", to: null },
    { studentId: "c", ...tenant, classId: "c2", grade: 7, from: "2027-03-01", to: null },
  ];
  const visits = [
    { ...tenant, studentId: "a", teacherId: "t1", channel: "in_home", completed: true, date: "2026-10-01" },
    { ...tenant, studentId: "a", teacherId: "t1", channel: "phone", completed: true, date: "2026-10-02" },
    { ...tenant, studentId: "b", teacherId: "t2", channel: "phone", completed: true, date: "2026-10-03" },
    { ...tenant, studentId: "b", teacherId: "t2", channel: "in_home", completed: false, date: "2026-10-04" },
  ];
  const flags = [{ studentId: "b", category: "disability", from: "2026-01-01", until: null }];
  const q = { scope: { schoolId: "sch-1" }, from: "2026-09-01", to: "2027-01-31" } as const;

  it("counts distinct enrolled and in-home visited students per group", () => {
    expect(computeCoverage({ ...q, groupBy: "class" }, { enrolments, flags, visits })).toEqual([
      { key: "c1", enrolled: 2, visited: 1, visits: 3 },
      { key: "c2", enrolled: 1, visited: 0, visits: 1 },
    ]);
    expect(computeCoverage({ ...q, groupBy: "school" }, { enrolments, flags, visits })).toEqual([
      { key: "sch-1", enrolled: 2, visited: 1, visits: 3 },
    ]);
    expect(computeCoverage({ ...q, groupBy: "category" }, { enrolments, flags, visits })).toEqual([
      { key: "disability", enrolled: 1, visited: 0, visits: 1 },
    ]);
    expect(computeCoverage({ ...q, groupBy: "teacher" }, { enrolments, flags, visits })).toEqual([
      { key: "t1", enrolled: null, visited: 1, visits: 2 },
      { key: "t2", enrolled: null, visited: 0, visits: 1 },
    ]);
    expect(computeCoverage({ ...q, groupBy: "channel" }, { enrolments, flags, visits })).toEqual([
      { key: "in_home", enrolled: null, visited: 1, visits: 1 },
      { key: "phone", enrolled: null, visited: 2, visits: 2 },
    ]);
  });
});

describe("prepared records (validate once)", () => {
  const schoolClass = { id: "c1", schoolId: "sch-1", grade: 7, name: "七(1)班", schoolYear: 2026 };

  it("parses a plain object once and takes a record core prepared as it is", () => {
    const prepared = prepareRecord("classes", schoolClass);
    expect(prepared).toBeInstanceOf(PreparedRecord);
    expect(prepared.entity).toBe("classes");
    expect(prepared.indexes).toEqual({ grade: 7, schoolYear: 2026, classTeacherId: null });
    expect(prepared.tenant).toEqual({ parent: "schools", id: "sch-1" });
    expect(prepareRecord("classes", prepared)).toBe(prepared);
    expect(PreparedRecord.isFor("classes", prepared)).toBe(true);
    expect(PreparedRecord.isFor("teachers", prepared)).toBe(false);
  });

  it("never trusts a look-alike: a copied wrapper or a plain object is checked at the port", () => {
    const prepared = prepareRecord("classes", schoolClass);
    const lookAlike = { ...prepared };
    expect(PreparedRecord.isFor("classes", lookAlike)).toBe(false);
    expect(() => prepareRecord("classes", lookAlike as never)).toThrow(
      expect.objectContaining({ code: "validation_failed" }),
    );
    expect(() => prepareRecord("classes", { ...schoolClass, grade: "seven" } as never)).toThrow(
      expect.objectContaining({ code: "validation_failed" }),
    );
  });

  it("checks a record prepared for another entity with this entity's schema", () => {
    const prepared = prepareRecord("classes", schoolClass);
    expect(() => prepareRecord("teachers", prepared as never)).toThrow(
      expect.objectContaining({ code: "validation_failed" }),
    );
  });

  it("stores what core prepared without parsing it again, byte for byte as a plain object would be", async () => {
    const plain = memoryStorage();
    const viaPrepared = memoryStorage();
    const city = { id: "city-1", name: "丽水市" };
    const county = { id: "k-1", cityId: "city-1", name: "莲都区", setting: "urban" } as const;
    const school = {
      id: "sch-1",
      cityId: "city-1",
      countyId: "k-1",
      name: "莲都实验中学",
      kind: "junior",
      setting: "urban",
    } as const;
    for (const storage of [plain, viaPrepared]) {
      await storage.transaction(async (tx) => {
        await tx.cities.create(city);
        await tx.counties.create(county);
        await tx.schools.create(school);
      });
    }
    await plain.classes.create(schoolClass);
    const parsed = prepareRecord("classes", schoolClass).record;
    await viaPrepared.classes.create(preparedFromParsed("classes", parsed));
    expect(await viaPrepared.raw.record("classes", "c1")).toEqual(await plain.raw.record("classes", "c1"));
  });
});
