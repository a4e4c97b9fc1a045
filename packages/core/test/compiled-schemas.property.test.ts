// The record schemas parse through zod's compiled fast path (src/compiled.ts). It must be the
// same schema, only faster: for valid records and for records broken in every way a caller
// can break them, the compiled schema and the interpreted one (a plain clone of the same
// definition) answer alike — success, the parsed value, and every issue with its path.
import {
  appointmentSchema,
  bureauStaffSchema,
  categoryFlagSchema,
  citySchema,
  countySchema,
  mentorshipSchema,
  proposeAppointment,
  schoolClassSchema,
  schoolSchema,
  storedCategoryFlagSchema,
  studentSchema,
  teacherSchema,
  visitRecordDraftSchema,
  visitRecordSubmissionSchema,
} from "@homevisit/core";
import { generateSchool } from "@homevisit/demo-data";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import * as z from "zod";

const data = generateSchool({ seed: 5, students: 120 });
const json = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

const visitDraft = {
  id: "v-1",
  schoolId: "sch-1",
  studentId: "stu-1",
  teacherId: "t-1",
  kind: "universal",
  term: "2026-2027-1",
  channel: "in_home",
};

const cases: { name: string; schema: z.ZodType; samples: unknown[] }[] = [
  { name: "student", schema: studentSchema, samples: json(data.students.slice(0, 60)) },
  { name: "teacher", schema: teacherSchema, samples: json(data.teachers) },
  { name: "class", schema: schoolClassSchema, samples: json(data.classes) },
  { name: "school", schema: schoolSchema, samples: json(data.schools) },
  { name: "county", schema: countySchema, samples: json(data.counties) },
  { name: "city", schema: citySchema, samples: json([data.city]) },
  { name: "category flag", schema: categoryFlagSchema, samples: json(data.categoryFlags) },
  { name: "stored category flag", schema: storedCategoryFlagSchema, samples: json(data.categoryFlags) },
  { name: "mentorship", schema: mentorshipSchema, samples: json(data.mentorships) },
  {
    name: "bureau staff",
    schema: bureauStaffSchema,
    samples: [{ id: "b1", name: "李明", role: "county_bureau", cityId: "lishui", countyId: "suichang" }],
  },
  {
    name: "appointment",
    schema: appointmentSchema,
    samples: [
      proposeAppointment({
        id: "ap-1",
        schoolId: "sch-1",
        studentId: "stu-1",
        teacherId: "t-1",
        kind: "priority",
        start: "2026-10-12T18:30:00+08:00",
        location: { town: "碧湖镇", village: "大港头村" },
        locationDetail: "3 幢 201 室",
      }),
      {
        ...proposeAppointment({
          id: "ap-2",
          schoolId: "sch-1",
          studentId: "stu-2",
          teacherId: "t-1",
          kind: "universal",
          start: "2026-10-14T19:00:00+08:00",
          channel: { type: "alternative_venue", venue: "村文化礼堂", reason: "家中正在装修" },
        }),
        status: "cancelled",
        cancellation: { by: "staff", reason: "教研活动", makeUpRequired: true },
      },
    ],
  },
  { name: "visit record draft", schema: visitRecordDraftSchema, samples: [visitDraft] },
  { name: "visit record submission", schema: visitRecordSubmissionSchema, samples: [visitDraft] },
];

/** Values a broken record may carry in place of any field. */
const junk = fc.oneof(
  fc.constantFrom(
    undefined,
    null,
    "",
    " ",
    "  王芳 ",
    "\u0007",
    "2026-02-30",
    "2026-13-01",
    "2026-09-01T08:00:00+08:00",
    "19:00",
    "24:00",
    "13812345678",
    "0578-2123456",
    "a b",
    "x".repeat(65),
    "𠀀".repeat(33),
    -1,
    0,
    1.5,
    7,
    13,
    601,
    Number.NaN,
    true,
    false,
    [],
    [1, 8],
    {},
    { lat: 91, lng: 0 },
    "entry",
    "promotion",
    "mother",
    "family_crisis",
    "boarding_left_behind",
  ),
  fc.string({ maxLength: 8 }),
  fc.integer({ min: -5, max: 2100 }),
);

type Path = (string | number)[];

/** Every path to a value inside a record (objects and arrays), the record itself excluded. */
function paths(value: unknown, prefix: Path = []): Path[] {
  if (value === null || typeof value !== "object") return [];
  const out: Path[] = [];
  const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
  for (const [key, child] of entries) {
    const path = [...prefix, key];
    out.push(path, ...paths(child, path));
  }
  return out;
}

type Edit = { kind: "set"; value: unknown } | { kind: "delete" } | { kind: "add"; key: string; value: unknown };

function applyEdit(record: unknown, path: Path, edit: Edit): unknown {
  const copy = json(record) as Record<string | number, unknown>;
  if (edit.kind === "add") {
    const target = path.reduce<unknown>((node, key) => (node as Record<string | number, unknown>)?.[key], copy);
    if (target !== null && typeof target === "object" && !Array.isArray(target)) {
      (target as Record<string, unknown>)[edit.key] = edit.value;
    }
    return copy;
  }
  const parent = path
    .slice(0, -1)
    .reduce<unknown>((node, key) => (node as Record<string | number, unknown>)?.[key], copy) as Record<
    string | number,
    unknown
  >;
  const last = path.at(-1);
  // An earlier edit may have replaced the parent with a plain value: nothing to edit then.
  if (last === undefined || parent === null || typeof parent !== "object") return copy;
  if (edit.kind === "delete") {
    if (Array.isArray(parent) && typeof last === "number") parent.splice(last, 1);
    else delete parent[last];
  } else {
    parent[last] = edit.value;
  }
  return copy;
}

const editArb: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ kind: fc.constant("set" as const), value: junk }),
  fc.constant({ kind: "delete" as const }),
  fc.record({
    kind: fc.constant("add" as const),
    key: fc.constantFrom("extra", "to", "phone", "__proto__", "constructor"),
    value: junk,
  }),
);

function answer(schema: z.ZodType, input: unknown) {
  const result = schema.safeParse(input);
  return result.success
    ? { success: true, data: result.data }
    : { success: false, issues: result.error.issues.map((i) => ({ code: i.code, path: i.path, message: i.message })) };
}

describe("compiled record schemas answer exactly like the interpreted ones", () => {
  for (const { name, schema, samples } of cases) {
    // A plain clone of the same definition parses with the interpreter.
    const interpreted = z.clone(schema);

    it(`${name}: valid records parse to the same value`, () => {
      for (const sample of samples) {
        const expected = answer(interpreted, sample);
        expect(answer(schema, sample)).toEqual(expected);
      }
    });

    it(`${name}: one to three edits anywhere give the same answer (property)`, () => {
      const sampleArb = fc.constantFrom(...samples);
      const editsArb = sampleArb.chain((sample) => {
        const all: Path[] = [[], ...paths(sample)];
        return fc.tuple(
          fc.constant(sample),
          fc.array(fc.tuple(fc.constantFrom(...all), editArb), { minLength: 1, maxLength: 3 }),
        );
      });
      fc.assert(
        fc.property(editsArb, ([sample, edits]) => {
          let input: unknown = sample;
          for (const [path, edit] of edits) input = applyEdit(input, path, edit);
          expect(answer(schema, input)).toEqual(answer(interpreted, input));
        }),
        { numRuns: 400 },
      );
    });
  }

  it("the interpreted clones really are interpreted, and the exports compiled", () => {
    const compiledRun = (s: z.ZodType) => (s._zod.run as { __originalRun?: unknown }).__originalRun !== undefined;
    for (const { schema } of cases) {
      expect(compiledRun(schema)).toBe(true);
      expect(compiledRun(z.clone(schema))).toBe(false);
    }
  });
});
