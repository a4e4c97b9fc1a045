import * as z from "zod";
import { categoryKeyPattern, priorityCategories, priorityCategoryLabels } from "../categories.js";
import type { FieldDefinitionInput } from "../custom-fields/fields.js";
import { HomevisitError } from "../errors/homevisit-error.js";
import type { LocalizedText } from "../i18n.js";
import type { ObligationRulesOverride } from "../planning/rules.js";
import type { EngineEventTopic, EventHandler } from "./events.js";

/** A category a school adds beyond the seven of R3 (e.g. `only_child_boarding`). */
export interface PluginCategory {
  /** snake_case key of 2–48 characters (`categoryKeyPattern`), not one of the seven. */
  key: string;
  label: LocalizedText;
}

/** A section a plugin adds to reports (its rows are computed by the host's report code). */
export interface PluginReportSection {
  id: string;
  title: LocalizedText;
}

/**
 * What a host or a school plugs in: custom fields for the visit forms, categories beyond the
 * seven, obligation-rule overrides, report sections and event subscribers.
 */
export interface HomevisitPlugin {
  /** Unique, kebab- or snake-case: `lishui-rural-extras`. */
  readonly id: string;
  readonly name?: LocalizedText;
  /** Extra fields for the visit record's custom section, keyed by form. */
  readonly customFields?: Readonly<Record<string, readonly FieldDefinitionInput[]>>;
  readonly categories?: readonly PluginCategory[];
  /** Obligation-rule overrides, applied after the city's and county's levels. */
  readonly obligationRules?: ObligationRulesOverride;
  readonly reportSections?: readonly PluginReportSection[];
  /** Subscribers, registered on `engine.events` when the engine is created. */
  readonly events?: { readonly [T in EngineEventTopic]?: EventHandler<T> };
}

const pluginIdSchema = z.string().regex(/^[a-z][a-z0-9_-]{0,63}$/);

/**
 * Declares a plugin. Returns it unchanged with its literal types kept (`satisfies`-style), so a
 * host's categories and fields stay typed end to end; checks ids and keys eagerly so a mistake
 * shows at start-up, not on first use.
 *
 * @example
 * ```ts
 * export const ruralExtras = definePlugin({
 *   id: "lishui-rural-extras",
 *   categories: [{ key: "boarding_left_behind", label: { "zh-CN": "寄宿留守儿童", en: "Boarding left-behind child" } }],
 *   events: { "category.flagged": async (event) => notifyPrincipal(event.payload.studentId) },
 * });
 * ruralExtras.categories[0].key; // "boarding_left_behind" (a literal type)
 * ```
 */
export function definePlugin<const P extends HomevisitPlugin>(plugin: P): P {
  if (!pluginIdSchema.safeParse(plugin.id).success) {
    throw new HomevisitError("plugin_conflict", { params: { id: String(plugin.id).slice(0, 64), what: "id" } });
  }
  const seen = new Set<string>();
  for (const category of plugin.categories ?? []) {
    const builtIn = (priorityCategories as readonly string[]).includes(category.key);
    if (!categoryKeyPattern.test(String(category.key)) || builtIn || seen.has(category.key)) {
      throw new HomevisitError("plugin_conflict", { params: { id: plugin.id, what: `category ${category.key}` } });
    }
    seen.add(category.key);
  }
  return plugin;
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
  /** Custom fields of one form from every plugin. */
  customFields(form: string): FieldDefinitionInput[];
  /** Obligation-rule overrides in plugin order. */
  obligationRules(): ObligationRulesOverride[];
  reportSections(): (PluginReportSection & { pluginId: string })[];
}

/**
 * Builds the registry of an engine's plugins; `plugin_conflict` for a duplicate plugin id or a
 * category two plugins both add.
 *
 * @example
 * ```ts
 * const registry = pluginRegistry([ruralExtras]);
 * registry.categories(); // [{ key: "boarding_left_behind", label: …, pluginId: "lishui-rural-extras" }]
 * registry.categoryKeys(); // ["economic_hardship", …, "family_crisis", "boarding_left_behind"]
 * registry.hasCategory("only_child"); // false
 * ```
 */
export function pluginRegistry(plugins: readonly HomevisitPlugin[]): PluginRegistry {
  const byId = new Map<string, HomevisitPlugin>();
  const categoryOwners = new Map<string, string>();
  for (const plugin of plugins) {
    definePlugin(plugin);
    if (byId.has(plugin.id)) throw new HomevisitError("plugin_conflict", { params: { id: plugin.id, what: "id" } });
    byId.set(plugin.id, plugin);
    for (const category of plugin.categories ?? []) {
      if (categoryOwners.has(category.key)) {
        throw new HomevisitError("plugin_conflict", { params: { id: plugin.id, what: `category ${category.key}` } });
      }
      categoryOwners.set(category.key, plugin.id);
    }
  }
  const labels = new Map<string, LocalizedText>(Object.entries(priorityCategoryLabels));
  for (const plugin of plugins) for (const c of plugin.categories ?? []) labels.set(c.key, c.label);
  const keys = [...labels.keys()];
  return {
    list: [...plugins],
    get: (id) => byId.get(id),
    categories: () => plugins.flatMap((p) => (p.categories ?? []).map((c) => ({ ...c, pluginId: p.id }))),
    categoryKeys: () => [...keys],
    hasCategory: (key) => labels.has(key),
    categoryLabel: (key) => labels.get(key),
    customFields: (form) => plugins.flatMap((p) => [...(p.customFields?.[form] ?? [])]),
    obligationRules: () => plugins.flatMap((p) => (p.obligationRules === undefined ? [] : [p.obligationRules])),
    reportSections: () => plugins.flatMap((p) => (p.reportSections ?? []).map((s) => ({ ...s, pluginId: p.id }))),
  };
}
