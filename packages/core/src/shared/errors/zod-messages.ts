import type * as z from "zod";
import type { LocalizedText } from "../i18n.js";

/**
 * Plain-language messages for zod's own issues, in zh-CN and en. Each names the field (by its
 * label when the schema gives one, else by its key) and says what was expected; none repeats
 * the value that was sent, which may be personal data. zod's own locale texts are not used:
 * without the value they say "received undefined", and their zh-CN wording is technical.
 */

/** A field's name for messages: its label when the schema has one, else its key. */
export type FieldName = LocalizedText;

const expectedWords: Readonly<Record<string, LocalizedText>> = {
  string: { "zh-CN": "文本", en: "text" },
  number: { "zh-CN": "数字", en: "a number" },
  int: { "zh-CN": "整数", en: "a whole number" },
  bigint: { "zh-CN": "整数", en: "a whole number" },
  boolean: { "zh-CN": "是或否（true / false）", en: "true or false" },
  array: { "zh-CN": "列表", en: "a list" },
  object: { "zh-CN": "对象", en: "an object" },
  date: { "zh-CN": "日期", en: "a date" },
  null: { "zh-CN": "空值", en: "null" },
  nan: { "zh-CN": "数字", en: "a number" },
};

const formatWords: Readonly<Record<string, LocalizedText>> = {
  email: { "zh-CN": "电子邮箱地址", en: "an email address" },
  url: { "zh-CN": "网址", en: "a URL" },
  uuid: { "zh-CN": "UUID", en: "a UUID" },
  datetime: { "zh-CN": "带时区的日期时间（ISO 8601）", en: "a date-time with a time zone (ISO 8601)" },
  date: { "zh-CN": "日期（YYYY-MM-DD）", en: "a date (YYYY-MM-DD)" },
  time: { "zh-CN": "时间（HH:mm）", en: "a time (HH:mm)" },
};

const sizeUnits: Readonly<Record<string, LocalizedText>> = {
  string: { "zh-CN": "个字符", en: "characters" },
  array: { "zh-CN": "项", en: "items" },
  set: { "zh-CN": "项", en: "items" },
  file: { "zh-CN": "字节", en: "bytes" },
};

function both(zh: string, en: string): LocalizedText {
  return { "zh-CN": zh, en };
}

function bound(value: unknown): string {
  return typeof value === "bigint" || typeof value === "number" ? String(value) : String(value ?? "");
}

/** The words for an enum's values, by value ({@link withOptionLabels}). */
export type OptionWords = Readonly<Record<string, LocalizedText>>;

/**
 * Schema literals (enum members) are not input: they may be listed, a few at most, each by its
 * words where the schema has them, followed by the value a script sends.
 */
function listValues(values: readonly unknown[], words?: OptionWords): LocalizedText {
  const shown = values.slice(0, 12);
  const more = values.length > 12;
  const list = (locale: "zh-CN" | "en", open: string, close: string, separator: string) => {
    const items = shown.map((v) => {
      const value = typeof v === "string" ? v : JSON.stringify(v);
      const word = typeof v === "string" && words !== undefined && Object.hasOwn(words, v) ? words[v] : undefined;
      return word === undefined ? value : `${word[locale]}${open}${value}${close}`;
    });
    return more ? `${items.join(separator)}${separator}…` : items.join(separator);
  };
  // Chinese lists take the enumeration comma and full-width brackets once words are in them.
  const zh = words === undefined ? list("zh-CN", "", "", ", ") : list("zh-CN", "（", "）", "、");
  return { "zh-CN": zh, en: list("en", " (", ")", ", ") };
}

/**
 * The message of one zod issue, naming the field. `missing` tells a required field that was
 * left out from one of the wrong type; `words` are the words for an enum's values, which a
 * wrong value's message lists.
 *
 * @example
 * ```ts
 * zodIssueMessage({ code: "invalid_type", expected: "number", path: ["limit"], message: "" } as never,
 *   { "zh-CN": "“limit”", en: "limit" }, false);
 * // { "zh-CN": "“limit”应为数字", en: "limit must be a number" }
 * zodIssueMessage({ code: "invalid_value", values: ["in_home", "phone"], path: ["channel"], message: "" } as never,
 *   { "zh-CN": "“家访方式”", en: "“Channel”" }, false, visitChannelLabels);
 * // { "zh-CN": "“家访方式”应为以下之一：入户家访（in_home）、电话家访（phone）",
 * //   en: "“Channel” must be one of: Home visit (in_home), Phone call (phone)" }
 * ```
 */
export function zodIssueMessage(
  issue: z.core.$ZodIssue,
  field: FieldName,
  missing: boolean,
  words?: OptionWords,
): LocalizedText {
  const f = field;
  switch (issue.code) {
    case "invalid_type": {
      if (missing) return both(`缺少${f["zh-CN"]}`, `${f.en} is required`);
      const word = expectedWords[issue.expected] ?? both(issue.expected, issue.expected);
      return both(`${f["zh-CN"]}应为${word["zh-CN"]}`, `${f.en} must be ${word.en}`);
    }
    case "too_small": {
      const unit = sizeUnits[issue.origin];
      const min = bound(issue.minimum);
      if (unit !== undefined) {
        if (issue.origin === "string" && min === "1") return both(`${f["zh-CN"]}不能为空`, `${f.en} must not be empty`);
        return both(`${f["zh-CN"]}至少需要 ${min} ${unit["zh-CN"]}`, `${f.en} needs at least ${min} ${unit.en}`);
      }
      if (issue.origin === "date") return both(`${f["zh-CN"]}不能早于 ${min}`, `${f.en} must not be before ${min}`);
      return issue.inclusive === false
        ? both(`${f["zh-CN"]}应大于 ${min}`, `${f.en} must be greater than ${min}`)
        : both(`${f["zh-CN"]}不能小于 ${min}`, `${f.en} must be at least ${min}`);
    }
    case "too_big": {
      const unit = sizeUnits[issue.origin];
      const max = bound(issue.maximum);
      if (unit !== undefined) {
        return both(`${f["zh-CN"]}最多 ${max} ${unit["zh-CN"]}`, `${f.en} may have at most ${max} ${unit.en}`);
      }
      if (issue.origin === "date") return both(`${f["zh-CN"]}不能晚于 ${max}`, `${f.en} must not be after ${max}`);
      return issue.inclusive === false
        ? both(`${f["zh-CN"]}应小于 ${max}`, `${f.en} must be less than ${max}`)
        : both(`${f["zh-CN"]}不能大于 ${max}`, `${f.en} must be at most ${max}`);
    }
    case "invalid_format": {
      const word = formatWords[issue.format];
      return word === undefined
        ? both(`${f["zh-CN"]}的格式不正确`, `${f.en} is not in the expected format`)
        : both(`${f["zh-CN"]}应为${word["zh-CN"]}`, `${f.en} must be ${word.en}`);
    }
    case "not_multiple_of":
      return both(
        `${f["zh-CN"]}应为 ${bound(issue.divisor)} 的倍数`,
        `${f.en} must be a multiple of ${bound(issue.divisor)}`,
      );
    case "invalid_value": {
      const values = listValues(issue.values, words);
      return issue.values.length === 1
        ? both(`${f["zh-CN"]}只能是 ${values["zh-CN"]}`, `${f.en} must be ${values.en}`)
        : both(`${f["zh-CN"]}应为以下之一：${values["zh-CN"]}`, `${f.en} must be one of: ${values.en}`);
    }
    case "unrecognized_keys": {
      // Unknown keys come from the caller and could themselves be personal data (a phone
      // number used as a key): name only keys that look like identifiers.
      const keys = issue.keys.map((k) => (/^[A-Za-z_$][\w$]{0,63}$/.test(k) ? k : "…")).join(", ");
      return both(`${f["zh-CN"]}含有不接受的字段：${keys}`, `${f.en} has fields that are not accepted: ${keys}`);
    }
    case "invalid_union":
      return both(`${f["zh-CN"]}不符合任何允许的形式`, `${f.en} matches none of the allowed forms`);
    case "invalid_key":
      return both(`${f["zh-CN"]}中有无效的键`, `${f.en} has an invalid key`);
    case "invalid_element":
      return both(`${f["zh-CN"]}中有无效的项`, `${f.en} has an invalid item`);
    default:
      return both(`${f["zh-CN"]}无效`, `${f.en} is not valid`);
  }
}
