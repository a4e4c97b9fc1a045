import {
  checkInDueAt,
  checkInProblems,
  expectedEnd,
  isCheckInOverdue,
  overdueSafetyReports,
  type PostVisitCheckIn,
  postVisitCheckInSchema,
  postVisitSafetyChecklist,
  preVisitSafetyChecklist,
  preVisitSafetyReportSchema,
  safeParseInput,
  safetyZeroReportSchema,
  sensitivityOf,
  summariseSafetyPeriod,
  transportModeLabels,
  transportModes,
} from "@homevisit/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

const reportInput = {
  id: "sr-1",
  schoolId: "sch-1",
  teacherId: "t-1",
  studentIds: ["stu-1", "stu-2"],
  destination: { county: "莲都区", town: "碧湖镇", village: "大港头村" },
  plannedStart: "2026-10-12T18:30:00+08:00",
  expectedDurationMinutes: 90,
  transportMode: "e_bike",
  noUnlicensedVehicle: true,
  reachablePhone: "13812345678",
  reportedAt: "2026-10-12T16:00:00+08:00",
} as const;
const report = preVisitSafetyReportSchema.parse(reportInput);

const checkIn: PostVisitCheckIn = postVisitCheckInSchema.parse({
  reportId: "sr-1",
  teacherId: "t-1",
  returnedSafelyAt: "2026-10-12T20:10:00+08:00",
});

function issuesOf(result: ReturnType<typeof safeParseInput>) {
  return result.success ? [] : result.error.issues.map((i) => ({ path: i.path.join("."), code: i.code }));
}

describe("transport modes", () => {
  it("has a label in both languages for every mode", () => {
    expect(transportModes).toEqual([
      "walk",
      "bicycle",
      "e_bike",
      "own_car",
      "school_vehicle",
      "bus",
      "taxi_or_ride_hailing",
      "other",
    ]);
    for (const mode of transportModes) {
      expect(transportModeLabels[mode]["zh-CN"]).not.toBe("");
      expect(transportModeLabels[mode].en).not.toBe("");
    }
  });
});

describe("preVisitSafetyReportSchema", () => {
  it("accepts a full report and applies defaults", () => {
    expect(report.companionIds).toEqual([]);
    expect(report.appointmentIds).toEqual([]);
    expect(report.destination).toEqual({ county: "莲都区", town: "碧湖镇", village: "大港头村" });
  });

  it("needs the explicit no-unlicensed-vehicle declaration, with the catalog message", () => {
    for (const value of [false, undefined]) {
      const result = safeParseInput(preVisitSafetyReportSchema, { ...reportInput, noUnlicensedVehicle: value });
      expect(result.success).toBe(false);
      if (result.success) continue;
      expect(result.error.issues.map((i) => i.path.join("."))).toEqual(["noUnlicensedVehicle"]);
    }
    const result = safeParseInput(preVisitSafetyReportSchema, { ...reportInput, noUnlicensedVehicle: false });
    expect(result.success).toBe(false);
    if (!result.success) {
      expect(result.error.issues[0]?.code).toBe("unlicensed_vehicle_declaration_required");
      expect(result.error.issues[0]?.message["zh-CN"]).toBe("须声明不乘坐“三无车辆”");
    }
  });

  it("keeps the destination to the village: a street address is an unknown key", () => {
    const result = safeParseInput(preVisitSafetyReportSchema, {
      ...reportInput,
      destination: { ...reportInput.destination, detail: "3 幢 201 室" },
    });
    expect(issuesOf(result)).toEqual([{ path: "destination", code: "unrecognized_keys" }]);
    expect(sensitivityOf(preVisitSafetyReportSchema.shape.destination)).toBe("personal");
    expect(sensitivityOf(preVisitSafetyReportSchema.shape.reachablePhone)).toBe("personal");
  });

  it("rejects unknown keys, no student, bad phone, bad duration and the lead as companion", () => {
    expect(issuesOf(safeParseInput(preVisitSafetyReportSchema, { ...reportInput, password: "x" }))).toEqual([
      { path: "", code: "unrecognized_keys" },
    ]);
    expect(issuesOf(safeParseInput(preVisitSafetyReportSchema, { ...reportInput, studentIds: [] }))).toEqual([
      { path: "studentIds", code: "too_small" },
    ]);
    expect(issuesOf(safeParseInput(preVisitSafetyReportSchema, { ...reportInput, reachablePhone: "12345" }))).toEqual([
      { path: "reachablePhone", code: "invalid_format" },
    ]);
    expect(
      issuesOf(safeParseInput(preVisitSafetyReportSchema, { ...reportInput, expectedDurationMinutes: 0 })),
    ).toEqual([{ path: "expectedDurationMinutes", code: "too_small" }]);
    expect(
      issuesOf(safeParseInput(preVisitSafetyReportSchema, { ...reportInput, transportMode: "hitchhiking" })),
    ).toEqual([{ path: "transportMode", code: "invalid_value" }]);
    expect(issuesOf(safeParseInput(preVisitSafetyReportSchema, { ...reportInput, companionIds: ["t-1"] }))).toEqual([
      { path: "companionIds", code: "companion_is_visiting_teacher" },
    ]);
  });
});

describe("postVisitCheckInSchema", () => {
  it("defaults incident and needsHelp to false", () => {
    expect(checkIn).toEqual({
      reportId: "sr-1",
      teacherId: "t-1",
      returnedSafelyAt: "2026-10-12T20:10:00+08:00",
      incident: false,
      needsHelp: false,
    });
  });

  it("accepts a call for help without a note, and marks the note sensitive", () => {
    expect(postVisitCheckInSchema.parse({ ...checkIn, needsHelp: true }).needsHelp).toBe(true);
    expect(sensitivityOf(postVisitCheckInSchema.shape.note)).toBe("sensitive");
  });

  it("rejects unknown keys and a time without offset", () => {
    expect(issuesOf(safeParseInput(postVisitCheckInSchema, { ...checkIn, location: "x" }))).toEqual([
      { path: "", code: "unrecognized_keys" },
    ]);
    expect(
      issuesOf(safeParseInput(postVisitCheckInSchema, { ...checkIn, returnedSafelyAt: "2026-10-12 20:10" })),
    ).toEqual([{ path: "returnedSafelyAt", code: "invalid_format" }]);
  });

  it("checks a check-in against its report", () => {
    expect(checkInProblems(report, checkIn)).toEqual([]);
    const problems = checkInProblems(report, {
      reportId: "sr-2",
      teacherId: "t-2",
      returnedSafelyAt: "2026-10-12T17:00:00+08:00",
    });
    expect(problems.map((p) => [p.path.join("."), p.code])).toEqual([
      ["reportId", "conflict"],
      ["teacherId", "forbidden"],
      ["returnedSafelyAt", "check_in_before_start"],
    ]);
    expect(problems[2]?.message.en).toBe("The check-in cannot be earlier than the planned start of the visit");
  });
});

describe("expected end and overdue check-ins", () => {
  it("adds the duration and answers in China Standard Time", () => {
    expect(expectedEnd(report)).toBe("2026-10-12T20:00:00+08:00");
    expect(expectedEnd({ plannedStart: "2026-10-12T10:30:00Z", expectedDurationMinutes: 30 })).toBe(
      "2026-10-12T19:00:00+08:00",
    );
    expect(expectedEnd({ plannedStart: "2026-10-12T23:30:00+08:00", expectedDurationMinutes: 60 })).toBe(
      "2026-10-13T00:30:00+08:00",
    );
    expect(checkInDueAt(report)).toBe("2026-10-12T20:30:00+08:00");
    expect(checkInDueAt(report, 0)).toBe("2026-10-12T20:00:00+08:00");
  });

  it("is overdue only after the grace period and only without a check-in", () => {
    expect(isCheckInOverdue(report, undefined, "2026-10-12T20:29:00+08:00")).toBe(false);
    expect(isCheckInOverdue(report, undefined, "2026-10-12T20:30:00+08:00")).toBe(false);
    expect(isCheckInOverdue(report, undefined, "2026-10-12T20:31:00+08:00")).toBe(true);
    expect(isCheckInOverdue(report, undefined, "2026-10-12T12:31:00Z")).toBe(true);
    expect(isCheckInOverdue(report, undefined, "2026-10-12T20:31:00+08:00", 60)).toBe(false);
    expect(isCheckInOverdue(report, checkIn, "2026-10-13T08:00:00+08:00")).toBe(false);
  });

  it("agrees with plain minute arithmetic for any start, duration, grace and now (property)", () => {
    const base = Date.parse("2026-01-01T00:00:00Z");
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 525_600 }),
        fc.integer({ min: 5, max: 720 }),
        fc.integer({ min: 0, max: 240 }),
        fc.integer({ min: -1000, max: 2000 }),
        (startMinute, duration, grace, offset) => {
          const startMs = base + startMinute * 60_000;
          const r = { plannedStart: new Date(startMs).toISOString(), expectedDurationMinutes: duration };
          const now = new Date(startMs + offset * 60_000).toISOString();
          expect(isCheckInOverdue(r, undefined, now, grace)).toBe(offset > duration + grace);
          expect(Date.parse(expectedEnd(r))).toBe(startMs + duration * 60_000);
        },
      ),
    );
  });

  it("lists overdue reports, the longest overdue first", () => {
    const early = { ...report, id: "sr-early", plannedStart: "2026-10-12T14:00:00+08:00" };
    const late = { ...report, id: "sr-late", plannedStart: "2026-10-12T19:30:00+08:00" };
    const future = { ...report, id: "sr-future", plannedStart: "2026-10-12T21:30:00+08:00" };
    const now = "2026-10-12T21:45:00+08:00";
    expect(overdueSafetyReports([late, future, report, early], [checkIn], now).map((r) => r.id)).toEqual([
      "sr-early",
      "sr-late",
    ]);
  });
});

describe("fuzzing", () => {
  it("answers any input to the safety schemas with a result, never a throw (property)", () => {
    const nearReport = fc.record(
      {
        plannedStart: fc.string(),
        expectedDurationMinutes: fc.anything(),
        noUnlicensedVehicle: fc.anything(),
        companionIds: fc.anything(),
        destination: fc.anything(),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(nearReport, fc.anything(), (partial, other) => {
        expect(typeof safeParseInput(preVisitSafetyReportSchema, { ...reportInput, ...partial }).success).toBe(
          "boolean",
        );
        expect(typeof safeParseInput(postVisitCheckInSchema, other).success).toBe("boolean");
        expect(typeof safeParseInput(safetyZeroReportSchema, other).success).toBe("boolean");
      }),
    );
  });
});

describe("safetyZeroReportSchema", () => {
  const zero = {
    id: "zr-2026-w41",
    schoolId: "sch-1",
    period: { from: "2026-10-05", to: "2026-10-11" },
    visitCount: 37,
    nothingHappened: true,
    submittedBy: "t-9",
    submittedAt: "2026-10-12T08:00:00+08:00",
  };
  const incident = {
    teacherId: "t-1",
    reportId: "sr-1",
    occurredOn: "2026-10-08",
    kind: "traffic",
    note: "雨天电动车滑倒，手肘擦伤",
  };

  it("accepts a nothing-happened report, even with no visits", () => {
    expect(safetyZeroReportSchema.parse(zero).incidents).toEqual([]);
    expect(safetyZeroReportSchema.parse({ ...zero, visitCount: 0 }).visitCount).toBe(0);
  });

  it("accepts a report that lists incidents", () => {
    const parsed = safetyZeroReportSchema.parse({ ...zero, nothingHappened: false, incidents: [incident] });
    expect(parsed.incidents[0]).toEqual({ ...incident, needsHelp: false, resolved: false });
  });

  it("rejects nothing-happened with incidents, and neither", () => {
    expect(
      issuesOf(safeParseInput(safetyZeroReportSchema, { ...zero, nothingHappened: true, incidents: [incident] })),
    ).toEqual([{ path: "nothingHappened", code: "zero_report_inconsistent" }]);
    expect(issuesOf(safeParseInput(safetyZeroReportSchema, { ...zero, nothingHappened: false }))).toEqual([
      { path: "nothingHappened", code: "zero_report_inconsistent" },
    ]);
  });

  it("rejects an inverted period, an incident outside it, a blank note and unknown keys", () => {
    expect(
      issuesOf(safeParseInput(safetyZeroReportSchema, { ...zero, period: { from: "2026-10-11", to: "2026-10-05" } })),
    ).toEqual([{ path: "period.to", code: "date_range_inverted" }]);
    expect(
      issuesOf(
        safeParseInput(safetyZeroReportSchema, {
          ...zero,
          nothingHappened: false,
          incidents: [{ ...incident, occurredOn: "2026-10-20" }],
        }),
      ),
    ).toEqual([{ path: "incidents.0.occurredOn", code: "date_range_inverted" }]);
    expect(
      issuesOf(
        safeParseInput(safetyZeroReportSchema, {
          ...zero,
          nothingHappened: false,
          incidents: [{ ...incident, note: " " }],
        }),
      ).map((i) => i.path),
    ).toEqual(["incidents.0.note"]);
    expect(issuesOf(safeParseInput(safetyZeroReportSchema, { ...zero, approved: true }))).toEqual([
      { path: "", code: "unrecognized_keys" },
    ]);
  });
});

describe("summariseSafetyPeriod", () => {
  const period = { from: "2026-10-05", to: "2026-10-12" };

  it("says nothing happened when every trip checked in cleanly", () => {
    expect(summariseSafetyPeriod([report], [checkIn], period)).toEqual({
      reportCount: 1,
      checkedInCount: 1,
      missingCheckIns: [],
      flaggedCheckIns: [],
      nothingHappened: true,
    });
  });

  it("flags missing and troubled check-ins, and counts by the China date of the start", () => {
    const other = { ...report, id: "sr-2" };
    const troubled = { ...checkIn, reportId: "sr-3", needsHelp: true };
    const third = { ...report, id: "sr-3" };
    // 2026-10-04T17:00Z is 2026-10-05 01:00 in China: inside the period.
    const night = { ...report, id: "sr-4", plannedStart: "2026-10-04T17:00:00Z" };
    const outside = { ...report, id: "sr-5", plannedStart: "2026-10-04T15:00:00Z" };
    const summary = summariseSafetyPeriod([report, other, third, night, outside], [checkIn, troubled], period);
    expect(summary.reportCount).toBe(4);
    expect(summary.checkedInCount).toBe(2);
    expect(summary.missingCheckIns).toEqual(["sr-2", "sr-4"]);
    expect(summary.flaggedCheckIns).toEqual([troubled]);
    expect(summary.nothingHappened).toBe(false);
  });
});

describe("checklists", () => {
  it("covers every report field that the guidance asks for, in both languages", () => {
    const fields = preVisitSafetyChecklist.flatMap((i) => i.fields);
    for (const field of [
      "studentIds",
      "destination",
      "plannedStart",
      "expectedDurationMinutes",
      "transportMode",
      "noUnlicensedVehicle",
      "reachablePhone",
    ]) {
      expect(fields).toContain(field);
    }
    for (const field of fields) expect(Object.keys(preVisitSafetyReportSchema.shape)).toContain(field);
    for (const item of [...preVisitSafetyChecklist, ...postVisitSafetyChecklist]) {
      expect(item.text["zh-CN"]).not.toBe("");
      expect(item.text.en).not.toBe("");
    }
    const postFields = postVisitSafetyChecklist.flatMap((i) => i.fields);
    expect(postFields.sort()).toEqual(
      Object.keys(postVisitCheckInSchema.shape)
        .filter((k) => !k.endsWith("Id"))
        .sort(),
    );
  });
});
