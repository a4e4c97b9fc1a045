/**
 * Text in the two languages every homevisit message carries. zh-CN is the default: the
 * programme, its teachers and its bureaus work in Chinese; en serves vendors' developers.
 */
export const locales = ["zh-CN", "en"] as const;

/** A supported locale. */
export type Locale = (typeof locales)[number];

/** The default locale of every message. */
export const defaultLocale: Locale = "zh-CN";

/**
 * A text given in every supported locale.
 *
 * @example
 * ```ts
 * const label: LocalizedText = { "zh-CN": "新生", en: "New student" };
 * ```
 */
export type LocalizedText = Readonly<Record<Locale, string>>;

/**
 * Picks a locale from an `Accept-Language`-like list, falling back to zh-CN.
 *
 * @example
 * ```ts
 * pickLocale("en-US,en;q=0.9"); // "en"
 * pickLocale(undefined); // "zh-CN"
 * ```
 */
export function pickLocale(preference: string | readonly string[] | undefined | null): Locale {
  const wanted = typeof preference === "string" ? parseAcceptLanguage(preference) : (preference ?? []);
  for (const tag of wanted) {
    const lower = tag.toLowerCase();
    if (lower.startsWith("zh")) return "zh-CN";
    if (lower.startsWith("en")) return "en";
  }
  return defaultLocale;
}

function parseAcceptLanguage(header: string): string[] {
  return header
    .split(",")
    .map((part, index) => {
      const [tag = "", ...params] = part.trim().split(";");
      const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
      return { tag: tag.trim(), q: q ? Number(q.slice(2)) || 0 : 1, index };
    })
    .filter((x) => x.tag !== "" && x.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index)
    .map((x) => x.tag);
}

/**
 * Fills `{name}` placeholders of a localized template.
 *
 * @example
 * ```ts
 * formatText({ "zh-CN": "字段 {key} 重复", en: "Duplicate field {key}" }, { key: "hobby" }, "en");
 * // "Duplicate field hobby"
 * ```
 */
export function formatText(
  template: LocalizedText,
  params: Readonly<Record<string, unknown>> = {},
  locale: Locale = defaultLocale,
): string {
  const parts = templateParts(template[locale]);
  let out = parts[0] as string;
  for (let i = 1; i < parts.length; i += 2) {
    const name = parts[i] as string;
    out += Object.hasOwn(params, name) ? String(params[name]) : `{${name}}`;
    out += parts[i + 1] as string;
  }
  return out;
}

/**
 * A template split at its placeholders: text, name, text, name, …, text. Templates are few
 * and filled many times (the planner fills one per reason), so each is split once.
 */
const splitTemplates = new Map<string, readonly string[]>();

function templateParts(text: string): readonly string[] {
  let parts = splitTemplates.get(text);
  if (parts === undefined) {
    const split: string[] = [];
    let last = 0;
    for (const match of text.matchAll(/\{(\w+)\}/g)) {
      split.push(text.slice(last, match.index), match[1] as string);
      last = match.index + match[0].length;
    }
    split.push(text.slice(last));
    // Bounded: callers may pass templates of their own.
    if (splitTemplates.size >= 1024) splitTemplates.clear();
    splitTemplates.set(text, split);
    parts = split;
  }
  return parts;
}

/**
 * Fills placeholders in every locale at once.
 *
 * @example
 * ```ts
 * localizeAll({ "zh-CN": "{n} 名学生", en: "{n} students" }, { n: 3 });
 * // { "zh-CN": "3 名学生", en: "3 students" }
 * ```
 */
export function localizeAll(template: LocalizedText, params: Readonly<Record<string, unknown>> = {}): LocalizedText {
  return { "zh-CN": formatText(template, params, "zh-CN"), en: formatText(template, params, "en") };
}
