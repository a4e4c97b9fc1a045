// definePlugin and the plugin registry: eager validation of obligation rules and report
// sections, conflicts between plugins, and the engine's types carrying plugin category keys.
import {
  type CustomObligationRule,
  createEngine,
  definePlugin,
  type Engine,
  type HomevisitPlugin,
  isHomevisitError,
  pluginRegistry,
} from "@homevisit/core";
import { memoryBlobStore, memoryStorage } from "@homevisit/storage-memory";
import { describe, expect, expectTypeOf, it } from "vitest";
import { errorOf } from "./fixtures/errors.js";

const label = { "zh-CN": "寄宿留守儿童", en: "Boarding left-behind child" };
const rule: CustomObligationRule = {
  id: "boarding_per_term",
  label: { "zh-CN": "寄宿留守儿童每学期家访", en: "Boarding left-behind children, every term" },
  categories: ["boarding_left_behind"],
  frequency: { per: "term", visits: 2 },
};
const extras = definePlugin({
  id: "lishui-rural-extras",
  categories: [{ key: "boarding_left_behind", label }],
  obligationRules: { custom: [rule] },
  reportSections: [
    {
      id: "boarding-coverage",
      title: { "zh-CN": "寄宿留守儿童家访覆盖", en: "Coverage of boarding left-behind children" },
      groupBy: "category",
      keys: ["boarding_left_behind"],
    },
  ],
});

describe("definePlugin checks rules and sections at once", () => {
  it("accepts a plugin whose rules name the seven and its own categories", () => {
    expect(extras.obligationRules.custom[0]?.id).toBe("boarding_per_term");
    const registry = pluginRegistry([extras]);
    expect(registry.obligationRules()).toEqual([{ custom: [rule] }]);
    expect(registry.pluginCategoryLabels()).toEqual({ boarding_left_behind: label });
    expect(registry.reportSections().map((s) => [s.qualifiedId, s.pluginId])).toEqual([
      ["lishui-rural-extras/boarding-coverage", "lishui-rural-extras"],
    ]);
  });

  it("refuses rule data that fails the schema, with the issues and both locales", () => {
    const error = errorOf(() =>
      definePlugin({
        id: "bad-rules",
        obligationRules: { custom: [{ ...rule, id: "new_student", categories: ["disability"] }] },
      }),
    );
    expect(error.code).toBe("plugin_invalid");
    expect(error.messages).toEqual({
      "zh-CN": "插件“bad-rules”的定义无效（obligationRules）",
      en: 'The plugin "bad-rules" is not valid (obligationRules)',
    });
    expect(error.issues.map((i) => [i.path.join("."), i.code])).toEqual([
      ["obligationRules.custom.0.id", "rules_id_reserved"],
    ]);
    const days = errorOf(() => definePlugin({ id: "bad-days", obligationRules: { crisis: { days: 0 } } }));
    expect(days.issues.map((i) => i.path.join("."))).toEqual(["obligationRules.crisis.days"]);
  });

  it("refuses a rule naming a category that is neither one of the seven nor the plugin's", () => {
    const error = errorOf(() => definePlugin({ id: "stranger", obligationRules: { custom: [rule] } }));
    expect([error.code, error.params.what]).toEqual([
      "plugin_invalid",
      "obligation rule boarding_per_term: category boarding_left_behind",
    ]);
  });

  it("refuses bad and repeated report sections", () => {
    const section = { id: "s", title: label, groupBy: "category" } as const;
    const bad = errorOf(() =>
      definePlugin({ id: "p", reportSections: [section, { ...section, id: "t", groupBy: "hobby" as "category" }] }),
    );
    expect([bad.code, bad.issues.map((i) => i.path.join("."))]).toEqual([
      "plugin_invalid",
      ["reportSections.1.groupBy"],
    ]);
    const twice = errorOf(() => definePlugin({ id: "p", reportSections: [section, section] }));
    expect([twice.code, twice.params.what]).toEqual(["plugin_conflict", "report section s"]);
  });

  it("refuses two plugins that add the same rule id", () => {
    const other: HomevisitPlugin = definePlugin({
      id: "other",
      obligationRules: { custom: [{ ...rule, categories: ["disability"] }] },
    });
    const error = errorOf(() => pluginRegistry([extras, other]));
    expect([error.code, error.params.what]).toEqual(["plugin_conflict", "obligation rule boarding_per_term"]);
  });
});

describe("the engine's types carry the plugins' category keys", () => {
  const storage = memoryStorage();
  const options = { storage, blobs: memoryBlobStore(), config: { audit: { hmacKey: "type-test-key-0123456789" } } };
  const rural = createEngine({ ...options, plugins: [extras] });
  const plain = createEngine(options);
  const actor = { id: "t-1", roles: ["class_teacher" as const], cityId: "c", countyId: "k", schoolId: "s" };

  it("types a plugin's key without a cast, and refuses a typo and keys of other engines", () => {
    type FlagInput = Parameters<typeof rural.students.flagCategory>[1];
    expectTypeOf<FlagInput["category"]>().toEqualTypeOf<
      | "economic_hardship"
      | "learning_difficulty"
      | "major_change"
      | "left_behind_or_single_parent"
      | "migrant_worker_child"
      | "disability"
      | "family_crisis"
      | "boarding_left_behind"
    >();
    type Flagged = Awaited<ReturnType<typeof rural.students.flagCategory>>;
    expectTypeOf<Flagged["flag"]["category"]>().toEqualTypeOf<FlagInput["category"]>();
    const call = () => {
      void rural.students.flagCategory(actor, { studentId: "s-1", category: "boarding_left_behind", evidence: "住校" });
      // @ts-expect-error a typo of the plugin's key does not compile
      void rural.students.flagCategory(actor, { studentId: "s-1", category: "boarding_left_behnd", evidence: "住校" });
      // @ts-expect-error an engine without the plugin does not know its key
      void plain.students.flagCategory(actor, { studentId: "s-1", category: "boarding_left_behind", evidence: "住校" });
    };
    expect(typeof call).toBe("function");
    // Every engine is still an Engine, for code that takes any.
    const any: Engine = rural;
    const alsoAny: Engine = plain;
    expect([any, alsoAny].every((e) => typeof e.students.flagCategory === "function")).toBe(true);
  });

  it("and at run time refuses what the types refuse", async () => {
    const got = await plain.students
      .flagCategory(actor, { studentId: "s-1", category: "boarding_left_behind" as "disability", evidence: "住校" })
      .catch((e: unknown) => e);
    expect(isHomevisitError(got) && got.code).toBe("validation_failed");
  });
});
