import type { LocalizedText } from "../i18n.js";

/**
 * The records errors talk about, each with its name in both locales: the one table behind
 * `not_found` and `conflict` messages. The key is the English name, which errors carry in
 * `params.entity` (stable, for logs and clients); zh-CN messages show the Chinese name. Stored
 * entities name theirs in `storedEntities` (typed against this table), so a new entity cannot
 * be added without its Chinese name.
 */
export const entityNames = {
  record: { "zh-CN": "记录", en: "record" },
  city: { "zh-CN": "市", en: "city" },
  county: { "zh-CN": "县（市、区）", en: "county" },
  school: { "zh-CN": "学校", en: "school" },
  class: { "zh-CN": "班级", en: "class" },
  teacher: { "zh-CN": "教师", en: "teacher" },
  student: { "zh-CN": "学生", en: "student" },
  guardian: { "zh-CN": "监护人", en: "guardian" },
  "category flag": { "zh-CN": "类别标记", en: "category flag" },
  consent: { "zh-CN": "监护人同意", en: "consent" },
  mentorship: { "zh-CN": "德育导师安排", en: "mentorship" },
  appointment: { "zh-CN": "家访预约", en: "appointment" },
  "visit record": { "zh-CN": "家访记录", en: "visit record" },
  "safety report": { "zh-CN": "安全报告", en: "safety report" },
  "safety check-in": { "zh-CN": "返程报平安", en: "safety check-in" },
  "zero report": { "zh-CN": "安全零报告", en: "zero report" },
  "term plan": { "zh-CN": "学期家访计划", en: "term plan" },
  "conduct report": { "zh-CN": "师德报告", en: "conduct report" },
  "support plan": { "zh-CN": "帮扶计划", en: "support plan" },
  "feedback item": { "zh-CN": "家长意见", en: "feedback item" },
  tombstone: { "zh-CN": "删除记录", en: "tombstone" },
  "form template": { "zh-CN": "表单模板", en: "form template" },
  "idempotency key": { "zh-CN": "幂等键", en: "idempotency key" },
  event: { "zh-CN": "事件", en: "event" },
} as const satisfies Readonly<Record<string, LocalizedText>>;

/** The English name of a record errors talk about (`student`, `visit record` …). */
export type EntityName = keyof typeof entityNames;

/**
 * Whether a text is one of the names of {@link entityNames}.
 *
 * @example
 * ```ts
 * isEntityName("visit record"); // true
 * isEntityName("visitRecords"); // false (a storage key, not a name)
 * ```
 */
export function isEntityName(name: string): name is EntityName {
  return Object.hasOwn(entityNames, name);
}

/**
 * Chinese names of the records errors talk about, by English name: {@link entityNames} seen from
 * the zh-CN side, kept for callers that only need the Chinese.
 */
export const entityNamesZh: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(entityNames).map(([name, text]) => [name, text["zh-CN"]]),
);
