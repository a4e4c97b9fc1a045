// What plugins add to an engine, on a real store: custom obligation rules used by plans.generate,
// and report sections computed with the coverage report (small groups suppressed by the engine,
// authorization and audit as for coverage).
import { createEngine, definePlugin, fixedClock, isHomevisitError, sequentialIds } from "@homevisit/core";
import type { EntityInput } from "@homevisit/core/storage";
import { describe, expect, it } from "vitest";
import { actors, type EngineHarness, type RoleName, seedWorld } from "./engine-suite.js";

const hmacKey = "plugin-audit-key-0123456789";
const term = { id: "2026-2027-1", schoolYear: 2026, index: 1, start: "2026-09-01", end: "2026-12-31" } as const;
const period = { from: "2026-09-01", to: "2027-01-22" };
const as = (role: RoleName) => ({ ...actors[role], roles: [...actors[role].roles] });

const boardingLabel = { "zh-CN": "寄宿留守儿童", en: "Boarding left-behind child" };
const rural = definePlugin({
  id: "lishui-rural-extras",
  categories: [{ key: "boarding_left_behind", label: boardingLabel }],
  obligationRules: {
    custom: [
      {
        id: "boarding_per_term",
        label: { "zh-CN": "寄宿留守儿童每学期家访", en: "Boarding left-behind children, every term" },
        categories: ["boarding_left_behind"],
        frequency: { per: "term", visits: 2 },
      },
    ],
  },
  reportSections: [
    {
      id: "boarding-coverage",
      title: { "zh-CN": "寄宿留守儿童家访覆盖", en: "Coverage of boarding left-behind children" },
      description: { "zh-CN": "按类别统计", en: "By category" },
      groupBy: "category",
      keys: ["boarding_left_behind", "disability"],
    },
    { id: "by-grade", title: { "zh-CN": "按年级", en: "By grade" }, groupBy: "grade" },
  ],
});

/** Six more grade-8 students of sch-1 in the plugin's category; five visited in the home. */
async function seedBoarders(harness: EngineHarness): Promise<void> {
  await harness.storage.transaction(async (tx) => {
    for (let i = 1; i <= 6; i++) {
      const id = `s-b${i}`;
      await tx.students.create({
        id,
        schoolId: "sch-1",
        name: `寄宿生${i}`,
        dateOfBirth: "2012-05-01",
        enrolments: [{ schoolId: "sch-1", classId: "c-1", grade: 8, from: "2025-09-01", startReason: "entry" }],
        guardians: [
          {
            id: `g-${id}`,
            name: "王芳",
            relation: "mother",
            phone: "13800000000",
            primary: true,
            livesWithStudent: false,
          },
        ],
        address: { county: "莲都区", town: "碧湖镇", village: "沙溪村", detail: "1号" },
        livingSituation: { livesWith: "grandparents", parentsAway: "both" },
      } as EntityInput<"students">);
      await tx.categoryFlags.create({
        id: `f-${id}`,
        studentId: id,
        category: "boarding_left_behind",
        validFrom: "2026-03-01",
        evidence: "住校",
        flaggedBy: "t-class",
        flaggedAt: "2026-03-01T01:00:00.000Z",
      } as never);
      if (i <= 5) {
        await tx.visitRecords.create({
          id: `v-${id}`,
          schoolId: "sch-1",
          studentId: id,
          teacherId: "t-teacher",
          status: "submitted",
          kind: "priority",
          term: "2026-2027-1",
          channel: "in_home",
          arrivedAt: "2026-10-01T10:00:00+08:00",
          submittedAt: "2026-10-01T12:00:00+08:00",
        } as never);
      }
    }
  });
}

/** The plugin suite, run against any storage. */
export function runPluginSuite(name: string, factory: () => Promise<EngineHarness>): void {
  describe(`engine plugins on ${name}`, () => {
    async function setUp() {
      const harness = await factory();
      await seedWorld(harness.storage);
      const engine = createEngine({
        storage: harness.storage,
        blobs: harness.blobs,
        clock: fixedClock("2026-10-08T09:00:00+08:00"),
        ids: sequentialIds("pl"),
        config: { audit: { hmacKey } },
        plugins: [rural],
      });
      return { harness, engine };
    }

    it("plans.generate uses a plugin's obligation rule: rule id, plugin category, window, reason", async () => {
      const { harness, engine } = await setUp();
      try {
        await engine.consent.record(as("class_teacher"), { studentId: "s-own", guardianId: "g-s-own" });
        await engine.students.flagCategory(as("class_teacher"), {
          studentId: "s-own",
          category: "boarding_left_behind",
          evidence: "父母在外务工，住校",
          validFrom: "2026-09-01",
        });
        const { plan } = await engine.plans.generate(as("principal"), { term });
        const ofRule = plan.obligations.filter((o) => o.ruleIds?.includes("boarding_per_term"));
        expect(ofRule.map((o) => [o.studentId, o.category, o.window])).toEqual([
          ["s-own", "boarding_left_behind", { from: "2026-09-01", to: "2026-10-13" }],
          ["s-own", "boarding_left_behind", { from: "2026-11-01", to: "2026-12-31" }],
        ]);
        expect(ofRule[1]?.why).toEqual({
          "zh-CN": "寄宿留守儿童每学期家访（寄宿留守儿童）：本学期第2/2次入户家访（2026-11-01至2026-12-31）",
          en: "Boarding left-behind children, every term (Boarding left-behind child): in-home visit 2 of 2 this term (2026-11-01 to 2026-12-31)",
        });
        // The first visit also serves the new student's and the universal round's rules: the group
        // takes the most urgent member's window (the new student's six weeks).
        expect(ofRule[0]?.ruleIds).toEqual(["new_student", "boarding_per_term", "universal_yearly"]);
        // Stored as the snapshot says, and read back the same.
        const read = await engine.plans.get(as("principal"), { planId: plan.id });
        expect(read.plan.obligations).toEqual(plan.obligations);
      } finally {
        await harness.cleanup();
      }
    });

    it("report sections: computed with coverage, keys in order, groups under five suppressed", async () => {
      const { harness, engine } = await setUp();
      try {
        await seedBoarders(harness);
        const report = await engine.reports.coverage(as("principal"), { ...period, groupBy: "school" });
        expect(report.rows).toEqual([
          { key: "sch-1", enrolled: 7, visited: 5, visits: 5, rate: 5 / 7, suppressed: false },
        ]);
        expect(report.sections).toEqual([
          {
            id: "lishui-rural-extras/boarding-coverage",
            pluginId: "lishui-rural-extras",
            title: { "zh-CN": "寄宿留守儿童家访覆盖", en: "Coverage of boarding left-behind children" },
            description: { "zh-CN": "按类别统计", en: "By category" },
            groupBy: "category",
            rows: [
              { key: "boarding_left_behind", enrolled: 6, visited: 5, visits: 5, rate: 5 / 6, suppressed: false },
              // Nobody is in it: listed because the section names it, and suppressed like any small group.
              { key: "disability", enrolled: null, visited: null, visits: null, rate: null, suppressed: true },
            ],
          },
          {
            id: "lishui-rural-extras/by-grade",
            pluginId: "lishui-rural-extras",
            title: { "zh-CN": "按年级", en: "By grade" },
            groupBy: "grade",
            rows: [
              { key: "7", enrolled: null, visited: null, visits: null, rate: null, suppressed: true },
              { key: "8", enrolled: 6, visited: 5, visits: 5, rate: 5 / 6, suppressed: false },
            ],
          },
        ]);
        const only = await engine.reports.coverage(as("principal"), {
          ...period,
          groupBy: "class",
          sections: ["lishui-rural-extras/by-grade"],
        });
        expect(only.sections.map((s) => s.id)).toEqual(["lishui-rural-extras/by-grade"]);
        const none = await engine.reports.coverage(as("principal"), { ...period, groupBy: "class", sections: [] });
        expect(none.sections).toEqual([]);
        const audit = await harness.storage.audit.read("sch-1");
        expect(audit.at(-2)).toMatchObject({
          action: "reports.coverage",
          result: "ok",
          details: { groupBy: "class", sections: "lishui-rural-extras/by-grade" },
        });
      } finally {
        await harness.cleanup();
      }
    });

    it("report sections: bureaus get them as aggregates; unknown sections and other roles are refused", async () => {
      const { harness, engine } = await setUp();
      try {
        await seedBoarders(harness);
        const county = await engine.reports.coverage(as("county_bureau"), { ...period, groupBy: "school" });
        expect(county.scope).toEqual({ countyId: "k-1" });
        expect(county.sections[0]?.rows[0]).toEqual({
          key: "boarding_left_behind",
          enrolled: 6,
          visited: 5,
          visits: 5,
          rate: 5 / 6,
          suppressed: false,
        });
        // No student, flag or visit id anywhere in what the bureau gets.
        expect(JSON.stringify(county)).not.toMatch(/s-b\d|f-s-|v-s-/);
        const unknown = await engine.reports
          .coverage(as("principal"), { ...period, groupBy: "school", sections: ["lishui-rural-extras/nope"] })
          .catch((e: unknown) => e);
        expect(isHomevisitError(unknown) && [unknown.code, unknown.status, unknown.path]).toEqual([
          "report_section_unknown",
          422,
          ["sections", 0],
        ]);
        expect(isHomevisitError(unknown) && unknown.messages["zh-CN"]).toBe("没有报表分项“lishui-rural-extras/nope”");
        // Anything not shaped like a section name is refused without being echoed.
        const odd = await engine.reports
          .coverage(as("principal"), { ...period, groupBy: "school", sections: ["13912345678"] })
          .catch((e: unknown) => e);
        expect(isHomevisitError(odd) && [odd.code, JSON.stringify(odd.toJSON()).includes("13912345678")]).toEqual([
          "validation_failed",
          false,
        ]);
        const teacher = await engine.reports
          .coverage(as("teacher"), { ...period, groupBy: "school" })
          .catch((e: unknown) => e);
        expect(isHomevisitError(teacher) && teacher.code).toBe("forbidden");
      } finally {
        await harness.cleanup();
      }
    });
  });
}
