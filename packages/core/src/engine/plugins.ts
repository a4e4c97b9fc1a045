import * as z from "zod";
import {
  categoryKeyPattern,
  type PriorityCategory,
  priorityCategories,
  priorityCategoryLabels,
} from "../domain/categories.js";
import type { FieldDefinitionInput } from "../domain/custom-fields/fields.js";
import { type ObligationRulesOverride, obligationRulesOverrideSchema } from "../planning/rules.js";
import type { EngineEventTopic, EventHandler } from "../ports/events.js";
import { type CoverageGrouping, coverageGroupings } from "../ports/storage.js";
import { HomevisitError } from "../shared/errors/homevisit-error.js";
import { issuesFromZod } from "../shared/errors/parse.js";
import type { LocalizedText } from "../shared/i18n.js";

/** A category a school adds beyond the seven of R3 (e.g. `only_child_boarding`). */
export interface PluginCategory {
  /** snake_case key of 2–48 characters (`categoryKeyPattern`), not one of the seven. */
  key: string;
  label: LocalizedText;
}

/**
 * A section a plugin adds to the coverage report (`reports.coverage`), as data: a grouping of
 * the database's coverage aggregates, optionally narrowed to some groups (the plugin's
 * categories, some grades). The engine computes it with the report, under the report's
 * authorization, and hides groups under five itself: a section cannot show what the report
 * itself would not.
 */
export interface PluginReportSection {
  /** snake_case or kebab-case, unique in the plugin; the report names it `pluginId/id`. */
  id: string;
  title: LocalizedText;
  /** A sentence under the title: what the figures mean. */
  description?: LocalizedText;
  /** The coverage grouping the rows come from (`category` for coverage by category …). */
  groupBy: CoverageGrouping;
  /**
   * Only these groups, in this order, each shown even when nobody is in it (then suppressed,
   * like any group under five). Default: every group, ordered by key.
   */
  keys?: readonly string[];
}

/**
 * What a host or a school plugs in: custom fields for the visit forms, categories beyond the
 * seven, obligation rules (overrides of the built-in ones, and rules of its own as data),
 * report sections and event subscribers.
 */
export interface HomevisitPlugin {
  /** Unique, kebab- or snake-case: `lishui-rural-extras`. */
  readonly id: string;
  readonly name?: LocalizedText;
  /** Extra fields for the visit record's custom section, keyed by form. */
  readonly customFields?: Readonly<Record<string, readonly FieldDefinitionInput[]>>;
  readonly categories?: readonly PluginCategory[];
  /**
   * Obligation rules, applied after the city's and county's levels: overrides of the built-in
   * rules, and `custom` rules of the plugin's own ({@link CustomObligationRule}), which may name
   * the seven categories and the plugin's.
   */
  readonly obligationRules?: ObligationRulesOverride;
  readonly reportSections?: readonly PluginReportSection[];
  /** Subscribers, registered on `engine.events` when the engine is created. */
  readonly events?: { readonly [T in EngineEventTopic]?: EventHandler<T> };
}

/** The category keys a plugin adds, as literal types: `"boarding_left_behind" | …`. */
export type PluginCategoryKey<P> = P extends { readonly categories?: readonly (infer C)[] }
  ? C extends { key: infer K extends string }
    ? K
    : never
  : never;

/**
 * Every category key an engine with these plugins accepts: the seven and the plugins' keys.
 * `createEngine` types `students.flagCategory` and the flags it returns with it.
 */
export type EngineCategoryKey<Ps extends readonly HomevisitPlugin[]> = PriorityCategory | PluginCategoryKey<Ps[number]>;

const pluginIdSchema = z.string().regex(/^[a-z][a-z0-9_-]{0,63}$/);

const localizedSchema = z.strictObject({ "zh-CN": z.string().min(1).max(200), en: z.string().min(1).max(200) });

/** A report section as {@link definePlugin} checks it. */
export const pluginReportSectionSchema = z.strictObject({
  id: pluginIdSchema,
  title: localizedSchema,
  description: z.strictObject({ "zh-CN": z.string().max(1000), en: z.string().max(1000) }).optional(),
  groupBy: z.enum(coverageGroupings),
  keys: z.array(z.string().min(1).max(64)).min(1).max(100).optional(),
});

function invalid(id: string, what: string, issues?: z.core.$ZodIssue[], path: (string | number)[] = []): never {
  throw new HomevisitError("plugin_invalid", {
    params: { id: id.slice(0, 64), what },
    ...(issues === undefined ? {} : { issues: issuesFromZod(issues, path) }),
  });
}

/** Checks a plugin's rules and report sections, which must be right before any engine runs. */
function checkPluginData(plugin: HomevisitPlugin, ownCategories: ReadonlySet<string>): void {
  if (plugin.obligationRules !== undefined) {
    const result = obligationRulesOverrideSchema.safeParse(plugin.obligationRules);
    if (!result.success) invalid(plugin.id, "obligationRules", result.error.issues, ["obligationRules"]);
    for (const rule of result.data.custom ?? []) {
      for (const category of rule.categories ?? []) {
        const known = (priorityCategories as readonly string[]).includes(category) || ownCategories.has(category);
        if (!known) invalid(plugin.id, `obligation rule ${rule.id}: category ${category}`);
      }
    }
  }
  const sectionIds = new Set<string>();
  (plugin.reportSections ?? []).forEach((section, i) => {
    const result = pluginReportSectionSchema.safeParse(section);
    if (!result.success) invalid(plugin.id, "reportSections", result.error.issues, ["reportSections", i]);
    if (sectionIds.has(section.id)) throw conflict(plugin.id, `report section ${section.id}`);
    sectionIds.add(section.id);
  });
}

function conflict(id: string, what: string): HomevisitError {
  return new HomevisitError("plugin_conflict", { params: { id: id.slice(0, 64), what } });
}

/**
 * Declares a plugin. Returns it unchanged with its literal types kept (`satisfies`-style), so a
 * host's categories and fields stay typed end to end; checks ids, keys, obligation rules and
 * report sections eagerly so a mistake shows at start-up, not on first use: `plugin_conflict`
 * for a clash (a category of the seven, a key or section given twice), `plugin_invalid` for
 * data that fails its schema (the issues say where) or a rule naming a category that is
 * neither one of the seven nor the plugin's own.
 *
 * @example
 * ```ts
 * export const ruralExtras = definePlugin({
 *   id: "lishui-rural-extras",
 *   categories: [{ key: "boarding_left_behind", label: { "zh-CN": "寄宿留守儿童", en: "Boarding left-behind child" } }],
 *   obligationRules: {
 *     custom: [{
 *       id: "boarding_per_term",
 *       label: { "zh-CN": "寄宿留守儿童每学期家访", en: "Boarding left-behind children, every term" },
 *       categories: ["boarding_left_behind"],
 *       frequency: { per: "term", visits: 2 },
 *     }],
 *   },
 *   reportSections: [{
 *     id: "boarding-coverage",
 *     title: { "zh-CN": "寄宿留守儿童家访覆盖", en: "Coverage of boarding left-behind children" },
 *     groupBy: "category",
 *     keys: ["boarding_left_behind"],
 *   }],
 *   events: { "category.flagged": async (event) => notifyPrincipal(event.payload.studentId) },
 * });
 * ruralExtras.categories[0].key; // "boarding_left_behind" (a literal type)
 * ```
 */
export function definePlugin<const P extends HomevisitPlugin>(plugin: P): P {
  if (!pluginIdSchema.safeParse(plugin.id).success) throw conflict(String(plugin.id), "id");
  const seen = new Set<string>();
  for (const category of plugin.categories ?? []) {
    const builtIn = (priorityCategories as readonly string[]).includes(category.key);
    if (!categoryKeyPattern.test(String(category.key)) || builtIn || seen.has(category.key)) {
      throw conflict(plugin.id, `category ${category.key}`);
    }
    seen.add(category.key);
  }
  checkPluginData(plugin, seen);
  return plugin;
}

/** A report section with the plugin that added it and its qualified id. */
export interface RegisteredReportSection extends PluginReportSection {
  pluginId: string;
  /** `pluginId/id`: how reports name the section. */
  qualifiedId: string;
}

/** The plugins an engine runs with, and what they add. */
export interface PluginRegistry {
  /** Every plugin, in the order given. */
  readonly list: readonly HomevisitPlugin[];
  get(id: string): HomevisitPlugin | undefined;
  /** Categories added by plugins, with the plugin that added each. */
  categories(): (PluginCategory & { pluginId: string })[];
  /** Every category key this engine accepts: the seven in the guidance's order, then the plugins'. */
  categoryKeys(): string[];
  /** Whether a category key is one of the seven or a plugin's. */
  hasCategory(key: string): boolean;
  /** The label of a category key, the seven's included; `undefined` for an unknown key. */
  categoryLabel(key: string): LocalizedText | undefined;
  /** The labels of the plugins' categories, by key (for reason sentences). */
  pluginCategoryLabels(): Record<string, LocalizedText>;
  /** Custom fields of one form from every plugin. */
  customFields(form: string): FieldDefinitionInput[];
  /** Obligation rules (overrides and custom rules) in plugin order. */
  obligationRules(): ObligationRulesOverride[];
  /** Report sections in plugin order. */
  reportSections(): RegisteredReportSection[];
}

/**
 * Builds the registry of an engine's plugins; `plugin_conflict` for a duplicate plugin id, a
 * category two plugins both add, or a custom obligation rule id two plugins both use (a later
 * plugin would silently replace the earlier one's rule).
 *
 * @example
 * ```ts
 * const registry = pluginRegistry([ruralExtras]);
 * registry.categories(); // [{ key: "boarding_left_behind", label: …, pluginId: "lishui-rural-extras" }]
 * registry.categoryKeys(); // ["economic_hardship", …, "family_crisis", "boarding_left_behind"]
 * registry.hasCategory("only_child"); // false
 * registry.reportSections()[0]?.qualifiedId; // "lishui-rural-extras/boarding-coverage"
 * ```
 */
export function pluginRegistry(plugins: readonly HomevisitPlugin[]): PluginRegistry {
  const byId = new Map<string, HomevisitPlugin>();
  const categoryOwners = new Map<string, string>();
  const ruleOwners = new Map<string, string>();
  for (const plugin of plugins) {
    definePlugin(plugin);
    if (byId.has(plugin.id)) throw conflict(plugin.id, "id");
    byId.set(plugin.id, plugin);
    for (const category of plugin.categories ?? []) {
      if (categoryOwners.has(category.key)) throw conflict(plugin.id, `category ${category.key}`);
      categoryOwners.set(category.key, plugin.id);
    }
    for (const rule of plugin.obligationRules?.custom ?? []) {
      if (ruleOwners.has(rule.id)) throw conflict(plugin.id, `obligation rule ${rule.id}`);
      ruleOwners.set(rule.id, plugin.id);
    }
  }
  const labels = new Map<string, LocalizedText>(Object.entries(priorityCategoryLabels));
  for (const plugin of plugins) for (const c of plugin.categories ?? []) labels.set(c.key, c.label);
  const keys = [...labels.keys()];
  const sections = plugins.flatMap((p) =>
    (p.reportSections ?? []).map((s) => ({ ...s, pluginId: p.id, qualifiedId: `${p.id}/${s.id}` })),
  );
  return {
    list: [...plugins],
    get: (id) => byId.get(id),
    categories: () => plugins.flatMap((p) => (p.categories ?? []).map((c) => ({ ...c, pluginId: p.id }))),
    categoryKeys: () => [...keys],
    hasCategory: (key) => labels.has(key),
    categoryLabel: (key) => labels.get(key),
    pluginCategoryLabels: () =>
      Object.fromEntries(plugins.flatMap((p) => (p.categories ?? []).map((c) => [c.key, c.label]))),
    customFields: (form) => plugins.flatMap((p) => [...(p.customFields?.[form] ?? [])]),
    obligationRules: () => plugins.flatMap((p) => (p.obligationRules === undefined ? [] : [p.obligationRules])),
    reportSections: () => sections.map((s) => ({ ...s })),
  };
}
