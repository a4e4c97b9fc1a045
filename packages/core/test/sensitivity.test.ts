import {
  bureauStaffSchema,
  categoryFlagSchema,
  compareSensitivity,
  fieldSensitivities,
  guardianSchema,
  homeAddressSchema,
  type Sensitivity,
  sensitivityClasses,
  sensitivityOf,
  studentSchema,
  teacherSchema,
  withSensitivity,
} from "@homevisit/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import * as z from "zod";
import * as primitives from "../src/shared/primitives.js";

describe("withSensitivity and sensitivityOf", () => {
  it("returns the declared class and the schema itself", () => {
    const phone = z.string();
    expect(withSensitivity(phone, "personal")).toBe(phone);
    expect(sensitivityOf(phone)).toBe("personal");
  });

  it("defaults to internal when nothing was declared", () => {
    expect(sensitivityOf(z.string())).toBe("internal");
    expect(sensitivityOf(z.object({ a: z.string() }))).toBe("internal");
  });

  it.each([
    ["optional", (s: z.ZodString) => s.optional()],
    ["nullable", (s: z.ZodString) => s.nullable()],
    ["default", (s: z.ZodString) => s.default("x")],
    ["prefault", (s: z.ZodString) => s.prefault("x")],
    ["catch", (s: z.ZodString) => s.catch("x")],
    ["readonly", (s: z.ZodString) => s.readonly()],
    ["array", (s: z.ZodString) => z.array(s)],
    ["nonoptional", (s: z.ZodString) => s.optional().nonoptional()],
    ["pipe (in)", (s: z.ZodString) => s.pipe(z.string().min(1))],
    ["pipe (out)", (s: z.ZodString) => z.string().pipe(s)],
    ["transform", (s: z.ZodString) => s.transform((v) => String(v))],
    ["nested wrappers", (s: z.ZodString) => z.array(s.nullable()).optional().default([])],
  ])("looks through %s", (_name, wrap) => {
    expect(sensitivityOf(wrap(withSensitivity(z.string(), "sensitive")))).toBe("sensitive");
  });

  it("lets an outer mark override an inner one", () => {
    const inner = withSensitivity(z.string(), "personal");
    expect(sensitivityOf(withSensitivity(inner.optional(), "sensitive"))).toBe("sensitive");
    expect(sensitivityOf(withSensitivity(z.string(), "sensitive").optional())).toBe("sensitive");
  });

  it("takes the stricter side of a pipe", () => {
    const personal = withSensitivity(z.string(), "personal");
    const sensitive = withSensitivity(z.string(), "sensitive");
    expect(sensitivityOf(personal.pipe(sensitive))).toBe("sensitive");
    expect(sensitivityOf(sensitive.pipe(personal))).toBe("sensitive");
  });

  it("keeps the mark on a refined copy (zod registries follow a clone to its parent)", () => {
    expect(sensitivityOf(withSensitivity(z.string(), "personal").min(1))).toBe("personal");
  });

  it("ignores zod's global registry and a host's own .meta()", () => {
    expect(sensitivityOf(z.string().meta({ sensitivity: "sensitive" }))).toBe("internal");
  });
});

describe("fieldSensitivities", () => {
  it("classifies every field of the student schema", () => {
    expect(fieldSensitivities(studentSchema)).toEqual({
      id: "internal",
      schoolId: "internal",
      name: "personal",
      gender: "personal",
      dateOfBirth: "personal",
      enrolments: "internal",
      guardians: "internal",
      address: "internal",
      livingSituation: "sensitive",
      availability: "internal",
    });
  });

  it("classifies guardians, addresses, teachers and bureau staff", () => {
    expect(fieldSensitivities(guardianSchema)).toMatchObject({
      name: "personal",
      phone: "personal",
      worksAway: "sensitive",
      relation: "internal",
    });
    expect(fieldSensitivities(homeAddressSchema)).toMatchObject({
      town: "internal",
      detail: "personal",
      coordinates: "sensitive",
    });
    expect(fieldSensitivities(teacherSchema)).toMatchObject({ name: "personal", phone: "personal" });
    expect(fieldSensitivities(bureauStaffSchema)).toMatchObject({ name: "personal", phone: "personal" });
  });

  it("marks a category flag's category, evidence and revoke reason sensitive", () => {
    expect(fieldSensitivities(categoryFlagSchema)).toMatchObject({
      category: "sensitive",
      evidence: "sensitive",
      revokeReason: "sensitive",
      flaggedBy: "internal",
    });
  });
});

describe("compareSensitivity", () => {
  it("orders public < internal < personal < sensitive", () => {
    const shuffled: Sensitivity[] = ["sensitive", "public", "personal", "internal"];
    expect([...shuffled].sort(compareSensitivity)).toEqual([...sensitivityClasses]);
    expect(compareSensitivity("personal", "personal")).toBe(0);
  });

  it("is antisymmetric (property)", () => {
    const cls = fc.constantFrom(...sensitivityClasses);
    fc.assert(
      fc.property(cls, cls, (a, b) => {
        expect(Math.sign(compareSensitivity(a, b)) + Math.sign(compareSensitivity(b, a))).toBe(0);
      }),
    );
  });
});

describe("shared primitives keep their own class", () => {
  // A field that needs a stricter class marks its own copy (`withSensitivity(x.clone(), …)`):
  // marking the shared schema would reclassify every other field built on it. A student's
  // birth date once marked `isoDateSchema` itself, and every plain date became personal.
  it("is internal unless the primitive itself is personal data", () => {
    expect({
      id: sensitivityOf(primitives.idSchema),
      isoDate: sensitivityOf(primitives.isoDateSchema),
      instant: sensitivityOf(primitives.instantSchema),
      localTime: sensitivityOf(primitives.localTimeSchema),
      termId: sensitivityOf(primitives.termIdSchema),
      shortText: sensitivityOf(primitives.shortTextSchema),
      personName: sensitivityOf(primitives.personNameSchema),
      phone: sensitivityOf(primitives.phoneSchema),
      note: sensitivityOf(primitives.noteSchema),
    }).toEqual({
      id: "internal",
      isoDate: "internal",
      instant: "internal",
      localTime: "internal",
      termId: "internal",
      shortText: "internal",
      personName: "personal",
      phone: "personal",
      note: "sensitive",
    });
    expect(sensitivityOf(studentSchema.shape.dateOfBirth)).toBe("personal");
  });
});
